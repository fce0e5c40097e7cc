"""High Needs Panel through the CLI (issue 5): every rule, and the summary on a hand-checked set."""

import sqlite3
from datetime import date
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REFS = ("R1", "R2", "R3", "R4", "R5")


@pytest.fixture
def cases(run, db_path):
    """A database with five children (inserted by SQL: the panel needs only the case refs)."""
    run("init", "--no-funds")
    conn = sqlite3.connect(db_path)
    conn.executemany(
        "INSERT INTO cases (case_ref, forename, surname, date_of_birth, plan_type, created_utc,"
        " updated_utc) VALUES (?, 'Child', 'Test', '2008-01-01', 'ehcp', 'x', 'x')",
        [(r,) for r in REFS],
    )
    conn.commit()
    conn.close()
    return db_path


def count(db_path, table="panel_decisions"):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def record(run, *args, expect=0):
    return run("panel", "record", *args, expect=expect)


PLACEMENT = (
    "R1",
    "--date",
    "05/01/2017",
    "--request",
    "placement",
    "--outcome",
    "agreed",
    "--annual-cost",
    "£52,000",
    "--placement-type",
    "independent-special",
    "--provider",
    "Oak Hill School",
    "--out-of-county",
    "--funder",
    "high-needs-block",
    "--starts",
    "01/02/2017",
    "--ends",
    "31/07/2017",
    "--note",
    "38-week place",
)


# --- record ------------------------------------------------------------------------------------


def test_record_stores_every_field_and_audits_with_case_ref(run, cases):
    r = record(run, *PLACEMENT)
    assert "Recorded panel decision 1" in r.stderr
    [d] = run.json("panel", "list")
    assert d == d | {
        "id": 1,
        "case_ref": "R1",
        "meeting_on": "2017-01-05",
        "request": "placement",
        "outcome": "agreed",
        "annual_cost_pence": 5_200_000,
        "annual_cost": "£52,000.00",
        "placement_type": "independent-special",
        "provider": "Oak Hill School",
        "out_of_county": True,
        "funder": "high-needs-block",
        "starts_on": "2017-02-01",
        "ends_on": "2017-07-31",
        "note": "38-week place",
        "urn": None,
        "ukprn": None,
        "sen_setting": None,
        "supersedes_id": None,
        "superseded_by": None,
        "officer": "tester",
    }
    # the decision, then the placement it makes (an agreed cost with a start date), one transaction
    placement, a = run.json("audit", "--case", "R1")
    assert (placement["entity"], placement["action"]) == ("placement", "agreed")
    assert (a["entity"], a["entity_key"], a["action"], a["officer"]) == (
        "panel_decision",
        "1",
        "create",
        "tester",
    )
    assert a["command"] == "panel record"


def test_record_accepts_labels_as_well_as_codes(run, cases):
    record(
        run,
        "R2",
        "--date",
        "2017-01-05",
        "--request",
        "Top up",
        "--outcome",
        "Agreed with conditions",
        "--funder",
        "HNB",
        "--placement-type",
        "Maintained special school",
    )
    [d] = run.json("panel", "list")
    assert (d["request"], d["outcome"], d["funder"], d["placement_type"]) == (
        "top-up",
        "agreed-with-conditions",
        "high-needs-block",
        "maintained-special",
    )
    assert d["annual_cost_pence"] is None and d["out_of_county"] is False


@pytest.mark.parametrize(
    "flag, value, valid",
    [
        (
            "--request",
            "lunch",
            "assessment, ehcp-issue, placement, top-up, transport, care-package, personal-budget, post-16",
        ),
        ("--outcome", "maybe", "agreed, agreed-with-conditions, deferred, declined, referred"),
        ("--placement-type", "boarding", "mainstream, resourced-provision, maintained-special"),
        ("--funder", "lottery", "high-needs-block, general-fund, health, social-care, joint"),
    ],
)
def test_unknown_code_is_refused_listing_the_valid_ones(run, cases, flag, value, valid):
    args = {"--request": "placement", "--outcome": "agreed"}
    args[flag] = value
    flat = [x for kv in args.items() for x in kv]
    r = record(run, "R1", "--date", "05/01/2017", *flat, expect=1)
    assert f"{flag}: unknown" in r.stderr and repr(value) in r.stderr
    assert valid in r.stderr
    assert "Traceback" not in r.stderr
    assert count(cases) == 0 and count(cases, "audit_log") == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("R9", "--date", "05/01/2017", "--request", "transport", "--outcome", "agreed"),
            "case 'R9': no such case",
        ),
        (
            (
                "R1",
                "--date",
                "05/01/2017",
                "--request",
                "transport",
                "--outcome",
                "agreed",
                "--annual-cost",
                "-100",
            ),
            "--annual-cost: must not be negative",
        ),
        (
            (
                "R1",
                "--date",
                "05/01/2017",
                "--request",
                "transport",
                "--outcome",
                "agreed",
                "--annual-cost",
                "12.345",
            ),
            "--annual-cost: more than 2 decimal places",
        ),
        (
            (
                "R1",
                "--date",
                "05/01/2017",
                "--request",
                "transport",
                "--outcome",
                "agreed",
                "--starts",
                "01/09/2017",
                "--ends",
                "31/08/2017",
            ),
            "--ends: the end (2017-08-31) is before the start (2017-09-01)",
        ),
        (
            ("R1", "--date", "31/02/2017", "--request", "transport", "--outcome", "agreed"),
            "--date: not a real date",
        ),
        (
            (
                "R1",
                "--date",
                "05/01/2017",
                "--request",
                "transport",
                "--outcome",
                "agreed",
                "--supersedes",
                "7",
            ),
            "--supersedes: no decision with id 7",
        ),
    ],
)
def test_bad_decisions_are_refused_and_nothing_written(run, cases, args, message):
    r = record(run, *args, expect=1)
    assert message in r.stderr
    assert count(cases) == 0 and count(cases, "audit_log") == 0


def test_missing_required_option_is_a_usage_error(run, cases):
    record(run, "R1", "--date", "05/01/2017", "--request", "transport", expect=2)


# --- supersede ---------------------------------------------------------------------------------


def test_supersede_replaces_in_list_and_summary_and_all_shows_both(run, cases):
    record(
        run,
        "R1",
        "--date",
        "05/01/2017",
        "--request",
        "placement",
        "--outcome",
        "agreed",
        "--annual-cost",
        "45000",
        "--out-of-county",
    )
    r = record(
        run,
        "R1",
        "--date",
        "05/01/2017",
        "--request",
        "placement",
        "--outcome",
        "agreed",
        "--annual-cost",
        "40000",
        "--out-of-county",
        "--supersedes",
        "1",
    )
    assert "supersedes decision 1" in r.stderr
    assert [d["id"] for d in run.json("panel", "list")] == [2]
    both = run.json("panel", "list", "--all")
    assert [(d["id"], d["supersedes_id"], d["superseded_by"]) for d in both] == [
        (1, None, 2),
        (2, 1, None),
    ]
    total = run.json("panel", "summary", "--as-of", "2017-04-18")[-1]
    assert (total["decisions"], total["agreed_annual_cost_pence"]) == (1, 4_000_000)
    total_all = run.json("panel", "summary", "--all", "--as-of", "2017-04-18")[-1]
    assert (total_all["decisions"], total_all["agreed_annual_cost_pence"]) == (2, 8_500_000)
    actions = [(a["entity_key"], a["action"]) for a in run.json("audit", "--case", "R1")]
    assert actions == [("1", "supersede"), ("2", "create"), ("1", "create")]


def test_list_as_of_a_date_leaves_out_later_meetings_and_corrections(run, cases):
    base = ("--request", "placement", "--outcome", "agreed", "--out-of-county")
    record(run, "R1", "--date", "05/01/2017", *base, "--annual-cost", "45000")
    record(run, "R2", "--date", "02/02/2017", *base, "--annual-cost", "30000")
    # the February panel corrects January's cost
    record(run, "R1", "--date", "02/02/2017", *base, "--annual-cost", "40000", "--supersedes", "1")

    def ids(*extra):
        return [d["id"] for d in run.json("panel", "list", *extra)]

    assert ids() == [2, 3]
    assert ids("--as-of", "2017-02-02") == [2, 3]
    assert ids("--as-of", "2017-02-01") == [1]
    assert ids("--as-of", "2017-01-04") == []
    earlier = run.json("panel", "list", "--all", "--as-of", "2017-02-01")
    assert [(d["id"], d["superseded_by"]) for d in earlier] == [(1, None)]


def test_supersede_refuses_other_case_and_second_correction(run, cases):
    record(run, "R1", "--date", "05/01/2017", "--request", "transport", "--outcome", "agreed")
    r = record(
        run,
        "R2",
        "--date",
        "05/01/2017",
        "--request",
        "transport",
        "--outcome",
        "agreed",
        "--supersedes",
        "1",
        expect=1,
    )
    assert "decision 1 is for case 'R1', not 'R2'" in r.stderr
    record(
        run,
        "R1",
        "--date",
        "05/01/2017",
        "--request",
        "transport",
        "--outcome",
        "declined",
        "--supersedes",
        "1",
    )
    r = record(
        run,
        "R1",
        "--date",
        "05/01/2017",
        "--request",
        "transport",
        "--outcome",
        "deferred",
        "--supersedes",
        "1",
        expect=1,
    )
    assert "already superseded by decision 2" in r.stderr and "--supersedes 2" in r.stderr
    assert count(cases) == 2


def test_decisions_are_append_only(run, cases):
    record(run, *PLACEMENT)
    conn = sqlite3.connect(cases)
    for sql in ("UPDATE panel_decisions SET annual_cost_pence = 1", "DELETE FROM panel_decisions"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()


# --- list --------------------------------------------------------------------------------------


def test_list_filters(run, cases):
    run("panel", "import", FIXTURES / "panel_summary.csv")
    ids = lambda *a: [d["id"] for d in run.json("panel", "list", *a)]  # noqa: E731
    assert ids() == list(range(1, 10))
    assert ids("--date", "19/01/2017") == [5, 6, 7, 8, 9]
    assert ids("--from", "2017-01-06") == [5, 6, 7, 8, 9]
    assert ids("--to", "2017-01-05") == [1, 2, 3, 4]
    assert ids("--from", "5 Jan 2017", "--to", "5 Jan 2017") == [1, 2, 3, 4]
    assert ids("--case", "R1") == [1, 8]
    assert ids("--request", "placement") == [1, 2, 8, 9]
    assert ids("--outcome", "Agreed with conditions") == [2]
    assert ids("--case", "R4", "--request", "placement", "--outcome", "agreed") == [9]
    r = run("panel", "list", "--outcome", "maybe", expect=1)
    assert "--outcome: unknown outcome 'maybe'; expected one of: agreed," in r.stderr
    r = run("panel", "list", "--from", "2017-02-01", "--to", "2017-01-01", expect=1)
    assert "--to" in r.stderr


def test_list_csv_carries_the_design_fields(run, cases, tmp_path):
    record(run, *PLACEMENT)
    out = tmp_path / "d.csv"
    run("panel", "list", "--format", "csv", "--output", out)
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    for f in (
        "id",
        "case_ref",
        "meeting_on",
        "request",
        "outcome",
        "annual_cost_pence",
        "placement_type",
        "provider",
        "out_of_county",
    ):
        assert f in header
    plain = run("panel", "list").stdout
    assert "Oak Hill School" in plain and "£52,000.00" in plain


# --- summary: a hand-checked set (panel_summary.csv + one correction) ---------------------------
#
# 05/01: R1 placement agreed £52,000 OOC; R2 placement agreed-with-conditions £18,000;
#        R3 top-up agreed £7,500; R4 assessment declined.
# 19/01: R5 post-16 agreed £30,000 OOC; R3 transport agreed £4,200; R2 care-package deferred
#        £20,000 (not agreed: not counted); R1 placement referred; R4 placement agreed £45,000
#        OOC (id 9), corrected by id 10 to £40,000 OOC.


@pytest.fixture
def hand_set(run, cases):
    run("panel", "import", FIXTURES / "panel_summary.csv")
    record(
        run,
        "R4",
        "--date",
        "19/01/2017",
        "--request",
        "placement",
        "--outcome",
        "agreed",
        "--annual-cost",
        "40000",
        "--out-of-county",
        "--supersedes",
        "9",
    )
    return run


def _by(rows, by, group):
    [r] = [x for x in rows if x["by"] == by and x["group"] == group]
    return r


def test_summary_per_meeting(hand_set):
    rows = hand_set.json("panel", "summary", "--as-of", "2017-04-18")
    m1 = _by(rows, "meeting", "2017-01-05")
    assert {
        k: m1[k]
        for k in (
            "decisions",
            "agreed",
            "agreed_with_conditions",
            "deferred",
            "declined",
            "referred",
            "agreed_annual_cost_pence",
            "placements_agreed",
            "out_of_county_agreed",
            "out_of_county_cost_pence",
            "out_of_county_share_pct",
        )
    } == {
        "decisions": 4,
        "agreed": 2,
        "agreed_with_conditions": 1,
        "deferred": 0,
        "declined": 1,
        "referred": 0,
        "agreed_annual_cost_pence": 7_750_000,
        "placements_agreed": 2,
        "out_of_county_agreed": 1,
        "out_of_county_cost_pence": 5_200_000,
        "out_of_county_share_pct": 50.0,
    }
    m2 = _by(rows, "meeting", "2017-01-19")
    assert (m2["decisions"], m2["agreed"], m2["deferred"], m2["referred"]) == (5, 3, 1, 1)
    assert m2["agreed_annual_cost_pence"] == 7_420_000  # 30,000 + 4,200 + 40,000
    assert (
        m2["placements_agreed"],
        m2["out_of_county_agreed"],
        m2["out_of_county_cost_pence"],
    ) == (2, 2, 7_000_000)
    assert m2["out_of_county_share_pct"] == 100.0
    assert m2["agreed_annual_cost"] == "£74,200.00"


def test_summary_per_request_and_total(hand_set):
    rows = hand_set.json("panel", "summary", "--as-of", "2017-04-18")
    assert [r["group"] for r in rows if r["by"] == "request"] == [
        "assessment",
        "ehcp-issue",
        "placement",
        "top-up",
        "transport",
        "care-package",
        "personal-budget",
        "post-16",
    ]
    p = _by(rows, "request", "placement")
    assert (p["decisions"], p["agreed"], p["agreed_with_conditions"], p["referred"]) == (4, 2, 1, 1)
    assert p["agreed_annual_cost_pence"] == 11_000_000  # 52,000 + 18,000 + 40,000
    assert (p["placements_agreed"], p["out_of_county_agreed"], p["out_of_county_cost_pence"]) == (
        3,
        2,
        9_200_000,
    )
    assert p["out_of_county_share_pct"] == 66.7
    care = _by(rows, "request", "care-package")
    assert (care["decisions"], care["deferred"], care["agreed_annual_cost_pence"]) == (1, 1, 0)
    none = _by(rows, "request", "ehcp-issue")
    assert none["decisions"] == 0 and none["out_of_county_share_pct"] is None
    t = _by(rows, "total", "all")
    assert (
        t["decisions"],
        t["agreed"],
        t["agreed_with_conditions"],
        t["deferred"],
        t["declined"],
        t["referred"],
    ) == (9, 5, 1, 1, 1, 1)
    assert t["agreed_annual_cost_pence"] == 15_170_000
    assert (t["placements_agreed"], t["out_of_county_agreed"], t["out_of_county_cost_pence"]) == (
        4,
        3,
        12_200_000,
    )
    assert t["out_of_county_share_pct"] == 75.0


def test_summary_date_range_and_as_of(hand_set):
    t = hand_set.json("panel", "summary", "--from", "06/01/2017", "--as-of", "2017-04-18")[-1]
    assert (t["decisions"], t["agreed_annual_cost_pence"]) == (5, 7_420_000)
    t = hand_set.json("panel", "summary", "--to", "05/01/2017")[-1]
    assert (t["decisions"], t["agreed_annual_cost_pence"]) == (4, 7_750_000)
    t = hand_set.json("panel", "summary", "--as-of", "2017-01-10")[-1]
    assert t["decisions"] == 4
    assert [
        r["group"]
        for r in hand_set.json("panel", "summary", "--as-of", "2017-01-10")
        if r["by"] == "meeting"
    ] == ["2017-01-05"]


def test_summary_plain_and_csv(hand_set):
    out = hand_set("panel", "summary", "--as-of", "2017-04-18").stdout
    assert "Panel decisions by meeting" in out and "By request type" in out
    assert "£151,700.00" in out and "75.0%" in out
    csv = hand_set("panel", "summary", "--as-of", "2017-04-18", "--format", "csv").stdout
    assert csv.splitlines()[0].startswith("by,group,decisions,agreed,agreed_with_conditions")


def test_summary_of_empty_database(run, cases):
    rows = run.json("panel", "summary")
    assert rows[-1]["decisions"] == 0 and rows[-1]["out_of_county_share_pct"] is None


# --- import ------------------------------------------------------------------------------------


def test_import_aliases_and_labels(run, cases):
    r = run("panel", "import", FIXTURES / "panel_summary.csv")
    assert "Imported 9 panel decision(s)" in r.stderr
    d = {x["id"]: x for x in run.json("panel", "list")}
    assert (d[1]["placement_type"], d[1]["out_of_county"], d[1]["funder"], d[1]["starts_on"]) == (
        "independent-special",
        True,
        "high-needs-block",
        "2017-02-01",
    )
    assert d[2]["outcome"] == "agreed-with-conditions" and d[2]["note"] == "review in 6 months"
    assert (d[5]["request"], d[5]["placement_type"]) == ("post-16", "specialist-post-16")
    assert (d[7]["request"], d[7]["outcome"], d[7]["funder"]) == (
        "care-package",
        "deferred",
        "joint",
    )
    assert d[3]["annual_cost_pence"] == 750_000 and d[4]["annual_cost_pence"] is None
    audit = run.json("audit", "--entity", "panel_decision")
    assert len(audit) == 9 and all(a["case_ref"] for a in audit)
    assert {a["command"] for a in audit} == {"panel import"}


def test_reimport_adds_no_duplicates(run, cases):
    run("panel", "import", FIXTURES / "panel_summary.csv")
    r = run("panel", "import", FIXTURES / "panel_summary.csv")
    assert "Imported 0 panel decision(s)" in r.stderr and "9 already recorded" in r.stderr
    # nine decisions and the one placement (R1: agreed, a cost and a start date), audited once
    assert count(cases) == 9 and count(cases, "audit_log") == 10


def test_reimport_after_a_correction_does_not_bring_the_old_decision_back(hand_set, cases):
    hand_set("panel", "import", FIXTURES / "panel_summary.csv")
    assert count(cases) == 10
    assert 9 not in [d["id"] for d in hand_set.json("panel", "list")]


def test_dry_run_writes_nothing(run, cases):
    r = run("panel", "import", FIXTURES / "panel_summary.csv", "--dry-run")
    assert "Would import 9" in r.stderr and "nothing written" in r.stderr
    assert count(cases) == 0 and count(cases, "audit_log") == 0


def test_import_errors_are_line_numbered_and_all_or_nothing(run, cases):
    f = FIXTURES / "panel_errors.csv"
    r = run("panel", "import", f, expect=1)
    err = r.stderr
    # each problem names the column as the file's header wrote it
    assert f"{f}:3: Outcome: unknown outcome 'approved-ish'; expected one of: agreed," in err
    assert f"{f}:4: Ref: no such case (got 'R9')" in err
    assert f"{f}:5: Cost: must not be negative" in err
    assert f"{f}:6: End: the end (2017-08-01) is before the start (2017-09-01)" in err
    assert f"{f}:7: Date: not a real date" in err
    assert f"{f}:8: Request: unknown request type 'lunch'" in err
    assert "6 problem(s)" in err and "nothing was imported" in err
    assert count(cases) == 0 and count(cases, "audit_log") == 0


def test_import_cp1252_and_bom_files(run, cases):
    r = run("panel", "import", FIXTURES / "panel_cp1252.csv")
    assert "cp1252" in r.stderr
    r = run("panel", "import", FIXTURES / "panel_bom.csv")
    assert "ignored column(s): Colour" in r.stderr
    costs = [d["annual_cost_pence"] for d in run.json("panel", "list")]
    assert costs == [650_000, 310_050]


def test_import_with_wrong_encoding_given_and_missing_column(run, cases, tmp_path):
    r = run("panel", "import", FIXTURES / "panel_cp1252.csv", "--encoding", "utf-8", expect=1)
    assert "not valid utf-8" in r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("Ref,Date,Request\nR1,05/01/2017,transport\n")
    r = run("panel", "import", bad, expect=1)
    assert "missing required column(s): outcome" in r.stderr
    assert count(cases) == 0


def test_a_line_twice_in_one_file_is_two_decisions_as_in_spend_import(run, cases, tmp_path):
    # the nth identical row is the nth decision with that key: both are imported the first
    # time, neither again; a file holding it three times then adds the third only
    head = "Ref,Date,Request,Outcome,Cost\n"
    lines = [
        "R1,05/01/2017,transport,agreed,4200\n",
        'R1,2017-01-05,Transport,Agreed,"£4,200.00"\n',
    ]
    f = tmp_path / "twice.csv"
    f.write_text(head + "".join(lines))
    r = run("panel", "import", f)
    assert "Imported 2 panel decision(s)" in r.stderr and "already recorded" not in r.stderr
    r = run("panel", "import", f)
    assert "Imported 0" in r.stderr and "2 already recorded" in r.stderr
    f.write_text(head + "".join(lines) + lines[0])
    r = run("panel", "import", f, "--dry-run")
    assert "Would import 1" in r.stderr and "2 already recorded" in r.stderr
    run("panel", "import", f)
    assert count(cases) == 3
    # a decision recorded by hand is matched like an imported one
    g = tmp_path / "other.csv"
    g.write_text(head + "R2,05/01/2017,transport,agreed,100\n")
    record(run, "R2", "--date", "05/01/2017", "--request", "transport", "--outcome", "agreed",
           "--annual-cost", "100")  # fmt: skip
    assert "1 already recorded" in run("panel", "import", g).stderr
    assert count(cases) == 4


# --- contracts for others ----------------------------------------------------------------------


def test_case_decisions_and_overview(hand_set, cases):
    from sendctl.storage.db import connect
    from sendctl.storage.panel import case_decisions, panel_overview

    conn = connect(cases)
    r4 = case_decisions(conn, "R4")
    assert [(d["id"], d["superseded_by"]) for d in r4] == [(4, None), (9, 10), (10, None)]
    assert case_decisions(conn, "R9") == []
    o = panel_overview(conn, date(2017, 4, 18))
    # last panel 19 Jan; +14 = 2 Feb, rolled forward a fortnight at a time to 27 Apr
    assert o == {
        "last_meeting_on": "2017-01-19",
        "decisions": 5,
        "agreed_annual_cost_pence": 7_420_000,
        "next_meeting_on": "2017-04-27",
    }
    o = panel_overview(conn, date(2017, 1, 10))
    assert o["last_meeting_on"] == "2017-01-05" and o["next_meeting_on"] == "2017-01-19"
    assert o["decisions"] == 4 and o["agreed_annual_cost_pence"] == 7_750_000
    assert panel_overview(conn, date(2016, 12, 1))["last_meeting_on"] is None
    conn.close()


def test_record_decision_callable_inside_a_transaction(cases):
    from sendctl.storage.audit import Actor
    from sendctl.storage.db import connect, transaction
    from sendctl.storage.panel import record_decision

    conn = connect(cases)
    with transaction(conn):
        a = record_decision(
            conn,
            Actor("demo", "demo"),
            case_ref="R1",
            meeting_on=date(2017, 1, 5),
            request="placement",
            outcome="agreed",
            annual_cost_pence=5_200_000,
            placement_type="independent-special",
            out_of_county=True,
        )
        b = record_decision(
            conn,
            Actor("demo", "demo"),
            case_ref="R1",
            meeting_on="2017-01-19",
            request="transport",
            outcome="agreed",
            annual_cost_pence="£4,200",
        )
    assert (a, b) == (1, 2)
    assert (
        conn.execute("SELECT SUM(annual_cost_pence) FROM panel_decisions").fetchone()[0]
        == 5_620_000
    )
    conn.close()


def test_a_list_export_imports_back_as_duplicates_and_into_a_fresh_database(
    run, cases, tmp_path, monkeypatch
):
    run("panel", "import", FIXTURES / "panel_summary.csv")
    out = tmp_path / "export.csv"
    run("panel", "list", "--format", "csv", "--output", out)
    r = run("panel", "import", out)
    assert "Imported 0" in r.stderr and "9 already recorded" in r.stderr
    assert "ignored column(s): id, annual_cost_pence" in r.stderr
    before = run.json("panel", "list")
    fresh = tmp_path / "fresh.db"
    monkeypatch.setenv("SENDCTL_DB", str(fresh))
    run("init", "--no-funds")
    conn = sqlite3.connect(fresh)
    conn.executemany(
        "INSERT INTO cases (case_ref, forename, surname, date_of_birth, plan_type, created_utc,"
        " updated_utc) VALUES (?, 'Child', 'Test', '2008-01-01', 'ehcp', 'x', 'x')",
        [(r,) for r in REFS],
    )
    conn.commit()
    conn.close()
    run("panel", "import", out)
    keep = (
        "case_ref",
        "meeting_on",
        "request",
        "outcome",
        "annual_cost_pence",
        "placement_type",
        "provider",
        "out_of_county",
        "funder",
        "starts_on",
        "ends_on",
        "note",
    )
    after = run.json("panel", "list")
    assert [{k: d[k] for k in keep} for d in after] == [{k: d[k] for k in keep} for d in before]


def test_help_lists_the_same_codes_as_the_domain():
    # cli/panel.py spells the lists out (its module top may not import the domain: start-up).
    from sendctl.cli import panel as cli
    from sendctl.domain.panel import Funder, Outcome, PlacementType, Request, choices

    assert cli._REQUESTS == choices(Request) and cli._OUTCOMES == choices(Outcome)
    assert cli._PLACEMENTS == choices(PlacementType) and cli._FUNDERS == choices(Funder)
