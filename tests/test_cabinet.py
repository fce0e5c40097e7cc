"""`report cabinet` and the published reports on the demo: every figure equals the JSON command's
figure for the same date, the charts' points are the JSON series, and no child is identifiable."""

import csv
import json
import re
from pathlib import Path

import pytest
from report_support import assert_self_contained, md_rows, one, read_report

from sendctl.domain.money import format_pence

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2018-03-31"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from typer.testing import CliRunner

    from sendctl.cli import app

    path = tmp_path_factory.mktemp("cabinet") / "demo.db"
    runner = CliRunner()
    env = {"SENDCTL_OFFICER": "tester", "NO_COLOR": "1", "COLUMNS": "120", "SENDCTL_DB": str(path)}
    r = runner.invoke(app, ["demo", "--db", str(path)], catch_exceptions=False, env=env)
    assert r.exit_code == 0, r.stdout + r.stderr

    def cli(*args, expect=0):
        res = runner.invoke(
            app, ["--db", str(path), *map(str, args)], catch_exceptions=False, env=env
        )
        assert res.exit_code == expect, res.stdout + res.stderr
        return res

    def as_json(*args):
        return json.loads(cli(*args, "--format", "json").stdout)

    cli.json = as_json
    out = path.parent / "update.html"
    cli("report", "cabinet", "--as-of", AS_OF, "--output", out)
    text = out.read_text(encoding="utf-8")
    figures, points = read_report(text)
    return cli, text, figures, points


def _point(points, key, series=None):
    found = [p for p in points if p["key"] == key and (series is None or p["series"] == series)]
    assert len(found) == 1, (key, found)
    v = found[0]["value"]
    return int(v) if re.fullmatch(r"-?\d+", v) else float(v)


def test_report_is_self_contained_and_every_money_figure_is_formatted(demo):
    _, text, figures, _ = demo
    assert_self_contained(text)
    assert '<meta name="viewport"' in text and "@page" in text and "@media print" in text
    for key, occurrences in figures.items():
        for raw, shown in occurrences:
            if key.endswith("_pence") and raw != "":
                assert shown == format_pence(int(raw)), (key, raw, shown)
    for section in (
        "Transferring statements",
        "Statutory timescales",
        "High Needs Panel",
        "SEND funds",
        "SEND capital plan",
        "needs picture",
    ):
        assert section in text
    assert text.count("How counted:") == 6
    assert text.count("As at 31 March 2018") == 6


def test_transfers_and_burndown_equal_transfers_status(demo):
    cli, _, figures, points = demo
    t = cli.json("transfers", "status", "--as-of", AS_OF)
    for k in (
        "total",
        "concluded",
        "remaining",
        "ehcp_issued",
        "no_plan",
        "ceased",
        "in_progress",
        "not_started",
        "overdue",
    ):
        assert one(figures, f"transfers.{k}") == t[k], k
    assert float(one(figures, "transfers.pct_done")) == t["pct_done"]
    assert (
        float(one(figures, "transfers.rate_per_month_last_8_weeks"))
        == t["rate_per_month_last_8_weeks"]
    )
    for b in t["burndown"]:
        assert _point(points, f"transfers.burndown.{b['month']}.target") == b["target"]
        if b["remaining"] is not None:
            assert _point(points, f"transfers.burndown.{b['month']}.remaining") == b["remaining"]
    forecast = [p for p in points if p["key"].startswith("transfers.forecast.")]
    if t["forecast_finish_on"] and t["remaining"]:
        assert [(p["key"], int(p["value"])) for p in forecast] == [
            (f"transfers.forecast.{AS_OF[:7]}", t["remaining"]),
            (f"transfers.forecast.{t['forecast_finish_on'][:7]}", 0),
        ]
    else:
        assert forecast == []


def test_clocks_equal_the_deadlines_listing(demo):
    cli, _, figures, points = demo
    rows = cli.json("deadlines", "--all", "--within", "14", "--as-of", AS_OF)
    counts: dict = {}
    for r in rows:
        c = counts.setdefault(r["clock"], {"overdue": 0, "due": 0, "upcoming": 0, "guidance": 0})
        c[r["status"]] += 1
    assert rows, "the demo has running clocks on 31 March 2018"
    for c in counts.values():
        c.pop("guidance")  # reminders where the law sets no duty: not running statutory clocks
    for clock, c in counts.items():
        assert one(figures, f"clocks.{clock}.overdue") == c["overdue"]
        assert one(figures, f"clocks.{clock}.due") == c["due"]
        assert one(figures, f"clocks.{clock}.on_time") == c["due"] + c["upcoming"]
        assert one(figures, f"clocks.{clock}.running") == sum(c.values())
        assert _point(points, f"clocks.{clock}.overdue") == c["overdue"]
    assert one(figures, "clocks.total.running") == sum(sum(c.values()) for c in counts.values())
    assert one(figures, "clocks.total.overdue") == sum(c["overdue"] for c in counts.values())


def test_panel_equals_panel_summary(demo):
    cli, _, figures, points = demo
    rows = cli.json("panel", "summary", "--as-of", AS_OF)
    for r in rows:
        if r["by"] == "request":
            continue
        key = f"panel.{r['by']}.{r['group']}"
        for k in (
            "decisions",
            "agreed",
            "agreed_with_conditions",
            "deferred",
            "declined",
            "referred",
            "agreed_annual_cost_pence",
            "out_of_county_agreed",
            "out_of_county_cost_pence",
        ):
            assert one(figures, f"{key}.{k}") == r[k], (key, k)
        if r["by"] == "meeting":
            assert (
                _point(points, f"{key}.agreed_annual_cost_pence") == r["agreed_annual_cost_pence"]
            )
    total = rows[-1]
    assert one(figures, "panel.total.placements_agreed") == total["placements_agreed"]
    assert one(figures, "panel.meetings") == sum(1 for r in rows if r["by"] == "meeting")


def test_funds_by_month_equal_funds_balances_at_each_month_end(demo):
    cli, _, figures, points = demo
    now = {
        r["code"]: r
        for r in cli.json("funds", "balances", "--as-of", AS_OF)
        if r["level"] == "fund"
    }
    # the high needs block is shown for the year of the day, as `funds balances --fy` has it
    now["high-needs"] = next(
        r
        for r in cli.json("funds", "balances", "--fy", "2017-18", "--as-of", AS_OF)
        if r["level"] == "fund" and r["code"] == "high-needs"
    )
    for code, r in now.items():
        for k in (
            "allocation_pence",
            "approved_pence",
            "spent_pence",
            "committed_pence",
            "remaining_pence",
        ):
            raw = one(figures, f"funds.{code}.{k}")
            assert (None if raw == "" else raw) == r[k], (code, k)
    month_ends = sorted({p["key"].split(".")[2] for p in points if p["key"].startswith("funds.")})
    assert month_ends[0] == "2017-04-30" and month_ends[-1] == AS_OF and len(month_ends) == 12
    for m in month_ends:
        bal = {
            r["code"]: r
            for r in cli.json("funds", "balances", "--as-of", m)
            if r["level"] == "fund"
        }
        for code in ("reserve", "dfe-grant"):
            assert _point(points, f"funds.{code}.{m}.spent_pence") == bal[code]["spent_pence"]
            assert _point(points, f"funds.{code}.{m}.spent_committed_pence") == (
                bal[code]["spent_pence"] + bal[code]["committed_pence"]
            )
            limit = (
                bal[code]["approved_pence"]
                if bal[code]["approved_pence"] is not None
                else bal[code]["allocation_pence"]
            )
            assert _point(points, f"funds.{code}.{m}.limit_pence") == limit


def test_capital_section_equals_the_capital_commands(demo):
    cli, _, figures, points = demo
    listed = [
        p for p in cli.json("capital", "list", "--as-of", AS_OF) if p["status"] != "withdrawn"
    ]
    assert len(listed) == 4
    for p in listed:
        assert one(figures, f"capital.projects.{p['name']}.cost_pence") == p["cost_pence"]
        assert one(figures, f"capital.projects.{p['name']}.status") == p["status"]
    plan = json.loads(cli("capital", "plan", "--as-of", AS_OF, "--format", "json").stdout)
    assert one(figures, "capital.planned_pence") == plan["planned_pence"] == 46_600_000
    assert one(figures, "capital.unplanned_pence") == plan["unplanned_pence"]
    for y in plan["years"]:
        assert (
            _point(points, f"capital.years.{y['financial_year']}.planned_pence")
            == y["planned_pence"]
        )
    summary = cli.json("capital", "consult", "summary", "--as-of", AS_OF)
    assert one(figures, "capital.consultation.responses") == summary[0]["responses"] == 70


def test_needs_section_equals_report_needs(demo):
    cli, _, figures, points = demo
    rows = cli.json("report", "needs", "--as-of", AS_OF)
    for r in rows:
        if r["by"] == "all":
            assert _point(points, f"needs.all.{r['on']}") == r["children"]
            continue
        raw, shown = figures[f"needs.{r['by']}.{r['group']}.{r['on']}"][0]
        assert shown == r["shown"]
        assert raw == ("" if r["children"] is None else str(r["children"]))
    assert {s for r in rows for s in [r["shown"]] if not s.isdigit()} <= {"<5", "c"}
    assert any(r["shown"] == "<5" for r in rows), "the demo has small groups to hide"


def _people():
    with open(ROOT / "examples" / "cases.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _scan(text: str, what: str) -> list[str]:
    words = set(re.findall(r"[A-Za-zÀ-ÿ'’-]+", text))
    found = []
    for p in _people():
        for field in ("forename", "surname"):
            if p[field] in words:
                found.append(f"{what}: {field} {p[field]!r}")
        if p["upn"] and p["upn"] in text:
            found.append(f"{what}: a UPN")
        y, m, d = p["date_of_birth"].split("-")
        for form in (p["date_of_birth"], f"{d}/{m}/{y}"):
            if form in text:
                found.append(f"{what}: a date of birth {form}")
    return found


def test_no_personal_data_in_any_published_report(demo, tmp_path):
    cli, text, _, _ = demo
    plan_html = tmp_path / "plan.html"
    cli("capital", "plan", "--as-of", AS_OF, "--output", plan_html)
    reports = {
        "cabinet": text,
        "plan.html": plan_html.read_text(encoding="utf-8"),
        "plan.md": cli("capital", "plan", "--as-of", AS_OF, "--format", "md").stdout,
        "needs.csv": cli("report", "needs", "--as-of", AS_OF, "--format", "csv").stdout,
    }
    found = [f for what, body in reports.items() for f in _scan(body, what)]
    assert found == []


def test_plan_markdown_on_the_demo_equals_capital_list(demo):
    cli, *_ = demo
    text = cli("capital", "plan", "--as-of", AS_OF, "--format", "md").stdout
    listed = {p["name"]: p for p in cli.json("capital", "list", "--as-of", AS_OF)}
    for r in md_rows(text, "The projects")[:-1]:
        assert r[-1] == format_pence(listed[r[0]]["cost_pence"])
        assert listed[r[0]]["status"] != "withdrawn"


def test_a_report_date_before_the_records_is_refused(demo):
    cli, *_ = demo
    r = cli("report", "cabinet", "--as-of", "2001-01-01", expect=1)
    assert "--as-of: 2001-01-01 is before the records begin" in r.stderr
    r = cli("report", "needs", "--as-of", "2001-01-01", expect=1)
    assert "--as-of: nobody held a statement or an EHC plan on 2001-01-01" in r.stderr


@pytest.mark.parametrize("day", ["2014-09-01", "2016-12-01", "2017-03-31"])
def test_a_report_before_the_first_high_needs_budget_year_is_written(demo, tmp_path, day):
    # no budget for the year: the block's "used" is no figure, shown as a dash
    cli, *_ = demo
    out = tmp_path / f"update-{day}.html"
    cli("report", "cabinet", "--as-of", day, "--output", out)
    text = out.read_text(encoding="utf-8")
    assert "<h2>4. The SEND funds</h2>" in text and "None%" not in text


def test_a_profiled_fund_is_charted_against_its_profile_to_date(run, tmp_path):
    run("init")
    run(
        "cases",
        "add",
        "P-1",
        "--forename",
        "A",
        "--surname",
        "B",
        "--dob",
        "2010-01-01",
        "--plan",
        "ehcp",
        "--plan-issued",
        "2016-01-10",
        "--as-of",
        "2017-04-18",
    )
    run(
        "spend",
        "post",
        "capital",
        "£10,000",
        "--date",
        "2018-05-10",
        "--description",
        "Design",
        "--category",
        "design-fees",
    )
    out = tmp_path / "update.html"
    run("report", "cabinet", "--as-of", "2019-05-31", "--output", out)
    _, points = read_report(out.read_text(encoding="utf-8"))

    def year_profile(fy):
        rows = run.json("funds", "balances", "--fy", fy, "--as-of", "2019-05-31")
        return next(r for r in rows if r["code"] == "capital" and r["level"] == "fund")[
            "allocation_pence"
        ]

    first, second = year_profile("2018-19"), year_profile("2019-20")
    assert 0 < first < 50_000_000 and 0 < second
    assert _point(points, "funds.capital.2018-05-31.limit_pence") == first
    assert _point(points, "funds.capital.2019-03-31.limit_pence") == first
    assert _point(points, "funds.capital.2019-04-30.limit_pence") == first + second
