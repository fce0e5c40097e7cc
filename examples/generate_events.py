#!/usr/bin/env python3
"""Write examples/events.csv: the statutory-clock history of examples/cases.csv, 1 September
2014 to 18 April 2017 (statement transfers, new EHC needs assessments, annual reviews).

Invented history for the invented children of cases.csv (run generate.py first), shaped on
Rutland's SEN2 figures (domain.md §1, §4): about 100 statements transferred to EHC plans in
2014-2017, a handful concluded with no plan or ceased, the 45 statements of the register
still to transfer (about half of them started, some overdue), new plans in 2015-2017 with
about a third issued after 20 weeks and a few reg 10(4) exception cases, requests still open
in April 2017, and annual reviews for almost every plan (a few late or missed) with the
phase-transfer reviews of Year 6 and Year 11 amended before 15 February / 31 March 2017.

Every event keeps cases.csv true: a transfer or assessment that ends in a plan ends on the
plan_issued_on date of cases.csv, and children whose statement ended with no plan are on
SEN support there. Rows `register,opening` give a child's plan before the history starts
(`statement` with its issue date, or `sen_support` for a child whose first plan came from a
new assessment); `sendctl demo` imports cases.csv with those openings, replays the events in
date order through the same functions as the commands, then imports cases.csv itself.

Columns: case_ref, date, clock (register|transfer|assessment|review), event, detail.
  transfer: start (detail: notice date), draft-issued, final-issued, no-plan, ceased (detail: reason)
  assessment: request (detail: reg 10(4) exception, if any), decision-to-assess, refused,
              draft-issued, final-issued, no-plan
  review: meeting, decision-keep|decision-amend (detail: the meeting date), amended-final (the
          amended final plan naming the next setting, which meets a phase transfer, reg 18)

Deterministic (fixed seed, standard library only):
    python examples/generate_events.py            # writes examples/events.csv
    python examples/generate_events.py --check    # exit 1 if the file differs
"""

import csv
import io
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from _output import write_or_check

SEED = 2014
AS_OF = date(2017, 4, 18)
START = date(2014, 9, 1)  # transfer reviews could start from this date (SI 2014/2270)
HEADER = ["case_ref", "date", "clock", "event", "detail"]
# Of the EHC plans issued each year, how many came from a new assessment (Rutland SEN2:
# new plans 2015 14, 2016 22; 2017 by mid-April about 5); the rest are transfers.
NEW_PLANS = {2014: 0, 2015: 14, 2016: 22, 2017: 5}
NO_PLAN_TRANSFERS = [
    date(2015, 3, 20),
    date(2015, 7, 10),
    date(2015, 11, 5),
    date(2016, 6, 17),
    date(2017, 1, 26),
    date(2017, 3, 9),
]
CEASED_TRANSFERS = [(date(2015, 12, 2), "needs-met"), (date(2016, 10, 12), "needs-met")]
EXCEPTIONS = ["school-closure", "personal", "absent", "school-closure"]


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


def year_group(dob: date) -> int:
    """Reception = 0, as generate.py (England: age on 31 August), for the year of AS_OF."""
    start = AS_OF.year if AS_OF.month >= 9 else AS_OF.year - 1
    return start - dob.year - (1 if (dob.month, dob.day) > (8, 31) else 0) - 4


def rand_between(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randrange((hi - lo).days + 1))


class History:
    def __init__(self):
        self.rows: list[tuple] = []
        self.seq = 0

    def add(self, ref: str, on: date, clock: str, event: str, detail: str = "") -> None:
        assert on <= AS_OF, (ref, on, clock, event)
        self.seq += 1
        self.rows.append((on.isoformat(), ref, self.seq, clock, event, detail))

    def text(self) -> str:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(HEADER)
        # register openings first, then by date; a case's own events keep their order
        for on, ref, _, clock, event, detail in sorted(
            self.rows,
            key=lambda r: (r[3] != "register", r[0] if r[3] != "register" else "", r[1], r[2]),
        ):
            w.writerow([ref, on, clock, event, detail])
        return out.getvalue()


def transfer(
    h: History,
    rng: random.Random,
    ref: str,
    final: date,
    outcome: str = "final-issued",
    reason: str = "",
) -> date:
    """A concluded transfer review ending on `final`; returns its start."""
    weeks = rng.choice([10, 12, 13, 14, 15, 16, 17, 17, 18, 20, 23])
    start = max(START, final - timedelta(weeks=weeks))
    h.add(ref, start, "transfer", "start", (start - timedelta(days=14)).isoformat())
    if outcome == "final-issued":
        draft = start + timedelta(days=max(1, ((final - start).days * 2) // 3))
        if draft >= final:
            draft = final - timedelta(days=1) if final - timedelta(days=1) >= start else start
        h.add(ref, draft, "transfer", "draft-issued")
        h.add(ref, final, "transfer", "final-issued")
    elif outcome == "ceased":
        h.add(ref, final, "transfer", "ceased", reason)
    else:
        h.add(ref, final, "transfer", "no-plan")
    return start


def new_plan(
    h: History, rng: random.Random, ref: str, final: date, late: bool, exception: str
) -> None:
    """A new assessment ending in a final plan on `final` (within 20 weeks unless late)."""
    weeks = rng.choice([21, 22, 24, 26]) if late else rng.choice([15, 16, 17, 18, 19, 19, 20])
    received = final - timedelta(weeks=weeks, days=0 if late else rng.randrange(0, 5))
    h.add(ref, received, "assessment", "request", exception)
    h.add(
        ref,
        received + timedelta(days=rng.choice([28, 35, 38, 41, 42, 42])),
        "assessment",
        "decision-to-assess",
    )
    h.add(ref, final - timedelta(days=rng.choice([20, 24, 28, 35])), "assessment", "draft-issued")
    h.add(ref, final, "assessment", "final-issued")


def reviews(
    h: History,
    rng: random.Random,
    ref: str,
    dob: date,
    anchor: date,
    until: date,
    phase_year: bool,
    skip_rate: float = 0.15,
    phase_last_day: date | None = None,
) -> None:
    """Annual reviews from `anchor` (plan issued) to `until`: mostly in the three weeks before
    they fall due (every 12 months; 6 for under-5s), a few late, and a few children whose last
    review was missed (their clock shows overdue)."""
    last = anchor
    while True:
        months = 6 if last < add_months(dob, 60) else 12
        nxt = add_months(last, months) - timedelta(days=rng.randrange(0, 21))
        if rng.random() < 0.06:
            nxt = add_months(last, months) + timedelta(days=rng.randrange(10, 50))  # a late review
        amend = rng.random() < 0.25
        if phase_year and date(2016, 9, 1) <= nxt <= date(2017, 8, 31) and rng.random() < 0.85:
            # the phase-transfer review: held in the autumn term, plan amended before 15 February
            nxt = max(
                last + timedelta(days=120), rand_between(rng, date(2016, 10, 3), date(2017, 1, 13))
            )
            amend = True
        if nxt >= until or nxt > AS_OF:
            return
        if nxt < START or nxt <= last:
            last = nxt
            continue
        if (
            AS_OF - timedelta(days=200) < nxt < AS_OF - timedelta(days=30)
            and rng.random() < skip_rate
        ):
            return  # this child's latest review was missed: the clock runs on, overdue
        h.add(ref, nxt, "review", "meeting")
        decided = nxt + timedelta(days=rng.choice([3, 7, 10, 14, 18, 21, 25, 27, 35]))
        if decided <= AS_OF and not (AS_OF - nxt).days < 20:
            h.add(
                ref,
                decided,
                "review",
                "decision-amend" if amend else "decision-keep",
                nxt.isoformat(),
            )
            if amend and phase_last_day and date(2016, 9, 1) <= nxt <= phase_last_day:
                # the amended final plan naming the next school: mostly before the reg 18 date
                # (its own random stream, so the rest of the history stays as it was)
                own = random.Random(f"{SEED}-{ref}-amended")
                final = decided + timedelta(days=own.choice([14, 21, 28, 35, 42]))
                if own.random() < 0.9:
                    final = min(final, phase_last_day - timedelta(days=own.randrange(0, 10)))
                final = max(final, decided)
                if final <= AS_OF:
                    h.add(ref, final, "review", "amended-final")
        last = nxt


def phase_last_day(c: dict) -> date | None:
    """Reg 18's last lawful day for a child moving phase in September 2017: before 15 February
    (before 31 March from Year 11)."""
    if not c["phase"]:
        return None
    return date(2017, 3, 30) if c["yg"] == 11 else date(2017, 2, 14)


def generate() -> str:
    rng = random.Random(SEED)
    here = Path(__file__).resolve().parent
    with open(here / "cases.csv", encoding="utf-8", newline="") as f:
        cases = list(csv.DictReader(f))
    h = History()
    for c in cases:
        c["dob"] = date.fromisoformat(c["date_of_birth"])
        c["yg"] = year_group(c["dob"])
        c["phase"] = c["yg"] in (-1, 6, 11)  # N2, Year 6, Year 11 in 2016-17 (reg 18)

    def statement_date(c) -> date:
        lo = max(c["dob"] + timedelta(days=4 * 365), date(2006, 9, 1))
        return rand_between(rng, min(lo, date(2014, 6, 30)), date(2014, 6, 30))

    # --- EHC plans: transfers or new assessments, by the year the plan was issued -----------------
    ehcps = [c for c in cases if c["plan_type"] == "ehcp"]
    by_year: dict[int, list] = {}
    for c in ehcps:
        by_year.setdefault(int(c["plan_issued_on"][:4]), []).append(c)
    late_budget = {2015: 5, 2016: 7, 2017: 2}
    exceptions = list(EXCEPTIONS)
    for year in sorted(by_year):
        group = sorted(by_year[year], key=lambda c: c["case_ref"])
        # young children cannot have held a statement long: they come from new assessments first
        group.sort(key=lambda c: (c["dob"] < date(2011, 9, 1), rng.random()))
        n_new = NEW_PLANS.get(year, 0)
        for i, c in enumerate(group):
            final = date.fromisoformat(c["plan_issued_on"])
            ref = c["case_ref"]
            if i < n_new or final < START + timedelta(days=30):
                late = late_budget.get(year, 0) > 0 and rng.random() < 0.4
                if late:
                    late_budget[year] -= 1
                exc = exceptions.pop() if late and exceptions and year >= 2016 else ""
                h.add(ref, START, "register", "opening", "sen_support")
                new_plan(h, rng, ref, final, late, exc)
            else:
                h.add(ref, statement_date(c), "register", "opening", "statement")
                transfer(h, rng, ref, final)
            reviews(
                h, rng, ref, c["dob"], final, AS_OF, c["phase"], phase_last_day=phase_last_day(c)
            )

    # --- statements still to transfer (cases.csv: plan_type statement) ---------------------------
    statements = sorted(
        (c for c in cases if c["plan_type"] == "statement"), key=lambda c: c["case_ref"]
    )
    # children moving phase this year were prioritised: most of them have started
    statements.sort(key=lambda c: (not c["phase"], rng.random()))
    for i, c in enumerate(statements):
        ref = c["case_ref"]
        started = None
        if i < 24:
            # in progress: started between October 2016 and mid-April 2017; some draft plans out
            started = rand_between(rng, date(2016, 10, 3), date(2017, 4, 7))
        last_review_until = started or AS_OF
        reviews(
            h,
            rng,
            ref,
            c["dob"],
            date.fromisoformat(c["plan_issued_on"]),
            last_review_until,
            c["phase"],
            skip_rate=0.1,
        )
        if started:
            h.add(ref, started, "transfer", "start", (started - timedelta(days=14)).isoformat())
            if (AS_OF - started).days > 70 and rng.random() < 0.6:
                h.add(
                    ref, started + timedelta(days=rng.randrange(55, 70)), "transfer", "draft-issued"
                )

    # --- statements that ended with no plan, or ceased: those children are on SEN support now ---
    support = [
        c
        for c in cases
        if c["plan_type"] == "sen_support" and 7 <= c["yg"] <= 12 and c["primary_need"] != "NSA"
    ]
    rng.shuffle(support)
    chosen = sorted(
        support[: len(NO_PLAN_TRANSFERS) + len(CEASED_TRANSFERS)], key=lambda c: c["case_ref"]
    )
    ends = [(d, "no-plan", "") for d in NO_PLAN_TRANSFERS] + [
        (d, "ceased", r) for d, r in CEASED_TRANSFERS
    ]
    for c, (end, outcome, reason) in zip(chosen, ends, strict=True):
        h.add(c["case_ref"], statement_date(c), "register", "opening", "statement")
        transfer(h, rng, c["case_ref"], end, outcome, reason)
    used = {c["case_ref"] for c in chosen}

    # --- new assessment requests that did not end in a plan, and requests still open ----------------
    others = [c for c in cases if c["plan_type"] == "sen_support" and c["case_ref"] not in used]
    rng.shuffle(others)
    pool = iter(others)
    for _ in range(8):  # refused
        c = next(pool)
        rec = rand_between(rng, date(2015, 3, 1), date(2017, 1, 31))
        h.add(c["case_ref"], rec, "assessment", "request")
        h.add(
            c["case_ref"],
            rec + timedelta(days=rng.choice([30, 38, 41, 42])),
            "assessment",
            "refused",
        )
    for _ in range(3):  # assessed, no plan
        c = next(pool)
        rec = rand_between(rng, date(2015, 6, 1), date(2016, 9, 30))
        h.add(c["case_ref"], rec, "assessment", "request")
        h.add(c["case_ref"], rec + timedelta(days=40), "assessment", "decision-to-assess")
        h.add(
            c["case_ref"], rec + timedelta(days=rng.choice([98, 105, 112])), "assessment", "no-plan"
        )
    # open requests as at 18 April 2017, received over the last 20 weeks
    open_received = [
        date(2016, 11, 21),
        date(2016, 12, 5),
        date(2017, 1, 9),
        date(2017, 1, 23),
        date(2017, 2, 6),
        date(2017, 2, 27),
        date(2017, 3, 6),
        date(2017, 3, 13),
        date(2017, 3, 27),
        date(2017, 4, 10),
    ]
    for rec in open_received:
        c = next(pool)
        exc = "absent" if rec == date(2016, 12, 5) else ""
        h.add(c["case_ref"], rec, "assessment", "request", exc)
        age = (AS_OF - rec).days
        if age > 44 or (age > 30 and rng.random() < 0.5):
            h.add(
                c["case_ref"],
                rec + timedelta(days=min(age, rng.choice([35, 39, 42]))),
                "assessment",
                "decision-to-assess",
            )
            if age > 112:
                h.add(c["case_ref"], rec + timedelta(days=105), "assessment", "draft-issued")
    return h.text()


def main(argv: list[str]) -> int:
    return write_or_check("events.csv", generate(), "events", argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
