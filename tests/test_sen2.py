"""`sendctl report sen2`: the figures of a hand-checked set (domain.md §4), each with how_counted."""

import pytest

from sendctl.storage.reports import census_date

HEADER = "case_ref,forename,surname,date_of_birth,setting,setting_type,primary_need,plan_type,plan_issued_on\n"
MAIN, SPECIAL = "Oakham Primary,Mainstream academy", "Oak Hill,Special LA maintained"
ROWS = [
    f"T1,A,X,2007-01-15,{SPECIAL},ASD,statement,2012-06-01",  # transfer -> EHCP 1 Mar 2016
    f"T2,B,X,2007-01-15,{MAIN},MLD,statement,2012-06-01",  # transfer -> no plan 1 Jun 2016
    f"T3,C,X,2007-01-15,{MAIN},ASD,statement,2012-06-01",  # transfer -> EHCP 1 Feb 2017
    f"T4,D,X,2007-01-15,{MAIN},SEMH,statement,2012-06-01",  # transfer ceased 1 Oct 2016
    f"T5,E,X,2007-01-15,{MAIN},MLD,statement,2012-06-01",  # transfer -> EHCP 1 Dec 2015
    f"S6,F,X,2007-01-15,{MAIN},PD,statement,2012-06-01",  # never started
    f"N1,G,X,2007-01-15,{MAIN},SEMH,sen_support,",
    f"N2,H,X,2007-01-15,{SPECIAL},ASD,sen_support,",
    f"N3,I,X,2007-01-15,{MAIN},SLCN,sen_support,",
    f"N4,J,X,2007-01-15,{MAIN},MLD,sen_support,",
    f"N5,K,X,2007-01-15,{MAIN},MLD,sen_support,",
    f"N6,L,X,2007-01-15,{MAIN},HI,sen_support,",
    f"E7,M,X,2007-01-15,{MAIN},VI,ehcp,2017-03-01",  # plan issued after census day
]


def _transfer(run, ref, start, *events):
    run("transfers", "start", ref, "--date", start)
    for event, on, *extra in events:
        run("transfers", "record", ref, event, "--date", on, *extra)


def _plan(run, ref, received, final, exception=None):
    run("assessments", "request", ref, "--received", received)
    run("assessments", "record", ref, "decision-to-assess", "--date", received)
    extra = ["--exception", exception] if exception else []
    run("assessments", "record", ref, "draft-issued", "--date", received, *extra)
    run("assessments", "record", ref, "final-issued", "--date", final)


@pytest.fixture
def sen2(run, tmp_path):
    run("init", "--no-funds")
    f = tmp_path / "cases.csv"
    f.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    run("cases", "import", f, "--as-of", "2017-04-18")
    _transfer(
        run, "T1", "2015-11-02", ("draft-issued", "2016-01-04"), ("final-issued", "2016-03-01")
    )
    _transfer(run, "T2", "2016-03-01", ("no-plan", "2016-06-01"))
    _transfer(
        run, "T3", "2016-10-03", ("draft-issued", "2016-12-01"), ("final-issued", "2017-02-01")
    )
    _transfer(run, "T4", "2016-06-01", ("ceased", "2016-10-01", "--reason", "needs-met"))
    _transfer(
        run, "T5", "2015-09-01", ("draft-issued", "2015-11-01"), ("final-issued", "2015-12-01")
    )
    _plan(run, "N1", "2016-01-04", "2016-05-16")  # due 23 May: within 20 weeks
    _plan(run, "N2", "2016-02-01", "2016-07-18")  # due 20 Jun: late
    _plan(run, "N3", "2016-03-07", "2016-08-22", "personal")  # due 25 Jul: late, exception
    _plan(run, "N5", "2015-12-01", "2016-04-11")  # received 2015; due 19 Apr: within
    run("assessments", "request", "N4", "--received", "2016-11-07")
    run("assessments", "record", "N4", "refused", "--date", "2016-12-01")
    run("assessments", "request", "N6", "--received", "2016-05-02")
    run("assessments", "record", "N6", "decision-to-assess", "--date", "2016-06-01")
    run("assessments", "record", "N6", "no-plan", "--date", "2016-08-01")
    return run


def test_census_day_is_the_third_thursday_of_january():
    assert census_date(2017).isoformat() == "2017-01-19"  # domain.md §4
    assert census_date(2018).isoformat() == "2018-01-18"
    assert census_date(2015).isoformat() == "2015-01-15"


def test_sen2_figures_hand_checked(sen2):
    rows = sen2.json("report", "sen2", "--year", "2016")
    assert all(r["how_counted"] for r in rows)
    v = {r["figure"]: r["value"] for r in rows}
    item = {r["figure"]: r["sen2_item"] for r in rows}
    assert (v["transfers_to_ehcp"], v["transfers_to_no_plan"], v["transfers_ceased"]) == (1, 1, 1)
    assert (
        item["transfers_to_ehcp"] == "StatementstoEHC"
        and item["transfers_to_no_plan"] == "StatementstoNoEHC"
    )
    assert (v["requests_received"], v["assessments_refused"], v["assessed_no_plan"]) == (5, 1, 1)
    assert v["new_plans_issued"] == 4 and v["issued_within_20_weeks"] == 2
    assert v["pct_within_20_weeks"] == 50.0
    assert (
        v["plans_excluding_exceptions"] == 3
        and v["issued_within_20_weeks_excluding_exceptions"] == 2
    )
    assert v["pct_within_20_weeks_excluding_exceptions"] == 66.7
    assert v["exception_cases"] == 1
    # census 19 Jan 2017: EHCPs T1 T5 N1 N2 N3 N5; statements T3 (concluded after census) and S6
    assert (v["caseload_total"], v["caseload_statements"], v["caseload_ehcps"]) == (8, 2, 6)
    needs = {k[5:]: n for k, n in v.items() if k.startswith("need_")}
    assert needs == {"ASD": 3, "MLD": 2, "SEMH": 1, "SLCN": 1, "PD": 1}
    settings = {k[8:]: n for k, n in v.items() if k.startswith("setting_")}
    assert settings == {"Mainstream academy": 6, "Special LA maintained": 2}
    assert "2017-01-19" in next(r["how_counted"] for r in rows if r["figure"] == "caseload_total")


def test_other_years_and_formats(sen2):
    v = {r["figure"]: r["value"] for r in sen2.json("report", "sen2", "--year", "2017")}
    assert v["transfers_to_ehcp"] == 1 and v["new_plans_issued"] == 0
    assert v["pct_within_20_weeks"] is None
    # census 18 Jan 2018: T3 now an EHCP, E7 too
    assert (v["caseload_statements"], v["caseload_ehcps"]) == (1, 8)
    v = {r["figure"]: r["value"] for r in sen2.json("report", "sen2", "--year", "2015")}
    assert v["transfers_to_ehcp"] == 1 and v["requests_received"] == 1
    csv_out = sen2("report", "sen2", "--year", "2016", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "section,figure,sen2_item,value,how_counted"
    assert "transfers,transfers_to_ehcp,StatementstoEHC,1," in csv_out


def test_year_is_required_and_checked(run):
    run("init", "--no-funds")
    assert run("report", "sen2", expect=2).exit_code == 2
    assert run("report", "sen2", "--year", "1999", expect=1).exit_code == 1  # a refused value
