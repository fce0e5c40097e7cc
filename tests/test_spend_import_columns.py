"""The finance import carries what `spend post` can record: the VAT on an invoice and the
capital project a payment is for, with the same checks, all or nothing."""

import csv
import hashlib
import io

from tests.test_capital import AUTISM


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(tmp_path, rows):
    f = tmp_path / "spend.csv"
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "Fund",
            "Posted on",
            "Net amount",
            "VAT amount",
            "Description",
            "Category",
            "Capital project",
        ]
    )
    w.writerows(rows)
    f.write_text(out.getvalue(), encoding="utf-8")
    return f


def test_vat_and_project_columns_post_and_link(run, tmp_path):
    run("init")
    run(*AUTISM)
    f = _write(
        tmp_path,
        [
            (
                "capital",
                "2018-05-20",
                "£2,500.00",
                "£500.00",
                "Fit-out",
                "equipment",
                "autism resourced provision",
            ),
            ("reserve", "2017-05-10", "1250", "", "EP assessment", "ep-assessment", ""),
        ],
    )
    r = run("spend", "import", f)
    assert "Imported 2 entries (£3,750.00)" in r.stderr
    rows = list(csv.DictReader(io.StringIO(run("spend", "export").stdout)))
    fit = next(x for x in rows if x["description"] == "Fit-out")
    assert (fit["net_amount"], fit["vat"], fit["gross"]) == ("2500.00", "500.00", "3000.00")
    ep = next(x for x in rows if x["description"] == "EP assessment")
    assert ep["vat"] == ""
    project = run.json("capital", "list", "--as-of", "2018-06-01")[0]
    assert project["spent_pence"] == 250_000
    # a second import of the same file posts nothing and links nothing twice
    run("spend", "import", f)
    assert run.json("capital", "list", "--as-of", "2018-06-01")[0]["spent_pence"] == 250_000


def test_a_bad_project_or_vat_refuses_the_whole_file(run, tmp_path, db_path):
    run("init")
    run(*AUTISM)
    before = _digest(db_path)
    f = _write(
        tmp_path,
        [
            ("reserve", "2017-05-10", "1250", "", "EP assessment", "ep-assessment", ""),
            (
                "reserve",
                "2017-05-11",
                "100",
                "",
                "x",
                "ep-assessment",
                "Autism resourced provision",
            ),
            ("capital", "2018-05-20", "100", "", "y", "equipment", "No such project"),
            ("reserve", "2017-05-12", "100", "£150", "z", "ep-assessment", ""),
        ],
    )
    r = run("spend", "import", f, expect=1)
    assert f"{f}:3: Capital project:" in r.stderr
    assert "project of the capital fund, not reserve" in r.stderr
    assert f"{f}:4: Capital project:" in r.stderr and "no capital project" in r.stderr
    assert f"{f}:5: VAT amount:" in r.stderr and "net of VAT" in r.stderr
    assert "Traceback" not in r.stderr
    assert _digest(db_path) == before


def test_a_project_taken_past_its_cost_is_warned_by_post_and_by_import(run, tmp_path):
    run("init")
    run(*AUTISM)  # cost £180,000
    r = run(
        "spend",
        "post",
        "capital",
        "170000",
        "--date",
        "2018-05-20",
        "--description",
        "Build",
        "--project",
        "autism resourced provision",
    )
    assert "past its cost" not in r.stderr
    f = _write(
        tmp_path,
        [("capital", "2018-06-01", "20000", "", "Fit-out", "", "autism resourced provision")],
    )
    r = run("spend", "import", f)
    assert (
        "Autism resourced provision: spent and committed £190,000.00 is past its cost of "
        "£180,000.00" in r.stderr
    )
    assert "Imported 1 entry" in r.stderr  # a warning, not a refusal
    r = run(
        "spend",
        "post",
        "capital",
        "5000",
        "--date",
        "2018-06-02",
        "--description",
        "More",
        "--project",
        "autism resourced provision",
    )
    assert "spent and committed £195,000.00 is past its cost of £180,000.00" in r.stderr


def test_a_file_that_gains_its_project_column_links_what_it_posted_before(run, tmp_path, db_path):
    run("init")
    run(*AUTISM)
    run(
        "capital",
        "add",
        "Sensory room",
        "--cost",
        "£20,000",
        "--profile",
        "2018-19=£20,000",
        "--setting",
        "Oakham",
        "--purpose",
        "a room",
        "--date",
        "2018-01-10",
    )
    row = ["capital", "2018-06-01", "20000", "", "Fit-out", ""]
    run("spend", "import", _write(tmp_path, [(*row, "")]))
    spent = lambda: {  # noqa: E731
        p["name"]: p["spent_pence"] for p in run.json("capital", "list", "--as-of", "2018-07-01")
    }
    assert spent() == {"Autism resourced provision": 0, "Sensory room": 0}
    r = run("spend", "import", _write(tmp_path, [(*row, "autism resourced provision")]))
    assert "linked now to Autism resourced provision" in r.stderr
    assert "Imported 0 entries" in r.stderr  # the payment itself is not posted again
    assert spent() == {"Autism resourced provision": 2_000_000, "Sensory room": 0}
    before = _digest(db_path)
    r = run("spend", "import", _write(tmp_path, [(*row, "sensory room")]), expect=1)
    assert "for the project 'Autism resourced provision', not 'Sensory room'" in r.stderr
    assert _digest(db_path) == before
