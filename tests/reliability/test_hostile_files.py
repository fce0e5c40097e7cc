"""Hostile files on every import: a clear one-line error naming the file, exit 1, no
traceback, and not one byte of the database changed (issue 9)."""

import pytest

from reliability.hostile import HEADERS, hostile_files
from reliability.support import AS_OF, assert_no_traceback, fingerprint

KINDS = ("cases", "panel", "spend")
CASES = [(k, name) for k in KINDS for name in hostile_files(k)]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    out = {}
    for kind in KINDS:
        for name, data in hostile_files(kind).items():
            f = d / f"{kind}-{name}.csv"
            f.write_bytes(data)
            out[kind, name] = f
    return out


@pytest.fixture
def seeded(run, db_path):
    run("init")
    run("funds", "add", "big", "--name", "Test", "--kind", "revenue", "--allocation", "£1,000,000")
    f = db_path.with_name("seed.csv")
    f.write_text(
        HEADERS["cases"]
        + "".join(
            f"REL-{i:06d},,Ann,Example,2010-01-01,S,T,N,ASD,ehcp,2015-01-01,W,w@x.example\n"
            for i in range(1, 6)
        )
    )
    run("cases", "import", f, "--as-of", AS_OF)
    return db_path


def import_args(kind, f, dry_run=False):
    args = [kind, "import", f] + (["--as-of", AS_OF] if kind == "cases" else [])
    return args + (["--dry-run"] if dry_run else [])


@pytest.mark.parametrize("kind,name", CASES, ids=[f"{k}-{n}" for k, n in CASES])
def test_hostile_file_is_refused_and_nothing_written(run, seeded, files, kind, name):
    before = fingerprint(seeded)
    for dry_run in (False, True):
        r = run(*import_args(kind, files[kind, name], dry_run), expect=1)
        assert_no_traceback(r.stderr)
        first = r.stderr.splitlines()[0]
        assert first.startswith("Error: ") and f"{kind}-{name}.csv" in first, r.stderr
        assert len(first) < 300  # one clear line, not the file echoed back
    assert fingerprint(seeded) == before
