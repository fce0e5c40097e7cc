from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendctl.domain.dates import (
    financial_year,
    parse_date,
    parse_financial_year,
    period,
)
from sendctl.domain.errors import SendctlError
from sendctl.domain.money import format_pence, parse_pence, pence_to_decimal_text


@pytest.mark.parametrize(
    "text,pence",
    [
        ("£1,234.56", 123456),
        ("1234.56", 123456),
        ("1234", 123400),
        ("1,234", 123400),
        ("£0.01", 1),
        ("0.5", 50),
        (" £50,000 ", 5000000),
        ("£126,000.00", 12600000),
        ("1,000,000.00", 100000000),
        ("£ 1,234.56", 123456),  # a space after the pound sign, as some exports write it
    ],
)
def test_parse_pence_accepts(text, pence):
    assert parse_pence(text) == pence


@pytest.mark.parametrize(
    "text",
    [
        "£5k",
        "1.234",
        "12,34",
        "abc",
        "",
        "£",
        "1,2345",
        "1e3",
        "12.3.4",
        "--5",
        "0.001",
        # never read another way: spaces among the digits, digits of other scripts
        "12 34.5 6",
        "1 2 3 4",
        "£1 234",
        "12.3 4",
        "\u0661\u0662\u0663",
        "\uff15",
    ],
)
def test_parse_pence_refuses(text):
    with pytest.raises(SendctlError):
        parse_pence(text)


def test_negative_only_when_allowed():
    with pytest.raises(SendctlError, match="negative"):
        parse_pence("-£5.00")
    assert parse_pence("-£5.00", allow_negative=True) == -500
    assert parse_pence("£-5.00", allow_negative=True) == -500


def test_more_than_two_decimals_is_never_rounded():
    with pytest.raises(SendctlError, match="more than 2 decimal places"):
        parse_pence("10.005")


@pytest.mark.parametrize(
    "pence,text", [(0, "£0.00"), (1, "£0.01"), (123456, "£1,234.56"), (-50, "-£0.50"), (None, "")]
)
def test_format_pence(pence, text):
    assert format_pence(pence) == text


def test_decimal_text():
    assert pence_to_decimal_text(123456) == "1234.56"
    assert pence_to_decimal_text(-5) == "-0.05"


@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_format_then_parse_round_trips(pence):
    assert parse_pence(format_pence(pence), allow_negative=True) == pence
    assert parse_pence(pence_to_decimal_text(pence), allow_negative=True) == pence


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2018-03-31", date(2018, 3, 31)),
        ("31/03/2018", date(2018, 3, 31)),
        ("31-03-2018", date(2018, 3, 31)),
        ("31 Mar 2018", date(2018, 3, 31)),
        ("31 March 2018", date(2018, 3, 31)),
        ("1/4/2017", date(2017, 4, 1)),
        ("05/04/2017", date(2017, 4, 5)),  # day first, always
        ("29/02/2016", date(2016, 2, 29)),
        ("2nd Sept 2015", date(2015, 9, 2)),
        ("2018/03/31", date(2018, 3, 31)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2018",
        "29/02/2017",
        "2018-13-01",
        "yesterday",
        "",
        "31/03/18",
        "5",
        "\u0662\u0660\u0661\u0668-\u0660\u0663-\u0663\u0661",  # 2018-03-31 in Arabic-Indic digits
        "\uff13\uff11/03/2018",  # full-width 31
    ],
)
def test_parse_date_refuses_naming_the_text(text):
    with pytest.raises(SendctlError) as e:
        parse_date(text, "--date")
    assert "--date" in e.value.message


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_date_formats_agree(d):
    assert parse_date(d.isoformat()) == d
    assert parse_date(d.strftime("%d/%m/%Y")) == d
    assert parse_date(d.strftime("%d %b %Y")) == d


@pytest.mark.parametrize(
    "d,fy,p",
    [
        (date(2018, 3, 31), "2017-18", 12),
        (date(2018, 4, 1), "2018-19", 1),
        (date(2017, 4, 18), "2017-18", 1),
        (date(2017, 7, 1), "2017-18", 4),
        (date(2018, 1, 15), "2017-18", 10),
        (date(1999, 12, 31), "1999-00", 9),
    ],
)
def test_financial_year_and_period(d, fy, p):
    assert financial_year(d) == fy
    assert period(d) == p


def test_parse_financial_year():
    assert parse_financial_year("2017-18") == (date(2017, 4, 1), date(2018, 3, 31))
    assert parse_financial_year("2017/2018") == (date(2017, 4, 1), date(2018, 3, 31))
    for bad in ("2017-19", "17-18", "2017"):
        with pytest.raises(SendctlError):
            parse_financial_year(bad)
