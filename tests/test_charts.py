"""Chart series (pure functions any report can reuse) and the charts drawn from them."""

import re
from datetime import date

import pytest
from typer.testing import CliRunner

from sendctl.cli import app
from sendctl.domain.series import (
    add_months,
    clocks_due_by_week,
    fy_month_ends,
    month_range,
    spend_against_limit,
    transfer_burndown,
)

AS_OF = "2017-04-18"


def test_month_range_has_every_month():
    assert month_range("2016-11", "2017-02") == ["2016-11", "2016-12", "2017-01", "2017-02"]
    assert add_months("2017-11", 3) == "2018-02" and add_months("2018-01", -1) == "2017-12"


def test_burndown_series_straight_line_and_forecast():
    rows = [
        {"month": m, "remaining": r, "target": 0}
        for m, r in [
            ("2017-01", 10),
            ("2017-02", 8),
            ("2017-03", 7),
            ("2017-04", 6),
            ("2017-05", None),
        ]
    ]
    c = transfer_burndown(rows, 12, date(2017, 4, 18), date(2017, 6, 30), rate_per_month=2.0)
    assert c.x == ("2017-01", "2017-02", "2017-03", "2017-04", "2017-05", "2017-06", "2017-07")
    assert c.get("left").values == (10, 8, 7, 6, None, None, None)
    # 12 in the first month to 0 in the deadline's month, evenly (5 steps of 2.4)
    assert c.get("straight").values == (12.0, 9.6, 7.2, 4.8, 2.4, 0.0, None)
    # from 6 in April at 2 a month: 0 in July, past the deadline (June)
    assert c.get("forecast").values == (None, None, None, 6.0, 4.0, 2.0, 0.0)


def test_burndown_without_a_rate_has_no_forecast():
    rows = [{"month": "2017-03", "remaining": 5, "target": 0}]
    c = transfer_burndown(rows, 5, date(2017, 3, 20), date(2017, 5, 31), None)
    assert c.x == ("2017-03", "2017-04", "2017-05") and set(c.get("forecast").values) == {None}


def test_spend_series_by_financial_year_month():
    ends = fy_month_ends("2017-18")
    assert (
        ends[0] == date(2017, 4, 30)
        and ends[10] == date(2018, 2, 28)
        and ends[-1] == date(2018, 3, 31)
    )
    c = spend_against_limit("reserve", "2017-18", [100, 250] + [None] * 10, 5000, "approval")
    assert c.x[0] == "2017-04" and c.x[-1] == "2018-03" and c.get("limit").values == (5000,) * 12


def test_clocks_due_by_week_counts_each_week_and_overdue():
    as_of = date(2017, 4, 18)
    rows = [
        {"due_on": d, "status": s}
        for d, s in [
            ("2017-04-01", "overdue"),
            ("2017-04-18", "due"),
            ("2017-04-24", "due"),
            ("2017-04-25", "due"),
            ("2017-06-12", "upcoming"),
            ("2017-06-13", "upcoming"),
            ("2017-03-01", "guidance"),
        ]
    ]
    c = clocks_due_by_week(rows, as_of, weeks=8)
    assert c.x[0] == "2017-04-18" and c.x[1] == "2017-04-25" and len(c.x) == 8
    assert c.get("due").values == (2, 1, 0, 0, 0, 0, 0, 1)  # 13 June is day 56: past 8 weeks
    assert c.get("overdue").values[0] == 1


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("charts") / "demo.db"
    r = CliRunner().invoke(
        app,
        ["demo", "--db", str(path)],
        catch_exceptions=False,
        env={"SENDCTL_OFFICER": "tester", "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    return path


def test_burndown_chart_legend_matches_its_marks(demo, monkeypatch, run):
    monkeypatch.setenv("SENDCTL_DB", str(demo))
    s = run.json("transfers", "status", "--as-of", AS_OF)
    out = run("transfers", "status", "--as-of", AS_OF).stdout
    chart = out[out.index("Statements left, by month") :]
    lines = chart.strip().splitlines()
    at = next(i for i, x in enumerate(lines) if x.strip().startswith("2014-09"))  # the month axis
    legend, grid, years = " ".join(lines[at + 1 :]), "\n".join(lines[1 : at - 1]), lines[at]
    for mark, words in (
        ("o", "statements left"),
        (".", "straight line to zero by 2018-03-31"),
        ("x", f"forecast at {s['rate_per_month_last_8_weeks']:g} a month"),
    ):
        assert f"{mark} {words}" in legend
        assert mark in grid.replace("2014-09", "")
    # evenly spaced months: the Januaries equally far apart
    starts = [m.start() for m in re.finditer(r"\b20\d\d\b(?!-)", years)]
    assert len(starts) >= 3 and len({b - a for a, b in zip(starts, starts[1:], strict=False)}) == 1


def test_burndown_chart_in_colour_on_a_terminal(demo, monkeypatch):
    monkeypatch.setenv("SENDCTL_DB", str(demo))
    monkeypatch.setattr("sendctl.render.formats.stdout_is_terminal", lambda: True)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    out = CliRunner().invoke(app, ["transfers", "status", "--as-of", AS_OF]).stdout
    assert "●" in out and "×" in out and "·" in out and "\x1b[" in out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert all(len(line) <= 80 for line in plain.splitlines()[-16:])


def test_spend_and_weekly_charts(demo, monkeypatch, run):
    monkeypatch.setenv("SENDCTL_DB", str(demo))
    out = run("funds", "balances", "--as-of", "2017-09-30", "--chart").stdout
    assert "dfe-grant: spent in 2017-18 against its allocation" in out
    assert "reserve: spent in 2017-18 against its approval" in out and "| limit £50,000.00" in out
    line = next(x for x in out.splitlines() if x.startswith("2017-09") and "£22,850.00" in x)
    assert "#" in line and "|" in line
    weekly = run("deadlines", "--as-of", AS_OF, "--chart").stdout
    assert "Clocks falling due each week from 2017-04-18" in weekly
    assert sum(1 for x in weekly.splitlines() if x.startswith("w/c ")) == 8
    assert (
        run("deadlines", "--as-of", AS_OF, "--chart", "--format", "json")
        .stdout.lstrip()
        .startswith("[")
    )
