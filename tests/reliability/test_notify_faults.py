"""`deadlines notify` under SIGKILL and run twice at once against a slow SMTP server
(aiosmtpd on 127.0.0.1): no warning recorded that the server did not accept, the rerun
sends the rest, and two runs never send the same warning twice."""

import asyncio
import signal
import sqlite3
import time

import pytest
from notify_support import SmtpServer, Store

from reliability.conftest import N_WORKERS
from reliability.support import AS_OF, cli, fingerprint, start

BOSS = "boss@rutland.example"
DELAY = 0.25  # seconds the server takes to accept each message
NOTIFY = ("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)


class SlowStore(Store):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(DELAY)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_server(monkeypatch):
    with SmtpServer(SlowStore()) as s:
        s.env(monkeypatch)
        yield s


def recorded(db):
    conn = sqlite3.connect(db)
    try:
        return {
            tuple(r)
            for r in conn.execute(
                "SELECT recipient, case_ref, clock, due_on FROM notifications_sent"
            )
        }
    finally:
        conn.close()


def recipients(server) -> list[str]:
    return sorted(m[1][0] for m in server.messages)


def test_killed_notify_records_only_what_was_accepted_and_rerun_completes(
    clocks_db, copy_db, slow_server
):
    ref = copy_db(clocks_db, "reference.db")
    t0 = time.monotonic()
    cli(ref, *NOTIFY)
    took = time.monotonic() - t0
    want = recorded(ref)
    assert len(recipients(slow_server)) == N_WORKERS
    by_rcpt = {}
    for w in want:
        by_rcpt.setdefault(w[0], set()).add(w)
    before = fingerprint(clocks_db)
    resent = 0
    kills = 0
    for frac in (0.15, 0.4, 0.65, 0.9):
        live = copy_db(clocks_db)
        slow_server.messages.clear()
        p = start(live, *NOTIFY)
        time.sleep(took * frac)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
        time.sleep(DELAY + 0.1)  # let the server finish a message in flight
        got = recorded(live)
        delivered = set(recipients(slow_server))
        # whole messages only, and only those the server accepted
        for rcpt in {g[0] for g in got}:
            assert rcpt in delivered
            assert {g for g in got if g[0] == rcpt} == by_rcpt[rcpt]
        after = fingerprint(live)
        for table, v in before.items():
            if table not in ("notifications_sent", "audit_log"):
                assert after[table] == v, table
        assert after["audit_log"][0] - before["audit_log"][0] == len(got)
        assert cli(live, "doctor").returncode == 0
        # the rerun sends exactly what was not recorded, and then everything is recorded
        slow_server.messages.clear()
        cli(live, *NOTIFY)
        again = set(recipients(slow_server))
        assert again == set(by_rcpt) - {g[0] for g in got}
        assert recorded(live) == want
        resent += len(again & delivered)  # accepted, but killed before its record committed
    assert kills >= 3
    print(f"notify: {kills} kills; {resent} message(s) accepted but unrecorded, so re-sent")


def test_two_notify_runs_at_once_send_each_warning_once(clocks_db, copy_db, slow_server):
    live = copy_db(clocks_db)
    procs = [start(live, *NOTIFY) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    codes = [p.returncode for p in procs]
    for _out, err in outs:
        assert "Traceback" not in err
    assert codes == [0, 0], outs
    assert recipients(slow_server) == sorted(set(recipients(slow_server)))  # no duplicates
    assert len(recipients(slow_server)) == N_WORKERS
    conn = sqlite3.connect(live)
    n = conn.execute("SELECT count(*) FROM notifications_sent").fetchone()[0]
    conn.close()
    assert n == len(recorded(live))


def test_notify_waiting_on_a_running_notify_gives_up_with_exit_4(clocks_db, copy_db, slow_server):
    from sendctl.storage.notify import exclusive_run

    live = copy_db(clocks_db)
    with exclusive_run(live):
        t0 = time.monotonic()
        r = cli(live, *NOTIFY, expect=4, SENDCTL_BUSY_TIMEOUT_MS=300)
        assert time.monotonic() - t0 < 5
    assert "another 'deadlines notify' is still sending" in r.stderr
    assert "Traceback" not in r.stderr
    assert slow_server.messages == [] and recorded(live) == set()
    cli(live, *NOTIFY)  # the lock is gone with its holder
    assert len(slow_server.messages) == N_WORKERS
