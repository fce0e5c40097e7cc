#!/usr/bin/env python3
"""The SEN2 return for a large county: 20,000 children with plans (and 5,000 requests in the
year), written as XML by `report sen2 --xml`, then checked by `report sen2 --check`.

    python bench/sen2_xml.py [--children 20000]

Prints wall time and the peak resident memory of each command (a fresh subprocess, ru_maxrss)
and the XML's size. The XML is streamed out one child at a time, so memory stays flat: run it
with --children 2000 and 20000 and compare the peaks. The database is made under bench/out/
(git-ignored) with direct SQL (the register as if built by the commands).
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
NEEDS = ["ASD", "SEMH", "SLCN", "MLD", "SPLD", "SLD", "PMLD", "HI", "VI", "PD", "MSI", "OTH"]


def build(db: Path, n: int) -> None:
    from sendctl.domain.sen2 import upn_check_letter
    from sendctl.storage.db import connect

    if db.exists():
        db.unlink()
    conn = connect(db, create=True)
    rnd = random.Random(18)
    now = "2026-01-20T09:00:00+00:00"
    cases, person, places, needs, reviews, assess = [], [], [], [], [], []
    for i in range(n):
        ref = f"B{i:06d}"
        body = f"?857{i % 10000:04d}{10 + i // 10000:02d}{i % 1000:03d}"
        upn = upn_check_letter(body) + body[1:]
        dob = f"{2005 + i % 18}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        issued = f"{2016 + i % 9}-{1 + i % 12:02d}-15"
        cases.append(
            (ref, upn, "Forename", f"Surname{i:06d}", dob, "ehcp", issued, NEEDS[i % 12], now, now)
        )
        person.append((ref, "MF"[i % 2], "WBRI", "LE15 6XX", now))
        places.append((ref, "named", "1", f"{100000 + i % 900000}", "0", "0", None, now))
        places.append((ref, "attended", "1", f"{100000 + i % 900000}", "0", "0", "2024-09-04", now))
        needs.append((ref, "1", NEEDS[i % 12]))
        reviews.append(
            (
                ref,
                "2025-06-12",
                "2025-07-10",
                "keep",
                f"2025-07-{1 + rnd.randrange(20):02d}",
                now,
                now,
            )
        )
        if i % 4 == 0:
            assess.append(
                (
                    ref,
                    "2025-03-03",
                    "2025-04-14",
                    "2025-06-23",
                    "2025-07-21",
                    "2025-04-07",
                    "assess",
                    "2025-06-01",
                    "2025-07-14",
                    "ehcp_issued",
                    now,
                    now,
                )
            )
    with conn:
        conn.executemany(
            "INSERT INTO cases (case_ref, upn, forename, surname, date_of_birth, plan_type,"
            " plan_issued_on, primary_need, created_utc, updated_utc) VALUES (?,?,?,?,?,?,?,?,?,?)",
            cases,
        )
        conn.executemany(
            "INSERT INTO sen2_person (case_ref, sex, ethnicity, postcode, updated_utc) VALUES (?,?,?,?,?)",
            person,
        )
        conn.executemany(
            "INSERT INTO sen2_placements (case_ref, kind, placement_rank, urn, sen_unit,"
            " resourced_provision, entry_on, updated_utc) VALUES (?,?,?,?,?,?,?,?)",
            places,
        )
        conn.executemany(
            "INSERT INTO sen2_needs (case_ref, sen_type_rank, sen_type) VALUES (?,?,?)", needs
        )
        conn.executemany(
            "INSERT OR IGNORE INTO reviews (case_ref, meeting_on, decision_due_on, decision, decided_on,"
            " created_utc, updated_utc) VALUES (?,?,?,?,?,?,?)",
            reviews,
        )
        conn.executemany(
            "INSERT INTO assessments (case_ref, received_on, decision_due_on, no_plan_due_on,"
            " final_due_on, decided_on, decision, draft_on, concluded_on, outcome, created_utc,"
            " updated_utc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            assess,
        )
    conn.close()


def timed(args: list[str], env: dict) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = after.ru_maxrss / 1024  # the largest child so far (Linux: KiB)
    if p.returncode not in (0, 3):
        sys.exit(f"{' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
    return wall, peak_mb, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--children", type=int, default=20000)
    a = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    db, xml = OUT / f"sen2-{a.children}.db", OUT / f"sen2-{a.children}.xml"
    t = time.perf_counter()
    build(db, a.children)
    print(f"built {a.children:,} children in {time.perf_counter() - t:.1f} s")
    env = {**os.environ, "SENDCTL_DB": str(db), "SENDCTL_OFFICER": "bench"}
    exe = [sys.executable, "-m", "sendctl"]
    for label, args in (
        (
            "report sen2 --xml",
            [*exe, "report", "sen2", "--year", "2025", "--xml", str(xml), "--lea", "857"],
        ),
        (
            "report sen2 --check",
            [
                *exe,
                "report",
                "sen2",
                "--year",
                "2025",
                "--check",
                "--format",
                "csv",
                "--output",
                str(OUT / "sen2-check.csv"),
            ],
        ),
    ):
        wall, peak, cpu = timed(args, env)
        print(f"{label:22} {wall:6.2f} s wall, {cpu:6.2f} s CPU, peak RSS {peak:6.1f} MB")
    print(f"XML: {xml.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
