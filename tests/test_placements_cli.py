"""Placements through the CLI: made by agreed panel decisions, superseded, ended; the high needs
fund's balances by year, settlement against commitments, the forecast and the deficit."""

import sqlite3

import pytest

REFS = ("R1", "R2", "R3")


@pytest.fixture
def hn(run, db_path):
    """Three children and a high needs fund of £1,000,000 in 2017-18 and 2018-19."""
    run("init")
    conn = sqlite3.connect(db_path)
    conn.executemany(
        "INSERT INTO cases (case_ref, forename, surname, date_of_birth, plan_type, created_utc,"
        " updated_utc) VALUES (?, 'Child', 'Test', '2008-01-01', 'ehcp', 'x', 'x')",
        [(r,) for r in REFS],
    )
    conn.commit()
    conn.close()
    run(
        "funds",
        "add",
        "high-needs",
        "--name",
        "High needs block",
        "--kind",
        "high-needs",
        "--budget",
        "2017-18=£1,000,000,2018-19=£1,000,000",
    )
    return db_path


def count(db_path, table):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def place(run, ref="R1", cost="36500", starts="2017-09-01", ends="2018-08-31", *more, expect=0):
    args = [
        "panel",
        "record",
        ref,
        "--date",
        "2017-06-01",
        "--request",
        "placement",
        "--outcome",
        "agreed",
        "--annual-cost",
        cost,
        "--placement-type",
        "independent-special",
        "--provider",
        "Oak Hill",
        "--funder",
        "high-needs-block",
        *more,
    ]
    if starts:
        args += ["--starts", starts]
    if ends:
        args += ["--ends", ends]
    return run(*args, expect=expect)


def test_an_agreed_decision_with_cost_and_start_becomes_a_placement(run, hn):
    place(run, "R1", "36500", "2017-09-01", "2018-08-31", "--out-of-county")
    place(run, "R2", "20000", "", "")  # no start date: no placement
    run(
        "panel",
        "record",
        "R3",
        "--date",
        "2017-06-01",
        "--request",
        "placement",
        "--outcome",
        "deferred",
        "--annual-cost",
        "50000",
        "--starts",
        "2017-09-01",
    )  # not agreed: none
    rows = run.json("placements", "list", "--as-of", "2017-07-01")
    assert [
        (r["case_ref"], r["annual_cost_pence"], r["this_year_pence"], r["out_of_county"])
        for r in rows
    ] == [("R1", 3_650_000, 2_120_000, 1)]
    assert run.json("placements", "list", "--as-of", "2017-05-31") == []  # before the panel
    assert run.json("placements", "list", "--as-of", "2017-07-01", "--in-county") == []
    assert (
        len(
            run.json("placements", "list", "--as-of", "2017-07-01", "--type", "independent-special")
        )
        == 1
    )
    assert (
        run.json("placements", "list", "--as-of", "2017-07-01", "--active-on", "2018-09-01") == []
    )
    assert len(run.json("placements", "list", "--as-of", "2017-07-01", "--provider", "oak")) == 1


def test_bad_input_is_refused_and_nothing_is_written(run, hn):
    before = (count(hn, "panel_decisions"), count(hn, "placements"), count(hn, "funds"))
    r = place(run, "R1", "36500", "2017-09-01", "2017-08-31", expect=1)
    assert "--ends" in r.stderr and "before" in r.stderr
    r = run(
        "panel",
        "record",
        "R1",
        "--date",
        "2017-06-01",
        "--request",
        "placement",
        "--outcome",
        "declined",
        "--annual-cost",
        "36500",
        expect=1,
    )
    assert "--annual-cost" in r.stderr and "declined" in r.stderr
    r = run(
        "funds",
        "add",
        "hn2",
        "--name",
        "x",
        "--kind",
        "high-needs",
        "--budget",
        "2017-18=lots",
        expect=1,
    )
    assert r.stderr.startswith("Error: --budget:") and "Traceback" not in r.stderr
    run(
        "funds",
        "add",
        "hn2",
        "--name",
        "x",
        "--kind",
        "high-needs",
        "--budget",
        "2017-18=£1",
        expect=1,
    )
    assert (count(hn, "panel_decisions"), count(hn, "placements"), count(hn, "funds")) == before


def test_a_superseding_decision_replaces_the_placement(run, hn):
    place(run, "R1", "36500", "2017-09-01", "2018-08-31")
    place(run, "R1", "40000", "2017-09-01", "2018-08-31", "--supersedes", "1")
    rows = run.json("placements", "list", "--as-of", "2017-07-01")
    assert [
        (r["decision_id"], r["annual_cost_pence"], r["action"], r["replaces_id"]) for r in rows
    ] == [(2, 4_000_000, "superseded", 1)]
    # superseded by a decline: the placement is cancelled (a new row), nothing placed
    run(
        "panel",
        "record",
        "R1",
        "--date",
        "2017-06-01",
        "--request",
        "placement",
        "--outcome",
        "declined",
        "--supersedes",
        "2",
    )
    assert run.json("placements", "list", "--as-of", "2017-07-01") == []
    assert count(hn, "placements") == 3
    actions = [a["action"] for a in run.json("audit", "--case", "R1") if a["entity"] == "placement"]
    assert sorted(actions) == ["agreed", "cancelled", "superseded"]


def test_ending_a_placement_is_a_new_record(run, hn):
    place(run, "R1", "36500", "2017-09-01", "")
    run("placements", "end", "1", "--date", "2017-12-31", "--reason", "moved away")
    rows = run.json("placements", "list")
    assert [(r["id"], r["ends_on"], r["replaces_id"], r["reason"]) for r in rows] == [
        (2, "2017-12-31", 1, "moved away")
    ]
    assert count(hn, "placements") == 2
    r = run("placements", "end", "1", "--date", "2017-11-30", "--reason", "x", expect=1)
    assert "replaced by placement 2" in r.stderr
    r = run("placements", "end", "2", "--date", "2017-08-01", "--reason", "x", expect=1)
    assert "--date" in r.stderr and "before the start" in r.stderr
    conn = sqlite3.connect(hn)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE placements SET ends_on = NULL")
    conn.close()


def test_balances_by_year_and_payments_settle_against_commitments(run, hn):
    place(run, "R1", "36500", "2017-09-01", "2018-08-31", "--out-of-county")
    run(
        "panel",
        "record",
        "R2",
        "--date",
        "2017-06-01",
        "--request",
        "top-up",
        "--outcome",
        "agreed",
        "--annual-cost",
        "7300",
        "--provider",
        "Local Primary",
        "--starts",
        "2017-04-01",
    )
    # 2017-18: 21,200 (R1) + 7,300 (R2, the whole year) = 28,500 committed by placements; the
    # forecast outturn adds the new placements expected, as `status` and the forecast do:
    # £43,800 a year over the 273 days left of 365, 43,800 x (273/365)^2 / 2 = £12,251.34
    new = 1_225_134
    rows = run.json("funds", "balances", "--fy", "2017-18", "--as-of", "2017-07-01")
    hn_rows = [r for r in rows if r["code"] == "high-needs"]
    year = next(r for r in hn_rows if r["level"] == "budget")
    assert (
        year["budget_pence"],
        year["placements_committed_pence"],
        year["paid_pence"],
        year["committed_pence"],
        year["remaining_pence"],
        year["new_placements_pence"],
        year["forecast_outturn_pence"],
        year["variance_pence"],
    ) == (100_000_000, 2_850_000, 0, 2_850_000, 97_150_000, new, 2_850_000 + new, 97_150_000 - new)
    # without --fy the fund's row is the sum of its budget years: 2018-19 has R1's 15,300
    rows = run.json("funds", "balances", "--as-of", "2017-07-01")
    whole = next(r for r in rows if r["code"] == "high-needs" and r["level"] == "fund")
    years = [r for r in rows if r["code"] == "high-needs" and r["level"] == "budget"]
    assert [y["committed_pence"] for y in years] == [2_850_000, 1_530_000 + 730_000]
    assert (whole["allocation_pence"], whole["committed_pence"], whole["remaining_pence"]) == (
        200_000_000,
        2_850_000 + 2_260_000,
        200_000_000 - 5_110_000,
    )
    total = next(r for r in rows if r["level"] == "total")
    assert total["committed_pence"] == whole["committed_pence"]  # the other funds have none
    # a year with no budget set: the fund row and the budget row show the same figures, the
    # last budget held flat as the forecast holds it (and says so)
    rows = run.json("funds", "balances", "--fy", "2019-20", "--as-of", "2017-07-01")
    hn19 = [r for r in rows if r["code"] == "high-needs" and r["level"] in ("fund", "budget")]
    assert [
        (r["allocation_pence"], r["committed_pence"], r["remaining_pence"], r["budget_assumed"])
        for r in hn19
    ] == [(100_000_000, 730_000, 99_270_000, True)] * 2
    # with --fy the fund's own row counts the placements against the year's budget too
    fund = next(r for r in hn_rows if r["level"] == "fund")
    assert (fund["allocation_pence"], fund["committed_pence"], fund["remaining_pence"]) == (
        100_000_000,
        2_850_000,
        97_150_000,
    )
    splits = {r["split"]: r["placements_committed_pence"] for r in hn_rows if r["level"] == "split"}
    assert splits == {
        "in county, unspecified": 730_000,
        "out of county, independent-special": 2_120_000,
    }
    # a payment of £5,000 reduces what the placements still commit; the outturn stays the same
    run("spend", "post", "high-needs", "£5,000", "--date", "2017-06-30", "--description", "fees")
    year = next(
        r
        for r in run.json("funds", "balances", "--fy", "2017-18", "--as-of", "2017-07-01")
        if r["code"] == "high-needs" and r["level"] == "budget"
    )
    assert (year["paid_pence"], year["committed_pence"], year["forecast_outturn_pence"]) == (
        500_000,
        2_350_000,
        2_850_000 + new,
    )
    # paying more than committed: the outturn is what was paid
    run("spend", "post", "high-needs", "£30,000", "--date", "2017-06-30", "--description", "fees")
    year = next(
        r
        for r in run.json("funds", "balances", "--fy", "2017-18", "--as-of", "2017-07-01")
        if r["code"] == "high-needs" and r["level"] == "budget"
    )
    assert (year["committed_pence"], year["forecast_outturn_pence"]) == (0, 3_500_000 + new)


def test_forecast_and_deficit_on_a_hand_checked_set(run, hn):
    place(run, "R1", "36500", "2017-09-01", "2018-08-31")
    run("funds", "deficit", "opening", "£100,000", "--fy", "2017-18", "--ref", "SoA 2016-17")
    # the year underspends by far more than the £100,000 brought in: no deficit stands on
    # 31 March 2018 to write off; an adjustment (a recoupment) may still reduce the position
    r = run(
        "funds",
        "deficit",
        "write-off",
        "£40,000",
        "--date",
        "2018-03-31",
        "--ref",
        "CAB/18/07",
        "--reason",
        "met from general reserves",
        expect=1,
    )
    assert "£0.00 available" in r.stderr
    run(
        "funds",
        "deficit",
        "adjust",
        "--date",
        "2018-03-31",
        "--ref",
        "JNL-18/07",
        "--reason",
        "recoupment",
        "--",
        "-£40,000",
    )
    # as at 31 March 2018 nothing of 2017-18 is left; new placements at R1's £36,500 a year
    # (agreed in the last 12 months) cost half a year, £18,250, in 2018-19
    rows = run.json("placements", "forecast", "--as-of", "2018-03-31", "--years", "1")
    y0, y1 = rows
    assert y0["assumed_rate_pence"] == 3_650_000 and y0["new_placements_pence"] == 0
    assert (y0["committed_pence"], y0["forecast_outturn_pence"], y0["variance_pence"]) == (
        2_120_000,
        2_120_000,
        97_880_000,
    )
    assert (y0["deficit_brought_forward_pence"], y0["adjustments_pence"]) == (
        10_000_000,
        -4_000_000,
    )
    assert y0["deficit_carried_forward_pence"] == 10_000_000 - 97_880_000 - 4_000_000
    assert (y1["committed_pence"], y1["new_placements_pence"], y1["forecast_outturn_pence"]) == (
        1_530_000,
        1_825_000,
        3_355_000,
    )
    assert y1["deficit_carried_forward_pence"] == y0["deficit_carried_forward_pence"] - (
        100_000_000 - 3_355_000
    )
    # a year after the panel, its decisions no longer set the rate
    assert run.json("placements", "forecast", "--as-of", "2018-06-01")[0]["assumed_rate_pence"] == 0
    rows = run.json("placements", "forecast", "--as-of", "2017-07-01", "--years", "2")
    assert rows[0]["assumed_rate_pence"] == 3_650_000 and len(rows) == 3
    assert rows[2]["budget_assumed"] is True  # 2019-20 has no budget: 2018-19's held flat
    out = run(
        "placements", "forecast", "--as-of", "2017-07-01", "--growth", "10%", "--format", "plain"
    ).stdout
    assert "Assumptions:" in out and "growth of 10%" in out and "held flat" in out
    run("placements", "forecast", "--growth", "10", expect=1)
    assert len(run.json("funds", "deficit", "show", "--entries")) == 2
    run("funds", "deficit", "opening", "£1", "--fy", "2017-18", "--ref", "again", expect=1)
    r = run(
        "funds",
        "deficit",
        "write-off",
        "£1",
        "--date",
        "2018-05-01",
        "--ref",
        "",
        "--reason",
        "x",
        expect=1,
    )
    assert "--ref" in r.stderr


def test_a_second_high_needs_fund_is_refused(run, hn):
    r = run(
        "funds",
        "add",
        "hn2",
        "--name",
        "x",
        "--kind",
        "high-needs",
        "--budget",
        "2017-18=£1",
        expect=1,
    )
    assert "already a high-needs fund" in r.stderr


def _two_placements(run):
    place(run, "R1", "36500", "2017-09-01", "2018-08-31", "--out-of-county")
    run(
        "panel",
        "record",
        "R2",
        "--date",
        "2017-06-01",
        "--request",
        "top-up",
        "--outcome",
        "agreed",
        "--annual-cost",
        "7300",
        "--provider",
        "Local Primary",
        "--starts",
        "2017-04-01",
    )


def test_panel_summary_shows_the_full_year_effect(run, hn):
    _two_placements(run)
    rows = run.json("panel", "summary", "--to", "2017-06-30", "--as-of", "2017-07-01")
    total = next(r for r in rows if r["by"] == "total")
    # full year: 36,500 + 7,300; in 2017-18: 21,200 (212 days) + 7,300 (the whole year)
    assert (
        total["placements_made"],
        total["full_year_effect_pence"],
        total["in_year_effect_pence"],
    ) == (2, 4_380_000, 2_850_000)
    top_up = next(r for r in rows if r["by"] == "request" and r["group"] == "top-up")
    assert top_up["full_year_effect_pence"] == 730_000
    assert (
        "full-year effect"
        in run("panel", "summary", "--as-of", "2017-07-01", "--format", "plain").stdout
    )


def test_status_has_a_high_needs_line(run, hn):
    _two_placements(run)
    h = run.json("status", "--as-of", "2017-07-01")["high_needs"]
    # placements 28,500 in 2017-18, plus new ones at the last 12 months' £43,800 a year over the
    # 273 days left of 365: 43,800 x (273/365)^2 / 2 = 12,251.342.. -> £12,251.34
    assert (h["financial_year"], h["budget_pence"], h["forecast_outturn_pence"]) == (
        "2017-18",
        100_000_000,
        2_850_000 + 1_225_134,
    )
    assert h["variance_pence"] == 100_000_000 - 4_075_134
    out = run("status", "--as-of", "2017-07-01", "--format", "plain").stdout
    assert "high needs 2017-18: budget £1,000,000.00, forecast outturn £40,751.34" in out
