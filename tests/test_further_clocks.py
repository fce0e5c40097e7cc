"""The further clocks (advice, representations, review cycle, post-16 moves, moves in,
re-assessment, mediation and appeals, Tribunal orders, direct payments), worked by hand from
the statute's words: each due date, and the status the day before, on and after it; then each
clock end to end through the CLI (deadlines, notify, cases show, status, --explain)."""

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from sendctl.domain import engine as E
from sendctl.domain import further_clocks as F
from sendctl.storage.holidays import ENGLAND

D = date.fromisoformat


def ehcp(events=(), made="2016-03-10", reviews=(), amended=(), assessments=()):
    return E.History(
        case_ref="R1",
        date_of_birth=D("2005-01-15"),
        plan_type="ehcp",
        plan_made_on=D(made),
        reviews=reviews,
        amended_finals=tuple(D(a) for a in amended),
        assessments=assessments,
        further=tuple(events),
    )


def ev(i, kind, event, on, ref_id=None, detail=None):
    return F.Event(i, kind, event, D(on), ref_id, detail)


def clocks(h, as_of, rule_id):
    return [c for c in E.case_clocks(h, D(as_of), 14, ENGLAND) if c.rule_id == rule_id]


def one(h, as_of, rule_id):
    found = clocks(h, as_of, rule_id)
    assert len(found) == 1, found
    return found[0]


# --- hand-worked due dates ----------------------------------------------------------------------

DUE_CASES = [
    # reg 8(1): EP request received Mon 6 Feb 2017 -> Mon 20 Mar 2017
    ([ev(1, "advice", "request", "2017-02-06", detail="ep")], "advice_reg8_6w", "2017-03-20"),
    # reg 27(2): notice Mon 6 Mar 2017 -> Mon 12 Jun 2017
    ([ev(1, "reassessment", "notice", "2017-03-06")], "reassessment_14w", "2017-06-12"),
    # reg 18(2): move Mon 8 Jan 2018 -> Tue 8 Aug 2017
    (
        [ev(1, "post16", "proposed", "2017-06-01", detail="2018-01-08")],
        "post16_move_5m",
        "2017-08-08",
    ),
    # reg 33: decision notice Wed 10 May 2017 -> mediation adviser contacted by Mon 10 Jul 2017
    ([ev(1, "appeal", "decision-notice", "2017-05-10")], "mediation_contact_2m", "2017-07-10"),
    # r.20(1)(c)(i): no certificate -> appeal by Mon 10 Jul 2017
    ([ev(1, "appeal", "decision-notice", "2017-05-10")], "appeal_window", "2017-07-10"),
    # reg 37: asks to mediate Tue 20 Jun -> mediation by Thu 20 Jul 2017
    (
        [
            ev(1, "appeal", "decision-notice", "2017-05-10"),
            ev(2, "appeal", "mediation-request", "2017-06-20"),
        ],
        "mediation_30d",
        "2017-07-20",
    ),
    # mediation held Tue 18 Jul -> certificate by Fri 21 Jul (3 working days)
    (
        [
            ev(1, "appeal", "decision-notice", "2017-05-10"),
            ev(2, "appeal", "mediation-end", "2017-07-18"),
        ],
        "certificate_3wd",
        "2017-07-21",
    ),
    # certificate Fri 21 Jul -> appeal by Mon 21 Aug 2017 (later than 10 Jul)
    (
        [
            ev(1, "appeal", "decision-notice", "2017-05-10"),
            ev(2, "appeal", "mediation-end", "2017-07-18"),
            ev(3, "appeal", "certificate", "2017-07-21"),
        ],
        "appeal_window",
        "2017-08-21",
    ),
    # reg 44(2): order Mon 3 Jul 2017
    (
        [ev(1, "tribunal", "order", "2017-07-03", detail="school-only")],
        "tribunal_school_2w",
        "2017-07-17",
    ),
    ([ev(1, "tribunal", "order", "2017-07-03", detail="amend")], "tribunal_amend_5w", "2017-08-07"),
    (
        [ev(1, "tribunal", "order", "2017-07-03", detail="assess")],
        "tribunal_assess_notify_2w",
        "2017-07-17",
    ),
    (
        [ev(1, "tribunal", "order", "2017-07-03", detail="assess")],
        "tribunal_assess_no_plan_10w",
        "2017-09-11",
    ),
    (
        [ev(1, "tribunal", "order", "2017-07-03", detail="assess")],
        "tribunal_assess_final_14w",
        "2017-10-09",
    ),
    (
        [ev(1, "tribunal", "order", "2017-07-03", detail="make-plan")],
        "tribunal_plan_draft_5w",
        "2017-08-07",
    ),
    (
        [ev(1, "tribunal", "order", "2017-07-03", detail="make-plan")],
        "tribunal_plan_final_11w",
        "2017-09-18",
    ),
    # reg 45 (unopposed): notified Mon 3 Jul 2017 -> parent told by 17 Jul; amended plan by 7 Aug
    (
        [ev(1, "tribunal", "unopposed", "2017-07-03", detail="assess")],
        "unopposed_assess_notify_2w",
        "2017-07-17",
    ),
    (
        [ev(1, "tribunal", "unopposed", "2017-07-03", detail="amend")],
        "unopposed_amend_5w",
        "2017-08-07",
    ),
    # SI 2014/1652 reg 11: first direct payment Sun 1 Oct 2017 -> reviewed by Sun 31 Dec 2017
    ([ev(1, "budget", "direct-payments", "2017-10-01")], "direct_payments_review_3m", "2017-12-31"),
    # reg 15(4): transferred in Tue 9 Jan 2018 -> family told by Tue 20 Feb 2018
    (
        [ev(1, "la", "transferred-in", "2018-01-09", detail="2017-03-10")],
        "new_la_family_6w",
        "2018-02-20",
    ),
]


@pytest.mark.parametrize("events, rule_id, due", DUE_CASES)
def test_due_dates_worked_by_hand(events, rule_id, due):
    h = ehcp(events)
    last = max(e.on for e in events)
    assert one(h, last.isoformat(), rule_id).due_on == D(due)


def test_certificate_skips_christmas_and_bank_holidays():
    # mediation ended Fri 22 Dec 2017: Mon 25 and Tue 26 Dec are holidays -> Wed 27 (1),
    # Thu 28 (2), Fri 29 (3)
    h = ehcp(
        [
            ev(1, "appeal", "decision-notice", "2017-11-01"),
            ev(2, "appeal", "mediation-end", "2017-12-22"),
        ]
    )
    assert one(h, "2017-12-22", "certificate_3wd").due_on == D("2017-12-29")


# --- status the day before, on and after --------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, status",
    [
        ("2017-03-19", "due"),
        ("2017-03-20", "due"),
        ("2017-03-21", "overdue"),
    ],
)
def test_advice_status_around_its_last_day(as_of, status):
    h = ehcp([ev(1, "advice", "request", "2017-02-06", detail="ep")])
    assert one(h, as_of, "advice_reg8_6w").status == status


@pytest.mark.parametrize("received, status", [("2017-03-20", "met"), ("2017-03-21", "missed")])
def test_advice_met_on_the_day_missed_the_day_after(received, status):
    h = ehcp(
        [
            ev(1, "advice", "request", "2017-02-06", detail="ep"),
            ev(2, "advice", "received", received, ref_id=1),
        ]
    )
    assert one(h, "2017-04-30", "advice_reg8_6w").status == status


def test_advice_replay_ignores_a_reply_after_the_as_of_date():
    h = ehcp(
        [
            ev(1, "advice", "request", "2017-02-06", detail="ep"),
            ev(2, "advice", "received", "2017-04-01", ref_id=1),
        ]
    )
    assert one(h, "2017-03-25", "advice_reg8_6w").status == "overdue"
    assert one(h, "2017-04-01", "advice_reg8_6w").status == "missed"


def test_appeal_window_closes_rather_than_going_overdue():
    h = ehcp([ev(1, "appeal", "decision-notice", "2017-05-10")])
    assert one(h, "2017-07-10", "appeal_window").status == "due"
    closed = one(h, "2017-07-11", "appeal_window")
    assert closed.status == "not_applicable" and "period ended 2017-07-10" in closed.detail
    lodged = ehcp(
        [
            ev(1, "appeal", "decision-notice", "2017-05-10"),
            ev(2, "appeal", "appeal-lodged", "2017-07-10"),
        ]
    )
    assert one(lodged, "2017-08-01", "appeal_window").status == "met"


def test_declining_mediation_is_contacting_the_adviser():
    # reg 33: the parent contacts the adviser and says whether they wish to pursue mediation
    h = ehcp(
        [
            ev(1, "appeal", "decision-notice", "2016-12-31"),
            ev(2, "appeal", "mediation-declined", "2017-02-23"),
        ]
    )
    c = one(h, "2017-02-24", "mediation_contact_2m")
    assert (c.status, c.done_on, c.due_on) == ("met", D("2017-02-23"), D("2017-02-28"))


def test_tribunal_either_or_steps():
    h = ehcp(
        [
            ev(1, "tribunal", "order", "2017-07-03", detail="assess"),
            ev(2, "tribunal", "complied", "2017-09-01", ref_id=1, detail="final"),
        ]
    )
    assert one(h, "2017-10-01", "tribunal_assess_final_14w").status == "met"
    assert one(h, "2017-10-01", "tribunal_assess_no_plan_10w").status == "not_applicable"
    assert one(h, "2017-10-01", "tribunal_assess_notify_2w").status == "overdue"


# --- representations (reg 13(1)) ------------------------------------------------------------------


def _assessment(draft, final=None):
    return (
        E.Assessment(
            D("2017-01-09"),
            D("2017-02-10"),
            "assess",
            D(draft),
            D(final) if final else None,
            "ehcp_issued" if final else None,
        ),
    )


def test_representations_window_and_an_early_final():
    # draft served Mon 24 Apr 2017 -> representations until Mon 8 May 2017
    h = E.History(
        case_ref="R1",
        date_of_birth=D("2005-01-15"),
        plan_type=None,
        assessments=_assessment("2017-04-24"),
    )
    c = one(h, "2017-05-08", "representations_15d")
    assert (c.due_on, c.status) == (D("2017-05-08"), "due")
    assert one(h, "2017-05-09", "representations_15d").status == "met"  # the 15 days were given
    early = E.History(
        case_ref="R1",
        date_of_birth=D("2005-01-15"),
        plan_type=None,
        assessments=_assessment("2017-04-24", "2017-05-05"),
    )
    flagged = one(early, "2017-05-20", "representations_15d")
    assert flagged.status == "missed" and "before the 15 days ended" in flagged.detail
    answered = E.History(
        case_ref="R1",
        date_of_birth=D("2005-01-15"),
        plan_type=None,
        assessments=_assessment("2017-04-24", "2017-05-05"),
        further=(ev(1, "representations", "received", "2017-05-02"),),
    )
    assert one(answered, "2017-05-20", "representations_15d").status == "met"


# --- the review cycle (regs 20-22) --------------------------------------------------------------


def test_review_cycle_from_the_worked_example():
    # meeting Wed 17 May 2017: notice by Wed 3 May, report by Wed 31 May, decision and
    # proposals by Wed 14 Jun; proposals sent 14 Jun -> amended plan by Wed 9 Aug 2017
    meeting = "2017-05-17"
    reviews = (E.Review(D(meeting), "amend", D("2017-06-14")),)
    events = [
        ev(1, "review", "notice", "2017-05-04", detail=meeting),
        ev(2, "review", "report", "2017-05-31", detail=meeting),
        ev(3, "review", "proposals", "2017-06-14", detail=meeting),
    ]
    h = ehcp(events, reviews=reviews)
    notice = one(h, "2017-06-20", "review_notice_2w")
    assert (notice.due_on, notice.status) == (D("2017-05-03"), "missed")  # one day late
    assert one(h, "2017-06-20", "review_report_2w").status == "met"
    assert one(h, "2017-06-20", "review_proposals_4w").due_on == D("2017-06-14")
    amended = one(h, "2017-06-20", "amended_plan_8w")
    assert (amended.due_on, amended.status) == (D("2017-08-09"), "upcoming")
    done = ehcp(events, reviews=reviews, amended=("2017-08-09",))
    assert one(done, "2017-08-10", "amended_plan_8w").status == "met"


def test_a_decided_review_leaves_unrecorded_steps_untracked():
    reviews = (E.Review(D("2016-05-17"), "keep", D("2016-06-01")),)
    h = ehcp(reviews=reviews)
    assert clocks(h, "2017-01-01", "review_report_2w") == []
    open_review = ehcp(reviews=(E.Review(D("2017-05-17")),))
    assert one(open_review, "2017-06-01", "review_report_2w").status == "overdue"


def test_annual_review_shows_the_latest_meeting_date():
    h = ehcp(made="2016-06-15")
    c = one(h, "2017-01-01", "annual_review_12m")
    # last lawful day Wed 14 Jun 2017; latest meeting for a decision inside it Wed 17 May 2017
    assert c.due_on == D("2017-06-14") and "17 May 2017" in c.detail


def test_an_ended_plan_stops_its_further_clocks():
    h = E.History(
        case_ref="R1",
        date_of_birth=D("2005-01-15"),
        plan_type="ehcp",
        plan_made_on=D("2016-03-10"),
        ended_on=D("2017-03-01"),
        end_reason="2",
        further=(
            ev(1, "advice", "request", "2017-02-06", detail="ep"),
            ev(2, "appeal", "decision-notice", "2017-02-20"),
        ),
    )
    assert clocks(h, "2017-04-01", "advice_reg8_6w") == []
    assert one(h, "2017-04-01", "appeal_window").status == "upcoming"  # an appeal outlives the plan


# --- end to end through the CLI -----------------------------------------------------------------


@pytest.fixture
def child(run):
    run("init")
    run(
        "cases",
        "add",
        "R1",
        "--forename",
        "Ada",
        "--surname",
        "Example",
        "--dob",
        "15/01/2005",
        "--plan",
        "ehcp",
        "--plan-issued",
        "10/03/2016",
        "--caseworker",
        "Priya Shah",
        "--caseworker-email",
        "priya@example.org",
        "--as-of",
        "2017-01-01",
    )
    return "R1"


def test_advice_end_to_end(run, child):
    run("advice", "request", child, "--from", "ep", "--date", "06/02/2017")
    rows = run.json("advice", "list", "--as-of", "2017-03-21")
    assert [(r["adviser"], r["due_on"], r["status"]) for r in rows] == [
        ("ep", "2017-03-20", "overdue")
    ]
    dl = run.json("deadlines", "--as-of", "2017-03-21", "--clock", "advice")
    assert [
        (r["case_ref"], r["due_on"], r["status"], r["legal_ref"].startswith("SEND Regs 2014 reg 8"))
        for r in dl
    ] == [("R1", "2017-03-20", "overdue", True)]
    shown = run.json("cases", "show", child, "--as-of", "2017-03-21")
    assert any(
        c["rule_id"] == "advice_reg8_6w" and c["status"] == "overdue" for c in shown["clocks"]
    )
    explain = run("deadlines", "--as-of", "2017-03-21", "--clock", "advice", "--explain").stdout
    assert "reg 8(1)" in explain and "2017-02-06" in explain
    status = json.loads(run("status", "--as-of", "2017-03-21", "--format", "json").stdout)
    assert {"clock": "advice", "overdue": 1, "due": 0} in status["clocks"]["by_clock"]
    notify = run("deadlines", "notify", "--as-of", "2017-03-21", "--dry-run").stdout
    print(notify)
    assert "advice" in notify and "Mon 20 Mar 2017" in notify
    run("advice", "received", "1", "--date", "17/03/2017")
    assert run.json("advice", "list", "--as-of", "2017-03-21")[0]["status"] == "met"
    assert run.json("advice", "list", "--overdue", "--as-of", "2017-03-21") == []


def test_advice_list_and_the_clock_agree_on_a_late_reply(run, child):
    # advice list works its status out apart from the engine: both must say the same
    run("advice", "request", child, "--from", "ep", "--date", "06/02/2017")
    run("advice", "request", child, "--from", "health", "--date", "06/02/2017")
    run("advice", "received", "1", "--date", "21/03/2017", "--exception", "missed-appointment")
    run("advice", "received", "2", "--date", "21/03/2017")
    listed = {r["id"]: r["status"] for r in run.json("advice", "list", "--as-of", "2017-04-01")}
    shown = run.json("cases", "show", child, "--as-of", "2017-04-01")["clocks"]
    clocks = sorted(c["status"] for c in shown if c["rule_id"] == "advice_reg8_6w")
    assert listed == {1: "excused", 2: "missed"} and clocks == ["excused", "missed"]


def test_advice_list_as_of_before_a_late_reply_shows_nothing_of_it(run, child):
    # request Mon 6 Feb 2017, due Mon 20 Mar; the reply came late, on 21 Mar, with a reason
    run("advice", "request", child, "--from", "ep", "--date", "06/02/2017")
    run("advice", "received", "1", "--date", "21/03/2017", "--exception", "missed-appointment")

    def row(as_of):
        (r,) = run.json("advice", "list", "--as-of", as_of)
        return {k: r[k] for k in ("status", "received_on", "exception")}

    assert row("2017-03-18") == {"status": "due", "received_on": None, "exception": None}
    assert row("2017-03-20") == {"status": "due", "received_on": None, "exception": None}
    assert row("2017-03-21") == {
        "status": "excused",
        "received_on": "2017-03-21",
        "exception": "missed-appointment",
    }
    plain = run("advice", "list", "--as-of", "2017-03-20", "--format", "plain").stdout
    assert "missed-appointment" not in plain


def test_an_exception_on_a_reply_in_time_is_refused(run, child, db_path):
    # reg 8(2) excuses a late reply only: due Mon 20 Mar 2017, a reply that day is in time
    run("advice", "request", child, "--from", "ep", "--date", "06/02/2017")
    before = db_path.read_bytes()
    r = run(
        "advice", "received", "1", "--date", "20/03/2017", "--exception", "absent-4-weeks", expect=1
    )
    assert "--exception" in r.stderr and "within the 6 weeks (due by 2017-03-20)" in r.stderr
    assert "reg 8(2)" in r.stderr and "Traceback" not in r.stderr
    assert db_path.read_bytes() == before
    run("advice", "received", "1", "--date", "20/03/2017")
    assert run.json("advice", "list", "--as-of", "2017-03-20")[0]["status"] == "met"


def test_refused_events_write_nothing(run, child, db_path):
    before = db_path.read_bytes()
    r = run("advice", "received", "99", "--date", "17/03/2017", expect=1)
    assert "advice request 99: no such request" in r.stderr
    r = run("appeals", "record", child, "certificate", "--date", "17/03/2017", expect=1)
    assert "no decision notice" in r.stderr
    r = run("reassessments", "record", child, "final", "--date", "17/03/2017", expect=1)
    assert "no re-assessment notice" in r.stderr
    r = run("advice", "request", child, "--from", "psychic", "--date", "17/03/2017", expect=1)
    assert "--from" in r.stderr and "ep, health" in r.stderr
    r = run("advice", "request", child, "--from", "ep", "--date", "17/03/2097", expect=1)
    assert "after today" in r.stderr
    assert db_path.read_bytes() == before


def test_void_puts_the_clock_back(run, child):
    run("advice", "request", child, "--from", "health", "--date", "06/02/2017")
    run("advice", "void", "1", "--reason", "wrong child")
    assert run.json("advice", "list", "--as-of", "2017-03-21") == []
    audit = run.json("audit", "--case", child)
    assert any(a["action"] == "void" for a in audit)


def test_appeal_and_tribunal_end_to_end(run, child):
    run("appeals", "record", child, "decision-notice", "--date", "10/05/2017")
    run("appeals", "record", child, "mediation-end", "--date", "18/07/2017")
    run("appeals", "record", child, "certificate", "--date", "21/07/2017")
    windows = {
        r["rule_id"]: r for r in run.json("deadlines", "--as-of", "2017-08-10", "--within", "30")
    }
    assert windows["appeal_window"]["due_on"] == "2017-08-21"
    run("appeals", "record", child, "order", "--limb", "amend", "--date", "03/07/2017")
    order_id = run.json("deadlines", "--as-of", "2017-08-10", "--clock", "tribunal_order")[0]
    assert order_id["due_on"] == "2017-08-07" and order_id["status"] == "overdue"
    r = run(
        "appeals",
        "record",
        child,
        "complied",
        "--order",
        "4",
        "--step",
        "draft",
        "--date",
        "01/08/2017",
        expect=1,
    )
    assert "expected one of amended" in r.stderr
    run(
        "appeals",
        "record",
        child,
        "complied",
        "--order",
        "4",
        "--step",
        "amended",
        "--date",
        "01/08/2017",
    )
    assert run.json("deadlines", "--as-of", "2017-08-10", "--clock", "tribunal_order") == []


def test_review_cycle_and_early_final_warning(run, child):
    run("reviews", "record", child, "--meeting", "17/05/2017", "--notice", "03/05/2017")
    dl = {r["rule_id"]: r for r in run.json("deadlines", "--as-of", "2017-06-01", "--within", "30")}
    assert (
        dl["review_report_2w"]["due_on"] == "2017-05-31"
        and dl["review_report_2w"]["status"] == "overdue"
    )
    run("reviews", "record", child, "--meeting", "17/05/2017", "--report", "30/05/2017")
    run(
        "reviews",
        "record",
        child,
        "--meeting",
        "17/05/2017",
        "--decision",
        "amend",
        "--decision-date",
        "14/06/2017",
    )
    run("reviews", "amend", child, "--proposals", "14/06/2017")
    dl = {r["rule_id"]: r for r in run.json("deadlines", "--as-of", "2017-07-01", "--within", "60")}
    assert dl["amended_plan_8w"]["due_on"] == "2017-08-09"
    r = run("reviews", "amend", child, "--final", "20/06/2017")
    assert "reg 13(1)" in r.stderr and "representations" in r.stderr  # before the 15 days ended


def test_move_in_starts_the_new_authoritys_clocks(run, child):
    run(
        "cases",
        "move-in",
        child,
        "--from-la",
        "855",
        "--date",
        "09/01/2018",
        "--last-review",
        "10/03/2017",
    )
    dl = {r["rule_id"]: r for r in run.json("deadlines", "--as-of", "2018-02-19", "--within", "60")}
    assert dl["new_la_family_6w"]["due_on"] == "2018-02-20"
    # reg 15(5): the later of 9 Mar 2018 (12 months from 10 Mar 2017) and 8 Apr 2018 (3 months)
    assert dl["annual_review_after_move_in"]["due_on"] == "2018-04-08"
    run("moves", "family-notified", child, "--date", "01/02/2018")
    dl = {r["rule_id"] for r in run.json("deadlines", "--as-of", "2018-02-19", "--within", "60")}
    assert "new_la_family_6w" not in dl


# --- every clock: the day before, the day and the day after its last day -------------------------

WINDOWS = {"mediation_contact_2m", "appeal_window"}  # close rather than go overdue


@pytest.mark.parametrize("events, rule_id, due", DUE_CASES)
def test_status_the_day_before_on_and_after(events, rule_id, due):
    h = ehcp(events)
    last = D(due)
    before = one(h, (last - timedelta(days=1)).isoformat(), rule_id).status
    on = one(h, due, rule_id).status
    after = one(h, (last + timedelta(days=1)).isoformat(), rule_id).status
    assert (before, on) == ("due", "due")
    assert after == ("not_applicable" if rule_id in WINDOWS else "overdue")


def test_reg15_working_days_over_christmas_from_the_holidays_library():
    from sendctl.domain import counting as C

    # aware Fri 15 Dec 2017 = day 1; 25, 26 Dec and 1 Jan skipped -> Tue 9 Jan 2018
    assert C.working_days_beginning(D("2017-12-15"), 15, ENGLAND) == D("2018-01-09")
    # the library knows the substitute days and Good Friday of the hand-checked years
    for day in ("2016-12-27", "2017-01-02", "2018-03-30", "2015-12-28"):
        assert D(day) in ENGLAND


def test_every_further_clock_kind_reaches_deadlines_and_cases_show(run, child):
    run("advice", "request", child, "--from", "health", "--date", "01/03/2017")
    run("reassessments", "start", child, "--date", "01/03/2017")
    run("appeals", "record", child, "decision-notice", "--date", "01/03/2017")
    run("appeals", "record", child, "order", "--limb", "school-only", "--date", "01/03/2017")
    run("budgets", "record", child, "direct-payments", "--date", "01/03/2017")
    run("moves", "post16", child, "--move", "01/09/2017", "--date", "01/03/2017")
    as_of = "2017-03-02"
    kinds = {r["clock"] for r in run.json("deadlines", "--as-of", as_of, "--all")}
    assert {
        "advice",
        "reassessment",
        "appeal_window",
        "mediation",
        "tribunal_order",
        "direct_payments_review",
        "post16_move",
    } <= kinds
    shown = {c["clock"] for c in run.json("cases", "show", child, "--as-of", as_of)["clocks"]}
    assert kinds <= shown
    rules = {r["id"] for r in run.json("rules")}
    assert {"advice_reg8_6w", "appeal_window", "tribunal_school_2w", "new_la_family_6w"} <= rules


# --- a plan moving away (reg 15(2)) -------------------------------------------------------------


@pytest.mark.parametrize(
    "aware, move, due",
    [
        (
            "2017-12-15",
            None,
            "2018-01-09",
        ),  # Fri 15 Dec = day 1; Christmas, Boxing Day, New Year skipped
        ("2017-12-15", "2018-03-01", "2018-03-01"),  # aware well before: on the day of the move
        ("2017-12-15", "2018-01-09", "2018-01-09"),  # the 15th working day is the move day itself
        ("2017-12-15", "2018-01-05", "2018-01-09"),  # not aware 15 working days before the move
    ],
)
def test_old_la_passes_the_plan(aware, move, due):
    h = ehcp([ev(1, "la", "aware", aware, detail=move)])
    assert one(h, aware, "la_transfer_out_15wd").due_on == D(due)


def test_move_out_clock_end_to_end(run, child):
    r = run("cases", "move-out", child, "--to-la", "855", "--aware", "15/12/2017")
    assert "2018-01-09" in r.stderr
    dl = {d["rule_id"]: d for d in run.json("deadlines", "--as-of", "2018-01-10")}
    assert dl["la_transfer_out_15wd"]["due_on"] == "2018-01-09"
    assert dl["la_transfer_out_15wd"]["status"] == "overdue"
    run("moves", "transferred-out", child, "--date", "09/01/2018")
    assert "la_transfer_out_15wd" not in {
        d["rule_id"] for d in run.json("deadlines", "--as-of", "2018-01-10")
    }
    shown = {
        c["rule_id"]: c for c in run.json("cases", "show", child, "--as-of", "2018-01-10")["clocks"]
    }
    assert shown["la_transfer_out_15wd"]["status"] == "met"


# --- statuses worked by hand: excused lateness, a decision notified with the proposals ---------


def test_a_late_act_with_a_statutory_exception_is_excused_not_missed():
    # reg 13(3): the authority "need not comply with the time limit" for the reasons of reg 10(4)
    late = E.Assessment(
        D("2017-01-09"),
        D("2017-02-10"),
        "assess",
        None,
        D("2017-05-30"),
        "ehcp_issued",
        exception="school-closure",
    )
    h = E.History("A", D("2010-01-01"), None, assessments=(late,))
    final = [c for c in E.case_clocks(h, D("2017-06-01")) if c.clock == "assessment_final"][0]
    assert (final.due_on, final.status) == (D("2017-05-29"), "excused")
    decision = [c for c in E.case_clocks(h, D("2017-06-01")) if c.clock == "assessment_decision"]
    assert decision[0].status == "met"  # on time: the exception does not change it
    on_time = E.History("A", D("2010-01-01"), None, assessments=(replace(late, exception=None),))
    final = [c for c in E.case_clocks(on_time, D("2017-06-01")) if c.clock == "assessment_final"]
    assert final[0].status == "missed"
    # reg 8(2): advice late because the family missed the appointment
    h = ehcp(
        [
            ev(1, "advice", "request", "2017-02-06", detail="ep"),
            ev(2, "advice", "received", "2017-03-21", ref_id=1, detail="missed-appointment"),
        ]
    )
    assert one(h, "2017-04-01", "advice_reg8_6w").status == "excused"


def test_amendment_proposals_notify_the_review_decision():
    # reg 22(2)(a): the proposals are the notice of the decision to amend
    meeting = ev(1, "review", "proposals", "2017-06-14", detail="2017-05-17")
    h = ehcp([meeting], reviews=(E.Review(D("2017-05-17")),))
    c = one(h, "2017-08-11", "review_decision_4w")
    assert (c.due_on, c.done_on, c.status) == (D("2017-06-14"), D("2017-06-14"), "met")
    review = [
        k for k in E.case_clocks(h, D("2017-08-11"), 14, ENGLAND) if k.clock == "annual_review"
    ]
    assert review[0].anchor_on == D("2017-06-14") and review[0].due_on == D("2018-06-13")


def test_a_plan_moved_in_says_its_3_months():
    h = replace(
        ehcp(made="2016-03-10"),
        moved_in_on=D("2018-01-09"),
        moved_in_last_review=D("2017-03-10"),
    )
    c = [k for k in E.case_clocks(h, D("2018-01-10"), 14, ENGLAND) if k.clock == "annual_review"][0]
    assert c.due_on == D("2018-04-08") and "in the 3 months starting with 9 Jan 2018" in c.detail
    assert c.legal_ref == "SEND Regs 2014 reg 15(5)"


def test_the_appeal_window_stays_open_while_mediation_is_under_way():
    # r.20(1)(c)(ii): within 1 month of the mediation certificate when that is later
    h = ehcp(
        [
            ev(1, "appeal", "decision-notice", "2017-05-10"),
            ev(2, "appeal", "mediation-request", "2017-07-05"),
        ]
    )
    c = one(h, "2017-07-11", "appeal_window")
    # held by Fri 4 Aug (30 days), certificate by Wed 9 Aug (3 working days), appeal by 9 Sep
    assert (c.status, c.due_on) == ("upcoming", D("2017-09-09"))
    assert "mediation under way" in c.detail and "2017-08-09" in c.detail
    # once the certificate is issued the window is fixed by it
    h = ehcp(
        [
            ev(1, "appeal", "decision-notice", "2017-05-10"),
            ev(2, "appeal", "mediation-request", "2017-07-05"),
            ev(3, "appeal", "mediation-end", "2017-07-18"),
            ev(4, "appeal", "certificate", "2017-07-21"),
        ]
    )
    assert one(h, "2017-07-22", "appeal_window").due_on == D("2017-08-21")
