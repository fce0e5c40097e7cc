"""Due-date maths against dates worked out by hand from the regulations (domain.md §1-3, §8).

Week clocks: due = anchor + 7N days, the anchor being day 0. Worked by counting month by month,
e.g. 1 Sep 2015 + 126 days: Sep 30 (+29), Oct 31 (+60), Nov 30 (+90), Dec 31 (+121), Jan 5 (+126).
"""

from datetime import date

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


def test_notice_rule_1():
    assert K.default_notice(D("2016-11-01")) == D("2016-10-18")
    K.check_notice(D("2016-10-18"), D("2016-11-01"))
    with pytest.raises(SendctlError, match="at least 14 days before the start"):
        K.check_notice(D("2016-10-19"), D("2016-11-01"))


def test_start_before_the_transition_refused():
    with pytest.raises(SendctlError, match="began on 2014-09-01"):
        K.transfer_regime(D("2014-08-31"))


# --- transfer event order -----------------------------------------------------------------------

S = K.TransferState


@pytest.mark.parametrize(
    "state, event, on, reason, message",
    [
        (None, "draft-issued", "2017-01-01", None, "no transfer review has been started"),
        (S(D("2017-01-10")), "final-issued", "2017-01-09", None, "before the transfer started"),
        (S(D("2017-01-10")), "final-issued", "2017-02-01", None, "needs a draft first"),
        (
            S(D("2017-01-10"), D("2017-02-01")),
            "draft-issued",
            "2017-02-02",
            None,
            "draft was already recorded",
        ),
        (
            S(D("2017-01-10"), D("2017-02-01"), last_event_on=D("2017-02-01")),
            "final-issued",
            "2017-01-31",
            None,
            "in date order",
        ),
        (
            S(D("2017-01-10"), None, D("2017-03-01"), "no_plan"),
            "final-issued",
            "2017-03-02",
            None,
            "already concluded",
        ),
        (
            S(D("2017-01-10")),
            "ceased",
            "2017-02-01",
            None,
            "reason: required",
        ),  # the domain names its field; the CLI, the flag
        (S(D("2017-01-10")), "ceased", "2017-02-01", "bored", "reason: expected one of"),
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
    K.check_transfer_event(
        S(D("2017-01-10"), D("2017-02-01")), "final-issued", D("2017-02-01"), "RCC-1"
    )


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
        (
            A(D("2017-01-09"), D("2017-02-01"), last_event_on=D("2017-02-01")),
            "draft-issued",
            "2017-01-20",
            "in date order",
        ),
    ],
)
def test_assessment_event_order_errors(state, event, on, message):
    with pytest.raises(SendctlError, match=message):
        K.check_assessment_event(state, event, D(on), "RCC-1")


# --- reviews and phase transfers (rules 15-19) --------------------------------------------------


def test_review_decision_four_weeks():
    assert K.review_decision_due(D("2017-02-01")) == D("2017-03-01")
    assert K.review_decision_due(D("2016-02-10")) == D("2016-03-09")  # across 29 Feb


# --- working days (rule 20) and statuses --------------------------------------------------------


# --- progress and burn-down ---------------------------------------------------------------------


def test_transfer_progress_figures():
    p = K.transfer_progress(
        D("2017-04-18"),
        not_started=30,
        in_progress=15,
        ehcp_issued=150,
        no_plan=10,
        ceased=5,
        concluded_recently=8,
    )
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


@given(st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31)))
def test_assessment_clocks_ordered_after_receipt(received):
    due = K.assessment_due(received)
    assert received < due.decision_on < due.no_plan_on < due.final_on
