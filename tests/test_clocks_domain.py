"""Due-date maths against dates worked out by hand from the regulations (domain.md §1-3, §8).

Week clocks: due = anchor + 7N days, the anchor being day 0. Worked by counting month by month,
e.g. 1 Sep 2015 + 126 days: Sep 30 (+29), Oct 31 (+60), Nov 30 (+90), Dec 31 (+121), Jan 5 (+126).
"""

import sqlite3
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendctl.domain import clocks as K
from sendctl.domain import rules as R
from sendctl.domain.errors import SendctlError

D = date.fromisoformat


# --- new assessments: the worked example of domain.md §2 ----------------------------------------


@pytest.mark.parametrize(
    "received, decision, no_plan, final",
    [
        ("2017-01-09", "2017-02-20", "2017-05-01", "2017-05-29"),  # domain.md §2 (Mon 9 Jan 2017)
        ("2016-01-04", "2016-02-15", "2016-04-25", "2016-05-23"),  # across 29 Feb 2016
        ("2017-11-20", "2018-01-01", "2018-03-12", "2018-04-09"),  # across the year end
        ("2016-02-29", "2016-04-11", "2016-06-20", "2016-07-18"),  # received on a leap day
    ],
)
def test_assessment_clocks(received, decision, no_plan, final):
    due = K.assessment_due(D(received))
    assert (due.decision_on, due.no_plan_on, due.final_on) == (D(decision), D(no_plan), D(final))


# --- transfers (rules 1-5) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, notice, year_group, setting, due, per_child, basis",
    [
        # 18 weeks from the start from 1 Sep 2015 (rule 2)
        ("2015-09-01", None, None, None, "2016-01-05", "2016-01-05", "per-child limit"),
        # the day before: 14 weeks from the start (rule 3, 3 Mar - 31 Aug 2015)
        ("2015-08-31", None, None, None, "2015-12-07", "2015-12-07", "per-child limit"),
        ("2015-03-03", None, None, None, "2015-06-09", "2015-06-09", "per-child limit"),
        # before 3 Mar 2015: 14 weeks from the notice (Order as made)
        ("2015-03-02", None, None, None, "2015-05-25", "2015-05-25", "per-child limit"),
        ("2015-03-02", "2015-02-01", None, None, "2015-05-10", "2015-05-10", "per-child limit"),
        # leap year: 5 Jan 2016 + 126 days crosses 29 Feb
        ("2016-01-05", None, None, None, "2016-05-10", "2016-05-10", "per-child limit"),
        # capped by 31 March 2018 (rule 4)
        ("2017-12-01", None, None, None, "2018-03-31", "2018-04-06", "31 March 2018"),
        # started after 31 March 2018: art 17, the per-child limit stays the target
        ("2018-04-03", None, None, None, "2018-08-07", "2018-08-07",
         "per-child limit (started after the statutory deadline)"),
        # phase-transfer groups of art 14(3) in 2016/17
        ("2016-11-01", None, "6", "Oak Primary", "2017-02-15", "2017-03-07", "group deadline"),
        ("2016-11-01", None, "N2", "Little Acorns Nursery", "2017-02-15", "2017-03-07", "group deadline"),
        ("2016-12-01", None, "11", "Catmose College", "2017-03-31", "2017-04-06", "group deadline"),
        ("2016-11-01", None, "2", "elm infant school", "2017-02-15", "2017-03-07", "group deadline"),
        ("2016-11-01", None, "2", "oak primary", "2017-03-07", "2017-03-07", "per-child limit"),
        # art 12: post-16 in 2015, by 31 May 2015
        ("2015-03-10", None, "11", None, "2015-05-31", "2015-06-16", "group deadline"),
        # art 14(3)(c): entering Year 9 in 2016, before starting Year 10
        ("2017-06-01", None, "9", None, "2017-08-31", "2017-10-05", "group deadline"),
        # Year 6 in 2017/18: no art 14 group any more, only the per-child limit
        ("2017-10-02", None, "6", None, "2018-02-05", "2018-02-05", "per-child limit"),
    ],
)
def test_transfer_due(start, notice, year_group, setting, due, per_child, basis):
    got = K.transfer_due(D(start), D(notice) if notice else None, year_group, setting)
    assert got.due_on == D(due)
    assert got.per_child_on == D(per_child)
    assert got.basis == basis


def test_transfer_anchor_on_notice_is_configurable():
    # notice + 20 weeks (Suffolk reading): 1 Oct 2016 + 140 days = 18 Feb 2017
    assert K.per_child_transfer_due(D("2016-11-01"), D("2016-10-01"), "notice") == D("2017-02-18")
    assert K.per_child_transfer_due(D("2016-11-01"), D("2016-10-01"), "start") == D("2017-03-07")
    # with the minimum notice both readings agree
    assert K.per_child_transfer_due(D("2016-11-01"), D("2016-10-18"), "notice") == D("2017-03-07")


def test_notice_rule_1():
    assert K.default_notice(D("2016-11-01")) == D("2016-10-18")
    K.check_notice(D("2016-10-18"), D("2016-11-01"))
    with pytest.raises(SendctlError, match="at least 14 days before the start"):
        K.check_notice(D("2016-10-19"), D("2016-11-01"))


def test_start_before_the_transition_refused():
    with pytest.raises(SendctlError, match="began on 2014-09-01"):
        K.transfer_due(D("2014-08-31"))


# --- transfer event order -----------------------------------------------------------------------

S = K.TransferState


@pytest.mark.parametrize(
    "state, event, on, reason, message",
    [
        (None, "draft-issued", "2017-01-01", None, "no transfer review has been started"),
        (S(D("2017-01-10")), "final-issued", "2017-01-09", None, "before the transfer started"),
        (S(D("2017-01-10")), "final-issued", "2017-02-01", None, "needs a draft first"),
        (S(D("2017-01-10"), D("2017-02-01")), "draft-issued", "2017-02-02", None, "draft was already recorded"),
        (S(D("2017-01-10"), D("2017-02-01"), last_event_on=D("2017-02-01")), "final-issued", "2017-01-31",
         None, "in date order"),
        (S(D("2017-01-10"), None, D("2017-03-01"), "no_plan"), "final-issued", "2017-03-02", None,
         "already concluded"),
        (S(D("2017-01-10")), "ceased", "2017-02-01", None, "--reason: required"),
        (S(D("2017-01-10")), "ceased", "2017-02-01", "bored", "--reason: expected one of"),
        (S(D("2017-01-10")), "no-plan", "2017-02-01", "other", "only for the ceased event"),
        (S(D("2017-01-10")), "started", "2017-02-01", None, "EVENT: expected one of"),
    ],
)
def test_transfer_event_order_errors(state, event, on, reason, message):
    with pytest.raises(SendctlError, match=message):
        K.check_transfer_event(state, event, D(on), "RCC-1", reason)


def test_transfer_events_allowed():
    s = S(D("2017-01-10"))
    K.check_transfer_event(s, "no-plan", D("2017-01-10"), "RCC-1")
    K.check_transfer_event(s, "ceased", D("2017-01-11"), "RCC-1", "moved-la")
    K.check_transfer_event(S(D("2017-01-10"), D("2017-02-01")), "final-issued", D("2017-02-01"), "RCC-1")


A = K.AssessmentState


@pytest.mark.parametrize(
    "state, event, on, message",
    [
        (None, "decision-to-assess", "2017-02-01", "no open EHC needs assessment"),
        (A(D("2017-01-09")), "decision-to-assess", "2017-01-08", "before the request was received"),
        (A(D("2017-01-09")), "draft-issued", "2017-03-01", "needs a decision to assess first"),
        (A(D("2017-01-09")), "no-plan", "2017-03-01", "needs a decision to assess first"),
        (A(D("2017-01-09"), D("2017-02-01")), "refused", "2017-02-02", "already recorded"),
        (A(D("2017-01-09"), D("2017-02-01")), "final-issued", "2017-05-01", "needs a draft first"),
        (A(D("2017-01-09"), D("2017-02-01"), last_event_on=D("2017-02-01")), "draft-issued", "2017-01-20",
         "in date order"),
    ],
)
def test_assessment_event_order_errors(state, event, on, message):
    with pytest.raises(SendctlError, match=message):
        K.check_assessment_event(state, event, D(on), "RCC-1")


# --- reviews and phase transfers (rules 15-19) --------------------------------------------------


@pytest.mark.parametrize(
    "plan, last_meeting, dob, due",
    [
        ("2016-02-29", None, "2005-06-01", "2017-02-28"),  # leap day + 12 months: month-end clamp
        ("2016-01-31", "2016-12-15", "2005-06-01", "2017-12-15"),  # from the last review
        ("2017-01-31", "2016-12-15", "2005-06-01", "2018-01-31"),  # plan issued after the last review
        ("2016-08-31", None, "2013-03-01", "2017-02-28"),  # under 5: 6 months, clamped
        ("2017-02-01", None, "2013-03-01", "2017-08-01"),  # under 5
        ("2017-02-01", None, "2012-02-01", "2018-02-01"),  # 5 today: 12 months
        (None, None, "2012-02-01", None),  # no plan date, no review: no clock
    ],
)
def test_next_review_due(plan, last_meeting, dob, due):
    got = K.next_review_due(D(plan) if plan else None, D(last_meeting) if last_meeting else None, D(dob))
    assert got == (D(due) if due else None)


def test_review_decision_four_weeks():
    assert K.review_decision_due(D("2017-02-01")) == D("2017-03-01")
    assert K.review_decision_due(D("2016-02-10")) == D("2016-03-09")  # across 29 Feb


@pytest.mark.parametrize(
    "year_group, on, setting, due",
    [
        ("6", "2016-10-10", None, "2017-02-15"),
        ("6", "2017-07-20", None, "2017-02-15"),  # same academic year, now past
        ("11", "2017-03-01", None, "2017-03-31"),  # post-16: 31 March
        ("N2", "2017-09-05", None, "2018-02-15"),  # next academic year
        ("2", "2016-10-10", "Elm Infant School", "2017-02-15"),
        ("2", "2016-10-10", "Oak Primary", None),
        ("7", "2016-10-10", None, None),
        (None, "2016-10-10", None, None),
    ],
)
def test_phase_transfer_due(year_group, on, setting, due):
    got = K.phase_transfer_due(year_group, D(on), setting.lower() if setting else None)
    assert got == (D(due) if due else None)


# --- working days (rule 20) and statuses --------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, due",
    [
        ("2017-04-12", 15, "2017-05-08"),  # Easter 14/17 Apr and 1 May skipped
        ("2018-03-28", 1, "2018-03-29"),  # Thu 29 Mar 2018: the last working day before the deadline
        ("2018-03-28", 2, "2018-04-03"),  # Good Friday, weekend, Easter Monday
        ("2015-12-24", 1, "2015-12-29"),  # 25 Dec, weekend, 28 Dec substitute
    ],
)
def test_working_days(start, n, due):
    assert K.add_working_days(D(start), n) == D(due)


def test_working_days_outside_the_table_refused():
    with pytest.raises(SendctlError, match="no bank holiday data for 2019"):
        K.add_working_days(D("2018-12-31"), 1)


@pytest.mark.parametrize(
    "due, as_of, done, status",
    [
        ("2017-05-01", "2017-04-18", None, "due"),
        ("2017-05-02", "2017-04-18", None, "due"),  # exactly 14 days: inside the window
        ("2017-05-03", "2017-04-18", None, "upcoming"),
        ("2017-04-18", "2017-04-18", None, "due"),  # due today is not yet overdue
        ("2017-04-17", "2017-04-18", None, "overdue"),
        ("2017-04-17", "2017-04-18", "2017-04-17", "met"),
        ("2017-04-17", "2017-04-18", "2017-04-18", "missed"),
        ("2017-04-17", "2017-04-10", "2017-04-18", "due"),  # the event is after the as-of date
    ],
)
def test_clock_status(due, as_of, done, status):
    assert K.clock_status(D(due), D(as_of), 14, D(done) if done else None) == status


# --- progress and burn-down ---------------------------------------------------------------------


def test_transfer_progress_figures():
    p = K.transfer_progress(D("2017-04-18"), not_started=30, in_progress=15, ehcp_issued=150,
                            no_plan=10, ceased=5, concluded_recently=8)
    assert p["total"] == 210 and p["remaining"] == 45 and p["concluded"] == 165
    assert p["pct_done"] == round(100 * 165 / 210, 1)
    assert p["days_left"] == 347
    assert p["needed_per_month"] == round(45 / (347 / (365.25 / 12)), 1)  # 3.9
    assert p["rate_per_month_last_8_weeks"] == round(8 / 56 * 365.25 / 12, 1)  # 4.3
    assert p["forecast_finish_on"] == "2018-02-27"  # 45 / (8/56) = 315 days after 18 Apr 2017
    assert p["on_track"] is True


def test_transfer_progress_no_recent_rate_is_not_on_track():
    p = K.transfer_progress(D("2017-04-18"), 5, 0, 0, 0, 0, 0)
    assert p["forecast_finish_on"] is None and p["on_track"] is False
    done = K.transfer_progress(D("2018-05-01"), 0, 0, 3, 0, 0, 0)
    assert done["needed_per_month"] is None and done["on_track"] is True


def test_burndown_series():
    rows = K.burndown(100, {"2015-01": 10, "2016-06": 40}, D("2016-06-15"))
    by = {r["month"]: r for r in rows}
    assert rows[0]["month"] == "2014-09" and rows[-1]["month"] == "2018-03"
    assert by["2014-09"]["remaining"] == 100
    assert by["2015-01"]["remaining"] == 90
    assert by["2016-06"]["remaining"] == 50
    assert by["2016-07"]["remaining"] is None  # after the as-of date
    assert by["2018-03"]["target"] == 0
    assert all(a["target"] >= b["target"] for a, b in zip(rows, rows[1:], strict=False))


# --- properties ---------------------------------------------------------------------------------

starts = st.dates(min_value=R.TRANSITION_START, max_value=date(2020, 12, 31))
year_groups = st.sampled_from([None, "N1", "N2", "R", "2", "6", "9", "10", "11", "12"])


@given(starts, st.integers(min_value=R.TRANSFER_NOTICE_DAYS, max_value=120), year_groups)
def test_transfer_due_never_before_its_anchor(start, notice_days, year_group):
    due = K.transfer_due(start, start - timedelta(days=notice_days), year_group, "infant")
    assert due.due_on >= due.anchor_on
    if notice_days == R.TRANSFER_NOTICE_DAYS:  # the default notice: never before the start
        assert due.due_on >= start
    assert due.due_on <= due.per_child_on
    if start <= R.STATUTORY_END:
        assert due.due_on <= R.STATUTORY_END


@given(st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31)))
def test_assessment_clocks_ordered_after_receipt(received):
    due = K.assessment_due(received)
    assert received < due.decision_on < due.no_plan_on < due.final_on


# dates as sendctl reads them (parse_date refuses years outside 1900-2100): near year 9999 the
# date arithmetic itself overflows
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(st.one_of(st.none(), DATES), st.one_of(st.none(), DATES), DATES)
def test_next_review_after_its_anchor(plan, meeting, dob):
    nxt = K.next_review_due(plan, meeting, dob)
    anchors = [d for d in (plan, meeting) if d]
    if not anchors:
        assert nxt is None
    else:
        assert nxt > max(anchors)
        assert (nxt - max(anchors)).days <= 366


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)), st.sampled_from([1, 6, 12, 60]))
def test_sql_month_arithmetic_matches_relativedelta(d, months):
    from sendctl.storage.clocks import sql_add_months

    con = sqlite3.connect(":memory:")
    expr = sql_add_months(":d", ":m")
    got = con.execute(f"SELECT {expr}", {"d": d.isoformat(), "m": months}).fetchone()[0]
    assert got == K.add_months(d, months).isoformat()
