#!/usr/bin/env python3
"""Generate the benchmark inputs of issue 10 under bench/out/ (git-ignored).

    python bench/generate.py csv 200000          # bench/out/cases_200000.csv
    python bench/generate.py db 1000000          # bench/out/reports_1000000.db
    python bench/generate.py all --quick         # what `bench/run.py --quick` needs

* `csv N`: a register of N invented cases with the cases import's canonical headers
  (sendctl/domain/cases.py FIELDS), valid in every field so that the import's full validation
  runs on every row (UPN check letters computed as the domain does, ISO dates, DfE need codes).
* `db N`: a sendctl database (the real migrations, funds seeded by the real code) with N cases
  plus, written straight in with executemany: transfers, assessments and reviews (the clocks),
  N ledger entries and N panel decisions, all plausible as at 18 April 2017 (the demo date).

Deterministic (fixed seed), standard library plus the sendctl package only. Files that exist
are kept (delete them or pass --force to rebuild).
"""

import argparse
import csv
import random
import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE.parent))  # the sendctl checkout beside bench/

from sendctl.domain.cases import FIELDS  # noqa: E402

AS_OF = date(2017, 4, 18)
SEED = 10
UPN_ALPHA = "ABCDEFGHJKLMNPQRTUVWXYZ"  # no I, O or S (domain.md §5)
_V = {c: i for i, c in enumerate(UPN_ALPHA)} | {str(d): d for d in range(10)}
LAS = ("857", "855", "856", "925", "926", "201", "202", "330", "380", "873")
FORENAMES = (
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
    "Siân",
    "Zoë",
    "Kacper",
    "Niamh",
    "Muhammad",
)
SURNAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Patel",
    "Khan",
    "O'Brien",
    "Nowak",
    "Begum",
    "Hughes",
    "Lloyd",
    "Evans",
    "Clarke",
    "Walker",
    "Wright",
    "Green",
)
SETTINGS = [
    (f"Setting {i:04d}", t, ooc)
    for i, (t, ooc) in enumerate(
        [
            ("Mainstream academy", False),
            ("Mainstream LA maintained", False),
            ("Special academy", False),
            ("Independent special school", True),
            ("FE college", False),
            ("Non-maintained early years", False),
        ]
        * 100
    )
]
NEEDS = ("SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH")
CASEWORKERS = [(f"Caseworker {i:03d}", f"caseworker{i:03d}@la.example") for i in range(300)]


def case_path(n: int) -> Path:
    return OUT / f"cases_{n}.csv"


def db_path(n: int) -> Path:
    return OUT / f"reports_{n}.db"


def upn(rng: random.Random, la: str) -> str:
    body = la + f"{rng.randrange(10**9):09d}"  # LA number, then 9 digits (last one the serial)
    total = sum((i + 2) * _V[ch] for i, ch in enumerate(body))
    return UPN_ALPHA[total % 23] + body


def _plan(rng: random.Random) -> str:
    # roughly the national 2017 mix in a register that also lists SEN support
    r = rng.random()
    return "statement" if r < 0.15 else "ehcp" if r < 0.55 else "sen_support"


def cases(n: int, rng: random.Random):
    """Yield n case dicts (FIELDS) valid as at AS_OF."""
    for i in range(n):
        plan = _plan(rng)
        age_days = rng.randrange(2 * 365, 24 * 365)
        dob = AS_OF - timedelta(days=age_days)
        setting, stype, ooc = rng.choice(SETTINGS)
        cw, email = rng.choice(CASEWORKERS)
        issued = None
        if plan != "sen_support":
            # within the last year mostly (so annual reviews are spread over the next twelve months)
            issued = max(dob + timedelta(days=30), AS_OF - timedelta(days=rng.randrange(20, 700)))
        yield {
            "case_ref": f"B{i:07d}",
            "upn": upn(rng, rng.choice(LAS)) if rng.random() < 0.9 else "",
            "forename": rng.choice(FORENAMES),
            "surname": rng.choice(SURNAMES),
            "date_of_birth": dob.isoformat(),
            "setting": setting,
            "setting_type": stype,
            "out_of_county": "Y" if ooc else "N",
            "year_group": "",  # derived from the date of birth by the import
            "primary_need": rng.choice(NEEDS),
            "plan_type": plan,
            "plan_issued_on": issued.isoformat() if issued else "",
            "caseworker": cw,
            "caseworker_email": email,
        }


def write_csv(n: int, force: bool = False) -> Path:
    path = case_path(n)
    if path.exists() and not force:
        return path
    OUT.mkdir(exist_ok=True)
    t = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        w.writerows([c[k] for k in FIELDS] for c in cases(n, random.Random(SEED)))
    tmp.replace(path)
    print(
        f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s",
        file=sys.stderr,
    )
    return path


# --- a database for the report timings ---------------------------------------------------------


def _year_group(dob: date) -> str | None:
    from sendctl.domain.cases import year_group_for

    return year_group_for(dob, AS_OF)


def write_db(n: int, force: bool = False) -> Path:
    """A sendctl database with n cases, their clocks, n ledger entries and n panel decisions."""
    from sendctl.domain.dates import financial_year, period
    from sendctl.storage.audit import Actor
    from sendctl.storage.db import connect, transaction
    from sendctl.storage.ledger import seed_funds

    path = db_path(n)
    if path.exists() and not force:
        return path
    OUT.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    conn = connect(tmp, create=True)
    conn.execute("PRAGMA cache_size = -262144")
    actor = Actor("bench", "bench generate")
    now = "2017-04-18T09:00:00+00:00"
    rng = random.Random(SEED + 1)
    with transaction(conn):
        seed_funds(conn, actor)
        extra = [
            (f"area-{i}", f"High needs top-ups, area {i}", "revenue", 5_000_000_00)
            for i in range(1, 6)
        ]
        conn.executemany(
            "INSERT INTO funds (code, name, kind, allocation_pence, created_utc) VALUES (?, ?, ?, ?, ?)",
            [e + (now,) for e in extra],
        )

        # cases
        statements, plans = [], []
        batch = []
        for c in cases(n, random.Random(SEED)):
            dob = date.fromisoformat(c["date_of_birth"])
            row = dict(
                c,
                upn=c["upn"] or None,
                plan_issued_on=c["plan_issued_on"] or None,
                out_of_county=1 if c["out_of_county"] == "Y" else 0,
                year_group=_year_group(dob),
            )
            batch.append(tuple(row[f] for f in FIELDS) + (now, now))
            if row["plan_type"] == "statement":
                statements.append(row["case_ref"])
            if row["plan_type"] != "sen_support":
                plans.append((row["case_ref"], row["plan_issued_on"]))
            if len(batch) == 10_000:
                _insert_cases(conn, batch)
        _insert_cases(conn, batch)
        t1 = time.perf_counter()

        # transfers: 70% of statements started (from Sep 2015), most of those past due concluded
        tr = []
        for ref in statements:
            if rng.random() > 0.7:
                continue
            start = date(2015, 9, 1) + timedelta(
                days=rng.randrange((AS_OF - date(2015, 9, 1)).days)
            )
            per_child = start + timedelta(weeks=18)
            due = min(per_child, date(2018, 3, 31))
            concluded = outcome = None
            if rng.random() < (0.9 if per_child < AS_OF else 0.1):
                concluded = min(AS_OF, start + timedelta(days=rng.randrange(60, 160)))
                outcome = rng.choice(("ehcp_issued",) * 9 + ("no_plan",))
            tr.append(
                (
                    ref,
                    (start - timedelta(days=14)).isoformat(),
                    start.isoformat(),
                    due.isoformat(),
                    per_child.isoformat(),
                    "2018-03-31",
                    "start",
                    None,
                    concluded and concluded.isoformat(),
                    outcome,
                    None,
                    now,
                    now,
                )
            )
        conn.executemany(
            "INSERT INTO transfers (case_ref, notice_on, started_on, due_on, per_child_due_on,"
            " statutory_due_on, anchor, draft_on, concluded_on, outcome, cease_reason, created_utc,"
            " updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tr,
        )

        # assessments: one for 5% of cases over the last two years; those older than 20 weeks concluded
        asm = []
        for i in range(0, n, 20):
            rec = AS_OF - timedelta(days=rng.randrange(730))
            on = [
                rec + timedelta(days=rng.randrange(*r)) for r in ((25, 45), (80, 110), (120, 150))
            ]
            decided, draft, concluded = (d.isoformat() if d <= AS_OF else None for d in on)
            asm.append(
                (
                    f"B{i:07d}",
                    rec.isoformat(),
                    (rec + timedelta(weeks=6)).isoformat(),
                    (rec + timedelta(weeks=16)).isoformat(),
                    (rec + timedelta(weeks=20)).isoformat(),
                    decided,
                    "assess" if decided else None,
                    draft,
                    concluded,
                    "ehcp_issued" if concluded else None,
                    now,
                    now,
                )
            )
        conn.executemany(
            "INSERT INTO assessments (case_ref, received_on, decision_due_on, no_plan_due_on,"
            " final_due_on, decided_on, decision, draft_on, concluded_on, outcome, created_utc,"
            " updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            asm,
        )

        # reviews: last annual review meeting for 95% of plans (statements too) issued more than a year ago
        rv = []
        for ref, issued in plans:
            if (
                issued is None
                or issued > (AS_OF - timedelta(days=365)).isoformat()
                or rng.random() > 0.95
            ):
                continue
            meet = AS_OF - timedelta(days=rng.randrange(10, 360))
            decided = meet + timedelta(days=rng.randrange(7, 28))
            rv.append(
                (
                    ref,
                    meet.isoformat(),
                    (meet + timedelta(weeks=4)).isoformat(),
                    rng.choice(("keep", "amend")) if decided <= AS_OF else None,
                    decided.isoformat() if decided <= AS_OF else None,
                    now,
                    now,
                )
            )
        conn.executemany(
            "INSERT INTO reviews (case_ref, meeting_on, decision_due_on, decision, decided_on,"
            " created_utc, updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rv,
        )
        t2 = time.perf_counter()

        # n ledger entries over three financial years to the demo date
        funds = ["reserve", "dfe-grant", "capital"] + [e[0] for e in extra]
        first = date(2014, 4, 1)
        span = (AS_OF - first).days
        days = sorted(first + timedelta(days=rng.randrange(span)) for _ in range(n))
        led, commitments = [], []
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM ledger_entries").fetchone()[0]
        for k, d in enumerate(days):
            eid = next_id + k
            fund = rng.choice(funds)
            amount = rng.randrange(500, 50_000)
            r = rng.random()
            kind, settles, released = "actual", None, 0
            if r < 0.12:
                kind = "commitment"
                commitments.append((eid, fund, amount))
            elif r < 0.20 and commitments:
                cid, fund, released = commitments.pop(rng.randrange(len(commitments)))
                kind, settles = "settlement", cid
            effect = {"actual": "spent", "commitment": "committed", "settlement": "spent"}[kind]
            led.append(
                (
                    eid,
                    fund,
                    kind,
                    effect,
                    d.isoformat(),
                    financial_year(d),
                    period(d),
                    amount,
                    released,
                    f"Invoice {eid}",
                    f"Supplier {eid % 997}",
                    int(eid % 50 == 0),
                    f"INV-{eid}",
                    None,
                    "SEN01",
                    "5001",
                    None,
                    settles,
                    None,
                    "bench",
                    now,
                )
            )
            if len(led) == 50_000:
                _insert_ledger(conn, led)
        _insert_ledger(conn, led)
        t3 = time.perf_counter()

        # n panel decisions: fortnightly Thursday panels, April 2014 to the demo date
        meetings = []
        d = date(2014, 4, 3)
        while d <= AS_OF:
            meetings.append(d.isoformat())
            d += timedelta(days=14)
        requests = (
            "assessment",
            "ehcp-issue",
            "placement",
            "top-up",
            "transport",
            "care-package",
            "personal-budget",
            "post-16",
        )
        outcomes = (
            "agreed",
            "agreed",
            "agreed",
            "agreed-with-conditions",
            "deferred",
            "declined",
            "referred",
        )
        ptypes = ("mainstream", "maintained-special", "independent-special", "fe-college")
        pd = []
        for k in range(n):
            req = rng.choice(requests)
            cost = (
                rng.randrange(100_000, 6_000_000)
                if req in ("placement", "top-up", "post-16")
                else None
            )
            pd.append(
                (
                    f"B{rng.randrange(n):07d}",
                    meetings[k * len(meetings) // n],
                    req,
                    rng.choice(outcomes),
                    cost,
                    rng.choice(ptypes) if req in ("placement", "post-16") else None,
                    int(rng.random() < 0.2),
                    now,
                    "bench",
                    "bench",
                )
            )
            if len(pd) == 50_000:
                _insert_panel(conn, pd)
        _insert_panel(conn, pd)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    t4 = time.perf_counter()
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.replace(path)
    print(
        f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB): cases+clocks {t2 - t0:.0f} s, "
        f"ledger {t3 - t2:.0f} s, panel {t4 - t3:.0f} s "
        f"({len(statements):,} statements, {len(tr):,} transfers, {len(asm):,} assessments, "
        f"{len(rv):,} reviews)",
        file=sys.stderr,
    )
    del t1
    return path


def _insert_cases(conn: sqlite3.Connection, batch: list) -> None:
    conn.executemany(
        f"INSERT INTO cases ({', '.join(FIELDS)}, created_utc, updated_utc)"
        f" VALUES ({', '.join('?' * (len(FIELDS) + 2))})",
        batch,
    )
    batch.clear()


_LEDGER_COLS = (
    "id",
    "fund",
    "kind",
    "effect",
    "posted_on",
    "financial_year",
    "period",
    "amount_pence",
    "released_pence",
    "description",
    "supplier",
    "supplier_is_individual",
    "invoice_ref",
    "category",
    "cost_centre",
    "account_code",
    "reverses_id",
    "settles_id",
    "reason",
    "officer",
    "recorded_utc",
)


def _insert_ledger(conn: sqlite3.Connection, batch: list) -> None:
    conn.executemany(
        f"INSERT INTO ledger_entries ({', '.join(_LEDGER_COLS)})"
        f" VALUES ({', '.join('?' * len(_LEDGER_COLS))})",
        batch,
    )
    batch.clear()


def _insert_panel(conn: sqlite3.Connection, batch: list) -> None:
    conn.executemany(
        "INSERT INTO panel_decisions (case_ref, meeting_on, request, outcome, annual_cost_pence,"
        " placement_type, out_of_county, recorded_utc, officer, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batch,
    )
    batch.clear()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("csv", "db", "all"))
    ap.add_argument("n", nargs="?", type=int, help="rows (csv/db)")
    ap.add_argument("--quick", action="store_true", help="all: only the 1,000 and 200,000 sizes")
    ap.add_argument("--force", action="store_true", help="rebuild files that exist")
    a = ap.parse_args(argv)
    if a.what == "all":
        sizes = (1_000, 200_000) if a.quick else (1_000, 200_000, 1_000_000)
        for n in sizes:
            write_csv(n, a.force)
        write_db(sizes[-1], a.force)
        return 0
    if not a.n:
        ap.error("give the number of rows")
    (write_csv if a.what == "csv" else write_db)(a.n, a.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
