"""Every statutory number and date the clocks use, as data, each with its legal reference.

No statutory literal (a week count, a fixed date, a month count) appears anywhere else in the
code: domain/clocks.py, the storage queries and the commands read them from here. The law is
summarised in shared/-3 and §8; each entry below cites it.

Where the sources are unsure, the choice made is marked CHOICE and is a single value to change.
"""

from datetime import date
from typing import NamedTuple, TypeVar


class Rule(NamedTuple):
    """One statutory figure: its value, unit and where the law says so."""

    key: str
    value: object
    unit: str  # weeks | days | months | years | date | month-day
    reference: str
    note: str = ""


RULES: dict[str, Rule] = {}


T = TypeVar("T")


def _rule(key: str, value: T, unit: str, reference: str, note: str = "") -> T:
    RULES[key] = Rule(key, value, unit, reference, note)
    return value


# --- statement -> EHCP transfer (; rules 1-6) ----------------------------------------

TRANSITION_START = _rule(
    "transition_start",
    date(2014, 9, 1),
    "date",
    "CFA 2014 (Transitional and Saving Provisions) (No. 2) Order 2014, SI 2014/2270, Part 5",
    "transfer reviews could start from this date; an earlier start is refused",
)
STATUTORY_END = _rule(
    "transfer_statutory_end",
    date(2018, 3, 31),
    "date",
    "SI 2014/2270 art 14(5) ('before 1 April 2018'); Minister's letter 12 Sep 2017",
    "statements not transferred by then stay in force and are flagged overdue (art 17)",
)
TRANSFER_NOTICE_DAYS = _rule(
    "transfer_notice_days",
    14,
    "days",
    "SI 2014/2270 as amended: at least 2 weeks' notice before the review starts",
    "the notice date defaults to start - 14 days",
)
TRANSFER_WEEKS_18_FROM = _rule(
    "transfer_18_weeks_from",
    date(2015, 9, 1),
    "date",
    "DfE transition advice (Sep 2015): reviews starting on/after 1 Sep 2015",
)
TRANSFER_WEEKS_FROM_START = _rule(
    "transfer_weeks_from_start",
    18,
    "weeks",
    "final EHCP within 18 weeks of the start (= 20 weeks from notice)",
)
TRANSFER_WEEKS_FROM_NOTICE = _rule(
    "transfer_weeks_from_notice",
    20,
    "weeks",
    "the same limit counted from the notice (Suffolk practice)",
    "used only when TRANSFER_ANCHOR is 'notice'",
)
TRANSFER_14_WEEKS_FROM_START_FROM = _rule(
    "transfer_14_weeks_start_from",
    date(2015, 3, 3),
    "date",
    "DfE revised transition guidance of 3 Mar 2015 (Order amended)",
    "approximate: the amending SI's text was not verified",
)
TRANSFER_OLD_WEEKS = _rule(
    "transfer_old_weeks",
    14,
    "weeks",
    "SI 2014/2270 as made and as amended Mar 2015: 14 weeks",
    "from the notice for starts before 3 Mar 2015; from the start from 3 Mar to 31 Aug 2015",
)
# CHOICE (: "make the anchor configurable"): the 18-week clock counts from the
# start of the review. Set to "notice" for notice + 20 weeks instead (the Suffolk reading).
TRANSFER_ANCHOR = _rule(
    "transfer_anchor",
    "start",
    "text",
    ": some LAs anchored on the notice date; both dates are stored",
    "CHOICE: 'start' (start + 18 weeks); 'notice' gives notice + 20 weeks",
)


class TransferRegime(NamedTuple):
    """Which per-child limit applies to a review starting on or after `from_on`."""

    from_on: date
    anchor: str  # "start" or "notice"
    weeks: int
    reference: str


# Newest first: the first regime whose from_on <= start applies.
TRANSFER_REGIMES = (
    TransferRegime(
        TRANSFER_WEEKS_18_FROM,
        "start",
        TRANSFER_WEEKS_FROM_START,
        RULES["transfer_weeks_from_start"].reference,
    ),
    TransferRegime(
        TRANSFER_14_WEEKS_FROM_START_FROM,
        "start",
        TRANSFER_OLD_WEEKS,
        "SI 2014/2270 as amended: 3 Mar-31 Aug 2015, start + 14 weeks",
    ),
    TransferRegime(
        TRANSITION_START, "notice", TRANSFER_OLD_WEEKS, "SI 2014/2270 as made: notice + 14 weeks"
    ),
)

# The academic year starts in September; a "transfer year" is the calendar year in which the
# academic year ends (a Year 6 child in 2016/17 moves to secondary in September 2017).
ACADEMIC_YEAR_START_MONTH = _rule(
    "academic_year_start_month",
    9,
    "month",
    "Education Act 1996 s.4 / school term convention (not statutory text; used to date transfer years)",
)


# --- new EHC needs assessments (; rules 8-14) ------------------------------------------

ASSESS_DECISION_WEEKS = _rule(
    "assessment_decision_weeks",
    6,
    "weeks",
    "SEND Regulations 2014 (SI 2014/1530) reg 5(1); exceptions reg 5(4)",
)
ASSESS_NO_PLAN_WEEKS = _rule(
    "assessment_no_plan_weeks",
    16,
    "weeks",
    "SI 2014/1530 reg 10(1); exceptions reg 10(4)",
)
ASSESS_FINAL_WEEKS = _rule(
    "assessment_final_weeks",
    20,
    "weeks",
    "SI 2014/1530 reg 13(2); exceptions reg 13(3)",
)
ADVICE_WEEKS = _rule(
    "advice_weeks",
    6,
    "weeks",
    "SI 2014/1530 reg 8",
)
DRAFT_COMMENT_DAYS = _rule(
    "draft_comment_days",
    15,
    "days",
    "SI 2014/1530 reg 13(1), CoP 9.41: at least 15 days beginning with the day served",
    "last comment day = served + 14",
)

# reg 10(4)(a)-(d) exceptions: key -> (SEN2 reason, reference)
ASSESSMENT_EXCEPTIONS = {
    "school-closure": ("SCHOOL_CLOSURE", "SI 2014/1530 reg 10(4)(a)"),
    "ey-closure": ("EY_CLOSURE", "SI 2014/1530 reg 10(4)(b)"),
    "personal": ("PERSONAL", "SI 2014/1530 reg 10(4)(c)"),
    "absent": ("ABSENT_4_WEEKS", "SI 2014/1530 reg 10(4)(d)"),
}

# --- annual reviews and phase transfers (; rules 15-19) -------------------------------

REVIEW_MONTHS = _rule(
    "review_months",
    12,
    "months",
    "CFA 2014 s.44(1): 'in the period of 12 months starting with' the plan first made, then the last review",
    "the period includes its first day: it ends the day before the anniversary",
)
REVIEW_UNDER5_MONTHS = _rule(
    "review_under5_months",
    6,
    "months",
    "SEND Code of Practice 9.178: under-5s 'at least every three to six months' (guidance)",
    "CHOICE: 6 months; shown with status guidance, never overdue",
)
MOVE_IN_REVIEW_MONTHS = _rule(
    "move_in_review_months",
    3,
    "months",
    "SEND Regs 2014 reg 15(5): a plan transferred in is reviewed within 3 months of the transfer at the earliest",
)
REVIEW_UNDER5_AGE = _rule(
    "review_under5_age",
    5,
    "years",
    "CoP 9.178 (children under 5)",
)
REVIEW_DECISION_WEEKS = _rule(
    "review_decision_weeks",
    4,
    "weeks",
    "SI 2014/1530 reg 20(10): decision notified within 4 weeks of the meeting",
)
REVIEW_REPORT_WEEKS = _rule(
    "review_report_weeks",
    2,
    "weeks",
    "SI 2014/1530 reg 20(7)-(8)",
)
REVIEW_NOTICE_WEEKS = _rule(
    "review_notice_weeks",
    2,
    "weeks",
    "SI 2014/1530 reg 20(3)-(4)",
)
AMENDED_FINAL_WEEKS = _rule(
    "amended_final_weeks",
    8,
    "weeks",
    "SI 2014/1530 reg 22",
)


# Reg 18 named dates (the statute says "before" them: the last lawful day is the day before).
PHASE_TRANSFER_FEB = _rule(
    "phase_transfer_date",
    (2, 15),
    "month-day",
    "SEND Regs 2014 reg 18(1)(b): 'before— 15 February in the calendar year of the child's transfer'",
    "last lawful day 14 February",
)
PHASE_TRANSFER_POST16 = _rule(
    "phase_transfer_post16_date",
    (3, 31),
    "month-day",
    "SEND Regs 2014 reg 18(1)(a): secondary school to a post-16 institution, 'before— 31 March'",
    "last lawful day 30 March",
)


# --- working days (; rules 20-21) -----------------------------------------------------

INTER_LA_TRANSFER_WORKING_DAYS = _rule(
    "inter_la_transfer_working_days",
    15,
    "working days",
    "SI 2014/1530 reg 15(2): plan passes within 15 working days",
)

# England & Wales bank holidays (computed from the standard rules; keep as data:
# ad-hoc moves happen). Working-day maths refuses dates outside the years listed here.
BANK_HOLIDAYS = frozenset(
    {
        date(2015, 1, 1),
        date(2015, 4, 3),
        date(2015, 4, 6),
        date(2015, 5, 4),
        date(2015, 5, 25),
        date(2015, 8, 31),
        date(2015, 12, 25),
        date(2015, 12, 28),
        date(2016, 1, 1),
        date(2016, 3, 25),
        date(2016, 3, 28),
        date(2016, 5, 2),
        date(2016, 5, 30),
        date(2016, 8, 29),
        date(2016, 12, 26),
        date(2016, 12, 27),
        date(2017, 1, 2),
        date(2017, 4, 14),
        date(2017, 4, 17),
        date(2017, 5, 1),
        date(2017, 5, 29),
        date(2017, 8, 28),
        date(2017, 12, 25),
        date(2017, 12, 26),
        date(2018, 1, 1),
        date(2018, 3, 30),
        date(2018, 4, 2),
        date(2018, 5, 7),
        date(2018, 5, 28),
        date(2018, 8, 27),
        date(2018, 12, 25),
        date(2018, 12, 26),
    }
)
BANK_HOLIDAY_YEARS = frozenset(d.year for d in BANK_HOLIDAYS)
RULES["bank_holidays"] = Rule(
    "bank_holidays",
    BANK_HOLIDAYS,
    "dates",
    " (England & Wales 2015-2018); 'working day' per SI 2001/600 reg 2",
)


# --- the rules table: one row per statutory clock rule --------------------------------------------
#
# Each row says which clock it drives, the period in the statute's own words, the phrase that
# turns those words into a last lawful day (domain/counting.py), what the period counts from,
# and the dates between which the rule is law. A change in the law is a new row with its own
# effective dates, never an edit of an old one: a replay (--as-of) of an old day uses the rule
# that was in force then. `effective_from`/`effective_to` compare with the rule's anchor date
# (the start of a transfer review, the receipt of a request, the plan or review date).


class ClockRule(NamedTuple):
    id: str
    clock: str
    period: str  # the figure, e.g. "18 weeks", "12 months", "fixed date"
    phrase: str  # the counting phrase (domain/counting.py): before | within_weeks | ...
    anchor: str  # what the period counts from
    legal_ref: str
    words: str  # the statute's words (or the guidance's, for a guidance row)
    effective_from: date
    effective_to: date | None = None  # last day the rule applies (None: still in force)
    statutory: bool = True  # False: guidance, never a breach


LAW_START = date(2014, 9, 1)  # Part 3 of the Children and Families Act 2014 in force

CLOCK_RULES: tuple[ClockRule, ...] = (
    ClockRule(
        "transfer_notice_14w",
        "transfer",
        "14 weeks",
        "within_weeks",
        "notice of the transfer review",
        "SI 2014/2270 as made (DfE transition guidance, Sep 2014; the Order's text not re-read)",
        "within 14 weeks of the notice of the transfer review (reconstructed from the DfE guidance)",
        TRANSITION_START,
        date(2015, 3, 2),
    ),
    ClockRule(
        "transfer_start_14w",
        "transfer",
        "14 weeks",
        "within_weeks",
        "start of the transfer review",
        "SI 2014/2270 as amended by SI 2015/505 (DfE revised advice, 3 Mar 2015; amending text not verified)",
        "within 14 weeks of the start of the transfer review (reconstructed from the DfE advice)",
        TRANSFER_14_WEEKS_FROM_START_FROM,
        date(2015, 8, 31),
    ),
    ClockRule(
        "transfer_start_18w",
        "transfer",
        "18 weeks",
        "within_weeks",
        "start of the transfer review",
        "SI 2014/2270 as amended by SI 2015/1619 (DfE advice, Sep 2015; amending text not verified)",
        "within 18 weeks of the start of the transfer review, 20 weeks from the notice "
        "(reconstructed from the DfE advice)",
        TRANSFER_WEEKS_18_FROM,
    ),
    ClockRule(
        "transfer_art12_post16_2015",
        "transfer",
        "fixed date",
        "before",
        "year group (Year 11 in 2014/15)",
        "SI 2014/2270 art 12",
        "transferring to a post-16 institution in 2015: 31 May 2015 (read as 'before', as the "
        "Order's other limits)",
        TRANSITION_START,
        date(2015, 5, 30),
    ),
    ClockRule(
        "transfer_art14_3a_post16",
        "transfer",
        "fixed date",
        "before",
        "year group (Year 11, transfer in 2016/2017)",
        "SI 2014/2270 art 14(3)(a)",
        "before 31st March in the calendar year in which the transfer takes place",
        TRANSITION_START,
        date(2017, 3, 30),
    ),
    ClockRule(
        "transfer_art14_3b_phase",
        "transfer",
        "fixed date",
        "before",
        "year group (Year -1 in early years, Year 2 at an infant school, Year 6; transfer in 2016/2017)",
        "SI 2014/2270 art 14(3)(b)",
        "before 15th February in the calendar year in which the transfer takes place",
        TRANSITION_START,
        date(2017, 2, 14),
    ),
    ClockRule(
        "transfer_art14_3c_year9",
        "transfer",
        "fixed date",
        "before",
        "year group (comes to be in Year 9 in 2016/2017)",
        "SI 2014/2270 art 14(3)(c)",
        "before the child begins year 10",
        TRANSITION_START,
        STATUTORY_END,
    ),
    ClockRule(
        "transfer_art14_5_end",
        "transfer",
        "fixed date",
        "before",
        "every statement",
        "SI 2014/2270 art 14(5)",
        "before 1st April 2018",
        TRANSITION_START,
        STATUTORY_END,
    ),
    ClockRule(
        "assessment_decision_6w",
        "assessment_decision",
        "6 weeks",
        "within_weeks",
        "request received",
        "SEND Regs 2014 (SI 2014/1530) reg 5(1); exceptions reg 5(4)",
        "within 6 weeks of receiving the request",
        LAW_START,
    ),
    ClockRule(
        "assessment_no_plan_16w",
        "assessment_no_plan",
        "16 weeks",
        "within_weeks",
        "request received",
        "SEND Regs 2014 reg 10(1); exceptions reg 10(4)",
        "decides that it is not necessary for special educational provision to be made ... in "
        "accordance with an EHC plan, the notification ... must be given ... within 16 weeks",
        LAW_START,
    ),
    ClockRule(
        "assessment_final_20w",
        "assessment_final",
        "20 weeks",
        "within_weeks",
        "request received",
        "SEND Regs 2014 reg 13(2); exceptions reg 13(3)",
        "the finalised EHC plan ... within 20 weeks of the local authority receiving a request",
        LAW_START,
    ),
    ClockRule(
        "annual_review_12m",
        "annual_review",
        "12 months",
        "months_end",
        "plan first made, then the last review concluded",
        "CFA 2014 s.44(1)",
        "in the period of 12 months starting with the date on which the plan was first made, and "
        "in each subsequent period of 12 months starting with the date on which the plan was last reviewed",
        LAW_START,
    ),
    ClockRule(
        "annual_review_statement_12m",
        "annual_review",
        "12 months",
        "months_end",
        "statement made, then the last review",
        "Education Act 1996 s.328(5)(b), saved for statements by SI 2014/2270",
        "within the period of 12 months beginning with the making of the statement, or the previous review",
        TRANSITION_START,
        STATUTORY_END,
    ),
    ClockRule(
        "annual_review_under5_guidance",
        "annual_review",
        "6 months",
        "months_end",
        "plan first made, then the last review concluded (child under 5)",
        "SEND Code of Practice 2015 para 9.178 (guidance)",
        "Local authorities should consider reviewing an EHC plan for a child under five at least "
        "every three to six months",
        LAW_START,
        None,
        False,
    ),
    ClockRule(
        "annual_review_after_move_in",
        "annual_review",
        "12 months / 3 months",
        "months_end",
        "plan made or last reviewed (old LA); the day the plan transferred in",
        "SEND Regs 2014 reg 15(5)",
        "the new authority must review the EHC plan before the expiry of the later of the period "
        "of 12 months beginning with the date the plan was made or last reviewed, and the period "
        "of 3 months beginning with the date of the transfer",
        LAW_START,
    ),
    ClockRule(
        "review_decision_4w",
        "review_decision",
        "4 weeks",
        "within_weeks",
        "review meeting",
        "SEND Regs 2014 reg 20(10)",
        "notify the child's parent ... of its decision within 4 weeks of the review meeting",
        LAW_START,
    ),
    ClockRule(
        "phase_transfer_reg18_3_post16_2015",
        "phase_transfer",
        "fixed date",
        "before",
        "year group (Year 11, to a post-16 institution on 1 Sep 2015)",
        "SEND Regs 2014 reg 18(3)",
        "must amend and review the EHC plan ... before 31 May 2015",
        LAW_START,
        date(2015, 5, 30),
    ),
    ClockRule(
        "phase_transfer_reg18_1a_post16",
        "phase_transfer",
        "fixed date",
        "before",
        "year group (Year 11, secondary school to a post-16 institution)",
        "SEND Regs 2014 reg 18(1)(a)",
        "before— 31 March in the calendar year of the transfer",
        date(2015, 9, 1),
    ),
    ClockRule(
        "phase_transfer_reg18_1b",
        "phase_transfer",
        "fixed date",
        "before",
        "year group (Year -1 in early years, Year 2 at an infant school, Year 6)",
        "SEND Regs 2014 reg 18(1)(b)",
        "before— 15 February in the calendar year of the child's transfer",
        LAW_START,
    ),
    # --- the further clocks (domain/further_clocks.py) ---
    ClockRule(
        "advice_reg8_6w",
        "advice",
        "6 weeks",
        "within_weeks",
        "the body receives the LA's request",
        "SEND Regs 2014 reg 8(1); exceptions reg 8(2)",
        "must comply with such a request within 6 weeks of the date on which they receive it",
        LAW_START,
    ),
    ClockRule(
        "representations_15d",
        "representations",
        "15 days",
        "days_beginning",
        "draft plan or amendment proposals served",
        "SEND Regs 2014 reg 13(1)(a); reg 22(2)(c)",
        "give them at least 15 days, beginning with the day on which the draft plan was served, "
        "in which to make representations",
        LAW_START,
    ),
    ClockRule(
        "review_notice_2w",
        "review_notice",
        "2 weeks",
        "weeks_before",
        "review meeting",
        "SEND Regs 2014 reg 20(3), reg 21(3)",
        "At least two weeks' notice of the date of the meeting must be given",
        LAW_START,
    ),
    ClockRule(
        "review_advice_2w",
        "review_advice",
        "2 weeks",
        "weeks_before",
        "review meeting",
        "SEND Regs 2014 reg 20(4), reg 21(4)",
        "circulate it to all persons invited to attend the meeting at least two weeks in advance "
        "of the review meeting",
        LAW_START,
    ),
    ClockRule(
        "review_report_2w",
        "review_report",
        "2 weeks",
        "within_weeks",
        "review meeting",
        "SEND Regs 2014 reg 21(7); reg 20 for a child at school",
        "must prepare a report ... within two weeks of the review meeting",
        LAW_START,
    ),
    ClockRule(
        "review_proposals_4w",
        "review_proposals",
        "4 weeks",
        "within_weeks",
        "review meeting",
        "SEND Regs 2014 reg 20(10), reg 22(2)(a) (proposals sent with the decision: L v Devon CC "
        "[2022] EWHC 493 (Admin))",
        "a copy of the EHC plan together with a notice specifying the proposed amendments",
        LAW_START,
    ),
    ClockRule(
        "amended_plan_8w",
        "amended_plan",
        "8 weeks",
        "within_weeks",
        "amendment proposals sent",
        "SEND Regs 2014 reg 22(3)",
        "as soon as practicable, and in any event within 8 weeks of the local authority sending a "
        "copy of the EHC plan in accordance with paragraph (2)(a)",
        LAW_START,
    ),
    ClockRule(
        "post16_move_5m",
        "post16_move",
        "5 months",
        "months_before",
        "the proposed move date",
        "SEND Regs 2014 reg 18(2)",
        "must review and amend, where necessary, the young person's EHC plan at least five months "
        "before that transfer takes place",
        LAW_START,
    ),
    ClockRule(
        "reassessment_14w",
        "reassessment",
        "14 weeks",
        "within_weeks",
        "re-assessment notice (reg 25(1)) or the LA's decision to re-assess",
        "SEND Regs 2014 reg 27(2); exceptions reg 27(3)",
        "as soon as practicable, and in any event within 14 weeks of the notification under "
        "regulation 25(1)",
        LAW_START,
    ),
    ClockRule(
        "mediation_contact_2m",
        "mediation",
        "2 months",
        "within_months_after",
        "decision notice sent",
        "SEND Regs 2014 reg 33",
        "must contact the mediation adviser within 2 months after written notice of the local "
        "authority's decision was sent",
        LAW_START,
    ),
    ClockRule(
        "mediation_30d",
        "mediation",
        "30 days",
        "within_days",
        "the LA is told mediation is wanted",
        "SEND Regs 2014 reg 37 (as cited; regulation number not confirmed)",
        "mediation must take place within 30 days of the date on which the authority is informed",
        LAW_START,
    ),
    ClockRule(
        "certificate_3wd",
        "certificate",
        "3 working days",
        "working_days_after",
        "mediation ended, or the parent said they do not want it",
        "SEND Regs 2014 regs 34, 39 (as cited; regulation numbers not confirmed)",
        "the mediation adviser must issue a certificate ... within 3 working days",
        LAW_START,
    ),
    ClockRule(
        "appeal_window",
        "appeal_window",
        "2 months / 1 month",
        "within_months_after",
        "decision notice sent (or mediation certificate issued)",
        "Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 r.20(1)(c)",
        "within 2 months after written notice of the decision being challenged was sent ... or "
        "within 1 month from the date of issue of the mediation certificate if that date would be "
        "a later date",
        LAW_START,
    ),
    *(
        ClockRule(
            rid, "tribunal_order", f"{weeks} weeks", "within_weeks", anchor, ref, words, LAW_START
        )
        for rid, weeks, anchor, ref, words in (
            (
                "tribunal_assess_notify_2w",
                2,
                "Tribunal order",
                "SEND Regs 2014 reg 44(2)(b)",
                "notify ... within 2 weeks that it will make the assessment",
            ),
            (
                "tribunal_assess_no_plan_10w",
                10,
                "Tribunal order",
                "SEND Regs 2014 reg 44(2)(b)",
                "a decision not to make an EHC plan within 10 weeks of the order",
            ),
            (
                "tribunal_assess_final_14w",
                14,
                "Tribunal order",
                "SEND Regs 2014 reg 44(2)(b)",
                "the finalised EHC plan within 14 weeks of the order",
            ),
            (
                "tribunal_plan_draft_5w",
                5,
                "Tribunal order",
                "SEND Regs 2014 reg 44(2)(c)",
                "issue a draft EHC plan within 5 weeks of the order",
            ),
            (
                "tribunal_plan_final_11w",
                11,
                "Tribunal order",
                "SEND Regs 2014 reg 44(2)(c)",
                "the finalised EHC plan within 11 weeks of the order",
            ),
            (
                "tribunal_refer_back_2w",
                2,
                "Tribunal order",
                "SEND Regs 2014 reg 44(2)(d) (unverified)",
                "reconsider within 2 weeks of the order",
            ),
            (
                "tribunal_amend_5w",
                5,
                "Tribunal order",
                "SEND Regs 2014 reg 44(2)(e)",
                "issue the amended EHC plan within 5 weeks of the order",
            ),
            (
                "tribunal_school_2w",
                2,
                "Tribunal order",
                "SEND Regs 2014 reg 44(2)(f)",
                "issue the amended EHC plan within 2 weeks of the order",
            ),
            (
                "unopposed_assess_notify_2w",
                2,
                "LA notified the Tribunal it would not oppose",
                "SEND Regs 2014 reg 45(3) as amended by SI 2015/359",
                "within 2 weeks of the date it notified the First-tier Tribunal ... notify the child's parent",
            ),
            (
                "unopposed_assess_no_plan_10w",
                10,
                "LA notified the Tribunal it would not oppose",
                "SEND Regs 2014 reg 45(3A)(a) as amended by SI 2015/359",
                "a decision not to make an EHC plan within 10 weeks",
            ),
            (
                "unopposed_assess_final_14w",
                14,
                "LA notified the Tribunal it would not oppose",
                "SEND Regs 2014 reg 45(3A)(b) as amended by SI 2015/359",
                "the finalised plan within 14 weeks",
            ),
            (
                "unopposed_amend_5w",
                5,
                "LA notified the Tribunal it would not oppose",
                "SEND Regs 2014 reg 45(4) as amended by SI 2015/359",
                "the amended plan within 5 weeks",
            ),
            (
                "unopposed_school_2w",
                2,
                "LA notified the Tribunal it would not oppose",
                "SEND Regs 2014 reg 45 as amended by SI 2015/359 (secondary source)",
                "the amended plan within 2 weeks",
            ),
            (
                "unopposed_plan_draft_5w",
                5,
                "LA notified the Tribunal it would not oppose",
                "SEND Regs 2014 reg 45 as amended by SI 2015/359 (secondary source)",
                "a draft plan within 5 weeks",
            ),
            (
                "unopposed_plan_final_11w",
                11,
                "LA notified the Tribunal it would not oppose",
                "SEND Regs 2014 reg 45 as amended by SI 2015/359 (secondary source)",
                "the finalised plan within 11 weeks",
            ),
        )
    ),
    ClockRule(
        "la_transfer_out_15wd",
        "la_transfer_out",
        "15 working days",
        "working_days",
        "the old LA became aware of the move (or the move itself)",
        "SEND Regs 2014 reg 15(2)",
        "on the day of the move or, where it has not become aware of the move at least 15 working "
        "days prior to that move, within 15 working days beginning with the day on which it did "
        "become aware",
        LAW_START,
    ),
    ClockRule(
        "new_la_family_6w",
        "new_la_notice",
        "6 weeks",
        "within_weeks",
        "plan transferred in",
        "SEND Regs 2014 reg 15(4)",
        "must, within 6 weeks of the date of the transfer, inform the child's parent or the young "
        "person that the EHC plan has been transferred",
        LAW_START,
    ),
    ClockRule(
        "direct_payments_review_3m",
        "direct_payments_review",
        "3 months",
        "months_end",
        "first direct payment",
        "SEN (Personal Budgets) Regs 2014 reg 11 (secondary source)",
        "review the making and use of direct payments ... within the first 3 months",
        LAW_START,
    ),
)
CLOCK_RULE_BY_ID: dict[str, ClockRule] = {r.id: r for r in CLOCK_RULES}

# CHOICE (configurable): art 14(3)(c) ("before the child begins year 10") is capped at the
# art 14(5) end date. Read alone, art 14(5) covers only children outside art 14(2), so a child
# entering Year 9 in Sep 2017 would have until before Year 10 (Aug 2018); but SI 2014/2270
# art 17 ends the old law for every child not transferred "from the beginning of 1st April
# 2018" (the statement then has effect as an EHC plan and the assessment is due "as soon as is
# reasonably practicable"), and the DfE's position was that every transfer was due before that
# day. False reads art 14(3)(c) alone.
CAP_YEAR9_AT_END = True
# CHOICE: "before the child begins year 10" when the term date is not recorded: the child
# begins Year 10 on 1 September, so the last lawful day is 31 August.


def rules_in_force(on: date | None = None) -> list[ClockRule]:
    """Every rule row, or only those in force on `on` (effective_from <= on <= effective_to)."""
    if on is None:
        return list(CLOCK_RULES)
    return [
        r
        for r in CLOCK_RULES
        if r.effective_from <= on and (r.effective_to is None or on <= r.effective_to)
    ]


# The statutory dates the transfer and phase-transfer rules name (each is read with "before").
ART12_NAMED = date(2015, 5, 31)  # SI 2014/2270 art 12 (post-16 in 2015)
ART14_YEARS = (2016, 2017)  # SI 2014/2270 art 14(3): phase transfers "during 2016 or 2017"
ART14_END_NAMED = date(2018, 4, 1)  # SI 2014/2270 art 14(5): "before 1st April 2018"
TRANSITION_ACADEMIC_YEARS = (2014, 2015, 2016, 2017)  # 2014/15 to 2017/18
REG18_3_NAMED = date(2015, 5, 31)  # SEND Regs 2014 reg 18(3)
REG18_3_TRANSFER_YEAR = 2015
YEAR_BEFORE_RECEPTION, INFANT_LAST, PRIMARY_LAST, SECONDARY_LAST, YEAR_9 = -1, 2, 6, 11, 9
