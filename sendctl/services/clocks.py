"""The statutory clocks: transfers, assessments, reviews, plan lifecycle events and deadlines.

Every write runs in one session transaction and is audited by storage; every due date and
status comes from the clock engine (sendctl.domain.engine). `today` is passed in by the
command (services never read the clock): a statutory event dated after it is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sendctl.domain.problems import invalid
from sendctl.services.session import Session


def not_future(field: str, on: date | None, today: date) -> None:
    """A statutory event cannot be recorded before it has happened."""
    if on is not None and on > today:
        raise invalid(
            field,
            "future_date",
            f"{on.isoformat()} is after today ({today.isoformat()}); record an event once it has happened",
            on.isoformat(),
        )


# --- transfers ----------------------------------------------------------------------------------


def start_transfer(
    session: Session, ref: str, started_on: date, notice_on: date | None, today: date
) -> dict:
    from sendctl.storage.clocks import start_transfer as write

    not_future("date", started_on, today)
    not_future("notice_date", notice_on, today)
    with session.transaction() as conn:
        return write(conn, session.actor(), ref, started_on, notice_on)


def record_transfer(
    session: Session, ref: str, event: str, on: date, reason: str | None, today: date
) -> dict:
    from sendctl.storage.clocks import record_transfer_event as write

    not_future("date", on, today)
    with session.transaction() as conn:
        return write(conn, session.actor(), ref, event, on, reason)


def transfer_list(
    session: Session,
    as_of: date,
    state: str | None = None,
    overdue: bool = False,
    caseworker: str | None = None,
) -> Iterator[dict]:
    from sendctl.storage.clocks import transfer_list as query

    return query(session.connect(), as_of, state, overdue, caseworker)


def transfer_status(session: Session, as_of: date, by: str | None = None) -> dict:
    from sendctl.storage.clocks import transfer_status as query

    return query(session.connect(), as_of, by)


# --- assessments ---------------------------------------------------------------------------------


def request_assessment(
    session: Session, ref: str, received_on: date, exception: str | None, today: date
) -> dict:
    from sendctl.storage.clocks import request_assessment as write

    not_future("received", received_on, today)
    with session.transaction() as conn:
        return write(conn, session.actor(), ref, received_on, exception)


def record_assessment(
    session: Session, ref: str, event: str, on: date, exception: str | None, today: date
) -> dict:
    from sendctl.storage.clocks import record_assessment_event as write

    not_future("date", on, today)
    with session.transaction() as conn:
        return write(conn, session.actor(), ref, event, on, exception)


def assessment_list(session: Session, as_of: date, year: int | None = None) -> Iterator[dict]:
    from sendctl.storage.clocks import assessment_list as query

    return query(session.connect(), as_of, year)


def assessment_timeliness(session: Session, year: int) -> dict:
    from sendctl.storage.clocks import assessment_timeliness as query

    return query(session.connect(), year)


# --- reviews and the plan's lifecycle -------------------------------------------------------------


def record_review(
    session: Session,
    ref: str,
    meeting_on: date,
    decision: str | None,
    decided_on: date | None,
    today: date,
) -> dict:
    from sendctl.storage.clocks import record_review as write

    not_future("meeting", meeting_on, today)
    not_future("decision_date", decided_on, today)
    with session.transaction() as conn:
        return write(conn, session.actor(), ref, meeting_on, decision, decided_on)


def amended_final(session: Session, ref: str, on: date, today: date) -> dict:
    """The amended final plan (reg 22(3)) naming the next setting was issued."""
    from sendctl.storage.clocks import record_plan_event

    not_future("final", on, today)
    with session.transaction() as conn:
        return record_plan_event(conn, session.actor(), ref, "amended-final", on)


def end_plan(session: Session, ref: str, on: date, reason: str, today: date) -> dict:
    """The statement or EHC plan ceases (SEN2 cease reason)."""
    from sendctl.storage.clocks import record_plan_event

    not_future("date", on, today)
    with session.transaction() as conn:
        return record_plan_event(conn, session.actor(), ref, "end", on, reason)


def move_out(
    session: Session, ref: str, to_la: str, aware_on: date, today: date, move_on: date | None = None
) -> dict:
    """The child moved to another LA: the plan ends here and must pass to the new authority on
    the move or within 15 working days beginning with the day this LA became aware (reg 15(2));
    that clock runs until `moves transferred-out` records it."""
    from sendctl.domain import further_clocks as F
    from sendctl.storage.clocks import record_plan_event
    from sendctl.storage.further import record_event
    from sendctl.storage.holidays import ENGLAND

    not_future("aware", aware_on, today)
    with session.transaction() as conn:
        row = record_plan_event(
            conn, session.actor(), ref, "move-out", aware_on, "5", f"to LA {to_la}", la=to_la
        )
        aware = record_event(
            conn,
            session.actor(),
            ref,
            "la",
            "aware",
            aware_on,
            move_on.isoformat() if move_on else None,
        )
    due = F.old_la_clocks(
        [F.Event(aware["id"], "la", "aware", aware_on, None, aware["detail"])], ENGLAND
    )[0]
    return {**row, "transfer_due_on": due.due_on.isoformat()}


def move_in(
    session: Session, ref: str, from_la: str, on: date, last_review: date | None, today: date
) -> dict:
    """A plan transferred in from another LA (reg 15(3)-(5))."""
    from sendctl.storage.clocks import record_plan_event

    not_future("date", on, today)
    not_future("last_review", last_review, today)
    from sendctl.storage.further import record_event

    detail = f"from LA {from_la}" + (
        f"; last reviewed {last_review.isoformat()}" if last_review else ""
    )
    with session.transaction() as conn:
        # the old LA's last review date rides in the event's reason column (an ISO date)
        row = record_plan_event(
            conn,
            session.actor(),
            ref,
            "move-in",
            on,
            last_review.isoformat() if last_review else None,
            detail,
            la=from_la,
        )
        # the new authority's notice to the family (reg 15(4)) runs from the transfer
        record_event(
            conn,
            session.actor(),
            ref,
            "la",
            "transferred-in",
            on,
            last_review.isoformat() if last_review else None,
        )
        return row


def void_event(session: Session, clock: str, event_id: int, reason: str, today: date) -> dict:
    """An audited correction: the event stays in the history, the clocks ignore it. `reviews
    void` also voids the plan's own events (an end, a move, an amended final plan)."""
    from sendctl.storage.clocks import void_event as write

    clocks = ("review", "plan") if clock == "review" else (clock,)
    with session.transaction() as conn:
        return write(conn, session.actor(), clocks, event_id, reason, today)


# --- deadlines and rules --------------------------------------------------------------------------


def deadlines(
    session: Session,
    as_of: date,
    within: int = 14,
    clock: str | None = None,
    caseworker: str | None = None,
    include_upcoming: bool = False,
    explain: bool = False,
) -> Iterator[dict]:
    from sendctl.storage.clocks import deadline_rows

    return deadline_rows(
        session.connect(), as_of, within, clock, caseworker, include_upcoming, explain
    )


def refresh_store(session: Session, everything: bool = False) -> int:
    """Recompute the stored clocks of the queued cases (every case with everything=True);
    returns how many. Progress goes to session.info every 100,000 cases."""
    from sendctl.storage.clock_store import refresh

    def progress(done: int, total: int) -> None:
        if not session.quiet and done % 100_000 < 5000:
            session.info(f"  {done:,} of {total:,} cases")

    session.connect()  # an existing database only: a mistyped --db must not make a new one
    with session.transaction() as conn:
        return refresh(conn, progress=progress, everything=everything)


def rules(as_of: date | None = None) -> list[dict]:
    """The rules table (only the rows in force on as_of when given)."""
    from sendctl.domain.rules import rules_in_force

    return [
        {
            "id": r.id,
            "clock": r.clock,
            "period": r.period,
            "reading": r.phrase,
            "anchor": r.anchor,
            "legal_ref": r.legal_ref,
            "words": r.words,
            "effective_from": r.effective_from.isoformat(),
            "effective_to": r.effective_to.isoformat() if r.effective_to else None,
            "statutory": r.statutory,
        }
        for r in rules_in_force(as_of)
    ]
