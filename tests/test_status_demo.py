"""`sendctl demo`: the packaged data matches examples/, the build is whole or nothing, and the
demo as at 18 April 2017 looks like the service of domain.md (most statements transferred)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = (
    "cases.csv",
    "events.csv",
    "further.csv",
    "panel.csv",
    "spend.csv",
    "capital.csv",
    "placements.csv",
    "high_needs.csv",
)


@pytest.mark.parametrize("name", FILES)
def test_packaged_demo_data_is_examples(name):
    assert (ROOT / "sendctl" / "demo_data" / name).read_bytes() == (
        ROOT / "examples" / name
    ).read_bytes(), (
        f"rerun the examples/ generator: it writes examples/{name} and the packaged copy"
    )


@pytest.mark.parametrize(
    "script",
    [
        "generate_events.py",
        "generate_spend.py",
        "generate_capital.py",
        "generate_placements.py",
        "generate_further.py",
    ],
)
def test_generators_are_deterministic(script):
    r = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), "--check"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from typer.testing import CliRunner

    from sendctl.cli import app

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    r = CliRunner().invoke(
        app,
        ["demo", "--db", str(path)],
        catch_exceptions=False,
        env={"SENDCTL_OFFICER": "tester", "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    return path, r


def test_demo_output_and_suggestions(demo_db):
    path, r = demo_db
    assert "sendctl status as at 2017-04-18" in r.stdout
    tries = r.stdout.split("Try next:")[1].strip().splitlines()
    assert len(tries) == 3 and all(t.strip().startswith(f"sendctl --db {path} ") for t in tries)
    assert "Replayed events.csv" in r.stderr
    assert not list(path.parent.glob(".*building*"))


def test_demo_picture_as_at_april_2017(demo_db, run):
    path, _ = demo_db
    d = run.json("--db", path, "status", "--as-of", "2017-04-18")
    t = d["transfers"]
    assert t["remaining"] == 45  # the register's statements (domain.md: 45 in January 2017)
    assert t["concluded"] > 90 and t["pct_done"] > 60
    assert t["in_progress"] > 10 and t["not_started"] > 10 and 0 < t["overdue"] < 30
    assert {"ehcp_issued", "no_plan", "ceased"} <= {k for k in t if t[k]}
    by = {c["clock"]: c for c in d["clocks"]["by_clock"]}
    # reviews look kept up: a handful overdue, not the whole caseload
    assert 0 < by["annual_review"]["overdue"] < 20
    assert d["clocks"]["due"] > 0
    assert d["panel"]["last_meeting_on"] == "2017-04-13"
    assert [f["code"] for f in d["funds"]] == ["reserve", "dfe-grant", "capital", "high-needs"]
    # the high needs block under pressure: about £3.8 million, overspent on the placements
    h = d["high_needs"]
    assert h["budget_pence"] == 382_500_000 and 0 < -h["variance_pence"] < 0.15 * h["budget_pence"]
    later = run.json("--db", path, "funds", "balances", "--as-of", "2018-03-31")
    assert any(f["spent_pence"] > 0 for f in later)
    cases = run.json("--db", path, "cases", "list", "--plan", "statement")
    assert len(cases) == 45


def test_demo_sen2_2016(demo_db, run):
    path, _ = demo_db
    v = {
        r["figure"]: r["value"] for r in run.json("--db", path, "report", "sen2", "--year", "2016")
    }
    assert v["transfers_to_ehcp"] > 20 and v["new_plans_issued"] == 22  # Rutland 2016: 22 new plans
    assert 150 < v["caseload_total"] < 210


def test_rebuild_asks_first(demo_db, tmp_path, run):
    target = tmp_path / "old.db"
    target.write_bytes(b"keep me")
    r = run("demo", "--db", target, expect=1)
    assert "--force" in r.stderr
    assert target.read_bytes() == b"keep me"


def test_failed_build_leaves_nothing(tmp_path, run, monkeypatch):
    from sendctl.domain.errors import SendctlError
    from sendctl.services import demo as _demo

    def broken(*a, **k):
        raise SendctlError("events.csv:2: simulated failure")

    monkeypatch.setattr(_demo, "replay_events", broken)
    target = tmp_path / "demo.db"
    r = run("demo", "--db", target, expect=1)
    assert "simulated failure" in r.stderr
    assert list(tmp_path.iterdir()) == [] or all(p.name == "test.db" for p in tmp_path.iterdir())
    old = tmp_path / "old.db"
    old.write_bytes(b"old demo")
    run("demo", "--db", old, "--force", expect=1)
    assert old.read_bytes() == b"old demo"  # the old demo survives a failed rebuild
    assert not list(tmp_path.glob(".*building*"))


@pytest.mark.parametrize("width", [120, 160])
def test_the_wide_dashboard_never_cuts_the_clock_headings(demo_db, run, monkeypatch, width):
    path, _ = demo_db
    monkeypatch.setenv("COLUMNS", str(width))
    out = run("--db", path, "status", "--as-of", "2017-04-18", "--format", "table").stdout
    heading = next(line for line in out.splitlines() if "clock" in line and "overdue" in line)
    assert "due ≤14d" in heading and "…" not in heading
    assert max(len(line) for line in out.splitlines()) <= width


def test_a_register_without_statements_says_so_instead_of_100_percent(run):
    run("init")
    out = run("status", "--as-of", "2017-04-18").stdout
    assert "no statements on the register on this day" in out and "0 of 0" not in out
