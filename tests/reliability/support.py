"""Shared helpers of the reliability suite: subprocess CLI calls, database fingerprints, data.

Subprocesses run `sys.executable -m sendctl` (CI's venv) with the test's environment (the
autouse fixture of tests/conftest.py has already pointed SENDCTL_DB at the test's own file).
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

PY = sys.executable
AS_OF = "2017-04-18"


def env(**extra) -> dict:
    e = dict(os.environ)
    e.update({k: str(v) for k, v in extra.items()})
    return e


def cli(
    db: Path, *args, expect: int | None = 0, timeout: float = 60, umask: int | None = None, **envx
) -> subprocess.CompletedProcess:
    """Run `python -m sendctl --db DB ARGS` to completion; check the exit code."""
    pre = None
    if umask is not None:

        def pre():
            os.umask(umask)

    r = subprocess.run(
        [PY, "-m", "sendctl", "--db", str(db), *map(str, args)],
        env=env(**envx),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=pre,
    )
    if expect is not None and r.returncode != expect:
        raise AssertionError(
            f"sendctl {' '.join(map(str, args))} exited {r.returncode}, expected {expect}\n"
            f"stdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}"
        )
    return r


def start(db: Path, *args, **envx) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "-m", "sendctl", "--db", str(db), *map(str, args)],
        env=env(**envx),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    """{table: (row count, sha256 of every row in rowid order)} plus the schema itself.

    Opening the file runs SQLite's recovery, exactly as the next sendctl would.
    """
    conn = sqlite3.connect(db)
    try:
        out = {}
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        out["<schema>"] = (len(schema), hashlib.sha256(repr(schema).encode()).hexdigest())
        out["<user_version>"] = (conn.execute("PRAGMA user_version").fetchone()[0], "")
        for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        ).fetchall():
            h = hashlib.sha256()
            n = 0
            for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid'):
                h.update(repr(row).encode())
                n += 1
            out[t] = (n, h.hexdigest())
        return out
    finally:
        conn.close()


def counts(fp: dict) -> dict[str, int]:
    return {t: v[0] for t, v in fp.items() if not t.startswith("<")}


def assert_no_traceback(text: str) -> None:
    assert "Traceback" not in text, text[-2000:]
    assert "this is a bug" not in text, text[-2000:]


# --- generated files ------------------------------------------------------------------------

CASE_HEADER = (
    "case_ref,upn,forename,surname,date_of_birth,setting,setting_type,out_of_county,"
    "primary_need,plan_type,plan_issued_on,caseworker,caseworker_email\n"
)
NEEDS = ("ASD", "SEMH", "SLCN", "MLD", "SPLD")


def case_rows(n: int, prefix: str = "REL", start_at: int = 1, caseworkers: int = 4):
    base = date(2001, 1, 1)
    for i in range(start_at, start_at + n):
        dob = base + timedelta(days=i % 3650)
        plan = ("statement", "ehcp", "sen_support")[i % 3]
        cw = i % caseworkers
        yield (
            f"{prefix}-{i:06d},,Child{i % 97},Surname{i % 89},{dob.isoformat()},"
            f"Setting {i % 40},Mainstream academy,N,{NEEDS[i % 5]},{plan},"
            f"{'2012-06-01' if plan != 'sen_support' else ''},Worker {cw},"
            f"worker{cw}@rutland.example\n"
        )


def write_cases(path: Path, n: int, **kw) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        f.write(CASE_HEADER)
        f.writelines(case_rows(n, **kw))
    return path


SPEND_HEADER = "fund,date,amount,kind,description,supplier,invoice_ref\n"


def write_spend(path: Path, n: int, fund: str = "big", tag: str = "R") -> Path:
    d0 = date(2017, 4, 3)
    with open(path, "w", encoding="utf-8") as f:
        f.write(SPEND_HEADER)
        for i in range(n):
            d = d0 + timedelta(days=i % 360)
            f.write(
                f"{fund},{d.isoformat()},{1 + i % 50}.{i % 100:02d},actual,"
                f"Row {tag}{i} description,Supplier {i % 30} Ltd,INV-{tag}{i}\n"
            )
    return path


PANEL_HEADER = "case_ref,meeting_on,request,outcome,annual_cost,provider,out_of_county\n"
REQUESTS = ("assessment", "top-up", "transport", "placement")
OUTCOMES = ("agreed", "declined", "deferred")


def write_panel(path: Path, n: int, n_cases: int, prefix: str = "REL") -> Path:
    d0 = date(2017, 1, 5)
    with open(path, "w", encoding="utf-8") as f:
        f.write(PANEL_HEADER)
        for i in range(n):
            ref = f"{prefix}-{1 + i % n_cases:06d}"
            meeting = d0 + timedelta(days=14 * (i % 20))
            outcome = OUTCOMES[i % 3]
            cost = "" if outcome == "declined" else f"{1000 + i}.00"  # a refusal carries no cost
            f.write(
                f"{ref},{meeting.isoformat()},{REQUESTS[i % 4]},{outcome},"
                f"{cost},Provider {i % 7},N\n"
            )
    return path


def seeded_db(db: Path, n_cases: int = 200, caseworkers: int = 4) -> Path:
    """A database with the funds, a big test fund, and n_cases cases (through the CLI)."""
    cli(db, "init")
    cli(
        db,
        "funds",
        "add",
        "big",
        "--name",
        "Reliability test fund",
        "--kind",
        "revenue",
        "--allocation",
        "£50,000,000",
    )
    if n_cases:
        src = write_cases(db.with_name("seed-cases.csv"), n_cases, caseworkers=caseworkers)
        cli(db, "cases", "import", src, "--as-of", AS_OF)
    return db
