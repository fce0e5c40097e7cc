"""A case's lifecycle through the real CLI: plans end and move, the amended final plan meets a
phase transfer, corrections are void events, future events and contradictions are refused;
`rules` and `deadlines --explain` show where each date comes from."""

from datetime import date, timedelta

import pytest
from test_clocks_cli import add_cases, counts, q


@pytest.fixture
def db(run, db_path):
    run("init", "--no-funds")
    add_cases(db_path)
    return db_path


def writes(db_path):
    n = counts(db_path)
    n["plan_events"] = q(db_path, "SELECT count(*) n FROM plan_events")[0]["n"]
    return n


def test_rules_table(run, db):
    rows = run.json("rules")
    ids = {r["id"] for r in rows}
    assert {
        "transfer_art14_3b_phase",
        "annual_review_12m",
        "phase_transfer_reg18_1b",
        "assessment_no_plan_16w",
        "annual_review_under5_guidance",
    } <= ids
    for r in rows:
        assert r["legal_ref"] and r["words"] and r["effective_from"]
    s44 = next(r for r in rows if r["id"] == "annual_review_12m")
    assert "12 months starting with" in s44["words"] and s44["reading"] == "months_end"
    in_2016 = {r["id"] for r in run.json("rules", "--as-of", "2016-06-01")}
    assert "transfer_start_18w" in in_2016 and "transfer_notice_14w" not in in_2016
    assert "CFA 2014 s.44(1)" in run("rules", "--format", "plain").stdout


def test_deadlines_explain_names_rule_anchor_and_date(run, db):
    rows = run.json("deadlines", "--as-of", "2017-02-10", "--explain")
    amy = next(r for r in rows if r["case_ref"] == "RCC-001" and r["clock"] == "transfer")
    assert (
        amy["rule_id"] == "transfer_art14_3b_phase"
        and amy["legal_ref"] == "SI 2014/2270 art 14(3)(b)"
    )
    assert "before 15th February" in amy["explain"] and "2017-02-14" in amy["explain"]
    shown = run.json("cases", "show", "RCC-003", "--as-of", "2016-09-20")
    review = next(c for c in shown["clocks"] if c["rule_id"] == "annual_review_12m")
    assert (review["anchor"], review["anchor_on"], review["due_on"]) == (
        "plan made",
        "2016-02-29",
        "2017-02-28",
    )


def test_statutory_events_after_today_are_refused(run, db):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    before = writes(db)
    for args in (
        ["transfers", "start", "RCC-001", "--date", tomorrow],
        ["assessments", "request", "RCC-004", "--received", tomorrow],
        ["reviews", "record", "RCC-003", "--meeting", tomorrow],
        ["reviews", "amend", "RCC-003", "--final", tomorrow],
        ["cases", "end", "RCC-003", "--date", tomorrow, "--reason", "2"],
    ):
        r = run(*args, expect=1)
        assert "after today" in r.stderr and "--" in r.stderr, args
    assert writes(db) == before


def test_an_ended_plan_stops_its_clocks_and_refuses_contradictions(run, db):
    assert any(r["case_ref"] == "RCC-003" for r in run.json("deadlines", "--as-of", "2017-02-20"))
    r = run("cases", "end", "RCC-003", "--date", "2017-01-10", "--reason", "2")
    assert "ended 2017-01-10" in r.stderr
    assert not any(
        r["case_ref"] == "RCC-003" for r in run.json("deadlines", "--as-of", "2017-02-20", "--all")
    )
    # before the end the clocks still ran (replay)
    assert any(
        r["case_ref"] == "RCC-003" for r in run.json("deadlines", "--as-of", "2016-12-01", "--all")
    )
    end_id = [e for e in run.json("cases", "show", "RCC-003")["events"] if e["event"] == "end"][0][
        "id"
    ]
    before = writes(db)
    r = run("reviews", "record", "RCC-003", "--meeting", "2017-02-01", expect=1)
    assert "RCC-003" in r.stderr and f"end event #{end_id}" in r.stderr
    r = run("cases", "end", "RCC-003", "--date", "2017-02-01", "--reason", "9", expect=1)
    assert "RCC-003" in r.stderr and "second end" in r.stderr and f"#{end_id}" in r.stderr
    r = run("reviews", "amend", "RCC-003", "--final", "2017-02-01", expect=1)
    assert f"#{end_id}" in r.stderr
    r = run("cases", "end", "RCC-004", "--date", "2017-02-01", "--reason", "2", expect=1)
    assert "no statement or EHC plan" in r.stderr  # SEN support
    r = run("cases", "end", "RCC-005", "--date", "2017-02-01", "--reason", "0", expect=1)
    assert "cease reason" in r.stderr
    assert writes(db) == before
    # the mistaken end is voided: the clocks run again, both events stay in the history
    run("reviews", "void", str(end_id), "--reason", "ended on the wrong child")
    assert any(r["case_ref"] == "RCC-003" for r in run.json("deadlines", "--as-of", "2017-02-20"))
    events = [e["event"] for e in run.json("cases", "show", "RCC-003")["events"]]
    assert events[-2:] == ["end", "void"] or events.count("end") == 1 and "void" in events


def test_an_end_before_the_plan_was_made_is_refused(run, db):
    r = run("cases", "end", "RCC-003", "--date", "2016-01-01", "--reason", "2", expect=1)
    assert "RCC-003" in r.stderr and "2016-02-29" in r.stderr


def test_phase_transfer_met_only_by_the_amended_final_plan(run, db):
    # RCC-003, year before Reception in 2016/17: reg 18(1)(b), before 15 Feb 2017
    run(
        "reviews",
        "record",
        "RCC-003",
        "--meeting",
        "2016-11-01",
        "--decision",
        "amend",
        "--decision-date",
        "2016-11-20",
    )
    rows = run.json("deadlines", "--as-of", "2017-02-15", "--clock", "phase_transfer")
    assert [(r["case_ref"], r["due_on"], r["status"]) for r in rows] == [
        ("RCC-003", "2017-02-14", "overdue")
    ]
    run("reviews", "amend", "RCC-003", "--final", "2017-02-14")
    assert run.json("deadlines", "--as-of", "2017-02-15", "--clock", "phase_transfer") == []
    shown = run.json("cases", "show", "RCC-003", "--as-of", "2017-02-15")
    phase = next(c for c in shown["clocks"] if c["clock"] == "phase_transfer")
    assert (phase["status"], phase["done_on"]) == ("met", "2017-02-14")
    # replay: on 13 Feb the amended plan had not been issued yet
    assert [
        r["status"]
        for r in run.json("deadlines", "--as-of", "2017-02-13", "--clock", "phase_transfer")
    ] == ["due"]


def test_void_puts_the_clock_back_and_keeps_the_history(run, db):
    run("transfers", "start", "RCC-001", "--date", "2016-11-01")
    run("transfers", "record", "RCC-001", "draft-issued", "--date", "2017-01-05")
    run("transfers", "record", "RCC-001", "final-issued", "--date", "2017-02-10")
    ids = {e["event"]: e["id"] for e in run.json("cases", "show", "RCC-001")["events"]}
    r = run("transfers", "void", str(ids["draft-issued"]), "--reason", "typo", expect=1)
    assert "later" in r.stderr  # the final plan was recorded on top of it
    run("transfers", "void", str(ids["final-issued"]), "--reason", "wrong child")
    assert q(db, "SELECT plan_type, plan_issued_on FROM cases WHERE case_ref = 'RCC-001'")[0] == {
        "plan_type": "statement",
        "plan_issued_on": None,
    }  # as it was before the final plan
    rows = run.json("transfers", "list", "--as-of", "2017-04-18")
    amy = next(x for x in rows if x["case_ref"] == "RCC-001")
    assert (amy["state"], amy["due_on"]) == ("in_progress", "2017-02-14")
    events = [(e["event"], e["clock"]) for e in run.json("cases", "show", "RCC-001")["events"]]
    assert ("final-issued", "transfer") in events and ("void", "transfer") in events
    r = run("transfers", "void", str(ids["final-issued"]), "--reason", "again", expect=1)
    assert "already voided" in r.stderr
    r = run("assessments", "void", str(ids["start"]), "--reason", "x", expect=1)
    assert "no assessment event" in r.stderr


def test_move_out_ends_the_plan_on_the_reg_15_date(run, db):
    r = run("cases", "move-out", "RCC-003", "--to-la", "855", "--aware", "2017-12-15")
    assert "2018-01-09" in r.stderr  # 15 working days beginning with Fri 15 Dec 2017
    # the plan's clocks stop; only passing it to the new authority (reg 15(2)) is still due
    left = [
        r["clock"]
        for r in run.json("deadlines", "--as-of", "2018-01-20", "--all")
        if r["case_ref"] == "RCC-003"
    ]
    assert left == ["la_transfer_out"]
    run("moves", "transferred-out", "RCC-003", "--date", "2018-01-09")
    assert not any(
        r["case_ref"] == "RCC-003" for r in run.json("deadlines", "--as-of", "2018-01-20", "--all")
    )


def test_move_in_sets_the_first_review(run, db):
    r = run(
        "cases",
        "move-in",
        "RCC-003",
        "--from-la",
        "855",
        "--date",
        "2017-09-01",
        "--last-review",
        "2017-07-10",
    )
    assert "transferred in" in r.stderr
    shown = run.json("cases", "show", "RCC-003", "--as-of", "2017-09-02")
    review = next(
        c for c in shown["clocks"] if c["clock"] == "annual_review" and c["status"] != "guidance"
    )
    assert (review["rule_id"], review["due_on"]) == ("annual_review_after_move_in", "2018-07-09")


def test_sen2_counts_an_ended_plan_under_its_reason_and_not_in_the_caseload(run, db):
    def fig(name, year=2016):
        figures = run.json("report", "sen2", "--year", str(year))
        rows = figures if isinstance(figures, list) else figures["figures"]
        return next((f["value"] for f in rows if f["figure"] == name), None)

    before = fig("caseload_total")
    run("cases", "end", "RCC-003", "--date", "2016-12-01", "--reason", "2")
    assert fig("caseload_total") == before - 1  # census day 19 Jan 2017
    assert fig("ceased_reason_2") == 1 and fig("plans_ended") == 1
    r = run("reviews", "record", "RCC-005", "--meeting", "2016-06-01", "--decision", "cease")
    assert "cases end RCC-005" in r.stderr


def test_voiding_a_final_plan_restores_the_statement(run, db):
    run("transfers", "start", "RCC-005", "--date", "2016-09-05")
    run("transfers", "record", "RCC-005", "draft-issued", "--date", "2016-11-01")
    run("transfers", "record", "RCC-005", "final-issued", "--date", "2016-12-01")
    final = [
        e for e in run.json("cases", "show", "RCC-005")["events"] if e["event"] == "final-issued"
    ][0]
    run("transfers", "void", str(final["id"]), "--reason", "issued for another child")
    assert q(db, "SELECT plan_type, plan_issued_on FROM cases WHERE case_ref = 'RCC-005'")[0] == {
        "plan_type": "statement",
        "plan_issued_on": "2010-06-01",
    }
