"""An amount is read only in its documented spellings: spaces among the digits, or digits of
another script, are refused through every command that takes money, never read another way."""

import hashlib

import pytest


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("amount", ["12 34.5 6", "1 2 3 4", "\u0661\u0662\u0663", "\uff15"])
def test_spend_post_refuses_an_amount_it_would_have_to_guess(run, db_path, amount):
    run("init")
    before = _digest(db_path)
    r = run(
        "spend", "post", "reserve", amount, "--date", "2017-05-10", "--description", "x", expect=1
    )
    assert "not an amount of money" in r.stderr and "Traceback" not in r.stderr
    assert _digest(db_path) == before


def test_spend_import_names_the_line_of_a_spaced_amount(run, db_path, tmp_path):
    run("init")
    f = tmp_path / "spend.csv"
    f.write_text(
        "fund,date,amount,description\n"
        "reserve,2017-05-10,£ 1,250.00,ok\n"  # not quoted: the comma splits it (refused)
        "reserve,2017-05-11,1 0 0,spaced\n",
        encoding="utf-8",
    )
    before = _digest(db_path)
    r = run("spend", "import", f, expect=1)
    assert "spend.csv:3: amount: not an amount of money (got '1 0 0')" in r.stderr
    assert _digest(db_path) == before


def test_a_space_after_the_pound_sign_is_read(run):
    import csv
    import io

    run("init")
    run("spend", "post", "reserve", "£ 1,250.00", "--date", "2017-05-10", "--description", "EP")
    rows = list(csv.DictReader(io.StringIO(run("spend", "export", "--as-of", "2017-06-01").stdout)))
    assert [r["net_amount"] for r in rows if r["description"] == "EP"] == ["1250.00"]
