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


def forecast(session: Session, as_of: date, years: int = 3, growth: str | None = None) -> Forecast:
    """The high needs position for as_of's financial year and `years` after it."""
    from sendctl.domain import placements as P
    from sendctl.domain.dates import financial_year
    from sendctl.domain.money import format_pence
    from sendctl.storage import placements as S

    if not 1 <= years <= 10:
        raise invalid("years", "out_of_range", "expected 1 to 10 years after this one", str(years))
    rate_growth = P.parse_growth(growth)
    conn = session.connect()
    fund = _fund(conn)
    first = financial_year(as_of)
    fys = P.year_range(first, years + 1)
    committed = S.committed_by_year(conn, as_of, fys)
    budget = S.budgets(conn, fund["code"])
    ledger = S.ledger_by_year(conn, fund["code"], as_of)
    entries = S.deficit_entries(conn, fund["code"], as_of)
    before = sum(
        e["amount_pence"] for e in entries if e["financial_year"] < first and e["kind"] != "opening"
    )
    openings = {e["financial_year"]: e["amount_pence"] for e in entries if e["kind"] == "opening"}
    last_opening = max((fy for fy in openings if fy < first), default=None)
    if last_opening is not None:
        before = openings[last_opening] + sum(
            e["amount_pence"]
            for e in entries
            if last_opening <= e["financial_year"] < first and e["kind"] != "opening"
        )
    known = sorted(budget)
    inputs, flat = [], []
    for i, fy in enumerate(fys):
        b = budget.get(fy)
        if b is None and known and fy > known[-1]:
            b = budget[known[-1]]
            flat.append(fy)
        # Later years: no payments yet; the current year's open orders recur at the same level.
        paid, other = ledger.get(fy, (0, 0)) if i == 0 else (0, inputs[0].other_committed_pence)
        adj = sum(
            e["amount_pence"]
            for e in entries
            if e["financial_year"] == fy and e["kind"] != "opening"
        )
        inputs.append(P.YearInputs(fy, b, committed[fy], paid, other, adj, openings.get(fy)))
    remaining = P.remaining_share(as_of)
    if rate_growth is None:
        n, rate = S.agreed_rate(conn, as_of, as_of - timedelta(days=RATE_WINDOW_DAYS - 1))
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
    rows = P.forecast(inputs, rate, remaining, before)
    assumptions = [
        f"as at {as_of.isoformat()}; fund {fund['code']}; {first} is the current year",
        "today's placements: current placements funded by the high needs block (or with no funder"
        " named), cost pro rata by days in each year, ends honoured, open-ended ones running on",
        basis + "; they arrive evenly from the day after the as-of date, run on, and cost half a"
        " year in the year they start",
        f"{first}: forecast outturn = paid so far + what placements still commit beyond it"
        f" + open ledger commitments ({format_pence(inputs[0].other_committed_pence)}: orders and"
        " agreements that are not placements) + new placements; later years: placements + those"
        " orders again at the same level + new placements",
        "variance = budget - forecast outturn (negative: overspend, which adds to the deficit)",
    ]
    if flat:
        assumptions.append(
            f"no budget set for {', '.join(flat)}: the last budget set"
            f" ({known[-1]}, {format_pence(budget[known[-1]])}) held flat"
        )
    if last_opening is not None or openings:
        assumptions.append(
            "deficit: the recorded opening figure replaces the running position in"
            " its year; adjustments and write-offs counted in their year"
        )
    for r in rows:
        r["assumed_rate_pence"] = rate
        r["budget_assumed"] = r["financial_year"] in flat
    return Forecast(fund["code"], rows, assumptions)


def balances(session: Session, as_of: date, fy: str | None = None) -> list[dict]:
    """`funds balances` rows for the high-needs fund: per budget year (or the one asked for),
    budget, committed by placements, paid, forecast outturn, variance; then that year's split
    in/out of county and by placement type. Empty when there is no high-needs fund."""
    from sendctl.domain import placements as P
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
    committed = S.committed_by_year(conn, as_of, fys)
    ledger = S.ledger_by_year(conn, fund["code"], as_of)
    out = []
    for year in fys:
        paid, other = ledger.get(year, (0, 0))
        placed = committed[year]
        total = P.outturn(placed, paid, other, 0)
        b = budget.get(year)
        outstanding = max(placed - paid, 0) + other
        out.append(
            {
                "code": fund["code"],
                "name": fund["name"],
                "kind": "high-needs",
                "level": "budget",
                "financial_year": year,
                "split": None,
                "allocation_pence": b,
                "budget_pence": b,
                "approved_pence": None,
                "placements_committed_pence": placed,
                "committed_pence": outstanding,
                "spent_pence": paid,
                "paid_pence": paid,
                "forecast_outturn_pence": total,
                "remaining_pence": None if b is None else b - paid - outstanding,
                "variance_pence": None if b is None else b - total,
                "pct_used": None if not b else round(100.0 * total / b, 1),
            }
        )
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


def status_line(session: Session, as_of: date) -> dict | None:
    """The dashboard's high needs line for as_of's financial year: budget, forecast outturn
    (including new placements at the last 12 months' rate), variance. None without the fund."""
    from sendctl.storage.placements import high_needs_fund

    if high_needs_fund(session.connect()) is None:
        return None
    f = forecast(session, as_of, years=1)
    r = f.rows[0]
    return {
        k: r[k]
        for k in (
            "financial_year",
            "budget_pence",
            "forecast_outturn_pence",
            "variance_pence",
            "deficit_carried_forward_pence",
        )
    } | {"fund": f.fund}


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
    from sendctl.domain.dates import financial_year, parse_financial_year
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
        if amount_pence < 0:
            raise invalid(
                "amount",
                "negative",
                "an opening deficit is not negative (record a surplus as an adjustment)",
            )
    else:
        if on is None:
            raise invalid("on", "required", "the date of the adjustment")
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
        new_id = add_deficit_entry(
            conn, session.actor(), fund["code"], kind, label, on, amount_pence, ref, reason
        )
    return {
        "id": new_id,
        "fund": fund["code"],
        "kind": kind,
        "financial_year": label,
        "amount_pence": amount_pence,
    }


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
