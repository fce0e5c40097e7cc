"""`sendctl status`: the dashboard JSON on a small hand-built database (figures worked by hand)."""

import pytest

HEADER = "case_ref,forename,surname,date_of_birth,setting,setting_type,primary_need,plan_type,plan_issued_on\n"
# Every child is in Year 4 in 2016-17 (born 2007): no phase-transfer clock, no group deadline.
ROWS = [
    "S1,Amy,Test,2007-01-15,Oakham Primary,Mainstream academy,ASD,statement,2016-06-01",
    "S2,Ben,Test,2007-01-15,Oakham Primary,Mainstream academy,MLD,statement,2012-06-01",
    "S3,Cal,Test,2007-01-15,Oakham Primary,Mainstream academy,SEMH,statement,2012-06-01",
    "S4,Dee,Test,2007-01-15,Oakham Primary,Mainstream academy,SLCN,statement,2012-06-01",
    "S5,Eve,Test,2007-01-15,Oakham Primary,Mainstream academy,SPLD,statement,2012-06-01",
    "E1,Fay,Test,2007-01-15,Oakham Primary,Mainstream academy,ASD,ehcp,2016-04-01",
    "E2,Gus,Test,2007-01-15,Oakham Primary,Mainstream academy,ASD,ehcp,2016-04-25",
    "A1,Hal,Test,2007-01-15,Oakham Primary,Mainstream academy,MLD,sen_support,",
]
AS_OF = "2017-04-18"


@pytest.fixture
def small(run, tmp_path):
    run("init")
    f = tmp_path / "cases.csv"
    f.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    run("cases", "import", f, "--as-of", AS_OF)
    # S2: started 19 Dec 2016 -> due start + 18 weeks = 24 Apr 2017 (6 days left: due)
    run("transfers", "start", "S2", "--date", "2016-12-19")
    # S3: concluded with a plan on 1 Mar 2017 (inside the last 8 weeks)
    run("transfers", "start", "S3", "--date", "2016-10-03")
    run("transfers", "record", "S3", "draft-issued", "--date", "2016-12-01")
    run("transfers", "record", "S3", "final-issued", "--date", "2017-03-01")
    # S4: started 5 Sep 2016 -> due 9 Jan 2017: overdue
    run("transfers", "start", "S4", "--date", "2016-09-05")
    # S5: no plan needed, 1 Sep 2016
    run("transfers", "start", "S5", "--date", "2016-06-01")
    run("transfers", "record", "S5", "no-plan", "--date", "2016-09-01")
    # A1: request received 13 Mar 2017 -> decision due 24 Apr 2017 (due)
    run("assessments", "request", "A1", "--received", "2017-03-13")
    run(
        "panel",
        "record",
        "E1",
        "--date",
        "2017-04-06",
        "--request",
        "placement",
        "--outcome",
        "agreed",
        "--annual-cost",
        "52000",
        "--placement-type",
        "independent-special",
    )
    run(
        "panel",
        "record",
        "E2",
        "--date",
        "2017-04-06",
        "--request",
        "top-up",
        "--outcome",
        "declined",
    )
    run("spend", "post", "reserve", "1000", "--date", "2017-04-10", "--description", "EP advice")
    run(
        "spend", "post", "reserve", "250.50", "--date", "2017-04-19", "--description", "after as-of"
    )
    return run


def test_dashboard_json(small):
    d = small.json("status", "--as-of", AS_OF)
    assert set(d) == {"as_of", "transfers", "clocks", "panel", "funds", "high_needs"}
    assert d["high_needs"] is None  # no high-needs fund in this database
    assert d["as_of"] == AS_OF
    t = d["transfers"]
    assert (t["total"], t["not_started"], t["in_progress"], t["concluded"]) == (5, 1, 2, 2)
    assert (t["ehcp_issued"], t["no_plan"], t["ceased"], t["overdue"]) == (1, 1, 0, 1)
    assert t["pct_done"] == 40.0 and t["days_left"] == 347 and t["deadline_on"] == "2018-03-31"
    # 3 left over 347 days = 11.4 months -> 0.3 a month; 1 done in 56 days -> 0.5 a month
    assert t["needed_per_month"] == 0.3 and t["rate_per_month_last_8_weeks"] == 0.5
    # 3 remaining at 1 per 56 days: 168 days after 18 Apr 2017
    assert t["forecast_finish_on"] == "2017-10-03" and t["on_track"] is True
    bd = {r["month"]: r for r in t["burndown"]}
    assert bd["2016-08"]["remaining"] == 5 and bd["2016-09"]["remaining"] == 4
    assert bd["2017-04"]["remaining"] == 3 and bd["2017-05"]["remaining"] is None

    c = d["clocks"]
    assert c["within_days"] == 14
    by = {r["clock"]: (r["overdue"], r["due"]) for r in c["by_clock"]}
    assert by == {
        "transfer": (1, 1),  # S4 overdue, S2 due 24 Apr
        "assessment_decision": (0, 1),  # A1 due 24 Apr
        "assessment_no_plan": (0, 0),
        "assessment_final": (0, 0),
        "annual_review": (1, 1),  # E1 due 1 Apr (overdue), E2 due 25 Apr
        "review_decision": (0, 0),
        "phase_transfer": (0, 0),
    }
    assert (c["overdue"], c["due"]) == (2, 3)

    p = d["panel"]
    assert p["last_meeting_on"] == "2017-04-06" and p["next_meeting_on"] == "2017-04-20"
    assert p["decisions"] == 2
    assert p["agreed_annual_cost_pence"] == 5_200_000 and p["agreed_annual_cost"] == "£52,000.00"

    f = {r["code"]: r for r in d["funds"]}
    assert list(f) == ["reserve", "dfe-grant", "capital"]
    assert f["reserve"]["spent_pence"] == 100_000  # the posting after the as-of date is not counted
    assert f["reserve"]["approved_pence"] == 5_000_000
    assert (
        f["reserve"]["remaining_pence"] == 12_500_000 and f["reserve"]["remaining"] == "£125,000.00"
    )
    assert f["reserve"]["pct_used"] == 0.8
    assert f["capital"]["approved_pence"] is None and f["capital"]["pct_used"] == 0.0


def test_plain_text_off_a_terminal(small):
    out = small("status", "--as-of", AS_OF).stdout
    assert out.startswith(f"sendctl status as at {AS_OF}\n")
    assert "done 2 of 5 (40.0%): 1 EHCP, 1 no plan, 0 ceased" in out
    assert "in progress 2; not started 1; overdue 1" in out
    assert "last panel 2017-04-06: 2 decisions, £52,000.00 a year agreed" in out
    assert "next panel 2017-04-20" in out
    assert "\x1b[" not in out and "│" not in out  # no colour, no box drawing
    lines = [x for x in out.splitlines() if x.strip().startswith("Annual reviews")]
    assert lines and lines[0].split()[-2:] == ["1", "1"]


def test_empty_database_and_csv_refused(run):
    run("init", "--no-funds")
    d = run.json("status", "--as-of", AS_OF)
    assert d["transfers"]["total"] == 0 and d["clocks"]["overdue"] == 0
    assert d["panel"]["last_meeting_on"] is None and d["funds"] == []
    assert "no panel recorded yet" in run("status", "--as-of", AS_OF).stdout
    r = run("status", "--format", "csv", expect=1)
    assert "status is a dashboard" in r.stderr


def test_bad_as_of(run):
    run("init", "--no-funds")
    r = run("status", "--as-of", "31/02/2017", expect=1)
    assert "--as-of" in r.stderr
