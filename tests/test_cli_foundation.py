import os
import sqlite3
import stat

import pytest

from sendctl.storage import migrations
from sendctl.storage.db import connect


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_version(run):
    assert run("--version").stdout.startswith("sendctl ")


def test_init_creates_owner_only_database(run, db_path):
    run("init")
    assert db_path.exists()
    assert mode(db_path) == 0o600
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # the -wal/-shm files of an open connection inherit the mode
    conn.execute("CREATE TABLE IF NOT EXISTS t(x)")
    for side in ("-wal", "-shm"):
        p = str(db_path) + side
        if os.path.exists(p):
            assert mode(p) == 0o600
    conn.close()


def test_init_twice_is_harmless(run):
    assert run("init").stderr.startswith("Created ")
    assert run("init").stderr.startswith("Up to date: ")


def test_init_on_an_empty_file_creates_the_database(run, db_path):
    db_path.touch()  # an empty file is not an older database to migrate
    assert run("init").stderr.startswith("Created ")
    assert run.json("funds", "list")


def test_db_option_and_env(run, tmp_path):
    other = tmp_path / "other.db"
    run("--db", other, "init")
    assert other.exists()


def test_missing_folder_is_bad_input(run, tmp_path):
    r = run("--db", tmp_path / "nope" / "x.db", "init", expect=1)
    assert "does not exist" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "nope").exists()


def test_not_a_database_is_left_alone(run, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello, this is not sqlite\n" * 10)
    before = f.read_bytes()
    r = run("--db", f, "init", expect=1)
    assert "not a SQLite database" in r.stderr
    assert f.read_bytes() == before


def test_foreign_sqlite_database_is_refused(run, tmp_path):
    f = tmp_path / "other.sqlite"
    c = sqlite3.connect(f)
    c.execute("CREATE TABLE something(x)")
    c.commit()
    c.close()
    r = run("--db", f, "init", expect=1)
    assert "not a sendctl database" in r.stderr


def test_reading_a_missing_database_says_what_to_do(run, tmp_path):
    r = run("--db", tmp_path / "none.db", "doctor", expect=3)
    assert "no database" in r.stderr


def test_clocks_refresh_never_makes_a_new_database(run, tmp_path):
    r = run("--db", tmp_path / "typo.db", "clocks", "refresh", expect=1)
    assert "no database here yet" in r.stderr and not (tmp_path / "typo.db").exists()
    run("init")
    assert "recomputed" in run("clocks", "refresh", "--all").stderr


def test_doctor_healthy(run):
    run("init")
    rep = run.json("doctor")
    assert rep["integrity"] == "ok"
    assert rep["schema_version"] == migrations.schema_version()
    assert rep["file_mode"] == "0o600"


def test_doctor_warns_when_readable_by_others(run, db_path):
    run("init")
    os.chmod(db_path, 0o644)
    r = run("doctor", expect=3)
    assert "readable by others" in r.stderr


def test_doctor_detects_a_damaged_file(run, db_path, tmp_path):
    run("init")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    damaged = tmp_path / "damaged.db"
    data = db_path.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    os.chmod(damaged, 0o600)
    r = run("--db", damaged, "doctor", expect=3)
    assert "restore" in r.stderr


def test_backup_is_consistent_and_owner_only(run, tmp_path):
    run("init")
    dest = tmp_path / "backup.db"
    run("backup", dest)
    assert mode(dest) == 0o600
    c = sqlite3.connect(dest)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert c.execute("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
    c.close()
    r = run("backup", dest, expect=1)
    assert "already exists" in r.stderr
    run("backup", dest, "--force")
    r = run("backup", tmp_path / "missing" / "b.db", expect=1)
    assert "does not exist" in r.stderr


def test_migration_upgrades_an_older_database(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    # Build a database as the first schema version left it, with data in it.
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    conn = connect(path, create=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.execute(
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, action)"
        " VALUES ('2017-04-18T09:00:00+00:00', 'old', 'init', 'db', '-', 'create')"
    )
    conn.close()
    monkeypatch.undo()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
    assert conn.execute("SELECT officer FROM audit_log").fetchone()[0] == "old"
    names = {r[0] for r in conn.execute("SELECT name FROM sendctl_migrations")}
    assert names == {fn.__name__ for fn in migrations.MIGRATIONS}
    conn.close()


def test_newer_schema_is_refused(run, db_path):
    run("init")
    c = sqlite3.connect(db_path)
    c.execute("PRAGMA user_version = 999")
    c.close()
    r = run("init", expect=1)
    assert "newer sendctl" in r.stderr


def test_audit_log_is_append_only(run, db_path):
    run("init")
    c = sqlite3.connect(db_path)
    c.execute(
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, action)"
        " VALUES ('t', 'o', 'c', 'e', 'k', 'a')"
    )
    c.commit()
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        c.execute("UPDATE audit_log SET officer = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        c.execute("DELETE FROM audit_log")
    c.close()


def test_unexpected_error_shows_traceback_and_bug_line(run, monkeypatch):
    from sendctl.storage import health

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(health, "check", boom)
    r = run("doctor", expect=70)
    assert "Traceback" in r.stderr
    assert "this is a bug" in r.stderr


def test_expected_error_shows_no_traceback(run, tmp_path):
    r = run("--db", tmp_path / "a" / "b.db", "init", expect=1)
    assert r.stderr.startswith("Error: ")
    assert "Traceback" not in r.stderr
    assert r.stdout == ""


def test_usage_error_exit_2(run):
    run("no-such-command", expect=2)


def test_busy_database_exits_4(run, db_path, monkeypatch):
    run("init")
    monkeypatch.setattr("sendctl.storage.db.BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        from sendctl.domain.errors import SendctlError
        from sendctl.storage.db import connect as c2
        from sendctl.storage.db import transaction

        conn = c2(db_path)
        conn.execute("PRAGMA busy_timeout = 100")
        with pytest.raises(SendctlError) as e:
            with transaction(conn):
                pass
        assert e.value.exit_code == 4
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_init_on_a_name_with_hash_or_question_mark(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a#1.db", "b?x.db"):
        assert run("--db", tmp_path / name, "init").stderr.startswith("Created ")
        assert run("--db", tmp_path / name, "init").stderr.startswith("Up to date: ")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "a#1.db",
        "b?x.db",
    ]
