"""funds and spend through the real CLI: guards, exact pence, export, import, audit."""

import csv
import io
import os
import stat

import pytest


@pytest.fixture
def seeded(run):
    run("init")
    return run


def _count(run, *args):
    return len(run.json("spend", "list", *args))


def _audit_count(db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    finally:
        conn.close()


def test_init_seeds_funds_once(run):
    run("init")
    run("init")
    funds = run.json("funds", "list")
    assert [(f["code"], f["kind"], f["allocation_pence"]) for f in funds] == [
        ("reserve", "revenue", 12_600_000),
        ("dfe-grant", "revenue", 4_500_000),
        ("capital", "capital", 50_000_000),
    ]
    entries = run.json("spend", "list")
    assert [(e["kind"], e["amount_pence"], e["invoice_ref"], e["posted_on"]) for e in entries] == [
        ("approval", 5_000_000, "FP/030317/04", "2017-04-18")
    ]


def test_init_no_funds(run):
    run("init", "--no-funds")
    assert run.json("funds", "list") == []


def test_balances_fields_and_approved_null(seeded):
    rows = seeded.json("funds", "balances", "--as-of", "2017-04-18")
    funds = {r["code"]: r for r in rows if r["level"] == "fund"}
    for key in (
        "code",
        "name",
        "kind",
        "allocation_pence",
        "approved_pence",
        "committed_pence",
        "spent_pence",
        "remaining_pence",
    ):
        assert key in funds["reserve"]
    assert funds["reserve"]["approved_pence"] == 5_000_000
    assert funds["dfe-grant"]["approved_pence"] is None
    total = next(r for r in rows if r["level"] == "total")
    assert total["allocation_pence"] == 67_100_000
    years = [r for r in rows if r["level"] == "year"]
    assert [y["financial_year"] for y in years] == ["2018-19", "2019-20", "2020-21"]
    plain = seeded("funds", "balances", "--as-of", "2017-04-18").stdout
    assert "total" in plain and "£671,000.00" in plain


def test_exact_pence_through_post_list_export(seeded, tmp_path):
    seeded(
        "spend",
        "post",
        "dfe-grant",
        "£1,234.56",
        "--date",
        "31/03/2018",
        "--description",
        "EP assessment",
        "--category",
        "ep-assessment",
    )
    seeded("spend", "post", "dfe-grant", "0.01", "--date", "2018-04-01", "--description", "Penny")
    entries = seeded.json("spend", "list", "--fund", "dfe-grant")
    assert [
        (e["amount_pence"], e["amount"], e["financial_year"], e["period"]) for e in entries
    ] == [(123_456, "£1,234.56", "2017-18", 12), (1, "£0.01", "2018-19", 1)]
    out = tmp_path / "export.csv"
    seeded("spend", "export", "--output", out)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["date"], r["net_amount"], r["financial_year"], r["period"]) for r in rows] == [
        ("31/03/2018", "1234.56", "2017-18", "12"),
        ("01/04/2018", "0.01", "2018-19", "1"),
    ]
    assert list(rows[0]) == [
        "transaction_id",
        "date",
        "financial_year",
        "period",
        "fund",
        "cost_centre",
        "account_code",
        "description",
        "supplier",
        "invoice_ref",
        "net_amount",
        "kind",
        "officer",
        "settles_id",
        "reverses_id",
        "vat",
        "gross",
    ]
    b = {r["code"]: r for r in seeded.json("funds", "balances", "--as-of", "2018-04-01")}[
        "dfe-grant"
    ]
    assert b["spent_pence"] == 123_457 and b["remaining_pence"] == 4_500_000 - 123_457
    # --fy / --period filters
    assert (
        len(
            list(
                csv.DictReader(
                    io.StringIO(
                        seeded("spend", "export", "--fy", "2017-18", "--period", "12").stdout
                    )
                )
            )
        )
        == 1
    )


def test_export_neutralises_formulas_and_redacts_individuals(seeded):
    seeded(
        "spend",
        "post",
        "reserve",
        "100",
        "--date",
        "2017-05-01",
        "--description",
        '=HYPERLINK("x")',
        "--supplier",
        "@evil",
        "--invoice",
        "+1+1",
        "--cost-centre",
        "-2+3",
    )
    seeded(
        "spend",
        "post",
        "reserve",
        "45.50",
        "--date",
        "2017-05-02",
        "--description",
        "Parent mileage",
        "--supplier",
        "Jane Example",
        "--individual",
    )
    eid = seeded.json("spend", "list")[-1]["id"]
    seeded("spend", "reverse", eid, "--reason", "duplicate", "--date", "2017-05-03")
    text = seeded("spend", "export").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    # a leading space: no spreadsheet reads it as a formula, and no apostrophe shows in the cell
    assert rows[0]["description"] == ' =HYPERLINK("x")'
    assert rows[0]["supplier"] == " @evil"
    assert rows[0]["invoice_ref"] == " +1+1"
    assert rows[0]["cost_centre"] == " -2+3"
    assert rows[1]["supplier"] == "REDACTED PERSONAL DATA"
    assert rows[2]["supplier"] == "REDACTED PERSONAL DATA"
    assert rows[2]["net_amount"] == "-45.50"  # a negative amount is a number, not a formula
    assert "Jane" not in text
    assert "approval" not in {r["kind"] for r in rows}


def test_refused_posting_names_figures_and_writes_nothing(seeded, db_path):
    seeded(
        "spend", "post", "reserve", "49,000", "--date", "2017-05-01", "--description", "Assessments"
    )
    n, a = _count(seeded), _audit_count(db_path)
    r = seeded(
        "spend",
        "post",
        "reserve",
        "1,000.01",
        "--date",
        "2017-05-02",
        "--description",
        "More",
        expect=1,
    )
    assert "£1,000.00 left of the £50,000.00 approved" in r.stderr
    assert "asked £1,000.01" in r.stderr
    assert r.stdout == ""
    r = seeded(
        "spend",
        "post",
        "dfe-grant",
        "45,000.01",
        "--date",
        "2017-05-02",
        "--description",
        "All",
        expect=1,
    )
    assert "£45,000.00 left of the £45,000.00 allocation" in r.stderr
    seeded(
        "spend",
        "post",
        "reserve",
        "10",
        "--date",
        "2017-05-02",
        "--description",
        "x",
        "--allow-overspend",
        expect=1,
    )
    seeded(
        "spend",
        "post",
        "capital",
        "10",
        "--date",
        "2018-05-02",
        "--description",
        "x",
        "--category",
        "staffing",
        expect=1,
    )
    seeded("spend", "post", "nosuch", "10", "--date", "2018-05-02", "--description", "x", expect=1)
    seeded(
        "spend", "post", "reserve", "10.001", "--date", "2018-05-02", "--description", "x", expect=1
    )
    seeded(
        "spend", "post", "reserve", "£-10", "--date", "2018-05-02", "--description", "x", expect=1
    )
    assert (_count(seeded), _audit_count(db_path)) == (n, a)
    # the override is posted and audited with its reason
    seeded(
        "spend",
        "post",
        "reserve",
        "1,000.01",
        "--date",
        "2017-05-02",
        "--description",
        "More",
        "--allow-overspend",
        "--reason",
        "Cabinet 2 Jan",
    )
    last = seeded.json("spend", "list")[-1]
    assert last["reason"] == "Cabinet 2 Jan"
    audit = seeded("audit", "--format", "json").stdout
    assert "post-overspend" in audit and "Cabinet 2 Jan" in audit


def test_capital_profile_overrun_is_a_warning(seeded):
    r = seeded(
        "spend",
        "post",
        "capital",
        "170,000",
        "--date",
        "2018-06-01",
        "--description",
        "Unit",
        "--category",
        "building",
        "--commit",
    )
    assert "beyond the cumulative profile of £166,666.67 to 2018-19" in r.stderr
    r = seeded(
        "spend",
        "post",
        "capital",
        "1",
        "--date",
        "2019-06-01",
        "--description",
        "Unit 2",
        "--category",
        "equipment",
    )
    assert "Warning" not in r.stderr


def test_settle_release_and_reverse_rules(seeded):
    cid = int(
        seeded(
            "spend",
            "post",
            "dfe-grant",
            "5,000",
            "--date",
            "2017-06-01",
            "--description",
            "Case management system configuration",
            "--commit",
        ).stdout
    )

    def bal():
        return {r["code"]: r for r in seeded.json("funds", "balances", "--as-of", "2018-03-31")}[
            "dfe-grant"
        ]

    assert (bal()["committed_pence"], bal()["spent_pence"]) == (500_000, 0)
    r = seeded("spend", "settle", cid, "--date", "2017-07-01", "--amount", "4,800")
    assert "£200.00 of the commitment released" in r.stderr
    sid = int(r.stdout)
    assert (bal()["committed_pence"], bal()["spent_pence"], bal()["remaining_pence"]) == (
        0,
        480_000,
        4_020_000,
    )
    seeded("spend", "settle", cid, "--date", "2017-07-02", expect=1)  # already settled
    seeded(
        "spend", "reverse", cid, "--reason", "x", expect=1
    )  # settled: reverse the settlement first
    rid = int(
        seeded("spend", "reverse", sid, "--reason", "wrong invoice", "--date", "2017-07-03").stdout
    )
    assert (bal()["committed_pence"], bal()["spent_pence"]) == (500_000, 0)
    r = seeded("spend", "reverse", rid, "--reason", "x", expect=1)
    assert "cannot be reversed" in r.stderr
    r = seeded("spend", "reverse", sid, "--reason", "x", expect=1)
    assert "already been reversed" in r.stderr
    seeded("spend", "settle", cid, "--date", "2017-07-04")
    assert (bal()["committed_pence"], bal()["spent_pence"]) == (0, 500_000)
    seeded("spend", "settle", 9999, "--date", "2017-07-04", expect=1)
    entries = seeded.json("spend", "list", "--fund", "dfe-grant")
    assert [e["kind"] for e in entries] == ["commitment", "settlement", "reversal", "settlement"]
    assert entries[2]["reverses_id"] == sid


def test_funds_add_and_approve(seeded):
    seeded(
        "funds",
        "add",
        "hn-cap",
        "--name",
        "High needs capital",
        "--kind",
        "capital",
        "--allocation",
        "£90,000",
        "--profile",
        "2018-19=£45,000,2019-20=£45,000",
    )
    r = seeded(
        "funds",
        "add",
        "bad",
        "--name",
        "B",
        "--kind",
        "capital",
        "--allocation",
        "£90,000",
        "--profile",
        "2018-19=£45,000",
        expect=1,
    )
    assert "sum to £45,000.00 but the allocation is £90,000.00" in r.stderr
    seeded(
        "funds",
        "add",
        "hn-cap",
        "--name",
        "Again",
        "--kind",
        "capital",
        "--allocation",
        "1",
        expect=1,
    )
    seeded(
        "funds",
        "add",
        "Bad Code",
        "--name",
        "x",
        "--kind",
        "revenue",
        "--allocation",
        "1",
        expect=1,
    )
    assert [f["code"] for f in seeded.json("funds", "list")][-1] == "hn-cap"
    seeded("funds", "approve", "dfe-grant", "£20,000", "--ref", "DEC/1", "--date", "2017-05-01")
    seeded(
        "funds",
        "approve",
        "dfe-grant",
        "£20,000",
        "--ref",
        "DEC/1",
        "--date",
        "2017-05-01",
        expect=1,
    )
    r = seeded(
        "funds",
        "approve",
        "dfe-grant",
        "£25,000.01",
        "--ref",
        "DEC/2",
        "--date",
        "2017-05-01",
        expect=1,
    )
    assert "more than the £45,000.00 allocation" in r.stderr
    r = seeded(
        "spend",
        "post",
        "dfe-grant",
        "20,000.01",
        "--date",
        "2017-05-02",
        "--description",
        "x",
        expect=1,
    )
    assert "£20,000.00 left of the £20,000.00 approved" in r.stderr


SPEND_CSV = (
    "Fund,Posting Date,Net Amount,Extended Description,Supplier Name,Individual,Invoice number,Category,Expense Area\r\n"
    'dfe-grant,03/05/2017,"£1,250.00",EP assessment,Acme Psychology Ltd,,INV-1,ep-assessment,SEN01\r\n'
    'dfe-grant,03/05/2017,"£1,250.00",EP assessment,Acme Psychology Ltd,,INV-1,ep-assessment,SEN01\r\n'
    "reserve,31/03/2018,99.99,Parent mileage,Jo Bloggs,yes,,participation,SEN01\r\n"
    "\r\n"
)


def test_import_all_or_nothing_and_no_double_posting(seeded, tmp_path, db_path):
    f = tmp_path / "spend.csv"
    f.write_bytes(SPEND_CSV.encode("cp1252"))
    n0 = _count(seeded)
    seeded("spend", "import", f, "--dry-run")
    assert _count(seeded) == n0
    r = seeded("spend", "import", f)
    assert "Imported 3 entries" in r.stderr
    entries = seeded.json("spend", "list")[n0:]
    assert [(e["fund"], e["amount_pence"], e["supplier_is_individual"]) for e in entries] == [
        ("dfe-grant", 125_000, False),
        ("dfe-grant", 125_000, False),
        ("reserve", 9_999, True),
    ]
    r = seeded("spend", "import", f)
    assert "Imported 0 entries" in r.stderr and "3 already posted" in r.stderr
    assert _count(seeded) == n0 + 3
    # one bad row: nothing written, line-numbered errors
    bad = tmp_path / "bad.csv"
    bad.write_text(
        SPEND_CSV.replace("INV-1", "INV-2")
        + "nosuch,01/05/2017,1,x,,,,,\r\n"
        + "reserve,31/02/2018,1,x,,,,,\r\ncapital,01/05/2018,1,x,,,,staffing,\r\n"
        + "reserve,01/05/2017,1.234,x,,,,,\r\n"
    )
    a = _audit_count(db_path)
    r = seeded("spend", "import", bad, expect=1)
    # each problem names the column as the file's header wrote it
    for line in (":6: Fund", ":7: Posting Date", ":8: Category", ":9: Net Amount"):
        assert line in r.stderr, r.stderr
    assert "nothing was imported" in r.stderr
    assert (_count(seeded), _audit_count(db_path)) == (n0 + 3, a)
    # a file that would overspend is refused as a whole, naming the line
    over = tmp_path / "over.csv"
    over.write_text(
        "fund,date,amount,description\r\ndfe-grant,01/06/2017,40000,a\r\ndfe-grant,02/06/2017,5000,b\r\n"
    )
    r = seeded("spend", "import", over, expect=1)
    assert ":3: amount" in r.stderr and "asked £5,000.00" in r.stderr
    assert _count(seeded) == n0 + 3


def test_list_filters(seeded):
    seeded("spend", "post", "dfe-grant", "1", "--date", "2018-03-31", "--description", "a")
    seeded(
        "spend", "post", "dfe-grant", "2", "--date", "2018-04-01", "--description", "b", "--commit"
    )
    assert _count(seeded, "--fy", "2017-18", "--period", "12") == 1
    assert _count(seeded, "--fy", "2018/19") == 1
    assert _count(seeded, "--kind", "commitment") == 1
    assert _count(seeded, "--fund", "dfe-grant") == 2
    assert _count(seeded, "--as-of", "2018-03-31") == 2  # approval + the 31 March posting
    seeded("spend", "list", "--fund", "nosuch", expect=1)
    seeded("spend", "list", "--fy", "2017", expect=1)
    fields = seeded.json("spend", "list")[0]
    for key in (
        "id",
        "fund",
        "kind",
        "posted_on",
        "financial_year",
        "period",
        "amount_pence",
        "description",
        "supplier",
        "invoice_ref",
        "reverses_id",
        "officer",
    ):
        assert key in fields


def test_every_command_has_help_with_an_example(run):
    for group, cmds in (
        ("funds", ("list", "add", "update", "approve", "balances")),
        ("spend", ("post", "settle", "reverse", "list", "export", "transparency", "import")),
    ):
        for c in cmds:
            out = run(group, c, "--help").stdout
            assert "Example:" in out, (group, c)


def test_example_spend_csv_imports_within_the_caps(seeded):
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "spend.csv"
    r = seeded("spend", "import", example)
    assert "Warning" not in r.stderr  # no overspend, no capital profile overrun
    rows = {
        r["code"]: r
        for r in seeded.json("funds", "balances", "--as-of", "2018-06-30")
        if r["level"] == "fund"
    }
    assert rows["reserve"]["spent_pence"] + rows["reserve"]["committed_pence"] <= 5_000_000
    assert rows["dfe-grant"]["spent_pence"] + rows["dfe-grant"]["committed_pence"] <= 4_500_000
    assert rows["capital"]["committed_pence"] > 0
    fy = {e["financial_year"] for e in seeded.json("spend", "list", "--fund", "reserve")}
    assert fy == {"2017-18"}
    export = seeded("spend", "export").stdout
    assert "REDACTED PERSONAL DATA" in export and "Dr Morgan Example" not in export
