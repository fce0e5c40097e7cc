"""Several processes writing at once (cron and officers): every write lands, none fails with
"database is locked"; a writer behind a held lock gives up after the busy timeout with exit 4."""

import sqlite3
import subprocess
import sys
import time

from reliability.support import AS_OF, assert_no_traceback, cli, env, seeded_db

SPEND_WORKERS, POSTS_EACH = 4, 40
TRANSFER_WORKERS, CASES_EACH = 2, 16  # 3 events per case: start, draft-issued, final-issued

# A worker is one process that runs its commands back to back through the real entry point.
WORKER = r"""
import json, sys
from sendctl.cli import app
codes = []
for args in json.loads(sys.argv[1]):
    try:
        app(args, prog_name="sendctl")
    except SystemExit as e:
        codes.append(e.code or 0)
print(json.dumps(codes))
"""


def _spend_jobs(w):
    return [
        [
            "spend",
            "post",
            "big",
            f"{w + 1}.{i:02d}",
            "--date",
            "2017-05-02",
            "--description",
            f"worker {w} post {i}",
            "--invoice",
            f"W{w}-{i}",
        ]
        for i in range(POSTS_EACH)
    ]


def _transfer_jobs(w):
    jobs = []
    for k in range(CASES_EACH):
        ref = f"REL-{3 * (w * CASES_EACH + k + 1):06d}"  # statements: every third case
        jobs += [
            ["transfers", "start", ref, "--date", "2016-12-20"],
            ["transfers", "record", ref, "draft-issued", "--date", "2017-02-01"],
            ["transfers", "record", ref, "final-issued", "--date", "2017-03-01"],
        ]
    return jobs


def count(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_concurrent_writers_lose_nothing(tmp_path):
    import json

    db = seeded_db(tmp_path / "busy.db", 3 * TRANSFER_WORKERS * CASES_EACH)
    ledger0 = count(db, "SELECT count(*) FROM ledger_entries")
    events0 = count(db, "SELECT count(*) FROM clock_events")
    audit0 = count(db, "SELECT count(*) FROM audit_log")
    jobs = [_spend_jobs(w) for w in range(SPEND_WORKERS)]
    jobs += [_transfer_jobs(w) for w in range(TRANSFER_WORKERS)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps(j)],
            env=env(SENDCTL_DB=db, SENDCTL_OFFICER="worker"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for j in jobs
    ]
    results = [p.communicate(timeout=150) for p in procs]
    for (out, err), j in zip(results, jobs, strict=True):
        assert "locked" not in err and "busy" not in err, err[-1000:]
        assert_no_traceback(err)
        assert json.loads(out.splitlines()[-1]) == [0] * len(j), err[-2000:]
    posts = SPEND_WORKERS * POSTS_EACH
    events = TRANSFER_WORKERS * CASES_EACH * 3
    assert count(db, "SELECT count(*) FROM ledger_entries") == ledger0 + posts
    total = sum((w + 1) * 100 * POSTS_EACH + sum(range(POSTS_EACH)) for w in range(SPEND_WORKERS))
    assert count(db, "SELECT sum(amount_pence) FROM ledger_entries WHERE fund = 'big'") == total
    assert count(db, "SELECT count(*) FROM clock_events") == events0 + events
    assert count(db, "SELECT count(*) FROM transfers WHERE outcome = 'ehcp_issued'") == (
        TRANSFER_WORKERS * CASES_EACH
    )
    assert count(db, "SELECT count(*) FROM audit_log") >= audit0 + posts + events
    cli(db, "doctor")
    print(f"concurrency: {len(procs)} writer processes, {posts} postings + {events} events, 0 lost")


def test_writer_behind_a_held_lock_exits_4_after_the_busy_timeout(tmp_path):
    db = seeded_db(tmp_path / "held.db", 30)
    cases_csv = tmp_path / "more.csv"
    cases_csv.write_text(
        "case_ref,forename,surname,date_of_birth,plan_type\nNEW-1,Ann,Example,2010-01-01,ehcp\n"
    )
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        writes = [
            ("spend", "post", "big", "5", "--date", "2017-05-02", "--description", "held"),
            ("transfers", "start", "REL-000003", "--date", "2016-12-20"),
            ("cases", "import", cases_csv, "--as-of", AS_OF),
            (
                "panel",
                "record",
                "REL-000003",
                "--date",
                "2017-01-05",
                "--request",
                "top-up",
                "--outcome",
                "agreed",
            ),
        ]
        for args in writes:
            t0 = time.monotonic()
            r = cli(db, *args, expect=4, SENDCTL_BUSY_TIMEOUT_MS=300)
            took = time.monotonic() - t0
            assert 0.3 <= took < 5, (args, took)
            assert "database is busy" in r.stderr and "0.3 s" in r.stderr, r.stderr
            assert_no_traceback(r.stderr)
            assert len(r.stderr.strip().splitlines()) <= 2, r.stderr
        # readers are not blocked by a writer (WAL)
        cli(db, "cases", "list", "--format", "json", SENDCTL_BUSY_TIMEOUT_MS=300)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert count(db, "SELECT count(*) FROM ledger_entries WHERE description = 'held'") == 0
    cli(db, "spend", "post", "big", "5", "--date", "2017-05-02", "--description", "held")
