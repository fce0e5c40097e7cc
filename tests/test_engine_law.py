"""The clock engine against tables worked by hand from the statute's words.

Every due date is the last lawful day: met on or before it, overdue/missed from the next day.
Each table checks the day before, the day and the day after where a boundary matters, leap
days and month ends. Dates worked by counting on a calendar (weekday in the comment).
"""

from dataclasses import replace
from datetime import date

import pytest

from sendctl.domain import counting as C
from sendctl.domain import engine as E
from sendctl.domain import rules as R

D = date.fromisoformat


# --- the counting phrases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "named, last",
    [
        ("2017-02-15", "2017-02-14"),  # reg 18(1)(b): before 15 Feb 2017 -> Tue 14 Feb
        ("2016-03-31", "2016-03-30"),  # reg 18(1)(a): before 31 Mar 2016 -> Wed 30 Mar
        ("2018-04-01", "2018-03-31"),  # art 14(5): before 1 Apr 2018 -> Sat 31 Mar
        ("2016-03-01", "2016-02-29"),  # across a leap day
        ("2017-01-01", "2016-12-31"),  # across the year end
    ],
)
def test_before(named, last):
    assert C.before(D(named)) == D(last)


@pytest.mark.parametrize(
    "anchor, weeks, last",
    [
        ("2017-01-09", 6, "2017-02-20"),  # reg 5(1): Mon 9 Jan 2017 -> Mon 20 Feb
        ("2017-01-09", 16, "2017-05-01"),  # reg 10(1) -> Mon 1 May
        ("2017-01-09", 20, "2017-05-29"),  # reg 13(2) -> Mon 29 May
        ("2016-01-04", 20, "2016-05-23"),  # across 29 Feb 2016
        ("2015-09-01", 18, "2016-01-05"),  # transfer, start + 18 weeks
    ],
)
def test_within_weeks(anchor, weeks, last):
    assert C.within_weeks(D(anchor), weeks) == D(last)


def test_days_beginning_with_counts_the_first_day():
    assert C.days_beginning(D("2017-04-24"), 15) == D(
        "2017-05-08"
    )  # reg 13(1): Mon 24 Apr -> Mon 8 May
    assert C.days_beginning(D("2016-02-20"), 15) == D("2016-03-05")  # across 29 Feb


@pytest.mark.parametrize(
    "anchor, months, last",
    [
        ("2016-06-15", 12, "2017-06-14"),  # s.44(1): plan made Wed 15 Jun 2016
        ("2017-01-10", 12, "2018-01-09"),  # last reviewed Tue 10 Jan 2017
        ("2016-02-29", 12, "2017-02-28"),  # no 29 Feb 2017: the period runs to the end of Feb
        ("2015-03-01", 12, "2016-02-29"),  # ends on a leap day
        ("2016-08-31", 12, "2017-08-30"),
        ("2017-01-31", 1, "2017-02-28"),  # no 31 Feb: to the end of Feb
        ("2017-10-01", 3, "2017-12-31"),  # direct payments, 3 months beginning with 1 Oct
        ("2016-02-29", 6, "2016-08-28"),
    ],
)
def test_months_end(anchor, months, last):
    assert C.months_end(D(anchor), months) == D(last)


def test_months_after_and_before():
    assert C.within_months_after(D("2017-05-10"), 2) == D("2017-07-10")
    assert C.within_months_after(D("2017-12-31"), 2) == D("2018-02-28")
    assert C.months_before(D("2018-01-08"), 5) == D("2017-08-08")  # reg 18(2)
    assert C.months_before(D("2017-07-31"), 5) == D("2017-02-28")


def test_working_days_beginning_with():
    holidays = R.BANK_HOLIDAYS
    # reg 15(2): aware Fri 15 Dec 2017 = day 1; 25, 26 Dec and 1 Jan skipped -> Tue 9 Jan 2018
    assert C.working_days_beginning(D("2017-12-15"), 15, holidays) == D("2018-01-09")
    # a Saturday is not day 1: Mon 18 Dec is, so day 15 is Wed 10 Jan 2018
    assert C.working_days_beginning(D("2017-12-16"), 15, holidays) == D("2018-01-10")
    assert C.working_days_beginning(D("2017-12-15"), 1, holidays) == D("2017-12-15")


# --- year group ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dob, on, year",
    [
        ("2006-03-15", "2016-04-01", 5),
        ("2006-03-15", "2016-08-31", 5),  # the day before the academic year turns
        ("2006-03-15", "2016-09-01", 6),
        ("2006-03-15", "2016-10-03", 6),
        ("2006-03-15", "2017-10-02", 7),
        ("2005-09-01", "2016-10-01", 6),  # born 1 Sep: the youngest... no, the oldest of the year
        ("2005-08-31", "2016-10-01", 7),  # born 31 Aug: the youngest of the year above
        ("2000-10-10", "2017-01-15", 11),
        ("2012-01-20", "2016-01-15", -1),  # the year before Reception
        ("2012-01-20", "2016-10-01", 0),  # Reception
    ],
)
def test_year_group_from_date_of_birth(dob, on, year):
    assert E.year_group(D(dob), D(on)) == year


def test_year_group_offset_moves_with_the_years():
    # held back one year: Year 5 instead of 6 in 2016/17, Year 6 in 2017/18
    assert E.year_group(D("2006-03-15"), D("2016-10-03"), -1) == 5
    assert E.year_group(D("2006-03-15"), D("2017-10-03"), -1) == 6
    assert [E.year_label(n) for n in (-2, -1, 0, 1, 11, 15)] == ["N1", "N2", "R", "1", "11", None]


# --- transfers (SI 2014/2270) -------------------------------------------------------------------


def statement(dob, transfer=None, setting="", stays=False, ended=None, **kw):
    return E.History(
        "T",
        D(dob),
        "statement",
        D("2012-01-10"),
        setting=setting,
        stays_sixth_form=stays,
        transfer=transfer,
        ended_on=D(ended) if ended else None,
        **kw,
    )


def clock(h, as_of, kind, within=14):
    # the clock of that kind now (running ones first; past annual review periods come after)
    found = [c for c in E.case_clocks(h, D(as_of), within) if c.clock == kind]
    if kind != "annual_review":
        assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize(
    "dob, setting, stays, due, rule",
    [
        (
            "2006-03-15",
            "",
            False,
            "2017-02-14",
            "transfer_art14_3b_phase",
        ),  # Y6 2016/17: before 15 Feb 2017
        (
            "2005-03-15",
            "",
            False,
            "2016-02-14",
            "transfer_art14_3b_phase",
        ),  # Y6 2015/16: Sun 14 Feb 2016
        (
            "2000-10-10",
            "",
            False,
            "2017-03-30",
            "transfer_art14_3a_post16",
        ),  # Y11 2016/17 to college
        ("1999-10-10", "", False, "2016-03-30", "transfer_art14_3a_post16"),  # Y11 2015/16
        (
            "1999-03-01",
            "",
            False,
            "2015-05-30",
            "transfer_art12_post16_2015",
        ),  # Y11 2014/15: art 12
        (
            "2012-01-20",
            "",
            False,
            "2016-02-14",
            "transfer_art14_3b_phase",
        ),  # year before Reception 2015/16
        (
            "2009-01-10",
            "Elm Infant School",
            False,
            "2016-02-14",
            "transfer_art14_3b_phase",
        ),  # Y2 infant 2015/16
        (
            "2009-01-10",
            "Oak Primary",
            False,
            "2018-03-31",
            "transfer_art14_5_end",
        ),  # Y2 at a primary: no transfer
        (
            "2003-01-15",
            "",
            False,
            "2017-08-31",
            "transfer_art14_3c_year9",
        ),  # into Y9 Sep 2016: before Y10
        (
            "2003-10-01",
            "",
            False,
            "2018-03-31",
            "transfer_art14_5_end",
        ),  # into Y9 Sep 2017: capped by art 14(5)
        (
            "2000-10-10",
            "",
            True,
            "2018-03-31",
            "transfer_art14_5_end",
        ),  # Y11 staying in its sixth form
        (
            "2008-05-01",
            "",
            False,
            "2018-03-31",
            "transfer_art14_5_end",
        ),  # Y4 in 2016/17: everyone else
    ],
)
def test_transfer_group_last_lawful_day(dob, setting, stays, due, rule):
    c = clock(statement(dob, setting=setting, stays=stays), "2014-10-01", "transfer")
    assert (c.due_on, c.rule_id) == (D(due), rule)


@pytest.mark.parametrize(
    "as_of, status, days_left",
    [
        ("2017-01-31", "due", 14),
        ("2017-02-13", "due", 1),
        ("2017-02-14", "due", 0),
        ("2017-02-15", "overdue", -1),
        ("2017-01-30", "upcoming", 15),
    ],
)
def test_transfer_status_around_its_last_day(as_of, status, days_left):
    c = clock(statement("2006-03-15"), as_of, "transfer")
    assert (c.due_on, c.status, c.days_left) == (D("2017-02-14"), status, days_left)


def test_a_late_start_never_moves_the_duty():
    # Y6 statement, transfer review started 1 Mar 2017: overdue since Wed 15 Feb 2017
    h = statement("2006-03-15", E.Transfer(D("2017-03-01"), D("2017-02-15")))
    c = clock(h, "2017-04-18", "transfer")
    assert (c.due_on, c.status, c.rule_id) == (
        D("2017-02-14"),
        "overdue",
        "transfer_art14_3b_phase",
    )
    assert E.per_child_limit(D("2017-03-01"), D("2017-02-15"))[0] == D(
        "2017-07-05"
    )  # only a target


@pytest.mark.parametrize(
    "started, notice, due, rule",
    [
        ("2016-09-05", "2016-08-22", "2017-01-09", "transfer_start_18w"),  # start + 18 weeks
        (
            "2015-09-01",
            "2015-08-18",
            "2016-01-05",
            "transfer_start_18w",
        ),  # first day of the 18-week rule
        (
            "2015-08-31",
            "2015-08-17",
            "2015-12-07",
            "transfer_start_14w",
        ),  # the day before: 14 weeks
        ("2015-03-03", "2015-02-17", "2015-06-09", "transfer_start_14w"),
        (
            "2015-03-02",
            "2015-02-01",
            "2015-05-10",
            "transfer_notice_14w",
        ),  # as made: notice + 14 weeks
        ("2017-12-01", "2017-11-17", "2018-03-31", "transfer_art14_5_end"),  # capped by art 14(5)
    ],
)
def test_transfer_per_child_limit(started, notice, due, rule):
    h = statement("2004-01-10", E.Transfer(D(started), D(notice)))  # Y9 only in 2017/18
    c = clock(h, started, "transfer")
    assert (c.due_on, c.rule_id) == (D(due), rule)


@pytest.mark.parametrize(
    "concluded, status", [("2017-02-13", "met"), ("2017-02-14", "met"), ("2017-02-15", "missed")]
)
def test_transfer_met_or_missed(concluded, status):
    t = E.Transfer(D("2016-11-01"), D("2016-10-18"), D("2017-01-05"), D(concluded), "ehcp_issued")
    c = clock(statement("2006-03-15", t), "2017-04-18", "transfer")
    assert (c.status, c.done_on) == (status, D(concluded))


def test_replay_ignores_later_events():
    t = E.Transfer(
        D("2016-11-01"), D("2016-10-18"), D("2017-01-05"), D("2017-02-10"), "ehcp_issued"
    )
    h = statement("2006-03-15", t)
    assert clock(h, "2017-02-09", "transfer").status == "due"
    assert clock(h, "2017-02-10", "transfer").status == "met"
    assert clock(h, "2016-10-01", "transfer").detail.startswith("not started")
    assert clock(h, "2017-02-09", "annual_review") is None  # still a statement under transfer
    assert clock(h, "2017-02-10", "annual_review").due_on == D("2018-02-09")


def test_a_ceased_statement_has_no_running_transfer():
    c = clock(statement("2006-03-15", ended="2016-12-01"), "2017-04-18", "transfer")
    assert c.status == "not_applicable"
    assert (
        clock(statement("2006-03-15", ended="2016-12-01"), "2016-11-30", "transfer").status
        == "upcoming"
    )


# --- new assessments (SEND Regs 2014 regs 5, 10, 13) ----------------------------------------------


def assessment(**kw):
    base = {"received_on": D("2017-01-09")}
    base.update({k: (D(v) if k.endswith("_on") and v else v) for k, v in kw.items()})
    return E.History("A", D("2010-01-01"), None, assessments=(E.Assessment(**base),))


def test_assessment_due_dates_and_decision_boundaries():
    h = assessment()
    got = {c.clock: c.due_on for c in E.case_clocks(h, D("2017-01-10"))}
    assert got == {
        "assessment_decision": D("2017-02-20"),
        "assessment_no_plan": D("2017-05-01"),
        "assessment_final": D("2017-05-29"),
    }
    for decided, status in (("2017-02-19", "met"), ("2017-02-20", "met"), ("2017-02-21", "missed")):
        h = assessment(decided_on=decided, decision="assess")
        assert clock(h, "2017-03-01", "assessment_decision").status == status


def test_sixteen_weeks_concerns_only_a_decision_not_to_issue():
    # draft 24 Apr, no-plan notice 15 May: missed (due 1 May); the 20-week clock not applicable
    h = assessment(
        decided_on="2017-02-15",
        decision="assess",
        draft_on="2017-04-24",
        concluded_on="2017-05-15",
        outcome="no_plan",
    )
    assert clock(h, "2017-06-01", "assessment_no_plan").status == "missed"
    assert clock(h, "2017-06-01", "assessment_final").status == "not_applicable"
    # no-plan notice on the last day: met
    h = assessment(
        decided_on="2017-02-15", decision="assess", concluded_on="2017-05-01", outcome="no_plan"
    )
    assert clock(h, "2017-06-01", "assessment_no_plan").status == "met"
    # draft 20 May, final 29 May: 16 weeks not applicable, 20 weeks met
    h = assessment(
        decided_on="2017-02-15",
        decision="assess",
        draft_on="2017-05-20",
        concluded_on="2017-05-29",
        outcome="ehcp_issued",
    )
    assert clock(h, "2017-06-01", "assessment_no_plan").status == "not_applicable"
    assert clock(h, "2017-06-01", "assessment_final").status == "met"
    h = assessment(
        decided_on="2017-02-15",
        decision="assess",
        draft_on="2017-05-20",
        concluded_on="2017-05-30",
        outcome="ehcp_issued",
    )
    assert clock(h, "2017-06-01", "assessment_final").status == "missed"
    # a draft neither meets nor breaks it: after the draft it is not a running duty
    h = assessment(decided_on="2017-02-15", decision="assess", draft_on="2017-04-24")
    assert clock(h, "2017-05-10", "assessment_no_plan").status == "not_applicable"
    assert clock(h, "2017-05-10", "assessment_final").status == "upcoming"  # 29 May: 19 days on
    # nothing at all by week 16: overdue from 2 May
    assert clock(assessment(), "2017-05-01", "assessment_no_plan").status == "due"
    assert clock(assessment(), "2017-05-02", "assessment_no_plan").status == "overdue"


def test_refused_assessment_has_no_plan_clocks():
    h = assessment(
        decided_on="2017-02-01", decision="refused", concluded_on="2017-02-01", outcome="refused"
    )
    assert clock(h, "2017-06-01", "assessment_final").status == "not_applicable"
    assert clock(h, "2017-06-01", "assessment_decision").status == "met"


# --- annual reviews (CFA 2014 s.44(1)) -------------------------------------------------------------


def ehcp(made, dob="2008-05-01", reviews=(), **kw):
    return E.History("P", D(dob), "ehcp", D(made), reviews=reviews, **kw)


@pytest.mark.parametrize(
    "made, last, latest_meeting",
    [
        ("2016-06-15", "2017-06-14", "2017-05-17"),
        ("2016-02-29", "2017-02-28", "2017-01-31"),
        ("2015-03-01", "2016-02-29", "2016-02-01"),
        ("2016-08-31", "2017-08-30", "2017-08-02"),
    ],
)
def test_annual_review_last_lawful_day(made, last, latest_meeting):
    c = clock(ehcp(made), made, "annual_review")
    assert (c.due_on, c.rule_id, c.anchor) == (D(last), "annual_review_12m", "plan made")
    assert C.weeks_before(c.due_on, 4) == D(latest_meeting)
    assert clock(ehcp(made), last, "annual_review").status == "due"
    day_after = date.fromordinal(D(last).toordinal() + 1)
    assert clock(ehcp(made), day_after.isoformat(), "annual_review").status == "overdue"


def test_annual_review_anchor_is_the_last_review_concluded():
    reviews = (E.Review(D("2016-12-13"), "keep", D("2017-01-10")),)
    c = clock(ehcp("2016-02-01", reviews=reviews), "2017-02-01", "annual_review")
    assert (c.due_on, c.anchor, c.anchor_on) == (
        D("2018-01-09"),
        "review concluded",
        D("2017-01-10"),
    )
    # only the meeting recorded: anchor on the meeting (earlier, so safe)
    reviews = (E.Review(D("2016-12-13")),)
    c = clock(ehcp("2016-02-01", reviews=reviews), "2017-02-01", "annual_review")
    assert (c.due_on, c.anchor) == (D("2017-12-12"), "review meeting")
    # an amended plan does not restart the period
    c = clock(ehcp("2016-06-15", amended_finals=(D("2016-11-01"),)), "2017-01-01", "annual_review")
    assert c.due_on == D("2017-06-14")


def test_under_5_reviews_are_guidance_and_the_12_months_still_run():
    h = ehcp("2016-02-29", dob="2013-03-01")
    got = {c.rule_id: c for c in E.case_clocks(h, D("2016-09-20"))}
    g = got["annual_review_under5_guidance"]
    assert (g.due_on, g.status) == (D("2016-08-28"), "guidance")  # past, yet never overdue
    assert got["annual_review_12m"].due_on == D("2017-02-28")
    assert not R.CLOCK_RULE_BY_ID["annual_review_under5_guidance"].statutory
    # from 5 the reminder stops
    assert "annual_review_under5_guidance" not in {
        c.rule_id for c in E.case_clocks(h, D("2018-03-01"))
    }


def test_an_ended_plan_has_no_clocks_running():
    h = ehcp("2016-06-15", ended_on=D("2017-03-01"), end_reason="2")
    assert clock(h, "2017-02-28", "annual_review").status == "upcoming"
    assert E.case_clocks(h, D("2017-03-01")) == []
    assert E.case_clocks(h, D("2018-03-01")) == []


# --- phase transfers (SEND Regs 2014 reg 18) -------------------------------------------------------


@pytest.mark.parametrize(
    "dob, on, stays, due, rule",
    [
        (
            "2006-03-15",
            "2016-10-03",
            False,
            "2017-02-14",
            "phase_transfer_reg18_1b",
        ),  # Y6 -> secondary
        (
            "2000-10-10",
            "2016-10-03",
            False,
            "2017-03-30",
            "phase_transfer_reg18_1a_post16",
        ),  # Y11 -> college
        (
            "2001-10-10",
            "2017-10-03",
            False,
            "2018-03-30",
            "phase_transfer_reg18_1a_post16",
        ),  # Good Friday 2018
        ("1999-03-01", "2014-10-03", False, "2015-05-30", "phase_transfer_reg18_3_post16_2015"),
        (
            "2012-01-20",
            "2015-10-03",
            False,
            "2016-02-14",
            "phase_transfer_reg18_1b",
        ),  # early years -> school
        ("2000-10-10", "2016-10-03", True, None, None),  # Y11 staying in the school's sixth form
        ("2006-03-15", "2017-10-03", False, None, None),  # Y7: no phase transfer
    ],
)
def test_phase_transfer_last_lawful_day(dob, on, stays, due, rule):
    c = clock(ehcp("2014-10-01", dob=dob, stays_sixth_form=stays), on, "phase_transfer")
    if due is None:
        assert c is None
    else:
        assert (c.due_on, c.rule_id) == (D(due), rule)


@pytest.mark.parametrize(
    "final, status", [("2017-02-13", "met"), ("2017-02-14", "met"), ("2017-02-15", "missed")]
)
def test_phase_transfer_met_only_by_the_amended_final_plan(final, status):
    h = ehcp("2014-10-01", dob="2006-03-15", amended_finals=(D(final),))
    assert clock(h, "2017-03-01", "phase_transfer").status == status


def test_a_decision_to_amend_does_not_meet_the_phase_transfer():
    reviews = (E.Review(D("2016-11-01"), "amend", D("2016-11-20")),)
    h = ehcp("2014-10-01", dob="2006-03-15", reviews=reviews)
    c = clock(h, "2017-02-15", "phase_transfer")
    assert (c.status, c.days_left) == ("overdue", -1)


# --- the rules table ----------------------------------------------------------------------------


def test_every_rule_row_is_complete_and_used_once():
    ids = [r.id for r in R.CLOCK_RULES]
    assert len(ids) == len(set(ids))
    for r in R.CLOCK_RULES:
        assert r.legal_ref and r.words and r.period and r.anchor
        assert r.phrase in (
            "before",
            "within_weeks",
            "months_end",
            "days_beginning",
            "working_days",
            "weeks_before",
            "months_before",
            "within_months_after",
            "within_days",
            "working_days_after",
        )
        assert r.effective_to is None or r.effective_from <= r.effective_to


def test_rules_in_force_on_a_date():
    on_2016 = {r.id for r in R.rules_in_force(D("2016-06-01"))}
    assert "transfer_start_18w" in on_2016 and "transfer_notice_14w" not in on_2016
    assert "transfer_art14_5_end" not in {r.id for r in R.rules_in_force(D("2018-04-01"))}


def test_explain_names_rule_anchor_and_date():
    c = clock(statement("2006-03-15"), "2017-01-01", "transfer")
    text = c.explain()
    assert (
        "SI 2014/2270 art 14(3)(b)" in text
        and "before 15th February" in text
        and "2017-02-14" in text
    )


def test_a_plan_moved_in_is_reviewed_by_the_later_of_12_months_and_3_months_from_the_transfer():
    # made 1 Oct 2016, transferred in 1 Sep 2017: 12 months end 30 Sep 2017, 3 months from the
    # transfer end 30 Nov 2017 -> the later
    h = ehcp("2016-10-01", moved_in_on=D("2017-09-01"))
    c = clock(h, "2017-09-02", "annual_review")
    assert (c.due_on, c.rule_id, c.anchor) == (
        D("2017-11-30"),
        "annual_review_after_move_in",
        "transferred in",
    )
    # last reviewed by the old LA on 10 Jul 2017: 12 months end 9 Jul 2018, later than 30 Nov 2017
    h = ehcp("2016-10-01", moved_in_on=D("2017-09-01"), moved_in_last_review=D("2017-07-10"))
    c = clock(h, "2017-09-02", "annual_review")
    assert (c.due_on, c.anchor) == (D("2018-07-09"), "last reviewed by the old LA")
    # before the move the old LA's plan is not this LA's: replay ignores the move
    assert clock(h, "2017-08-01", "annual_review").rule_id == "annual_review_12m"


@pytest.mark.parametrize(
    "decided, status", [(None, "overdue"), ("2017-04-14", "met"), ("2017-04-15", "missed")]
)
def test_review_decision_within_4_weeks_of_the_meeting(decided, status):
    # meeting Fri 17 Mar 2017 -> decision by Fri 14 Apr 2017 (reg 20(10))
    r = E.Review(D("2017-03-17"), "keep" if decided else None, D(decided) if decided else None)
    c = clock(ehcp("2016-04-01", reviews=(r,)), "2017-04-18", "review_decision")
    assert (c.due_on, c.status) == (D("2017-04-14"), status)
    assert (
        clock(
            ehcp("2016-04-01", reviews=(E.Review(D("2017-03-17")),)),
            "2017-04-14",
            "review_decision",
        ).status
        == "due"
    )


def test_a_statement_not_under_transfer_is_reviewed_in_12_months():
    # statement made 10 Jan 2012, last reviewed 20 Jan 2016 -> by 19 Jan 2017 (EA 1996 s.328(5))
    h = E.History(
        "S",
        D("2008-05-01"),
        "statement",
        D("2012-01-10"),
        reviews=(E.Review(D("2016-01-13"), "keep", D("2016-01-20")),),
    )
    c = clock(h, "2017-01-19", "annual_review")
    assert (c.due_on, c.rule_id, c.status) == (
        D("2017-01-19"),
        "annual_review_statement_12m",
        "due",
    )
    assert clock(h, "2017-01-20", "annual_review").status == "overdue"
    # once its transfer review starts, the transfer is its review
    h = replace(h, transfer=E.Transfer(D("2016-11-01"), D("2016-10-18")))
    assert clock(h, "2017-01-20", "annual_review") is None


def test_a_late_annual_review_stays_on_the_record_as_missed():
    # s.44(1): plan made 15 Jun 2016 -> reviewed by 14 Jun 2017; concluded 10 Jul 2017: missed,
    # and still shown once the next period (to 9 Jul 2018) runs
    h = ehcp("2016-06-15", reviews=(E.Review(D("2017-07-01"), "keep", D("2017-07-10")),))
    reviews = [c for c in E.case_clocks(h, D("2017-07-11")) if c.clock == "annual_review"]
    assert [(c.due_on, c.status) for c in reviews] == [
        (D("2018-07-09"), "upcoming"),
        (D("2017-06-14"), "missed"),
    ]
    on_time = ehcp("2016-06-15", reviews=(E.Review(D("2017-05-01"), "keep", D("2017-06-14")),))
    past = [c for c in E.case_clocks(on_time, D("2017-07-11")) if c.status == "met"]
    assert [(c.clock, c.due_on, c.done_on) for c in past] == [
        ("annual_review", D("2017-06-14"), D("2017-06-14"))
    ]
