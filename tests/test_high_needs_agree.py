"""The high needs block on the demo: one position behind every screen (`funds balances --fy`,
`status`, `placements forecast`, `report cabinet`), the deficit carried from one year into the
next, write-offs held to the deficit standing, and the money columns kept on a narrow terminal."""

import re
import shutil

import pytest
from report_support import one, read_report
from typer.testing import CliRunner

from sendctl.cli import app

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("hn") / "demo.db"
    r = CliRunner().invoke(
        app,
        ["demo", "--db", str(path)],
        catch_exceptions=False,
        env={"SENDCTL_OFFICER": "tester", "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    return path


@pytest.fixture
def demo(demo_db, db_path):
    """A copy of the demo database the test may write to (SENDCTL_DB points at it)."""
    shutil.copy(demo_db, db_path)
    return db_path


def fy_of(day: str) -> str:
    y, m = int(day[:4]), int(day[5:7])
    start = y if m >= 4 else y - 1
    return f"{start}-{(start + 1) % 100:02d}"


@pytest.mark.parametrize("day", ["2017-04-18", "2017-10-31", "2018-03-31", "2018-04-01"])
def test_balances_status_forecast_and_cabinet_agree(run, demo, tmp_path, day):
    fy = fy_of(day)
    rows = run.json("funds", "balances", "--fy", fy, "--as-of", day)
    year = next(r for r in rows if r["code"] == "high-needs" and r["level"] == "budget")
    fund = next(r for r in rows if r["code"] == "high-needs" and r["level"] == "fund")
    status = run.json("status", "--as-of", day)["high_needs"]
    first = run.json("placements", "forecast", "--as-of", day, "--years", "1")[0]
    out = tmp_path / "update.html"
    run("report", "cabinet", "--as-of", day, "--output", out)
    figures, _ = read_report(out.read_text(encoding="utf-8"))

    # placements count against the year's budget on the fund row as on the budget row
    assert year["placements_committed_pence"] > 0
    for k in ("allocation_pence", "spent_pence", "committed_pence", "remaining_pence"):
        assert fund[k] == year[k], k
        assert one(figures, f"funds.high-needs.{k}") == year[k], k
    assert year["remaining_pence"] == (
        year["budget_pence"] - year["paid_pence"] - year["committed_pence"]
    )
    # one forecast outturn, one variance, one deficit
    assert status["financial_year"] == first["financial_year"] == fy
    for k in ("budget_pence", "forecast_outturn_pence", "variance_pence"):
        assert year[k] == status[k] == first[k] == one(figures, f"funds.high_needs.{k}"), k
    assert (
        status["deficit_carried_forward_pence"]
        == first["deficit_carried_forward_pence"]
        == one(figures, "funds.high_needs.deficit_carried_forward_pence")
    )
    # outturn = paid + what placements still commit + orders (assumed again for a year with
    # none raised yet) + new placements; remaining counts only what is committed today
    placed = max(year["placements_committed_pence"] - year["paid_pence"], 0)
    assert year["forecast_outturn_pence"] == (
        year["paid_pence"] + placed + first["other_committed_pence"] + year["new_placements_pence"]
    )
    plain = run("status", "--as-of", day, "--format", "plain").stdout
    assert f"forecast outturn {first['forecast_outturn']}" in plain


def test_the_deficit_carried_forward_is_brought_forward_on_1_april(run, demo):
    before = run.json("funds", "deficit", "show", "--as-of", "2018-03-31")
    after = run.json("funds", "deficit", "show", "--as-of", "2018-04-01")
    y17, y18 = before[0], before[1]
    assert y17["financial_year"] == "2017-18" and y17["deficit_carried_forward_pence"] == 7_280_625
    assert after[0]["financial_year"] == "2018-19"
    # the overspend of the closed year (its outturn as the records stand) is carried forward
    assert after[0]["deficit_brought_forward_pence"] == 7_280_625
    # the block's orders (raised for 2017-18, none yet for 2018-19) are still assumed to recur,
    # for the part of the year still to come: 364/365 of £795,500 on 1 April, all of it for
    # a year ahead
    assert y18["other_committed_pence"] == 79_550_000
    assert after[0]["other_committed_pence"] == 79_332_055
    # 2017-18 as at the next day is a closed year: `funds balances --fy` shows the same overspend
    rows = run.json("funds", "balances", "--fy", "2017-18", "--as-of", "2018-04-01")
    closed = next(r for r in rows if r["code"] == "high-needs" and r["level"] == "budget")
    assert (closed["new_placements_pence"], closed["variance_pence"]) == (0, -7_280_625)


def test_a_write_off_may_not_exceed_the_deficit_standing(run, demo, db_path):
    import sqlite3

    run("funds", "deficit", "opening", "£420,000", "--fy", "2017-18", "--ref", "A")
    r = run(
        "funds",
        "deficit",
        "write-off",
        "£10,000,000",
        "--date",
        "31/03/2018",
        "--ref",
        "B",
        "--reason",
        "x",
        expect=1,
    )
    # 420,000 brought forward + 2017-18's overspend of 72,806.25
    assert "£492,806.25 available" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM high_needs_deficit").fetchone()[0] == 1
    conn.close()
    # all of it may be written off: nothing is brought forward into 2018-19
    wo = ["--date", "31/03/2018", "--ref", "B", "--reason", "met from general reserves"]
    run("funds", "deficit", "write-off", "£492,806.25", *wo)
    assert (
        run.json("funds", "deficit", "show", "--as-of", "2018-04-02")[0][
            "deficit_brought_forward_pence"
        ]
        == 0
    )
    r = run("funds", "deficit", "write-off", "£0.01", *wo, expect=1)
    assert "£0.00 available" in r.stderr


def _write_off(run, amount, day, expect=0):
    return run(
        "funds",
        "deficit",
        "write-off",
        amount,
        "--date",
        day,
        "--ref",
        "B",
        "--reason",
        "x",
        expect=expect,
    )


def _adjust(run, amount, day, expect=0):
    return run(
        "funds",
        "deficit",
        "adjust",
        "--date",
        day,
        "--ref",
        "J",
        "--reason",
        "x",
        "--",
        amount,
        expect=expect,
    )


def test_an_opening_may_not_leave_the_years_write_offs_uncovered(run, demo):
    # 2018-19 on 2 April 2018 as the records stand: 2017-18's £72,806.25 brought in, £900,000
    # added, placements £882,560.96 under budget: £90,245.29 standing
    _adjust(run, "£900,000", "01/04/2018")
    _write_off(run, "£90,000", "02/04/2018")
    r = run("funds", "deficit", "opening", "£0", "--fy", "2018-19", "--ref", "C", expect=1)
    assert "£90,000.00 written off in 2018-19 would exceed its deficit standing" in r.stderr
    assert len(run.json("funds", "deficit", "show", "--entries")) == 2
    run("funds", "deficit", "opening", "£72,806.25", "--fy", "2018-19", "--ref", "C")


def test_a_write_off_is_held_to_the_records_not_the_forecast(run, demo):
    # on 18 April 2017 2017-18 is forecast £336,118.25 over budget, but £263,312.00 of that
    # is placements not yet agreed: only the £72,806.25 on the records may be written off
    r = _write_off(run, "£336,118.25", "18/04/2017", expect=1)
    assert "£72,806.25 available" in r.stderr
    assert run.json("funds", "deficit", "show", "--entries") == []
    _write_off(run, "£72,806.25", "18/04/2017")
    for day in ("2017-04-18", "2018-03-31", "2018-04-01", "2019-03-31"):
        for y in run.json("funds", "deficit", "show", "--as-of", day):
            assert y["deficit_carried_forward_pence"] >= 0 or y["financial_year"] > "2017-18"
    y17 = run.json("funds", "deficit", "show", "--as-of", "2018-03-31")[0]
    assert y17["deficit_carried_forward_pence"] == 0


def test_an_earlier_entry_may_not_uncover_a_later_years_write_offs(run, demo):
    _adjust(run, "£900,000", "01/04/2018")
    _write_off(run, "£90,000", "02/04/2018")  # 2018-19: £90,245.29 standing
    # each of these takes 2017-18's £72,806.25 out of what 2018-19 brings in
    r = _write_off(run, "£72,806.25", "31/03/2018", expect=1)
    assert "written off in 2018-19 would exceed its deficit standing on 2018-04-02" in r.stderr
    assert "by £72,560.96" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _adjust(run, "-£50,000", "30/09/2017", expect=1)
    assert "in 2018-19 would exceed" in r.stderr
    assert len(run.json("funds", "deficit", "show", "--entries")) == 2
    _write_off(run, "£245.29", "31/03/2018")  # what 2018-19 can spare
    r = _write_off(run, "£0.01", "31/03/2018", expect=1)
    assert "2018-19 would exceed its deficit standing on 2018-04-02 by £0.01" in r.stderr
    assert len(run.json("funds", "deficit", "show", "--entries")) == 3


@pytest.mark.parametrize("year", [2017, 2018, 2019, 2020])
def test_a_year_reads_the_same_on_31_march_and_once_closed(run, demo, year):
    fy = f"{year}-{(year + 1) % 100:02d}"
    last, first = f"{year + 1}-03-31", f"{year + 1}-04-01"
    before = run.json("funds", "deficit", "show", "--as-of", last)[0]
    after = run.json("funds", "deficit", "show", "--as-of", first)[0]
    assert before["financial_year"] == fy
    assert after["deficit_brought_forward_pence"] == before["deficit_carried_forward_pence"]
    rows = {
        d: next(
            r
            for r in run.json("funds", "balances", "--fy", fy, "--as-of", d)
            if r["code"] == "high-needs" and r["level"] == "budget"
        )
        for d in (last, first)
    }
    for k in ("forecast_outturn_pence", "variance_pence", "committed_pence", "paid_pence"):
        assert rows[last][k] == rows[first][k], k


@pytest.fixture
def terminal(monkeypatch):
    def at(width: int):
        monkeypatch.setattr("sendctl.render.formats.stdout_is_terminal", lambda: True)
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("TERM", "xterm-256color")
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("COLUMNS", str(width))

    return at


def _header(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(("year", "code")))


@pytest.mark.parametrize("width", [80, 120])
def test_forecast_keeps_its_money_columns_and_wraps_its_assumptions(run, demo, terminal, width):
    terminal(width)
    text = ANSI.sub("", run("placements", "forecast", "--as-of", "2017-04-18").stdout)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    head = _header(text)
    for name in ("budget", "forecast outturn", "variance", "deficit c/f"):
        assert name in head, (name, head)
    assert "£4,161,118.25" in text and "-£336,118.25" in text
    body = text.split("Assumptions:", 1)[1]
    assert "1. as at 2017-04-18" in body and "held flat" in body


@pytest.mark.parametrize("width", [80, 120])
def test_funds_balances_fy_keeps_outturn_and_variance(run, demo, terminal, width):
    terminal(width)
    text = ANSI.sub("", run("funds", "balances", "--fy", "2017-18", "--as-of", "2017-04-18").stdout)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    head = _header(text)
    for name in ("allocation", "remaining", "forecast outturn", "variance"):
        assert name in head, (name, head)
    assert "£4,161,118.25" in text and "-£336,118.25" in text
    assert "out of county…" not in text  # the split's words go whole or not at all


def test_the_cabinet_update_reads_the_placements_once(run, demo, tmp_path, monkeypatch):
    # every month end's high needs row comes from one read of the placements, whatever the
    # number of months or of years since the first budget
    import sendctl.storage.placements as S

    calls = []
    real = S.committed_groups

    def counted(conn, as_of):
        calls.append(as_of)
        return real(conn, as_of)

    monkeypatch.setattr(S, "committed_groups", counted)
    run("report", "cabinet", "--as-of", "2019-03-31", "--output", tmp_path / "u.html")
    assert len(calls) == 1


@pytest.mark.parametrize("day", ["2016-04-01", "2017-06-30", "2018-03-31", "2019-09-30"])
def test_placements_committed_is_the_sum_of_the_placements_listed(run, demo, day):
    fy = fy_of(day)
    listed = run.json("placements", "list", "--as-of", day)
    want = sum(p["this_year_pence"] for p in listed if p["funder"] in (None, "high-needs-block"))
    rows = run.json("funds", "balances", "--fy", fy, "--as-of", day)
    year = next(r for r in rows if r["code"] == "high-needs" and r["level"] == "budget")
    assert want > 0 and year["placements_committed_pence"] == want


def test_a_year_before_the_first_budget_has_no_budget_on_any_row(run, demo, tmp_path):
    day = "2016-04-01"  # 2016-17: placements running, no budget set yet
    rows = run.json("funds", "balances", "--fy", "2016-17", "--as-of", day)
    fund = next(r for r in rows if r["code"] == "high-needs" and r["level"] == "fund")
    year = next(r for r in rows if r["code"] == "high-needs" and r["level"] == "budget")
    assert year["committed_pence"] > 0
    for k in ("allocation_pence", "remaining_pence", "pct_used"):
        assert fund[k] is None and year[k] is None, k
    for k in ("spent_pence", "committed_pence"):
        assert fund[k] == year[k], k
    assert run.json("status", "--as-of", day)["high_needs"]["remaining_pence"] is None
    assert "Traceback" not in run("funds", "balances", "--fy", "2016-17", "--as-of", day).stdout


@pytest.mark.parametrize("day", ["2017-04-18", "2018-06-30"])
def test_status_json_funds_hold_the_high_needs_fund_as_funds_balances(run, demo, day):
    status = run.json("status", "--as-of", day)
    got = next(f for f in status["funds"] if f["code"] == "high-needs")
    want = next(
        r
        for r in run.json("funds", "balances", "--as-of", day)
        if r["code"] == "high-needs" and r["level"] == "fund"
    )
    for k in ("allocation_pence", "committed_pence", "spent_pence", "remaining_pence", "pct_used"):
        assert got[k] == want[k], k
    assert got["committed"] == want["committed"]
    assert want["committed_pence"] > 79_550_000  # the placements, not only the orders
