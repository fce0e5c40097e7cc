"""`report sen2 --xml/--check/--explain`: the person-level return from today's register,
replayed to the census day, element by element."""

import xml.etree.ElementTree as ET

import pytest

from sendctl.domain.sen2 import census_date, uln_valid, upn_check_letter

YEAR = 2025  # reference year: the January 2026 return, census day Thursday 15 January 2026


def _flat(el, path=""):
    """Every leaf of the tree as (path, text), in document order."""
    here = f"{path}/{el.tag}"
    kids = list(el)
    if not kids:
        return [(here, el.text)]
    out = []
    for k in kids:
        out.extend(_flat(k, here))
    return out


def _persons(path):
    root = ET.parse(path).getroot()
    return {p.findtext("Forename"): _flat(p) for p in root.find("Persons")}


@pytest.fixture
def register(run):
    run("init", "--no-funds")

    def add(ref, forename, dob, plan="sen_support", issued=None, upn=None, need="ASD", **items):
        args = [
            "cases",
            "add",
            ref,
            "--forename",
            forename,
            "--surname",
            "Test",
            "--dob",
            dob,
            "--plan",
            plan,
            "--need",
            need,
        ]
        if issued:
            args += ["--plan-issued", issued]
        if upn:
            args += ["--upn", upn]
        run(*args)
        extra = []
        for k, v in items.items():
            extra += [f"--{k.replace('_', '-')}", v]
        run("cases", "update", ref, "--sex", "F", "--ethnicity", "WBRI", *extra)

    # A: plan from 2021 (historical), reviewed in 2025, placement by URN, two needs
    add(
        "A",
        "Amira",
        "2013-05-14",
        "ehcp",
        "2021-06-07",
        "U857201517004",
        postcode="LE15 6XX",
        urn="123456",
        placement_from="2024-09-04",
        sen_unit="no",
        resourced_provision="no",
        personal_budget="no",
        secondary_need="SLCN",
    )
    run(
        "reviews",
        "record",
        "A",
        "--meeting",
        "2025-06-12",
        "--decision",
        "keep",
        "--decision-date",
        "2025-07-03",
    )
    # B: request refused within 6 weeks (source: school)
    add("B", "Ben", "2019-02-03", upn="B857210323012")
    run("assessments", "request", "B", "--received", "2025-03-03")
    run("assessments", "record", "B", "refused", "--date", "2025-04-10")
    run("cases", "update", "B", "--request-source", "2")
    # C: assessed, final plan within 20 weeks, with an exception recorded
    add("C", "Cara", "2015-09-01", uln="0000000042")
    run("assessments", "request", "C", "--received", "2025-01-06")
    run("assessments", "record", "C", "decision-to-assess", "--date", "2025-02-10")
    run(
        "assessments",
        "record",
        "C",
        "draft-issued",
        "--date",
        "2025-04-01",
        "--exception",
        "personal",
    )
    run("assessments", "record", "C", "final-issued", "--date", "2025-05-19")
    run(
        "cases",
        "update",
        "C",
        "--ukprn",
        "10012345",
        "--placement-from",
        "2025-05-19",
        "--sen-unit",
        "yes",
        "--resourced-provision",
        "no",
        "--plan-res",
        "A",
    )
    # D: assessed, decision not to issue after 16 weeks
    add("D", "Dev", "2012-02-29", upn_unknown="UN8")
    run("assessments", "request", "D", "--received", "2025-01-06")
    run("assessments", "record", "D", "decision-to-assess", "--date", "2025-02-20")  # 45 days
    run("assessments", "record", "D", "no-plan", "--date", "2025-05-12")
    # E: request still being decided on census day; the decision after census day is ignored
    add("E", "Eve", "2020-03-03", upn_unknown="UN1")
    run("assessments", "request", "E", "--received", "2025-12-15")
    run("assessments", "record", "E", "decision-to-assess", "--date", "2026-01-20")
    # F: draft issued, final plan after census day: Y with no date (plan pending)
    add("F", "Finn", "2010-10-10", upn_unknown="UN2")
    run("assessments", "request", "F", "--received", "2025-08-01")
    run("assessments", "record", "F", "decision-to-assess", "--date", "2025-09-01")
    run("assessments", "record", "F", "draft-issued", "--date", "2026-01-05")
    run("assessments", "record", "F", "final-issued", "--date", "2026-02-01")
    # G: refused in 2024 and nothing since: not in the 2026 return
    add("G", "Gus", "2011-01-01", upn_unknown="UN2")
    run("assessments", "request", "G", "--received", "2024-03-01")
    run("assessments", "record", "G", "refused", "--date", "2024-04-01")
    # H: request received after census day: not in the return
    add("H", "Hal", "2011-01-01", upn_unknown="UN2")
    run("assessments", "request", "H", "--received", "2026-02-01")
    return run


def test_xml_element_by_element(register, tmp_path):
    out = tmp_path / "sen2.xml"
    register("report", "sen2", "--year", YEAR, "--xml", out, "--lea", "857")
    root = ET.parse(out).getroot()
    assert root.tag == "Message"
    assert [(p.split("/")[-1], t) for p, t in _flat(root.find("Header"))][:5] == [
        ("Collection", "SEN2"),
        ("Year", "2026"),
        ("ReferenceDate", "2026-01-15"),
        ("SourceLevel", "L"),
        ("LEA", "857"),
    ]
    got = _persons(out)
    assert list(got) == [
        "Amira",
        "Ben",
        "Cara",
        "Dev",
        "Eve",
        "Finn",
    ]  # return order; G, H left out
    P, R = "/Person", "/Person/Requests"
    A, N, AP = f"{R}/Assessment", f"{R}/Assessment/NamedPlan", f"{R}/ActivePlans"
    person = [(f"{P}/Surname", "Test")]
    assert got["Amira"] == person + [
        (f"{P}/Forename", "Amira"),
        (f"{P}/PersonBirthDate", "2013-05-14"),
        (f"{P}/Sex", "F"),
        (f"{P}/Ethnicity", "WBRI"),
        (f"{P}/PostCode", "LE15 6XX"),
        (f"{P}/UPN", "U857201517004"),
        (f"{R}/RequestOutcome", "H"),
        (f"{A}/AssessmentOutcome", "H"),
        (f"{N}/StartDate", "2021-06-07"),
        (f"{N}/PB", "0"),
        (f"{N}/PlanDetail/URN", "123456"),
        (f"{N}/PlanDetail/PlacementRank", "1"),
        (f"{N}/PlanDetail/SENunitIndicator", "0"),
        (f"{N}/PlanDetail/ResourcedProvisionIndicator", "0"),
        (f"{AP}/ReviewMeeting", "2025-06-12"),
        (f"{AP}/ReviewOutcome", "M"),
        (f"{AP}/LastReview", "2025-07-03"),
        (f"{AP}/PlacementDetail/URN", "123456"),
        (f"{AP}/PlacementDetail/PlacementRank", "1"),
        (f"{AP}/PlacementDetail/EntryDate", "2024-09-04"),
        (f"{AP}/PlacementDetail/SENunitIndicator", "0"),
        (f"{AP}/PlacementDetail/ResourcedProvisionIndicator", "0"),
        (f"{AP}/SENneed/SENtype", "ASD"),
        (f"{AP}/SENneed/SENtypeRank", "1"),
        (f"{AP}/SENneed/SENtype", "SLCN"),
        (f"{AP}/SENneed/SENtypeRank", "2"),
    ]
    flags0 = [(f"{R}/RequestMediation", "0"), (f"{R}/RequestTribunal", "0")]
    assert got["Ben"][6:] == [
        (f"{R}/ReceivedDate", "2025-03-03"),
        (f"{R}/RequestSource", "2"),
        (f"{R}/RYA", "0"),
        (f"{R}/RequestOutcomeDate", "2025-04-10"),
        (f"{R}/RequestOutcome", "N"),
        *flags0,
    ]
    assert (f"{P}/UniqueLearnerNumber", "0000000042") in got["Cara"]
    assert got["Cara"][5:] == [
        (f"{P}/UniqueLearnerNumber", "0000000042"),
        (f"{R}/ReceivedDate", "2025-01-06"),
        (f"{R}/RYA", "0"),
        (f"{R}/RequestOutcomeDate", "2025-02-10"),
        (f"{R}/RequestOutcome", "Y"),
        *flags0,
        (f"{A}/AssessmentOutcome", "Y"),
        (f"{A}/AssessmentOutcomeDate", "2025-05-19"),
        (f"{A}/AssessmentMediation", "0"),
        (f"{A}/AssessmentTribunal", "0"),
        (f"{A}/OtherMediation", "0"),
        (f"{A}/OtherTribunal", "0"),
        (f"{A}/Week20", "1"),
        (f"{N}/StartDate", "2025-05-19"),
        (f"{N}/PlanRes", "A"),
        (f"{N}/PlanDetail/UKPRN", "10012345"),
        (f"{N}/PlanDetail/PlacementRank", "1"),
        (f"{N}/PlanDetail/SENunitIndicator", "1"),
        (f"{N}/PlanDetail/ResourcedProvisionIndicator", "0"),
        (f"{AP}/PlacementDetail/UKPRN", "10012345"),
        (f"{AP}/PlacementDetail/PlacementRank", "1"),
        (f"{AP}/PlacementDetail/EntryDate", "2025-05-19"),
        (f"{AP}/PlacementDetail/SENunitIndicator", "1"),
        (f"{AP}/PlacementDetail/ResourcedProvisionIndicator", "0"),
        (f"{AP}/SENneed/SENtype", "ASD"),
        (f"{AP}/SENneed/SENtypeRank", "1"),
    ]
    assert [x for x in got["Dev"] if x[0].startswith(A)] == [
        (f"{A}/AssessmentOutcome", "N"),
        (f"{A}/AssessmentOutcomeDate", "2025-05-12"),
        (f"{A}/AssessmentMediation", "0"),
        (f"{A}/AssessmentTribunal", "0"),
        (f"{A}/OtherMediation", "0"),
        (f"{A}/OtherTribunal", "0"),
        (f"{A}/Week20", "0"),
    ]
    assert (f"{P}/UPNunknown", "UN8") in got["Dev"]
    # replay: the decision of 20 January 2026 came after census day
    assert (f"{R}/RequestOutcome", "A") in got["Eve"]
    assert not any(p.startswith(A) for p, _ in got["Eve"])
    # replay: the final plan of 1 February 2026 came after census day -> Y, date blank
    assert (f"{A}/AssessmentOutcome", "Y") in got["Finn"]
    assert not any(p.endswith("AssessmentOutcomeDate") or p.startswith(N) for p, _ in got["Finn"])


def test_xml_refuses_without_la_code_and_writes_nothing(register, tmp_path):
    out = tmp_path / "sen2.xml"
    r = register("report", "sen2", "--year", YEAR, "--xml", out, expect=1)
    assert "--lea" in r.stderr and not out.exists()
    r = register("report", "sen2", "--year", YEAR, "--xml", out, "--lea", "999", expect=1)
    assert "--lea" in r.stderr and not out.exists()
    assert list(tmp_path.glob(".*tmp")) == []


def test_check_passes_then_blocks_with_exit_3(register):
    r = register("report", "sen2", "--year", YEAR, "--check", "--format", "json")
    import json

    rows = json.loads(r.stdout)
    assert [x for x in rows if x["kind"] == "error"] == []
    register("cases", "update", "B", "--sex", "")
    register("cases", "update", "A", "--upn", "A857201517004", expect=None)
    r = register("report", "sen2", "--year", YEAR, "--check", "--format", "json", expect=3)
    rows = json.loads(r.stdout)
    assert {
        "kind": "error",
        "rule": "S2-10",
        "case_ref": "B",
        "field": "sex",
        "message": "missing",
    } in rows
    assert "block submission" in r.stderr
    # personal values never appear in the check's messages
    assert "U857201517004" not in r.stdout and "Amira" not in r.stdout


def test_explain_counted_and_not_counted(register):
    rows = register.json("report", "sen2", "--year", YEAR, "--explain", "C")
    by = {(r["figure"], r["counted"]): r["why"] for r in rows}
    assert by[("plans_within_20_weeks", True)] == (
        "request received 6 Jan 2025, final plan 19 May 2025: 19 weeks 0 days (20-week exception applies)"
    )
    assert ("plans_issued_ex", False) in by  # an exception case is left out of the ex figures
    assert by[("requests_within_6_weeks", True)].endswith("35 days (5 weeks 0 days)")
    assert ("caseload", True) in by and ("new_plans", True) in by
    rows = register.json("report", "sen2", "--year", YEAR, "--explain", "G")
    assert not any(r["counted"] for r in rows)
    assert rows[0]["why"].startswith("not in this return")
    rows = register.json("report", "sen2", "--year", YEAR, "--explain", "D")
    by = {(r["figure"], r["counted"]): r["why"] for r in rows}
    assert by[("no_plan_over_16_weeks", True)] == (
        "request received 6 Jan 2025, notice that no plan will be issued 12 May 2025: 18 weeks 0 days"
    )
    register("report", "sen2", "--year", YEAR, "--explain", "NOPE", expect=1)


def test_measures_in_the_figures(register):
    rows = {
        r["figure"]: r["value"]
        for r in register.json("report", "sen2", "--year", YEAR)
        if r["section"].startswith("sen2_")
    }
    assert rows["requests_received"] == 5  # B C D E F (G in 2024, H after census)
    assert rows["requests_within_6_weeks"] == 3 and rows["requests_over_6_weeks"] == 1
    assert rows["plans_issued"] == 1 and rows["plans_within_20_weeks"] == 1
    assert rows["plans_issued_ex"] == 0
    assert rows["no_plan_over_16_weeks"] == 1 and rows["caseload"] == 2 and rows["new_plans"] == 1
    assert rows["reviews_decided_within_4_weeks"] == 1


def test_census_day_and_identifiers():
    from datetime import date

    assert census_date(2026) == date(2026, 1, 15) and census_date(2027) == date(2027, 1, 21)
    assert census_date(2021) == date(2021, 1, 14)  # DfE's second Thursday that year
    assert census_date(2018) == date(2018, 1, 18)
    for upn in (
        "B801200005001",
        "A950000178301",
        "H243278544154",
        "U857201517004",
        "B857210323012",
    ):
        assert upn_check_letter(upn) == upn[0], upn
    for upn in ("R247962919251", "X428558133462"):
        assert upn_check_letter(upn) != upn[0], upn
    assert uln_valid("0000000042") and not uln_valid("0000000000")


def test_case_import_takes_the_person_items_as_optional_columns(run, tmp_path):
    run("init", "--no-funds")
    f = tmp_path / "cases.csv"
    f.write_text(
        "Ref,Forename,Surname,DOB,Plan,Plan date,Sex,Ethnicity,Postcode,ULN,UPN unknown\n"
        "P1,Ann,Test,2013-05-14,ehcp,2021-06-07,F,WBRI,le15 6xx,0000000042,UN2\n"
        "P2,Bo,Test,2014-05-14,ehcp,2021-06-07,M,MWBC,,,UN8\n",
        encoding="utf-8",
    )
    r = run("cases", "import", f, "--as-of", "2026-01-15")
    assert "ignored column" not in r.stderr
    out = tmp_path / "r.xml"
    run("report", "sen2", "--year", 2025, "--xml", out, "--lea", "857")
    people = {p.findtext("Forename"): p for p in ET.parse(out).getroot().find("Persons")}
    a = people["Ann"]
    assert [
        a.findtext(x) for x in ("Sex", "Ethnicity", "PostCode", "UniqueLearnerNumber", "UPNunknown")
    ] == ["F", "WBRI", "LE15 6XX", "0000000042", "UN2"]
    assert people["Bo"].findtext("PostCode") is None
    # a bad value refuses the file, naming the column and line, never the value
    f.write_text(
        "Ref,Forename,Surname,DOB,Plan,Sex,ULN\nP3,Cy,Test,2013-05-14,ehcp,Q,123\n",
        encoding="utf-8",
    )
    r = run("cases", "import", f, "--as-of", "2026-01-15", expect=1)
    assert "Sex: expected one of M, F" in r.stderr and "ULN: expected a 10-digit ULN" in r.stderr
    assert "'Q'" not in r.stderr and "'123'" not in r.stderr
    assert [c["case_ref"] for c in run.json("cases", "list")] == ["P1", "P2"]


def test_plan_ends_and_moves_from_the_case_lifecycle(register, tmp_path):
    register("cases", "end", "A", "--date", "2025-10-31", "--reason", "4")
    register("cases", "update", "C", "--need", "ASD")
    register("cases", "move-in", "C", "--from-la", "855", "--date", "2025-06-01")
    out = tmp_path / "r.xml"
    register("report", "sen2", "--year", YEAR, "--xml", out, "--lea", "857")
    people = {p.findtext("Forename"): p for p in ET.parse(out).getroot().find("Persons")}
    plan = people["Amira"].find("Requests/Assessment/NamedPlan")
    assert (plan.findtext("CeaseDate"), plan.findtext("CeaseReason")) == ("2025-10-31", "4")
    assert people["Amira"].find("Requests/ActivePlans") is None  # no longer in force on census day
    assert people["Cara"].findtext("Requests/ActivePlans/TransferLA") == "855"
    rows = {
        r["figure"]: r["value"]
        for r in register.json("report", "sen2", "--year", YEAR)
        if r["section"] == "sen2_ceased"
    }
    assert rows["ceased_reason_4"] == 1
    # the return made a year earlier (census day 16 January 2025) knew nothing of either
    earlier = tmp_path / "e.xml"
    register("report", "sen2", "--year", YEAR - 1, "--xml", earlier, "--lea", "857")
    assert "CeaseDate" not in earlier.read_text() and "TransferLA" not in earlier.read_text()
