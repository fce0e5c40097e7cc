"""The record of deadline warnings sent (table notifications_sent, migration m501).

A warning is identified by (recipient, case_ref, clock, due_on) and the day it was sent
(`sent_on`, the run's as-of day): a second run that day skips it; a new or moved clock has a
new key and is sent. Rows are written only after the SMTP server accepted the message, one
transaction per message, with the audit rows in the same transaction.
"""

import os
import sqlite3
import time
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sendctl.storage.audit import Actor, record_many, utc_now
from sendctl.storage.db import transaction


def sent_keys(conn: sqlite3.Connection, sent_on: date) -> set[tuple[str, str, str, str]]:
    """(recipient, case_ref, clock, due_on) of every warning recorded for that day.

    An index range on the UNIQUE (sent_on, ...) key; a day holds at most the warnings due
    within the look-ahead, so the set stays small whatever the size of the register.
    """
    cur = conn.execute(
        "SELECT recipient, case_ref, clock, due_on FROM notifications_sent WHERE sent_on = ?",
        (sent_on.isoformat(),),
    )
    return {(r[0].lower(), r[1], r[2], r[3]) for r in cur}


def caseworker_emails(conn: sqlite3.Connection, caseworker: str | None = None) -> list:
    """Every caseworker email of the register as stored (None included), or of the cases of
    one caseworker."""
    if caseworker:
        cur = conn.execute(
            "SELECT DISTINCT caseworker_email FROM cases WHERE caseworker = ? COLLATE NOCASE",
            (caseworker,),
        )
    else:
        cur = conn.execute("SELECT DISTINCT caseworker_email FROM cases")
    return [r[0] for r in cur]


def record_sent(
    conn: sqlite3.Connection,
    actor: Actor,
    recipient: str,
    rows: Iterable[dict],
    sent_on: date,
) -> int:
    """Record one accepted message's deadlines (and audit them) in one transaction.

    Returns the number of rows added (a row already there, e.g. from a concurrent run, is
    kept as it was).
    """
    now = utc_now()
    day = sent_on.isoformat()
    added = []
    with transaction(conn):
        for r in rows:
            cur = conn.execute(
                "INSERT OR IGNORE INTO notifications_sent"
                " (recipient, case_ref, clock, due_on, sent_on, sent_utc) VALUES (?, ?, ?, ?, ?, ?)",
                (recipient.lower(), str(r["case_ref"]), r["clock"], r["due_on"], day, now),
            )
            if cur.rowcount:
                added.append((r, cur.lastrowid))
        record_many(
            conn,
            actor,
            (
                (
                    "notification",
                    str(rowid),
                    str(r["case_ref"]),
                    "sent",
                    None,
                    {
                        "recipient": recipient.lower(),
                        "clock": r["clock"],
                        "due_on": r["due_on"],
                        "sent_on": day,
                    },
                )
                for r, rowid in added
            ),
        )
    return len(added)


def sent_rows(conn: sqlite3.Connection, sent_on: date | None = None) -> list[dict]:
    """What was sent (all days, or one), for tests and `cases show`-style history."""
    sql = "SELECT recipient, case_ref, clock, due_on, sent_on, sent_utc FROM notifications_sent"
    params: tuple = ()
    if sent_on is not None:
        sql += " WHERE sent_on = ?"
        params = (sent_on.isoformat(),)
    return [dict(r) for r in conn.execute(sql + " ORDER BY id", params)]


@contextmanager
def exclusive_run(db_path: Path | str, wait_ms: int | None = None):
    """One sending `deadlines notify` at a time per database.

    Two runs started together would both read "nothing sent yet" and send every warning twice.
    The run holds an exclusive lock on `<database>.notify-lock` (0600, empty; the OS drops the
    lock if the process dies) from before it reads what was sent until its last record is
    committed; a second run waits up to the busy timeout, then sees what the first recorded.

    Raises:
        SendctlError: exit 4 when another run still holds the lock after the wait.
    """
    from sendctl.domain.errors import EXIT_BUSY, SendctlError
    from sendctl.storage.db import busy_timeout_ms

    wait_ms = busy_timeout_ms() if wait_ms is None else wait_ms
    path = Path(str(db_path) + ".notify-lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_ms / 1000
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise SendctlError(
                    f"{db_path}: another 'deadlines notify' is still sending (lock {path.name}); "
                    f"waited {wait_ms / 1000:g} s",
                    hint="it records what it sends: run again when it has finished",
                    exit_code=EXIT_BUSY,
                )
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
