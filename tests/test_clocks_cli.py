"""transfers | assessments | reviews | deadlines through the real CLI, on a small case fixture."""

import json
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NOW = "2017-01-01T00:00:00+00:00"
CASES = [
    # ref, forename, dob, setting, setting_type, year_group, need, plan_type, plan_issued_on, caseworker, email
    (
        "RCC-001",
        "Amy",
        "2006-05-01",
        "Oak Primary",
        "mainstream",
        "6",
        "ASD",
        "statement",
        None,
        "Jo Bell",
        "jo@rutland.test",
    ),
    (
        "RCC-002",
        "Ben",
        "2010-02-01",
        "Elm Infant School",
        "mainstream",
        "2",
        "MLD",
        "statement",
        None,
        "Jo Bell",
        "jo@rutland.test",
    ),
    (
        "RCC-003",
        "Cal",
        "2013-03-01",
        "Little Acorns",
        "early years",
        "N2",
        "SLCN",
        "ehcp",
        "2016-02-29",
        "Kim Ray",
        "kim@rutland.test",
    ),
    (
        "RCC-004",
        "Dee",
        "2003-03-01",
        "Catmose College",
        "mainstream",
        "8",
        "SEMH",
        "sen_support",
        None,
        "Kim Ray",
        None,
    ),
    (
        "RCC-005",
        "Eve",
        "2004-01-10",
        "Catmose College",
        "mainstream",
        "8",
        "SPLD",
        "statement",
        "2010-06-01",
        "Kim Ray",
        "kim@rutland.test",
    ),
]


def add_cases(db_path, cases=CASES):
    con = sqlite3.connect(db_path)
    con.executemany(
        "INSERT INTO cases (case_ref, forename, surname, date_of_birth, setting, setting_type, out_of_county,"
        " year_group, primary_need, plan_type, plan_issued_on, caseworker, caseworker_email, created_utc,"
        " updated_utc) VALUES (?, ?, 'Surname', ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
        [c + (NOW, NOW) for c in cases],
    )
    con.commit()
    con.close()


@pytest.fixture
def db(run, db_path):
    run("init", "--no-funds")
    add_cases(db_path)
    return db_path


def q(db_path, sql, params=()):
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def counts(db_path):
    return {
        t: q(db_path, f"SELECT count(*) n FROM {t}")[0]["n"]
        for t in ("transfers", "assessments", "reviews", "clock_events", "audit_log")
    }


# --- transfers ------------------------------------------------------------------------------------


def test_transfer_lifecycle_makes_the_plan_an_ehcp(run, db):
    r = run("transfers", "start", "RCC-001", "--date", "01/11/2016")
    # Year 6 in 2016/17: art 14(3)(b) "before 15th February" -> last lawful day 14 Feb 2017
    assert "final plan due 2017-02-14" in r.stderr
    run("transfers", "record", "RCC-001", "draft-issued", "--date", "2017-01-05")
    run("transfers", "record", "RCC-001", "final-issued", "--date", "2017-02-10")
    rows = run.json("transfers", "list", "--as-of", "2017-04-18")
    amy = next(x for x in rows if x["case_ref"] == "RCC-001")
    assert {
        k: amy[k]
        for k in (
            "state",
            "notice_on",
            "started_on",
            "due_on",
            "concluded_on",
            "outcome",
            "days_left",
        )
    } == {
        "state": "concluded",
        "notice_on": "2016-10-18",
        "started_on": "2016-11-01",
        "due_on": "2017-02-14",
        "concluded_on": "2017-02-10",
        "outcome": "ehcp_issued",
        "days_left": None,
    }
    case = q(db, "SELECT plan_type, plan_issued_on FROM cases WHERE case_ref = 'RCC-001'")[0]
    assert case == {"plan_type": "ehcp", "plan_issued_on": "2017-02-10"}
    audit = q(
        db, "SELECT entity, action, case_ref, before_json, after_json FROM audit_log ORDER BY id"
    )
    assert [(a["entity"], a["action"]) for a in audit] == [
        ("transfer", "start"),
        ("transfer", "draft-issued"),
        ("transfer", "final-issued"),
        ("case", "update"),
    ]
    assert all(a["case_ref"] == "RCC-001" for a in audit)
    assert json.loads(audit[-1]["before_json"])["plan_type"] == "statement"
    # as at a date before the start, the same child was not started
    before = run.json("transfers", "list", "--as-of", "2016-10-01", "--state", "not_started")
    assert "RCC-001" in [x["case_ref"] for x in before]


@pytest.mark.parametrize(
    "setup, args, message",
    [
        (
            [],
            ["transfers", "start", "RCC-004", "--date", "2016-11-01"],
            "only a child with a statement",
        ),
        ([], ["transfers", "start", "RCC-999", "--date", "2016-11-01"], "RCC-999: no such case"),
        (
            [],
            [
                "transfers",
                "start",
                "RCC-001",
                "--date",
                "2016-11-01",
                "--notice-date",
                "2016-10-25",
            ],
            "at least 14 days before the start",
        ),
        (
            [],
            ["transfers", "start", "RCC-001", "--date", "2014-06-01"],
            "transfer reviews began on 2014-09-01",
        ),
        ([], ["transfers", "start", "RCC-001", "--date", "2016-02-30"], "--date: not a real date"),
        (
            [],
            ["transfers", "record", "RCC-001", "draft-issued", "--date", "2016-11-01"],
            "no transfer review has been started",
        ),
        (
            [["transfers", "start", "RCC-001", "--date", "2016-11-01"]],
            ["transfers", "start", "RCC-001", "--date", "2016-12-01"],
            "already started on 2016-11-01",
        ),
        (
            [["transfers", "start", "RCC-001", "--date", "2016-11-01"]],
            ["transfers", "record", "RCC-001", "final-issued", "--date", "2016-10-01"],
            "before the transfer started",
        ),
        (
            [["transfers", "start", "RCC-001", "--date", "2016-11-01"]],
            ["transfers", "record", "RCC-001", "final-issued", "--date", "2016-12-01"],
            "needs a draft first",
        ),
        (
            [["transfers", "start", "RCC-001", "--date", "2016-11-01"]],
            ["transfers", "record", "RCC-001", "ceased", "--date", "2016-12-01"],
            "--reason: required",
        ),
        (
            [
                ["transfers", "start", "RCC-001", "--date", "2016-11-01"],
                ["transfers", "record", "RCC-001", "no-plan", "--date", "2016-12-01"],
            ],
            ["transfers", "record", "RCC-001", "draft-issued", "--date", "2016-12-02"],
            "already concluded",
        ),
        (
            [
                ["transfers", "start", "RCC-001", "--date", "2016-11-01"],
                ["transfers", "record", "RCC-001", "draft-issued", "--date", "2016-12-01"],
            ],
            ["transfers", "record", "RCC-001", "final-issued", "--date", "2016-11-20"],
            "in date order",
        ),
    ],
)
def test_transfer_refusals_write_nothing(run, db, setup, args, message):
    for s in setup:
        run(*s)
    before = counts(db)
    r = run(*args, expect=1)
    assert message in r.stderr and r.stderr.startswith("Error: ")
    assert r.stdout == ""
    assert counts(db) == before


def test_ceased_and_no_plan_outcomes_and_status(run, db):
    run("transfers", "start", "RCC-001", "--date", "2016-11-01")
    run("transfers", "start", "RCC-002", "--date", "2016-12-01")
    run("transfers", "record", "RCC-002", "ceased", "--date", "2017-03-01", "--reason", "moved-la")
    run("transfers", "record", "RCC-001", "no-plan", "--date", "2017-04-01")
    s = run.json("transfers", "status", "--as-of", "2017-04-18")
    assert (
        s["total"],
        s["not_started"],
        s["in_progress"],
        s["ceased"],
        s["no_plan"],
        s["ehcp_issued"],
    ) == (3, 1, 0, 1, 1, 0)
    assert s["pct_done"] == 66.7 and s["days_left"] == 347 and s["deadline_on"] == "2018-03-31"
    assert s["rate_per_month_last_8_weeks"] == round(2 / 56 * 365.25 / 12, 1)
    assert s["forecast_finish_on"] == "2017-05-16"  # 1 left at 2 per 56 days: 28 days
    assert s["burndown"][0] == {"month": "2014-09", "target": 3, "remaining": 3}
    assert {"month": "2017-03", "target": 1, "remaining": 2} in s["burndown"]
    # plan_type stays 'statement' for no-plan/ceased: only final-issued changes it
    assert (
        q(db, "SELECT plan_type FROM cases WHERE case_ref = 'RCC-001'")[0]["plan_type"]
        == "statement"
    )
    by = run.json("transfers", "status", "--as-of", "2017-04-18", "--by", "caseworker")
    assert [(g["caseworker"], g["total"]) for g in by["groups"]] == [("Jo Bell", 2), ("Kim Ray", 1)]
    plain = run("transfers", "status", "--as-of", "2017-04-18").stdout
    assert "Statements left, by month" in plain and "o statements left" in plain
    assert ". straight line to zero by 2018-03-31" in plain
    assert "\x1b[" not in plain
    csv_out = run(
        "transfers", "status", "--as-of", "2017-04-18", "--by", "need", "--format", "csv"
    ).stdout
    assert csv_out.splitlines()[0].startswith("need,total,not_started")


def test_transfers_list_filters(run, db):
    run("transfers", "start", "RCC-005", "--date", "2016-09-05")  # due 2017-01-09: overdue by April
    over = run.json("transfers", "list", "--overdue", "--as-of", "2017-04-18")
    assert {x["case_ref"]: x["state"] for x in over} == {
        "RCC-005": "in_progress",
        "RCC-001": "not_started",
        "RCC-002": "not_started",
    }
    assert next(x for x in over if x["case_ref"] == "RCC-005")["days_left"] == -99
    assert [
        x["case_ref"]
        for x in run.json("transfers", "list", "--state", "in_progress", "--as-of", "2017-04-18")
    ] == ["RCC-005"]
    assert [
        x["case_ref"]
        for x in run.json("transfers", "list", "--caseworker", "kim ray", "--as-of", "2017-04-18")
    ] == ["RCC-005"]


# --- deadlines ------------------------------------------------------------------------------------


def test_deadlines_fields_statuses_and_fail_on(run, db):
    run("assessments", "request", "RCC-004", "--received", "2017-01-09")
    rows = run.json("deadlines", "--as-of", "2017-02-10")
    assert all(
        set(r) >= {"case_ref", "clock", "due_on", "status", "days_left", "caseworker"} for r in rows
    )
    got = {(r["case_ref"], r["clock"]): (r["due_on"], r["status"], r["days_left"]) for r in rows}
    assert got[("RCC-004", "assessment_decision")] == ("2017-02-20", "due", 10)
    # a statement's phase duty is its transfer (art 14(3)(b)): no separate reg 18 clock
    assert ("RCC-001", "phase_transfer") not in got
    assert got[("RCC-001", "transfer")] == ("2017-02-14", "due", 4)
    assert ("RCC-004", "assessment_final") not in got  # 29 May: beyond the window
    assert [r["due_on"] for r in rows] == sorted(r["due_on"] for r in rows)
    run(
        "deadlines",
        "--as-of",
        "2017-02-10",
        "--clock",
        "transfer",
        "--fail-on",
        "overdue",
        expect=0,
    )
    r = run(
        "deadlines",
        "--as-of",
        "2017-04-18",
        "--clock",
        "transfer",
        "--fail-on",
        "overdue",
        "--format",
        "json",
        expect=3,
    )
    assert any(x["status"] == "overdue" and x["days_left"] < 0 for x in json.loads(r.stdout))
    run("deadlines", "--as-of", "2017-04-18", expect=0)
    # --all adds the upcoming ones; --clock and --caseworker filter
    everything = run.json("deadlines", "--as-of", "2017-02-10", "--all")
    assert ("RCC-004", "assessment_final", "upcoming") in {
        (r["case_ref"], r["clock"], r["status"]) for r in everything
    }
    only = run.json("deadlines", "--as-of", "2017-02-10", "--all", "--clock", "annual_review")
    assert {r["case_ref"] for r in only} == {"RCC-003", "RCC-005"}
    assert {r["clock"] for r in only} == {"annual_review"}
    assert {
        r["caseworker"]
        for r in run.json("deadlines", "--as-of", "2017-04-18", "--caseworker", "JO BELL")
    } == {"Jo Bell"}


def test_deadlines_bad_flags(run, db):
    # a code not in its list is a refused value like any other: exit 1, one line, no usage text
    r = run("deadlines", "--clock", "nonsense", expect=1)
    assert "Invalid value for '--clock'" in r.stderr and "nonsense" in r.stderr
    assert "Usage:" not in r.stderr
    run("deadlines", "--within", "-1", expect=1)  # a refused value: exit 1
    r = run("deadlines", "--as-of", "31/02/2017", expect=1)
    assert "--as-of" in r.stderr


def test_deadlines_notify_subcommand_is_not_shadowed(run, db):
    r = run("deadlines", "notify", "--help")
    assert "Usage" in r.stdout and "deadlines notify" in r.stdout


def test_annual_review_and_phase_transfer_clocks(run, db):
    # RCC-003: EHCP made 29 Feb 2016, under 5: the CoP 9.178 reminder (6 months starting with
    # 29 Feb 2016 -> 28 Aug 2016) is guidance, never overdue; the s.44 duty runs to 28 Feb 2017
    rows = run.json(
        "deadlines", "--as-of", "2016-08-20", "--clock", "annual_review", "--caseworker", "kim ray"
    )
    rows = [r for r in rows if r["case_ref"] == "RCC-003"]
    assert [(r["case_ref"], r["due_on"], r["status"]) for r in rows] == [
        ("RCC-003", "2016-08-28", "guidance")
    ]
    rows = run.json("deadlines", "--as-of", "2016-09-20", "--clock", "annual_review", "--all")
    assert ("RCC-003", "2017-02-28", "upcoming") in {
        (r["case_ref"], r["due_on"], r["status"]) for r in rows
    }
    run("reviews", "record", "RCC-003", "--meeting", "2016-08-25")
    rows = run.json("deadlines", "--as-of", "2016-09-20")
    got = {r["clock"]: r for r in rows if r["case_ref"] == "RCC-003"}
    assert (
        got["review_decision"]["due_on"] == "2016-09-22"
        and got["review_decision"]["status"] == "due"
    )
    assert "annual_review" not in got  # the meeting restarts the period (guidance: 24 Feb 2017)
    r = run(
        "reviews",
        "record",
        "RCC-003",
        "--meeting",
        "2016-08-25",
        "--decision",
        "amend",
        "--decision-date",
        "2016-09-15",
    )
    assert "decision amend" in r.stderr
    rows = run.json("deadlines", "--as-of", "2016-09-20", "--all")
    mine = {(r["clock"], r["due_on"], r["status"]) for r in rows if r["case_ref"] == "RCC-003"}
    # the period now starts with the decision (15 Sep 2016); a decision to amend does not
    # meet the phase transfer (reg 18: the amended final plan does)
    assert mine == {
        ("annual_review", "2017-09-14", "upcoming"),
        ("annual_review", "2017-03-14", "guidance"),
        ("phase_transfer", "2017-02-14", "upcoming"),
    }
    # the year before Reception (born 1 Mar 2013: A 2016 - C 2012 - 5 = -1): "before 15 February"
    rows = run.json("deadlines", "--as-of", "2016-09-10", "--all", "--clock", "phase_transfer")
    assert ("RCC-003", "2017-02-14") in {(r["case_ref"], r["due_on"]) for r in rows}
    # a meeting recorded with its decision: the next review is 12 months from the decision, as
    # the clocks give it
    r = run(
        "reviews",
        "record",
        "RCC-003",
        "--meeting",
        "2017-05-10",
        "--decision",
        "keep",
        "--decision-date",
        "2017-06-05",
    )
    assert "next annual review due 2018-06-04" in r.stderr
    rows = run.json("deadlines", "--as-of", "2017-06-05", "--all", "--clock", "annual_review")
    assert ("RCC-003", "2018-06-04") in {(r["case_ref"], r["due_on"]) for r in rows}


def test_review_refusals(run, db):
    run("reviews", "record", "RCC-004", "--meeting", "2017-01-10", expect=1)  # SEN support: no plan
    run("reviews", "record", "RCC-003", "--meeting", "2016-01-10", expect=1)  # before the plan
    run("reviews", "record", "RCC-003", "--meeting", "2017-01-10")
    r = run("reviews", "record", "RCC-003", "--meeting", "2017-01-10", expect=1)
    assert "already recorded" in r.stderr
    r = run("reviews", "record", "RCC-003", "--meeting", "2016-12-01", expect=1)
    assert "date order" in r.stderr
    r = run(
        "reviews",
        "record",
        "RCC-003",
        "--meeting",
        "2017-01-10",
        "--decision",
        "keep",
        "--decision-date",
        "2017-01-01",
        expect=1,
    )
    assert "before the meeting" in r.stderr


# --- assessments ----------------------------------------------------------------------------------


def test_assessment_lifecycle_exceptions_and_timeliness(run, db):
    r = run("assessments", "request", "RCC-004", "--received", "2017-01-09")
    assert "decision due 2017-02-20" in r.stderr and "final plan due 2017-05-29" in r.stderr
    run("assessments", "record", "RCC-004", "final-issued", "--date", "2017-05-01", expect=1)
    run("assessments", "record", "RCC-004", "decision-to-assess", "--date", "2017-02-15")
    run("assessments", "record", "RCC-004", "draft-issued", "--date", "2017-05-10")
    run(
        "assessments",
        "record",
        "RCC-004",
        "final-issued",
        "--date",
        "2017-06-05",
        "--exception",
        "school-closure",
    )
    assert q(db, "SELECT plan_type, plan_issued_on FROM cases WHERE case_ref = 'RCC-004'")[0] == {
        "plan_type": "ehcp",
        "plan_issued_on": "2017-06-05",
    }
    a = run.json("assessments", "list", "--year", "2017")[0]
    assert (a["within_20_weeks"], a["exception_applies"], a["exception_reason"]) == (
        False,
        True,
        "school-closure",
    )
    t = json.loads(run("assessments", "timeliness", "--year", "2017", "--format", "json").stdout)
    assert (t["plans"], t["within_20_weeks"], t["plans_excluding_exceptions"]) == (1, 0, 0)
    assert t["pct_within_20_weeks_excluding_exceptions"] is None
    # a second request is fine once the first has concluded; not while one is open
    run("assessments", "request", "RCC-005", "--received", "2017-03-01")
    r = run("assessments", "request", "RCC-005", "--received", "2017-03-02", expect=1)
    assert "still open" in r.stderr
    run("assessments", "record", "RCC-005", "refused", "--date", "2017-04-10")
    rows = run.json("deadlines", "--as-of", "2017-04-18", "--all", "--clock", "assessment_final")
    assert [r["case_ref"] for r in rows] == ["RCC-004"]  # its final plan came later, in June
    rows = run.json("deadlines", "--as-of", "2017-06-30", "--all", "--clock", "assessment_final")
    assert rows == []  # refused and issued: no running final-plan clock


def test_assessment_bad_exception(run, db):
    r = run(
        "assessments",
        "request",
        "RCC-004",
        "--received",
        "2017-01-09",
        "--exception",
        "snow",
        expect=1,
    )
    assert "snow" in r.stderr


# --- cases show contract --------------------------------------------------------------------------


def test_case_clocks_and_events(run, db):
    from sendctl.storage.clocks import case_clocks, case_events
    from sendctl.storage.db import connect

    run("transfers", "start", "RCC-001", "--date", "2016-11-01")
    run("transfers", "record", "RCC-001", "draft-issued", "--date", "2017-01-05")
    run("transfers", "record", "RCC-001", "final-issued", "--date", "2017-02-20")
    conn = connect(db)
    clocks = {c["clock"]: c for c in case_clocks(conn, "RCC-001", date(2017, 4, 18))}
    assert (
        clocks["transfer"]["status"] == "missed" and clocks["transfer"]["done_on"] == "2017-02-20"
    )
    assert clocks["transfer"]["due_on"] == "2017-02-14"
    assert "phase_transfer" not in clocks  # the statement's phase duty was its transfer
    assert clocks["annual_review"]["due_on"] == "2018-02-19"  # 12 months starting with 20 Feb 2017
    events = case_events(conn, "RCC-001")
    assert [(e["event_on"], e["event"]) for e in events] == [
        ("2016-11-01", "start"),
        ("2017-01-05", "draft-issued"),
        ("2017-02-20", "final-issued"),
    ]
    assert events[0]["officer"] == "tester"
    early = {c["clock"]: c["status"] for c in case_clocks(conn, "RCC-001", date(2016, 10, 1))}
    assert early["transfer"] == "upcoming"  # not started yet at that date
    conn.close()


# --- property: recording the concluding event stops the clock -------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.dates(min_value=date(2014, 9, 1), max_value=date(2018, 12, 31)),
    draft_after=st.integers(0, 200),
    final_after=st.integers(0, 200),
    event=st.sampled_from(["final-issued", "no-plan", "ceased"]),
    look=st.integers(0, 400),
)
def test_concluding_stops_the_clock(start, draft_after, final_after, event, look):
    from sendctl.storage.audit import Actor
    from sendctl.storage.clocks import deadline_rows, record_transfer_event, start_transfer
    from sendctl.storage.db import connect, transaction

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.db"
        conn = connect(path, create=True)
        add_cases(path, CASES[:1])
        actor = Actor("prop", "test")
        with transaction(conn):
            row = start_transfer(conn, actor, "RCC-001", start)
            draft = start + timedelta(days=draft_after)
            end = draft + timedelta(days=final_after)
            if event == "final-issued":
                record_transfer_event(conn, actor, "RCC-001", "draft-issued", draft)
            record_transfer_event(
                conn, actor, "RCC-001", event, end, "other" if event == "ceased" else None
            )
        # a late start never moves the duty: due may be before the start (art 14(3)(b))
        assert date.fromisoformat(row["due_on"]) <= date(2018, 3, 31)
        before = [
            r
            for r in deadline_rows(
                conn, end - timedelta(days=1), 14, "transfer", include_upcoming=True
            )
        ]
        after = [
            r
            for r in deadline_rows(
                conn, end + timedelta(days=look), 14, "transfer", include_upcoming=True
            )
        ]
        conn.close()
    assert after == []
    if end > start:
        assert [r["case_ref"] for r in before] == ["RCC-001"]
