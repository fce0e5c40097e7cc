"""Every statutory number and date the clocks use, as data, each with its legal reference.

No statutory literal (a week count, a fixed date, a month count) appears anywhere else in the
code: domain/clocks.py, the storage queries and the commands read them from here. The law is
summarised in shared/domain.md §1-3 and §8 (rules 1-21); each entry below cites it.

Where domain.md is unsure, the choice made is marked CHOICE and is a single value to change.
"""

from datetime import date
from typing import NamedTuple


class Rule(NamedTuple):
    """One statutory figure: its value, unit and where the law says so."""

    key: str
    value: object
    unit: str  # weeks | days | months | years | date | month-day
    reference: str
    note: str = ""


RULES: dict[str, Rule] = {}


def _rule(key: str, value, unit: str, reference: str, note: str = ""):
    RULES[key] = Rule(key, value, unit, reference, note)
    return value


# --- statement -> EHCP transfer (domain.md §1; rules 1-6) ----------------------------------------

TRANSITION_START = _rule(
    "transition_start", date(2014, 9, 1), "date",
    "CFA 2014 (Transitional and Saving Provisions) (No. 2) Order 2014, SI 2014/2270, Part 5",
    "transfer reviews could start from this date; an earlier start is refused",
)
STATUTORY_END = _rule(
    "transfer_statutory_end", date(2018, 3, 31), "date",
    "SI 2014/2270 art 14(5) ('before 1 April 2018'); Minister's letter 12 Sep 2017 (domain.md §1, rule 4)",
    "statements not transferred by then stay in force and are flagged overdue (art 17, rule 5)",
)
TRANSFER_NOTICE_DAYS = _rule(
    "transfer_notice_days", 14, "days",
    "SI 2014/2270 as amended: at least 2 weeks' notice before the review starts (domain.md §1, rule 1)",
    "the notice date defaults to start - 14 days",
)
TRANSFER_WEEKS_18_FROM = _rule(
    "transfer_18_weeks_from", date(2015, 9, 1), "date",
    "DfE transition advice (Sep 2015): reviews starting on/after 1 Sep 2015 (domain.md §1, rule 2)",
)
TRANSFER_WEEKS_FROM_START = _rule(
    "transfer_weeks_from_start", 18, "weeks",
    "final EHCP within 18 weeks of the start (= 20 weeks from notice), domain.md §1, rule 2",
)
TRANSFER_WEEKS_FROM_NOTICE = _rule(
    "transfer_weeks_from_notice", 20, "weeks",
    "the same limit counted from the notice (Suffolk practice), domain.md §1",
    "used only when TRANSFER_ANCHOR is 'notice'",
)
TRANSFER_14_WEEKS_FROM_START_FROM = _rule(
    "transfer_14_weeks_start_from", date(2015, 3, 3), "date",
    "DfE revised transition guidance of 3 Mar 2015 (Order amended), domain.md §1, rule 3",
    "approximate per domain.md (the amending SI was not verified)",
)
TRANSFER_OLD_WEEKS = _rule(
    "transfer_old_weeks", 14, "weeks",
    "SI 2014/2270 as made and as amended Mar 2015: 14 weeks (domain.md §1, rule 3)",
    "from the notice for starts before 3 Mar 2015; from the start from 3 Mar to 31 Aug 2015",
)
# CHOICE (domain.md §1: "make the anchor configurable"): the 18-week clock counts from the
# start of the review. Set to "notice" for notice + 20 weeks instead (the Suffolk reading).
TRANSFER_ANCHOR = _rule(
    "transfer_anchor", "start", "text",
    "domain.md §1: some LAs anchored on the notice date; both dates are stored",
    "CHOICE: 'start' (start + 18 weeks); 'notice' gives notice + 20 weeks",
)


class TransferRegime(NamedTuple):
    """Which per-child limit applies to a review starting on or after `from_on`."""

    from_on: date
    anchor: str  # "start" or "notice"
    weeks: int
    reference: str


# Newest first: the first regime whose from_on <= start applies (rules 2-3).
TRANSFER_REGIMES = (
    TransferRegime(TRANSFER_WEEKS_18_FROM, "start", TRANSFER_WEEKS_FROM_START,
                   RULES["transfer_weeks_from_start"].reference),
    TransferRegime(TRANSFER_14_WEEKS_FROM_START_FROM, "start", TRANSFER_OLD_WEEKS,
                   "domain.md §1 rule 3: 3 Mar-31 Aug 2015, start + 14 weeks"),
    TransferRegime(TRANSITION_START, "notice", TRANSFER_OLD_WEEKS,
                   "domain.md §1 rule 3: Order as made, notice + 14 weeks"),
)

# The academic year starts in September; a "transfer year" is the calendar year in which the
# academic year ends (a Year 6 child in 2016/17 moves to secondary in September 2017).
ACADEMIC_YEAR_START_MONTH = _rule(
    "academic_year_start_month", 9, "month",
    "Education Act 1996 s.4 / school term convention (not statutory text; used to date transfer years)",
)


class GroupDeadline(NamedTuple):
    """A transfer group deadline of SI 2014/2270 arts 12-14 (rule 4).

    Applies to a child in `year_group` (in the academic year ending in one of `years`);
    the deadline is `month_day` of that year.
    """

    year_groups: tuple[str, ...]
    years: tuple[int, ...]
    month_day: tuple[int, int]
    reference: str
    setting_contains: str | None = None  # e.g. infant schools only


TRANSFER_GROUP_DEADLINES = (
    GroupDeadline(("11",), (2015,), (5, 31),
                  "SI 2014/2270 art 12: transferring to post-16 in 2015, by 31 May 2015"),
    GroupDeadline(("11",), (2016, 2017), (3, 31),
                  "SI 2014/2270 art 14(3)(a): phase transfer to post-16 in 2016/2017, before 31 March"),
    GroupDeadline(("N2", "6"), (2016, 2017), (2, 15),
                  "SI 2014/2270 art 14(3)(b): other phase transfers in 2016/2017, before 15 February"),
    GroupDeadline(("2",), (2016, 2017), (2, 15),
                  "SI 2014/2270 art 14(3)(b): infant to junior in 2016/2017, before 15 February",
                  setting_contains="infant"),
    # CHOICE: "before the child starts Year 10" is taken as 31 August of the year they enter
    # Year 10 (school years start in early September).
    GroupDeadline(("9",), (2017, 2018), (8, 31),
                  "SI 2014/2270 art 14(3)(c): entering Year 9 in 2016/2017, before starting Year 10"),
)

# --- new EHC needs assessments (domain.md §2; rules 8-14) ------------------------------------------

ASSESS_DECISION_WEEKS = _rule(
    "assessment_decision_weeks", 6, "weeks",
    "SEND Regulations 2014 (SI 2014/1530) reg 5(1); exceptions reg 5(4) (rule 8)",
)
ASSESS_NO_PLAN_WEEKS = _rule(
    "assessment_no_plan_weeks", 16, "weeks",
    "SI 2014/1530 reg 10(1); exceptions reg 10(4) (rule 10)",
)
ASSESS_FINAL_WEEKS = _rule(
    "assessment_final_weeks", 20, "weeks",
    "SI 2014/1530 reg 13(2); exceptions reg 13(3) (rule 12)",
)
ADVICE_WEEKS = _rule(
    "advice_weeks", 6, "weeks", "SI 2014/1530 reg 8 (rule 9)",
)
DRAFT_COMMENT_DAYS = _rule(
    "draft_comment_days", 15, "days",
    "SI 2014/1530 reg 13(1), CoP 9.41: at least 15 days beginning with the day served (rule 11)",
    "last comment day = served + 14",
)

# reg 10(4)(a)-(d) exceptions (rule 13): key -> (SEN2 reason, reference)
ASSESSMENT_EXCEPTIONS = {
    "school-closure": ("SCHOOL_CLOSURE", "SI 2014/1530 reg 10(4)(a)"),
    "ey-closure": ("EY_CLOSURE", "SI 2014/1530 reg 10(4)(b)"),
    "personal": ("PERSONAL", "SI 2014/1530 reg 10(4)(c)"),
    "absent": ("ABSENT_4_WEEKS", "SI 2014/1530 reg 10(4)(d)"),
}

# --- annual reviews and phase transfers (domain.md §3; rules 15-19) -------------------------------

REVIEW_MONTHS = _rule(
    "review_months", 12, "months",
    "CFA 2014 s.44; CoP 9.168-9.169: at least every 12 months from issue, then from the last review (rule 15)",
    "CHOICE: counted from the later of plan_issued_on and the last review meeting",
)
REVIEW_UNDER5_MONTHS = _rule(
    "review_under5_months", 6, "months",
    "CoP 9.178: under-5s 'should consider' every 3-6 months (domain.md §3, unverified; design §4 says 6)",
    "CHOICE: 6 months, for a child under REVIEW_UNDER5_AGE on the anchor date",
)
REVIEW_UNDER5_AGE = _rule(
    "review_under5_age", 5, "years", "CoP 9.178 (children under 5)",
)
REVIEW_DECISION_WEEKS = _rule(
    "review_decision_weeks", 4, "weeks",
    "SI 2014/1530 reg 20(10): decision notified within 4 weeks of the meeting (rule 17)",
)
REVIEW_REPORT_WEEKS = _rule(
    "review_report_weeks", 2, "weeks", "SI 2014/1530 reg 20(7)-(8) (rule 17)",
)
REVIEW_NOTICE_WEEKS = _rule(
    "review_notice_weeks", 2, "weeks", "SI 2014/1530 reg 20(3)-(4) (rule 16)",
)
AMENDED_FINAL_WEEKS = _rule(
    "amended_final_weeks", 8, "weeks", "SI 2014/1530 reg 22 (rule 18)",
)


class PhaseTransfer(NamedTuple):
    """Reg 18: a child in the last year of a phase has a review-and-amend deadline."""

    year_group: str
    to_phase: str
    month_day: tuple[int, int]
    reference: str
    setting_contains: str | None = None


PHASE_TRANSFER_FEB = _rule(
    "phase_transfer_date", (2, 15), "month-day",
    "SI 2014/1530 reg 18(1)(a): amended plan before 15 February of the year of transfer (rule 19)",
)
PHASE_TRANSFER_POST16 = _rule(
    "phase_transfer_post16_date", (3, 31), "month-day",
    "SI 2014/1530 reg 18(1)(b): secondary to post-16, before 31 March (rule 19)",
)
# CHOICE: the last year of each phase, by year group (no middle schools in Rutland; add rows
# for first->middle/middle->upper if needed). Infant->junior only where the setting is an
# infant school (its name or type contains "infant").
PHASE_TRANSFERS = (
    PhaseTransfer("N2", "school", PHASE_TRANSFER_FEB, RULES["phase_transfer_date"].reference),
    PhaseTransfer("2", "junior", PHASE_TRANSFER_FEB, RULES["phase_transfer_date"].reference,
                  setting_contains="infant"),
    PhaseTransfer("6", "secondary", PHASE_TRANSFER_FEB, RULES["phase_transfer_date"].reference),
    PhaseTransfer("11", "post-16", PHASE_TRANSFER_POST16, RULES["phase_transfer_post16_date"].reference),
)

# --- working days (domain.md §8; rules 20-21) -----------------------------------------------------

INTER_LA_TRANSFER_WORKING_DAYS = _rule(
    "inter_la_transfer_working_days", 15, "working days",
    "SI 2014/1530 reg 15(2): plan passes within 15 working days (rule 20)",
)

# England & Wales bank holidays, domain.md §8 (computed from the standard rules; keep as data:
# ad-hoc moves happen). Working-day maths refuses dates outside the years listed here.
BANK_HOLIDAYS = frozenset({
    date(2015, 1, 1), date(2015, 4, 3), date(2015, 4, 6), date(2015, 5, 4), date(2015, 5, 25),
    date(2015, 8, 31), date(2015, 12, 25), date(2015, 12, 28),
    date(2016, 1, 1), date(2016, 3, 25), date(2016, 3, 28), date(2016, 5, 2), date(2016, 5, 30),
    date(2016, 8, 29), date(2016, 12, 26), date(2016, 12, 27),
    date(2017, 1, 2), date(2017, 4, 14), date(2017, 4, 17), date(2017, 5, 1), date(2017, 5, 29),
    date(2017, 8, 28), date(2017, 12, 25), date(2017, 12, 26),
    date(2018, 1, 1), date(2018, 3, 30), date(2018, 4, 2), date(2018, 5, 7), date(2018, 5, 28),
    date(2018, 8, 27), date(2018, 12, 25), date(2018, 12, 26),
})
BANK_HOLIDAY_YEARS = frozenset(d.year for d in BANK_HOLIDAYS)
RULES["bank_holidays"] = Rule(
    "bank_holidays", BANK_HOLIDAYS, "dates",
    "domain.md §8 (England & Wales 2015-2018); 'working day' per SI 2001/600 reg 2",
)
