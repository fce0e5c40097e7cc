"""Tampering, file permissions and personal data in messages (issue 9)."""

import os
import signal
import sqlite3
import stat
import time

import pytest

from reliability.support import AS_OF, assert_no_traceback, cli, seeded_db, start, write_cases


@pytest.fixture
def full(run, db_path):
    """One row in every append-only table."""
    run("init")
    f = write_cases(db_path.with_name("c.csv"), 9)
    run("cases", "import", f, "--as-of", AS_OF)
    run("transfers", "start", "REL-000003", "--date", "2016-12-20")
    run(
        "panel",
        "record",
        "REL-000003",
        "--date",
        "2017-01-05",
        "--request",
        "top-up",
        "--outcome",
        "agreed",
        "--annual-cost",
        "1000",
    )
    run("spend", "post", "reserve", "100", "--date", "2017-05-02", "--description", "x")
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO notifications_sent (recipient, case_ref, clock, due_on, sent_on, "
        "sent_utc) VALUES ('a@x.example', 'REL-000003', 'transfer', '2017-04-25', "
        "'2017-04-18', '2017-04-18T07:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    return db_path


APPEND_ONLY = [
    "ledger_entries",
    "panel_decisions",
    "audit_log",
    "notifications_sent",
    "clock_events",
]


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_database_refuses_update_and_delete_of_append_only_rows(full, table):
    """By any SQLite client (the triggers live in the file). INSERT OR REPLACE deletes the row
    it replaces, which fires the triggers only with recursive_triggers on: sendctl's own
    connections set it; another client can, like it can DROP a trigger: the triggers stop
    mistakes, the backups and the audit trail are the answer to someone editing the file."""
    from sendctl.storage.db import connect

    raw = sqlite3.connect(full, isolation_level=None)
    ours = connect(full)
    try:
        n = raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert n >= 1
        col = raw.execute(f"SELECT * FROM {table}").description[1][0]
        for conn in (raw, ours):
            for sql in (
                f"UPDATE {table} SET {col} = {col}",
                f"DELETE FROM {table}",
                f"DELETE FROM {table} WHERE id = (SELECT max(id) FROM {table})",
            ):
                with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                    conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            ours.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} LIMIT 1")
        assert raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n
    finally:
        raw.close()
        ours.close()


@pytest.mark.parametrize("keep", [0.5, 4096, 100, 10])
def test_doctor_detects_a_truncated_copy_and_says_restore(run, full, tmp_path, keep):
    good = tmp_path / "good.db"
    run("backup", good)
    data = good.read_bytes()
    bad = tmp_path / "truncated.db"
    bad.write_bytes(data[: int(len(data) * keep) if keep < 1 else keep])
    os.chmod(bad, 0o600)
    r = run("--db", bad, "doctor", expect=3)
    assert "restore" in r.stderr and "backup" in r.stderr, r.stderr
    assert_no_traceback(r.stderr)
    r = run("--db", bad, "cases", "list", expect=1)
    assert r.stderr.startswith("Error: ")
    assert_no_traceback(r.stderr)
    run("--db", good, "doctor")


def _mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_files_are_0600_even_with_a_permissive_umask(tmp_path):
    db = tmp_path / "perm.db"
    cli(db, "init", umask=0o022)
    assert _mode(db) == 0o600
    cli(
        db,
        "funds",
        "add",
        "big",
        "--name",
        "T",
        "--kind",
        "revenue",
        "--allocation",
        "£1,000,000",
        umask=0o022,
    )
    # -wal and -shm exist while a writer works: catch them with SIGKILL mid-import
    big = write_cases(tmp_path / "big.csv", 20_000)
    p = start(db, "cases", "import", big, "--as-of", AS_OF)
    for _ in range(200):
        if os.path.exists(f"{db}-shm") and os.path.exists(f"{db}-wal"):
            break
        time.sleep(0.01)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert _mode(f"{db}-wal") == 0o600 and _mode(f"{db}-shm") == 0o600
    outputs = {
        "backup": ("backup", tmp_path / "b.db"),
        "cases csv": ("cases", "list", "--format", "csv", "--output", tmp_path / "c.csv"),
        "spend export": ("spend", "export", "--output", tmp_path / "s.csv"),
        "audit json": ("audit", "--format", "json", "--output", tmp_path / "a.json"),
        "deadlines csv": ("deadlines", "--format", "csv", "--output", tmp_path / "d.csv"),
    }
    for what, args in outputs.items():
        cli(db, *args, umask=0o022)
        assert _mode(args[-1]) == 0o600, what
    # an existing file is not ours to re-mode (it may be shared on purpose): it keeps its mode
    # and the run warns that others can read it
    (tmp_path / "old.csv").write_text("x")
    os.chmod(tmp_path / "old.csv", 0o644)
    r = cli(db, "cases", "list", "--format", "csv", "--output", tmp_path / "old.csv", umask=0o022)
    assert _mode(tmp_path / "old.csv") == 0o644 and "readable by others" in r.stderr
    cli(db, "doctor")


def test_doctor_warns_when_others_can_read_the_database(run, full):
    run("doctor")
    os.chmod(full, 0o644)
    r = run("doctor", expect=3)
    assert "readable by others" in r.stderr and "chmod 600" in r.stderr


SECRET_SURNAME, SECRET_FORENAME = "Zebedeesecret", "Ottilinesecret"
SECRET_UPN, SECRET_DOB = "B857200017001", "31/02/2010"


def test_errors_name_line_and_field_never_the_childs_personal_data(run, full, db_path):
    long_name = SECRET_SURNAME * 20  # over the 200-character limit
    rows = [
        f"P-1,{SECRET_UPN},{SECRET_FORENAME},{SECRET_SURNAME},2010-01-01,S,T,N,ASD,ehcp,,W,w@x.example",
        f"P-2,,{SECRET_FORENAME},{SECRET_SURNAME},{SECRET_DOB},S,T,N,ASD,ehcp,,W,w@x.example",
        f"P-3,,{SECRET_FORENAME},{long_name},2010-01-01,S,T,N,ASD,ehcp,,W,w@x.example",
        f"P-4,,{long_name},{SECRET_SURNAME},2010-01-01,S,T,N,ASD,ehcp,,W,w@x.example",
        f"P-5,,{SECRET_FORENAME},{SECRET_SURNAME},2030-01-01,S,T,N,ASD,ehcp,,W,w@x.example",
        f"P-6,,{SECRET_FORENAME},{SECRET_SURNAME},1960-01-01,S,T,N,ASD,ehcp,,W,w@x.example",
        f"P-7,,{SECRET_FORENAME},{SECRET_SURNAME},2010-01-01,S,T,N,XYZ,ehcp,,W,w@x.example",
    ]
    f = db_path.with_name("pii.csv")
    f.write_text(
        "case_ref,upn,forename,surname,date_of_birth,setting,setting_type,out_of_county,"
        "primary_need,plan_type,plan_issued_on,caseworker,caseworker_email\n"
        + "\n".join(rows)
        + "\n"
    )
    r = run("cases", "import", f, "--as-of", AS_OF, expect=1)
    err = r.stderr
    for line, field in [
        (2, "upn"),
        (3, "date_of_birth"),
        (4, "surname"),
        (5, "forename"),
        (6, "date_of_birth"),
        (7, "date_of_birth"),
        (8, "primary_need"),
    ]:
        assert f"pii.csv:{line}: {field}:" in err, (line, field, err)
    assert "(got 'XYZ')" in err  # a code, not personal data: still echoed
    for secret in (
        SECRET_SURNAME,
        SECRET_FORENAME,
        SECRET_UPN,
        SECRET_DOB,
        "2030-01-01",
        "1960-01-01",
    ):
        assert secret not in err, secret
    # single edits follow the same rule
    for opts in (
        ["--upn", SECRET_UPN],
        ["--dob", SECRET_DOB],
        ["--surname", long_name],
        ["--forename", long_name],
    ):
        r = run("cases", "update", "REL-000001", *opts, "--as-of", AS_OF, expect=1)
        assert "REL-000001" in r.stderr or opts[0] in r.stderr
        for secret in (SECRET_SURNAME, SECRET_UPN, SECRET_DOB):
            assert secret not in r.stderr, (opts, r.stderr)
    r = run(
        "cases",
        "add",
        "P-9",
        "--forename",
        SECRET_FORENAME,
        "--surname",
        SECRET_SURNAME,
        "--dob",
        SECRET_DOB,
        "--upn",
        SECRET_UPN,
        "--plan",
        "ehcp",
        "--as-of",
        AS_OF,
        expect=1,
    )
    for secret in (SECRET_SURNAME, SECRET_FORENAME, SECRET_UPN, SECRET_DOB):
        assert secret not in r.stderr, r.stderr
    # a case that does not exist: the reference only
    r = run(
        "panel",
        "record",
        "NOPE-1",
        "--date",
        "2017-01-05",
        "--request",
        "top-up",
        "--outcome",
        "agreed",
        expect=1,
    )
    assert "NOPE-1" in r.stderr


def test_seeded_helper_databases_are_private(tmp_path):
    db = seeded_db(tmp_path / "s.db", 3)
    assert _mode(db) == 0o600
