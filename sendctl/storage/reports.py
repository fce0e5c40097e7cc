"""The queries behind `status` (the dashboard) and `report sen2`.

The dashboard is built from the other areas' contract functions (transfer_status,
clock_counts, panel_overview, fund_balances): this module adds no twin of their SQL. SEN2
adds a few grouped queries of its own (one per kind of figure, never a Python loop per case).
"""

import sqlite3
from datetime import date, timedelta

from sendctl.domain import clocks as K
from sendctl.domain.money import format_pence

DASHBOARD_WITHIN_DAYS = 14  # "clocks overdue and due in the next 14 days"


def dashboard(conn: sqlite3.Connection, as_of: date, within: int = DASHBOARD_WITHIN_DAYS) -> dict:
    """Everything `status` shows, as one JSON-ready object.

    Returns {as_of, transfers: transfer_status(...) with its burndown, clocks: {within_days,
    overdue, due, by_clock: [{clock, overdue, due}]}, panel: panel_overview(...) plus a
    formatted cost, funds: fund_balances(...) rows plus formatted amounts}.
    """
    from sendctl.storage.clocks import clock_counts, transfer_status
    from sendctl.storage.ledger import fund_balances
    from sendctl.storage.panel import panel_overview

    transfers = transfer_status(conn, as_of)

    # counted in SQL over the clock store (the engine's own output per case); a guidance
    # reminder is never a breach
    counts = {k: {"clock": k, "overdue": 0, "due": 0} for k in K.CLOCKS}
    for k, c in clock_counts(conn, as_of, within).items():
        counts[k]["overdue"] += c["overdue"]
        counts[k]["due"] += c["due"]
    by_clock = [
        c for c in counts.values() if c["clock"] in K.CORE_CLOCKS or c["overdue"] or c["due"]
    ]
    clocks = {
        "within_days": within,
        "overdue": sum(c["overdue"] for c in by_clock),
        "due": sum(c["due"] for c in by_clock),
        "by_clock": by_clock,
    }

    panel = dict(panel_overview(conn, as_of))
    panel["agreed_annual_cost"] = format_pence(panel["agreed_annual_cost_pence"] or 0)

    funds = []
    for f in fund_balances(conn, as_of):
        row = {
            k: f[k]
            for k in (
                "code",
                "name",
                "kind",
                "allocation_pence",
                "approved_pence",
                "committed_pence",
                "spent_pence",
                "remaining_pence",
                "pct_used",
            )
        }
        for k in (
            "allocation_pence",
            "approved_pence",
            "committed_pence",
            "spent_pence",
            "remaining_pence",
        ):
            row[k[: -len("_pence")]] = format_pence(f[k]) if f[k] is not None else None
        funds.append(row)

    return {
        "as_of": as_of.isoformat(),
        "transfers": transfers,
        "clocks": clocks,
        "panel": panel,
        "funds": funds,
    }


# --- SEN2 ---------------------------------------------------------------------------


def census_date(year: int) -> date:
    """SEN2 census day: the third Thursday of January of `year` (19 Jan 2017,
    18 Jan 2018)."""
    first = date(year, 1, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + timedelta(days=14)


def _year_bounds(year: int) -> dict:
    return {"y0": f"{year:04d}-01-01", "y1": f"{year + 1:04d}-01-01"}


def sen2_figures(conn: sqlite3.Connection, year: int) -> dict:
    """SEN2-style figures for calendar `year`, as the return made in January `year + 1` reports
    them (activity in the previous calendar year; caseload on census day).

    Returns {year, census_on, figures: [{section, figure, sen2_item, value, how_counted}]}.
    """
    from sendctl.storage.clocks import assessment_timeliness

    p = _year_bounds(year)
    census = census_date(year + 1)
    span = f"1 January to 31 December {year}"
    figures: list[dict] = []

    def add(section, figure, sen2_item, value, how):
        figures.append(
            {
                "section": section,
                "figure": figure,
                "sen2_item": sen2_item,
                "value": value,
                "how_counted": how,
            }
        )

    # transfers concluded in the year, by outcome (rule 6: only EHCP issued / no plan are
    # "concluded by assessment"; ceased ones are SEN2 discontinuations)
    t = conn.execute(
        """SELECT coalesce(sum(outcome = 'ehcp_issued'), 0) AS ehcp,
                  coalesce(sum(outcome = 'no_plan'), 0) AS no_plan,
                  coalesce(sum(outcome = 'ceased'), 0) AS ceased
           FROM transfers WHERE concluded_on >= :y0 AND concluded_on < :y1""",
        p,
    ).fetchone()
    add(
        "transfers",
        "transfers_to_ehcp",
        "StatementstoEHC",
        t["ehcp"],
        f"transfer reviews concluded with a final EHC plan issued, {span}",
    )
    add(
        "transfers",
        "transfers_to_no_plan",
        "StatementstoNoEHC",
        t["no_plan"],
        f"transfer reviews concluded with notice that no plan is needed, {span}",
    )
    add(
        "transfers",
        "transfers_ceased",
        "Dis*",
        t["ceased"],
        f"statements ceased during their transfer review (moved LA, left, needs met, other), {span}",
    )

    # new EHC needs assessments: requests received, refusals, outcomes
    a = conn.execute(
        """SELECT coalesce(sum(received_on >= :y0 AND received_on < :y1), 0) AS requests,
                  coalesce(sum(outcome = 'refused' AND concluded_on >= :y0 AND concluded_on < :y1), 0) AS refused,
                  coalesce(sum(outcome = 'no_plan' AND concluded_on >= :y0 AND concluded_on < :y1), 0) AS no_plan
           FROM assessments
           WHERE (received_on >= :y0 AND received_on < :y1) OR (concluded_on >= :y0 AND concluded_on < :y1)""",
        p,
    ).fetchone()
    add(
        "assessments",
        "requests_received",
        "InreqEHC",
        a["requests"],
        f"requests for an EHC needs assessment received, {span}",
    )
    add(
        "assessments",
        "assessments_refused",
        "AssRefusedEHC",
        a["refused"],
        f"requests where the LA decided not to assess, decision dated {span}",
    )
    add(
        "assessments",
        "assessed_no_plan",
        "AssnoneEHC",
        a["no_plan"],
        f"assessments concluded with a decision not to issue a plan, {span}",
    )

    tl = assessment_timeliness(conn, year)
    add(
        "new_plans",
        "new_plans_issued",
        "NewallEHC",
        tl["plans"],
        f"final EHC plans issued after a new assessment (transfers not included), {span}",
    )
    add(
        "new_plans",
        "issued_within_20_weeks",
        "IncExc20weekEHC",
        tl["within_20_weeks"],
        "of those, final plan issued on or before received date + 20 weeks (rule 12), exception cases included",
    )
    add(
        "new_plans",
        "pct_within_20_weeks",
        "",
        tl["pct_within_20_weeks"],
        "issued_within_20_weeks / new_plans_issued x 100, one decimal (empty when no plans)",
    )
    add(
        "new_plans",
        "plans_excluding_exceptions",
        "TotNoExcEHC",
        tl["plans_excluding_exceptions"],
        "new plans issued in the year with no reg 10(4) exception recorded",
    )
    add(
        "new_plans",
        "issued_within_20_weeks_excluding_exceptions",
        "NoExc20weekEHC",
        tl["within_20_weeks_excluding_exceptions"],
        "of those, final plan issued within 20 weeks of receipt",
    )
    add(
        "new_plans",
        "pct_within_20_weeks_excluding_exceptions",
        "",
        tl["pct_within_20_weeks_excluding_exceptions"],
        "issued_within_20_weeks_excluding_exceptions / plans_excluding_exceptions x 100, one decimal",
    )
    add(
        "new_plans",
        "exception_cases",
        "Week20",
        tl["exception_cases"],
        "new plans issued in the year whose assessment has a reg 10(4) exception recorded",
    )

    # caseload on census day: who held a statement or an EHC plan that day, as the clock engine
    # reads each case's history (a statement until its transfer concludes or it ceases; an EHC
    # plan from the day it was made until it ends). Need and setting are the register's current
    # values (it keeps no history of them).
    from sendctl.storage.histories import histories

    kinds: dict[str, int] = {"statement": 0, "ehcp": 0}
    needs: dict[str, int] = {}
    settings: dict[str, int] = {}
    for c, h in histories(conn, "c.plan_type IN ('statement', 'ehcp')"):
        kind = h.as_of(census).plan_in_force()
        if kind is None:
            continue
        kinds[kind] += 1
        needs[c["primary_need"] or "(none)"] = needs.get(c["primary_need"] or "(none)", 0) + 1
        st = c["setting_type"] or "(not recorded)"
        settings[st] = settings.get(st, 0) + 1
    when = f"on census day {census.isoformat()}"
    add(
        "caseload",
        "caseload_total",
        "",
        kinds["statement"] + kinds["ehcp"],
        f"children and young people holding a statement or an EHC plan {when} (third Thursday of January {year + 1})",
    )
    add(
        "caseload",
        "caseload_statements",
        "",
        kinds["statement"],
        f"statements not yet concluded by a transfer review {when}",
    )
    add(
        "caseload",
        "caseload_ehcps",
        "",
        kinds["ehcp"],
        f"EHC plans issued on or before census day, held {when}",
    )
    for need in sorted(needs, key=lambda k: (-needs[k], k)):
        add(
            "caseload_by_need",
            f"need_{need}",
            "sentype",
            needs[need],
            f"caseload {when} with primary need {need} (as recorded now)",
        )
    for st in sorted(settings, key=lambda k: (-settings[k], k)):
        add(
            "caseload_by_setting",
            f"setting_{st}",
            "establishment type",
            settings[st],
            f"caseload {when} in a setting of this type (as recorded now)",
        )
    # plans and statements that ended in the year (cases end / move-out, not voided), by the
    # SEN2 cease reason
    from sendctl.storage.clocks import END_REASONS

    ended = dict(
        conn.execute(
            "SELECT e.reason, count(*) FROM plan_events e WHERE e.event IN ('end', 'move-out')"
            " AND e.event_on >= :y0 AND e.event_on < :y1"
            " AND NOT EXISTS (SELECT 1 FROM plan_events v WHERE v.voids_id = e.id) GROUP BY e.reason",
            _year_bounds(year),
        ).fetchall()
    )
    add(
        "cessations",
        "plans_ended",
        "",
        sum(ended.values()),
        f"statements and EHC plans that ended (cases end, cases move-out) in {year}",
    )
    for code, words in END_REASONS.items():
        if ended.get(code):
            add(
                "cessations",
                f"ceased_reason_{code}",
                "ceasereason",
                ended[code],
                f"of those, cease reason {code} ({words})",
            )
    return {"year": year, "census_on": census.isoformat(), "figures": figures}
