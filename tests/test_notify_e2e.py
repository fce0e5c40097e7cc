"""End to end: cases from SQL, clocks made by the real `transfers start` / `assessments request`
commands, `deadlines notify` to a real SMTP server (aiosmtpd on 127.0.0.1)."""

import sqlite3
from pathlib import Path

import pytest
from notify_support import SmtpServer, Store
from test_notify_cli import BOSS, JO, SAM, SECRETS, load_cases, sent_table

AS_OF = "2017-04-18"


@pytest.fixture
def clocks(run, db_path):
    load_cases(db_path)
    run("transfers", "start", "T001", "--date", "2016-12-20")
    run("transfers", "start", "T002", "--date", "2016-12-01")
    run("assessments", "request", "T003", "--received", "2016-12-01")
    run("transfers", "start", "T004", "--date", "2016-12-25")
    run("transfers", "start", "T005", "--date", "2016-12-22")


@pytest.fixture
def server(monkeypatch):
    with SmtpServer(Store()) as s:
        s.env(monkeypatch)
        yield s


def usable(email):
    return email if email and "\n" not in email and "\r" not in email else None


def expected(run, as_of=AS_OF):
    """(recipient, case_ref, clock, due_on) of every warning `deadlines` lists."""
    rows = run.json("deadlines", "--as-of", as_of)
    assert rows, "the fixture should give deadlines"
    return {
        ((usable(r["caseworker_email"]) or BOSS).lower(), r["case_ref"], r["clock"], r["due_on"])
        for r in rows
        if r["status"] in ("due", "overdue")
    }


def recorded(db_path, day=AS_OF):
    return {(a, b, c, d) for a, b, c, d, e in sent_table(db_path) if e == day}


def test_every_deadline_reaches_its_caseworker_once(run, clocks, server, db_path):
    want = expected(run)
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    assert recorded(db_path) == want
    recipients = sorted(m[1][0] for m in server.messages)
    assert recipients == sorted({w[0] for w in want}) == [BOSS, JO, SAM]
    assert r.stderr.splitlines()[-1] == (
        f"sent 3 message(s) covering {len(want)} deadline(s); 0 failed"
    )
    for _f, rcpts, msg, raw in server.messages:
        mine = [w for w in want if w[0] == rcpts[0]]
        body = msg.get_content()
        table = [x for x in body.splitlines()[4:] if x.startswith("T")]
        assert len(table) == len(mine)
        assert sorted(x.split()[0] for x in table) == sorted(w[1] for w in mine)
        n_over = sum(1 for x in table if "overdue" in x)
        assert msg["Subject"] == f"[sendctl] {len(mine) - n_over} deadlines due, {n_over} overdue"
        text = raw.decode("utf-8", "replace")
        for secret in SECRETS:
            assert secret not in text
        assert b"evil" not in raw.split(b"\r\n\r\n", 1)[0]
    assert {x for m in server.messages for x in m[1]} == {BOSS, JO, SAM}


def test_rerun_sends_nothing_then_a_new_clock_is_sent(run, clocks, server, db_path):
    run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    first = len(server.messages)
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    assert len(server.messages) == first
    assert "sent 0 message(s) covering 0 deadline(s); 0 failed" in r.stderr
    # a new assessment for Finn (Jo's): its 6-week decision falls due on 20 April
    run("assessments", "request", "T006", "--received", "2017-03-09")
    before = recorded(db_path)
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    new = recorded(db_path) - before
    assert new and {w[1] for w in new} == {"T006"} and {w[0] for w in new} == {JO}
    assert [m[1] for m in server.messages[first:]] == [[JO]]
    body = server.messages[-1][2].get_content()
    assert "T006" in body and "T001" not in body  # only what is new today


def test_refused_recipient_retried_next_run_with_real_clocks(run, clocks, monkeypatch, db_path):
    want = expected(run)
    with SmtpServer(Store(refuse=[JO])) as s:
        s.env(monkeypatch)
        r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, expect=1)
        assert f"Error: {JO}: not sent via 127.0.0.1:{s.port}: recipient refused (550" in r.stderr
    assert recorded(db_path) == {w for w in want if w[0] != JO}
    with SmtpServer(Store()) as s:
        s.env(monkeypatch)
        run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
        assert [m[1] for m in s.messages] == [[JO]]
    assert recorded(db_path) == want


def test_dry_run_with_real_clocks_writes_nothing(run, clocks, server, db_path):
    before = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, "--dry-run")
    assert r.stdout.count("Subject: [sendctl] ") == 3
    assert server.messages == [] and sent_table(db_path) == []
    after = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    assert after == before


def test_help_lists_the_options(run):
    out = run("deadlines", "notify", "--help").stdout
    for opt in ("--within", "--as-of", "--dry-run", "--to", "--caseworker", "Example:"):
        assert opt in out
    assert Path(__file__).parent.joinpath("fixtures", "notify_cases.sql").exists()
