"""High Needs Panel decisions: record one, list them, summarise them (imports live with the
other imports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sendctl.domain.problems import invalid
from sendctl.services.session import Session


@dataclass
class Recorded:
    """A decision as stored (its row), for the confirmation line."""

    id: int
    decision: dict


def record_decision(session: Session, **fields) -> Recorded:
    """Validate, check and store one decision with its audit rows (fields: see
    domain.panel.make_decision)."""
    from sendctl.storage.panel import get_decision
    from sendctl.storage.panel import record_decision as store

    with session.transaction() as conn:
        new_id = store(conn, session.actor(), **fields)
        return Recorded(new_id, dict(get_decision(conn, new_id)))


def check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_to < date_from:
        raise invalid(
            "date_to",
            "bad_range",
            f"{date_to.isoformat()} is before the start {date_from.isoformat()}",
        )


def list_decisions(
    session: Session,
    *,
    meeting_on: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    case_ref: str | None = None,
    request: str | None = None,
    outcome: str | None = None,
    include_superseded: bool = False,
    as_of: date | None = None,
) -> list[dict]:
    """Decisions in meeting order as they stood at as_of (None: all); superseded ones only
    with include_superseded."""
    from sendctl.storage.panel import list_decisions as query

    check_range(date_from, date_to)
    return list(
        query(
            session.connect(),
            meeting_on=meeting_on,
            date_from=date_from,
            date_to=date_to,
            case_ref=case_ref,
            request=request,
            outcome=outcome,
            include_superseded=include_superseded,
            as_of=as_of,
        )
    )


def summarise(
    session: Session,
    date_from: date | None,
    date_to: date | None,
    as_of: date,
    include_superseded: bool = False,
) -> tuple[list[dict], date]:
    """Summary rows (by meeting, by request type, total) for meetings in the range and not
    after `as_of`.

    Returns:
        (rows, the end date used).
    """
    from sendctl.services.placements import with_effects
    from sendctl.storage.panel import summary

    check_range(date_from, date_to)
    end = min(date_to, as_of) if date_to else as_of
    rows = summary(session.connect(), date_from, end, include_superseded=include_superseded)
    return with_effects(session, rows, date_from, end), end
