"""The record of warnings sent: migration m501, idempotence keys, append-only, audit."""

import sqlite3
from datetime import date

import pytest

from sendctl.storage.audit import Actor
from sendctl.storage.db import connect
from sendctl.storage.notify import record_sent, sent_keys, sent_rows

DAY = date(2017, 4, 18)
ROWS = [
    {"case_ref": "R1", "clock": "transfer", "due_on": "2017-04-20"},
    {"case_ref": "R2", "clock": "annual_review", "due_on": "2017-04-25"},
]


@pytest.fixture
def conn(db_path):
    c = connect(db_path, create=True)
    yield c
    c.close()


def test_record_and_lookup_by_day(conn):
    assert (
        record_sent(conn, Actor("tester", "deadlines notify"), "Jo@Rutland.example", ROWS, DAY) == 2
    )
    assert sent_keys(conn, DAY) == {
        ("jo@rutland.example", "R1", "transfer", "2017-04-20"),
        ("jo@rutland.example", "R2", "annual_review", "2017-04-25"),
    }
    assert sent_keys(conn, date(2017, 4, 19)) == set()
    # the same warning again that day is kept once
    assert (
        record_sent(conn, Actor("tester", "deadlines notify"), "jo@rutland.example", ROWS[:1], DAY)
        == 0
    )
    assert len(sent_rows(conn)) == 2
    audit = conn.execute("SELECT entity, case_ref, action FROM audit_log ORDER BY id").fetchall()
    assert [tuple(a) for a in audit] == [
        ("notification", "R1", "sent"),
        ("notification", "R2", "sent"),
    ]


def test_append_only_and_indexed(conn):
    record_sent(conn, Actor("tester", "x"), "jo@rutland.example", ROWS, DAY)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM notifications_sent")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE notifications_sent SET sent_on = '2000-01-01'")
    plan = " ".join(
        r[3]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT recipient FROM notifications_sent WHERE sent_on = ?",
            ("2017-04-18",),
        )
    )
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
