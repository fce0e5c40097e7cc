"""Year groups: the SQL that turns a given year group into an offset equals the engine, and a
child recorded out of year group keeps that offset as the years go by."""

import sqlite3
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sendctl.domain import engine as E
from sendctl.storage.cases import YEAR_NUMBER_SQL, set_year_offsets

LABELS = ["N1", "N2", "R"] + [str(i) for i in range(1, 15)]


@given(
    dob=st.dates(date(1990, 1, 1), date(2020, 12, 31)),
    on=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    label=st.sampled_from(LABELS),
)
def test_offset_sql_equals_the_engine(dob, on, label):
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE cases (case_ref TEXT, date_of_birth TEXT, year_group TEXT,"
        " year_offset INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute("INSERT INTO cases VALUES ('A', ?, ?, 0)", (dob.isoformat(), label))
    assert conn.execute(f"SELECT {YEAR_NUMBER_SQL} FROM cases").fetchone()[0] == E.year_number(
        label
    )
    set_year_offsets(conn, on, "1", {})
    offset = conn.execute("SELECT year_offset FROM cases").fetchone()[0]
    assert E.year_group(dob, on, offset) == E.year_number(label)


def test_an_out_of_year_group_child_keeps_the_offset(run, tmp_path):
    run("init", "--no-funds")
    # born 15 Mar 2006 is Year 6 in 2016/17; recorded in Year 5 (held back a year)
    run(
        "cases",
        "add",
        "OY-1",
        "--forename",
        "Ann",
        "--surname",
        "S",
        "--dob",
        "2006-03-15",
        "--plan",
        "ehcp",
        "--plan-issued",
        "2014-10-01",
        "--year-group",
        "5",
        "--as-of",
        "2016-10-03",
    )
    # no phase transfer in 2016/17 (Year 5), one in 2017/18 (Year 6): before 15 Feb 2018
    assert (
        run.json("deadlines", "--as-of", "2016-10-03", "--all", "--clock", "phase_transfer") == []
    )
    rows = run.json("deadlines", "--as-of", "2017-10-03", "--all", "--clock", "phase_transfer")
    assert [(r["case_ref"], r["due_on"]) for r in rows] == [("OY-1", "2018-02-14")]
