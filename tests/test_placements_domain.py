"""Pro rata by days, worked by hand (leap years, two financial years, open-ended placements
against a horizon) and the forecast on a hand-checked set."""

from datetime import date
from fractions import Fraction

import pytest

from sendctl.domain import placements as P
from sendctl.domain.problems import InvalidValue


def test_the_worked_example_36500_a_year_from_1_sep_2017_to_31_aug_2018():
    # 1 Sep 2017 - 31 Mar 2018: 30+31+30+31+31+28+31 = 212 days of 365; then 30+31+30+31+31 = 153
    assert P.by_year(3_650_000, date(2017, 9, 1), date(2018, 8, 31)) == {
        "2017-18": 2_120_000,
        "2018-19": 1_530_000,
    }


def test_a_leap_financial_year_divides_by_366_so_a_whole_year_costs_the_annual_cost():
    assert P.fy_days("2019-20") == 366 and P.fy_days("2018-19") == 365
    # 1 Apr - 30 Sep 2019 is 183 days of 366: exactly half
    assert P.by_year(3_660_000, date(2019, 4, 1), date(2019, 9, 30)) == {"2019-20": 1_830_000}
    assert P.by_year(1_000_000, date(2019, 4, 1), date(2020, 3, 31)) == {"2019-20": 1_000_000}
    # 29 Feb 2020 alone: one day of 366
    assert P.by_year(3_660_000, date(2020, 2, 29), date(2020, 2, 29)) == {"2019-20": 10_000}


def test_rounding_first_year_half_up_whole_years_exact_last_year_takes_the_rest():
    # 2 Sep 2017 - 31 Mar 2018: 211/365 of £1,000 = 578.0821.. -> £578.08
    # 1 Apr 2019 - 15 Jan 2020: 290/366 = 792.3497.. ; exact total 2370.4319.. -> £2,370.43
    got = P.by_year(100_000, date(2017, 9, 2), date(2020, 1, 15))
    assert got == {"2017-18": 57_808, "2018-19": 100_000, "2019-20": 79_235}
    exact = 100_000 * (Fraction(211, 365) + 1 + Fraction(290, 366))
    assert sum(got.values()) == P.round_half_up(exact) == 237_043


def test_years_always_add_up_to_the_rounded_whole():
    for start, end in [
        (date(2017, 4, 3), date(2021, 2, 28)),
        (date(2016, 3, 31), date(2016, 4, 1)),
        (date(2019, 12, 31), date(2024, 3, 1)),
    ]:
        got = P.by_year(1_234_567, start, end)
        days = P.fy_days
        total = Fraction(0)
        for fy in got:
            a, b = P.fy_bounds(fy)
            lo, hi = max(a, start), min(b, end)
            total += Fraction((hi - lo).days + 1, days(fy))
        assert sum(got.values()) == P.round_half_up(1_234_567 * total)


def test_open_ended_runs_on_at_the_annual_cost_to_the_horizon():
    assert P.by_year(100_000, date(2017, 9, 1), None, horizon="2020-21") == {
        "2017-18": 58_082,
        "2018-19": 100_000,
        "2019-20": 100_000,
        "2020-21": 100_000,
    }
    s = P.spread(100_000, date(2017, 9, 1), None)
    assert (s.last_fy, s.last_fy_pence) == (None, None)
    assert (
        P.year_pence(s, 100_000, "2016-17") == 0 and P.year_pence(s, 100_000, "2030-31") == 100_000
    )


def test_an_end_before_the_start_is_refused():
    with pytest.raises(InvalidValue) as e:
        P.spread(100_000, date(2017, 9, 1), date(2017, 8, 31))
    assert e.value.problem.field == "ends_on"


def test_budget_profile_parses_or_is_refused():
    assert P.parse_budget("2017-18=£3,825,000,2018-19=£3,790,000") == {
        "2017-18": 382_500_000,
        "2018-19": 379_000_000,
    }
    for bad in ("", "2017-18", "2017=£1", "2017-18=£x", "2017-18=1;2017-18=2", "2017-18=0"):
        with pytest.raises(InvalidValue):
            P.parse_budget(bad)


def test_growth_rates():
    assert P.parse_growth("5%") == Fraction(1, 20) == P.parse_growth("0.05")
    for bad in ("5", "abc", "150%"):
        with pytest.raises(InvalidValue):
            P.parse_growth(bad)


def test_new_placements_by_hand():
    # £10,000 a year of new placements; as at 31 March nothing of the year is left
    assert [P.new_placements_pence(1_000_000, Fraction(0), k) for k in range(4)] == [
        0,
        500_000,
        1_500_000,
        2_500_000,
    ]
    # half the year left: 10,000 x 1/2 x 1/2 / 2 = 1,250 this year; then 5,000 + 5,000 = 10,000
    half = Fraction(1, 2)
    assert [P.new_placements_pence(1_000_000, half, k) for k in range(3)] == [
        125_000,
        1_000_000,
        2_000_000,
    ]


def test_forecast_and_the_cumulative_deficit_by_hand():
    years = [
        P.YearInputs(
            "2017-18",
            1_000_000,
            committed_pence=900_000,
            paid_pence=300_000,
            other_committed_pence=50_000,
            opening_deficit_pence=200_000,
        ),
        P.YearInputs("2018-19", 1_000_000, committed_pence=800_000, adjustments_pence=-100_000),
    ]
    rows = P.forecast(years, rate_pence=400_000, remaining=Fraction(1, 2))
    y0, y1 = rows
    # 2017-18: paid 3,000 + still committed 6,000 + orders 500 + new 4,000 x 1/8 = 500 -> 10,000
    assert y0["new_placements_pence"] == 50_000
    assert y0["forecast_outturn_pence"] == 1_000_000 and y0["variance_pence"] == 0
    assert (y0["deficit_brought_forward_pence"], y0["deficit_carried_forward_pence"]) == (
        200_000,
        200_000,
    )
    # 2018-19: 8,000 + new (4,000 x 1/2 + 4,000 / 2 = 4,000) = 12,000: 2,000 over; -1,000 written off
    assert y1["forecast_outturn_pence"] == 1_200_000 and y1["variance_pence"] == -200_000
    assert y1["deficit_carried_forward_pence"] == 200_000 + 200_000 - 100_000


def test_a_closed_year_carries_its_overspend_into_the_next():
    years = [
        P.YearInputs("2016-17", None, committed_pence=500_000, adjustments_pence=30_000),
        P.YearInputs("2017-18", 1_000_000, committed_pence=1_100_000, paid_pence=200_000),
        P.YearInputs("2018-19", 1_000_000, committed_pence=800_000),
    ]
    rows = P.forecast(years, rate_pence=400_000, remaining=Fraction(1, 2), closed=2)
    y16, y17, y18 = rows
    # closed years: nothing new arrives in them; a year without a budget carries only its
    # adjustments; 2017-18's outturn 11,000 against 10,000 adds 1,000 to the 300 brought in
    assert y16["new_placements_pence"] == y17["new_placements_pence"] == 0
    assert y16["deficit_carried_forward_pence"] == 30_000
    assert y17["forecast_outturn_pence"] == 1_100_000 and y17["variance_pence"] == -100_000
    assert y17["deficit_carried_forward_pence"] == 130_000
    # as_of's year is the third: its new placements are year 0's (4,000 x 1/8 = 500)
    assert y18["new_placements_pence"] == 50_000
    assert y18["deficit_brought_forward_pence"] == 130_000
    assert y18["deficit_carried_forward_pence"] == 130_000 - (1_000_000 - 850_000)


def test_payments_reduce_the_commitment_never_below_nothing():
    assert P.outturn(committed=900, paid=300, other=0, new=0) == 900
    assert P.outturn(committed=900, paid=1_000, other=0, new=0) == 1_000
