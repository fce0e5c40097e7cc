"""A row with a value beyond the header's last column is refused by every import, naming the
file, the line and the column: the value belongs to no column, so the row's values are
probably shifted. Blank cells beyond it (a spreadsheet padding its rows) are harmless."""

import sqlite3

import pytest


def _rows(db_path, table):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


CASES = "case_ref,forename,surname,date_of_birth,plan_type\n"
SPEND = "fund,date,amount,kind,description\n"
PANEL = "case_ref,meeting_on,request,outcome,annual_cost\n"


@pytest.fixture
def db(run, db_path):
    run("init")
    run(
        "cases", "add", "R1", "--forename", "Ada", "--surname", "Example", "--dob", "15/01/2005",
        "--plan", "ehcp", "--plan-issued", "10/03/2016", "--as-of", "2017-01-01",
    )  # fmt: skip
    return db_path


@pytest.mark.parametrize(
    "command, text, table",
    [
        (("cases", "import"), CASES + "X-1,Ann,Test,2008-01-01,ehcp,EXTRA\n", "cases"),
        (("spend", "import"), SPEND + "dfe-grant,28/04/2017,10.00,actual,thing,EXTRA\n", "ledger_entries"),
        (("panel", "import"), PANEL + "R1,2017-02-02,transport,agreed,100.00,EXTRA\n", "panel_decisions"),
    ],
)  # fmt: skip
def test_a_value_beyond_the_last_column_is_refused(run, db, tmp_path, command, text, table):
    f = tmp_path / "extra.csv"
    f.write_text(text)
    before = _rows(db, table)
    r = run(*command, f, expect=1)
    assert f"{f}:2: column 6: 6 cells but the header has 5 columns" in r.stderr
    assert "EXTRA" not in r.stderr  # the value may be personal data: never echoed
    assert "1 problem(s)" in r.stderr and "nothing was imported" in r.stderr
    assert _rows(db, table) == before


def test_a_first_load_of_the_register_is_refused_too(run, tmp_path, db_path):
    # an empty register takes the bulk path, which hands such a file back to the row reader
    run("init", "--no-funds")
    f = tmp_path / "cases.csv"
    f.write_text(CASES + "X-1,Ann,Test,2008-01-01,ehcp\nX-2,Bo,Test,2008-01-01,ehcp,,EXTRA\n")
    r = run("cases", "import", f, "--as-of", "2017-04-18", expect=1)
    assert f"{f}:3: column 7: 7 cells but the header has 5 columns" in r.stderr
    assert _rows(db_path, "cases") == 0


def test_blank_cells_beyond_the_last_column_are_harmless(run, db, tmp_path):
    f = tmp_path / "padded.csv"
    f.write_text(PANEL + "R1,2017-02-02,transport,agreed,100.00,,\n")
    assert "Imported 1" in run("panel", "import", f).stderr
    c = tmp_path / "cases.csv"
    c.write_text(CASES + "X-1,Ann,Test,2008-01-01,ehcp, ,\n")
    assert "1 added" in run("cases", "import", c, "--as-of", "2017-04-18").stderr
