#!/usr/bin/env python3
"""High needs reports over 100,000 placements: `funds balances --fy`, `placements forecast`,
`status` and `report cabinet`.

    python bench/placements.py              # 100,000 placements (builds bench/out/placements.db)
    python bench/placements.py --n 20000    # another size

Builds (once per size) a database with a high-needs fund, N placements from N agreed panel
decisions (spread over 2014-2017, a third open-ended, a fifth out of county, eight placement
types, each with its pro-rata split stored as the real code stores it) and 10,000 ledger
entries on the fund; then times each report as a fresh `sendctl` process, the median of 5
runs, and prints one markdown table. The goal is under 1 s each (issue: reports are SQL
aggregations). `funds balances` and `report cabinet` are also timed as at 30 November 2026,
nine years after the first budget, since the high needs position counts every year from the
first budget and the Cabinet update every month end (one case is given a plan issued in
2016 so that the update has a register to report on). Timing only: nothing here is a test.
"""

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SENDCTL = shutil.which("sendctl") or str(Path(sys.executable).parent / "sendctl")
TYPES = (
    "mainstream",
    "resourced-provision",
    "maintained-special",
    "special-academy",
    "non-maintained-special",
    "independent-special",
    "fe-college",
    "specialist-post-16",
)


def build(path: Path, n: int) -> None:
    from sendctl.domain.placements import spread
    from sendctl.storage.db import connect

    tmp = path.with_suffix(".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    conn = connect(tmp, create=True)
    now = "2017-04-18T09:00:00+00:00"
    rng = random.Random(19)
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO funds (code, name, kind, allocation_pence, created_utc) VALUES"
        " ('high-needs', 'High needs block', 'high-needs', 1500000000000, ?)",
        (now,),
    )
    conn.executemany(
        "INSERT INTO fund_profiles (fund, financial_year, amount_pence) VALUES (?, ?, ?)",
        [("high-needs", f"{y}-{(y + 1) % 100:02d}", 300000000000) for y in range(2017, 2022)],
    )
    conn.executemany(
        "INSERT INTO cases (case_ref, forename, surname, date_of_birth, plan_type, created_utc,"
        " updated_utc) VALUES (?, 'B', 'Bench', '2008-01-01', 'ehcp', ?, ?)",
        ((f"P{i:07d}", now, now) for i in range(n)),
    )
    d0 = date(2014, 4, 3)
    decisions, placements = [], []
    for i in range(n):
        meeting = d0 + timedelta(days=14 * rng.randrange(0, 80))
        starts = meeting + timedelta(days=rng.randrange(7, 120))
        ends = None if rng.random() < 0.33 else starts + timedelta(days=rng.randrange(30, 1500))
        cost = rng.randrange(300_000, 9_000_000)
        ptype = rng.choice(TYPES)
        ooc = int(rng.random() < 0.2)
        decisions.append(
            (
                i + 1,
                f"P{i:07d}",
                meeting.isoformat(),
                "placement",
                "agreed",
                cost,
                ptype,
                ooc,
                "high-needs-block",
                starts.isoformat(),
                ends.isoformat() if ends else None,
                now,
                "bench",
            )
        )
        s = spread(cost, starts, ends)
        placements.append(
            (
                f"P{i:07d}",
                i + 1,
                ptype,
                ooc,
                "high-needs-block",
                cost,
                starts.isoformat(),
                ends.isoformat() if ends else None,
                s.first_fy,
                s.first_fy_pence,
                s.last_fy,
                s.last_fy_pence,
                meeting.isoformat(),
                now,
            )
        )
    conn.executemany(
        "INSERT INTO panel_decisions (id, case_ref, meeting_on, request, outcome, annual_cost_pence,"
        " placement_type, out_of_county, funder, starts_on, ends_on, recorded_utc, officer)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        decisions,
    )
    conn.executemany(
        "INSERT INTO placements (case_ref, decision_id, placement_type, out_of_county, funder,"
        " annual_cost_pence, starts_on, ends_on, first_fy, first_fy_pence, last_fy, last_fy_pence,"
        " action, decided_on, recorded_utc, officer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " 'agreed', ?, ?, 'bench')",
        placements,
    )
    conn.executemany(
        "INSERT INTO ledger_entries (fund, kind, effect, posted_on, financial_year, period,"
        " amount_pence, description, officer, recorded_utc) VALUES ('high-needs', 'actual', 'spent',"
        " ?, '2017-18', 1, ?, 'fees', 'bench', ?)",
        [
            ((date(2017, 4, 1) + timedelta(days=i % 17)).isoformat(), 10_000 + i, now)
            for i in range(10_000)
        ],
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    tmp.replace(path)


def timed(args: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [SENDCTL, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    a = ap.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    db = OUT / f"placements-{a.n}.db"
    if not db.exists():
        t = time.perf_counter()
        build(db, a.n)
        print(f"built {db} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    base = ["--db", str(db)]
    late = "2026-11-30"
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE cases SET plan_issued_on = '2016-09-01' WHERE case_ref = 'P0000000'"
        " AND plan_issued_on IS NULL"
    )
    conn.commit()
    conn.close()
    report = str(OUT / "cabinet.html")
    rows = [
        (
            "funds balances --fy 2017-18",
            [
                *base,
                "funds",
                "balances",
                "--fy",
                "2017-18",
                "--as-of",
                "2017-10-01",
                "--format",
                "json",
            ],
        ),
        (
            "placements forecast --years 3",
            [
                *base,
                "placements",
                "forecast",
                "--years",
                "3",
                "--as-of",
                "2017-10-01",
                "--format",
                "json",
            ],
        ),
        ("status", [*base, "status", "--as-of", "2017-10-01", "--format", "json"]),
        (
            f"funds balances --fy 2017-18 --as-of {late}",
            [*base, "funds", "balances", "--fy", "2017-18", "--as-of", late, "--format", "json"],
        ),
        (
            "report cabinet --as-of 2018-03-31",
            [*base, "report", "cabinet", "--as-of", "2018-03-31", "--output", report],
        ),
        (
            f"report cabinet --as-of {late}",
            [*base, "report", "cabinet", "--as-of", late, "--output", report],
        ),
    ]
    print(f"| report ({a.n:,} placements) | median of 5, s | goal |")
    print("|---|---|---|")
    for name, args in rows:
        goal = "none set" if name.startswith("report cabinet") else "< 1 s"
        print(f"| `{name}` | {timed(args):.2f} | {goal} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
