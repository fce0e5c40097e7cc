"""`report sen2 --diff LAST.xml`: new, gone and changed children against last year's return."""

from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "sen2_2026.xml"


def test_diff_new_gone_changed(run, tmp_path):
    run("init", "--no-funds")
    run("cases", "import-sen2", FIXTURE)
    last = tmp_path / "last.xml"
    run("report", "sen2", "--year", 2025, "--xml", last)
    assert run.json("report", "sen2", "--year", 2025, "--diff", last) == []

    cases = {c["surname"]: c["case_ref"] for c in run.json("cases", "list")}
    run(
        "cases",
        "add",
        "NEW1",
        "--forename",
        "Nia",
        "--surname",
        "Zed",
        "--dob",
        "2015-01-01",
        "--plan",
        "ehcp",
        "--plan-issued",
        "2025-03-01",
        "--need",
        "ASD",
    )
    run("cases", "update", cases["Child10"], "--secondary-need", "HI", "--postcode", "LE15 9ZZ")
    text = last.read_text()
    # a child in last year's file that is not in this return
    extra = (
        "<Person><Surname>Gone</Surname><Forename>Old</Forename><PersonBirthDate>2010-01-01</PersonBirthDate>"
        "<UPNunknown>UN8</UPNunknown><Requests><RequestOutcome>H</RequestOutcome></Requests></Person>\n"
    )
    last.write_text(text.replace("</Persons>", extra + "</Persons>"))
    rows = run.json("report", "sen2", "--year", 2025, "--diff", last)
    assert {"child": "NEW1", "change": "new", "field": None, "last": None, "now": None} in rows
    assert [
        r["change"] for r in rows if r["child"].endswith(tuple(f"line {n}" for n in range(1, 2000)))
    ] == ["gone"]
    changed = [r for r in rows if r["change"] == "changed"]
    fields = {(r["child"], r["field"]): (r["last"], r["now"]) for r in changed}
    assert fields[(cases["Child10"], "PostCode")] == (
        "(recorded)",
        "(changed)",
    )  # never the postcode itself
    assert fields[(cases["Child10"], "Requests[1]/ActivePlans/SENneed[2]/SENtype")] == ("MSI", "HI")
    assert "LE15 9ZZ" not in str(rows)


def test_no_person_level_return_before_its_first_collection(run, tmp_path, db_path):
    # the January 2017 collection was made of totals: an XML of it would hold empty children
    import hashlib

    run("init", "--no-funds")
    run("cases", "import-sen2", FIXTURE)
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    out = tmp_path / "old.xml"
    r = run("report", "sen2", "--year", 2016, "--xml", out, expect=1)
    assert "--year: the 2017 collection had no person-level return" in r.stderr
    assert "January 2023 collection, --year 2022" in r.stderr
    assert not out.exists()
    r = run("report", "sen2", "--year", 2021, "--diff", FIXTURE, expect=1)
    assert "the 2022 collection had no person-level return" in r.stderr
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    run("report", "sen2", "--year", 2022, "--xml", out)  # the first one
    assert "<Person>" in out.read_text()
