"""Year groups: the SQL that turns a given year group into an offset equals the engine, and a
child recorded out of year group keeps that offset as the years go by."""

import sqlite3
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sendctl.domain import engine as E
from sendctl.services.cases import derived_year_group
from sendctl.storage.cases import YEAR_NUMBER_SQL, set_year_offsets, year_label_sql

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


@given(
    dob=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2020, 12, 31))),
    on=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    offset=st.integers(-2, 2),
    label=st.sampled_from(LABELS),
)
def test_listed_year_group_sql_equals_the_shown_one(dob, on, offset, label):
    # `cases list` derives the year group in SQL, `cases show` in Python: they must agree
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE cases (date_of_birth TEXT, year_group TEXT, year_offset INTEGER NOT NULL)"
    )
    iso = dob.isoformat() if dob else None
    conn.execute("INSERT INTO cases VALUES (?, ?, ?)", (iso, label, offset))
    sql = year_label_sql("?")
    listed = conn.execute(f"SELECT {sql} FROM cases", [on.isoformat()] * sql.count("?"))
    shown = derived_year_group(
        {"date_of_birth": iso, "year_group": label, "year_offset": offset}, on
    )
    assert listed.fetchone()[0] == shown
    if dob is not None:
        assert shown == E.year_label(E.year_group(dob, on, offset))


def test_list_and_show_give_the_year_group_of_the_as_of_year(run):
    run("init", "--no-funds")
    base = ("--forename", "Ann", "--surname", "S", "--plan", "ehcp", "--plan-issued", "2014-10-01")
    run("cases", "add", "YG-1", *base, "--dob", "2006-03-15", "--as-of", "2016-10-03")
    run(
        "cases",
        "add",
        "YG-2",
        *base,
        "--dob",
        "2006-03-15",
        "--year-group",
        "5",
        "--as-of",
        "2016-10-03",
    )
    for on, expected in [
        ("2016-10-03", ["6", "5"]),
        ("2017-09-01", ["7", "6"]),
        ("2031-01-05", [None, None]),
    ]:
        listed = run.json("cases", "list", "--as-of", on)
        assert [c["year_group"] for c in listed] == expected
        shown = [
            run.json("cases", "show", ref, "--as-of", on)["case"]["year_group"]
            for ref in ("YG-1", "YG-2")
        ]
        assert shown == expected


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


def test_a_year_11_pupil_staying_in_its_sixth_form_has_no_phase_transfer(run):
    run("init", "--no-funds")
    run(
        "cases",
        "add",
        "SF-1",
        "--forename",
        "Ben",
        "--surname",
        "T",
        "--dob",
        "2001-01-15",
        "--plan",
        "ehcp",
        "--plan-issued",
        "2014-10-01",
        "--as-of",
        "2016-10-03",
    )
    on = ("--as-of", "2016-10-03", "--all", "--clock", "phase_transfer")
    # Year 11 in 2016/17: the plan must name the post-16 setting (reg 18(1)(b))
    assert [r["case_ref"] for r in run.json("deadlines", *on)] == ["SF-1"]
    r = run("cases", "update", "SF-1", "--stays-sixth-form")
    assert "stays_sixth_form" in r.stderr
    assert run.json("deadlines", *on) == []
    shown = run.json("cases", "show", "SF-1", "--as-of", "2016-10-03")
    assert shown["case"]["stays_sixth_form"] == 1
    assert any(
        h["fields"] == "stays_sixth_form" and h["after"] == {"stays_sixth_form": True}
        for h in shown["history"]
    )
    assert "nothing changed" in run("cases", "update", "SF-1", "--stays-sixth-form").stderr
    run("cases", "update", "SF-1", "--leaves-after-year-11")
    assert [r["case_ref"] for r in run.json("deadlines", *on)] == ["SF-1"]
