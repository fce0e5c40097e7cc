#!/usr/bin/env python3
"""Write examples/placements.csv (the placements in force before the panels of panel.csv) and
examples/high_needs.csv (the high needs block's other 2017-18 commitments).

Invented, like the children of examples/cases.csv (run generate.py first): one agreed High
Needs Panel decision for each child with a statement or EHC plan whose setting the high needs
block pays for, heard at a fortnightly panel between January 2015 and March 2016 (so none
falls in the 12 months before the demo date and the forecast's rate of new placements is set
by panel.csv alone). Costs at 2017-18 levels (domain.md §6): independent special schools
around £52,000 a year (residential more), the home authority's top-up at other authorities'
special schools (the place and the top-up, paid to the host authority), resourced provision (place
and top-up), mainstream top-ups above the school's first £6,000,
post-16 top-ups and specialist colleges. Children already in panel.csv with an agreed
placement or top-up are left out (their placement is in that file). In the same format as
panel.csv, so `sendctl panel import` reads it.

high_needs.csv, in the format of spend.csv (`sendctl spend import`): what else the block pays
for in a year, committed on 1 April 2017: place funding for resourced provision and
alternative provision, the pupil referral unit's places, hospital education and the sensory
and outreach services bought from neighbours. Deterministic (fixed seed, standard library).

    python examples/generate_placements.py            # writes examples/placements.csv
    python examples/generate_placements.py --check    # exit 1 if the file differs
"""

import csv
import io
import random
import sys
from datetime import date, timedelta

from _output import EXAMPLES, write_or_check

SEED = 1901
FIRST_PANEL = date(2015, 1, 8)  # a Thursday
LAST_PANEL = date(2016, 3, 31)
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
# setting type -> (request, placement type, lowest, highest annual cost in £, share placed)
COSTS = {
    "Independent special": ("placement", "independent-special", 46000, 64000, 1.0),
    "Special LA maintained": ("placement", "maintained-special", 24000, 36000, 1.0),
    "Special academy/free": ("placement", "special-academy", 24000, 36000, 1.0),
    "Mainstream academy with resourced provision": (
        "placement",
        "resourced-provision",
        15000,
        21000,
        1.0,
    ),
    "Mainstream LA maintained": ("top-up", "mainstream", 8000, 18000, 0.95),
    "Mainstream academy": ("top-up", "mainstream", 8000, 18000, 0.95),
    "General FE and tertiary": ("post-16", "fe-college", 6000, 12000, 1.0),
    "Sixth form college": ("post-16", "fe-college", 4000, 8000, 1.0),
    "Specialist post-16 institution": ("post-16", "specialist-post-16", 42000, 60000, 1.0),
    "Non-maintained early years": ("top-up", None, 3000, 7000, 0.8),
}
POST16_ENDS = ["2017-07-21", "2018-07-20", "2019-07-19"]


def panels() -> list[date]:
    out, d = [], FIRST_PANEL
    while d <= LAST_PANEL:
        out.append(d)
        d += timedelta(days=14)
    return out


def generate() -> str:
    rng = random.Random(SEED)
    with open(EXAMPLES / "cases.csv", encoding="utf-8", newline="") as f:
        cases = sorted(csv.DictReader(f), key=lambda r: r["case_ref"])
    with open(EXAMPLES / "panel.csv", encoding="utf-8", newline="") as f:
        placed_later = {
            r["case_ref"]
            for r in csv.DictReader(f)
            if r["outcome"].startswith("agreed") and r["starts_on"]
        }
    # Dates in published reports must never read as a child's date of birth: no panel (nor
    # a start 25 days later) on a day a child of the register was born.
    births = {c["date_of_birth"] for c in cases}
    meetings = [
        m
        for m in panels()
        if m.isoformat() not in births and (m + timedelta(days=25)).isoformat() not in births
    ]
    rows = []
    for c in cases:
        if c["plan_type"] not in ("ehcp", "statement") or c["case_ref"] in placed_later:
            continue
        spec = COSTS.get(c["setting_type"])
        if spec is None:
            continue
        request, ptype, low, high, share = spec
        cost = rng.randrange(low, high + 1, 250)
        if rng.random() >= share:
            continue
        if ptype == "independent-special" and rng.random() < 0.25:
            cost = rng.randrange(82000, 98001, 500)  # 38-week residential
        meeting = rng.choice(meetings)
        row = dict.fromkeys(HEADER, "")
        row.update(
            case_ref=c["case_ref"],
            meeting_on=meeting.isoformat(),
            request=request,
            outcome="agreed",
            annual_cost=f"{cost}.00",
            placement_type=ptype or "",
            provider=c["setting"],
            out_of_county=c["out_of_county"],
            funder="high-needs-block",
            starts_on=(meeting + timedelta(days=25)).isoformat(),
            note="in force before the panels of 2017",
        )
        if request == "post-16":
            row["ends_on"] = rng.choice(POST16_ENDS)
        rows.append(row)
    rows.sort(key=lambda r: (r["meeting_on"], r["case_ref"]))
    out = io.StringIO()
    w = csv.DictWriter(out, HEADER, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


# The block's other commitments for 2017-18 (orders and service agreements), in £.
OTHER = [
    (
        "Place funding: resourced provision units, 2017-18 (21 places at £6,000)",
        "Rutland schools",
        126000,
        "HN-1701",
    ),
    (
        "Alternative provision and pupil referral unit places, 2017-18",
        "Welland Learning Centre",
        298000,
        "HN-1702",
    ),
    (
        "Hospital and medical education service, 2017-18",
        "Welland Hospital Education Service",
        64500,
        "HN-1703",
    ),
    (
        "Sensory impairment support service (SLA), 2017-18",
        "Welland Sensory Support Service",
        118750,
        "HN-1704",
    ),
    (
        "Autism and communication outreach (SLA), 2017-18",
        "Welland Outreach Partnership",
        86250,
        "HN-1705",
    ),
    (
        "Post-16 high needs: element 2 places in colleges, 2017-18",
        "Education Funding Agency (recoupment)",
        102000,
        "HN-1706",
    ),
]


def generate_other() -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["fund", "date", "amount", "kind", "description", "supplier", "invoice_ref"])
    for description, supplier, pounds, ref in OTHER:
        w.writerow(
            ["high-needs", "01/04/2017", f"{pounds}.00", "commitment", description, supplier, ref]
        )
    return out.getvalue()


def main(argv: list[str]) -> int:
    a = write_or_check("placements.csv", generate(), "placements", argv)
    b = write_or_check("high_needs.csv", generate_other(), "commitments", argv)
    return a or b


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
