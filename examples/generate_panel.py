#!/usr/bin/env python3
"""Write examples/panel.csv: High Needs Panel decisions, fortnightly, January to April 2017.

Invented decisions about the invented children of examples/cases.csv (run generate.py first).
Eight Thursday panels, 5 January to 13 April 2017, 6-10 decisions each, every request type
and every outcome; costs at 2017-18 levels (domain.md §6): independent special schools
around £52,000 a year, residential more; top-ups above the school's first £6,000, priced as
teaching-assistant hours at £13.98 an hour for 39 weeks; transport from the general fund.
A deferred request comes back to the next panel. Deterministic (fixed seed, standard library
only): running it again gives the same file byte for byte.

    python examples/generate_panel.py            # writes examples/panel.csv
    python examples/generate_panel.py --check    # exit 1 if the file differs
"""

import csv
import io
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from _output import write_or_check

SEED = 5017
FIRST_PANEL = date(2017, 1, 5)  # a Thursday
PANELS = 8  # fortnightly to 13 April 2017
TA_RATE = 13.98  # £ an hour, 1:1 teaching assistant (domain.md §6, Bristol top-up rates)
SCHOOL_WEEKS = 39

HEADER = [
    "case_ref",
    "meeting_on",
    "request",
    "outcome",
    "annual_cost",
    "placement_type",
    "provider",
    "out_of_county",
    "funder",
    "starts_on",
    "ends_on",
    "note",
]
REQUESTS = [
    "assessment",
    "ehcp-issue",
    "placement",
    "top-up",
    "transport",
    "care-package",
    "personal-budget",
    "post-16",
]
OUTCOMES = ["agreed", "agreed-with-conditions", "deferred", "declined", "referred"]

# How often each request comes up beyond PER_PANEL (REQUESTS order): placements and top-ups most.
FILL_WEIGHTS = [2, 2, 3, 2, 2, 1, 1, 1]
# Which outcomes each request tends to get (weights in OUTCOMES order).
OUTCOME_WEIGHTS = {
    "assessment": [7, 0, 1, 2, 0],
    "ehcp-issue": [7, 1, 1, 1, 0],
    "placement": [6, 2, 2, 1, 0],
    "top-up": [6, 2, 1, 1, 0],
    "transport": [7, 1, 1, 1, 0],
    "care-package": [2, 2, 1, 0, 3],
    "personal-budget": [5, 2, 1, 1, 1],
    "post-16": [6, 2, 1, 1, 0],
}
# Each panel hears these, plus random others (so every type appears more than once).
PER_PANEL = [
    ["placement", "top-up"],
    ["assessment", "transport"],
    ["placement", "ehcp-issue"],
    ["care-package", "post-16"],
    ["placement", "personal-budget"],
    ["top-up", "assessment"],
    ["placement", "post-16"],
    ["transport", "care-package"],
]
SPECIAL_TYPES = {
    "Independent special": "independent-special",
    "Special LA maintained": "maintained-special",
    "Special academy/free": "special-academy",
}
TERM_STARTS = [date(2017, 2, 20), date(2017, 4, 24), date(2017, 6, 5), date(2017, 9, 6)]
IN_COUNTY_RESOURCED = ["Langham Hill Primary School", "Uppingham Ridge College"]


def load_cases(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return sorted(rows, key=lambda r: r["case_ref"])


def next_term(after: date) -> date:
    return next(d for d in TERM_STARTS if d > after + timedelta(days=7))


def pounds(rng: random.Random, low: int, high: int, step: int = 250) -> str:
    return f"{rng.randrange(low, high + 1, step)}.00"


class Pools:
    """Children grouped by what the panel would be asked about them."""

    def __init__(self, cases: list[dict]):
        plan = [c for c in cases if c["plan_type"] in ("ehcp", "statement")]
        self.ooc_special = [
            c for c in plan if c["out_of_county"] == "Y" and c["setting_type"] in SPECIAL_TYPES
        ]
        self.post16 = [
            c
            for c in plan
            if c["setting_type"]
            in ("Specialist post-16 institution", "General FE and tertiary", "Sixth form college")
        ]
        self.mainstream = [
            c
            for c in plan
            if c["setting_type"].startswith("Mainstream") and c["out_of_county"] == "N"
        ]
        self.support = [
            c
            for c in cases
            if c["plan_type"] == "sen_support" and c["setting_type"] != "Non-maintained early years"
        ]
        self.plan = plan
        for name, pool in vars(self).items():
            if not pool:
                raise SystemExit(f"examples/cases.csv has no children for the {name!r} pool")


def decide(
    rng: random.Random, request: str, outcome: str, pools: Pools, meeting: date, used: set
) -> dict:
    """One decision row (the child chosen among those not yet before this panel)."""

    def child(pool):
        # not twice before one panel, nor the same request twice (a deferral aside)
        free = [
            c
            for c in pool
            if (c["case_ref"], meeting) not in used and (c["case_ref"], request) not in used
        ]
        c = rng.choice(free)
        used.update({(c["case_ref"], meeting), (c["case_ref"], request)})
        return c

    row = dict.fromkeys(HEADER, "")
    row.update(meeting_on=meeting.isoformat(), request=request, outcome=outcome, out_of_county="N")
    start = next_term(meeting)
    if request == "assessment":
        c = child(pools.support)
        row["note"] = "request from school" if rng.random() < 0.6 else "parental request"
    elif request == "ehcp-issue":
        c = child(pools.support)
        row["note"] = "following assessment"
    elif request == "placement":
        if rng.random() < 0.65:  # reducing these is the service's aim: the panel sees many
            c = child(pools.ooc_special)
            ptype = SPECIAL_TYPES[c["setting_type"]]
            row.update(
                placement_type=ptype,
                provider=c["setting"],
                out_of_county="Y",
                funder="high-needs-block",
            )
            if "Residential" in c["setting"]:
                row["annual_cost"] = pounds(rng, 78000, 96000, 500)
                row["note"] = "38-week residential"
            elif ptype == "independent-special":
                row["annual_cost"] = pounds(rng, 44000, 62000, 500)
            else:  # a host LA's special school: the home LA pays the top-up
                row["annual_cost"] = pounds(rng, 12000, 24000)
        else:
            c = child(pools.mainstream)
            row.update(
                placement_type="resourced-provision",
                provider=rng.choice(IN_COUNTY_RESOURCED),
                funder="high-needs-block",
                annual_cost=pounds(rng, 8000, 14000),
            )
        row.update(starts_on=start.isoformat())
    elif request == "top-up":
        c = child(pools.mainstream)
        hours = rng.randrange(12, 26)
        cost = round(hours * TA_RATE * SCHOOL_WEEKS, 2)  # above the school's first £6,000
        row.update(
            annual_cost=f"{cost:.2f}",
            provider=c["setting"],
            funder="high-needs-block",
            starts_on=start.isoformat(),
            ends_on="2018-03-31",
            note=f"{hours} h/week 1:1 support",
        )
    elif request == "transport":
        c = child(pools.ooc_special + pools.mainstream)
        ooc = c["out_of_county"] == "Y"
        row.update(
            annual_cost=pounds(rng, 7000, 15000) if ooc else pounds(rng, 2500, 6000),
            provider=c["setting"],
            out_of_county="Y" if ooc else "N",
            funder="general-fund",
            note="taxi with escort" if ooc else "shared minibus",
        )
    elif request == "care-package":
        c = child(pools.plan)
        row.update(
            annual_cost=pounds(rng, 18000, 45000, 500),
            funder="joint",
            note="education, health and social care split",
        )
    elif request == "personal-budget":
        c = child(pools.plan)
        row.update(
            annual_cost=pounds(rng, 1500, 7500),
            funder=rng.choice(["high-needs-block", "social-care"]),
            note="direct payment",
        )
    else:  # post-16
        spi = [c for c in pools.post16 if c["setting_type"] == "Specialist post-16 institution"]
        c = child(spi if rng.random() < 0.4 else pools.post16)
        if c["setting_type"] == "Specialist post-16 institution":
            row.update(
                placement_type="specialist-post-16", annual_cost=pounds(rng, 38000, 58000, 500)
            )
        else:
            row.update(placement_type="fe-college", annual_cost=pounds(rng, 6500, 12000))
        row.update(
            provider=c["setting"],
            out_of_county=c["out_of_county"],
            funder="high-needs-block",
            starts_on="2017-09-06",
            ends_on="2018-07-20",
        )
    row["case_ref"] = c["case_ref"]
    if outcome in ("deferred", "declined", "referred"):
        row["starts_on"] = row["ends_on"] = ""
        row["note"] = {
            "deferred": "deferred for further information",
            "declined": "declined; appeal and mediation rights given",
            "referred": "referred to health and social care",
        }[outcome]
    elif outcome == "agreed-with-conditions":
        row["note"] = (row["note"] + "; " if row["note"] else "") + "review at six months"
    return row


def generate(cases_csv: Path) -> str:
    rng = random.Random(SEED)
    pools = Pools(load_cases(cases_csv))
    used: set = set()
    must_outcomes = list(OUTCOMES)  # each outcome forced once, early, then by weight
    carried: list[dict] = []  # deferred last time: back before this panel
    rows = []
    for k in range(PANELS):
        meeting = FIRST_PANEL + timedelta(days=14 * k)
        n = rng.randrange(6, 11)
        todo = list(PER_PANEL[k])
        while len(todo) + len(carried) < n:
            todo.append(rng.choices(REQUESTS, weights=FILL_WEIGHTS)[0])
        back = []
        for old in carried:  # re-heard with the same child, now decided
            row = dict(
                old,
                meeting_on=meeting.isoformat(),
                outcome=rng.choice(["agreed", "agreed-with-conditions", "declined"]),
            )
            used.add((row["case_ref"], meeting))
            row["note"] = "re-presented with further information"
            if row["outcome"] != "declined" and row["request"] in ("placement", "top-up"):
                row["starts_on"] = next_term(meeting).isoformat()
            back.append(row)
        carried = []
        for request in todo:
            fits = [o for o in must_outcomes if OUTCOME_WEIGHTS[request][OUTCOMES.index(o)]]
            if fits and rng.random() < 0.5:
                outcome = fits[0]
                must_outcomes.remove(outcome)
            else:
                outcome = rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS[request])[0]
            if k == PANELS - 1 and outcome == "deferred":
                outcome = "agreed"  # nothing left hanging past the last panel of the example
            row = decide(rng, request, outcome, pools, meeting, used)
            if outcome == "deferred":
                carried.append(row)
            rows.append(row)
        rows.extend(back)
    for row in rows:  # nothing is committed on a refusal: the sum asked goes in the note
        if row["outcome"] == "declined" and row["annual_cost"]:
            row["note"] += f"; £{float(row['annual_cost']):,.2f} a year asked"
            row["annual_cost"] = ""
    seen_requests = {r["request"] for r in rows}
    seen_outcomes = {r["outcome"] for r in rows}
    assert seen_requests == set(REQUESTS), set(REQUESTS) - seen_requests
    assert seen_outcomes == set(OUTCOMES), set(OUTCOMES) - seen_outcomes
    rows.sort(key=lambda r: (r["meeting_on"], r["case_ref"], r["request"]))
    out = io.StringIO()
    w = csv.DictWriter(out, HEADER, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def main(argv: list[str]) -> int:
    return write_or_check(
        "panel.csv", generate(Path(__file__).resolve().parent / "cases.csv"), "decisions", argv
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
