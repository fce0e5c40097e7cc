"""The SEN2 return's items recorded where the work happens: withdrawals (outcome W), the DS
need, the authority a plan moved in from, the cease date of a plan that moved away, and
phase-transfer dates; each from the command that records it to the XML, the checks and the
measures."""

import sqlite3
import xml.etree.ElementTree as ET

import pytest

YEAR = 2025  # reference year: the January 2026 return, census day Thursday 15 January 2026


@pytest.fixture
def reg(run):
    run("init", "--no-funds")

    def add(ref, dob, plan="sen_support", issued=None, need="ASD"):
        args = ["cases", "add", ref, "--forename", ref, "--surname", "Test", "--dob", dob]
        args += ["--plan", plan, "--need", need]
        if issued:
            args += ["--plan-issued", issued]
        run(*args)
        run("cases", "update", ref, "--sex", "M", "--ethnicity", "WBRI", "--upn-unknown", "UN2")

    run.add = add
    return run


def _xml(run, tmp_path, year=YEAR):
    out = tmp_path / f"r{year}.xml"
    run("report", "sen2", "--year", year, "--xml", out, "--lea", "857")
    return {p.findtext("Forename"): p for p in ET.parse(out).getroot().find("Persons")}


def _measures(run, year=YEAR):
    return {
        r["figure"]: r["value"]
        for r in run.json("report", "sen2", "--year", year)
        if r["section"].startswith("sen2_")
    }


def test_withdrawn_request_and_assessment(reg, tmp_path):
    # W1: request withdrawn before the decision whether to assess
    reg.add("W1", "2015-01-01")
    reg("assessments", "request", "W1", "--received", "2025-03-03")
    reg("assessments", "record", "W1", "withdrawn", "--date", "2025-03-20")
    # W2: decided to assess, then withdrawn before the decision whether to issue a plan
    reg.add("W2", "2015-01-01")
    reg("assessments", "request", "W2", "--received", "2025-02-03")
    reg("assessments", "record", "W2", "decision-to-assess", "--date", "2025-03-10")
    reg("assessments", "record", "W2", "withdrawn", "--date", "2025-05-01")
    # W3: withdrawn after census day: still undecided (A) in the 2026 return
    reg.add("W3", "2015-01-01")
    reg("assessments", "request", "W3", "--received", "2025-12-01")
    reg("assessments", "record", "W3", "withdrawn", "--date", "2026-02-01")
    # W4: received in 2024, withdrawn in 2025: returned (work completed in the year), not
    # counted among the year's requests
    reg.add("W4", "2015-01-01")
    reg("assessments", "request", "W4", "--received", "2024-12-02")
    reg("assessments", "record", "W4", "withdrawn", "--date", "2025-01-10")

    people = _xml(reg, tmp_path)
    w1 = people["W1"].find("Requests")
    assert w1.findtext("RequestOutcome") == "W"
    assert w1.find("RequestOutcomeDate") is None and w1.find("Assessment") is None
    w2 = people["W2"].find("Requests")
    assert (w2.findtext("RequestOutcome"), w2.findtext("RequestOutcomeDate")) == ("Y", "2025-03-10")
    assert w2.findtext("Assessment/AssessmentOutcome") == "W"
    assert w2.find("Assessment/AssessmentOutcomeDate") is None
    assert w2.find("Assessment/NamedPlan") is None
    assert people["W3"].findtext("Requests/RequestOutcome") == "A"
    assert people["W4"].findtext("Requests/RequestOutcome") == "W"

    m = _measures(reg)
    assert m["requests_received"] == 3  # W1 W2 W3 (W4 was received in 2024)
    assert m["requests_withdrawn"] == 1 and m["requests_not_decided"] == 1
    assert m["assessments_withdrawn"] == 1 and m["assessments_not_made"] == 0
    rows = reg.json("report", "sen2", "--year", YEAR, "--explain", "W2")
    by = {(r["figure"], r["counted"]): r["why"] for r in rows}
    assert by[("assessments_withdrawn", True)] == (
        "request received 3 Feb 2025, decided to assess 10 Mar 2025: assessment outcome W"
        " (withdrawn before the decision whether to issue a plan)"
    )
    rows = reg.json("report", "sen2", "--year", YEAR, "--explain", "W1")
    by = {(r["figure"], r["counted"]): r["why"] for r in rows}
    assert by[("requests_withdrawn", True)].endswith(
        "(withdrawn before the decision whether to assess)"
    )
    # the outcomes pass the checks (W without a date, no assessment after a withdrawn request)
    checks = reg.json("report", "sen2", "--year", YEAR, "--check", expect=None)
    assert not [c for c in checks if c["case_ref"].startswith("W") and c["kind"] == "error"]

    # a withdrawn request stops its clocks, and a new request can follow
    clocks = reg.json("deadlines", "--as-of", "2025-12-31", "--within", "400", "--format", "json")
    assert not [c for c in clocks if c["case_ref"] in ("W1", "W2", "W4")]
    reg("assessments", "request", "W1", "--received", "2025-06-02")
    # withdrawn only while the request is open, never before it was received
    reg("assessments", "record", "W2", "withdrawn", "--date", "2025-06-01", expect=1)
    r = reg("assessments", "record", "W1", "withdrawn", "--date", "2025-05-01", expect=1)
    assert "before the request was received" in r.stderr and "Traceback" not in r.stderr


def test_withdrawal_is_voided_like_any_assessment_event(reg, db_path):
    reg.add("V", "2015-01-01")
    reg("assessments", "request", "V", "--received", "2025-03-03")
    reg("assessments", "record", "V", "withdrawn", "--date", "2025-03-20")
    conn = sqlite3.connect(db_path)
    (eid,) = conn.execute(
        "SELECT id FROM clock_events WHERE event = 'withdrawn' AND case_ref = 'V'"
    ).fetchone()
    conn.close()
    reg("assessments", "void", eid, "--reason", "recorded on the wrong child")
    rows = reg.json("assessments", "list", "--as-of", "2025-12-31")
    assert [(r["case_ref"], r["outcome"], r["concluded_on"]) for r in rows] == [("V", None, None)]


def test_ds_need_is_recorded_and_emitted_from_2025(reg, tmp_path):
    reg.add("D1", "2012-01-01", "ehcp", "2020-01-10", need="DS")
    reg("cases", "update", "D1", "--urn", "123456", "--placement-from", "2020-01-10")
    reg.add("D2", "2012-01-01", "ehcp", "2020-01-10", need="down syndrome")
    reg("cases", "update", "D2", "--need", "SLD", "--secondary-need", "DS")
    people = _xml(reg, tmp_path)
    needs = people["D1"].findall("Requests/ActivePlans/SENneed")
    assert [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in needs] == [("DS", "1")]
    needs = people["D2"].findall("Requests/ActivePlans/SENneed")
    assert [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in needs] == [
        ("SLD", "1"),
        ("DS", "2"),
    ]
    assert reg.json("cases", "list", "--need", "DS")[0]["case_ref"] == "D1"
    # the 2024 collection's code list had no DS: its check says so
    checks = reg.json("report", "sen2", "--year", 2023, "--check", expect=3)
    assert {(c["rule"], c["case_ref"], c["field"]) for c in checks if c["kind"] == "error"} >= {
        ("S2-11", "D1", "sen_type")
    }
    r = reg("cases", "update", "D1", "--need", "DSX", expect=1)
    assert "--need" in r.stderr and "DS" in r.stderr


def test_transfer_la_is_its_own_field_and_move_out_ceases_on_the_transfer(reg, tmp_path, db_path):
    reg.add("M1", "2012-01-01", "ehcp", "2020-01-10")
    reg("cases", "move-in", "M1", "--from-la", "855", "--date", "2025-06-01")
    reg.add("M2", "2012-01-01", "ehcp", "2020-01-10")
    reg(
        "cases", "move-out", "M2", "--to-la", "855", "--aware", "2025-09-01", "--move", "2025-09-20"
    )
    reg("moves", "transferred-out", "M2", "--date", "2025-09-25")
    reg.add("M3", "2012-01-01", "ehcp", "2020-01-10")
    reg(
        "cases", "move-out", "M3", "--to-la", "855", "--aware", "2025-09-01", "--move", "2025-09-20"
    )
    reg.add("M4", "2012-01-01", "ehcp", "2020-01-10")
    reg("cases", "move-out", "M4", "--to-la", "855", "--aware", "2025-12-20")
    reg("moves", "transferred-out", "M4", "--date", "2026-01-20")  # after census day
    conn = sqlite3.connect(db_path)
    assert conn.execute(
        "SELECT case_ref, la FROM plan_events WHERE event IN ('move-in', 'move-out') ORDER BY id"
    ).fetchall() == [("M1", "855"), ("M2", "855"), ("M3", "855"), ("M4", "855")]
    conn.close()
    people = _xml(reg, tmp_path)
    assert people["M1"].findtext("Requests/ActivePlans/TransferLA") == "855"

    def ceased(name):
        plan = people[name].find("Requests/Assessment/NamedPlan")
        return plan.findtext("CeaseDate"), plan.findtext("CeaseReason")

    assert ceased("M2") == ("2025-09-25", "5")  # the day the plan was transferred
    assert ceased("M3") == ("2025-09-20", "5")  # not transferred yet: the day of the move
    assert ceased("M4") == (None, None)  # transferred after census day: still ours that day
    assert people["M4"].find("Requests/ActivePlans") is not None


def test_phase_transfer_dates(reg, tmp_path):
    # Year 6 in 2025/26: transfer to secondary in September 2026, due before 15 Feb 2026
    reg.add("P6", "2014-10-01", "ehcp", "2020-01-10")
    reg("reviews", "amend", "P6", "--final", "2026-01-10")
    # Year 11 in 2025/26: to post-16, due before 31 March 2026; no amended plan yet
    reg.add("P11", "2009-10-01", "ehcp", "2020-01-10")
    # Year 7 in 2025/26: the transfer was due before 15 February 2025 (the reference year)
    reg.add("P7", "2013-10-01", "ehcp", "2020-01-10")
    reg("reviews", "amend", "P7", "--final", "2025-02-03")
    # Year 4: no phase transfer
    reg.add("P4", "2016-10-01", "ehcp", "2020-01-10")
    people = _xml(reg, tmp_path)

    def phase(name):
        ap = people[name].find("Requests/ActivePlans")
        return ap.findtext("PhaseTransferDueDate"), ap.findtext("PhaseTransferFinalDate")

    assert phase("P6") == ("2026-02-15", "2026-01-10")
    assert phase("P11") == ("2026-03-31", None)
    assert phase("P7") == ("2025-02-15", "2025-02-03")
    assert phase("P4") == (None, None)
    # replayed: the 2025 return (census day 16 January 2025) knew of P7's transfer, not the plan
    people = _xml(reg, tmp_path, YEAR - 1)
    ap = people["P7"].find("Requests/ActivePlans")
    assert (ap.findtext("PhaseTransferDueDate"), ap.findtext("PhaseTransferFinalDate")) == (
        "2025-02-15",
        None,
    )


def test_upgrade_copies_the_move_la_out_of_the_detail_and_keeps_plan_events_append_only(
    tmp_path, monkeypatch
):
    from sendctl.storage import migrations
    from sendctl.storage.db import connect

    k = [m.__name__ for m in migrations.MIGRATIONS].index("m702_assessment_withdrawn_and_move_la")
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:k])
        migrations.migrate(conn)
    for event, detail in (
        ("move-in", "from LA 855; last reviewed 2017-01-01"),
        ("move-out", "to LA 931"),
        ("move-in", "from LA Leicestershire"),
    ):
        conn.execute(
            "INSERT INTO plan_events (case_ref, event, event_on, detail, officer, recorded_utc)"
            " VALUES ('X', ?, '2017-06-01', ?, 'old', 't')",
            (event, detail),
        )
    conn.close()
    new = connect(path)
    try:
        rows = new.execute("SELECT la, detail FROM plan_events ORDER BY id").fetchall()
        assert [tuple(r) for r in rows] == [
            ("855", "from LA 855; last reviewed 2017-01-01"),
            ("931", "to LA 931"),
            (None, "from LA Leicestershire"),
        ]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            new.execute("UPDATE plan_events SET la = '001'")
        new.execute(
            "INSERT INTO assessments (case_ref, received_on, decision_due_on, no_plan_due_on,"
            " final_due_on, concluded_on, outcome, created_utc, updated_utc)"
            " VALUES ('X', '2017-01-02', 'a', 'b', 'c', '2017-02-01', 'withdrawn', 't', 't')"
        )
        with pytest.raises(sqlite3.IntegrityError):
            new.execute(
                "INSERT INTO assessments (case_ref, received_on, decision_due_on, no_plan_due_on,"
                " final_due_on, outcome, created_utc, updated_utc)"
                " VALUES ('Y', '2017-01-02', 'a', 'b', 'c', 'lost', 't', 't')"
            )
    finally:
        new.close()


def _panel(run, ref, starts, *more):
    run(
        "panel",
        "record",
        ref,
        "--date",
        "2025-07-01",
        "--request",
        "placement",
        "--outcome",
        "agreed",
        "--annual-cost",
        "20000",
        "--starts",
        starts,
        *more,
    )


def test_placements_from_panel_decisions_are_the_return_placements(reg, tmp_path, db_path):
    reg.add("L1", "2012-01-01", "ehcp", "2020-01-10")
    _panel(reg, "L1", "2025-09-01", "--urn", "012345", "--placement-type", "maintained-special")
    reg.add("L2", "2012-01-01", "ehcp", "2020-01-10")
    _panel(reg, "L2", "2025-04-01", "--ukprn", "10001234", "--placement-type", "fe-college")
    conn = sqlite3.connect(db_path)
    (pid,) = conn.execute("SELECT id FROM placements WHERE case_ref = 'L2'").fetchone()
    conn.close()
    reg("placements", "end", pid, "--date", "2025-12-19", "--reason", "moved on")
    _panel(reg, "L2", "2026-01-05", "--sen-setting", "EHE", "--annual-cost", "0")
    reg.add("L3", "2012-01-01", "ehcp", "2020-01-10")
    _panel(reg, "L3", "2026-02-01", "--urn", "123456")  # starts after census day
    reg.add("L4", "2012-01-01", "ehcp", "2020-01-10")
    _panel(reg, "L4", "2025-09-01")  # no establishment named: not the return's
    # the establishment is listed with the decision, as text (the leading zero kept)
    listed = {d["case_ref"]: d for d in reg.json("panel", "list", "--as-of", "2026-03-01")}
    assert (listed["L1"]["urn"], listed["L2"]["sen_setting"]) == ("012345", "EHE")
    people = _xml(reg, tmp_path)

    def detail(name, path):
        return [[(e.tag, e.text) for e in pl] for pl in people[name].findall(f"Requests/{path}")]

    assert detail("L1", "ActivePlans/PlacementDetail") == [
        [
            ("URN", "012345"),
            ("PlacementRank", "1"),
            ("EntryDate", "2025-09-01"),
            ("SENunitIndicator", "0"),
            ("ResourcedProvisionIndicator", "0"),
        ]
    ]
    assert detail("L1", "Assessment/NamedPlan/PlanDetail") == [
        [
            ("URN", "012345"),
            ("PlacementRank", "1"),
            ("SENunitIndicator", "0"),
            ("ResourcedProvisionIndicator", "0"),
        ]
    ]
    got = detail("L2", "ActivePlans/PlacementDetail")
    assert [dict(pl).get("UKPRN") or dict(pl).get("SENsetting") for pl in got] == [
        "10001234",
        "EHE",
    ]
    assert [dict(pl).get("LeavingDate") for pl in got] == ["2025-12-19", None]
    assert detail("L3", "ActivePlans/PlacementDetail") == []
    assert detail("L4", "ActivePlans/PlacementDetail") == []
    checks = reg.json("report", "sen2", "--year", YEAR, "--check", expect=None)
    assert not [
        c for c in checks if c["case_ref"] in ("L1", "L2") and c["rule"] in ("S2-35", "S2-37")
    ]


def test_panel_refuses_a_bad_establishment_naming_the_flag(reg):
    reg.add("L1", "2012-01-01", "ehcp", "2020-01-10")
    for args, flag in (
        (("--urn", "12345"), "--urn"),
        (("--urn", "A12345"), "--urn"),
        (("--ukprn", "1000123"), "--ukprn"),
        (("--ukprn", "20001234"), "--ukprn"),
        (("--sen-setting", "XYZ"), "--sen-setting"),
        (("--urn", "123456", "--sen-setting", "EHE"), "--sen-setting"),
    ):
        r = reg(
            "panel",
            "record",
            "L1",
            "--date",
            "2025-07-01",
            "--request",
            "placement",
            "--outcome",
            "agreed",
            *args,
            expect=1,
        )
        assert r.stderr.count("\n") == 1 and flag in r.stderr and "Traceback" not in r.stderr
    assert reg.json("panel", "list") == []


def test_panel_import_takes_the_establishment_columns(reg, tmp_path, db_path):
    reg.add("L1", "2012-01-01", "ehcp", "2020-01-10")
    f = tmp_path / "panel.csv"
    f.write_text(
        "Ref,Date,Request,Decision,Cost,Start,URN,UKPRN\n"
        "L1,01/07/2025,placement,agreed,20000,01/09/2025,001234,\n"
    )
    reg("panel", "import", f)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT urn, ukprn FROM placements").fetchall() == [("001234", None)]
    conn.close()
    f.write_text(
        "Ref,Date,Request,Decision,Cost,Start,URN\nL1,02/07/2025,placement,agreed,1,01/09/2025,1234\n"
    )
    r = reg("panel", "import", f, expect=1)
    assert "line 2" in r.stderr or ":2:" in r.stderr
    assert "urn" in r.stderr.lower()


def test_officers_recorded_emitted_in_the_header_and_carried_by_an_import(reg, tmp_path, run):
    reg.add("A", "2012-01-01", "ehcp", "2020-01-10")
    rows = reg.json("sen2", "officers")
    assert [r["in_place"] for r in rows] == ["(not recorded)"] * 3
    checks = reg.json("report", "sen2", "--year", YEAR, "--check", expect=None)
    assert {(c["rule"], c["case_ref"], c["field"]) for c in checks if c["rule"] == "S2-16"} == {
        ("S2-16", "(header)", "dmo"),
        ("S2-16", "(header)", "dco"),
        ("S2-16", "(header)", "dsco"),
    }
    checks = reg.json("report", "sen2", "--year", 2023, "--check", expect=None)
    assert {c["field"] for c in checks if c["rule"] == "S2-16"} == {"dmo", "dco"}
    reg("sen2", "officers", "--dmo", "yes", "--dco", "No", "--dsco", "recruiting")
    rows = reg.json("sen2", "officers")
    assert {r["item"]: r["in_place"] for r in rows} == {
        "DMO": "Yes",
        "DCO": "No",
        "DSCO": "Recruiting",
    }
    checks = reg.json("report", "sen2", "--year", YEAR, "--check", expect=None)
    assert not [c for c in checks if c["rule"] == "S2-16"]
    r = reg("sen2", "officers", "--dsco", "maybe", expect=1)
    assert "--dsco" in r.stderr and "yes, no or recruiting" in r.stderr
    out = tmp_path / "r.xml"
    reg("report", "sen2", "--year", YEAR, "--xml", out, "--lea", "857")
    header = ET.parse(out).getroot().find("Header")
    assert [e.tag for e in header] == ["CollectionDetails", "Source", "DMO", "DCO", "DSCO"]
    assert [e.text for e in header][2:] == ["Yes", "No", "Recruiting"]
    old = tmp_path / "old.xml"
    reg("report", "sen2", "--year", 2023, "--xml", old, "--lea", "857")  # the 2024 collection
    assert [e.tag for e in ET.parse(old).getroot().find("Header")][2:] == ["DMO", "DCO"]
    audit = reg.json("audit", "--format", "json")
    assert any(a.get("entity") == "sen2_setting" for a in audit)
    # an imported return brings them (round trip)
    run("--db", tmp_path / "fresh.db", "init", "--no-funds")
    run("--db", tmp_path / "fresh.db", "cases", "import-sen2", out)
    again = tmp_path / "again.xml"
    run("--db", tmp_path / "fresh.db", "report", "sen2", "--year", YEAR, "--xml", again)
    assert [e.text for e in ET.parse(again).getroot().find("Header")][2:] == [
        "Yes",
        "No",
        "Recruiting",
    ]


def test_review_expected_phase_transfer_and_average_weeks_measures(reg):
    reg.add("R1", "2014-10-01", "ehcp", "2020-01-10")  # Year 6: transfer due 15 Feb 2026
    reg("reviews", "amend", "R1", "--final", "2025-12-10")
    reg.add("R2", "2013-10-01", "ehcp", "2024-06-01")  # Year 7: transfer was due 15 Feb 2025
    reg("reviews", "amend", "R2", "--final", "2025-02-03")
    reg.add("R3", "2016-10-01")  # a plan made in 2025: 140 and 98 days
    reg("assessments", "request", "R3", "--received", "2025-01-06")
    reg("assessments", "record", "R3", "decision-to-assess", "--date", "2025-02-10")
    reg("assessments", "record", "R3", "draft-issued", "--date", "2025-04-01")
    reg("assessments", "record", "R3", "final-issued", "--date", "2025-05-26")
    reg.add("R4", "2016-10-01")
    reg("assessments", "request", "R4", "--received", "2025-03-03", "--exception", "personal")
    reg("assessments", "record", "R4", "decision-to-assess", "--date", "2025-03-20")
    reg("assessments", "record", "R4", "draft-issued", "--date", "2025-05-01")
    reg("assessments", "record", "R4", "final-issued", "--date", "2025-06-09")
    m = _measures(reg)
    assert (m["review_expected"], m["review_not_expected"]) == (2, 2)  # R1 R2 / R3 R4
    assert m["phase_transfers_due_reference_year"] == 1  # R2
    assert m["phase_transfers_due_census_year"] == 1  # R1
    assert m["phase_transfers_final_reference_year"] == 2  # R1 10 Dec 2025, R2 3 Feb 2025
    assert m["phase_transfers_final_census_year"] == 0
    assert m["avg_weeks_to_issue"] == 17.0  # (140 + 98) / 2 days = 119 days
    assert m["avg_weeks_to_issue_ex"] == 20.0  # R4 is an exception case
    items = {
        r["figure"]: r["sen2_item"]
        for r in reg.json("report", "sen2", "--year", YEAR)
        if r["section"].startswith("sen2_")
    }
    assert items["phase_transfers_due_census_year"] == "due_26"
    assert items["avg_weeks_to_issue"] == "avg_weeks_issue_plan"
    rows = reg.json("report", "sen2", "--year", YEAR, "--explain", "R3")
    by = {(r["figure"], r["counted"]): r["why"] for r in rows}
    assert by[("review_not_expected", True)] == (
        "plan started 26 May 2025: less than 12 months before census day"
    )


def test_indicators_of_a_panel_placement_are_recorded_with_cases_update(reg, tmp_path, db_path):
    reg.add("L5", "2012-01-01", "ehcp", "2020-01-10")
    _panel(reg, "L5", "2025-09-01", "--urn", "100200", "--placement-type", "mainstream")
    checks = reg.json("report", "sen2", "--year", YEAR, "--check", expect=None)
    assert ("S2-36", "L5") in {(c["rule"], c["case_ref"]) for c in checks}
    reg("cases", "update", "L5", "--sen-unit", "yes", "--resourced-provision", "no")
    conn = sqlite3.connect(db_path)
    (pid,) = conn.execute("SELECT id FROM placements WHERE case_ref = 'L5'").fetchone()
    conn.close()
    reg("placements", "end", pid, "--date", "2025-12-19", "--reason", "moved")
    checks = reg.json("report", "sen2", "--year", YEAR, "--check", expect=None)
    assert ("S2-36", "L5") not in {(c["rule"], c["case_ref"]) for c in checks}
    people = _xml(reg, tmp_path)
    got = [
        {e.tag: e.text for e in pl}
        for pl in people["L5"].findall("Requests/ActivePlans/PlacementDetail")
    ]
    assert got == [
        {
            "URN": "100200",
            "PlacementRank": "1",
            "EntryDate": "2025-09-01",
            "LeavingDate": "2025-12-19",
            "SENunitIndicator": "1",
            "ResourcedProvisionIndicator": "0",
        }
    ]
    named = people["L5"].find("Requests/Assessment/NamedPlan/PlanDetail")
    assert named.findtext("URN") == "100200" and named.findtext("SENunitIndicator") == "1"


def test_a_dated_change_of_circumstances_is_replayed_to_census_day(reg, tmp_path, db_path):
    # census day of the January 2026 return: Thursday 15 January 2026
    reg.add("H1", "2012-01-01", "ehcp", "2020-01-10", need="SLD")
    reg("cases", "update", "H1", "--postcode", "LE15 6XX", "--secondary-need", "SPLD")
    before = db_path.read_bytes()
    r = reg("cases", "update", "H1", "--effective", "2099-12-31", "--ethnicity", "WOTH", expect=1)
    assert "--effective" in r.stderr and db_path.read_bytes() == before  # not after today
    r = reg("cases", "update", "H1", "--effective", "2026-02-01", "--forename", "H1", expect=1)
    assert "none of those changed" in r.stderr and db_path.read_bytes() == before
    # moved house, and a new assessment changed the needs, from 1 Feb 2026 (after census day)
    reg(
        "cases",
        "update",
        "H1",
        "--effective",
        "01/02/2026",
        "--postcode",
        "LE15 9ZZ",
        "--need",
        "ASD",
        "--secondary-need",
        "",
    )
    # a correction (no date): the ethnicity was recorded wrongly; it holds for every return
    reg("cases", "update", "H1", "--ethnicity", "WIRI")
    person = _xml(reg, tmp_path)["H1"]
    needs = person.findall("Requests/ActivePlans/SENneed")
    assert [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in needs] == [
        ("SLD", "1"),
        ("SPLD", "2"),
    ]
    assert (person.findtext("PostCode"), person.findtext("Ethnicity")) == ("LE15 6XX", "WIRI")
    # the return for January 2027 has the new circumstances
    person = _xml(reg, tmp_path, 2026)["H1"]
    needs = person.findall("Requests/ActivePlans/SENneed")
    assert [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in needs] == [("ASD", "1")]
    assert person.findtext("PostCode") == "LE15 9ZZ"
    # audited by item name, never the values
    audit = [a for a in reg.json("audit", "--case", "H1") if a["entity"] == "sen2_item_history"]
    assert len(audit) == 1 and "LE15" not in str(audit)


def test_dated_changes_come_in_date_order_and_a_new_rank_did_not_exist_before(
    reg, tmp_path, db_path
):
    reg.add("H5", "2012-01-01", "ehcp", "2020-01-10", need="SLD")
    reg("cases", "update", "H5", "--postcode", "LE15 1AA")
    reg("cases", "update", "H5", "--effective", "2026-02-01", "--postcode", "LE15 2BB")
    before = db_path.read_bytes()
    r = reg(
        "cases", "update", "H5", "--effective", "2025-06-01", "--postcode", "LE15 3CC", expect=1
    )
    assert "date order" in r.stderr and db_path.read_bytes() == before
    # a secondary need from 1 Feb 2026 did not exist on census day 15 Jan 2026
    reg("cases", "update", "H5", "--effective", "2026-02-02", "--secondary-need", "SLCN")
    needs = _xml(reg, tmp_path)["H5"].findall("Requests/ActivePlans/SENneed")
    assert [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in needs] == [("SLD", "1")]


def test_a_new_primary_need_reaches_a_rank_1_need_loaded_from_a_return(reg, tmp_path, db_path):
    import sqlite3

    reg.add("H6", "2012-01-01", "ehcp", "2020-01-10", need="SLD")
    conn = sqlite3.connect(db_path)
    with conn:  # what loading a return writes for the child's needs
        conn.execute("INSERT INTO sen2_needs VALUES ('H6', '1', 'SLD')")
    conn.close()
    reg("cases", "update", "H6", "--effective", "2026-02-01", "--need", "ASD")

    def ranked(year):
        needs = _xml(reg, tmp_path, year)["H6"].findall("Requests/ActivePlans/SENneed")
        return [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in needs]

    assert ranked(YEAR) == [("SLD", "1")] and ranked(2026) == [("ASD", "1")]


def test_officers_can_be_written_to_a_file_like_every_listing(reg, tmp_path):
    reg.add("A", "2012-01-01", "ehcp", "2020-01-10")
    reg("sen2", "officers", "--dmo", "yes")
    out = tmp_path / "officers.csv"
    reg("sen2", "officers", "--format", "csv", "--output", out)
    text = out.read_text(encoding="utf-8-sig")
    assert (
        text.splitlines()[0] == "item,officer,in_place"
        and "DMO,Designated Medical Officer,Yes" in text
    )
