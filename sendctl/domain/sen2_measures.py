"""The figures DfE publishes from SEN2, reproduced child by child from the return itself.

DfE does not publish its code: these rules follow the items' definitions and the statutory
clocks (SEND Regulations 2014 reg 5(1) six weeks, reg 10(1) sixteen weeks, reg 13(2) twenty
weeks, reg 20 four weeks for a review decision). "Within" counts the receipt day as day 0 and
is inclusive (6 weeks = up to 42 days later). Each child's evaluation says, for every figure,
whether the child is counted and why, so a total can be traced back child by child.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sendctl.domain.needs import years_back
from sendctl.domain.sen2 import CEASE_REASON, census_date, reference_start

SIX_WEEKS, SIXTEEN_WEEKS, TWENTY_WEEKS, FIFTY_TWO_WEEKS, FOUR_WEEKS = 42, 112, 140, 364, 28

# figure -> (section, published item, how it is counted)
FIGURES: dict[str, tuple[str, str, str]] = {
    "requests_received": (
        "requests",
        "requests_received_in_year",
        "requests received in the calendar year (outcome not H)",
    ),
    "requests_assess": ("requests", "requests_decided_to_assess", "of those, RequestOutcome Y"),
    "requests_not_assess": (
        "requests",
        "requests_decided_not_to_assess",
        "of those, RequestOutcome N",
    ),
    "requests_not_decided": (
        "requests",
        "requests_decision_not_made",
        "of those, RequestOutcome A",
    ),
    "requests_withdrawn": ("requests", "requests_withdrawn", "of those, RequestOutcome W"),
    "requests_within_6_weeks": (
        "requests",
        "request_outcome_six_weeks",
        "decided (Y or N) within 6 weeks (42 days) of receipt, reg 5(1)",
    ),
    "requests_over_6_weeks": ("requests", "request_outcome_over_6_weeks", "decided after 6 weeks"),
    "assessments_issued": (
        "assessments",
        "assess_issued",
        "AssessmentOutcome Y with the plan issued in the year",
    ),
    "assessments_not_issued": (
        "assessments",
        "assess_not_issued",
        "AssessmentOutcome N decided in the year",
    ),
    "assessments_not_made": (
        "assessments",
        "assess_not_made",
        "AssessmentOutcome A (no decision yet) after a decision to assess made in the year",
    ),
    "assessments_withdrawn": (
        "assessments",
        "assess_withdrawn",
        "AssessmentOutcome W (withdrawn before the decision whether to issue) after a decision"
        " to assess made in the year",
    ),
    "no_plan_within_16_weeks": (
        "assessments",
        "outcome_decision_within_time",
        "decision not to issue notified within 16 weeks (112 days) of the request, reg 10(1)",
    ),
    "no_plan_over_16_weeks": (
        "assessments",
        "outcome_decision_over_time",
        "notified after 16 weeks",
    ),
    "plans_issued": (
        "timeliness",
        "plans_issued_den",
        "plans issued in the year after an assessment (exception cases included)",
    ),
    "plans_within_20_weeks": (
        "timeliness",
        "plans_issued_within_20_weeks",
        "issued within 20 weeks (140 days) of the request, reg 13(2)",
    ),
    "plans_20_to_52_weeks": (
        "timeliness",
        "plans_issued_gt20weeks_ltYear",
        "issued after 20 and within 52 weeks",
    ),
    "plans_after_52_weeks": (
        "timeliness",
        "plans_issued_gt_1_year",
        "issued after 52 weeks (364 days)",
    ),
    "plans_issued_ex": (
        "timeliness",
        "plans_issued_den_ex",
        "plans issued in the year, cases with a 20-week exception (Week20 = 1) left out",
    ),
    "plans_within_20_weeks_ex": (
        "timeliness",
        "plans_issued_20_weeks_ex",
        "of those, within 20 weeks",
    ),
    "new_plans": ("plans", "new_ehc_plans", "named plans starting in the year"),
    "caseload": ("plans", "caseload", "plans in force on census day"),
    "review_expected": (
        "reviews",
        "review_expected",
        "plans in force on census day that started 12 months or more before it (UNVERIFIED:"
        " DfE's rule for a review being expected is not published; an annual review is due"
        " within 12 months of the plan, CFA 2014 s.44)",
    ),
    "review_not_expected": (
        "reviews",
        "review_not_expected",
        "plans in force on census day that started less than 12 months before it",
    ),
    "reviews_decided_within_4_weeks": (
        "reviews",
        "decision_4_weeks",
        "annual review decision notified within 4 weeks (28 days) of the meeting, reg 20",
    ),
    "reviews_decided_over_4_weeks": ("reviews", "decision_over_4_weeks", "notified after 4 weeks"),
    "phase_transfers_due_reference_year": (
        "phase_transfers",
        "due_<reference year>",
        "plans in force with a phase transfer review due in the reference year"
        " (PhaseTransferDueDate)",
    ),
    "phase_transfers_due_census_year": (
        "phase_transfers",
        "due_<census year>",
        "plans in force with a phase transfer review due in the year of census day",
    ),
    "phase_transfers_final_reference_year": (
        "phase_transfers",
        "final_<reference year>",
        "of those in force, a final plan after a phase transfer review issued in the reference"
        " year (PhaseTransferFinalDate)",
    ),
    "phase_transfers_final_census_year": (
        "phase_transfers",
        "final_<census year>",
        "a final plan after a phase transfer review issued in the year of census day",
    ),
    **{
        f"ceased_reason_{c}": ("ceased", f"ceased ({c})", f"plans ceased in the year: {t}")
        for c, t in CEASE_REASON.items()
    },
}


# averages (not counts): figure -> (section, published item, how)
AVERAGES: dict[str, tuple[str, str, str]] = {
    "avg_weeks_to_issue": (
        "timeliness",
        "avg_weeks_issue_plan",
        "average weeks from the request to the final plan, plans issued in the year"
        " (UNVERIFIED: DfE's averaging is not published; here the mean of the days / 7, to 1 dp)",
    ),
    "avg_weeks_to_issue_ex": (
        "timeliness",
        "avg_weeks_issue_plan_exc",
        "the same, 20-week exception cases left out",
    ),
}


def _d(v: str | None) -> date | None:
    try:
        return date.fromisoformat(v) if v else None
    except ValueError:
        return None


def _long(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def evaluate(p: dict[str, Any], year: int) -> Iterator[tuple[str, bool, str]]:
    """(figure, counted, why) for every figure and every request of one child."""
    census, ref0 = census_date(year), reference_start(year)
    ref1 = date(ref0.year, 12, 31)
    span = str(ref0.year)

    def in_year(d: date | None) -> bool:
        return d is not None and ref0 <= d <= ref1

    for rq in p.get("requests", []):
        recv, ro = _d(rq.get("received_on")), rq.get("request_outcome")
        rod = _d(rq.get("request_outcome_on"))
        label = (
            f"request received {_long(recv)}" if recv else "request (received date not recorded)"
        )
        # requests
        if ro == "H" or not in_year(recv):
            why = (
                f"{label}: decided before {span} (H)"
                if ro == "H"
                else f"{label}: not received in {span}"
            )
            for f in (
                "requests_received",
                "requests_assess",
                "requests_not_assess",
                "requests_not_decided",
                "requests_withdrawn",
                "requests_within_6_weeks",
                "requests_over_6_weeks",
            ):
                yield f, False, why
        else:
            yield "requests_received", True, f"{label}, in {span}"
            for f, code in (
                ("requests_assess", "Y"),
                ("requests_not_assess", "N"),
                ("requests_not_decided", "A"),
                ("requests_withdrawn", "W"),
            ):
                yield (
                    f,
                    ro == code,
                    f"{label}: request outcome {ro}"
                    + (" (withdrawn before the decision whether to assess)" if ro == "W" else ""),
                )
            if ro in ("Y", "N") and rod and recv is not None:  # recv is in the year here
                days = (rod - recv).days
                within = days <= SIX_WEEKS
                why = f"{label}, decided {_long(rod)}: {days} days ({days // 7} weeks {days % 7} days)"
                yield "requests_within_6_weeks", within, why
                yield "requests_over_6_weeks", not within, why
            else:
                for f in ("requests_within_6_weeks", "requests_over_6_weeks"):
                    yield f, False, f"{label}: no decision whether to assess (outcome {ro})"
        # assessments and 20-week timeliness
        a = rq.get("assessment")
        ao = a.get("assessment_outcome") if a else None
        aod = _d(a.get("assessment_outcome_on")) if a else None
        issued = ao == "Y" and in_year(aod)
        no_plan = ao == "N" and in_year(aod)
        if a is None:
            why = f"{label}: no assessment"
        elif ao == "H":
            why = f"{label}: assessment decided before {span} (H)"
        elif ao == "W":
            why = f"{label}: assessment withdrawn before the decision whether to issue a plan"
        elif not aod:
            why = f"{label}: assessment outcome {ao}, no plan issued or refused yet"
        else:
            why = f"{label}: assessment outcome {ao} on {_long(aod)}" + (
                "" if in_year(aod) else f", not in {span}"
            )
        yield "assessments_issued", issued, why
        yield "assessments_not_issued", no_plan, why
        # A and W carry no outcome date: such an assessment belongs to the year in which the
        # LA decided to assess (UNVERIFIED: DfE's in-year selection of assessments is not
        # published)
        assessed_in_year = ro == "Y" and in_year(rod)
        for f, code in (("assessments_not_made", "A"), ("assessments_withdrawn", "W")):
            if a is None or ao != code:
                yield f, False, why
            elif not assessed_in_year:
                yield (
                    f,
                    False,
                    f"{label}: assessment outcome {ao}, decision to assess not in {span}",
                )
            else:
                assert rod is not None  # in_year(rod) holds
                yield (
                    f,
                    True,
                    f"{label}, decided to assess {_long(rod)}: assessment outcome {ao}"
                    + (
                        " (withdrawn before the decision whether to issue a plan)"
                        if ao == "W"
                        else ""
                    ),
                )
        if no_plan and recv and aod is not None:  # no_plan implies aod is in the year
            days = (aod - recv).days
            w = f"{label}, notice that no plan will be issued {_long(aod)}: {days // 7} weeks {days % 7} days"
            yield "no_plan_within_16_weeks", days <= SIXTEEN_WEEKS, w
            yield "no_plan_over_16_weeks", days > SIXTEEN_WEEKS, w
        else:
            for f in ("no_plan_within_16_weeks", "no_plan_over_16_weeks"):
                yield f, False, why if not no_plan else f"{label}: received date not recorded"
        if issued and recv and aod is not None:  # issued implies aod is in the year
            days = (aod - recv).days
            exc = a.get("week20") == "1"
            w = f"{label}, final plan {_long(aod)}: {days // 7} weeks {days % 7} days" + (
                " (20-week exception applies)" if exc else ""
            )
            yield "plans_issued", True, w
            yield "plans_within_20_weeks", days <= TWENTY_WEEKS, w
            yield "plans_20_to_52_weeks", TWENTY_WEEKS < days <= FIFTY_TWO_WEEKS, w
            yield "plans_after_52_weeks", days > FIFTY_TWO_WEEKS, w
            yield "plans_issued_ex", not exc, w
            yield "plans_within_20_weeks_ex", not exc and days <= TWENTY_WEEKS, w
        else:
            w = why if not issued else f"{label}: received date not recorded"
            for f in (
                "plans_issued",
                "plans_within_20_weeks",
                "plans_20_to_52_weeks",
                "plans_after_52_weeks",
                "plans_issued_ex",
                "plans_within_20_weeks_ex",
            ):
                yield f, False, w
        plan = a.get("named_plan") if a else None
        if plan is None:
            continue
        start, cease = _d(plan.get("start_on")), _d(plan.get("cease_on"))
        s = f"plan started {_long(start)}" if start else "plan (no start date)"
        yield "new_plans", in_year(start), s + ("" if in_year(start) else f", not in {span}")
        active = start is not None and start <= census and (cease is None or cease > census)
        yield (
            "caseload",
            active,
            (
                f"{s}, in force on census day {_long(census)}"
                if active
                else f"{s}, ceased {_long(cease)}"
                if cease
                else s
            ),
        )
        if active and start is not None:
            year_before = years_back(census, 1)
            expected = start <= year_before
            w = (
                f"{s}, in force on census day: 12 months old by {_long(year_before)}"
                if expected
                else f"{s}: less than 12 months before census day"
            )
            yield "review_expected", expected, w
            yield "review_not_expected", not expected, w
        else:
            for f in ("review_expected", "review_not_expected"):
                yield f, False, f"{s}, not in force on census day"
        ap0 = rq.get("active_plans") or {}
        due, final = _d(ap0.get("phase_due_on")), _d(ap0.get("phase_final_on"))
        for f, d, label2 in (
            ("phase_transfers_due_reference_year", due, "phase transfer review due"),
            ("phase_transfers_due_census_year", due, "phase transfer review due"),
            ("phase_transfers_final_reference_year", final, "final plan after the review"),
            ("phase_transfers_final_census_year", final, "final plan after the review"),
        ):
            y = ref0.year if f.endswith("reference_year") else census.year
            if not active or d is None:
                yield f, False, f"{s}: no {label2} recorded" if active else f"{s}, not in force"
            else:
                yield (
                    f,
                    d.year == y,
                    f"{s}: {label2} {_long(d)}" + ("" if d.year == y else f", not in {y}"),
                )
        reason = plan.get("cease_reason")
        for c in CEASE_REASON:
            hit = in_year(cease) and reason == c
            yield (
                f"ceased_reason_{c}",
                hit,
                f"{s}, ceased {_long(cease)} reason {reason}" if cease else f"{s}, not ceased",
            )
        ap = rq.get("active_plans")
        meet = _d(ap.get("review_meeting_on")) if ap else None
        dec = _d(ap.get("last_review_on")) if ap else None
        if meet and dec and in_year(dec):
            days = (dec - meet).days
            w = f"annual review meeting {_long(meet)}, decision notified {_long(dec)}: {days} days"
            yield "reviews_decided_within_4_weeks", days <= FOUR_WEEKS, w
            yield "reviews_decided_over_4_weeks", days > FOUR_WEEKS, w
        else:
            w = (
                "no annual review meeting recorded"
                if not meet
                else f"annual review meeting {_long(meet)}: "
                + ("no decision recorded" if not dec else f"decision {_long(dec)} not in {span}")
            )
            for f in ("reviews_decided_within_4_weeks", "reviews_decided_over_4_weeks"):
                yield f, False, w


def issue_days(p: dict[str, Any], year: int) -> Iterator[tuple[int, bool]]:
    """(days from the request to the final plan, 20-week exception) for each plan issued in
    the reference year after an assessment: the base of the average weeks to issue."""
    ref0 = reference_start(year)
    ref1 = date(ref0.year, 12, 31)
    for rq in p.get("requests", []):
        a = rq.get("assessment") or {}
        recv, aod = _d(rq.get("received_on")), _d(a.get("assessment_outcome_on"))
        if a.get("assessment_outcome") == "Y" and recv and aod and ref0 <= aod <= ref1:
            yield (aod - recv).days, a.get("week20") == "1"


def explain(p: dict[str, Any] | None, year: int) -> list[dict[str, Any]]:
    """Every figure, counted first: one row per figure and request, with the reason."""
    rows: list[dict[str, Any]] = []
    if p is None:
        for f in FIGURES:
            rows.append(
                {
                    "figure": f,
                    "counted": False,
                    "why": "not in this return: no plan in force or ceased, and no request or "
                    "assessment in the year or still open on census day",
                }
            )
        return rows
    seen: set[str] = set()
    for f, counted, why in evaluate(p, year):
        rows.append({"figure": f, "counted": counted, "why": why})
        seen.add(f)
    for f in FIGURES:
        if f not in seen:
            rows.append({"figure": f, "counted": False, "why": "no plan returned for this child"})
    order = list(FIGURES)
    rows.sort(key=lambda r: (not r["counted"], order.index(r["figure"])))
    return rows


def totals(persons: Iterable[dict[str, Any]], year: int) -> dict[str, Any]:
    """Every figure's count, and the averages (None when there is nothing to average)."""
    out: dict[str, Any] = dict.fromkeys(FIGURES, 0)
    days: list[int] = []
    days_ex: list[int] = []
    for p in persons:
        for f, counted, _ in evaluate(p, year):
            out[f] += counted
        for n, exc in issue_days(p, year):
            days.append(n)
            if not exc:
                days_ex.append(n)
    out["avg_weeks_to_issue"] = round(sum(days) / len(days) / 7, 1) if days else None
    out["avg_weeks_to_issue_ex"] = round(sum(days_ex) / len(days_ex) / 7, 1) if days_ex else None
    return out
