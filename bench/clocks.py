#!/usr/bin/env python3
"""The clock listings at scale: prints ONE markdown table (plus the machine).

    python bench/clocks.py              # 1,000,000 cases (generates bench/out/reports_1000000.db)
    python bench/clocks.py --cases 200000 --runs 3

The database comes from bench/generate.py (its inserts queue every case for the clock store).
A copy is made, then, timed ONCE and reported on its own row, `sendctl clocks refresh`
computes every case's clocks with the engine (what the first command after a bulk import or an
upgrade pays). Then, interleaved over `--runs` rounds (median wall time, peak RSS of the
command itself from /usr/bin/time -f %M), with `python -c "import typer"` as the floor:
`status`, `deadlines --caseworker NAME`, `deadlines` to its first 10 rows (the time a
`| head` sees them), `deadlines` in full, `deadlines notify --dry-run`.
"""

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import run as R  # noqa: E402

AS_OF = "2017-04-18"
CASEWORKER = "Caseworker 007"  # one of bench/generate.py's 300


def first_rows(cmd: list[str], n: int = 10) -> float:
    """Seconds until the command has written n lines to a pipe (then it is stopped)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=R.ENV)
    got = 0
    assert p.stdout is not None
    for _line in p.stdout:
        got += 1
        if got >= n:
            break
    wall = time.perf_counter() - t
    p.kill()
    p.wait()
    return wall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    n = args.cases
    source = generate.write_db(n)
    db = R.OUT / f"clocks_{n}.db"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    shutil.copy(source, db)
    base = [R.SENDCTL, "--db", str(db)]

    R.log(f"clocks refresh at {n:,} cases (once)")
    wall, rss, _ = R.run_once([*base, "clocks", "refresh"])
    R.add(
        "clocks",
        "`sendctl clocks refresh` (every case through the engine, once)",
        n,
        R.Result([wall], [rss]),
        None,
        "",
        None,
        note="what the first command after a bulk import or an upgrade pays",
    )
    conn = __import__("sqlite3").connect(db)
    stored = conn.execute("SELECT count(*) FROM case_clocks").fetchone()[0]
    conn.execute("ANALYZE")
    conn.close()

    cases = {
        "floor": ([R.PY, "-c", "import typer"], {}),
        "status": ([*base, "status", "--as-of", AS_OF], {"count_lines": True}),
        "caseworker": (
            [*base, "deadlines", "--as-of", AS_OF, "--caseworker", CASEWORKER, "--format", "csv"],
            {"count_lines": True},
        ),
        "deadlines": (
            [*base, "deadlines", "--as-of", AS_OF, "--format", "csv"],
            {"count_lines": True},
        ),
        "notify": (
            [*base, "deadlines", "notify", "--dry-run", "--as-of", AS_OF],
            {"count_lines": True},
        ),
    }
    R.log(f"listings at {n:,} cases ({stored:,} stored clocks) x {args.runs}")
    r = R.measure(cases, args.runs)
    heads = [
        first_rows([*base, "deadlines", "--as-of", AS_OF, "--format", "csv"])
        for _ in range(args.runs)
    ]
    floor = r["floor"]
    R.add("clocks", '`python -c "import typer"` (floor)', None, floor, floor, "floor", None)
    R.add(
        "clocks",
        "`sendctl status`",
        n,
        r["status"],
        floor,
        "< 1 s",
        r["status"].median < 1.0,
        note=f"{r['status'].lines:,} lines out",
    )
    R.add(
        "clocks",
        f"`sendctl deadlines --caseworker '{CASEWORKER}'`",
        n,
        r["caseworker"],
        floor,
        "< 1 s",
        r["caseworker"].median < 1.0,
        note=f"{r['caseworker'].lines:,} lines out",
    )
    head = R.Result(heads, [0])
    R.ROWS.append(
        {
            "group": "clocks",
            "what": "`sendctl deadlines \\| head` (first 10 rows out)",
            "rows": n,
            "runs": len(heads),
            "median": head.median,
            "peak": None,
            "ratio": head.median / floor.median,
            "goal": "streams",
            "ok": head.median < r["deadlines"].median / 2,
            "note": f"the full listing takes {r['deadlines'].median:.1f} s",
        }
    )
    R.add(
        "clocks",
        "`sendctl deadlines` (in full, to a pipe)",
        n,
        r["deadlines"],
        floor,
        "streams",
        None,
        note=f"{r['deadlines'].lines:,} lines out",
    )
    R.add(
        "clocks",
        "`sendctl deadlines notify --dry-run`",
        n,
        r["notify"],
        floor,
        "constant memory",
        None,
        note=f"{r['notify'].lines:,} lines out",
    )
    print(R.table())
    print()
    print(R.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
