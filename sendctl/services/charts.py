"""The series behind the charts that need more than one listing's rows (see domain/series.py)."""

from __future__ import annotations

from datetime import date

from sendctl.services.session import Session


def spend_by_month(session: Session, as_of: date, fy: str | None = None) -> list:
    """Per fund (ChartData): spend to date at the end of each month of the financial year
    (`fy`, default the one holding `as_of`) against the fund's approval for the year if it has
    one, else its profile for that year, else its allocation."""
    from sendctl.domain.dates import financial_year
    from sendctl.domain.series import fy_month_ends, spend_against_limit
    from sendctl.storage.ledger import fund_balances

    conn = session.connect()
    fy = fy or financial_year(as_of)
    ends = fy_month_ends(fy)
    # each month's end; the month holding as_of up to as_of; later months have no figure yet
    by_month = [
        fund_balances(conn, min(d, as_of), fy) if d.replace(day=1) <= as_of else None for d in ends
    ]
    year_end = fund_balances(conn, min(as_of, ends[-1]), fy)
    charts = []
    for f in year_end:
        if f["allocation_pence"] is None:
            continue
        spent = [
            next((r["spent_pence"] for r in month if r["code"] == f["code"]), 0)
            if month is not None
            else None
            for month in by_month
        ]
        if f.get("approved_pence"):
            limit, name = f["approved_pence"], "approval"
        elif f.get("kind") == "capital":
            limit, name = f["allocation_pence"], "profile"
        else:
            limit, name = f["allocation_pence"], "allocation"
        charts.append(spend_against_limit(f["code"], fy, spent, limit, name))
    return charts


def clocks_by_week(session: Session, as_of: date, weeks: int = 8, caseworker: str | None = None):
    """ChartData: running clocks falling due in each of the next `weeks` weeks, and overdue."""
    from sendctl.domain.series import clocks_due_by_week
    from sendctl.storage.clocks import deadline_rows

    rows = deadline_rows(
        session.connect(), as_of, 7 * weeks, None, caseworker, include_upcoming=False
    )
    return clocks_due_by_week(list(rows), as_of, weeks)
