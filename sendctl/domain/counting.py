"""How the statute's words become a last lawful day.

Every clock's due date is the LAST LAWFUL DAY: the duty is met if the act happens on or before
it and is missed from the next day. Each phrase the legislation uses has exactly one function
here; the rules table (domain/rules.py) names the phrase each rule uses.

- "before D"                          -> D - 1 day (SEND Regs 2014 reg 18(1); SI 2014/2270 art 14(3))
- "within N weeks of X"               -> X + 7N days, X being day 0 (SEND Regs 2014 reg 13(2))
- "N days beginning with X"           -> X + N - 1 (X is day 1; SEND Regs 2014 reg 13(1))
- "period of N months starting with X" -> the day before the date with X's day number N months
  later; if that date does not exist (29 Feb in a common year) the period runs to the end of
  that month (CFA 2014 s.44(1))
- "within N months after X"           -> the date with X's day number N months later, else the
  last day of that month
- "at least N months before X"        -> X - N months (last day of that month if none)
- "N working days beginning with X"   -> the Nth working day counting X as day 1 when X is a
  working day (SEND Regs 2014 reg 15(2))
- "within N days of X"                -> X + N days (SEND Regs 2014 reg 37, mediation)
- "within N working days of X"        -> the Nth working day after X (mediation certificates)

Pure: no clock is read, no I/O.
"""

import calendar
from collections.abc import Collection
from datetime import date, timedelta


def before(d: date) -> date:
    """'Before D': the duty is already missed on D, so the last lawful day is D - 1."""
    return d - timedelta(days=1)


def within_weeks(x: date, weeks: int) -> date:
    """'Within N weeks of X': X + 7N days (X is day 0). Mon 9 Jan 2017, 20 weeks -> Mon 29 May 2017."""
    return x + timedelta(days=7 * weeks)


def weeks_before(x: date, weeks: int) -> date:
    """'At least N weeks before X': X - 7N days."""
    return x - timedelta(days=7 * weeks)


def within_days(x: date, days: int) -> date:
    """'Within N days of X': X + N days (X is day 0). Tue 20 Jun 2017, 30 days -> Thu 20 Jul."""
    return x + timedelta(days=days)


def days_beginning(x: date, days: int) -> date:
    """'N days beginning with X': X counts as day 1, so X + N - 1. 24 Apr 2017, 15 days -> 8 May."""
    return x + timedelta(days=days - 1)


def _shift_months(d: date, months: int) -> tuple[int, int]:
    total = d.year * 12 + (d.month - 1) + months
    return total // 12, total % 12 + 1


def _same_day_or_none(d: date, months: int) -> date | None:
    y, m = _shift_months(d, months)
    if d.day > calendar.monthrange(y, m)[1]:
        return None
    return date(y, m, d.day)


def months_end(x: date, months: int) -> date:
    """'In the period of N months starting (beginning) with X': the last day of that period.

    The day before the date with X's day number N months later; when that date does not
    exist, the 1st of the following month minus one day (the end of the shorter month).
    15 Jun 2016 -> 14 Jun 2017; 29 Feb 2016 -> 28 Feb 2017; 1 Mar 2015 -> 29 Feb 2016;
    31 Aug 2016 -> 30 Aug 2017.
    """
    same = _same_day_or_none(x, months)
    if same is not None:
        return same - timedelta(days=1)
    y, m = _shift_months(x, months)
    return date(y, m, calendar.monthrange(y, m)[1])


def within_months_after(x: date, months: int) -> date:
    """'Within N months after X': the date with X's day number N months later, else that
    month's last day. 10 May 2017, 2 months -> 10 Jul 2017."""
    same = _same_day_or_none(x, months)
    if same is not None:
        return same
    y, m = _shift_months(x, months)
    return date(y, m, calendar.monthrange(y, m)[1])


def months_before(x: date, months: int) -> date:
    """'At least N months before X': X - N months (that month's last day if none).
    8 Jan 2018, 5 months -> 8 Aug 2017."""
    return within_months_after(x, -months)


def is_working_day(d: date, holidays: Collection[date]) -> bool:
    """Not a Saturday, Sunday or one of `holidays` (bank holidays, Christmas Day, Good Friday)."""
    return d.weekday() < 5 and d not in holidays


def working_days_beginning(x: date, days: int, holidays: Collection[date]) -> date:
    """'N working days beginning with X': the Nth working day, X being day 1 when it is a
    working day. Fri 15 Dec 2017, 15 working days -> Tue 9 Jan 2018."""
    d = x
    count = 1 if is_working_day(d, holidays) else 0
    while count < days:
        d += timedelta(days=1)
        if is_working_day(d, holidays):
            count += 1
    return d


def working_days_after(x: date, days: int, holidays: Collection[date]) -> date:
    """'Within N working days of X': the Nth working day after X (X itself not counted).
    Tue 18 Jul 2017, 3 working days -> Fri 21 Jul 2017."""
    d = x
    count = 0
    while count < days:
        d += timedelta(days=1)
        if is_working_day(d, holidays):
            count += 1
    return d
