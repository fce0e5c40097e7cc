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
    run("spend", "post", "reserve", "32,437.90", "--date", "2017-06-01", "--description", "EP advice",
        "--supplier", "Welland Educational Psychology Ltd")
    run("spend", "post", "reserve", "4,000", "--date", "2017-07-01", "--description", "Training",
        "--commit")


# --- 4: available_pence (the headroom under approvals) ------------------------------------------


def test_balances_show_the_headroom_a_refused_posting_quotes(seeded):
    _reserve_like_the_demo(seeded)
    r = seeded("spend", "post", "reserve", "14,000", "--date", "2017-08-01", "--description", "More",
               expect=1)
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
    seeded("spend", "post", "reserve", "45.50", "--date", "2017-05-02", "--description", "Parent mileage",
           "--supplier", "Jane Example", "--individual")
    seeded("spend", "post", "reserve", "100", "--date", "2017-05-03", "--description", "Room hire",
           "--supplier", "Oakham Hall Ltd")
    out = seeded("spend", "list", "--format", fmt).stdout
    assert "Jane" not in out
    assert "REDACTED PERSONAL DATA" in out and "Oakham Hall Ltd" in out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["supplier"] for r in rows[1:]] == ["REDACTED PERSONAL DATA", "Oakham Hall Ltd"]
        assert [r["supplier_is_individual"] for r in rows[1:]] == ["True", "False"]
