"""The bulk first load checks rows with RowChecker (the case rules remembered per value) and
falls back to validate_case; the two must agree on every row, and the import must come out the
same whichever path loads the file."""

import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendctl.domain.case_rows import RowChecker
from sendctl.domain.cases import FIELDS, upn_check_letter, validate_case

AS_OF = date(2017, 4, 18)


def _upn(la: str, serial: str, last: str = "0") -> str:
    body = la + serial + last
    return upn_check_letter(body) + body


# Spellings a register holds, right and wrong, for each field.
CELLS = {
    "case_ref": ["R-1", "R-2", "", "x" * 51, "R\u00e91", "R\u200b1", "R 1"],
    "upn": [
        "",
        _upn("857", "00000001"),
        _upn("857", "00000001").lower(),
        _upn("857", "00000001")[:5] + " " + _upn("857", "00000001")[5:],
        _upn("000", "00000001"),
        "A857000000010",
        _upn("857", "0000000A", "") + "1",
        "X12",
    ],
    "forename": ["Ann", "Zo\u00eb", "", "a" * 201, "Ann\tMarie", "Ann\x1b[31m", "\u202eAnn"],
    "surname": ["Smith", "O'Brien", "", "b" * 200, "Smith\u2028"],
    "date_of_birth": [
        "2008-05-01",
        "01/05/2008",
        "1/5/2008",
        "1 May 2008",
        "2008-02-30",
        "2018-01-01",
        "1990-01-01",
        "1991-04-19",
        "1991-04-18",
        "2017-04-18",
        "08/05/01",
        "",
        "20080501",
    ],
    "setting": ["", "Oak School", "s" * 201, "Oak\nSchool"],
    "setting_type": ["", "Special academy"],
    "out_of_county": ["", "Y", "n", "Yes", "TRUE", "0", "maybe", "X"],
    "year_group": ["", "5", "Year 5", "R", "reception", "N1", "Y11", "15", "Year Five"],
    "primary_need": ["", "ASD", "asd", "Autism", "NSA", "nsa", "XYZ", "SpLD"],
    "plan_type": ["ehcp", "EHCP", "EHC Plan", "statement", "SEN Support", "K", "", "plan"],
    "plan_issued_on": ["", "2012-01-10", "10/01/2012", "2017-04-19", "2000-01-01", "2012-13-01"],
    "caseworker": ["", "Jo Bloggs", "c" * 201],
    "caseworker_email": [
        "",
        "jo@la.example",
        "Jo@LA.Example",
        "jo@la",
        "jo@@la.example",
        "@la.example",
        "jo@la.example.",
        "jo @la.example",
        "jo@la.ex\u00e4mple",
    ],
}

rows = st.tuples(*(st.sampled_from(CELLS[f]) | st.text(max_size=12) for f in FIELDS))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_row_checker_agrees_with_validate_case(row):
    check = RowChecker(AS_OF).check
    case, problems = validate_case(dict(zip(FIELDS, row, strict=True)), AS_OF)
    got = check(row)
    if problems:
        assert got is None
    elif got is not None:  # None is allowed: validate_case is then asked
        assert got == tuple(case[f] for f in FIELDS)
    assert check(row) == got  # the same answer from its memory


def test_row_checker_accepts_the_usual_row_without_validate_case():
    row = dict.fromkeys(FIELDS, "")
    row |= {
        "case_ref": "R-1",
        "upn": _upn("857", "00000001"),
        "forename": "Zo\u00eb",
        "surname": "O'Brien",
        "date_of_birth": "01/05/2008",
        "out_of_county": "N",
        "primary_need": "Autism",
        "plan_type": "EHC Plan",
        "plan_issued_on": "2012-01-10",
        "caseworker_email": "Jo@LA.example",
    }
    values = RowChecker(AS_OF).check(tuple(row[f] for f in FIELDS))
    case, problems = validate_case(row, AS_OF)
    assert values is not None and not problems
    assert values == tuple(case[f] for f in FIELDS)


# --- the bulk first load and the row-by-row import give the same database -------------------

HEADER = ",".join(FIELDS)
GOOD = [
    "R-1,,Ann,Smith,2008-05-01,Oak School,Special academy,N,,ASD,ehcp,2012-01-10,Jo,jo@la.example",
    f"R-2,{_upn('857', '00000001')},Zo\u00eb,O'Brien,01/05/2009,,,Y,Year 3,autism,EHC Plan,,,",
    "R-3,,Sam,Lee,2010-02-03,,,,R,NSA,SEN support,,Jo,JO@LA.EXAMPLE",
    '"R-4",," Kit ","Ng, Jr",2005-09-05,"Elm, Upper",,no,,,statement,05/09/2010,,',
]


def _dump(path):
    conn = sqlite3.connect(path)
    cases = conn.execute(
        f"SELECT rowid, {', '.join(FIELDS)}, year_offset, stays_sixth_form FROM cases ORDER BY rowid"
    ).fetchall()
    audit = conn.execute(
        "SELECT officer, command, entity, entity_key, case_ref, action, before_json, after_json"
        " FROM audit_log ORDER BY id"
    ).fetchall()
    queued = conn.execute("SELECT case_ref FROM clocks_stale ORDER BY rowid").fetchall()
    person = conn.execute(
        "SELECT case_ref, sex, ethnicity, postcode, uln, upn_unknown FROM sen2_person ORDER BY rowid"
    ).fetchall()
    conn.close()
    return cases, audit, queued, person


def _both(run, tmp_path, monkeypatch, text, *extra, expect=0):
    """Import text with the bulk first load and with the row-by-row import only."""
    from sendctl.services import imports

    src = tmp_path / "cases.csv"
    src.write_text(text, encoding="utf-8")
    out = []
    bulk_loads = []
    real = imports._first_load_in_bulk

    def bulk_load(*a, **k):
        res = real(*a, **k)
        bulk_loads.append(res is not None)
        return res

    for name in ("bulk", "rows"):
        db = tmp_path / f"{name}.db"
        with monkeypatch.context() as m:
            m.setattr(
                imports,
                "_first_load_in_bulk",
                bulk_load if name == "bulk" else (lambda *a, **k: None),
            )
            r = run(
                "--db",
                db,
                "cases",
                "import",
                src,
                "--as-of",
                AS_OF.isoformat(),
                *extra,
                expect=expect,
            )
        out.append((r.exit_code, r.stdout, r.stderr, _dump(db) if db.exists() else None))
    # the bulk path loaded the clean file, and never one with a problem
    assert bulk_loads == [True] if expect == 0 else True not in bulk_loads
    return out


@pytest.mark.parametrize(
    "body",
    [
        GOOD,
        GOOD[:1] + [""] + GOOD[1:] + ["", ",,,,,,,,,,,,,"],  # blank lines skipped
        [g.rsplit(",", 3)[0] for g in GOOD],  # short rows: the last cells read as empty
        [g.replace("R-", f"R{i}-", 1) for i in range(31) for g in GOOD],  # several statements
    ],
    ids=["plain", "blank-lines", "short-rows", "many"],
)
def test_bulk_first_load_equals_the_row_by_row_import(run, tmp_path, monkeypatch, body):
    bulk, rows = _both(run, tmp_path, monkeypatch, "\n".join([HEADER, *body]) + "\n")
    assert bulk[3][0] and bulk[3] == rows[3]
    assert bulk[:3] == rows[:3]


@pytest.mark.parametrize(
    "body",
    [
        GOOD + ["R-2,,Dup,Licate,2008-05-01,,,,,,ehcp,,,"],  # a reference twice
        GOOD[:2] + ["R-9,,Bad,Date,2008-02-30,,,,,,ehcp,,,", "R-10,,,,,,,maybe,,,plan,,,"],
        [],  # a header but no data rows
    ],
    ids=["duplicate", "problems", "no-rows"],
)
def test_a_file_with_problems_is_reported_as_the_row_by_row_import_reports_it(
    run, tmp_path, monkeypatch, body
):
    bulk, rows = _both(run, tmp_path, monkeypatch, "\n".join([HEADER, *body]) + "\n", expect=1)
    assert bulk == rows
    assert bulk[3] is None or bulk[3] == ([], [], [], [])  # nothing written


def test_dry_run_of_a_first_load_writes_nothing(run, tmp_path, monkeypatch, db_path):
    run("init")
    before = _dump(db_path)
    src = tmp_path / "cases.csv"
    src.write_text("\n".join([HEADER, *GOOD]) + "\n", encoding="utf-8")
    r = run("cases", "import", src, "--as-of", AS_OF.isoformat(), "--dry-run")
    assert "4" in r.stdout + r.stderr
    assert _dump(db_path) == before


def test_bulk_first_load_of_a_file_with_only_some_columns(run, tmp_path, monkeypatch):
    text = (
        "Ref,Surname,First name,DOB,Plan,Caseworker,Unknown column\n"
        "R-1,Smith,Ann,01/05/2008,EHC Plan,Jo,x\n"
        "R-2,Lee,Sam,2010-02-03,SEN support,,\n"
    )
    bulk, rows = _both(run, tmp_path, monkeypatch, text)
    assert bulk[3][0] and bulk[3] == rows[3]
    assert bulk[:3] == rows[:3]


def test_a_first_load_queues_every_case_for_the_clock_store_and_keeps_its_trigger(
    run, tmp_path, monkeypatch
):
    def trigger(path):
        conn = sqlite3.connect(path)
        sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'clocks_stale_case_insert'"
        ).fetchone()
        conn.close()
        return sql

    run("--db", tmp_path / "fresh.db", "init")
    bulk, rows = _both(run, tmp_path, monkeypatch, "\n".join([HEADER, *GOOD]) + "\n")
    for _, _, _, (cases, _, queued, _) in (bulk, rows):
        assert queued == [(c[1],) for c in cases]  # every case, in file order
    for name in ("bulk", "rows"):
        assert trigger(tmp_path / f"{name}.db") == trigger(tmp_path / "fresh.db") is not None


PERSON = "Ref,Forename,Surname,DOB,Plan,Plan date,Sex,Ethnicity,Postcode,ULN,UPN unknown\n"


def test_bulk_first_load_with_the_sen2_person_items(run, tmp_path, monkeypatch):
    text = PERSON + (
        "P1,Ann,Test,2008-05-14,ehcp,2012-06-07,F,WBRI,le15 6xx,0000000042,UN2\n"
        "P2,Bo,Test,2009-05-14,ehcp,2012-06-07,m,MWBC,,,UN8\n"
        "P3,Cy,Test,2009-05-14,sen_support,,,,,,\n"
    )
    bulk, rows = _both(run, tmp_path, monkeypatch, text)
    assert bulk[3][3] and bulk[3] == rows[3]
    assert bulk[:3] == rows[:3]


def test_a_bad_person_item_is_reported_as_the_row_by_row_import_reports_it(
    run, tmp_path, monkeypatch
):
    text = PERSON + "P1,Ann,Test,2008-05-14,ehcp,2012-06-07,Q,WBRI,,123,\n"
    bulk, rows = _both(run, tmp_path, monkeypatch, text, expect=1)
    assert bulk == rows and "Sex: expected one of" in bulk[2]
