"""For the person who runs sendctl: versions told apart, a migration announced and preceded by
a backup, doctor's verdict and history, restore that checks before it replaces."""

import os
import sqlite3
import tomllib
from pathlib import Path

import sendctl
from sendctl.storage import migrations
from sendctl.storage.migrations import MIGRATIONS, schema_version

ROOT = Path(__file__).resolve().parents[1]


def test_version_carries_the_schema_version(run):
    major, minor, _release = sendctl.__version__.split(".")
    assert int(minor) == schema_version(), (
        f"a new migration makes schema version {schema_version()}: set __version__ in "
        f"sendctl/__init__.py to 0.{schema_version()}.0"
    )
    out = run("--version").stdout
    assert (
        out.strip() == f"sendctl {sendctl.__version__} (database schema version {schema_version()})"
    )
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" in project["dynamic"]  # one place: sendctl.__version__


def _old_database(path: Path, monkeypatch, k: int) -> None:
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", MIGRATIONS[:k])
        migrations.migrate(conn)
    conn.close()


def test_migration_is_announced_after_a_backup_beside_the_database(run, tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    k = len(MIGRATIONS) - 1
    _old_database(path, monkeypatch, k)
    r = run("--db", path, "cases", "list", "--format", "json")
    copies = list(tmp_path.glob(f"old.db.schema{k}-*.bak"))
    assert len(copies) == 1 and oct(copies[0].stat().st_mode & 0o777) == "0o600"
    assert (
        f"Upgrading {path} from schema version {k} to {schema_version()}; "
        f"a copy as it was: {copies[0]}"
    ) in r.stderr
    kept = sqlite3.connect(copies[0])
    assert kept.execute("PRAGMA user_version").fetchone()[0] == k
    kept.close()
    again = run("--db", path, "cases", "list", "--format", "json")
    assert "Upgrading" not in again.stderr and len(list(tmp_path.glob("old.db.schema*"))) == 1
    assert "automatic, before a migration" in run("--db", path, "doctor").stdout


def test_new_database_is_not_announced(run, tmp_path):
    r = run("--db", tmp_path / "new.db", "init")
    assert "Upgrading" not in r.stderr and not list(tmp_path.glob("*.bak"))


def test_doctor_ends_with_a_verdict_and_shows_backup_and_notify(run, tmp_path):
    run("init")
    out = run("doctor").stdout
    assert out.splitlines()[-1] == "verdict: healthy"
    assert "last notify run" in out and "never" in out
    run("backup", tmp_path / "b.db")
    out = run("doctor").stdout
    last = next(line for line in out.splitlines() if line.startswith("last backup"))
    assert str(tmp_path / "b.db") in last
    j = run.json("doctor")
    assert j["verdict"] == "healthy" and j["problems"] == []
    os.chmod(os.environ["SENDCTL_DB"], 0o644)
    r = run("doctor", expect=3)
    assert r.stdout.splitlines()[-1] == "verdict: NOT healthy: 1 problem (see the warnings)"


def test_restore_checks_keeps_the_old_file_and_replaces(run, tmp_path):
    live = Path(os.environ["SENDCTL_DB"])
    run("init")
    run("funds", "add", "old", "--name", "Before", "--kind", "revenue", "--allocation", "100")
    run("backup", tmp_path / "b.db")
    run("funds", "add", "new", "--name", "After", "--kind", "revenue", "--allocation", "100")
    r = run("restore", tmp_path / "b.db", expect=1)  # no terminal: --force needed
    assert "--force" in r.stderr
    r = run("restore", tmp_path / "b.db", "--force")
    aside = list(tmp_path.glob("test.db.before-restore-*"))
    assert len(aside) == 1 and str(aside[0]) in r.stderr
    codes = {f["code"] for f in run.json("funds", "list")}
    assert "old" in codes and "new" not in codes
    was = sqlite3.connect(aside[0])
    assert was.execute("SELECT count(*) FROM funds WHERE code = 'new'").fetchone()[0] == 1
    was.close()
    assert oct(live.stat().st_mode & 0o777) == "0o600"
    assert run.json("audit", "--limit", "1")[0]["action"] == "restore"


def test_restore_refuses_a_bad_file_and_changes_nothing(run, tmp_path):
    live = Path(os.environ["SENDCTL_DB"])
    run("init")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    half = tmp_path / "half.db"
    run("backup", tmp_path / "whole.db")
    half.write_bytes((tmp_path / "whole.db").read_bytes()[:8192])
    before = live.read_bytes()
    for bad, why in (
        (junk, "not a SQLite database"),
        (other, "not a sendctl database"),
        (half, "damaged"),
        (tmp_path / "missing.db", "no such file"),
    ):
        r = run("restore", bad, "--force", expect=1)
        assert why in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert live.read_bytes() == before
    assert not list(tmp_path.glob("*.before-restore-*"))
