"""cases import | list | show | add | update through the real CLI, each test on its own database."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

FIX = Path(__file__).parent / "fixtures"
AS_OF = ("--as-of", "2017-04-18")


def _count(db_path, sql="SELECT COUNT(*) FROM cases", params=()):
    c = sqlite3.connect(db_path)
    try:
        return c.execute(sql, params).fetchone()[0]
    finally:
        c.close()


def _case(run, ref):
    return run.json("cases", "show", ref, *AS_OF)["case"]


def test_cp1252_excel_export_imports(run, db_path):
    r = run("cases", "import", FIX / "cases_excel_cp1252.csv", *AS_OF)
    assert "4 added, 0 updated, 0 unchanged" in r.stderr
    assert "cp1252" in r.stderr
    # The unknown column is reported once, not per row.
    assert r.stderr.count("Notes") == 1
    rows = run.json("cases", "list")
    assert [c["case_ref"] for c in rows] == ["00123", "00124", "00126", "0125"]
    zoe = _case(run, "00123")
    assert zoe["forename"] == "Zoë" and zoe["date_of_birth"] == "2010-02-14"
    assert zoe["upn"] == "A857200017001" and zoe["primary_need"] == "ASD"
    assert zoe["plan_type"] == "statement" and zoe["plan_issued_on"] == "2014-03-03"
    assert (
        zoe["caseworker"] == "Priya Shah"
        and zoe["caseworker_email"] == "priya.shah@rutland.example"
    )
    assert zoe["year_group"] == "2" and zoe["out_of_county"] is False
    sian = _case(run, "00124")
    assert sian["forename"] == "Siân" and sian["setting"] == "Welland Valley School, Stamford"
    assert (
        sian["out_of_county"] is True and sian["plan_type"] == "ehcp" and sian["year_group"] == "6"
    )
    chloe = _case(run, "0125")
    assert (
        chloe["forename"] == "Chloë"
        and chloe["primary_need"] == "NSA"
        and chloe["year_group"] == "1"
    )
    assert _case(run, "00126")["year_group"] == "N1"


def test_bom_utf8_and_aliases(run):
    r = run("cases", "import", FIX / "cases_bom.csv", *AS_OF)
    assert "2 added" in r.stderr and "utf-8-sig" in r.stderr
    one = _case(run, "BOM-1")
    assert one["surname"] == "Ünal" and one["year_group"] == "4" and one["primary_need"] == "ASD"
    assert _case(run, "BOM-2")["plan_type"] == "sen_support"


def test_bad_rows_are_all_listed_and_nothing_is_written(run, db_path):
    run("cases", "import", FIX / "cases_bom.csv", *AS_OF)
    before = (_count(db_path), _count(db_path, "SELECT COUNT(*) FROM audit_log"))
    r = run("cases", "import", FIX / "cases_errors.csv", *AS_OF, expect=1)
    err = r.stderr
    name = str(FIX / "cases_errors.csv")
    for line, field in [
        (3, "upn"),
        (4, "date_of_birth"),
        (5, "date_of_birth"),
        (6, "primary_need"),
        (7, "primary_need"),
        (8, "case_ref"),
        (9, "forename"),
        (10, "plan_type"),
        (11, "date_of_birth"),
        (12, "caseworker_email"),
        (12, "out_of_county"),
        (13, "plan_issued_on"),
    ]:
        assert f"{name}:{line}: {field}:" in err, (line, field, err)
    assert f"{name}:3: upn: wrong check letter (character 1)" in err
    assert "B857200017001" not in err  # personal data is not echoed (issue 9)
    assert "12 problem(s)" in err and "nothing was imported" in err
    assert f"{name}:2:" not in err
    assert "Traceback" not in err
    assert (_count(db_path), _count(db_path, "SELECT COUNT(*) FROM audit_log")) == before
    assert _count(db_path, "SELECT COUNT(*) FROM cases WHERE case_ref = 'E-1'") == 0


def test_missing_required_column_is_named(run):
    r = run("cases", "import", FIX / "cases_missing_column.csv", *AS_OF, expect=1)
    assert "missing required column(s): date_of_birth" in r.stderr


def test_reimport_changes_nothing_and_updates_are_audited(run, db_path):
    src = FIX / "cases_excel_cp1252.csv"
    run("cases", "import", src, *AS_OF)
    audit_after_first = _count(db_path, "SELECT COUNT(*) FROM audit_log")
    r = run("cases", "import", src, *AS_OF)
    assert "0 added, 0 updated, 4 unchanged" in r.stderr
    # only the import's own summary row is added
    assert _count(db_path, "SELECT COUNT(*) FROM audit_log") == audit_after_first + 1
    assert (
        _count(
            db_path, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case' AND action = 'update'"
        )
        == 0
    )

    r = run("cases", "import", FIX / "cases_update.csv", *AS_OF)
    assert "1 added, 2 updated, 2 unchanged" in r.stderr
    assert "setting 1" in r.stderr and "caseworker 1" in r.stderr
    assert _case(run, "00123")["setting"] == "Ketton Fields Primary School"
    hist = run.json("cases", "show", "00124")["history"]
    upd = [h for h in hist if h["action"] == "update"]
    assert len(upd) == 1
    assert upd[0]["before"] == {
        "caseworker": "Tom Barker",
        "caseworker_email": "tom.barker@rutland.example",
    }
    assert upd[0]["after"] == {
        "caseworker": "Kate Morgan",
        "caseworker_email": "kate.morgan@rutland.example",
    }
    summary = run.json("audit", "--entity", "case_import")
    assert summary[0]["entity_key"] == "cases_update.csv"
    assert json.loads(summary[0]["after_json"])["updated"] == 2


def test_missing_columns_do_not_blank_stored_values(run, tmp_path):
    run("cases", "import", FIX / "cases_excel_cp1252.csv", *AS_OF)
    f = tmp_path / "partial.csv"
    f.write_text("Ref,First name,Last name,DOB,Plan\n00123,Zoë,Example,2010-02-14,statement\n")
    r = run("cases", "import", f, *AS_OF)
    assert "1 unchanged" in r.stderr
    assert _case(run, "00123")["caseworker"] == "Priya Shah"


def test_dry_run_reports_and_writes_nothing(run, db_path):
    run("cases", "import", FIX / "cases_excel_cp1252.csv", *AS_OF)
    before = (_count(db_path), _count(db_path, "SELECT COUNT(*) FROM audit_log"))
    r = run("cases", "import", FIX / "cases_update.csv", "--dry-run", *AS_OF)
    assert "would add 1, update 2, leave 2 unchanged" in r.stderr and "nothing written" in r.stderr
    assert (_count(db_path), _count(db_path, "SELECT COUNT(*) FROM audit_log")) == before
    assert _case(run, "00123")["setting"] == "Oakham Meadow Primary School"


def test_dry_run_lists_errors_too(run):
    r = run("cases", "import", FIX / "cases_errors.csv", "-n", *AS_OF, expect=1)
    assert "12 problem(s)" in r.stderr


def test_encoding_override(run, tmp_path):
    f = tmp_path / "latin.csv"
    shutil.copy(FIX / "cases_excel_cp1252.csv", f)
    r = run("cases", "import", f, "--encoding", "utf-8", *AS_OF, expect=1)
    assert "not valid utf-8" in r.stderr
    run("cases", "import", f, "--encoding", "cp1252", *AS_OF)


def test_age_uses_as_of(run, db_path):
    # Siân (born 1 Sep 2005) is 26 on 1 Jan 2032: the whole file is refused.
    r = run("cases", "import", FIX / "cases_excel_cp1252.csv", "--as-of", "2032-01-01", expect=1)
    assert ":4: DOB: over 25 on 2032-01-01" in r.stderr  # the column as headed in the file
    assert not db_path.exists()  # a failed first command leaves no database behind
    r = run("cases", "import", FIX / "cases_excel_cp1252.csv", "--as-of", "2011-01-01", expect=1)
    assert "DOB: in the future" in r.stderr


def test_list_filters(run):
    run("cases", "import", FIX / "cases_excel_cp1252.csv", *AS_OF)
    refs = lambda *a: [c["case_ref"] for c in run.json("cases", "list", *a)]  # noqa: E731
    assert refs("--plan", "ehcp") == ["00124", "00126"]
    assert refs("--need", "asd") == ["00123"]
    assert refs("--caseworker", "priya shah") == ["00123"]
    assert refs("--caseworker", "TOM.BARKER@rutland.example") == ["00124"]
    assert refs("--setting", "welland") == ["00124"]
    assert refs("--out-of-county") == ["00124"]
    assert refs("--in-county") == ["00123", "00126", "0125"]
    assert refs("--search", "Siân") == ["00124"]
    assert refs("--search", "A8572000") == ["00123"]
    assert refs("--search", "0012") == ["00123", "00124", "00126"]
    assert refs("--search", "zoë example") == ["00123"]
    row = run.json("cases", "list", "--search", "00123")[0]
    assert list(row) == [
        "case_ref",
        "upn",
        "forename",
        "surname",
        "date_of_birth",
        "setting",
        "setting_type",
        "out_of_county",
        "year_group",
        "primary_need",
        "plan_type",
        "plan_issued_on",
        "caseworker",
        "caseworker_email",
    ]


def test_list_bad_need_is_bad_input(run):
    run("init", "--no-funds")
    assert "--need" in run("cases", "list", "--need", "XYZ", expect=1).stderr


@pytest.mark.parametrize("text", ["%", "_", "' OR 1=1 --", "\\", "%'; DROP TABLE cases; --"])
def test_search_is_safe(run, db_path, text):
    run("cases", "import", FIX / "cases_excel_cp1252.csv", *AS_OF)
    assert run.json("cases", "list", "--search", text) == []
    assert _count(db_path) == 4


def test_search_wildcards_are_literal(run):
    run(
        "cases",
        "add",
        "A_1",
        "--forename",
        "Ann",
        "--surname",
        "Per%cent",
        "--dob",
        "2010-01-01",
        "--plan",
        "ehcp",
        *AS_OF,
    )
    run(
        "cases",
        "add",
        "AB1",
        "--forename",
        "Bob",
        "--surname",
        "Percent",
        "--dob",
        "2010-01-01",
        "--plan",
        "ehcp",
        *AS_OF,
    )
    assert [c["case_ref"] for c in run.json("cases", "list", "--search", "A_")] == ["A_1"]
    assert [c["case_ref"] for c in run.json("cases", "list", "--search", "r%c")] == ["A_1"]


def test_csv_output(run, tmp_path):
    run("cases", "import", FIX / "cases_excel_cp1252.csv", *AS_OF)
    out = tmp_path / "list.csv"
    run("cases", "list", "--format", "csv", "--output", out)
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("case_ref,upn,forename,surname,date_of_birth,")
    assert "00123,A857200017001,Zoë" in text


def test_show_unknown_ref(run):
    run("init", "--no-funds")
    r = run("cases", "show", "X-9", expect=1)
    assert "no case with reference 'X-9'" in r.stderr


def test_show_plain_and_json(run):
    run("cases", "import", FIX / "cases_excel_cp1252.csv", *AS_OF)
    r = run("cases", "show", "00123", "--format", "plain", *AS_OF)
    assert "Case 00123" in r.stdout and "History" in r.stdout and "cases import" in r.stdout
    data = run.json("cases", "show", "00123", *AS_OF)
    assert set(data) == {
        "case",
        "clocks",
        "events",
        "further_events",
        "panel_decisions",
        "history",
    }
    assert data["history"][0]["action"] == "create"


def test_add_and_update_are_validated_and_audited(run, db_path):
    run(
        "cases",
        "add",
        "00999",
        "--forename",
        "Zoë",
        "--surname",
        "Added",
        "--dob",
        "01/09/2012",
        "--plan",
        "sen_support",
        "--need",
        "slcn",
        *AS_OF,
    )
    c = _case(run, "00999")
    assert c["year_group"] == "N2" and c["primary_need"] == "SLCN"
    r = run(
        "cases",
        "add",
        "00999",
        "--forename",
        "A",
        "--surname",
        "B",
        "--dob",
        "2010-01-01",
        "--plan",
        "ehcp",
        *AS_OF,
        expect=1,
    )
    assert "already exists" in r.stderr
    r = run(
        "cases",
        "add",
        "01000",
        "--forename",
        "A",
        "--surname",
        "B",
        "--dob",
        "31/02/2010",
        "--plan",
        "ehcp",
        "--upn",
        "B857200017001",
        *AS_OF,
        expect=1,
    )
    assert "--dob: not a real date" in r.stderr and "31/02/2010" not in r.stderr  # issue 9
    assert "--upn: wrong check letter" in r.stderr
    assert _count(db_path, "SELECT COUNT(*) FROM cases WHERE case_ref = '01000'") == 0

    run("cases", "update", "00999", "--need", "NSA", *AS_OF)
    r = run("cases", "update", "00999", "--plan", "ehcp", *AS_OF, expect=1)
    assert "--need: NSA (no specialist assessment) is only for SEN support" in r.stderr
    r = run(
        "cases",
        "update",
        "00999",
        "--plan",
        "ehcp",
        "--need",
        "ASD",
        "--plan-issued",
        "2017-03-01",
        "--caseworker",
        "Priya Shah",
        *AS_OF,
    )
    assert "Updated case 00999" in r.stderr
    c = _case(run, "00999")
    assert (c["plan_type"], c["primary_need"], c["plan_issued_on"]) == ("ehcp", "ASD", "2017-03-01")
    hist = run.json("cases", "show", "00999")["history"]
    assert hist[0]["before"] == {
        "caseworker": None,
        "plan_issued_on": None,
        "plan_type": "sen_support",
        "primary_need": "NSA",
    }
    r = run("cases", "update", "00999", "--caseworker", "Priya Shah", *AS_OF)
    assert "nothing changed" in r.stderr
    assert "nothing to change" in run("cases", "update", "00999", expect=1).stderr
    assert (
        "no case with reference 'nope'"
        in run("cases", "update", "nope", "--surname", "X", expect=1).stderr
    )
    # An old young person can still be updated today without the 0-25 check tripping.
    run(
        "cases",
        "add",
        "OLD",
        "--forename",
        "Al",
        "--surname",
        "Der",
        "--dob",
        "1992-01-01",
        "--plan",
        "ehcp",
        *AS_OF,
    )
    run("cases", "update", "OLD", "--caseworker", "Tom Barker")
    # Clearing an optional field.
    run("cases", "update", "00999", "--caseworker", "", *AS_OF)
    assert _case(run, "00999")["caseworker"] is None


def test_help_has_examples(run):
    for cmd in ("import", "list", "show", "add", "update"):
        assert "Example:" in run("cases", cmd, "--help").stdout
