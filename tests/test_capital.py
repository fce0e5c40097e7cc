"""Capital projects against the capital fund (£500,000 profiled in thirds from 2018-19)."""

import sqlite3

import pytest

AUTISM = [
    "capital",
    "add",
    "Autism resourced provision",
    "--cost",
    "£180,000",
    "--profile",
    "2018-19=£60,000,2019-20=£120,000",
    "--setting",
    "Uppingham Ridge College",
    "--purpose",
    "12 places for autistic pupils",
    "--date",
    "2017-05-01",
]


@pytest.fixture
def funded(run):
    run("init")
    return run


def test_add_list_and_status_history(funded):
    run = funded
    assert run(*AUTISM).stdout.strip() == "1"
    run("capital", "status", "autism resourced provision", "consulting", "--date", "2017-06-01")
    run(
        "capital",
        "status",
        "Autism resourced provision",
        "approved",
        "--date",
        "2017-09-12",
        "--note",
        "Cabinet 12/09/2017",
    )
    rows = run.json("capital", "list", "--as-of", "2017-07-01")
    assert [(r["name"], r["status"], r["cost_pence"]) for r in rows] == [
        ("Autism resourced provision", "consulting", 18_000_000)
    ]
    assert rows[0]["profile"] == "2018-19=£60,000.00, 2019-20=£120,000.00"
    assert run.json("capital", "list", "--as-of", "2017-04-30") == []
    assert run.json("capital", "list")[0]["status"] == "approved"
    hist = run.json("capital", "history")
    assert [h["status"] for h in hist] == ["proposed", "consulting", "approved"]
    audit = run.json("audit", "--entity", "capital_status")
    assert len(audit) == 3


def test_over_the_allocation_is_refused_without_a_reason(funded, db_path):
    run = funded
    run(*AUTISM)
    big = [
        "capital",
        "add",
        "Big build",
        "--cost",
        "£400,000",
        "--profile",
        "2018-19=£100,000,2019-20=£300,000",
        "--setting",
        "X",
        "--purpose",
        "Y",
    ]
    r = run(*big, expect=1)
    assert "£580,000.00 against the allocation of £500,000.00" in r.stderr
    assert "--allow-over --reason" in r.stderr
    assert "Traceback" not in r.stderr
    r = run(*big, "--allow-over", expect=1)
    assert "--allow-over: needs --reason" in r.stderr
    r = run(*big, "--allow-over", "--reason", "Second grant expected")
    assert "over allowed (Second grant expected)" in r.stderr
    rows = run.json("capital", "list")
    assert rows[1]["over_reason"] == "Second grant expected"
    assert any(a["action"] == "add-over" for a in run.json("audit", "--entity", "capital_project"))


def test_a_year_past_the_cumulative_profile_is_refused(funded):
    run = funded
    run(*AUTISM)
    # 2018-19 profile is £166,666.67; £60,000 already planned there
    r = run(
        "capital",
        "add",
        "Early",
        "--cost",
        "£120,000",
        "--profile",
        "2018-19=£120,000",
        "--setting",
        "X",
        "--purpose",
        "Y",
        expect=1,
    )
    assert (
        "planned to 2018-19 would total £180,000.00 against the profile to 2018-19 of £166,666.67"
        in r.stderr
    )
    # slipping into a later year is fine (the profile is cumulative)
    run(
        "capital",
        "add",
        "Later",
        "--cost",
        "£120,000",
        "--profile",
        "2020-21=£120,000",
        "--setting",
        "X",
        "--purpose",
        "Y",
    )


def test_withdrawn_projects_leave_the_sums_and_must_fit_to_come_back(funded):
    run = funded
    run(*AUTISM)
    run("capital", "status", "Autism resourced provision", "withdrawn", "--date", "2017-06-01")
    run(
        "capital",
        "add",
        "Big build",
        "--cost",
        "£400,000",
        "--profile",
        "2018-19=£100,000,2019-20=£150,000,2020-21=£150,000",
        "--setting",
        "X",
        "--purpose",
        "Y",
        "--date",
        "2017-06-02",
    )
    r = run(
        "capital",
        "status",
        "Autism resourced provision",
        "approved",
        "--date",
        "2017-07-01",
        expect=1,
    )
    assert "refused" in r.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--profile", "2018-19=£100,000"],
            "--profile: the years sum to £100,000.00 but the cost is £180,000.00",
        ),
        ([], "--profile: capital is profiled by financial year"),
        (
            ["--profile", "2018-19=£180,000", "--fund", "reserve"],
            "--fund: reserve is a revenue fund",
        ),
        (["--profile", "2018-19=£180,000", "--fund", "nope"], "fund 'nope' does not exist"),
    ],
)
def test_bad_project_input(funded, args, message):
    r = funded(
        "capital",
        "add",
        "Thing",
        "--cost",
        "£180,000",
        "--setting",
        "S",
        "--purpose",
        "P",
        *args,
        expect=1,
    )
    assert message in r.stderr
    assert funded.json("capital", "list") == []


def test_status_changes_are_checked_and_append_only(funded, db_path):
    run = funded
    run(*AUTISM)
    assert (
        "already proposed"
        in run(
            "capital",
            "status",
            "Autism resourced provision",
            "proposed",
            "--date",
            "2017-06-01",
            expect=1,
        ).stderr
    )
    assert (
        "before the project was proposed"
        in run(
            "capital",
            "status",
            "Autism resourced provision",
            "approved",
            "--date",
            "2017-04-01",
            expect=1,
        ).stderr
    )
    assert (
        "expected one of proposed"
        in run("capital", "status", "Autism resourced provision", "done", expect=1).stderr
    )
    assert (
        "name: no capital project called 'Nope'"
        in run("capital", "status", "Nope", "approved", expect=1).stderr
    )
    conn = sqlite3.connect(db_path)
    for sql in (
        "UPDATE capital_status_changes SET status = 'complete'",
        "DELETE FROM capital_projects",
        "UPDATE capital_projects SET cost_pence = 1",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)


def test_spend_posted_to_a_project_counts_against_it(funded):
    run = funded
    run(*AUTISM)
    eid = run(
        "spend",
        "post",
        "capital",
        "£10,000",
        "--date",
        "2018-04-10",
        "--description",
        "Design",
        "--commit",
        "--category",
        "design-fees",
        "--project",
        "Autism resourced provision",
    ).stdout.strip()
    run("spend", "settle", eid, "--date", "2018-05-01", "--amount", "£9,000")
    run(
        "spend",
        "post",
        "capital",
        "£2,500",
        "--date",
        "2018-05-20",
        "--description",
        "Fit-out",
        "--category",
        "equipment",
        "--project",
        "Autism resourced provision",
    )
    row = run.json("capital", "list", "--as-of", "2018-06-01")[0]
    assert (row["spent_pence"], row["committed_pence"], row["remaining_pence"]) == (
        1_150_000,
        0,
        16_850_000,
    )
    row = run.json("capital", "list", "--as-of", "2018-04-30")[0]
    assert (row["spent_pence"], row["committed_pence"]) == (0, 1_000_000)
    # a reversal of a linked entry moves the project too
    last = run.json("spend", "list")[-1]["id"]
    run("spend", "reverse", last, "--reason", "Wrong project", "--date", "2018-05-21")
    assert run.json("capital", "list")[0]["spent_pence"] == 900_000
    # the project must be on the fund posted to
    r = run(
        "spend",
        "post",
        "reserve",
        "£100",
        "--date",
        "2017-05-01",
        "--description",
        "x",
        "--project",
        "Autism resourced provision",
        expect=1,
    )
    assert "project of the capital fund, not reserve" in r.stderr
    # nothing half-written: the refused posting left no entry
    assert [e["kind"] for e in run.json("spend", "list", "--fund", "reserve")] == ["approval"]
