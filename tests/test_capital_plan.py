"""The consultation (counts and themes, no names) and the published plan (HTML and Markdown),
whose every figure is the JSON commands' figure for the same date."""

import pytest
from report_support import assert_self_contained, md_rows, one, read_report

from sendctl.domain.money import format_pence

AS_OF = "2017-09-01"


@pytest.fixture
def programme(run):
    run("init")
    for name, cost, profile, setting, day in [
        (
            "Autism resourced provision",
            "£180,000",
            "2018-19=£60,000,2019-20=£120,000",
            "Uppingham Ridge College",
            "2017-05-01",
        ),
        ("Sensory room", "£24,000", "2018-19=£24,000", "Oakham Vale Primary", "2017-05-01"),
        ("Wheelchair storage", "£20,000", "2019-20=£20,000", "Catmose Rise", "2017-05-02"),
    ]:
        run(
            "capital",
            "add",
            name,
            "--cost",
            cost,
            "--profile",
            profile,
            "--setting",
            setting,
            "--purpose",
            f"{name} purpose",
            "--date",
            day,
        )
    run("capital", "consult", "open", "--from", "2017-06-05", "--to", "2017-07-28")
    for rtype, view, project, theme, count, day in [
        ("parent", "support", "Sensory room", "sensory needs", 7, "2017-06-20"),
        ("school", "oppose", "Wheelchair storage", "transport", 1, "2017-06-21"),
        ("carer", "comment", None, "transport", 2, "2017-06-22"),
        ("young-person", "support", "Autism resourced provision", None, 3, "2017-07-28"),
    ]:
        args = [
            "capital",
            "consult",
            "record",
            "--respondent-type",
            rtype,
            "--view",
            view,
            "--count",
            count,
            "--date",
            day,
        ]
        if project:
            args += ["--project", project]
        if theme:
            args += ["--theme", theme]
        run(*args)
    run("capital", "status", "Wheelchair storage", "withdrawn", "--date", "2017-08-01")
    run(
        "capital",
        "note",
        "outcome",
        "Schools said storage could come from existing budgets.",
        "--date",
        "2017-08-02",
    )
    run(
        "capital",
        "note",
        "equality",
        "More places near home for autistic pupils.",
        "--date",
        "2017-08-02",
    )
    return run


def test_consultation_summary_counts(programme):
    rows = programme.json("capital", "consult", "summary", "--as-of", AS_OF)
    total = rows[0]
    assert (
        total["level"],
        total["responses"],
        total["support"],
        total["oppose"],
        total["comment"],
    ) == ("total", 13, 10, 1, 2)
    assert (total["parent"], total["carer"], total["school"], total["young_person"]) == (7, 2, 1, 3)
    themes = {r["name"]: r["responses"] for r in rows if r["level"] == "theme"}
    assert themes == {"sensory needs": 7, "transport": 3}
    # as at a day in the middle, only what had been recorded by then
    assert (
        programme.json("capital", "consult", "summary", "--as-of", "2017-06-20")[0]["responses"]
        == 7
    )


def test_a_response_outside_the_consultation_dates_is_refused(programme):
    before = programme.json("capital", "consult", "summary")[0]["responses"]
    r = programme(
        "capital",
        "consult",
        "record",
        "--respondent-type",
        "parent",
        "--view",
        "support",
        "--date",
        "2017-07-29",
        expect=1,
    )
    assert (
        "--date: 2017-07-29 is outside every consultation's dates (1: 2017-06-05 to 2017-07-28)"
        in r.stderr
    )
    r = programme(
        "capital",
        "consult",
        "record",
        "--respondent-type",
        "parent",
        "--view",
        "support",
        "--date",
        "2017-06-10",
        "--consultation",
        "1",
        "--project",
        "Nope",
        expect=1,
    )
    assert "--project: no capital project called 'Nope'" in r.stderr
    r = programme(
        "capital",
        "consult",
        "record",
        "--respondent-type",
        "Mrs Smith",
        "--view",
        "support",
        "--date",
        "2017-06-10",
        expect=1,
    )
    assert (
        "--respondent-type: expected one of parent, carer, school, young-person, other" in r.stderr
    )
    assert programme.json("capital", "consult", "summary")[0]["responses"] == before
    r = programme(
        "capital", "consult", "open", "--from", "2017-07-01", "--to", "2017-08-01", expect=1
    )
    assert "--from: consultation 1 already runs" in r.stderr
    r = programme(
        "capital", "consult", "open", "--from", "2017-10-01", "--to", "2017-09-01", expect=1
    )
    assert "--to: 2017-09-01 is before --from" in r.stderr


def test_plan_html_figures_equal_the_json_commands(programme, tmp_path):
    out = tmp_path / "plan.html"
    programme("capital", "plan", "--as-of", AS_OF, "--output", out)
    text = out.read_text(encoding="utf-8")
    assert_self_contained(text)
    figures, points = read_report(text)
    # every money figure is shown as its formatted value
    for key, occurrences in figures.items():
        for raw, shown in occurrences:
            if key.endswith("_pence") or ".by_year." in key:
                assert shown == format_pence(int(raw)), (key, raw, shown)
    listed = programme.json("capital", "list", "--as-of", AS_OF)
    in_plan = [p for p in listed if p["status"] != "withdrawn"]
    assert len(in_plan) == 2
    for p in in_plan:
        assert one(figures, f"projects.{p['name']}.cost_pence") == p["cost_pence"]
        assert one(figures, f"projects.{p['name']}.status") == p["status"]
    assert "projects.Wheelchair storage.cost_pence" not in figures
    assert one(figures, "withdrawn.Wheelchair storage.cost_pence") == 2_000_000
    assert one(figures, "planned_pence") == sum(p["cost_pence"] for p in in_plan)
    funds = {f["code"]: f for f in programme.json("funds", "list")}
    assert one(figures, "fund.allocation_pence") == funds["capital"]["allocation_pence"]
    assert one(figures, "unplanned_pence") == funds["capital"]["allocation_pence"] - one(
        figures, "planned_pence"
    )
    summary = programme.json("capital", "consult", "summary", "--as-of", AS_OF)
    for r in summary:
        for k in (
            "responses",
            "support",
            "oppose",
            "comment",
            "parent",
            "carer",
            "school",
            "young_person",
            "other",
        ):
            assert one(figures, f"consultation.{r['level']}.{r['name']}.{k}") == r[k]
    # the chart's bars are the year rows of the plan (profile and planned per year)
    import json

    data = json.loads(programme("capital", "plan", "--as-of", AS_OF, "--format", "json").stdout)
    bars = {(p["series"], p["key"]): int(p["value"]) for p in points}
    for y in data["years"]:
        fy = y["financial_year"]
        assert bars[("available", f"years.{fy}.profile_pence")] == y["profile_pence"]
        assert bars[("planned", f"years.{fy}.planned_pence")] == y["planned_pence"]
        assert one(figures, f"years.{fy}.planned_pence") == sum(
            p["by_year"].get(fy, 0) for p in data["projects"]
        )
    assert "Schools said storage could come from existing budgets." in text
    assert "More places near home for autistic pupils." in text


def test_plan_markdown_figures_equal_the_json_commands(programme):
    text = programme("capital", "plan", "--as-of", AS_OF, "--format", "md").stdout
    listed = {p["name"]: p for p in programme.json("capital", "list", "--as-of", AS_OF)}
    rows = md_rows(text, "The projects")
    assert [r[0] for r in rows] == ["Autism resourced provision", "Sensory room", "Total"]
    for r in rows[:-1]:
        assert r[-1] == format_pence(listed[r[0]]["cost_pence"])
    assert rows[-1][-1] == format_pence(
        sum(listed[n]["cost_pence"] for n in ("Autism resourced provision", "Sensory room"))
    )
    summary = {
        r["name"]: r for r in programme.json("capital", "consult", "summary", "--as-of", AS_OF)
    }
    for r in md_rows(text, "What people told us"):
        name = r[0].removeprefix("theme: ")
        assert int(r[1]) == summary[name]["responses"]
        assert int(r[2]) == summary[name]["support"]


def test_plan_before_any_project_is_refused(programme):
    r = programme("capital", "plan", "--as-of", "2017-04-01", expect=1)
    assert (
        "--as-of: no capital project of the capital fund was proposed on or before 2017-04-01"
        in r.stderr
    )
    assert "Traceback" not in r.stderr


def test_officers_text_cannot_put_markup_into_the_published_plan(run, tmp_path):
    run("init")
    run(
        "capital",
        "add",
        "Room <b>A</b> | B",
        "--cost",
        "£1,000",
        "--profile",
        "2018-19=£1,000",
        "--setting",
        "S & T",
        "--purpose",
        "P",
        "--date",
        "2017-05-01",
    )
    run("capital", "note", "equality", "<script>alert(1)</script>", "--date", "2017-05-02")
    out = tmp_path / "p.html"
    run("capital", "plan", "--as-of", "2017-06-01", "--output", out)
    html = out.read_text(encoding="utf-8")
    md = run("capital", "plan", "--as-of", "2017-06-01", "--format", "md").stdout
    for text in (html, md):
        assert "<script" not in text and "<b>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert_self_contained(html)
    assert "Room &lt;b&gt;A&lt;/b&gt; \\| B" in md


def test_a_correction_may_not_take_a_tally_below_zero(programme, db_path):
    import hashlib

    def rec(count, day, expect=0):
        return programme(
            "capital",
            "consult",
            "record",
            "--respondent-type",
            "parent",
            "--view",
            "support",
            "--project",
            "Sensory room",
            "--theme",
            "sensory needs",
            "--count",
            count,
            "--date",
            day,
            expect=expect,
        )

    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    r = rec(-100, "2017-06-21", expect=1)  # 7 recorded on 20 June
    assert "would take the tally of parent support responses on 'Sensory room'" in r.stderr
    assert "stands at 7" in r.stderr
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    rec(-7, "2017-06-19", expect=1)  # before the 7 were recorded the tally was 0
    rec(-2, "2017-06-21")  # a real correction: 7 -> 5
    rec(-6, "2017-06-22", expect=1)
    summary = programme.json("capital", "consult", "summary", "--as-of", "2017-07-01")
    assert all(row.get("total", 0) >= 0 for row in summary if isinstance(row, dict))
