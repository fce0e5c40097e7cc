"""Every offline SEN2 rule fires on a child built to break it, and only then."""

import copy

import pytest

from sendctl.domain.sen2 import RULES, check_header, check_person

YEAR = 2026  # census day 15 January 2026, reference year 2025


def good():
    return {
        "case_ref": "R1",
        "surname": "Test",
        "forename": "Ann",
        "date_of_birth": "2013-05-14",
        "sex": "F",
        "ethnicity": "WBRI",
        "postcode": "LE15 6XX",
        "upn": "U857201517004",
        "uln": None,
        "upn_unknown": None,
        "requests": [
            {
                "received_on": "2025-01-06",
                "request_source": "1",
                "rya": "0",
                "request_outcome_on": "2025-02-10",
                "request_outcome": "Y",
                "request_mediation": "0",
                "request_tribunal": "0",
                "exported": None,
                "assessment": {
                    "assessment_outcome": "Y",
                    "assessment_outcome_on": "2025-05-19",
                    "assessment_mediation": "0",
                    "assessment_tribunal": "0",
                    "other_mediation": "0",
                    "other_tribunal": "0",
                    "week20": "0",
                    "named_plan": {
                        "start_on": "2025-05-19",
                        "plan_res": None,
                        "plan_wbp": None,
                        "pb": "0",
                        "oa": "0",
                        "dp": None,
                        "cease_on": None,
                        "cease_reason": None,
                        "plan_detail": [
                            {
                                "urn": "123456",
                                "placement_rank": "1",
                                "sen_unit": "0",
                                "resourced_provision": "0",
                            }
                        ],
                    },
                },
                "active_plans": {
                    "transfer_la": None,
                    "review_meeting_on": None,
                    "review_outcome": None,
                    "last_review_on": None,
                    "placement_detail": [
                        {
                            "urn": "123456",
                            "placement_rank": "1",
                            "entry_on": "2025-05-19",
                            "leaving_on": None,
                            "sen_unit": "0",
                            "resourced_provision": "0",
                        }
                    ],
                    "sen_need": [{"sen_type": "ASD", "sen_type_rank": "1"}],
                },
            }
        ],
    }


def codes(p):
    return {f.rule for f in check_person(p, YEAR, "857")}


def rq(p):
    return p["requests"][0]


def asm(p):
    return rq(p)["assessment"]


def plan(p):
    return asm(p)["named_plan"]


def ap(p):
    return rq(p)["active_plans"]


BREAK = {
    "S2-01": lambda p: p.update(upn="U85720151700"),
    "S2-02": lambda p: p.update(upn="A857201517004"),
    "S2-03": lambda p: p.update(upn=_with_letter("?999201517004")),
    "S2-05": lambda p: p.update(uln="0000000043"),
    "S2-06": lambda p: p.update(upn=None),
    "S2-07": lambda p: p.update(upn=None, upn_unknown="UN4"),
    "S2-10": lambda p: p.update(ethnicity=None),
    "S2-11": lambda p: ap(p)["sen_need"][0].update(sen_type="NSA"),
    "S2-12": lambda p: rq(p).update(received_on="06/01/2025"),
    "S2-13": lambda p: rq(p).update(rya="2"),
    "S2-15": lambda p: p.update(date_of_birth="1995-01-01"),
    "S2-20": lambda p: rq(p).update(request_outcome_on="2025-01-01"),
    "S2-21": lambda p: asm(p).update(assessment_outcome_on="2025-02-01"),
    "S2-22": lambda p: plan(p).update(cease_on="2025-05-01", cease_reason="2"),
    "S2-23": lambda p: ap(p).update(review_meeting_on="2025-11-01", last_review_on="2025-10-01"),
    "S2-24": lambda p: ap(p)["placement_detail"][0].update(leaving_on="2026-02-01"),
    "S2-25": lambda p: rq(p).update(received_on="2024-06-01", request_outcome_on="2024-07-01"),
    "S2-26": lambda p: plan(p).update(
        start_on="2023-01-01", cease_on="2024-06-01", cease_reason="2"
    ),
    "S2-30": lambda p: rq(p).update(request_outcome_on=None),
    "S2-31": lambda p: rq(p).update(request_outcome="N"),
    "S2-32": lambda p: asm(p).update(assessment_outcome="A"),
    "S2-33": lambda p: asm(p).update(assessment_outcome="N"),
    "S2-34": lambda p: plan(p).update(cease_on="2025-12-01"),
    "S2-35": lambda p: plan(p)["plan_detail"][0].update(urn=None),
    "S2-36": lambda p: plan(p)["plan_detail"][0].update(sen_unit=None),
    "S2-37": lambda p: plan(p)["plan_detail"][0].update(placement_rank="2"),
    "S2-38": lambda p: ap(p)["sen_need"].append({"sen_type": "MLD", "sen_type_rank": "1"}),
    "S2-39": lambda p: ap(p).update(placement_detail=[]),
    "S2-41": lambda p: p["requests"].append(copy.deepcopy(rq(p))),
    "S2-42": lambda p: ap(p).update(transfer_la="857"),
    "S2-43": lambda p: ap(p).update(review_outcome="M"),
    "S2-44": lambda p: plan(p)["plan_detail"][0].update(urn=None, sen_setting="NIEO"),
}


def _with_letter(upn):
    from sendctl.domain.sen2 import upn_check_letter

    return upn_check_letter(upn) + upn[1:]


def test_the_good_child_passes():
    assert codes(good()) == set()


@pytest.mark.parametrize("code", sorted(BREAK))
def test_rule_fires(code):
    p = good()
    BREAK[code](p)
    found = codes(p)
    assert code in found, found


def test_every_rule_is_exercised():
    # whole-return rules: tested below (S2-16 in test_sen2_events)
    assert set(RULES) - set(BREAK) == {"S2-04", "S2-14", "S2-16"}


def test_duplicate_upn_and_header(run, tmp_path):
    h = {"year": "2026", "reference_date": "2026-01-15", "lea": "857"}
    assert list(check_header(h, YEAR, "857")) == []
    bad = list(check_header({**h, "reference_date": "2026-01-22", "lea": "855"}, YEAR, "857"))
    assert [(f.rule, f.field) for f in bad] == [("S2-14", "reference_date"), ("S2-14", "lea")]
    run("init", "--no-funds")
    for ref in ("X1", "X2"):
        run(
            "cases",
            "add",
            ref,
            "--forename",
            "A",
            "--surname",
            "B",
            "--dob",
            "2013-05-14",
            "--plan",
            "ehcp",
            "--plan-issued",
            "2020-01-01",
            "--upn",
            "U857201517004",
            "--need",
            "ASD",
        )
    rows = run.json("report", "sen2", "--year", 2025, "--check", expect=3)
    assert {(r["rule"], r["case_ref"], r["message"]) for r in rows if r["rule"] == "S2-04"} == {
        ("S2-04", "X1", "same UPN as X2"),
        ("S2-04", "X2", "same UPN as X1"),
    }


def test_messages_never_carry_personal_values():
    p = good()
    p.update(sex="Q", ethnicity="ZZZZ", upn="A857201517004", date_of_birth="1990-01-01")
    text = " ".join(f.message for f in check_person(p, YEAR, "857"))
    for value in ("ZZZZ", "A857201517004", "1990", "'Q'"):
        assert value not in text
