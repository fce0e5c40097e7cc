"""Placements and the high needs budget, pure: pro-rata cost by financial year, the forecast
and the carried-forward deficit. No I/O, no clock: storage and the CLI pass everything in.

Pro rata by days. A placement's annual cost is what one whole financial year of it costs, so a
part year costs `annual x days placed in that year / days in that year` (365, or 366 for a year
holding 29 February: a year from 1 April 2019 costs the annual cost, not 366/365 of it). Both the
start and the end day count (a placement from 1 Sep 2017 to 31 Aug 2018 runs 212 days in 2017-18
and 153 in 2018-19: £36,500 a year commits £21,200.00 and £15,300.00).

Rounding to whole pence, so the years add up to the whole: the first year is its exact share
rounded half up; each whole year in between is the annual cost exactly; the last year is the
exact total rounded half up, minus what the earlier years took. The whole is therefore the
exact total rounded once, and no penny is lost or made between years. An open-ended placement
costs its first-year share, then the annual cost every later year.

The same three numbers (first year and its pence, last year and its pence) are stored with each
placement, so that SQL sums a year's commitment without date arithmetic (see year_pence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from sendctl.domain.dates import financial_year
from sendctl.domain.problems import invalid


def fy_label(start_year: int) -> str:
    """2017 -> "2017-18"."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def fy_start_year(label: str) -> int:
    """ "2017-18" -> 2017 (labels are always made by fy_label or dates.financial_year)."""
    return int(label[:4])


def fy_bounds(label: str) -> tuple[date, date]:
    """First and last day of a financial year (1 April to 31 March)."""
    y = fy_start_year(label)
    return date(y, 4, 1), date(y + 1, 3, 31)


def fy_days(label: str) -> int:
    """365, or 366 when the year holds 29 February."""
    first, last = fy_bounds(label)
    return (last - first).days + 1


def next_fy(label: str, n: int = 1) -> str:
    return fy_label(fy_start_year(label) + n)


def round_half_up(value: Fraction) -> int:
    """Nearest whole number, halves away from zero (pence are never negative here)."""
    if value < 0:
        return -round_half_up(-value)
    return int((2 * value.numerator + value.denominator) // (2 * value.denominator))


@dataclass(frozen=True, slots=True)
class Spread:
    """How a placement's cost falls into financial years (stored with the placement).

    first_fy / first_fy_pence: the year it starts and that year's cost; last_fy /
    last_fy_pence: the year it ends and that year's cost (None for an open-ended placement;
    equal to the first when it starts and ends in one year). Years between cost the annual cost.
    """

    first_fy: str
    first_fy_pence: int
    last_fy: str | None
    last_fy_pence: int | None


def _share(start: date, end: date) -> Fraction:
    """The fraction of one financial year covered by start..end (both in that year)."""
    return Fraction((end - start).days + 1, fy_days(financial_year(start)))


def check_period(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise invalid(
            "ends_on",
            "end_before_start",
            f"the end {ends_on.isoformat()} is before the start {starts_on.isoformat()}",
        )


def spread(annual_pence: int, starts_on: date, ends_on: date | None) -> Spread:
    """The stored split of a placement's cost by financial year (rounding: see the module)."""
    check_period(starts_on, ends_on)
    first = financial_year(starts_on)
    _, first_last_day = fy_bounds(first)
    if ends_on is not None and ends_on <= first_last_day:
        pence = round_half_up(annual_pence * _share(starts_on, ends_on))
        return Spread(first, pence, first, pence)
    first_share = _share(starts_on, first_last_day)
    first_pence = round_half_up(annual_pence * first_share)
    if ends_on is None:
        return Spread(first, first_pence, None, None)
    last = financial_year(ends_on)
    last_first_day, _ = fy_bounds(last)
    whole = round_half_up(annual_pence * (first_share + _share(last_first_day, ends_on)))
    return Spread(first, first_pence, last, whole - first_pence)


def year_pence(s: Spread, annual_pence: int, fy: str) -> int:
    """What the placement commits to financial year fy (the rule SQL applies in storage)."""
    if fy < s.first_fy:
        return 0
    if fy == s.first_fy:
        return s.first_fy_pence
    if s.last_fy is None or fy < s.last_fy:
        return annual_pence
    if fy == s.last_fy:
        return s.last_fy_pence or 0
    return 0


@dataclass(frozen=True, slots=True)
class CommittedGroup:
    """Placement rows summed by when they were decided and replaced and the years they span
    (storage sums them in one pass; committed_on gives any day's commitment by year)."""

    decided_on: str  # ISO date the rows were decided
    replaced_on: str | None  # ISO date a later row replaced them (None: not replaced)
    first_fy: str
    last_fy: str | None  # None: open-ended
    agreed: bool  # made by a panel's agreement (new placements arrive at their rate)
    first_fy_pence: int
    last_fy_pence: int
    annual_pence: int
    placements: int


def _current(g: CommittedGroup, day: str) -> bool:
    return g.decided_on <= day and (g.replaced_on is None or g.replaced_on > day)


def agreed_on(groups: list[CommittedGroup], as_of: date, since: date) -> tuple[int, int]:
    """(number, annual cost) of the rows current on as_of that panels agreed from since to
    as_of: the rate at which new placements arrive."""
    day, first = as_of.isoformat(), since.isoformat()
    rows = [g for g in groups if g.agreed and g.decided_on >= first and _current(g, day)]
    return sum(g.placements for g in rows), sum(g.annual_pence for g in rows)


def committed_on(groups: list[CommittedGroup], as_of: date, fys: list[str]) -> dict[str, int]:
    """{year: pence} the rows current on as_of (decided by then, not replaced by then) commit
    to each of fys, by year_pence's rule."""
    day = as_of.isoformat()
    spans: dict[tuple[str, str | None], list[int]] = {}
    for g in groups:
        if _current(g, day):
            acc = spans.setdefault((g.first_fy, g.last_fy), [0, 0, 0])
            acc[0] += g.first_fy_pence
            acc[1] += g.last_fy_pence
            acc[2] += g.annual_pence
    out = dict.fromkeys(fys, 0)
    for (first, last), (first_pence, last_pence, annual) in spans.items():
        for fy in fys:
            if fy < first or (last is not None and fy > last):
                continue
            if fy == first:
                out[fy] += first_pence
            elif last is None or fy < last:
                out[fy] += annual
            else:
                out[fy] += last_pence
    return out


def by_year(
    annual_pence: int, starts_on: date, ends_on: date | None, horizon: str | None = None
) -> dict[str, int]:
    """{financial year: pence} from the first year to the last (or to `horizon`, inclusive, for
    an open-ended placement; a horizon before the end cuts the listing, not the rounding)."""
    s = spread(annual_pence, starts_on, ends_on)
    last = s.last_fy if s.last_fy is not None else horizon
    if last is None:
        raise ValueError("an open-ended placement needs a horizon")
    if horizon is not None and horizon < last:
        last = horizon
    out: dict[str, int] = {}
    fy = s.first_fy
    while fy <= last:
        out[fy] = year_pence(s, annual_pence, fy)
        fy = next_fy(fy)
    return out


# --- the forecast ------------------------------------------------------------------------------


def parse_growth(text: str | None) -> Fraction | None:
    """--growth: "5%" or "0.05" (a fraction); between -100% and +100%."""
    if text is None:
        return None
    raw = text.strip().replace(" ", "")
    try:
        value = Fraction(raw[:-1]) / 100 if raw.endswith("%") else Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise invalid("growth", "bad_rate", "expected a rate such as 5% or 0.05", text) from None
    if not raw.endswith("%") and abs(value) > 1:
        raise invalid(
            "growth",
            "bad_rate",
            "a rate without % must be a fraction between -1 and 1 (5% is 0.05)",
            text,
        )
    if not -1 <= value <= 1:
        raise invalid("growth", "bad_rate", "expected a rate between -100% and 100%", text)
    return value


def remaining_share(as_of: date) -> Fraction:
    """The part of as_of's financial year still to come after as_of (0 on 31 March)."""
    _, last = fy_bounds(financial_year(as_of))
    return Fraction((last - as_of).days, fy_days(financial_year(as_of)))


def new_placements_pence(rate_pence: int, remaining: Fraction, k: int) -> int:
    """The cost in forecast year k (0 = as_of's year) of placements not yet agreed.

    They are agreed at `rate_pence` of annual cost a year, evenly from the day after as_of, and
    run on (open-ended). Those agreed in a year cost, on average, half a year in that year and
    the whole annual cost each year after. Year 0 has only `remaining` of a year left:
    rate x remaining^2 / 2. Year k >= 1: the rest of year 0's (rate x remaining), the whole
    years between (rate x (k - 1)) and half of year k's own (rate / 2).
    """
    if k == 0:
        exact = rate_pence * remaining * remaining / 2
    else:
        exact = rate_pence * (remaining + (k - 1) + Fraction(1, 2))
    return round_half_up(exact)


@dataclass(frozen=True, slots=True)
class YearInputs:
    """One financial year's figures from the database, for forecast()."""

    financial_year: str
    budget_pence: int | None
    committed_pence: int  # today's placements, ends honoured (pro rata)
    paid_pence: int = 0  # actual payments in the year so far
    other_committed_pence: int = 0  # open ledger commitments in the year (orders, not placements)
    adjustments_pence: int = 0  # deficit adjustments dated in the year (+ adds to the deficit)
    opening_deficit_pence: int | None = None  # a recorded deficit brought forward into the year


def outturn(committed: int, paid: int, other: int, new: int) -> int:
    """Forecast outturn: payments made, plus what the placements still commit (payments reduce
    the placements' commitment, never below nothing), plus open orders, plus new placements."""
    return paid + max(committed - paid, 0) + other + new


def forecast(
    years: list[YearInputs],
    rate_pence: int,
    remaining: Fraction,
    deficit_before: int = 0,
    closed: int = 0,
) -> list[dict[str, Any]]:
    """Year-by-year forecast and the cumulative deficit (rule: forecast = actuals + open
    commitments + projections).

    Args:
        years: consecutive financial years in order: the `closed` years before as_of's, then
            as_of's financial year, then the following years.
        rate_pence: annual cost of new placements agreed a year (see new_placements_pence).
        remaining: remaining_share(as_of).
        deficit_before: the deficit carried into the first year when none is recorded for it.
        closed: how many of the years are over before as_of's year begins. A closed year
            has no new placements to come: its overspend is its outturn as the records
            stand at as_of (payments, what its placements commit, its open orders), and its
            deficit carried forward is the next year's brought forward.
    Returns:
        One dict a year: financial_year, budget_pence, committed_pence, paid_pence,
        new_placements_pence, forecast_outturn_pence, variance_pence (budget - outturn; negative
        is an overspend; None without a budget), deficit_brought_forward_pence,
        adjustments_pence, deficit_carried_forward_pence (positive is a deficit).
    """
    out = []
    carried = deficit_before
    for i, y in enumerate(years):
        new = 0 if i < closed else new_placements_pence(rate_pence, remaining, i - closed)
        total = outturn(y.committed_pence, y.paid_pence, y.other_committed_pence, new)
        variance = None if y.budget_pence is None else y.budget_pence - total
        brought = y.opening_deficit_pence if y.opening_deficit_pence is not None else carried
        carried = brought + (-variance if variance is not None else 0) + y.adjustments_pence
        out.append(
            {
                "financial_year": y.financial_year,
                "budget_pence": y.budget_pence,
                "committed_pence": y.committed_pence,
                "paid_pence": y.paid_pence,
                "other_committed_pence": y.other_committed_pence,
                "new_placements_pence": new,
                "forecast_outturn_pence": total,
                "variance_pence": variance,
                "deficit_brought_forward_pence": brought,
                "adjustments_pence": y.adjustments_pence,
                "deficit_carried_forward_pence": carried,
            }
        )
    return out


def year_range(first: str, count: int) -> list[str]:
    return [next_fy(first, i) for i in range(count)]


# --- the budget ----------------------------------------------------------------------------------


def parse_budget(text: str | None) -> dict[str, int]:
    """--budget "2017-18=£3,825,000,2018-19=£3,790,000" (or ';'-separated) -> {year: pence}.

    Each year once, each amount more than £0.00; the years in order.
    """
    import re

    from sendctl.domain.dates import parse_financial_year
    from sendctl.domain.errors import SendctlError
    from sendctl.domain.money import parse_pence

    parts = [p.strip() for p in re.split(r"[;,](?=\s*\d{4}[-/]\d{2})", text or "") if p.strip()]
    if not parts:
        raise invalid(
            "budget",
            "required",
            "expected FY=£amount pairs, e.g. 2017-18=£3,825,000,2018-19=£3,790,000",
        )
    out: dict[str, int] = {}
    for part in parts:
        fy_text, sep, amount = part.partition("=")
        try:
            if not sep:
                raise SendctlError("expected FY=£amount")
            start, _ = parse_financial_year(fy_text.strip(), "year")
            pence = parse_pence(amount, "amount")
        except SendctlError as e:
            why = e.message.split(": ", 1)[-1].split(" (got ")[0]
            raise invalid(
                "budget", "bad_budget", f"{why}; a budget reads 2017-18=£3,825,000", part
            ) from None
        fy = financial_year(start)
        if fy in out:
            raise invalid("budget", "duplicate_year", f"{fy} appears twice", part)
        if pence <= 0:
            raise invalid("budget", "not_positive", f"{fy}: a budget is more than £0.00", part)
        out[fy] = pence
    return dict(sorted(out.items()))


EFFECT_FIELDS = ("placements_made", "full_year_effect_pence", "in_year_effect_pence")


def add_effects(rows: list[dict[str, Any]], groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the placements' effect (SQL groups per meeting and request) to panel summary rows
    (by meeting, by request, total): count, full-year effect and in-year effect."""
    sums: dict[tuple[str, str], dict[str, int]] = {}
    for g in groups:
        for key in (("meeting", g["meeting_on"]), ("request", g["request"]), ("total", "all")):
            acc = sums.setdefault(key, dict.fromkeys(EFFECT_FIELDS, 0))
            for f in EFFECT_FIELDS:
                acc[f] += g[f] or 0
    for r in rows:
        r.update(sums.get((r["by"], r["group"]), dict.fromkeys(EFFECT_FIELDS, 0)))
    return rows
