"""What managers and auditors read: the status dashboard, SEN2 figures, the audit trail."""

from __future__ import annotations

from datetime import date

from sendctl.services.session import Session


def dashboard(session: Session, as_of: date) -> dict:
    """The status dashboard as one object (transfers with burndown, clocks, panel, funds)."""
    from sendctl.services.placements import status_line
    from sendctl.storage.reports import dashboard as build

    d = build(session.connect(), as_of)
    d["high_needs"] = status_line(session, as_of)  # None without a high-needs fund
    if d["high_needs"] is not None:
        _high_needs_fund(session, as_of, d["funds"])
    return d


def _high_needs_fund(session: Session, as_of: date, funds: list[dict]) -> None:
    """The high-needs fund's row as `funds balances` shows it (its placements counted against
    its budget years), not the raw ledger's."""
    from sendctl.domain.money import format_pence
    from sendctl.services.placements import fund_row

    hn = fund_row(session, as_of)
    for f in funds:
        if hn is not None and f["code"] == hn["code"]:
            for k in ("allocation", "approved", "committed", "spent", "remaining"):
                v = hn[f"{k}_pence"]
                f[f"{k}_pence"] = v
                f[k] = None if v is None else format_pence(v)
            f["pct_used"] = hn["pct_used"]


def sen2_figures(session: Session, year: int) -> dict:
    """SEN2-style figures for a calendar year: {"census_on", "figures": [...]}."""
    from sendctl.storage.reports import sen2_figures as build

    return build(session.connect(), year)


def audit_trail(
    session: Session,
    *,
    since: date | None = None,
    officer: str | None = None,
    case_ref: str | None = None,
    entity: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Audit rows, newest first."""
    from sendctl.storage.audit import audit_rows

    return list(
        audit_rows(
            session.connect(),
            since_utc=since.isoformat() if since else None,
            officer=officer,
            case_ref=case_ref,
            entity=entity,
            limit=limit,
        )
    )
