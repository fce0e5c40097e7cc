"""Statutory clocks: due dates from events and the rules (domain.md §1-3, §8; rules 1-21).

Pure functions: `today`/`as_of` is always a parameter; every statutory figure comes from
sendctl.domain.rules. Week and day clocks are calendar clocks (domain.md §8: holidays never
pause them); month clocks use relativedelta (31 Jan + 1 month = 28/29 Feb).
"""

from datetime import date, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from sendctl.domain import rules as R
from sendctl.domain.errors import SendctlError

CLOCKS = (
    "transfer",
    "assessment_decision",
    "assessment_no_plan",
    "assessment_final",
    "annual_review",
    "review_decision",
    "phase_transfer",
)
TRANSFER_EVENTS = ("draft-issued", "final-issued", "no-plan", "ceased")
TRANSFER_OUTCOMES = {"final-issued": "ehcp_issued", "no-plan": "no_plan", "ceased": "ceased"}
# Ceased transfers map to SEN2 discontinuation items (domain.md §1, rule 6).
CEASE_REASONS = {
    "moved-la": "Dislea: moved to another LA",
    "left-education": "Disleft: left school at/after end of compulsory schooling",
    "needs-met": "Dismet: needs met without a statement",
    "other": "Disoth: other",
}
ASSESSMENT_EVENTS = ("decision-to-assess", "refused", "draft-issued", "final-issued", "no-plan")
REVIEW_DECISIONS = ("keep", "amend", "cease")
RATE_WINDOW_DAYS = 56  # report setting, not law: "the rate over the last 8 weeks" (issue 4)
DAYS_PER_MONTH = 365.25 / 12


# --- date arithmetic ------------------------------------------------------------------------------


def add_weeks(d: date, weeks: int) -> date:
    """'Within N weeks of d': d + 7N days, d being day 0 (domain.md §2 week counting)."""
    return d + timedelta(weeks=weeks)


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month end (relativedelta): 2016-02-29 + 12 = 2017-02-28."""
    return d + relativedelta(months=months)


def academic_year_end(d: date) -> int:
    """The calendar year in which the academic year containing d ends (Sep-Aug)."""
    return d.year + 1 if d.month >= R.ACADEMIC_YEAR_START_MONTH else d.year


def academic_year_start(d: date) -> date:
    return date(academic_year_end(d) - 1, R.ACADEMIC_YEAR_START_MONTH, 1)


def is_working_day(d: date) -> bool:
    """Not Saturday, Sunday or an England & Wales bank holiday (domain.md §8)."""
    if d.year not in R.BANK_HOLIDAY_YEARS:
        raise SendctlError(
            f"no bank holiday data for {d.year} (sendctl knows "
            f"{min(R.BANK_HOLIDAY_YEARS)}-{max(R.BANK_HOLIDAY_YEARS)}); add them to rules.BANK_HOLIDAYS"
        )
    return d.weekday() < 5 and d not in R.BANK_HOLIDAYS


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after d (rule 20: 15 working days for an inter-LA transfer)."""
    out = d
    while n > 0:
        out += timedelta(days=1)
        if is_working_day(out):
            n -= 1
    return out


def days_left(due_on: date, as_of: date) -> int:
    """Days from as_of to due_on; negative when overdue."""
    return (due_on - as_of).days


def clock_status(due_on: date, as_of: date, within: int, done_on: date | None = None) -> str:
    """design §4: met/missed once the event happened; else overdue, due (within the window)
    or upcoming."""
    if done_on is not None and done_on <= as_of:
        return "met" if done_on <= due_on else "missed"
    if as_of > due_on:
        return "overdue"
    if (due_on - as_of).days <= within:
        return "due"
    return "upcoming"


# --- transfers (domain.md §1; rules 1-5) ----------------------------------------------------------


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


def transfer_anchor_on(started_on: date, notice_on: date, anchor: str | None = None) -> date:
    """The date the per-child limit counts from: the start, or the notice (Order as made,
    or TRANSFER_ANCHOR = "notice")."""
    regime = transfer_regime(started_on)
    anchor = anchor or R.TRANSFER_ANCHOR
    if regime.from_on == R.TRANSFER_WEEKS_18_FROM and anchor == "notice":
        return notice_on
    return started_on if regime.anchor == "start" else notice_on


def per_child_transfer_due(started_on: date, notice_on: date, anchor: str | None = None) -> date:
    """Rules 2-3: the per-child limit by the date the review started.

    anchor ("start"/"notice", default rules.TRANSFER_ANCHOR) only matters from 1 Sep 2015,
    where start + 18 weeks and notice + 20 weeks are the two readings (domain.md §1).
    """
    regime = transfer_regime(started_on)
    anchor = anchor or R.TRANSFER_ANCHOR
    if regime.from_on == R.TRANSFER_WEEKS_18_FROM and anchor == "notice":
        return add_weeks(notice_on, R.TRANSFER_WEEKS_FROM_NOTICE)
    base = started_on if regime.anchor == "start" else notice_on
    return add_weeks(base, regime.weeks)


def group_deadline(year_group: str | None, on: date, setting: str | None = None) -> date | None:
    """Rule 4 group deadline for a child in year_group during the academic year of `on`."""
    if not year_group:
        return None
    year = academic_year_end(on)
    found = []
    for g in R.TRANSFER_GROUP_DEADLINES:
        if year_group in g.year_groups and year in g.years:
            if g.setting_contains and g.setting_contains not in (setting or "").lower():
                continue
            found.append(date(year, *g.month_day))
    return min(found) if found else None  # art 14(4): the earliest applicable date


def statutory_transfer_deadline(year_group: str | None, on: date, setting: str | None = None) -> date:
    """Rule 4: min(group deadline, 31 March 2018)."""
    g = group_deadline(year_group, on, setting)
    return min(g, R.STATUTORY_END) if g else R.STATUTORY_END


def transfer_due(
    started_on: date,
    notice_on: date | None = None,
    year_group: str | None = None,
    setting: str | None = None,
    anchor: str | None = None,
) -> TransferDue:
    """The date a transfer review is tracked against (rules 1-5).

    due = min(per-child limit, group deadline, 31 March 2018). A review started after its
    statutory deadline had already passed (e.g. after 31 March 2018, art 17: "as soon as
    reasonably practicable") keeps the per-child limit as its target, so a due date is never
    before its start; such a transfer is reported as past the statutory deadline.
    """
    notice_on = notice_on or default_notice(started_on)
    anchor_on = transfer_anchor_on(started_on, notice_on, anchor)
    per_child = per_child_transfer_due(started_on, notice_on, anchor)
    statutory = statutory_transfer_deadline(year_group, started_on, setting)
    if statutory < started_on:
        return TransferDue(per_child, anchor_on, per_child, statutory,
                           "per-child limit (started after the statutory deadline)")
    if statutory < per_child:
        basis = "31 March 2018" if statutory == R.STATUTORY_END else "group deadline"
        return TransferDue(statutory, anchor_on, per_child, statutory, basis)
    return TransferDue(per_child, anchor_on, per_child, statutory, "per-child limit")


class TransferState(NamedTuple):
    started_on: date | None
    draft_on: date | None = None
    concluded_on: date | None = None
    outcome: str | None = None
    last_event_on: date | None = None


def check_transfer_event(state: TransferState | None, event: str, on: date, case_ref: str,
                         reason: str | None = None) -> None:
    """Refuse impossible sequences (issue 4): no transfer, after the conclusion, before the
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
        raise SendctlError(
            f"--date {on.isoformat()}: {event} cannot be before the transfer started ({state.started_on.isoformat()})"
        )
    if state.last_event_on and on < state.last_event_on:
        raise SendctlError(
            f"--date {on.isoformat()}: events are recorded in date order; the last was on {state.last_event_on.isoformat()}"
        )
    if event == "draft-issued" and state.draft_on is not None:
        raise SendctlError(f"{case_ref}: a draft was already recorded on {state.draft_on.isoformat()}")
    if event == "final-issued" and state.draft_on is None:
        raise SendctlError(
            f"{case_ref}: a final EHC plan needs a draft first (reg 13)",
            hint=f"record it: sendctl transfers record {case_ref} draft-issued --date D",
        )
    if event == "ceased":
        if not reason:
            raise SendctlError(f"--reason: required for ceased (one of {', '.join(CEASE_REASONS)})")
        if reason not in CEASE_REASONS:
            raise SendctlError(f"--reason: expected one of {', '.join(CEASE_REASONS)} (got {reason!r})")
    elif reason:
        raise SendctlError("--reason: only for the ceased event")


# --- new assessments (domain.md §2; rules 8-13) ---------------------------------------------------


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


def check_assessment_event(state: AssessmentState | None, event: str, on: date, case_ref: str) -> None:
    """Event order: request -> decision-to-assess | refused; decision -> draft-issued | no-plan;
    draft -> final-issued (or no-plan). Dates never go backwards."""
    if event not in ASSESSMENT_EVENTS:
        raise SendctlError(f"EVENT: expected one of {', '.join(ASSESSMENT_EVENTS)} (got {event!r})")
    if state is None:
        raise SendctlError(
            f"{case_ref}: no open EHC needs assessment request",
            hint=f"run 'sendctl assessments request {case_ref} --received D' first",
        )
    if on < state.received_on:
        raise SendctlError(
            f"--date {on.isoformat()}: {event} cannot be before the request was received ({state.received_on.isoformat()})"
        )
    if state.last_event_on and on < state.last_event_on:
        raise SendctlError(
            f"--date {on.isoformat()}: events are recorded in date order; the last was on {state.last_event_on.isoformat()}"
        )
    if event in ("decision-to-assess", "refused") and state.decided_on is not None:
        raise SendctlError(f"{case_ref}: the decision to assess was already recorded on {state.decided_on.isoformat()}")
    if event in ("draft-issued", "no-plan") and state.decided_on is None:
        raise SendctlError(
            f"{case_ref}: {event} needs a decision to assess first",
            hint=f"record it: sendctl assessments record {case_ref} decision-to-assess --date D",
        )
    if event == "draft-issued" and state.draft_on is not None:
        raise SendctlError(f"{case_ref}: a draft was already recorded on {state.draft_on.isoformat()}")
    if event == "final-issued" and state.draft_on is None:
        raise SendctlError(
            f"{case_ref}: a final EHC plan needs a draft first (reg 13)",
            hint=f"record it: sendctl assessments record {case_ref} draft-issued --date D",
        )


# --- reviews and phase transfers (domain.md §3; rules 15-19) --------------------------------------


def is_under_5(date_of_birth: date | None, on: date) -> bool:
    if date_of_birth is None:
        return False
    return add_months(date_of_birth, 12 * R.REVIEW_UNDER5_AGE) > on


def review_interval_months(date_of_birth: date | None, anchor: date) -> int:
    """Rule 15: 12 months; under-5s (on the anchor date) 6 months (configurable in rules)."""
    return R.REVIEW_UNDER5_MONTHS if is_under_5(date_of_birth, anchor) else R.REVIEW_MONTHS


def next_review_due(
    plan_issued_on: date | None, last_meeting_on: date | None, date_of_birth: date | None = None
) -> date | None:
    """Rule 15: 12 months (6 for under-5s) from the later of the plan and the last review."""
    anchors = [d for d in (plan_issued_on, last_meeting_on) if d is not None]
    if not anchors:
        return None
    anchor = max(anchors)
    return add_months(anchor, review_interval_months(date_of_birth, anchor))


def review_decision_due(meeting_on: date) -> date:
    """Rule 17: decision notified within 4 weeks of the meeting (reg 20(10))."""
    return add_weeks(meeting_on, R.REVIEW_DECISION_WEEKS)


def phase_transfer_due(year_group: str | None, on: date, setting: str | None = None) -> date | None:
    """Rule 19: 15 Feb (31 Mar for post-16) of the year of transfer, for a child in the last
    year of a phase during the academic year of `on`; None otherwise."""
    for p in R.PHASE_TRANSFERS:
        if p.year_group == year_group:
            if p.setting_contains and p.setting_contains not in (setting or "").lower():
                continue
            return date(academic_year_end(on), *p.month_day)
    return None


# --- transfer progress (issue 4: transfers status) ------------------------------------------------


def transfer_progress(
    as_of: date,
    not_started: int,
    in_progress: int,
    ehcp_issued: int,
    no_plan: int,
    ceased: int,
    concluded_recently: int,
) -> dict:
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
    out = []
    d = date(start.year, start.month, 1)
    while d <= end:
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        out.append(nxt - timedelta(days=1))
        d = nxt
    return out


def burndown(total: int, concluded_by_month: dict[str, int], as_of: date) -> list[dict]:
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
        row = {"month": key, "target": target, "remaining": None}
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
