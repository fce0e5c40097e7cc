#!/usr/bin/env python3
"""Write examples/further.csv: the further statutory clocks' events of the demo, to 18 April 2017.

Advice requests of January to April 2017 with an educational psychology backlog (the Cabinet
report names the EP waiting list as a pressure): most health, social care and school advice
back within the 6 weeks, several EP requests overdue; amendment proposals sent with the
decisions to amend of 2017 (from examples/events.csv) and one amended plan; one plan moved in
from another authority whose family has not yet been told; one decision notice with mediation
asked for. Deterministic (fixed seed, standard library only).

Columns: case_ref, date, kind, event, ref (the line of the event this one answers), detail.

    python examples/generate_further.py            # writes examples/further.csv
    python examples/generate_further.py --check    # exit 1 if the file differs
"""

import csv
import io
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from _output import write_or_check

SEED = 1417
HERE = Path(__file__).resolve().parent
AS_OF = date(2017, 4, 18)
ADVISERS = [
    ("ep", 14, (45, 95)),
    ("health", 6, (25, 44)),
    ("social-care", 5, (28, 46)),
    ("school", 4, (10, 30)),
]  # (adviser, requests, days to reply: low, high)


def main(argv: list[str]) -> int:
    rng = random.Random(SEED)
    with open(HERE / "cases.csv", encoding="utf-8", newline="") as f:
        ehcps = [r["case_ref"] for r in csv.DictReader(f) if r["plan_type"] == "ehcp"]
    with open(HERE / "events.csv", encoding="utf-8", newline="") as f:
        amends = [
            (r["case_ref"], r["date"], r["detail"])
            for r in csv.DictReader(f)
            if r["clock"] == "review"
            and r["event"] == "decision-amend"
            and r["date"] >= "2017-01-01"
        ]
    rows: list[list[str]] = []
    for adviser, n, (low, high) in ADVISERS:
        for _ in range(n):
            ref = rng.choice(ehcps)
            sent = date(2017, 1, 9) + timedelta(days=rng.randrange(0, 95))
            rows.append([ref, sent.isoformat(), "advice", "request", "", adviser])
            back = sent + timedelta(days=rng.randint(low, high))
            if back <= AS_OF:
                rows.append([ref, back.isoformat(), "advice", "received", f"@{len(rows) - 1}", ""])
    for ref, decided, _meeting in amends:
        rows.append([ref, decided, "review", "proposals", "", ""])
    mover = rng.choice(ehcps)
    rows.append([mover, "2017-03-06", "la", "transferred-in", "", "2016-10-12"])
    appellant = rng.choice(ehcps)
    rows.append([appellant, "2017-03-01", "appeal", "decision-notice", "", ""])
    rows.append([appellant, "2017-04-03", "appeal", "mediation-request", "", ""])
    # answers point at their request by its position; sort by date keeping that link
    order = sorted(range(len(rows)), key=lambda i: (rows[i][1], i))
    line_of = {old: new + 2 for new, old in enumerate(order)}  # file line (header is line 1)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["case_ref", "date", "kind", "event", "ref", "detail"])
    for i in order:
        r = list(rows[i])
        if r[4].startswith("@"):
            r[4] = str(line_of[int(r[4][1:])])
        w.writerow(r)
    return write_or_check("further.csv", out.getvalue(), "events", argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
