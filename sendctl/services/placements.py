"""Placements, the high needs budget, its forecast and the carried-forward deficit.

Placements are made by panel decisions (storage/panel.py calls storage/placements.py in the
decision's own transaction); here: list, end, the high needs balances by financial year, the
forecast, and the deficit ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sendctl.domain.problems import invalid
from sendctl.services.session import Session

RATE_WINDOW_DAYS = 365  # new placements arrive at the rate of the last 12 months' panels


def list_placements(
    session: Session,
    as_of: date,
    *,
    active_on: date | None = None,
    out_of_county: bool | None = None,
    provider: str | None = None,
    placement_type: str | None = None,
    case_ref: str | None = None,
) -> list[dict]:
    """Current placements as at as_of (see storage.placements), with this year's commitment."""
    from sendctl.domain import placements as P
    from sendctl.domain.dates import financial_year
    from sendctl.domain.panel import PlacementType, parse_optional_code
    from sendctl.storage.placements import list_rows

    if placement_type:
        try:
            placement_type = parse_optional_code(PlacementType, placement_type, "placement_type")
        except Exception as e:  # the code list's own message, as a Problem on our field
            raise invalid("placement_type", "unknown_code", str(e).split(": ", 1)[-1]) from None
    fy = financial_year(as_of)
    out = []
    for r in list_rows(
        session.connect(),
        as_of,
        active_on=active_on,
        out_of_county=out_of_county,
        provider=provider,
        placement_type=placement_type,
        case_ref=case_ref,
    ):
        s = P.Spread(
            r.pop("first_fy"), r.pop("first_fy_pence"), r.pop("last_fy"), r.pop("last_fy_pence")
        )
        r["financial_year"] = fy
        r["this_year_pence"] = P.year_pence(s, r["annual_cost_pence"], fy)
        out.append(r)
    return out


def end_placement(
    session: Session, placement_id: int, ends_on: date, reason: str, decided_on: date
) -> dict:
    """Record that a placement ends on ends_on (a new row; the old one stays). Returns the new row."""
    from sendctl.storage.placements import end, get

    reason = (reason or "").strip()
    if not reason:
        raise invalid(
            "reason", "required", "must not be empty (why the placement ends; it is audited)"
        )
    with session.transaction() as conn:
        new_id = end(conn, session.actor(), placement_id, ends_on, reason, decided_on)
        return get(conn, new_id)


# --- the high needs fund ---------------------------------------------------------------------------


def add_high_needs_fund(
    session: Session,
    code: str,
    name: str,
    budget: str,
    allocation_pence: int | None = None,
    cost_centre: str | None = None,
    account_code: str | None = None,
) -> dict:
    """A `high-needs` fund: its budget per financial year is its profile, the allocation their sum
    (a given allocation must equal it). Only one: placements commit to it."""
    from sendctl.domain.ledger import check_fund_code
    from sendctl.domain.placements import parse_budget
    from sendctl.storage.ledger import add_fund
    from sendctl.storage.placements import high_needs_fund

    code = check_fund_code(code)
    years = parse_budget(budget)
    total = sum(years.values())
    if allocation_pence is not None and allocation_pence != total:
        from sendctl.domain.money import format_pence

        raise invalid(
            "allocation",
            "not_budget_total",
            f"a high-needs fund's allocation is its budgets' total, {format_pence(total)}",
        )
    with session.transaction() as conn:
        existing = high_needs_fund(conn)
        if existing is not None:
            from sendctl.domain.errors import SendctlError

            raise SendctlError(
                f"there is already a high-needs fund ({existing['code']}); placements"
                " commit to one high needs budget"
            )
        add_fund(
            conn, session.actor(), code, name, "high-needs", total, years, cost_centre, account_code
        )
    return {"code": code, "allocation_pence": total, "budget": years}


def _fund(conn) -> dict:
    from sendctl.domain.errors import SendctlError
    from sendctl.storage.placements import high_needs_fund

    fund = high_needs_fund(conn)
    if fund is None:
        raise SendctlError(
            "no high-needs fund yet",
            hint="add one: sendctl funds add high-needs"
            ' --name "High needs block" --kind high-needs --budget 2017-18=£3,825,000',
        )
    return fund


@dataclass
class Forecast:
    """The forecast rows and every assumption behind them, in words, for printing beside them."""

    fund: str
    rows: list[dict]
    assumptions: list[str] = field(default_factory=list)


@dataclass
class _Position:
    """The high needs block year by year as at a day: every closed year since the records
    begin (for the deficit they carry forward), the current year and those after it."""

    fund: dict
    current: str
    rows: dict[str, dict]
    rate_pence: int
    basis: str
    orders_pence: int  # the open orders assumed for a year that has none raised yet
    orders_basis: str
    flat: list[str]
    known: list[str]
    has_opening: bool


def _position(
    session: Session,
    as_of: date,
    last: str,
    growth: str | None = None,
    entries: list[dict] | None = None,
    earliest: str | None = None,
    records_only: bool = False,
    groups: list | None = None,
) -> _Position:
    """The one computation behind every high needs figure (forecast, `funds balances`, `status`,
    the Cabinet update): each year's budget, placements, paid, orders, new placements, forecast
    outturn, variance, remaining and deficit, as the records stand at as_of.

    A year before as_of's is closed: nothing new arrives in it, and its overspend (its outturn
    as the records stand at as_of less its budget) adds to the deficit carried into the next
    year, from the first year the records know (a budget or a deficit entry) onwards. An
    opening deficit recorded for a year replaces the running position brought into it.
    `entries`: the deficit ledger to use (default: as recorded to as_of); `earliest`: a year
    to include even when it is before any the records know. `records_only`: what stands on
    the records and nothing forecast (no new placements, no orders assumed): the base a
    write-off is held to. `groups`: the placements as storage.committed_groups summed them
    for a day on or after as_of (one pass shared by the days of a series).
    """
    from sendctl.domain import placements as P
    from sendctl.domain.dates import financial_year
    from sendctl.domain.money import format_pence
    from sendctl.storage import placements as S

    rate_growth = P.parse_growth(growth)
    conn = session.connect()
    fund = _fund(conn)
    current = financial_year(as_of)
    budget = S.budgets(conn, fund["code"])
    if entries is None:
        entries = S.deficit_entries(conn, fund["code"], as_of)
    start = min([current, *budget, *(e["financial_year"] for e in entries), earliest or current])
    last = max(last, current)
    fys = P.year_range(start, P.fy_start_year(last) - P.fy_start_year(start) + 1)
    closed = fys.index(current)
    if groups is None:
        groups = S.committed_groups(conn, as_of)
    committed = P.committed_on(groups, as_of, fys)
    ledger = S.ledger_by_year(conn, fund["code"], as_of)
    openings = {e["financial_year"]: e["amount_pence"] for e in entries if e["kind"] == "opening"}
    adjustments: dict[str, int] = {}
    for e in entries:
        if e["kind"] != "opening":
            adjustments[e["financial_year"]] = (
                adjustments.get(e["financial_year"], 0) + e["amount_pence"]
            )
    # Orders (ledger commitments that are not placements) recur each year: a year with none
    # raised yet is assumed to need those of the latest year that had them, at the level they
    # were raised (payments release an order, they do not make it recur less).
    raised_years = [fy for fy in sorted(ledger) if fy <= current and ledger[fy][2]]
    if raised_years:
        src = raised_years[-1]
        orders = ledger[src][2]
        orders_basis = f"the {format_pence(orders)} of orders raised in {src}"
    else:
        orders, orders_basis = 0, "no orders raised yet"
    current_has_orders = bool(ledger.get(current, (0, 0, 0))[2])
    # A year with none raised yet assumes them for the part of it still to come (all of it on
    # 1 April, none on 31 March): its last day then reads as the year reads once closed, as the
    # records stand, and the deficit it carries into the next year does not jump overnight.
    remaining = P.remaining_share(as_of)
    assumed_now = 0 if records_only else P.round_half_up(orders * remaining)
    known = sorted(budget)
    inputs, flat = [], []
    for fy in fys:
        b = budget.get(fy)
        if b is None and known and fy > known[-1]:
            b = budget[known[-1]]
            if fy >= current:
                flat.append(fy)
        paid, open_orders, _ = ledger.get(fy, (0, 0, 0))
        if fy > current:
            paid, other = 0, orders
        elif fy == current and not current_has_orders:
            other = assumed_now
        else:
            other = open_orders
        inputs.append(
            P.YearInputs(
                fy, b, committed[fy], paid, other, adjustments.get(fy, 0), openings.get(fy)
            )
        )
    if records_only:
        rate, basis = 0, "no new placements (what stands on the records only)"
    elif rate_growth is None:
        n, rate = P.agreed_on(groups, as_of, as_of - timedelta(days=RATE_WINDOW_DAYS - 1))
        basis = (
            f"new placements: {format_pence(rate)} of annual cost a year, the {n} high-needs"
            f" placement(s) agreed at panels in the 12 months to {as_of.isoformat()}"
        )
    else:
        n, run = S.run_rate(conn, as_of)
        rate = P.round_half_up(run * rate_growth)
        basis = (
            f"new placements: {format_pence(rate)} of annual cost a year, growth of"
            f" {float(rate_growth * 100):g}% on the {format_pence(run)} a year of the {n}"
            f" placement(s) running on {as_of.isoformat()}"
        )
    rows = P.forecast(inputs, rate, remaining, 0, closed=closed)
    for r in rows:
        fy = r["financial_year"]
        paid, open_orders, _ = ledger.get(fy, (0, 0, 0))
        # what is committed today (placements beyond the payments, and orders actually open):
        # it counts against the year's budget in `remaining`
        outstanding = max(r["committed_pence"] - paid, 0) + open_orders
        b = r["budget_pence"]
        r["open_orders_pence"] = open_orders
        r["outstanding_pence"] = outstanding
        r["remaining_pence"] = None if b is None else b - paid - outstanding
        r["closed"] = fy < current
        r["assumed_rate_pence"] = rate
        r["budget_assumed"] = fy in flat
        r["orders_assumed"] = fy > current or (
            fy == current and not current_has_orders and assumed_now > 0
        )
    return _Position(
        fund,
        current,
        {r["financial_year"]: r for r in rows},
        rate,
        basis,
        orders,
        orders_basis,
        flat,
        known,
        bool(openings),
    )


def forecast(session: Session, as_of: date, years: int = 3, growth: str | None = None) -> Forecast:
    """The high needs position for as_of's financial year and `years` after it."""
    from sendctl.domain import placements as P
    from sendctl.domain.dates import financial_year
    from sendctl.domain.money import format_pence

    if not 1 <= years <= 10:
        raise invalid("years", "out_of_range", "expected 1 to 10 years after this one", str(years))
    first = financial_year(as_of)
    fys = P.year_range(first, years + 1)
    pos = _position(session, as_of, fys[-1], growth)
    rows = [pos.rows[fy] for fy in fys]
    cur = rows[0]
    if cur["orders_assumed"]:
        orders = (
            f"open ledger commitments ({format_pence(cur['other_committed_pence'])}: orders and"
            f" agreements that are not placements; none raised in {first} yet, so"
            f" {pos.orders_basis} assumed again for the part of the year still to come)"
        )
    else:
        orders = (
            f"open ledger commitments ({format_pence(cur['other_committed_pence'])}: orders and"
            " agreements that are not placements)"
        )
    assumptions = [
        f"as at {as_of.isoformat()}; fund {pos.fund['code']}; {first} is the current year",
        "today's placements: current placements funded by the high needs block (or with no funder"
        " named), cost pro rata by days in each year, ends honoured, open-ended ones running on",
        pos.basis + "; they arrive evenly from the day after the as-of date, run on, and cost half"
        " a year in the year they start",
        f"{first}: forecast outturn = paid so far + what placements still commit beyond it"
        f" + {orders} + new placements; later years: placements + orders again at"
        f" {format_pence(pos.orders_pence)} ({pos.orders_basis}) + new placements",
        "variance = budget - forecast outturn (negative: overspend, which adds to the deficit)",
        f"deficit b/f into {first}: the deficit carried forward from {P.next_fy(first, -1)},"
        " each earlier year's overspend (its outturn as the records stand at the as-of date"
        " less its budget) added to the year before's, with its adjustments and write-offs",
    ]
    if pos.flat:
        assumptions.append(
            f"no budget set for {', '.join(fy for fy in pos.flat if fy in fys)}: the last budget"
            f" set ({pos.known[-1]}, {format_pence(pos.rows[pos.known[-1]]['budget_pence'])})"
            " held flat"
        )
    if pos.has_opening:
        assumptions.append(
            "deficit: the recorded opening figure replaces the running position in"
            " its year; adjustments and write-offs counted in their year"
        )
    return Forecast(pos.fund["code"], rows, assumptions)


def year_position(
    session: Session, as_of: date, fy: str | None = None, groups: list | None = None
) -> dict | None:
    """The high needs block's figures for one financial year (default as_of's) as at as_of:
    the same row the forecast, `funds balances`, `status` and the Cabinet update show. None
    without a high-needs fund."""
    from sendctl.domain.dates import financial_year, normalise_financial_year
    from sendctl.storage.placements import high_needs_fund

    if high_needs_fund(session.connect()) is None:
        return None
    year = normalise_financial_year(fy) if fy else financial_year(as_of)
    pos = _position(session, as_of, year, earliest=year, groups=groups)
    return {**pos.rows[year], "fund": pos.fund["code"], "name": pos.fund["name"]}


def year_fund_rows(session: Session, days: list[date]) -> dict[date, dict | None]:
    """year_fund_row for each of days (a series, such as the Cabinet update's month ends),
    the placements read once for them all."""
    from sendctl.storage.placements import committed_groups, high_needs_fund

    if not days or high_needs_fund(session.connect()) is None:
        return dict.fromkeys(days)
    groups = committed_groups(session.connect(), max(days))
    return {d: year_fund_row(session, d, groups) for d in days}


def year_fund_row(session: Session, as_of: date, groups: list | None = None) -> dict | None:
    """The high-needs fund as `funds balances --fy FY --as-of D` shows its fund row, FY being
    D's financial year (budget, paid, committed, remaining, % used), with the same year's
    forecast outturn, variance and deficit carried forward. None without the fund."""
    r = year_position(session, as_of, groups=groups)
    if r is None:
        return None
    fund = {"code": r["fund"], "name": r["name"]}
    row = _balance_row(fund, r["financial_year"], r)
    row.update(
        level="fund",
        available_pence=None,
        deficit_carried_forward_pence=r["deficit_carried_forward_pence"],
    )
    return row


def balances(session: Session, as_of: date, fy: str | None = None) -> list[dict]:
    """`funds balances` rows for the high-needs fund: per budget year (or the one asked for),
    budget, committed by placements, paid, forecast outturn, variance; then that year's split
    in/out of county and by placement type. Empty when there is no high-needs fund."""
    from sendctl.domain.dates import normalise_financial_year
    from sendctl.storage import placements as S

    conn = session.connect()
    fund = S.high_needs_fund(conn)
    if fund is None:
        return []
    budget = S.budgets(conn, fund["code"])
    fys = [normalise_financial_year(fy)] if fy else sorted(budget)
    if not fys:
        return []
    pos = _position(session, as_of, max(fys), earliest=min(fys))
    out = []
    for year in fys:
        out.append(_balance_row(fund, year, pos.rows[year]))
        if fy:
            for s in S.committed_split(conn, as_of, year):
                where = "out of county" if s["out_of_county"] else "in county"
                out.append(
                    {
                        "code": fund["code"],
                        "name": fund["name"],
                        "kind": "high-needs",
                        "level": "split",
                        "financial_year": year,
                        "split": f"{where}, {s['placement_type']}",
                        "placements": s["placements"],
                        "placements_committed_pence": s["committed_pence"],
                    }
                )
    return out


def _pct(used: int, of: int | None) -> float | None:
    return None if not of else round(100.0 * used / of, 1)


def _balance_row(fund: dict, year: str, r: dict) -> dict:
    b = r["budget_pence"]
    paid = r["paid_pence"]
    outstanding = r["outstanding_pence"]
    return {
        "code": fund["code"],
        "name": fund["name"],
        "kind": "high-needs",
        "level": "budget",
        "financial_year": year,
        "split": None,
        "allocation_pence": b,
        "budget_pence": b,
        "approved_pence": None,
        "placements_committed_pence": r["committed_pence"],
        "committed_pence": outstanding,
        "spent_pence": paid,
        "paid_pence": paid,
        "new_placements_pence": r["new_placements_pence"],
        "forecast_outturn_pence": r["forecast_outturn_pence"],
        "remaining_pence": r["remaining_pence"],
        "variance_pence": r["variance_pence"],
        "pct_used": _pct(paid + outstanding, b),
        "budget_assumed": r["budget_assumed"],
    }


def with_high_needs(session: Session, rows: list[dict], as_of: date, fy: str | None) -> list[dict]:
    """`funds balances` rows with the high-needs fund counted as its budget years are: its fund
    row's committed is what placements and orders commit to its budget years (to the year asked
    for with fy), its remaining what is left of those budgets; the total row follows. Its budget
    year rows (with fy, also the split) replace the plain profile-year rows."""
    from sendctl.storage.ledger import totals_row

    extra = balances(session, as_of, fy)
    if not extra:
        return rows
    code = extra[0]["code"]
    years = [r for r in extra if r["level"] == "budget"]
    if fy is None:  # the whole fund: the years a budget was set for
        years = [r for r in years if not r["budget_assumed"]]
    out = []
    for r in rows:
        if r["code"] == code and r.get("level") == "year":
            continue
        if r["code"] == code and r.get("level") == "fund":
            r = _fund_row(r, years, fy)
        out.append(r)
    # a year before the block's first budget has none: it adds nothing to the allocations
    funds = [
        {**r, "allocation_pence": r["allocation_pence"] or 0}
        for r in out
        if r.get("level") == "fund"
    ]
    out = [totals_row(funds) if r.get("level") == "total" else r for r in out]
    return out + extra


def _fund_row(r: dict, years: list[dict], fy: str | None) -> dict:
    """The high-needs fund's row of `funds balances` from its budget year rows: with fy that
    year's figures, its budget held flat when none was set (as the forecast holds it, said in
    `budget_assumed`) and no budget (allocation and remaining none, as on the year's own row)
    before the first; without fy the sum of its budget years."""
    allocation = years[0]["budget_pence"] if fy else r["allocation_pence"]
    spent = sum(y["paid_pence"] for y in years)
    committed = sum(y["committed_pence"] for y in years)
    return {
        **r,
        "allocation_pence": allocation,
        "spent_pence": spent,
        "committed_pence": committed,
        "remaining_pence": None if allocation is None else allocation - spent - committed,
        "pct_used": _pct(spent + committed, allocation),
        "budget_assumed": bool(fy) and years[0]["budget_assumed"],
    }


def fund_row(session: Session, as_of: date) -> dict | None:
    """The high-needs fund's row as `funds balances --as-of D` (no --fy) shows it, its
    placements counted against its budget years. None without the fund."""
    rows = with_high_needs(session, _plain_fund_rows(session, as_of), as_of, None)
    return next((r for r in rows if r.get("level") == "fund" and r["kind"] == "high-needs"), None)


def _plain_fund_rows(session: Session, as_of: date) -> list[dict]:
    from sendctl.storage.ledger import fund_balances

    return [r for r in fund_balances(session.connect(), as_of) if r["kind"] == "high-needs"]


def status_line(session: Session, as_of: date) -> dict | None:
    """The dashboard's high needs line for as_of's financial year: budget, forecast outturn
    (including new placements at the last 12 months' rate), variance. None without the fund."""
    r = year_position(session, as_of)
    if r is None:
        return None
    return {
        k: r[k]
        for k in (
            "financial_year",
            "budget_pence",
            "forecast_outturn_pence",
            "variance_pence",
            "remaining_pence",
            "deficit_carried_forward_pence",
            "fund",
        )
    }


# --- the deficit -----------------------------------------------------------------------------------

DEFICIT_KINDS = ("opening", "adjustment", "write-off")


def record_deficit(
    session: Session,
    kind: str,
    amount_pence: int,
    ref: str,
    *,
    on: date | None = None,
    fy: str | None = None,
    reason: str | None = None,
) -> dict:
    """One entry in the deficit ledger: an opening deficit brought forward into fy, an adjustment
    (+ adds to the deficit, - reduces it) or a write-off (reduces it; its reference required)."""
    from sendctl.domain.dates import financial_year, parse_financial_year, refuse_future
    from sendctl.storage.placements import add_deficit_entry

    ref = (ref or "").strip()
    if not ref:
        raise invalid("ref", "required", "must not be empty (the decision or journal reference)")
    reason = (reason or "").strip() or None
    if kind == "opening":
        if fy is None:
            raise invalid(
                "fy", "required", "the financial year the deficit is brought forward into"
            )
        start, _ = parse_financial_year(fy, "--fy")
        on, label = start, financial_year(start)
        # a deficit is brought forward into a year that has begun (the accounts of the one
        # before are closed); a mistyped year would run the deficit chain centuries ahead
        refuse_future(start, session.today, "fy")
        if amount_pence < 0:
            raise invalid(
                "amount",
                "negative",
                "an opening deficit is not negative (record a surplus as an adjustment)",
            )
    else:
        if on is None:
            raise invalid("on", "required", "the date of the adjustment")
        refuse_future(on, session.today, "on")
        if reason is None:
            raise invalid("reason", "required", "must not be empty (it is audited)")
        label = financial_year(on)
        if kind == "write-off":
            if amount_pence <= 0:
                raise invalid("amount", "not_positive", "a write-off is an amount more than £0.00")
            amount_pence = -amount_pence
        elif amount_pence == 0:
            raise invalid("amount", "zero", "an adjustment of £0.00 changes nothing")
    with session.transaction() as conn:
        fund = _fund(conn)
        if kind == "write-off":
            _refuse_write_off_past_deficit(session, fund, label, on, -amount_pence)
        new_id = add_deficit_entry(
            conn, session.actor(), fund["code"], kind, label, on, amount_pence, ref, reason
        )
        # any entry changes the deficit of its year and of every year after it: each of those
        # years must still have its write-offs covered (refused here, inside the transaction,
        # so nothing is written)
        _refuse_uncovered_write_offs(session, fund, label, kind)
    return {
        "id": new_id,
        "fund": fund["code"],
        "kind": kind,
        "financial_year": label,
        "amount_pence": amount_pence,
    }


_EVER = date(9999, 12, 31)


def _deficit_standing(session: Session, fund: dict, fy: str, on: date) -> int:
    """The deficit of financial year fy standing on the day `on`, the base a write-off is held
    to: fy's carried forward as the records stand that day (payments made, what the placements
    agreed by then and the orders raised commit, openings, adjustments and earlier years'
    write-offs; the year's own write-offs counted even when dated later), and nothing
    forecast: no new placements, no orders assumed for a year with none raised."""
    from sendctl.storage.placements import deficit_entries as rows

    entries = [
        e
        for e in rows(session.connect(), fund["code"], _EVER)
        if e["financial_year"] < fy
        or (
            e["financial_year"] == fy
            and (e["posted_on"] <= on.isoformat() or e["kind"] == "write-off")
        )
    ]
    pos = _position(session, on, fy, entries=entries, records_only=True)
    return pos.rows[fy]["deficit_carried_forward_pence"]


def _refuse_write_off_past_deficit(
    session: Session, fund: dict, fy: str, on: date, amount_pence: int
) -> None:
    """A write-off funds (part of) a deficit: it may not exceed the one standing on its date."""
    from sendctl.domain.money import format_pence

    standing = _deficit_standing(session, fund, fy, on)
    if amount_pence > standing:
        raise invalid(
            "amount",
            "exceeds_deficit",
            f"a write-off may not exceed the deficit standing on {on.isoformat()}:"
            f" {format_pence(max(standing, 0))} available ({fy}, as the records stand that"
            " day: payments, agreed placements, orders raised and the deficit entries;"
            " nothing forecast)",
            format_pence(amount_pence),
        )


def _refuse_uncovered_write_offs(session: Session, fund: dict, first: str, kind: str) -> None:
    """Every year from `first` on that has write-offs must still have them covered by its
    deficit standing on the day of its last write-off (a write-off reduces a deficit, it never
    makes a surplus). Refused naming the first year that would break."""
    from sendctl.domain.money import format_pence
    from sendctl.storage.placements import deficit_entries as rows

    last: dict[str, str] = {}
    written: dict[str, int] = {}
    for e in rows(session.connect(), fund["code"], _EVER):
        fy = e["financial_year"]
        if e["kind"] == "write-off" and fy >= first:
            last[fy] = max(last.get(fy, e["posted_on"]), e["posted_on"])
            written[fy] = written.get(fy, 0) - e["amount_pence"]
    for fy in sorted(last):
        on = date.fromisoformat(last[fy])
        standing = _deficit_standing(session, fund, fy, on)
        if standing < 0:
            raise invalid(
                "amount",
                "write_offs_uncovered",
                f"with this {kind} the {format_pence(written[fy])} written off in {fy} would"
                f" exceed its deficit standing on {on.isoformat()} by"
                f" {format_pence(-standing)} (a write-off reduces a deficit, it never makes a"
                " surplus)",
            )


def deficit_entries(session: Session, as_of: date) -> list[dict]:
    from sendctl.storage.placements import deficit_entries as rows

    conn = session.connect()
    return rows(conn, _fund(conn)["code"], as_of)


def with_effects(
    session: Session, rows: list[dict], date_from: date | None, date_to: date
) -> list[dict]:
    """panel summary rows with the placements their decisions made: how many, the full-year
    effect (annual cost) and the in-year effect (their cost to date_to's financial year)."""
    from sendctl.domain.placements import add_effects
    from sendctl.storage.placements import effect_by_meeting

    return add_effects(rows, effect_by_meeting(session.connect(), date_from, date_to))
