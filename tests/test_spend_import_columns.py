"""The finance import carries what `spend post` can record: the VAT on an invoice and the
capital project a payment is for, with the same checks, all or nothing."""

import csv
import hashlib
import io

from tests.test_capital import AUTISM

SENSORY = [
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
]


def _spent(run):
    return {
        p["name"]: p["spent_pence"] for p in run.json("capital", "list", "--as-of", "2018-07-01")
    }


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
    run(*SENSORY)
    row = ["capital", "2018-06-01", "20000", "", "Fit-out", ""]
    run("spend", "import", _write(tmp_path, [(*row, "")]))
    assert _spent(run) == {"Autism resourced provision": 0, "Sensory room": 0}
    r = run("spend", "import", _write(tmp_path, [(*row, "autism resourced provision")]))
    assert "linked now to Autism resourced provision" in r.stderr
    assert "Imported 0 entries" in r.stderr  # the payment itself is not posted again
    assert _spent(run) == {"Autism resourced provision": 2_000_000, "Sensory room": 0}
    before = _digest(db_path)
    r = run("spend", "import", _write(tmp_path, [(*row, "sensory room")]), expect=1)
    assert "for the project 'Autism resourced provision', not 'Sensory room'" in r.stderr
    assert _digest(db_path) == before


def test_identical_rows_in_another_order_keep_their_links(run, tmp_path):
    # two identical payments, one for a project and one not; the next export lists them the
    # other way round: nothing is linked twice and nothing is refused
    run("init")
    run(*AUTISM)
    run(*SENSORY)
    row = ("capital", "2018-06-01", "5000", "", "Fit-out", "")
    run("spend", "import", _write(tmp_path, [(*row, "autism resourced provision"), (*row, "")]))
    r = run("spend", "import", _write(tmp_path, [(*row, ""), (*row, "autism resourced provision")]))
    assert "linked now" not in r.stderr and "2 already posted, skipped" in r.stderr
    assert _spent(run) == {"Autism resourced provision": 500_000, "Sensory room": 0}
    # the same with two projects
    row = ("capital", "2018-06-02", "700", "", "Paint", "")
    run(
        "spend",
        "import",
        _write(tmp_path, [(*row, "autism resourced provision"), (*row, "sensory room")]),
    )
    r = run(
        "spend",
        "import",
        _write(tmp_path, [(*row, "sensory room"), (*row, "autism resourced provision")]),
    )
    assert "linked now" not in r.stderr and "2 already posted, skipped" in r.stderr
    assert _spent(run) == {"Autism resourced provision": 570_000, "Sensory room": 70_000}


def test_links_are_counted_and_their_warnings_capped_the_past_cost_one_always_shown(run, tmp_path):
    run("init")
    run(
        "capital",
        "add",
        "Small",
        "--cost",
        "£1,000",
        "--profile",
        "2018-19=£1,000",
        "--setting",
        "Oakham",
        "--purpose",
        "a room",
        "--date",
        "2018-01-10",
    )
    rows = [("capital", "2018-06-01", "100", "", f"Item {i}", "") for i in range(60)]
    run("spend", "import", _write(tmp_path, [(*r, "") for r in rows]))
    f = _write(tmp_path, [(*r, "small") for r in rows])
    r = run("spend", "import", f, "--dry-run")
    assert "60 already posted (60 would be linked to their project)" in r.stderr
    r = run("spend", "import", f)
    assert "60 already posted, skipped (60 linked now to their project)" in r.stderr
    assert r.stderr.count("linked now to Small") == 50
    assert "... and 10 more warning(s)" in r.stderr
    assert "Small: spent and committed £6,000.00 is past its cost of £1,000.00" in r.stderr
    assert _spent(run) == {"Small": 600_000}


def test_a_project_withdrawn_after_its_payments_were_imported_does_not_block_the_file_again(
    run, tmp_path
):
    run("init")
    run(*AUTISM)
    f = _write(
        tmp_path,
        [("capital", "2018-06-01", "5000", "", "Fit-out", "", "autism resourced provision")],
    )
    run("spend", "import", f)
    run("capital", "status", "Autism resourced provision", "withdrawn", "--date", "2018-07-01")
    r = run("spend", "import", f)
    assert "1 already posted, skipped" in r.stderr
    # a new payment to it is still refused
    g = _write(
        tmp_path, [("capital", "2018-07-02", "10", "", "More", "", "autism resourced provision")]
    )
    r = run("spend", "import", g, expect=1)
    assert "has been withdrawn from the plan" in r.stderr
