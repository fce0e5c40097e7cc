"""examples/panel.csv: regenerable, and it imports cleanly over examples/cases.csv."""

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_panel_csv_is_what_the_generator_writes():
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / "generate_panel.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_examples_import_with_every_request_and_outcome(run):
    run("init", "--no-funds")
    run("cases", "import", EXAMPLES / "cases.csv", "--as-of", "2017-04-18")
    r = run("panel", "import", EXAMPLES / "panel.csv")
    assert "Imported 67 panel decision(s)" in r.stderr
    rows = run.json("panel", "summary", "--as-of", "2017-04-18")
    meetings = [x["group"] for x in rows if x["by"] == "meeting"]
    assert meetings == [
        "2017-01-05",
        "2017-01-19",
        "2017-02-02",
        "2017-02-16",
        "2017-03-02",
        "2017-03-16",
        "2017-03-30",
        "2017-04-13",
    ]
    assert all(6 <= x["decisions"] <= 10 for x in rows if x["by"] == "meeting")
    assert all(x["decisions"] > 0 for x in rows if x["by"] == "request")
    total = rows[-1]
    for outcome in ("agreed", "agreed_with_conditions", "deferred", "declined", "referred"):
        assert total[outcome] > 0
    assert total["out_of_county_agreed"] > 0
