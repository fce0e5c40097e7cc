#!/usr/bin/env python3
"""Write examples/cases.csv: a synthetic SEND register of a small county (LA 857), April 2017.

Invented children and young people only; the names are common first names and surnames put
together at random, the settings are made up. Deterministic: a fixed seed and the standard
library only, so running it again gives the same file byte for byte.

    python examples/generate.py            # writes examples/cases.csv
    python examples/generate.py --check    # exit 1 if the file differs from what it would write
"""

import csv
import io
import random
import sys
from datetime import date, timedelta

from _output import write_or_check

SEED = 857
AS_OF = date(2017, 4, 18)  # the Cabinet report: the register as at April 2017
LA = "857"  # Rutland
N_STATEMENT, N_EHCP, N_SUPPORT = 45, 143, 232  # 420 in all

ALPHA = "ABCDEFGHJKLMNPQRTUVWXYZ"  # UPN letters: no I, O or S (domain.md §5)

FORENAMES = [
    "Oliver",
    "Amelia",
    "Jack",
    "Olivia",
    "Harry",
    "Isla",
    "Jacob",
    "Emily",
    "Charlie",
    "Poppy",
    "Thomas",
    "Ava",
    "George",
    "Isabella",
    "Oscar",
    "Jessica",
    "James",
    "Lily",
    "William",
    "Sophie",
    "Noah",
    "Grace",
    "Alfie",
    "Evie",
    "Joshua",
    "Mia",
    "Muhammad",
    "Ella",
    "Henry",
    "Ruby",
    "Leo",
    "Chloe",
    "Archie",
    "Freya",
    "Ethan",
    "Daisy",
    "Joseph",
    "Phoebe",
    "Freddie",
    "Millie",
    "Samuel",
    "Holly",
    "Alexander",
    "Erin",
    "Logan",
    "Zoë",
    "Daniel",
    "Siân",
    "Owen",
    "Niamh",
    "Rhys",
    "Aoife",
    "Kacper",
    "Zofia",
    "Ayaan",
    "Maya",
    "Reuben",
    "Eliza",
    "Toby",
    "Imogen",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "Harris",
    "Martin",
    "Cooper",
    "King",
    "Baker",
    "Turner",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "Allen",
    "Scott",
    "Young",
    "Mitchell",
    "O'Brien",
    "Nowak",
    "Begum",
    "Hughes",
    "Edwards",
    "Price",
    "Bennett",
    "Griffiths",
    "Shaw",
    "Lloyd",
    "Ellis",
    "Marsh",
    "Fox",
    "Dixon",
    "Booth",
    "Chapman",
    "Webb",
    "Knight",
    "Palmer",
]
CASEWORKERS = [
    "Priya Shah",
    "Tom Barker",
    "Helen Wright",
    "Gareth Owen",
    "Fiona Blake",
    "Marcus Reid",
    "Ruth Collins",
    "Dan Hughes",
    "Kate Morgan",
    "Sunita Patel",
    "Joe Fletcher",
    "Anna Kowalski",
]

# (name, setting_type, out_of_county, phase, DfE establishment number or None)
SETTINGS = [
    ("Little Acorns Nursery, Oakham", "Non-maintained early years", False, "early", None),
    ("Rutland Water Pre-school", "Non-maintained early years", False, "early", None),
    ("Oakham Meadow Primary School", "Mainstream LA maintained", False, "primary", "2001"),
    ("Uppingham Brook Primary School", "Mainstream academy", False, "primary", "2004"),
    ("Ketton Fields Primary School", "Mainstream LA maintained", False, "primary", "2007"),
    ("Cottesmore Lane Academy", "Mainstream academy", False, "primary", "2011"),
    ("Empingham Vale Primary School", "Mainstream academy", False, "primary", "2015"),
    ("Whissendine Green Primary School", "Mainstream LA maintained", False, "primary", "2019"),
    (
        "Langham Hill Primary School",
        "Mainstream academy with resourced provision",
        False,
        "primary",
        "2023",
    ),
    ("Ryhall Bridge Primary School", "Mainstream academy", False, "primary", "2027"),
    ("Rutland Heights Academy", "Mainstream academy", False, "secondary", "4001"),
    (
        "Uppingham Ridge College",
        "Mainstream academy with resourced provision",
        False,
        "secondary",
        "4003",
    ),
    ("Casterton Vale College", "Mainstream academy", False, "secondary", "4005"),
    ("Oakham Sixth Form Centre", "Sixth form college", False, "post16", "4007"),
    ("Rutland Further Education College", "General FE and tertiary", False, "post16", None),
    ("Stamford Meadows Primary School (Lincolnshire)", "Mainstream academy", True, "primary", None),
    ("Corby Heath Academy (Northamptonshire)", "Mainstream academy", True, "secondary", None),
    ("Melton Vale Special Academy (Leicestershire)", "Special academy/free", True, "special", None),
    (
        "Stamford Brook Special School (Lincolnshire)",
        "Special LA maintained",
        True,
        "special",
        None,
    ),
    ("Peterborough Riverside Special School", "Special LA maintained", True, "special", None),
    ("Nene Park Residential School", "Independent special", True, "special", None),
    ("Welland Valley Independent School", "Independent special", True, "special", None),
    ("Grantham Fields College (Lincolnshire)", "General FE and tertiary", True, "post16", None),
    ("Trent Bridge Specialist College", "Specialist post-16 institution", True, "post16", None),
]

NEEDS_PLAN = {
    "ASD": 27,
    "SEMH": 15,
    "SLCN": 14,
    "MLD": 12,
    "SPLD": 5,
    "SLD": 8,
    "PMLD": 4,
    "PD": 6,
    "HI": 3,
    "VI": 2,
    "MSI": 1,
    "OTH": 3,
}
NEEDS_SUPPORT = {
    "SLCN": 24,
    "MLD": 20,
    "SEMH": 18,
    "SPLD": 14,
    "ASD": 10,
    "PD": 3,
    "HI": 2,
    "VI": 1,
    "OTH": 3,
    "NSA": 5,
}

HEADER = [
    "case_ref",
    "upn",
    "forename",
    "surname",
    "date_of_birth",
    "setting",
    "setting_type",
    "out_of_county",
    "primary_need",
    "plan_type",
    "plan_issued_on",
    "caseworker",
    "caseworker_email",
    "sex",
    "ethnicity",
]
# The SEN2 return's person items, drawn from their own stream so the other columns stay as
# they were: about 7 in 10 children with an EHC plan are boys; Rutland is mostly White British.
SEXES = {"M": 7, "F": 3}
ETHNICITIES = {
    "WBRI": 85,
    "WOTH": 4,
    "MWBC": 2,
    "MOTH": 2,
    "AIND": 1,
    "APKN": 1,
    "BAFR": 1,
    "NOBT": 2,
    "REFU": 2,
}


def check_letter(body: str) -> str:
    """UPN check letter of the 12 characters after it (the DfE's modulus 23 check)."""
    total = sum(i * (int(c) if c.isdigit() else ALPHA.index(c)) for i, c in enumerate(body, 2))
    return ALPHA[total % 23]


def year_group(dob: date) -> int:
    """Age on 31 August before the academic year of AS_OF, minus 4 (Reception = 0)."""
    start = AS_OF.year if AS_OF.month >= 9 else AS_OF.year - 1
    return start - dob.year - (1 if (dob.month, dob.day) > (8, 31) else 0) - 4


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def birth_date(rng: random.Random, age: int) -> date:
    """A date of birth making the child exactly `age` on AS_OF."""
    latest = date(AS_OF.year - age, AS_OF.month, AS_OF.day)
    earliest = date(AS_OF.year - age - 1, AS_OF.month, AS_OF.day) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def ages(rng: random.Random, plan: str) -> int:
    if plan == "statement":  # school-age pupils still to transfer
        return rng.choice([6, 7, 8, 9, 10, 10, 11, 11, 12, 13, 13, 14, 14, 15, 15, 16, 17, 18])
    if plan == "ehcp":
        return rng.choice(
            [
                2,
                3,
                4,
                4,
                5,
                6,
                7,
                8,
                9,
                10,
                11,
                11,
                12,
                13,
                14,
                15,
                16,
                16,
                17,
                18,
                19,
                20,
                21,
                23,
                25,
            ]
        )
    return rng.choice([2, 3, 4, 5, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 12, 12, 13, 14, 15, 16, 17])


def phase(dob: date) -> str:
    yg = year_group(dob)
    if yg < 0:
        return "early"
    if yg <= 6:
        return "primary"
    if yg <= 11:
        return "secondary"
    return "post16"


def choose_setting(rng: random.Random, dob: date, plan: str, need: str):
    ph = phase(dob)
    special_need = need in ("PMLD", "SLD", "MSI")
    if plan != "sen_support" and ph != "early" and (special_need or rng.random() < 0.16):
        pool = [s for s in SETTINGS if s[3] == "special"]
        if ph == "post16" and rng.random() < 0.5:
            pool = [s for s in SETTINGS if s[3] == "post16" and s[2]]
    else:
        # SEN support means a mainstream, early-years or FE setting, never a specialist one.
        usual = [s for s in SETTINGS if s[3] == ph and "pecialist" not in s[1]]
        pool = [s for s in usual if not s[2] or rng.random() < 0.3] or usual
    return rng.choice(pool)


def plan_issued(rng: random.Random, dob: date, plan: str) -> str:
    if plan == "sen_support":
        return ""
    if plan == "statement":  # statements were issued before the 2014 reforms
        lo = max(dob + timedelta(days=4 * 365), date(2006, 9, 1))
        hi = date(2014, 8, 31)
    else:
        lo = max(dob + timedelta(days=400), date(2014, 9, 1))
        hi = AS_OF - timedelta(days=14)
    if lo > hi:
        lo = hi - timedelta(days=30)
    return (lo + timedelta(days=rng.randrange((hi - lo).days + 1))).isoformat()


def make_upn(rng: random.Random, dob: date, estab: str | None, used: set, temporary: bool) -> str:
    joined = (dob.year + 4) % 100  # issued on first entry to a maintained school
    while True:
        school = estab or rng.choice(["2001", "2004", "2007", "2011", "2015", "2019", "4001"])
        if temporary:
            tail = f"{rng.randrange(100):02d}{rng.choice(ALPHA)}"
        else:
            tail = f"{rng.randrange(1, 1000):03d}"
        body = f"{LA}{school}{joined:02d}{tail}"
        upn = check_letter(body) + body
        if upn not in used:
            used.add(upn)
            return upn


def generate() -> str:
    rng = random.Random(SEED)
    person = random.Random(SEED + 1)
    plans = ["statement"] * N_STATEMENT + ["ehcp"] * N_EHCP + ["sen_support"] * N_SUPPORT
    rng.shuffle(plans)
    used: set[str] = set()
    names_used: set[tuple[str, str]] = set()
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for i, plan in enumerate(plans, 1):
        age = ages(rng, plan)
        dob = birth_date(rng, age)
        need = pick(rng, NEEDS_SUPPORT if plan == "sen_support" else NEEDS_PLAN)
        setting, stype, ooc, _, estab = choose_setting(rng, dob, plan, need)
        while True:
            name = (rng.choice(FORENAMES), rng.choice(SURNAMES))
            if name not in names_used:
                names_used.add(name)
                break
        # Under-4s have not started school and have no UPN yet; a few others are missing.
        if age < 4 or rng.random() < 0.03:
            upn = ""
        else:
            upn = make_upn(rng, dob, estab, used, temporary=rng.random() < 0.02)
        if plan == "sen_support" and rng.random() < 0.4:
            caseworker = email = ""
        else:
            caseworker = rng.choice(CASEWORKERS)
            first, last = caseworker.lower().split()
            email = "" if rng.random() < 0.03 else f"{first}.{last}@rutland.example"
        w.writerow(
            [
                f"RCC-{i:04d}",
                upn,
                name[0],
                name[1],
                dob.isoformat(),
                setting,
                stype,
                "Y" if ooc else "N",
                need,
                plan,
                plan_issued(rng, dob, plan),
                caseworker,
                email,
                pick(person, SEXES),
                pick(person, ETHNICITIES),
            ]
        )
    return out.getvalue()


def main(argv: list[str]) -> int:
    return write_or_check("cases.csv", generate(), "cases", argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
