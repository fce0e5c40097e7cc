"""Pure panel rules: code lists, validation, shares, the next meeting (no database)."""

from datetime import date

import pytest

from sendctl.domain.errors import SendctlError
from sendctl.domain.panel import (
    Funder,
    Outcome,
    PlacementType,
    Request,
    make_decision,
    next_meeting_on,
    parse_code,
    parse_yes_no,
    share_pct,
    summary_row,
)


@pytest.mark.parametrize(
    "kind, text, code",
    [
        (Outcome, "Agreed with conditions", "agreed-with-conditions"),
        (Outcome, "AGREED-WITH-CONDITIONS", "agreed-with-conditions"),
        (Outcome, "Agreed (amended)", "agreed-with-conditions"),
        (Outcome, "Deferred for information", "deferred"),
        (Outcome, "Not agreed", "declined"),
        (Request, "EHCP issue", "ehcp-issue"),
        (Request, "Top-up funding", "top-up"),
        (Request, "Post 16", "post-16"),
        (Request, "Home to school transport", "transport"),
        (PlacementType, "Independent special school", "independent-special"),
        (PlacementType, "SPI", "specialist-post-16"),
        (Funder, "DSG high needs block", "high-needs-block"),
        (Funder, "general_fund", "general-fund"),
    ],
)
def test_labels_normalise_to_codes(kind, text, code):
    assert parse_code(kind, text, "x") == code


def test_every_code_parses_as_itself():
    for kind in (Request, Outcome, PlacementType, Funder):
        for m in kind:
            assert parse_code(kind, m.value, "x") == m.value


def test_unknown_code_lists_the_valid_ones():
    with pytest.raises(SendctlError) as e:
        parse_code(Funder, "lottery", "--funder")
    assert e.value.message == (
        "--funder: unknown funder 'lottery'; expected one of: high-needs-block, general-fund, "
        "health, social-care, joint"
    )


def test_yes_no():
    assert parse_yes_no("Yes", "f") and parse_yes_no("1", "f") and parse_yes_no("TRUE", "f")
    assert not parse_yes_no("", "f") and not parse_yes_no("n", "f") and not parse_yes_no(None, "f")
    with pytest.raises(SendctlError, match="expected yes or no"):
        parse_yes_no("perhaps", "out_of_county")


def test_make_decision_normalises():
    d = make_decision(
        {
            "case_ref": " R1 ",
            "meeting_on": "05/01/2017",
            "request": "Placement",
            "outcome": "Agreed",
            "annual_cost_pence": "£52,000",
            "out_of_county": "yes",
            "provider": "  ",
            "starts_on": date(2017, 2, 1),
        }
    )
    assert d.case_ref == "R1" and d.meeting_on == date(2017, 1, 5)
    assert d.annual_cost_pence == 5_200_000 and d.out_of_county is True and d.provider is None
    assert d.as_row()["meeting_on"] == "2017-01-05" and d.as_row()["out_of_county"] == 1
    assert d.natural_key() == ("R1", "2017-01-05", "placement", "agreed", 5_200_000)


@pytest.mark.parametrize(
    "change, message",
    [
        # the domain names its own fields; only the CLI turns them into flags or columns
        ({"annual_cost_pence": -1}, "annual_cost_pence: must not be negative"),
        ({"annual_cost_pence": "-£1"}, "annual_cost_pence: must not be negative"),
        ({"starts_on": "2017-09-01", "ends_on": "2017-08-31"}, "ends_on: the end"),
        ({"case_ref": ""}, "case_ref: required"),
        ({"outcome": None}, "outcome: required"),
        ({"supersedes_id": 0}, "supersedes_id: expected a decision id"),
        ({"colour": "blue"}, "unknown decision field(s): colour"),
    ],
)
def test_make_decision_refuses(change, message):
    fields = {
        "case_ref": "R1",
        "meeting_on": "2017-01-05",
        "request": "transport",
        "outcome": "agreed",
    }
    fields.update(change)
    with pytest.raises(SendctlError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make_decision(fields)


def test_end_on_the_start_day_is_fine():
    make_decision(
        {
            "case_ref": "R1",
            "meeting_on": "2017-01-05",
            "request": "transport",
            "outcome": "agreed",
            "starts_on": "2017-09-01",
            "ends_on": "2017-09-01",
        }
    )


def test_share_pct():
    assert share_pct(1, 3) == 33.3 and share_pct(2, 3) == 66.7 and share_pct(3, 3) == 100.0
    assert share_pct(0, 0) is None and share_pct(None, None) is None and share_pct(0, 4) == 0.0


@pytest.mark.parametrize(
    "last, as_of, expected",
    [
        (date(2017, 4, 13), date(2017, 4, 18), date(2017, 4, 27)),  # the demo date
        (date(2017, 4, 13), date(2017, 4, 27), date(2017, 4, 27)),  # a panel due today is next
        (date(2017, 4, 13), date(2017, 4, 28), date(2017, 5, 11)),
        (date(2017, 1, 19), date(2017, 4, 18), date(2017, 4, 27)),  # missed panels roll forward
        (date(2017, 4, 13), date(2017, 4, 13), date(2017, 4, 27)),
        (None, date(2017, 4, 18), None),
    ],
)
def test_next_meeting(last, as_of, expected):
    assert next_meeting_on(last, as_of) == expected


def test_summary_row_fills_zeros():
    r = summary_row("request", "transport", {})
    assert (
        r["decisions"] == 0
        and r["agreed_with_conditions"] == 0
        and r["out_of_county_share_pct"] is None
    )
