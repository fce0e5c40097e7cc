"""Pure rules of the case register (sendctl.domain.cases): no database."""

from datetime import date

import pytest

from sendctl.domain.cases import (
    CaseProblem,
    check_upn,
    normalise_need,
    normalise_plan_type,
    normalise_year_group,
    parse_flag,
    upn_check_letter,
    validate_case,
    year_group_for,
)

AS_OF = date(2017, 4, 18)


@pytest.mark.parametrize(
    "upn",
    [
        "H801200001001",  # DfE example (domain.md §5)
        "G80120000101A",  # DfE temporary example
        "A857200017001",  # Rutland-style permanent
        "N85720001701B",  # Rutland-style temporary
        "a857 2000 17001",  # spaces and lower case are tidied
    ],
)
def test_valid_upns(upn):
    assert check_upn(upn) == upn.replace(" ", "").upper()


@pytest.mark.parametrize(
    "upn, problem",
    [
        ("B857200017001", "wrong check letter"),
        ("P85720001701B", "wrong check letter"),  # temporary with the wrong letter
        ("A85720001700", "13 characters"),
        ("A8572000170011", "13 characters"),
        ("A85720X017001", "digits"),
        ("A85720001701I", "digits"),  # I is never used
        ("E000200005001", "local authority"),
    ],
)
def test_invalid_upns(upn, problem):
    with pytest.raises(CaseProblem) as e:
        check_upn(upn)
    assert e.value.field == "upn" and problem in e.value.problem


def test_empty_upn_is_allowed():
    assert check_upn("") is None


def test_check_letter_matches_worked_examples():
    assert upn_check_letter("857200017001") == "A"
    assert upn_check_letter("85720001701B") == "N"


@pytest.mark.parametrize(
    "text, plan",
    [
        ("Statement", "statement"),
        ("statement of SEN", "statement"),
        ("EHCP", "ehcp"),
        ("EHC Plan", "ehcp"),
        ("ehc plan", "ehcp"),
        ("SEN Support", "sen_support"),
        ("sen_support", "sen_support"),
        ("K", "sen_support"),
        ("E", "ehcp"),
        ("S", "statement"),
    ],
)
def test_plan_synonyms(text, plan):
    assert normalise_plan_type(text) == plan


def test_unknown_plan_is_a_problem():
    with pytest.raises(CaseProblem, match="plan_type"):
        normalise_plan_type("plan b")


@pytest.mark.parametrize(
    "text, code",
    [
        ("asd", "ASD"),
        ("SpLD", "SPLD"),
        ("dysx", None),
        ("Autism", "ASD"),
        ("Speech, language and communication needs", "SLCN"),
    ],
)
def test_need_codes(text, code):
    if code is None:
        with pytest.raises(CaseProblem):
            normalise_need(text, "ehcp")
    else:
        assert normalise_need(text, "ehcp") == code


def test_nsa_only_for_sen_support():
    assert normalise_need("nsa", "sen_support") == "NSA"
    with pytest.raises(CaseProblem, match="only for SEN support"):
        normalise_need("NSA", "ehcp")


@pytest.mark.parametrize("text", ["Y", "yes", "TRUE", "1"])
def test_flags_yes(text):
    assert parse_flag(text) is True


@pytest.mark.parametrize("text", ["", "N", "no", "false", "0"])
def test_flags_no(text):
    assert parse_flag(text) is False


@pytest.mark.parametrize(
    "dob, as_of, group",
    [
        ("2012-09-01", "2017-04-18", "N2"),  # 3 on 31 Aug 2016
        ("2012-08-31", "2017-04-18", "R"),  # 4 on 31 Aug 2016: Reception
        ("2011-09-01", "2017-04-18", "R"),
        ("2011-08-31", "2017-04-18", "1"),
        ("2013-09-01", "2017-04-18", "N1"),
        ("2014-09-01", "2017-04-18", None),  # too young for a year group
        ("2005-09-01", "2017-04-18", "6"),
        ("2001-01-01", "2017-04-18", "11"),
        ("1998-09-01", "2017-04-18", "13"),
        ("1997-09-01", "2017-04-18", "14"),
        ("1997-08-31", "2017-04-18", None),  # beyond Year 14: left empty
        ("2012-08-31", "2017-09-01", "1"),  # a new academic year moves everyone up
        ("2012-08-31", "2017-08-31", "R"),
    ],
)
def test_year_group_from_date_of_birth(dob, as_of, group):
    assert year_group_for(date.fromisoformat(dob), date.fromisoformat(as_of)) == group


@pytest.mark.parametrize(
    "text, group",
    [
        ("Year 5", "5"),
        ("Y5", "5"),
        ("5", "5"),
        ("R", "R"),
        ("Reception", "R"),
        ("n1", "N1"),
        ("NC Year 11", "11"),
    ],
)
def test_year_group_text(text, group):
    assert normalise_year_group(text) == group


def test_year_group_bad_text():
    with pytest.raises(CaseProblem, match="year_group"):
        normalise_year_group("Year 15")


def _row(**kw):
    row = {
        "case_ref": "00123",
        "forename": "Zoë",
        "surname": "Example",
        "date_of_birth": "14/02/2010",
        "plan_type": "EHC Plan",
    }
    row.update(kw)
    return row


def test_valid_row_is_normalised():
    case, problems = validate_case(
        _row(
            primary_need="asd",
            out_of_county="Y",
            plan_issued_on="1 Mar 2016",
            caseworker_email="Priya.Shah@Rutland.example",
        ),
        AS_OF,
    )
    assert problems == []
    assert case["case_ref"] == "00123"
    assert case["date_of_birth"] == "2010-02-14"
    assert case["plan_type"] == "ehcp" and case["primary_need"] == "ASD"
    assert case["out_of_county"] == 1 and case["year_group"] == "2"
    assert case["plan_issued_on"] == "2016-03-01"
    assert case["caseworker_email"] == "priya.shah@rutland.example"
    assert case["upn"] is None and case["setting"] is None


def test_given_year_group_wins():
    case, _ = validate_case(_row(year_group="Year 3"), AS_OF)
    assert case["year_group"] == "3"


@pytest.mark.parametrize(
    "field, value, problem",
    [
        ("date_of_birth", "2017-04-19", "in the future"),
        ("date_of_birth", "2017-04-18", None),  # born on the as-of date: age 0 is fine
        ("date_of_birth", "1991-04-18", "over 25"),  # 26 today
        ("date_of_birth", "1991-04-19", None),  # 25 until tomorrow: inclusive
        ("date_of_birth", "31/02/2010", "not a real date"),
        ("date_of_birth", "soon", "not a date"),
        ("date_of_birth", "", "required"),
        ("surname", "", "required"),
        ("caseworker_email", "nobody", "not an e-mail"),
        ("plan_issued_on", "2018-01-01", "after the as-of date"),
        ("plan_issued_on", "2009-01-01", "before the date of birth"),
        ("out_of_county", "maybe", "yes or no"),
    ],
)
def test_row_problems(field, value, problem):
    case, problems = validate_case(_row(**{field: value}), AS_OF)
    if problem is None:
        assert problems == [] and case is not None
    else:
        assert case is None
        assert any(p.field == field and problem in p.problem for p in problems), problems


def test_all_problems_of_a_row_are_reported():
    _, problems = validate_case(_row(upn="B857200017001", primary_need="XYZ", plan_type="?"), AS_OF)
    assert {p.field for p in problems} == {"upn", "primary_need", "plan_type"}


def test_age_check_can_be_skipped_for_updates():
    case, problems = validate_case(_row(date_of_birth="1985-01-01"), AS_OF, check_age=False)
    assert problems == [] and case["year_group"] is None


def test_fast_upn_path_agrees_with_stdnum():
    import random

    from stdnum.gb import upn as stdnum_upn

    rng = random.Random(23)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for _ in range(3000):
        la = rng.choice(["857", "801", "000", "999", "201", "420"])
        last = rng.choice("0123456789" + letters)
        body = f"{la}{rng.randrange(10**8):08d}{last}"
        for first in rng.sample(letters, 5) + [
            stdnum_upn.calc_check_digit(body) if last not in "IOS" else "A"
        ]:
            upn = first + body
            try:
                ok = check_upn(upn) == upn
            except CaseProblem:
                ok = False
            assert ok == stdnum_upn.is_valid(upn), upn
