"""The further statutory clocks: advice (reg 8), representations (reg 13(1), 22(2)(c)), the review
cycle (regs 20-22), post-16 moves (reg 18(2)), plans moving in (reg 15(4)-(5)), re-assessment
(reg 27), mediation and appeal windows, Tribunal orders (regs 44-45) and personal budgets.

Every write is one session transaction, audited by storage; a statutory event dated after
`today` is refused (it cannot have happened yet).
"""

from __future__ import annotations

from datetime import date

from sendctl.domain.errors import SendctlError
from sendctl.domain.problems import invalid
from sendctl.services.clocks import not_future
from sendctl.services.session import Session


def record(
    session: Session,
    ref: str,
    kind: str,
    event: str,
    on: date,
    today: date,
    detail: str | None = None,
    ref_id: int | None = None,
) -> dict:
    """Record one event of a further clock (refused when its clock is not running)."""
    from sendctl.storage.further import record_event

    not_future("date", on, today)
    with session.transaction() as conn:
        return record_event(conn, session.actor(), ref, kind, event, on, detail, ref_id)


def void(session: Session, event_id: int, reason: str) -> dict:
    """An audited correction: the event stays in the history, the clocks ignore it."""
    from sendctl.storage.further import void_event

    with session.transaction() as conn:
        return void_event(conn, session.actor(), event_id, reason)


def record_review(
    session: Session,
    ref: str,
    meeting_on: date,
    decision: str | None,
    decided_on: date | None,
    steps: dict[str, date | None],
    today: date,
) -> tuple[dict | None, list[dict]]:
    """A review meeting (and its decision), with the steps of its cycle (notice, advice,
    report), in one transaction. A meeting already recorded is left as it is unless a decision
    is given.

    Returns:
        (the review row, or None when only steps were added; the step event rows).
    """
    from sendctl.storage.clocks import record_review as write_review
    from sendctl.storage.further import record_event

    wanted = {k: v for k, v in steps.items() if v is not None}
    not_future("meeting", meeting_on, today)
    not_future("decision_date", decided_on, today)
    for field, on in wanted.items():
        not_future(field, on, today)
    with session.transaction() as conn:
        known = (
            conn.execute(
                "SELECT 1 FROM reviews WHERE case_ref = ? AND meeting_on = ?",
                (ref, meeting_on.isoformat()),
            ).fetchone()
            is not None
        )
        row = None
        if decision is not None or decided_on is not None or not known or not wanted:
            row = write_review(conn, session.actor(), ref, meeting_on, decision, decided_on)
        return row, [
            record_event(conn, session.actor(), ref, "review", step, on, meeting_on.isoformat())
            for step, on in wanted.items()
        ]


def proposals(session: Session, ref: str, on: date, today: date) -> dict:
    """Amendment proposals sent (reg 22(2)(a)), tied to the latest review meeting before them."""
    from sendctl.storage.further import record_event

    not_future("proposals", on, today)
    with session.transaction() as conn:
        row = conn.execute(
            "SELECT max(meeting_on) FROM reviews WHERE case_ref = ? AND meeting_on <= ?",
            (ref, on.isoformat()),
        ).fetchone()
        if row is None or row[0] is None:
            raise SendctlError(
                f"{ref}: no review meeting on or before {on.isoformat()}",
                hint="record the meeting first: sendctl reviews record REF --meeting DATE",
            )
        return record_event(conn, session.actor(), ref, "review", "proposals", on, row[0])


def advice_list(
    session: Session,
    as_of: date,
    adviser: str | None = None,
    overdue: bool = False,
    within: int = 14,
) -> list[dict]:
    """Every advice request with its 6-week due date and status on `as_of`: the backlog by
    adviser, the educational psychology list first."""
    from sendctl.domain import counting as C
    from sendctl.domain import further_clocks as F
    from sendctl.storage.further import advice_requests

    order = {a: i for i, a in enumerate(F.ADVISERS)}
    out = []
    for r in advice_requests(session.connect(), adviser):
        requested = date.fromisoformat(r["requested_on"])
        if requested > as_of:
            continue
        due = C.within_weeks(requested, F.ADVICE_WEEKS)
        received = date.fromisoformat(r["received_on"]) if r["received_on"] else None
        exception = r["exception"]
        if received is not None and received > as_of:
            # as at `as_of` the reply had not come: nothing recorded with it was known yet
            received, exception = None, None
        if received is not None:
            # a late reply with a reason recorded is excused (reg 8(2)), as the clock says
            late = "excused" if exception else "missed"
            status = "met" if received <= due else late
        elif as_of > due:
            status = "overdue"
        else:
            status = "due" if (due - as_of).days <= within else "upcoming"
        if overdue and status != "overdue":
            continue
        out.append(
            {
                **r,
                "received_on": received.isoformat() if received else None,
                "exception": exception,
                "due_on": due.isoformat(),
                "status": status,
                "days_left": (due - as_of).days if received is None else None,
            }
        )
    out.sort(
        key=lambda r: (
            order.get(r["adviser"], 99),
            r["status"] not in ("overdue", "due"),
            r["due_on"],
            r["id"],
        )
    )
    return out


def representations_warning(session: Session, ref: str, final_on: date) -> str | None:
    """A final plan issued before the 15 days for representations ended, with none recorded:
    lawful only if the family had already responded (reg 13(1), reg 22(2)(c))."""
    from sendctl.storage.clocks import case_clocks

    for c in case_clocks(session.connect(), ref, final_on):
        if (
            c["rule_id"] == "representations_15d"
            and c["status"] == "missed"
            and final_on.isoformat() in c["detail"]
        ):
            return (
                f"{ref}: final plan issued {final_on.isoformat()} before the period for "
                f"representations ended ({c['due_on']}) and none are recorded: SEND Regs 2014 "
                "reg 13(1) gives at least 15 days beginning with the day the draft was served"
            )
    return None


def check_choice(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise invalid(field, "bad_code", f"expected one of {', '.join(allowed)}", value)
    return value
