"""Fixtures of the reliability suite: a database with clocks for `deadlines notify`."""

import shutil

import pytest

from reliability.support import AS_OF, seeded_db

N_WORKERS = 8  # caseworkers, so a notify run sends 8 messages


@pytest.fixture
def clocks_db(tmp_path, run):
    """A pristine file: 144 cases over 8 caseworkers, 48 statements with a transfer running
    (half due within 14 days of AS_OF, half overdue). Returns its path (copy it to use it)."""
    db = seeded_db(tmp_path / "clocks.db", 144, caseworkers=N_WORKERS)
    for i in range(3, 145, 3):
        start = "2016-12-20" if i % 2 else "2016-12-01"
        run("--db", db, "transfers", "start", f"REL-{i:06d}", "--date", start)
    rows = run.json("--db", db, "deadlines", "--as-of", AS_OF)
    assert len({r["caseworker"] for r in rows if r["status"] in ("due", "overdue")}) == N_WORKERS
    return db


@pytest.fixture
def copy_db(tmp_path):
    def copy(src, name="live.db"):
        dest = tmp_path / name
        for side in ("", "-wal", "-shm"):
            (tmp_path / (name + side)).unlink(missing_ok=True)
        shutil.copy(src, dest)
        return dest

    return copy
