"""`deadlines notify`: which warnings go to whom, sending them, recording what was sent.

The deadlines come from the clock engine (services.clocks.deadlines); a warning already sent
today is not sent again; each message is recorded only once the server has accepted it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime

from sendctl.services.session import Session


@contextmanager
def one_run_at_a_time(session: Session, dry_run: bool) -> Iterator[None]:
    """A second real run started meanwhile waits here, then sees what this one recorded."""
    if dry_run:
        with nullcontext():
            yield
        return
    from sendctl.storage.notify import exclusive_run

    session.connect(write=False)
    with exclusive_run(session.db_path):
        yield


def plan(
    session: Session,
    day: date,
    within: int,
    caseworker: str | None,
    manager: str | None,
    sender: str,
    sent_at: datetime,
):
    """The messages to send today, leaving out what was sent: a StreamedPlan whose
    `outgoing()` builds one recipient's message at a time (the deadlines arrive grouped by
    recipient), so memory does not grow with the number of deadlines."""
    from sendctl.notify.email import StreamedPlan, recipient_order
    from sendctl.storage.clocks import deadline_rows
    from sendctl.storage.notify import caseworker_emails, sent_keys

    conn = session.connect(write=False)
    order = recipient_order(caseworker_emails(conn, caseworker), manager)
    rows = deadline_rows(conn, day, within=within, caseworker=caseworker, email_order=order)
    return StreamedPlan(rows, manager, sent_keys(conn, day), sender, day, within, sent_at=sent_at)


def send(session: Session, outgoing: list, settings, day: date) -> tuple[list, int]:
    """Send each message; record its rows as sent once the server accepted it (one commit
    each). Returns (failures, rows recorded)."""
    from sendctl.notify.smtp import send_all
    from sendctl.storage.notify import record_sent

    conn = session.connect(write=False)
    actor = session.actor()
    sent_rows = 0

    def on_sent(item) -> None:
        nonlocal sent_rows
        record_sent(conn, actor, item.recipient, item.rows, day)
        sent_rows += len(item.rows)

    failures = send_all(settings, outgoing, on_sent)
    return failures, sent_rows
