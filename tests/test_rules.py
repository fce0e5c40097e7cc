"""The rules table: every statutory figure is data with a legal reference, and nowhere else."""

import re
from datetime import date
from pathlib import Path

from sendctl.domain import rules as R

PKG = Path(__file__).resolve().parent.parent / "sendctl"
CLOCK_FILES = [
    PKG / "domain" / "clocks.py",
    PKG / "domain" / "engine.py",
    PKG / "domain" / "counting.py",
    PKG / "storage" / "clocks.py",
    PKG / "cli" / "clocks.py",
]


def test_every_rule_has_a_reference():
    assert len(R.RULES) >= 20
    for rule in R.RULES.values():
        assert rule.reference.strip(), rule.key
        assert rule.unit, rule.key


def test_the_key_figures():
    assert R.TRANSFER_WEEKS_FROM_START == 18
    assert R.TRANSFER_WEEKS_18_FROM == date(2015, 9, 1)
    assert R.TRANSFER_OLD_WEEKS == 14
    assert R.TRANSFER_NOTICE_DAYS == 14
    assert R.STATUTORY_END == date(2018, 3, 31)
    assert (R.ASSESS_DECISION_WEEKS, R.ASSESS_NO_PLAN_WEEKS, R.ASSESS_FINAL_WEEKS) == (6, 16, 20)
    assert (R.REVIEW_MONTHS, R.REVIEW_UNDER5_MONTHS, R.REVIEW_DECISION_WEEKS) == (12, 6, 4)
    assert R.PHASE_TRANSFER_FEB == (2, 15) and R.PHASE_TRANSFER_POST16 == (3, 31)
    # notice + 20 weeks = start + 18 weeks when notice is the minimum 14 days
    assert (
        R.TRANSFER_WEEKS_FROM_NOTICE * 7 == R.TRANSFER_WEEKS_FROM_START * 7 + R.TRANSFER_NOTICE_DAYS
    )


def test_regimes_newest_first():
    starts = [r.from_on for r in R.TRANSFER_REGIMES]
    assert starts == sorted(starts, reverse=True)
    assert starts[-1] == R.TRANSITION_START


def test_bank_holidays_of_domain_section_8():
    assert len(R.BANK_HOLIDAYS) == 32
    assert date(2018, 3, 30) in R.BANK_HOLIDAYS  # Good Friday 2018
    assert date(2016, 12, 27) in R.BANK_HOLIDAYS  # substitute day
    assert all(d.weekday() < 5 for d in R.BANK_HOLIDAYS)
    assert R.BANK_HOLIDAY_YEARS == {2015, 2016, 2017, 2018}


def test_no_statutory_literal_outside_rules():
    """Dates, week counts and month counts live in rules.py only (issue 4)."""
    patterns = [
        re.compile(r"\bdate\(\s*20\d\d"),  # a date literal
        re.compile(r"['\"]20\d\d-\d\d-\d\d['\"]"),  # an ISO date string
        re.compile(r"\bweeks=\s*\d"),  # timedelta(weeks=18)
        re.compile(r"\bmonths=\s*\d"),  # relativedelta(months=12)
        re.compile(r"\b(add_weeks|add_months)\([^)]*,\s*\d+\)"),
    ]
    bad = []
    for f in CLOCK_FILES:
        for n, line in enumerate(f.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if '"""' in line or code.strip().startswith(("Example:", "e.g.")):
                continue
            for p in patterns:
                if p.search(code):
                    bad.append(f"{f.name}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad)
