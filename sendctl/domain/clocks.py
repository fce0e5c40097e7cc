"""Statutory clocks: event checks, the transfer regimes and the transfer progress figures.

Due dates and statuses of every clock come from one place, sendctl.domain.engine (its
counting in sendctl.domain.counting); this module keeps the checks on recorded events and
the programme figures of `transfers status`. Pure: `as_of` is always a parameter.
"""

from datetime import date, timedelta
from typing import Any, NamedTuple

from sendctl.domain import counting as C
from sendctl.domain import rules as R
from sendctl.domain.errors import SendctlError
from sendctl.domain.problems import invalid

CORE_CLOCKS = (
    "transfer",
    "assessment_decision",
    "assessment_no_plan",
    "assessment_final",
    "annual_review",
    "review_decision",
    "phase_transfer",
)
# the further clocks (domain/further_clocks.py): shown on the dashboard only when something is due
FURTHER_CLOCKS = (
    "advice",
    "representations",
    "review_notice",
    "review_advice",
    "review_report",
    "review_proposals",
    "amended_plan",
    "post16_move",
    "reassessment",
    "mediation",
    "certificate",
    "appeal_window",
    "tribunal_order",
    "la_transfer_out",
    "new_la_notice",
    "direct_payments_review",
)
CLOCKS = CORE_CLOCKS + FURTHER_CLOCKS
TRANSFER_EVENTS = ("draft-issued", "final-issued", "no-plan", "ceased")
TRANSFER_OUTCOMES = {"final-issued": "ehcp_issued", "no-plan": "no_plan", "ceased": "ceased"}
# Ceased transfers map to SEN2 discontinuation items.
CEASE_REASONS = {
    "moved-la": "Dislea: moved to another LA",
    "left-education": "Disleft: left school at/after end of compulsory schooling",
    "needs-met": "Dismet: needs met without a statement",
    "other": "Disoth: other",
}
# withdrawn: the request (before the decision to assess) or the assessment (before the decision
# whether to issue a plan) was withdrawn or ceased; the SEN2 return's outcome W.
ASSESSMENT_EVENTS = (
    "decision-to-assess",
    "refused",
    "draft-issued",
    "final-issued",
    "no-plan",
    "withdrawn",
)
REVIEW_DECISIONS = ("keep", "amend", "cease")
RATE_WINDOW_DAYS = 56  # report setting, not law: "the rate over the last 8 weeks"
DAYS_PER_MONTH = 365.25 / 12


# --- date arithmetic ------------------------------------------------------------------------------


def add_weeks(d: date, weeks: int) -> date:
    """'Within N weeks of d': d + 7N days, d being day 0."""
    return C.within_weeks(d, weeks)


# --- transfers (; rules 1-5) ----------------------------------------------------------


class TransferDue(NamedTuple):
    due_on: date  # the date the transfer is tracked against
    anchor_on: date  # the date the per-child limit counts from (start or notice)
    per_child_on: date  # the per-child limit (14 or 18 weeks)
    statutory_on: date  # group deadline or 31 March 2018, whichever is earlier
    basis: str  # which rule produced due_on


def default_notice(started_on: date) -> date:
    """Rule 1: notice defaults to the latest allowed day, start - 14 days."""
    return started_on - timedelta(days=R.TRANSFER_NOTICE_DAYS)


def check_notice(notice_on: date, started_on: date) -> None:
    """Rule 1: notice_date <= start_date - 14 days."""
    latest = default_notice(started_on)
    if notice_on > latest:
        raise SendctlError(
            f"--notice-date {notice_on.isoformat()}: notice must be given at least "
            f"{R.TRANSFER_NOTICE_DAYS} days before the start (on or before {latest.isoformat()})"
        )


def transfer_regime(started_on: date) -> R.TransferRegime:
    for regime in R.TRANSFER_REGIMES:
        if started_on >= regime.from_on:
            return regime
    raise SendctlError(
        f"--date {started_on.isoformat()}: transfer reviews began on "
        f"{R.TRANSITION_START.isoformat()} (SI 2014/2270); a start before that is not possible"
    )


class TransferState(NamedTuple):
    started_on: date | None
    draft_on: date | None = None
    concluded_on: date | None = None
    outcome: str | None = None
    last_event_on: date | None = None


def check_transfer_event(
    state: TransferState | None, event: str, on: date, case_ref: str, reason: str | None = None
) -> None:
    """Refuse impossible sequences: no transfer, after the conclusion, before the
    start or an earlier event, a second draft, a final plan with no draft, a cease without reason."""
    if event not in TRANSFER_EVENTS:
        raise SendctlError(f"EVENT: expected one of {', '.join(TRANSFER_EVENTS)} (got {event!r})")
    if state is None or state.started_on is None:
        raise SendctlError(
            f"{case_ref}: no transfer review has been started",
            hint=f"run 'sendctl transfers start {case_ref} --date D' first",
        )
    if state.concluded_on is not None:
        raise SendctlError(
            f"{case_ref}: the transfer was already concluded ({state.outcome}) on {state.concluded_on.isoformat()}"
        )
    if on < state.started_on:
        raise invalid(
            "date",
            "invalid",
            f"{on.isoformat()}: {event} cannot be before the transfer started ({state.started_on.isoformat()})",
        )
    if state.last_event_on and on < state.last_event_on:
        raise invalid(
            "date",
            "invalid",
            f"{on.isoformat()}: events are recorded in date order; the last was on {state.last_event_on.isoformat()}",
        )
    if event == "draft-issued" and state.draft_on is not None:
        raise SendctlError(
            f"{case_ref}: a draft was already recorded on {state.draft_on.isoformat()}"
        )
    if event == "final-issued" and state.draft_on is None:
        raise SendctlError(
            f"{case_ref}: a final EHC plan needs a draft first (reg 13)",
            hint=f"record it: sendctl transfers record {case_ref} draft-issued --date D",
        )
    if event == "ceased":
        if not reason:
            raise invalid(
                "reason", "invalid", f"required for ceased (one of {', '.join(CEASE_REASONS)})"
            )
        if reason not in CEASE_REASONS:
            raise invalid(
                "reason", "invalid", f"expected one of {', '.join(CEASE_REASONS)} (got {reason!r})"
            )
    elif reason:
        raise invalid("reason", "invalid", "only for the ceased event")


# --- new assessments (; rules 8-13) ---------------------------------------------------


class AssessmentDue(NamedTuple):
    decision_on: date
    no_plan_on: date
    final_on: date


def assessment_due(received_on: date) -> AssessmentDue:
    """Rules 8, 10, 12: 6, 16 and 20 weeks from receipt (receipt day = day 0)."""
    return AssessmentDue(
        add_weeks(received_on, R.ASSESS_DECISION_WEEKS),
        add_weeks(received_on, R.ASSESS_NO_PLAN_WEEKS),
        add_weeks(received_on, R.ASSESS_FINAL_WEEKS),
    )


class AssessmentState(NamedTuple):
    received_on: date
    decided_on: date | None = None
    draft_on: date | None = None
    concluded_on: date | None = None
    outcome: str | None = None
    last_event_on: date | None = None


def check_assessment_event(
    state: AssessmentState | None, event: str, on: date, case_ref: str
) -> None:
    """Event order: request -> decision-to-assess | refused; decision -> draft-issued | no-plan;
    draft -> final-issued (or no-plan); withdrawn at any point before the final plan or a
    decision not to issue one. Dates never go backwards."""
    if event not in ASSESSMENT_EVENTS:
        raise SendctlError(f"EVENT: expected one of {', '.join(ASSESSMENT_EVENTS)} (got {event!r})")
    if state is None:
        raise SendctlError(
            f"{case_ref}: no open EHC needs assessment request",
            hint=f"run 'sendctl assessments request {case_ref} --received D' first",
        )
    if on < state.received_on:
        raise invalid(
            "date",
            "invalid",
            f"{on.isoformat()}: {event} cannot be before the request was received ({state.received_on.isoformat()})",
        )
    if state.last_event_on and on < state.last_event_on:
        raise invalid(
            "date",
            "invalid",
            f"{on.isoformat()}: events are recorded in date order; the last was on {state.last_event_on.isoformat()}",
        )
    if event in ("decision-to-assess", "refused") and state.decided_on is not None:
        raise SendctlError(
            f"{case_ref}: the decision to assess was already recorded on {state.decided_on.isoformat()}"
        )
    if event in ("draft-issued", "no-plan") and state.decided_on is None:
        raise SendctlError(
            f"{case_ref}: {event} needs a decision to assess first",
            hint=f"record it: sendctl assessments record {case_ref} decision-to-assess --date D",
        )
    if event == "draft-issued" and state.draft_on is not None:
        raise SendctlError(
            f"{case_ref}: a draft was already recorded on {state.draft_on.isoformat()}"
        )
    if event == "final-issued" and state.draft_on is None:
        raise SendctlError(
            f"{case_ref}: a final EHC plan needs a draft first (reg 13)",
            hint=f"record it: sendctl assessments record {case_ref} draft-issued --date D",
        )


# --- reviews and phase transfers (; rules 15-19) --------------------------------------


def review_decision_due(meeting_on: date) -> date:
    """Decision notified within 4 weeks of the meeting (SEND Regs 2014 reg 20(10))."""
    return C.within_weeks(meeting_on, R.REVIEW_DECISION_WEEKS)


# --- transfer progress ------------------------------------------------


def transfer_progress(
    as_of: date,
    not_started: int,
    in_progress: int,
    ehcp_issued: int,
    no_plan: int,
    ceased: int,
    concluded_recently: int,
) -> dict[str, Any]:
    """The figures of `transfers status`: share done, time left, rate needed vs achieved,
    forecast finish. concluded_recently = conclusions in the RATE_WINDOW_DAYS up to as_of."""
    concluded = ehcp_issued + no_plan + ceased
    total = not_started + in_progress + concluded
    remaining = not_started + in_progress
    deadline = R.STATUTORY_END
    left = (deadline - as_of).days
    months_left = left / DAYS_PER_MONTH if left > 0 else 0.0
    needed = round(remaining / months_left, 1) if months_left > 0 else None
    rate_month = round(concluded_recently / RATE_WINDOW_DAYS * DAYS_PER_MONTH, 1)
    if remaining == 0:
        forecast = None
        on_track = True
    elif concluded_recently > 0:
        # whole days at the recent rate, rounded up (integer maths: no float edge cases)
        forecast = as_of + timedelta(days=-(-remaining * RATE_WINDOW_DAYS // concluded_recently))
        on_track = forecast <= deadline
    else:
        forecast = None
        on_track = False
    return {
        "as_of": as_of.isoformat(),
        "total": total,
        "not_started": not_started,
        "in_progress": in_progress,
        "concluded": concluded,
        "ehcp_issued": ehcp_issued,
        "no_plan": no_plan,
        "ceased": ceased,
        "remaining": remaining,
        "pct_done": round(100.0 * concluded / total, 1) if total else 100.0,
        "deadline_on": deadline.isoformat(),
        "days_left": left,
        "needed_per_month": needed,
        "rate_per_month_last_8_weeks": rate_month,
        "forecast_finish_on": forecast.isoformat() if forecast else None,
        "on_track": on_track,
    }


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from start's month to end's month."""
    out: list[date] = []
    d = date(start.year, start.month, 1)
    while d <= end:
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        out.append(nxt - timedelta(days=1))
        d = nxt
    return out


def burndown(total: int, concluded_by_month: dict[str, int], as_of: date) -> list[dict[str, Any]]:
    """Statements remaining at each month end (to as_of) against the straight line from
    `total` at the start of the transition to zero at the statutory end date.

    concluded_by_month: {"YYYY-MM": conclusions that month}, only conclusions on/before as_of.
    """
    start = R.TRANSITION_START
    end = R.STATUTORY_END
    span = (end - start).days
    last = max(as_of, end)
    out = []
    done = 0
    for me in month_ends(start, last):
        key = me.strftime("%Y-%m")
        target = max(0, round(total * (1 - (me - start).days / span))) if me <= end else 0
        row: dict[str, Any] = {"month": key, "target": target, "remaining": None}
        if me <= as_of or key == as_of.strftime("%Y-%m"):
            done += concluded_by_month.get(key, 0)
            row["remaining"] = total - done
        out.append(row)
    # the months before the transition started carry conclusions too (imports of old data)
    early = sum(v for k, v in concluded_by_month.items() if k < start.strftime("%Y-%m"))
    if early:
        for row in out:
            if row["remaining"] is not None:
                row["remaining"] -= early
    return out
