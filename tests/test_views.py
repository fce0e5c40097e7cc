"""The read-only views for other tools (Datasette, sqlite-utils): money in pounds, each case
reference beside its case, individuals redacted."""

import sqlite3

import pytest

CASES = (
    "case_ref,forename,surname,date_of_birth,plan_type,caseworker,setting\n"
    "00123,Zoë,Example,14/02/2010,ehcp,Priya Shah,Oak School\n"
)
PANEL = (
    'case_ref,meeting_on,request,outcome,annual_cost\n00123,05/01/2017,top-up,agreed,"£52,000.50"\n'
)
SPEND = (
    "fund,date,amount,description,supplier,individual\n"
    'reserve,03/05/2017,"£1,250.25",EP assessment,Acme Ltd,\n'
    "reserve,04/05/2017,99.99,Tutor,Jane Doe,yes\n"
)


@pytest.fixture
def conn(run, db_path, tmp_path):
    run("init")
    for kind, text in (("cases", CASES), ("panel", PANEL), ("spend", SPEND)):
        f = tmp_path / f"{kind}.csv"
        f.write_text(text, encoding="utf-8")
        run(kind, "import", f, *(["--as-of", "2017-04-18"] if kind == "cases" else []))
    c = sqlite3.connect(db_path)
    c.row_factory = sqlite3.Row
    yield c
    c.close()


def test_ledger_in_pounds_redacts_individuals(conn):
    rows = [
        dict(r)
        for r in conn.execute(
            "SELECT amount_pounds, supplier FROM ledger_in_pounds WHERE kind = 'actual' ORDER BY id"
        )
    ]
    assert rows == [
        {"amount_pounds": 1250.25, "supplier": "Acme Ltd"},
        {"amount_pounds": 99.99, "supplier": "REDACTED PERSONAL DATA"},
    ]


def test_fund_balances_in_pounds_match_sendctl(run, conn):
    view = {r["fund"]: dict(r) for r in conn.execute("SELECT * FROM fund_balances_in_pounds")}
    compared = 0
    for b in run.json("funds", "balances", "--as-of", "2030-01-01"):
        if b["level"] == "fund" and b["code"] in view:
            compared += 1
            assert round(view[b["code"]]["spent_pounds"] * 100) == b["spent_pence"]
            assert round(view[b["code"]]["remaining_pounds"] * 100) == b["remaining_pence"]
    assert compared == len(view) == 3
    assert view["reserve"]["spent_pounds"] == 1350.24


def test_panel_decisions_beside_their_case(conn):
    (r,) = conn.execute(
        "SELECT case_ref, caseworker, setting, annual_cost_pounds, superseded_by"
        " FROM panel_decisions_in_pounds"
    ).fetchall()
    assert tuple(r) == ("00123", "Priya Shah", "Oak School", 52000.5, None)
