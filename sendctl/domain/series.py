"""The numbers behind every chart, as plain data: no drawing, no I/O, no clock.

Each function returns a `ChartData`: labels along the x axis (evenly spaced: one per month or
per week) and named series with one value (or None: no point) per label. The terminal charts
(sendctl.render.charts) draw them; any other report (an HTML page) can draw the same series.

- transfer_burndown: statements left by month, the straight line to zero at the deadline and
  the forecast at the current rate, from `transfers status` (its `burndown` rows).
- spend_against_limit: a fund's spend to date at the end of each month of a financial year
  against its approval, profile or allocation for that year.
- clocks_due_by_week: statutory clocks falling due in each of the next weeks, from
  `deadlines` rows.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | int | None, ...]


@dataclass(frozen=True)
class ChartData:
    title: str
    x: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # what the values count: "statements", "pence", "clocks"

    def get(self, name: str) -> Series:
        return next(s for s in self.series if s.name == name)


def month_range(first: str, last: str) -> list[str]:
    """'2014-09', '2014-10', ... 'last' (inclusive): every month, none skipped."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def add_months(month: str, n: int) -> str:
    """'2017-04' plus n months."""
    k = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def transfer_burndown(
    burndown: list[dict[str, Any]],
    total: int,
    as_of: date,
    deadline: date,
    rate_per_month: float | None,
    max_months_after_deadline: int = 12,
) -> ChartData:
    """Series 'left' (statements not yet concluded at each month's end, up to the as-of month),
    'straight' (from `total` in the first month to 0 in the deadline's month, evenly) and
    'forecast' (from the as-of month at `rate_per_month` until 0, shown past the deadline when
    that is when it ends; None without a rate)."""
    if not burndown:
        return ChartData("Statements left", (), (), "statements")
    deadline_month = deadline.isoformat()[:7]
    as_of_month = as_of.isoformat()[:7]
    left_by_month = {r["month"]: r["remaining"] for r in burndown}
    first = burndown[0]["month"]
    now_left = next(
        (
            r["remaining"]
            for r in reversed(burndown)
            if r["remaining"] is not None and r["month"] <= as_of_month
        ),
        total,
    )
    last = max(deadline_month, burndown[-1]["month"])
    if rate_per_month and now_left:
        end = add_months(as_of_month, math.ceil(now_left / rate_per_month))
        last = max(last, min(end, add_months(deadline_month, max_months_after_deadline)))
    months = month_range(first, last)
    n_dl = months.index(deadline_month) if deadline_month in months else len(months) - 1
    left = tuple(left_by_month.get(m) if m <= as_of_month else None for m in months)
    straight = tuple(
        round(total * (n_dl - i) / n_dl, 1) if n_dl and i <= n_dl else None
        for i in range(len(months))
    )
    forecast: list[float | None] = [None] * len(months)
    if rate_per_month and as_of_month in months:
        k = months.index(as_of_month)
        for i in range(k, len(months)):
            v = max(now_left - rate_per_month * (i - k), 0.0)
            forecast[i] = round(v, 1)
            if v == 0:
                break
    return ChartData(
        "Statements left",
        tuple(months),
        (Series("left", left), Series("straight", straight), Series("forecast", tuple(forecast))),
        "statements",
    )


def fy_month_ends(fy: str) -> list[date]:
    """The last day of each month of financial year '2017-18': 30 Apr 2017 ... 31 Mar 2018."""
    start = int(fy[:4])
    out = []
    for i in range(12):
        y, m = (start, 4 + i) if i < 9 else (start + 1, i - 8)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append(nxt - timedelta(days=1))
    return out


def spend_against_limit(
    fund: str, fy: str, spent_to_month_end: list[int | None], limit_pence: int, limit_name: str
) -> ChartData:
    """Series 'spent' (pence spent in the year up to each month's end; None for months not yet
    ended) and 'limit' (the same amount every month: what may be spent this year)."""
    months = tuple(d.isoformat()[:7] for d in fy_month_ends(fy))
    return ChartData(
        f"{fund}: spent in {fy} against its {limit_name}",
        months,
        (Series("spent", tuple(spent_to_month_end)), Series("limit", (limit_pence,) * 12)),
        "pence",
    )


def clocks_due_by_week(rows: list[dict[str, Any]], as_of: date, weeks: int = 8) -> ChartData:
    """Series 'due' (clocks whose last day falls in week i: as_of + 7i to as_of + 7i + 6) and
    'overdue' (already past: counted in the first week's place, None elsewhere)."""
    due = [0] * weeks
    overdue = 0
    for r in rows:
        if r.get("status") == "guidance":  # a guidance timescale, not a statutory clock
            continue
        d = r["due_on"] if isinstance(r["due_on"], date) else date.fromisoformat(str(r["due_on"]))
        days = (d - as_of).days
        if days < 0:
            overdue += 1
        elif days < 7 * weeks:
            due[days // 7] += 1
    labels = tuple((as_of + timedelta(days=7 * i)).isoformat() for i in range(weeks))
    return ChartData(
        f"Clocks falling due each week from {as_of.isoformat()}",
        labels,
        (Series("due", tuple(due)), Series("overdue", (overdue,) + (None,) * (weeks - 1))),
        "clocks",
    )
