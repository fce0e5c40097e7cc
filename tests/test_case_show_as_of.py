"""`cases show REF --as-of D`: the child as the service knew it on D (nothing dated later),
with money and flags shown as every listing shows them."""

import pytest


@pytest.fixture
def child(run):
    run("init", "--no-funds")
    run(
        "cases", "add", "R1", "--forename", "Ada", "--surname", "Example", "--dob", "15/01/2005",
        "--plan", "statement", "--plan-issued", "10/03/2013", "--as-of", "2017-01-01",
    )  # fmt: skip
    run("transfers", "start", "R1", "--date", "2017-02-01")
    run("transfers", "record", "R1", "draft-issued", "--date", "2017-03-20")
    run("transfers", "record", "R1", "final-issued", "--date", "2017-05-01")
    run(
        "panel", "record", "R1", "--date", "2017-01-05", "--request", "placement",
        "--outcome", "agreed", "--annual-cost", "8500", "--placement-type", "mainstream",
    )  # fmt: skip
    # a correction made at a later meeting, and a decision of a later meeting
    run(
        "panel", "record", "R1", "--date", "2017-05-04", "--request", "placement",
        "--outcome", "agreed", "--annual-cost", "9000", "--placement-type", "mainstream",
        "--supersedes", "1",
    )  # fmt: skip
    run(
        "panel", "record", "R1", "--date", "2017-05-04", "--request", "transport",
        "--outcome", "agreed", "--annual-cost", "1200.50", "--out-of-county",
    )  # fmt: skip
    return "R1"


def test_nothing_dated_after_the_day_is_shown(run, child):
    shown = run.json("cases", "show", child, "--as-of", "2017-04-18")
    assert [(e["event_on"], e["event"]) for e in shown["events"]] == [
        ("2017-02-01", "start"),
        ("2017-03-20", "draft-issued"),
    ]
    (decision,) = shown["panel_decisions"]
    assert decision["id"] == 1 and decision["superseded_by"] is None  # corrected only in May
    assert shown["case"]["plan_type"] == "statement"  # the EHC plan was made on 1 May
    later = run.json("cases", "show", child, "--as-of", "2017-05-04")
    assert [e["event"] for e in later["events"]][-1] == "final-issued"
    assert [(d["id"], d["superseded_by"]) for d in later["panel_decisions"]] == [
        (1, 2),
        (2, None),
        (3, None),
    ]
    assert later["case"]["plan_type"] == "ehcp"
    plain = run("cases", "show", child, "--as-of", "2017-04-18", "--format", "plain").stdout
    dated = plain[: plain.index("\nHistory")]  # the audit trail is when things were typed in
    assert "2017-05-01" not in dated and "2017-05-04" not in dated
    assert "final-issued" not in dated and "9,000" not in dated


def test_money_and_flags_as_people_read_them(run, child):
    shown = run.json("cases", "show", child, "--as-of", "2017-05-04")
    d = {r["id"]: r for r in shown["panel_decisions"]}
    assert (d[1]["annual_cost_pence"], d[1]["annual_cost"]) == (850_000, "£8,500.00")
    assert (d[3]["annual_cost_pence"], d[3]["annual_cost"]) == (120_050, "£1,200.50")
    assert d[1]["out_of_county"] is False and d[3]["out_of_county"] is True
    assert shown["case"]["out_of_county"] is False and shown["case"]["stays_sixth_form"] is False
    plain = run("cases", "show", child, "--as-of", "2017-05-04", "--format", "plain").stdout
    panel = plain[plain.index("Panel decisions") : plain.index("History")]
    assert "£8,500.00" in panel and "£1,200.50" in panel and "850000" not in panel
    rows = {line.split()[0]: line for line in panel.splitlines() if line[:3].strip().isdigit()}
    assert " yes " in rows["3"] + " " and " no " in rows["1"] + " "


def test_further_clock_events_are_listed_up_to_the_day(run, child):
    # their ids are what advice void, appeals void and appeals record complied --order take
    run("advice", "request", child, "--from", "ep", "--date", "06/02/2017")
    run("advice", "received", "1", "--date", "21/03/2017", "--exception", "missed-appointment")
    shown = run.json("cases", "show", child, "--as-of", "2017-03-20")
    assert [(e["id"], e["event"], e["detail"]) for e in shown["further_events"]] == [
        (1, "request", "ep")
    ]
    later = run.json("cases", "show", child, "--as-of", "2017-03-21")["further_events"]
    assert [(e["id"], e["kind"], e["event"], e["ref_id"], e["detail"]) for e in later] == [
        (1, "advice", "request", None, "ep"),
        (2, "advice", "received", 1, "missed-appointment"),
    ]
    plain = run("cases", "show", child, "--as-of", "2017-03-20", "--format", "plain").stdout
    assert "Further clock events" in plain and "missed-appointment" not in plain
