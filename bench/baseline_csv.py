#!/usr/bin/env python3
"""Baseline for the import benchmark: plain csv + executemany in one transaction, no validation.

    python bench/baseline_csv.py FILE.csv DB

Creates table `cases` with the file's header as TEXT columns and streams every row into it
(constant memory), as the shortest reasonable Python import would.
"""

import csv
import sqlite3
import sys


def main(src: str, db: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    with open(src, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        cols = ", ".join(f'"{h}" TEXT' for h in header)
        conn.execute("BEGIN")
        conn.execute(f"CREATE TABLE cases ({cols})")
        conn.executemany(f"INSERT INTO cases VALUES ({', '.join('?' * len(header))})", reader)
        conn.execute("COMMIT")
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
