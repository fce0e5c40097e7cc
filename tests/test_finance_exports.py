"""What a finance officer gets out: the headroom under approvals, redaction of individuals in
every listing, the finance export, fund defaults, VAT, xlsx and the Transparency Code file."""

import csv
import io

import pytest


@pytest.fixture
def seeded(run):
    run("init")
    return run


def _reserve_like_the_demo(run):
    """The reserve as the demo leaves it at 31 March 2018: £32,437.90 spent, £4,000 committed."""
    run(
        "spend",
        "post",
        "reserve",
        "32,437.90",
        "--date",
        "2017-06-01",
        "--description",
        "EP advice",
        "--supplier",
        "Welland Educational Psychology Ltd",
    )
    run(
        "spend",
        "post",
        "reserve",
        "4,000",
        "--date",
        "2017-07-01",
        "--description",
        "Training",
        "--commit",
    )


# --- 4: available_pence (the headroom under approvals) ------------------------------------------


def test_balances_show_the_headroom_a_refused_posting_quotes(seeded):
    _reserve_like_the_demo(seeded)
    r = seeded(
        "spend",
        "post",
        "reserve",
        "14,000",
        "--date",
        "2017-08-01",
        "--description",
        "More",
        expect=1,
    )
    assert "£13,562.10 left of the £50,000.00 approved" in r.stderr
    rows = seeded.json("funds", "balances", "--as-of", "2018-03-31")
    funds = {r["code"]: r for r in rows if r["level"] == "fund"}
    assert funds["reserve"]["available_pence"] == 1_356_210
    assert funds["reserve"]["remaining_pence"] == 8_956_210
    assert funds["dfe-grant"]["available_pence"] is None  # no approvals: no approved ceiling
    total = next(r for r in rows if r["level"] == "total")
    assert total["available_pence"] == 1_356_210
    assert all(r["available_pence"] is None for r in rows if r["level"] == "year")
    plain = seeded("funds", "balances", "--as-of", "2018-03-31").stdout
    header, _, reserve = plain.splitlines()[:3]
    assert "available" in header and "£13,562.10" in reserve
    table = seeded("funds", "balances", "--as-of", "2018-03-31", "--format", "table").stdout
    assert "available" in table and "£13,562.10" in table
    # a posting of exactly the headroom is accepted, and leaves none
    seeded("spend", "post", "reserve", "13,562.10", "--date", "2017-08-01", "--description", "All")
    funds = {r["code"]: r for r in seeded.json("funds", "balances") if r["level"] == "fund"}
    assert funds["reserve"]["available_pence"] == 0


# --- 6: a supplier who is a person is redacted everywhere ----------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "plain", "table"])
def test_spend_list_never_names_an_individual(seeded, fmt):
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
    seeded(
        "spend",
        "post",
        "reserve",
        "100",
        "--date",
        "2017-05-03",
        "--description",
        "Room hire",
        "--supplier",
        "Oakham Hall Ltd",
    )
    out = seeded("spend", "list", "--format", fmt).stdout
    assert "Jane" not in out
    assert "REDACTED PERSONAL DATA" in out and "Oakham Hall Ltd" in out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["supplier"] for r in rows[1:]] == ["REDACTED PERSONAL DATA", "Oakham Hall Ltd"]
        assert [r["supplier_is_individual"] for r in rows[1:]] == ["True", "False"]


# --- 2: the finance export: actual spend by default, links, control line ------------------------


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from typer.testing import CliRunner

    from sendctl.cli import app

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    r = CliRunner().invoke(
        app,
        ["demo", "--db", str(path)],
        catch_exceptions=False,
        env={"SENDCTL_OFFICER": "tester", "NO_COLOR": "1"},
    )
    assert r.exit_code == 0, r.stderr
    return path


def test_demo_export_total_is_the_ledgers_actual_spend(run, demo_db, monkeypatch):
    monkeypatch.setenv("SENDCTL_DB", str(demo_db))
    spent = sum(
        r["spent_pence"]
        for r in run.json("funds", "balances", "--fy", "2017-18")
        if r["level"] == "fund"
    )
    assert spent == 7_438_790  # £74,387.90
    r = run("spend", "export", "--fy", "2017-18")
    rows = _csv(r.stdout)
    total = sum(round(float(x["net_amount"]) * 100) for x in rows)
    assert total == spent
    assert "commitment" not in {x["kind"] for x in rows}
    assert f"{len(rows)} rows, net total £74,387.90" in r.stderr
    r = run("spend", "export", "--fy", "2017-18", "--include-commitments")
    both = _csv(r.stdout)
    commitments = [x for x in both if x["kind"] == "commitment"]
    assert commitments and len(both) == len(rows) + len(commitments)
    # commitments: spend.csv's £4,000 and the high needs block's £795,500 (high_needs.csv)
    assert "(actual spend £74,387.90, commitments £799,500.00)" in r.stderr
    assert "net total £873,887.90" in r.stderr


def test_export_links_settlements_and_reversals(seeded):
    cid = int(
        seeded(
            "spend",
            "post",
            "dfe-grant",
            "5,000",
            "--date",
            "2017-06-01",
            "--description",
            "CMS",
            "--commit",
        ).stdout
    )
    sid = int(seeded("spend", "settle", cid, "--date", "2017-07-01", "--amount", "4,800").stdout)
    pid = int(
        seeded(
            "spend", "post", "dfe-grant", "100", "--date", "2017-07-02", "--description", "x"
        ).stdout
    )
    rid = int(
        seeded("spend", "reverse", pid, "--reason", "duplicate", "--date", "2017-07-03").stdout
    )
    rows = _csv(seeded("spend", "export").stdout)
    assert [(r["transaction_id"], r["kind"], r["settles_id"], r["reverses_id"]) for r in rows] == [
        (str(sid), "settlement", str(cid), ""),
        (str(pid), "actual", "", ""),
        (str(rid), "reversal", "", str(pid)),
    ]
    # cancelling a commitment is a commitment-side row: only with --include-commitments
    c2 = int(
        seeded(
            "spend",
            "post",
            "dfe-grant",
            "50",
            "--date",
            "2017-08-01",
            "--description",
            "y",
            "--commit",
        ).stdout
    )
    r2 = int(seeded("spend", "reverse", c2, "--reason", "cancelled", "--date", "2017-08-02").stdout)
    assert str(r2) not in {r["transaction_id"] for r in _csv(seeded("spend", "export").stdout)}
    rows = _csv(seeded("spend", "export", "--include-commitments").stdout)
    assert [r["transaction_id"] for r in rows] == [str(i) for i in (cid, sid, pid, rid, c2, r2)]


# --- the CSV as a spreadsheet reads it ------------------------------------------------------------

AWKWARD = {
    "invoice": "00123",
    "cost_centre": "12-05",
    "account_code": "1E5",
    "description": "=SUM(A1:A9)",
    "supplier": "@Home Ltd",
}


def _post_awkward(run):
    run(
        "spend",
        "post",
        "reserve",
        "1,234.50",
        "--date",
        "12/05/2017",
        "--description",
        AWKWARD["description"],
        "--supplier",
        AWKWARD["supplier"],
        "--invoice",
        AWKWARD["invoice"],
        "--cost-centre",
        AWKWARD["cost_centre"],
        "--account-code",
        AWKWARD["account_code"],
    )


def test_export_csv_quotes_text_and_leaves_numbers_and_dates_bare(seeded):
    _post_awkward(seeded)
    text = seeded("spend", "export").stdout
    line = text.splitlines()[1]
    assert (
        ',12/05/2017,"2017-18",2,"reserve","12-05","1E5"," =SUM(A1:A9)"," @Home Ltd","00123",1234.50,'
        in line
    )
    row = _csv(text)[0]
    assert (row["invoice_ref"], row["cost_centre"], row["account_code"]) == (
        "00123",
        "12-05",
        "1E5",
    )
    assert "'" not in text


def _libreoffice():
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(not _libreoffice(), reason="LibreOffice is not installed")
def test_libreoffice_uk_opens_the_export_csv_with_every_value_kept(seeded, tmp_path):
    """The real spreadsheet: LibreOffice Calc, English (UK) locale, 'Format quoted field as text'
    and 'Detect special numbers' ticked, formulas evaluated: nothing is lost or run."""
    import subprocess
    from datetime import datetime

    openpyxl = pytest.importorskip("openpyxl")
    _post_awkward(seeded)
    out = tmp_path / "export.csv"
    seeded("spend", "export", "--output", out)
    # CSV filter options: comma, double quote, UTF-8, from line 1, -, en-GB, quoted as text,
    # detect special numbers, -, -, -, -, evaluate formulas
    subprocess.run(
        [
            _libreoffice(),
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--infilter=CSV:44,34,76,1,,2057,true,true,false,false,false,-1,true",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "lo-out"),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    ws = openpyxl.load_workbook(tmp_path / "lo-out" / "export.xlsx").active
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=False)}
    for field, expected in (
        ("invoice_ref", "00123"),
        ("cost_centre", "12-05"),
        ("account_code", "1E5"),
    ):
        assert (row[field].value, row[field].data_type) == (expected, "s")
    assert row["description"].data_type == "s" and row["description"].value.strip() == "=SUM(A1:A9)"
    assert not row["description"].value.startswith("'")
    assert row["supplier"].value.strip() == "@Home Ltd"
    assert row["date"].value == datetime(2017, 5, 12)
    assert row["net_amount"].value == 1234.5 and row["net_amount"].data_type == "n"


# --- 3: a fund's default cost centre and account code --------------------------------------------


def test_fund_defaults_fill_postings_without_codes_and_the_export_warns_otherwise(seeded, db_path):
    seeded("spend", "post", "reserve", "10", "--date", "2017-05-01", "--description", "a")
    seeded(
        "spend",
        "post",
        "reserve",
        "20",
        "--date",
        "2017-05-02",
        "--description",
        "b",
        "--cost-centre",
        "OWN-CC",
        "--account-code",
        "9999",
    )
    r = seeded("spend", "export")
    assert "Warning: 1 row with no cost centre or account code" in r.stderr
    seeded("funds", "update", "reserve", "--cost-centre", "SEN-REFORM", "--account-code", "4410")
    r = seeded("spend", "export")
    assert "Warning" not in r.stderr
    rows = _csv(r.stdout)
    assert [(x["cost_centre"], x["account_code"]) for x in rows] == [
        ("SEN-REFORM", "4410"),
        ("OWN-CC", "9999"),
    ]
    funds = {f["code"]: f for f in seeded.json("funds", "list")}
    assert (funds["reserve"]["default_cost_centre"], funds["reserve"]["default_account_code"]) == (
        "SEN-REFORM",
        "4410",
    )
    seeded(
        "funds",
        "add",
        "hn",
        "--name",
        "High needs",
        "--kind",
        "revenue",
        "--allocation",
        "£1,000",
        "--cost-centre",
        "HN01",
        "--account-code",
        "5100",
    )
    assert seeded.json("funds", "list")[-1]["default_account_code"] == "5100"
    seeded("funds", "update", "reserve", "--account-code", "")  # clears it
    assert "Warning: 1 row" in seeded("spend", "export").stderr
    seeded("funds", "update", "reserve", expect=1)
    seeded("funds", "update", "nosuch", "--cost-centre", "X", expect=1)
    updates = [a for a in seeded.json("audit") if a["command"] == "funds update"]
    assert (
        len(updates) == 2 and "SEN-REFORM" in updates[-1]["after_json"] + updates[0]["after_json"]
    )


# --- 7: VAT on a posting ---------------------------------------------------------------------------


def test_vat_is_carried_as_net_vat_and_gross(seeded):
    seeded(
        "spend",
        "post",
        "reserve",
        "1,000",
        "--date",
        "2017-05-01",
        "--description",
        "Training",
        "--vat",
        "£200",
    )
    seeded(
        "spend", "post", "reserve", "50", "--date", "2017-05-02", "--description", "No VAT known"
    )
    pid = seeded.json("spend", "list")[1]["id"]
    seeded("spend", "reverse", pid, "--reason", "wrong fund", "--date", "2017-05-03")
    rows = _csv(seeded("spend", "export").stdout)
    assert [(r["net_amount"], r["vat"], r["gross"]) for r in rows] == [
        ("1000.00", "200.00", "1200.00"),
        ("50.00", "", ""),
        ("-1000.00", "-200.00", "-1200.00"),
    ]
    # the fund bears the net amount only
    reserve = {r["code"]: r for r in seeded.json("funds", "balances")}["reserve"]
    assert reserve["spent_pence"] == 5_000
    assert seeded.json("spend", "list")[1]["vat_pence"] == 20_000
    r = seeded(
        "spend",
        "post",
        "reserve",
        "100",
        "--date",
        "2017-05-04",
        "--description",
        "x",
        "--vat",
        "£100.01",
        expect=1,
    )
    assert "--vat" in r.stderr
    seeded(
        "spend",
        "post",
        "reserve",
        "100",
        "--date",
        "2017-05-04",
        "--description",
        "x",
        "--vat",
        "-1",
        expect=1,
    )


# --- 1: --format xlsx, read back with openpyxl -----------------------------------------------------


def _sheet(path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(path)
    return wb.worksheets[0]


def _cells(ws):
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)]


def test_export_xlsx_has_typed_cells_and_no_formula(seeded, tmp_path):
    from datetime import datetime

    _post_awkward(seeded)
    seeded(
        "spend",
        "post",
        "reserve",
        "45.50",
        "--date",
        "2017-05-13",
        "--description",
        "Parent mileage",
        "--supplier",
        "Jane Example",
        "--individual",
        "--vat",
        "9.10",
    )
    out = tmp_path / "export.xlsx"
    r = seeded("spend", "export", "--output", out)  # xlsx from the file name
    assert "2 rows, net total £1,280.00" in r.stderr
    ws = _sheet(out)
    header, rows = _cells(ws)
    assert header == [
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
    assert ws.freeze_panes == "A2"
    assert all(ws.column_dimensions[c].width and ws.column_dimensions[c].width >= 6 for c in "ABHK")
    a, b = rows
    for field, expected in (
        ("invoice_ref", "00123"),
        ("cost_centre", "12-05"),
        ("account_code", "1E5"),
        ("description", "=SUM(A1:A9)"),
        ("supplier", "@Home Ltd"),
        ("financial_year", "2017-18"),
        ("fund", "reserve"),
        ("kind", "actual"),
    ):
        assert (a[field].value, a[field].data_type) == (expected, "s"), field
    assert a["date"].value == datetime(2017, 5, 12) and a["date"].number_format == "dd/mm/yyyy"
    assert a["date"].is_date
    assert (a["net_amount"].value, a["net_amount"].data_type) == (1234.5, "n")
    assert "£" in a["net_amount"].number_format and "0.00" in a["net_amount"].number_format
    assert (a["transaction_id"].data_type, a["period"].value) == ("n", 2)
    assert a["vat"].value is None and a["settles_id"].value is None
    assert b["supplier"].value == "REDACTED PERSONAL DATA"
    assert (b["vat"].value, b["gross"].value) == (9.1, 54.6)
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f", c.coordinate
    assert "Jane" not in out.read_bytes().decode("latin-1")


LISTINGS = [
    ("cases", "list"),
    ("transfers", "list"),
    ("transfers", "status", "--by", "caseworker"),
    ("deadlines", "--as-of", "2017-04-18"),
    ("panel", "list"),
    ("panel", "summary"),
    ("funds", "list"),
    ("funds", "balances"),
    ("spend", "list"),
    ("audit",),
    ("report", "sen2", "--year", "2016"),
]


@pytest.mark.parametrize("cmd", LISTINGS, ids=[" ".join(c) for c in LISTINGS])
def test_every_listing_writes_xlsx(run, demo_db, monkeypatch, tmp_path, cmd):
    monkeypatch.setenv("SENDCTL_DB", str(demo_db))
    out = tmp_path / "listing.xlsx"
    run(*cmd, "--format", "xlsx", "--output", out)
    header, rows = _cells(_sheet(out))
    assert header and rows, cmd
    json_rows = run.json(*cmd)
    expected = json_rows.get("groups") if isinstance(json_rows, dict) else json_rows
    assert len(rows) == len(expected)
    for row in rows:
        for c in row.values():
            assert c.data_type != "f"
    if cmd[:2] == ("cases", "list"):
        first = rows[0]
        assert first["case_ref"].data_type == "s"
        assert (
            first["date_of_birth"].is_date and first["date_of_birth"].number_format == "dd/mm/yyyy"
        )
    if cmd[:2] == ("funds", "balances"):
        money = rows[0]["allocation"]
        assert money.data_type == "n" and "£" in money.number_format and money.value == 126_000


def test_xlsx_needs_a_file(seeded, tmp_path):
    r = seeded("spend", "list", "--format", "xlsx", expect=1)
    assert "--output" in r.stderr and r.stdout == ""
    r = seeded("spend", "export", "--format", "xlsx", expect=1)
    assert "--output" in r.stderr
    # a pipe (not a terminal) may take the bytes
    r = seeded("funds", "list", "--format", "xlsx", "--output", "-")
    assert r.stdout_bytes.startswith(b"PK")
    seeded("status", "--format", "xlsx", "--output", tmp_path / "s.xlsx", expect=1)


def test_xlsx_library_is_loaded_only_for_xlsx(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, SENDCTL_DB=str(tmp_path / "x.db"))
    subprocess.run(
        [sys.executable, "-m", "sendctl", "init"], env=env, check=True, capture_output=True
    )

    def loaded(*args):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "sendctl", *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}

    assert "xlsxwriter" not in loaded("spend", "export")
    assert "xlsxwriter" not in loaded("funds", "balances", "--format", "csv")
    assert "xlsxwriter" in loaded(
        "funds", "balances", "--format", "xlsx", "--output", str(tmp_path / "b.xlsx")
    )


# --- 5: the Transparency Code file -----------------------------------------------------------------


def test_transparency_publishes_payments_over_the_threshold_and_redacts_people(seeded, tmp_path):
    post = lambda *a: int(seeded("spend", "post", *a).stdout)  # noqa: E731
    at_500 = post(
        "reserve",
        "500",
        "--date",
        "2017-04-10",
        "--description",
        "Exactly £500",
        "--supplier",
        "Acme Ltd",
    )
    over = post(
        "reserve",
        "500.01",
        "--date",
        "2017-04-11",
        "--description",
        "EP advice",
        "--supplier",
        "Welland EP Ltd",
        "--category",
        "ep-assessment",
        "--cost-centre",
        "SEN01",
    )
    person = post(
        "reserve",
        "750",
        "--date",
        "2017-05-01",
        "--description",
        "Direct payment",
        "--supplier",
        "Jane Example",
        "--individual",
    )
    post("reserve", "900", "--date", "2017-05-02", "--description", "Order", "--commit")
    wrong = post(
        "dfe-grant",
        "1,200",
        "--date",
        "2017-06-01",
        "--description",
        "Licence",
        "--supplier",
        "CMS Ltd",
        "--category",
        "systems",
    )
    credit = int(
        seeded("spend", "reverse", wrong, "--reason", "credit note", "--date", "2017-07-01").stdout
    )
    post(
        "dfe-grant",
        "600",
        "--date",
        "2018-04-01",
        "--description",
        "Next year",
        "--supplier",
        "X Ltd",
    )
    r = seeded("spend", "transparency", "--fy", "2017-18")
    rows = _csv(r.stdout)
    assert list(rows[0]) == [
        "date",
        "service_area",
        "beneficiary",
        "purpose",
        "amount",
        "irrecoverable_vat",
        "merchant_category",
        "transaction_number",
    ]
    assert [int(x["transaction_number"]) for x in rows] == [over, person, wrong, credit]
    assert at_500 not in [int(x["transaction_number"]) for x in rows]  # "exceeding £500"
    first = rows[0]
    assert (first["date"], first["service_area"], first["beneficiary"], first["amount"]) == (
        "11/04/2017",
        "SEN01",
        "Welland EP Ltd",
        "500.01",
    )
    assert first["merchant_category"] == "Educational psychology assessments and advice"
    assert rows[1]["beneficiary"] == "REDACTED PERSONAL DATA" and "Jane" not in r.stdout
    assert rows[1]["service_area"] == "SEND reform earmarked reserve"  # no cost centre: the fund
    assert rows[3]["amount"] == "-1200.00"
    assert (
        "Published 4 payments over £500.00 (2017-04-01 to 2018-03-31), total £1,250.01" in r.stderr
    )
    # a lower threshold, a date range, and xlsx
    rows = _csv(
        seeded(
            "spend",
            "transparency",
            "--from",
            "01/04/2017",
            "--to",
            "30/04/2017",
            "--threshold",
            "£0",
        ).stdout
    )
    assert [int(x["transaction_number"]) for x in rows] == [at_500, over]
    out = tmp_path / "q1.xlsx"
    seeded("spend", "transparency", "--from", "2017-04-01", "--to", "2017-06-30", "--output", out)
    header, cells = _cells(_sheet(out))
    assert header[0] == "date" and len(cells) == 3
    assert cells[1]["beneficiary"].value == "REDACTED PERSONAL DATA"
    assert cells[0]["amount"].data_type == "n" and cells[0]["date"].is_date
    assert cells[0]["transaction_number"].value == over
    # bad input
    assert (
        "--to"
        in seeded(
            "spend", "transparency", "--from", "2017-05-01", "--to", "2017-04-01", expect=1
        ).stderr
    )
    seeded("spend", "transparency", "--fy", "2017-18", "--from", "2017-05-01", expect=1)
    seeded("spend", "transparency", "--threshold", "lots", expect=1)


def test_xlsx_is_refused_cleanly_where_there_is_no_listing(run, demo_db, monkeypatch):
    monkeypatch.setenv("SENDCTL_DB", str(demo_db))
    for cmd in (("cases", "show", "RCC-0010"), ("doctor",), ("status",)):
        r = run(*cmd, "--format", "xlsx", expect=1)
        assert r.stdout == "" and r.stderr.startswith("Error: --format"), (cmd, r.stderr)


def test_exports_as_of_a_date_leave_out_later_entries(seeded):
    pid = int(
        seeded(
            "spend", "post", "dfe-grant", "600", "--date", "2017-07-02", "--description", "x"
        ).stdout
    )
    rid = int(
        seeded("spend", "reverse", pid, "--reason", "duplicate", "--date", "2017-07-03").stdout
    )

    def ids(*args):
        return [
            r.get("transaction_id") or r.get("transaction_number")
            for r in _csv(seeded(*args).stdout)
        ]

    assert ids("spend", "export") == [str(pid), str(rid)]
    assert ids("spend", "export", "--as-of", "2017-07-02") == [str(pid)]
    assert ids("spend", "export", "--as-of", "01/07/2017") == []
    assert ids("spend", "transparency", "--fy", "2017-18") == [str(pid), str(rid)]
    assert ids("spend", "transparency", "--fy", "2017-18", "--as-of", "2017-07-02") == [str(pid)]


def test_transparency_as_of_before_the_period_is_refused(seeded):
    r = seeded("spend", "transparency", "--fy", "2018-19", "--as-of", "2017-06-30", expect=1)
    assert "--as-of" in r.stderr and "before the period starts (2018-04-01)" in r.stderr
