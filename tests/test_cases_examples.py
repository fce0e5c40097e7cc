"""examples/generate.py and the demo's register."""

import csv
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from sendctl.domain.cases import age_on, check_upn, validate_case

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = date(2017, 4, 18)


def _rows():
    with open(EXAMPLES / "cases.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_generator_is_deterministic_and_file_is_current():
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "generate.py"), "--check"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_register_shape():
    rows = _rows()
    assert len(rows) == 420
    plans = Counter(r["plan_type"] for r in rows)
    assert 40 <= plans["statement"] <= 50 and 135 <= plans["ehcp"] <= 150
    assert plans["statement"] + plans["ehcp"] + plans["sen_support"] == 420
    ages = [age_on(date.fromisoformat(r["date_of_birth"]), AS_OF) for r in rows]
    assert min(ages) == 2 and max(ages) == 25
    upns = [r["upn"] for r in rows if r["upn"]]
    assert len(upns) > 0.8 * len(rows) and len(set(upns)) == len(upns)
    assert all(check_upn(u) == u and u[1:4] == "857" for u in upns)
    workers = {r["caseworker"] for r in rows if r["caseworker"]}
    assert 10 <= len(workers) <= 14
    assert all(
        r["caseworker_email"].endswith("@rutland.example") for r in rows if r["caseworker_email"]
    )
    assert len(set(r["primary_need"] for r in rows)) >= 10
    ooc = Counter(r["out_of_county"] for r in rows)
    assert ooc["Y"] > 10 and ooc["N"] > 300
    assert all(r["plan_issued_on"] for r in rows if r["plan_type"] != "sen_support")
    assert all(validate_case(r, AS_OF)[1] == [] for r in rows)


def test_demo_builds_the_register(run, tmp_path):
    db = tmp_path / "demo.db"
    db.write_bytes(b"")  # an old file is replaced (with --force)
    r = run("demo", "--db", db, "--force")
    assert "Cases: 420" in r.stdout and "cases list --plan statement" in r.stdout
    rows = run.json("--db", db, "cases", "list", "--plan", "statement")
    assert len(rows) == 45
