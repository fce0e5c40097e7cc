"""`report cabinet`: the progress update to Cabinet, assembled from the services behind the JSON
commands (never a second count of the same thing), each section with how it was counted.

| section   | the same figures as                                        |
|-----------|------------------------------------------------------------|
| transfers | `transfers status --as-of D --format json`                 |
| clocks    | `deadlines --all --within 14 --as-of D --format json`, counted by clock and status |
| panel     | `panel summary --as-of D --format json`                    |
| funds     | `funds balances --as-of M --format json`, M = each month end to D |
| capital   | `capital plan --as-of D --format json`                     |
| needs     | `report needs --as-of D --format json`                     |

Only counts and sums leave this module: no row about a child (names, UPNs, dates of birth)
is ever put into the update.
"""

from __future__ import annotations

from datetime import date, timedelta

from sendctl.services.session import Session

CLOCK_WINDOW_DAYS = 14  # "due" = the last lawful day is within the next fortnight
MAX_MONTHS = 24


def _month_ends(first: date, as_of: date) -> list[date]:
    out = []
    d = date(first.year, first.month, 1)
    while d <= as_of:
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        out.append(min(nxt - timedelta(days=1), as_of))
        d = nxt
    return out[-MAX_MONTHS:]


def clock_counts(session: Session, as_of: date) -> dict:
    """Running clocks by kind: overdue, due within 14 days, later; "on time" = due + later.
    Guidance reminders (not a statutory duty) are counted apart and are not "running"."""
    from sendctl.domain.clocks import CLOCKS
    from sendctl.storage.clocks import deadline_rows

    def blank(kind: str) -> dict:
        return {"clock": kind, "overdue": 0, "due": 0, "upcoming": 0, "guidance": 0, "running": 0}

    by_clock = {k: blank(k) for k in CLOCKS}
    for r in deadline_rows(
        session.connect(), as_of, within=CLOCK_WINDOW_DAYS, include_upcoming=True
    ):
        c = by_clock.setdefault(r["clock"], blank(r["clock"]))
        c[r["status"]] = c.get(r["status"], 0) + 1
        if r["status"] in ("overdue", "due", "upcoming"):
            c["running"] += 1
    rows = list(by_clock.values())
    for c in rows:
        c["on_time"] = c["due"] + c["upcoming"]
    total = {
        k: sum(c[k] for c in rows)
        for k in ("overdue", "due", "upcoming", "guidance", "running", "on_time")
    }
    return {"within_days": CLOCK_WINDOW_DAYS, "by_clock": rows, "total": total}


def fund_months(session: Session, as_of: date) -> dict:
    """Each fund at each month end (from the first posting's month to as_of): allocation,
    approved, spent, committed, remaining, as `funds balances --as-of MONTH_END` gives them,
    and for a profiled fund its cumulative profile to the month's financial year."""
    from sendctl.domain.dates import financial_year
    from sendctl.domain.ledger import cumulative_profile
    from sendctl.services.ledger import balances
    from sendctl.services.placements import year_fund_rows
    from sendctl.storage.ledger import fund_profile

    def fund_balances(_conn, day: date) -> list[dict]:
        # the rows `funds balances --as-of DAY` shows, one per fund (not the total or years);
        # the high needs block is a budget a year: its row for DAY's financial year, as
        # `funds balances --fy FY --as-of DAY` shows it (its placements count against it)
        rows = [r for r in balances(session, day, high_needs=False) if r["level"] == "fund"]
        hn = high_needs[day]
        return [hn if hn is not None and r["code"] == hn["code"] else r for r in rows]

    conn = session.connect()
    first = conn.execute(
        "SELECT min(posted_on) FROM ledger_entries WHERE kind != 'approval' AND posted_on <= ?",
        (as_of.isoformat(),),
    ).fetchone()[0]
    months = _month_ends(date.fromisoformat(first), as_of) if first else []
    # the high needs block's placements read once for every month end
    high_needs = year_fund_rows(session, [*months, as_of])
    series: dict[str, dict] = {}
    profiles: dict[str, dict[str, int]] = {}
    for m in months:
        for f in fund_balances(conn, m):
            if f["code"] not in profiles:
                profiles[f["code"]] = fund_profile(conn, f["code"])
            profile = profiles[f["code"]]
            s = series.setdefault(
                f["code"],
                {
                    "code": f["code"],
                    "name": f["name"],
                    "kind": f["kind"],
                    "allocation_pence": f["allocation_pence"],
                    "months": [],
                },
            )
            s["months"].append(
                {
                    "month_end": m.isoformat(),
                    "approved_pence": f["approved_pence"],
                    "spent_pence": f["spent_pence"],
                    "committed_pence": f["committed_pence"],
                    "remaining_pence": f["remaining_pence"],
                    # a profiled fund may spend only its profile up to the month's year;
                    # the high needs block its budget for the month's year
                    "profile_to_date_pence": (
                        f["allocation_pence"]
                        if f["kind"] == "high-needs"
                        else cumulative_profile(profile, financial_year(m))
                        if profile
                        else None
                    ),
                    "financial_year": f.get("financial_year"),
                }
            )
    now = {f["code"]: f for f in fund_balances(conn, as_of)}
    return {
        "month_ends": [m.isoformat() for m in months],
        "funds": list(series.values()),
        "as_of": list(now.values()),
    }


def update(session: Session, as_of: date) -> dict:
    """Everything the Cabinet update shows, as one JSON-ready object. Refused for a date
    before the records hold any plan."""
    from sendctl.domain.errors import SendctlError
    from sendctl.domain.problems import invalid
    from sendctl.services.capital import plan
    from sendctl.services.needs import dataset
    from sendctl.services.panel import summarise
    from sendctl.storage.clocks import transfer_status
    from sendctl.storage.needs import first_plan_date

    conn = session.connect()
    first = first_plan_date(conn)
    if first is None or as_of.isoformat() < first:
        raise invalid(
            "as_of",
            "before_data",
            f"{as_of.isoformat()} is before the records begin"
            + (
                f" (the first plan date recorded is {first})"
                if first
                else " (no plans are recorded)"
            ),
        )
    d = as_of.isoformat()
    transfers = transfer_status(conn, as_of)
    panel_rows, _ = summarise(session, None, None, as_of)
    try:
        capital = plan(session, as_of)
    except SendctlError:
        capital = None  # no project yet on that day: the section says so
    return {
        "as_of": d,
        "transfers": transfers,
        "clocks": clock_counts(session, as_of),
        "panel": panel_rows,
        "funds": fund_months(session, as_of),
        "capital": capital,
        "needs": dataset(session, as_of),
        "how_counted": {
            "transfers": f"statements due to transfer to EHC plans, as at {d} ('transfers status'): concluded = "
            "EHC plan issued, no plan needed or ceased; the target line runs straight from all of them at the start "
            "of the transition to none on the statutory end date; the forecast runs from today's remaining at the "
            "rate of the last 8 weeks",
            "clocks": f"every running statutory clock on {d} ('deadlines --all'): overdue = past its last lawful day; "
            f"on time = not yet due, of which due = its last lawful day within {CLOCK_WINDOW_DAYS} days",
            "panel": f"High Needs Panel decisions at meetings up to {d} ('panel summary'), superseded decisions left "
            "out; costs are the annual costs agreed",
            "funds": "each fund at the end of each month up to "
            f"{d} ('funds balances --as-of'): spent = payments; committed = orders not yet invoiced; remaining = "
            "allocation - spent - committed; the high needs block for the financial year of the day ('funds "
            "balances --fy'): its budget for that year, committed = what its placements still commit to the "
            "year beyond the payments plus its open orders; forecast outturn adds the new placements expected "
            "at the last 12 months' rate (as 'status' and 'placements forecast')",
            "capital": f"the capital plan as at {d} ('capital plan')",
            "needs": f"the needs dataset as at {d} ('report needs')",
        },
    }
