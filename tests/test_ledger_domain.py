"""The ledger's pure rules: categories, profiles, posting checks, export rows, import keys."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendctl.domain import ledger as L
from sendctl.domain.dates import financial_year, period
from sendctl.domain.errors import SendctlError


@pytest.mark.parametrize(
    "d, fy, p",
    [
        (date(2018, 3, 31), "2017-18", 12),
        (date(2018, 4, 1), "2018-19", 1),
        (date(2017, 4, 1), "2017-18", 1),
        (date(2017, 3, 31), "2016-17", 12),
        (date(2017, 7, 15), "2017-18", 4),  # "Month 04" = July (domain.md §7)
        (date(2018, 1, 1), "2017-18", 10),
    ],
)
def test_financial_year_and_period_edges(d, fy, p):
    assert L.dated_fields(d) == {"posted_on": d.isoformat(), "financial_year": fy, "period": p}


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_period_rule_26(d):
    fy = L.dated_fields(d)["financial_year"]
    assert fy == financial_year(d)
    assert int(fy[:4]) == (d.year if d.month >= 4 else d.year - 1)
    assert period(d) == (d.month - 4) % 12 + 1


def test_profile_must_sum_to_the_allocation():
    prof = L.parse_profile(
        "2018-19=£166,666.67,2019-20=£166,666.67,2020-21=£166,666.66", 50_000_000
    )
    assert prof == {"2018-19": 16_666_667, "2019-20": 16_666_667, "2020-21": 16_666_666}
    with pytest.raises(SendctlError, match="sum to £499,999.99 but the allocation is £500,000.00"):
        L.parse_profile("2018-19=£166,666.67;2019-20=£166,666.66;2020-21=£166,666.66", 50_000_000)
    with pytest.raises(SendctlError, match="appears twice"):
        L.parse_profile("2018-19=1,2018/19=1", 200)
    with pytest.raises(SendctlError, match="not a financial year"):
        L.parse_profile("2018=100", 10000)
    assert L.cumulative_profile(prof, "2019-20") == 33_333_334
    assert L.cumulative_profile(prof, "2017-18") == 0


def test_category_types():
    assert L.check_category("building", "capital", "capital") == "building"
    assert L.check_category("other", "capital", "capital") == "other"
    assert L.check_category(None, "reserve", "revenue") is None
    with pytest.raises(SendctlError, match="revenue item and capital is a capital fund"):
        L.check_category("ep-assessment", "capital", "capital")
    with pytest.raises(SendctlError, match="capital item and reserve is a revenue fund"):
        L.check_category("equipment", "reserve", "revenue")
    with pytest.raises(SendctlError, match="unknown category 'sweets'"):
        L.check_category("sweets", "reserve", "revenue")


def test_posting_check_names_the_figures():
    bal = L.Balance(allocation=4_500_000, approved=None, committed=500_000, spent=3_900_000)
    assert bal.remaining == 100_000
    assert L.check_posting("dfe-grant", bal, 100_000) is None
    msg = L.check_posting("dfe-grant", bal, 100_001)
    assert "£1,000.00 left of the £45,000.00 allocation" in msg
    assert "asked £1,000.01, over by £0.01" in msg
    # approvals cap a fund below its allocation
    res = L.Balance(allocation=12_600_000, approved=5_000_000, committed=0, spent=4_900_000)
    assert "£1,000.00 left of the £50,000.00 approved" in L.check_posting("reserve", res, 200_000)
    # a release (negative outflow) is never refused
    assert L.check_posting("dfe-grant", L.Balance(100, None, 0, 500), -50) is None


def test_profile_warning_is_cumulative():
    assert L.profile_warning("capital", "2018-19", 100, 60, 40) is None
    w = L.profile_warning("capital", "2018-19", 100, 60, 41)
    assert "£0.01 beyond the cumulative profile of £1.00 to 2018-19" in w


def test_export_row_redacts_individuals_and_formats():
    e = {
        "id": 7,
        "posted_on": "2018-03-31",
        "financial_year": "2017-18",
        "period": 12,
        "fund": "reserve",
        "cost_centre": "SEN01",
        "account_code": "5810",
        "description": "Parent mileage",
        "supplier": "Jane Example",
        "supplier_is_individual": 1,
        "invoice_ref": None,
        "amount_pence": -1,
        "kind": "reversal",
        "officer": "finance",
    }
    row = L.export_row(e)
    assert list(row) == L.EXPORT_FIELDS
    assert row["date"] == date(2018, 3, 31)
    assert row["supplier"] == "REDACTED PERSONAL DATA"
    assert row["net_amount"] == -1
    assert (row["vat"], row["gross"]) == (None, None)
    assert L.export_row({**e, "vat_pence": -20})["gross"] == -21
    assert L.export_row({**e, "supplier_is_individual": 0})["supplier"] == "Jane Example"


def test_import_key_normalises_and_counts_occurrences():
    a = {
        "fund": "reserve",
        "posted_on": "2017-05-01",
        "amount_pence": 100,
        "invoice_ref": "INV1 ",
        "supplier": "Acme  Ltd",
        "description": "EP  assessment",
    }
    b = {**a, "invoice_ref": "inv1", "supplier": "acme ltd", "description": "ep assessment"}
    assert L.import_key(a, 1) == L.import_key(b, 1)
    assert L.import_key(a, 1) != L.import_key(a, 2)
    assert L.import_key(a, 1) != L.import_key({**a, "amount_pence": 101}, 1)


def _e(i, kind, amount, reverses=None, settles=None):
    return {
        "id": i,
        "kind": kind,
        "amount_pence": amount,
        "reverses_id": reverses,
        "settles_id": settles,
    }


def test_replay_model():
    entries = [
        _e(1, "approval", 5000),
        _e(2, "commitment", 1000),
        _e(3, "settlement", 800, settles=2),  # releases the other 200
        _e(4, "actual", 300),
        _e(5, "reversal", -300, reverses=4),
        _e(6, "commitment", 50),
    ]
    bal = L.replay(10_000, entries)
    assert bal == L.Balance(10_000, 5000, 50, 800)
    assert bal.remaining == 10_000 - 800 - 50
    # reversing the settlement re-opens the commitment
    bal2 = L.replay(10_000, entries + [_e(7, "reversal", -800, reverses=3)])
    assert (bal2.spent, bal2.committed) == (0, 1050)


def test_reversal_and_settlement_problems():
    c = {"id": 3, "kind": "commitment", "posted_on": "2017-05-01"}
    assert L.reversal_problem({"id": 9, "kind": "reversal"}, False, None).startswith(
        "entry 9 is itself a reversal"
    )
    assert "already been reversed" in L.reversal_problem(c, True, None)
    assert "reverse the settlement first" in L.reversal_problem(c, False, 4)
    assert L.reversal_problem(c, False, None) is None
    assert "not a commitment" in L.settlement_problem(
        {"id": 2, "kind": "actual", "posted_on": "x"}, False, None, date(2017, 5, 1)
    )
    assert "already settled" in L.settlement_problem(c, False, 4, date(2017, 5, 2))
    assert "cancelled" in L.settlement_problem(c, True, None, date(2017, 5, 2))
    assert "before the commitment's date" in L.settlement_problem(c, False, None, date(2017, 4, 30))
    assert L.settlement_problem(c, False, None, date(2017, 5, 1)) is None


def test_yes_no():
    assert L.parse_yes_no("Yes", "individual") is True
    assert L.parse_yes_no("", "individual") is False
    with pytest.raises(SendctlError, match="individual: expected yes or no"):
        L.parse_yes_no("maybe", "individual")
