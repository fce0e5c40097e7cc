"""The clock engine: every statutory clock of one case, from its history and an as-of date.

One pure function, `case_clocks(history, as_of, within)`, gives every clock's due date (the
last lawful day), its status and the rule, anchor event and date that produced it. Every
listing (deadlines, cases show, transfers, status, notify, SEN2) reads its clocks from here.

Replay: `history.as_of(d)` drops every event dated after d, so any past day shows what the
service would have seen then, whatever day the events were typed in.

Statuses: `due` (within the window), `overdue` (past its last lawful day), `upcoming`, `met` /
`missed` (the event happened on or before / after the last lawful day), `excused` (after it,
for a reason the statute says relieves the authority of the time limit, recorded with the
event), `not_applicable` (a later event made it moot), `guidance` (not a statutory duty,
never a breach).
"""

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sendctl.domain import counting as C
from sendctl.domain import further_clocks as F
from sendctl.domain import rules as R

RUNNING = ("overdue", "due", "upcoming", "guidance")


# --- year group (derived, never stored) -----------------------------------------------------------


def academic_year(d: date) -> int:
    """The year the academic year containing d began (1 September)."""
    return d.year if d.month >= R.ACADEMIC_YEAR_START_MONTH else d.year - 1


def year_group(date_of_birth: date, on: date, offset: int = 0) -> int:
    """National curriculum year on `on`: A - C - 5 (+ a recorded out-of-year-group offset).

    A = academic_year(on), C = academic_year(date_of_birth); 0 = Reception, -1 = the year
    before. Born 2006-03-15: 2016-04-01 -> 5, 2016-10-03 -> 6, 2017-10-02 -> 7.
    """
    return academic_year(on) - academic_year(date_of_birth) - 5 + offset


def year_label(n: int | None) -> str | None:
    """How sendctl writes a year group: N1, N2, R, 1..14 (None outside that range)."""
    if n is None:
        return None
    if n == -2:
        return "N1"
    if n == -1:
        return "N2"
    if n == 0:
        return "R"
    if 1 <= n <= 14:
        return str(n)
    return None


def year_number(label: str | None) -> int | None:
    """The inverse of year_label."""
    if not label:
        return None
    return {"N1": -2, "N2": -1, "R": 0}.get(label, None) if not label.isdigit() else int(label)


# --- the history --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    """A statement's transfer review (SI 2014/2270)."""

    started_on: date
    notice_on: date
    draft_on: date | None = None
    concluded_on: date | None = None
    outcome: str | None = None  # ehcp_issued | no_plan | ceased


@dataclass(frozen=True)
class Assessment:
    """A new EHC needs assessment request and its events."""

    received_on: date
    decided_on: date | None = None
    decision: str | None = None  # assess | refused
    draft_on: date | None = None
    concluded_on: date | None = None
    outcome: str | None = None  # refused | ehcp_issued | no_plan | withdrawn
    exception: str | None = None


@dataclass(frozen=True)
class Review:
    meeting_on: date
    decision: str | None = None  # keep | amend | cease
    decided_on: date | None = None


@dataclass(frozen=True)
class History:
    """What is known of one case. Dates only; no names or identifiers beyond the reference.

    plan_type / plan_made_on: the plan held before any recorded transfer or assessment made
    an EHC plan (a statement, an EHCP made on plan_made_on, or none).
    amended_finals: dates an amended final plan naming the next setting was issued (reg 22(3)).
    ended_on / end_reason: the plan ceased (s.45) or moved to another LA (reg 15).
    stays_sixth_form: a Year 11 pupil staying in the same school's sixth form (no phase transfer).
    """

    case_ref: str
    date_of_birth: date | None
    plan_type: str | None
    plan_made_on: date | None = None
    year_offset: int = 0
    setting: str = ""
    stays_sixth_form: bool = False
    transfer: Transfer | None = None
    assessments: tuple[Assessment, ...] = ()
    reviews: tuple[Review, ...] = ()
    amended_finals: tuple[date, ...] = ()
    ended_on: date | None = None
    end_reason: str | None = None
    moved_in_on: date | None = None
    moved_in_last_review: date | None = None  # the old LA's last review of a plan moved in
    further: tuple[F.Event, ...] = ()  # advice, appeals, review steps ... (further_clocks)

    def as_of(self, day: date) -> "History":
        """The history as the service knew it on `day`: every later event dropped."""

        def keep(d: date | None) -> date | None:
            return d if d is not None and d <= day else None

        t = self.transfer
        if t is not None:
            if t.started_on > day:
                t = None
            else:
                concluded = keep(t.concluded_on)
                t = Transfer(
                    t.started_on,
                    t.notice_on,
                    keep(t.draft_on),
                    concluded,
                    t.outcome if concluded else None,
                )
        assessments = []
        for a in self.assessments:
            if a.received_on > day:
                continue
            decided = keep(a.decided_on)
            concluded = keep(a.concluded_on)
            assessments.append(
                replace(
                    a,
                    decided_on=decided,
                    decision=a.decision if decided else None,
                    draft_on=keep(a.draft_on),
                    concluded_on=concluded,
                    outcome=a.outcome if concluded else None,
                )
            )
        reviews = []
        for r in self.reviews:
            if r.meeting_on > day:
                continue
            decided = keep(r.decided_on)
            reviews.append(Review(r.meeting_on, r.decision if decided else None, decided))
        ended = keep(self.ended_on)
        plan_made = self.plan_made_on if self.plan_made_on and self.plan_made_on <= day else None
        plan_type = self.plan_type
        if self.plan_made_on and self.plan_made_on > day:
            plan_type = None  # the statement or plan was not made yet
        return replace(
            self,
            transfer=t,
            assessments=tuple(assessments),
            reviews=tuple(reviews),
            amended_finals=tuple(d for d in self.amended_finals if d <= day),
            ended_on=ended,
            end_reason=self.end_reason if ended else None,
            plan_type=plan_type,
            plan_made_on=plan_made,
            moved_in_on=keep(self.moved_in_on),
            moved_in_last_review=self.moved_in_last_review if keep(self.moved_in_on) else None,
            further=tuple(e for e in self.further if e.on <= day),
        )

    # --- the plan in force ----------------------------------------------------------------

    def ehcp_made_on(self) -> date | None:
        """The date the EHC plan in force was first made (from a transfer, an assessment or
        the register)."""
        if self.transfer and self.transfer.outcome == "ehcp_issued":
            return self.transfer.concluded_on
        finals = [a.concluded_on for a in self.assessments if a.outcome == "ehcp_issued"]
        if finals:
            return max(d for d in finals if d is not None)
        if self.plan_type == "ehcp":
            return self.plan_made_on
        return None

    def plan_in_force(self) -> str | None:
        """statement | ehcp | None, after the events in this history."""
        if self.ended_on is not None:
            return None
        if self.ehcp_made_on() is not None or self.plan_type == "ehcp":
            return "ehcp"
        if self.plan_type == "statement":
            if self.transfer and self.transfer.outcome in ("no_plan", "ceased"):
                return None
            return "statement"
        return None


@dataclass(frozen=True)
class Clock:
    """One clock of one case on one as-of date."""

    clock: str
    rule_id: str
    due_on: date
    status: str
    anchor: str  # the anchor event, in words
    anchor_on: date | None
    done_on: date | None = None
    detail: str = ""
    days_left: int | None = None
    legal_ref: str = field(default="")
    # What the status is made of, so that a stored copy can give it for another day (see
    # standing_clocks): a status fixed whatever the day (met, missed, not_applicable, guidance),
    # the status a window takes once its last day has passed, and the days (as-of dates) on
    # which this clock exists at all (a phase transfer in one academic year; the under-5
    # guidance while the child is under 5; a window of an ended plan once it has closed).
    fixed_status: str | None = field(default=None, compare=False)
    when_passed: str | None = field(default=None, compare=False)
    applies_from: date | None = field(default=None, compare=False)
    applies_to: date | None = field(default=None, compare=False)

    def applies(self, as_of: date) -> bool:
        return (self.applies_from is None or self.applies_from <= as_of) and (
            self.applies_to is None or as_of <= self.applies_to
        )

    def explain(self) -> str:
        """Which rule, which anchor event and which date produced the due date."""
        rule = R.CLOCK_RULE_BY_ID[self.rule_id]
        anchor = f"{self.anchor} {self.anchor_on.isoformat()}" if self.anchor_on else self.anchor
        return (
            f"{rule.legal_ref}: \"{rule.words}\" ({rule.period}, read as '{rule.phrase}'); "
            f"anchor: {anchor}; last lawful day {self.due_on.isoformat()}"
        )


def _status(due_on: date, as_of: date, within: int, done_on: date | None) -> str:
    if done_on is not None:
        return "met" if done_on <= due_on else "missed"
    if as_of > due_on:
        return "overdue"
    if (due_on - as_of).days <= within:
        return "due"
    return "upcoming"


def status_on(
    fixed_status: str | None, when_passed: str | None, due_on: date, as_of: date, within: int
) -> tuple[str, int | None, bool]:
    """(status, days left, whether the window has passed) of a clock on as_of from what does
    not depend on the day: its fixed status (met/missed are fixed once done), the status a
    window takes once passed, and its last lawful day. The one place a status is decided."""
    passed = fixed_status is None and when_passed is not None and as_of > due_on
    st = fixed_status or (when_passed if passed and when_passed else None)
    st = st or _status(due_on, as_of, within, None)
    return st, ((due_on - as_of).days if st in RUNNING else None), passed


def passed_detail(due_on: date, detail: str) -> str:
    """The detail of a window whose last day has passed."""
    return f"period ended {due_on.isoformat()}; {detail}"


def _make(
    rule_id: str,
    due_on: date,
    as_of: date,
    within: int,
    anchor: str,
    anchor_on: date | None,
    done_on: date | None = None,
    detail: str = "",
    status: str | None = None,
    when_passed: str | None = None,
) -> Clock:
    rule = R.CLOCK_RULE_BY_ID[rule_id]
    fixed = status or (_status(due_on, as_of, 0, done_on) if done_on is not None else None)
    st, left, passed = status_on(fixed, when_passed, due_on, as_of, within)
    return Clock(
        rule.clock,
        rule_id,
        due_on,
        st,
        anchor,
        anchor_on,
        done_on,
        passed_detail(due_on, detail) if passed else detail,
        left,
        rule.legal_ref,
        fixed,
        when_passed,
    )


def words_date(d: date) -> str:
    """'15 Feb 2017' (how the detail quotes a statutory date)."""
    return f"{d.day} {d.strftime('%b %Y')}"


# --- transfers (SI 2014/2270 arts 12-17) ----------------------------------------------------------


def transfer_groups(
    date_of_birth: date | None, offset: int = 0, setting: str = "", stays_sixth_form: bool = False
) -> list[tuple[date, str, str]]:
    """Every statutory group deadline that applies to the child: (last lawful day, rule id,
    the statute's date in words). The earliest applies (art 14(4)); art 14(5) always applies."""
    end = R.ART14_END_NAMED
    out: list[tuple[date, str, str]] = [
        (C.before(end), "transfer_art14_5_end", f"before {words_date(end)}")
    ]
    if date_of_birth is None:
        return out
    infant = "infant" in setting.lower()
    for a in R.TRANSITION_ACADEMIC_YEARS:
        yg = a - academic_year(date_of_birth) - 5 + offset  # year group in academic year a
        move = a + 1  # calendar year of the phase transfer at the end of academic year a
        if yg == R.SECONDARY_LAST and move == R.ART12_NAMED.year and not stays_sixth_form:
            named = R.ART12_NAMED
            out.append(
                (C.before(named), "transfer_art12_post16_2015", f"before {words_date(named)}")
            )
        if move in R.ART14_YEARS:
            if yg == R.SECONDARY_LAST and not stays_sixth_form:
                named = date(move, *R.PHASE_TRANSFER_POST16)
                out.append(
                    (C.before(named), "transfer_art14_3a_post16", f"before {words_date(named)}")
                )
            if yg in (R.YEAR_BEFORE_RECEPTION, R.PRIMARY_LAST) or (yg == R.INFANT_LAST and infant):
                named = date(move, *R.PHASE_TRANSFER_FEB)
                out.append(
                    (C.before(named), "transfer_art14_3b_phase", f"before {words_date(named)}")
                )
        if yg == R.YEAR_9 and a in R.ART14_YEARS:
            # "comes to be in year 9 during 2016 or 2017": Year 10 begins the next September
            last = C.before(date(a + 1, R.ACADEMIC_YEAR_START_MONTH, 1))
            if R.CAP_YEAR9_AT_END and last >= C.before(end):
                continue  # capped: art 14(5)'s date, already in the list, applies
            out.append((last, "transfer_art14_3c_year9", "before the child begins Year 10"))
    return out


def per_child_limit(started_on: date, notice_on: date) -> tuple[date, str, str, date]:
    """(last day, rule id, anchor in words, anchor date) of the per-child transfer limit."""
    if started_on >= R.TRANSFER_WEEKS_18_FROM:
        if R.TRANSFER_ANCHOR == "notice":
            return (
                C.within_weeks(notice_on, R.TRANSFER_WEEKS_FROM_NOTICE),
                "transfer_start_18w",
                "notice",
                notice_on,
            )
        return (
            C.within_weeks(started_on, R.TRANSFER_WEEKS_FROM_START),
            "transfer_start_18w",
            "transfer review started",
            started_on,
        )
    if started_on >= R.TRANSFER_14_WEEKS_FROM_START_FROM:
        return (
            C.within_weeks(started_on, R.TRANSFER_OLD_WEEKS),
            "transfer_start_14w",
            "transfer review started",
            started_on,
        )
    return (
        C.within_weeks(notice_on, R.TRANSFER_OLD_WEEKS),
        "transfer_notice_14w",
        "notice",
        notice_on,
    )


def transfer_facts(h: History, k: Clock, as_of: date) -> tuple[str, date | None, str | None]:
    """(state, concluded on, outcome) of a statement's transfer on as_of, given the engine's
    transfer clock k for that day: one reading for `transfers list/status` and the store."""
    cut = h.as_of(as_of)
    t = cut.transfer
    state = "not_started" if t is None else ("concluded" if t.concluded_on else "in_progress")
    if k.status == "not_applicable":
        state = "concluded"  # the statement ceased (cases end) without a transfer
    concluded_on = t.concluded_on if t else (cut.ended_on if state == "concluded" else None)
    outcome = t.outcome if t and t.concluded_on else ("ceased" if state == "concluded" else None)
    return state, concluded_on, outcome


def _transfer_clock(h: History, as_of: date, within: int) -> Clock | None:
    if h.plan_type != "statement":
        return None
    t = h.transfer
    groups = transfer_groups(h.date_of_birth, h.year_offset, h.setting, h.stays_sixth_form)
    group_day, group_rule, group_words = min(groups)
    due, rule_id, anchor, anchor_on, words = (
        group_day,
        group_rule,
        "statutory group",
        None,
        group_words,
    )
    if t is not None:
        limit, limit_rule, limit_anchor, limit_on = per_child_limit(t.started_on, t.notice_on)
        if limit < group_day:
            due, rule_id, anchor, anchor_on = limit, limit_rule, limit_anchor, limit_on
            words = f"per-child limit; statutory {group_words}"
    if h.ended_on is not None and (t is None or t.concluded_on is None):
        return _make(
            rule_id,
            due,
            as_of,
            within,
            anchor,
            anchor_on,
            detail=f"statement ceased {h.ended_on}",
            status="not_applicable",
        )
    if t is None:
        return _make(rule_id, due, as_of, within, anchor, anchor_on, detail=f"not started; {words}")
    if t.concluded_on is not None:
        return _make(
            rule_id, due, as_of, within, anchor, anchor_on, t.concluded_on, f"{t.outcome}; {words}"
        )
    state = f"draft issued {t.draft_on}" if t.draft_on else f"started {t.started_on}"
    return _make(rule_id, due, as_of, within, anchor, anchor_on, detail=f"{state}; {words}")


# --- new assessments (SEND Regs 2014 regs 5, 10, 13) ----------------------------------------------


def _assessment_clocks(a: Assessment, as_of: date, within: int) -> list[Clock]:
    rx = a.received_on
    exc = f"; exception: {a.exception}" if a.exception else ""

    def clock(
        rule_id: str,
        weeks: int,
        done: date | None = None,
        detail: str = "",
        status: str | None = None,
    ) -> Clock:
        """One of the request's clocks: every one runs from the day the request was received.
        Done late with an exception recorded, it is excused: regs 5(4), 10(4) and 13(3) say the
        authority need not comply with the time limit for those reasons."""
        due = C.within_weeks(rx, weeks)
        if status is None and a.exception and done is not None and done > due:
            status = "excused"
        return _make(
            rule_id,
            due,
            as_of,
            within,
            "request received",
            rx,
            done,
            detail,
            status,
        )

    na = "not_applicable"
    decision = clock(
        "assessment_decision_6w",
        R.ASSESS_DECISION_WEEKS,
        a.decided_on,
        f"{a.decision or 'no decision yet'}{exc}",
    )
    no_plan, final = "assessment_no_plan_16w", "assessment_final_20w"
    no_plan_w, final_w = R.ASSESS_NO_PLAN_WEEKS, R.ASSESS_FINAL_WEEKS
    if a.outcome == "withdrawn":
        why = f"not applicable: withdrawn {a.concluded_on}"
        return [
            decision
            if a.decided_on
            else clock("assessment_decision_6w", R.ASSESS_DECISION_WEEKS, detail=why, status=na),
            clock(no_plan, no_plan_w, detail=why, status=na),
            clock(final, final_w, detail=why, status=na),
        ]
    if a.outcome == "refused":
        why = "not applicable: refused to assess"
        return [
            decision,
            clock(no_plan, no_plan_w, detail=why, status=na),
            clock(final, final_w, detail=why, status=na),
        ]
    # 16 weeks: only a decision NOT to issue a plan meets or breaks it (reg 10(1)); a draft
    # neither meets nor breaks it; a final plan makes it moot.
    if a.outcome == "no_plan":
        sixteen = clock(no_plan, no_plan_w, a.concluded_on, f"no-plan decision notified{exc}")
    elif a.outcome == "ehcp_issued":
        sixteen = clock(no_plan, no_plan_w, detail="not applicable: a plan was issued", status=na)
    elif a.draft_on is not None:
        sixteen = clock(
            no_plan,
            no_plan_w,
            detail=f"draft issued {a.draft_on}: the LA is issuing a plan",
            status=na,
        )
    else:
        sixteen = clock(no_plan, no_plan_w, detail=f"received {rx}{exc}")
    # 20 weeks: the final plan (reg 13(2)); not applicable after a no-plan decision.
    if a.outcome == "no_plan":
        twenty = clock(
            final, final_w, detail="not applicable: decided not to issue a plan", status=na
        )
    elif a.outcome == "ehcp_issued":
        twenty = clock(final, final_w, a.concluded_on, f"final plan issued{exc}")
    else:
        state = f"draft issued {a.draft_on}" if a.draft_on else f"received {rx}"
        twenty = clock(final, final_w, detail=f"{state}{exc}")
    return [decision, sixteen, twenty]


# --- annual reviews (CFA 2014 s.44; EA 1996 s.328(5)) and review decisions (reg 20(10)) ---------


def review_decided_on(h: History, r: Review) -> date | None:
    """When the decision on a review was notified: the decision as recorded, else the day the
    amendment proposals were sent (reg 22(2)(a): they are the notice of a decision to amend)."""
    if r.decided_on is not None:
        return r.decided_on
    meeting = r.meeting_on.isoformat()
    sent = [
        e.on
        for e in h.further
        if e.kind == "review" and e.event == "proposals" and e.detail == meeting
    ]
    return min(sent) if sent else None


def review_anchors(h: History) -> list[tuple[str, date]]:
    """Each 12-month period's start, oldest first: the plan first made, then the date each
    review was concluded (the decision notified; the meeting where that is all that is
    recorded). An amended plan does not move it. The last is the current period's."""
    plan = h.plan_in_force()
    if plan is None:
        return []
    made = h.ehcp_made_on() if plan == "ehcp" else h.plan_made_on
    anchors: list[tuple[str, date]] = [("plan made", made)] if made else []
    if h.moved_in_last_review is not None and (
        not anchors or h.moved_in_last_review > anchors[-1][1]
    ):
        anchors.append(("last reviewed by the old LA", h.moved_in_last_review))
    for r in h.reviews:
        decided = review_decided_on(h, r)
        concluded = decided or r.meeting_on
        if made is not None and r.meeting_on < made:
            continue  # a review of the statement before the EHC plan was made
        label = "review concluded" if decided else "review meeting"
        if not anchors or concluded >= anchors[-1][1]:
            anchors.append((label, concluded))
    return anchors


def review_anchor(h: History) -> tuple[str, date] | None:
    """What the current 12-month period starts with (the last of review_anchors)."""
    anchors = review_anchors(h)
    return anchors[-1] if anchors else None


def _review_due(h: History, label: str, on: date) -> tuple[str, date, str, date]:
    """(rule id, last lawful day, anchor label, anchor date) of the period starting on `on`."""
    rule = "annual_review_12m" if h.plan_in_force() == "ehcp" else "annual_review_statement_12m"
    due = C.months_end(on, R.REVIEW_MONTHS)
    if h.moved_in_on is not None and on <= h.moved_in_on:
        # a plan transferred in from another LA: the later of its 12 months and 3 months from
        # the transfer (reg 15(5))
        after_move = C.months_end(h.moved_in_on, R.MOVE_IN_REVIEW_MONTHS)
        rule = "annual_review_after_move_in"
        if after_move > due:
            due, label, on = after_move, "transferred in", h.moved_in_on
    return rule, due, label, on


def _past_review_clocks(h: History, as_of: date, within: int) -> list[Clock]:
    """The periods a review has already closed, met or missed: a late review is a breach of
    s.44(1) on the record even once the next period runs. Periods the old authority of a plan
    moved in had to keep are not this authority's."""
    anchors = review_anchors(h)
    out = []
    for (label, start), (_, reviewed) in zip(anchors, anchors[1:], strict=False):
        if label == "last reviewed by the old LA" and h.moved_in_on and start > h.moved_in_on:
            continue
        if h.moved_in_on is not None and reviewed <= h.moved_in_on:
            continue
        if reviewed == start:
            continue
        rule, due, label, on = _review_due(h, label, start)
        out.append(
            _make(
                rule,
                due,
                as_of,
                within,
                label,
                on,
                reviewed,
                f"reviewed {words_date(reviewed)}; the period ended {words_date(due)}",
            )
        )
    return out


def is_under_5(date_of_birth: date | None, on: date) -> bool:
    if date_of_birth is None:
        return False
    return C.within_months_after(date_of_birth, 12 * R.REVIEW_UNDER5_AGE) > on


def _review_clocks(h: History, as_of: date, within: int) -> list[Clock]:
    out = []
    plan = h.plan_in_force()
    for r in h.reviews:
        decided = review_decided_on(h, r)
        if h.ended_on is not None and decided is None:
            continue
        if r.decided_on is None and decided is not None:
            what = "amend: notified with the amendment proposals (reg 22(2)(a))"
        else:
            what = r.decision or "decision not yet notified"
        out.append(
            _make(
                "review_decision_4w",
                C.within_weeks(r.meeting_on, R.REVIEW_DECISION_WEEKS),
                as_of,
                within,
                "review meeting",
                r.meeting_on,
                decided,
                what,
            )
        )
    if plan is None:
        return out
    if plan == "statement" and h.transfer is not None:
        return out  # a statement under transfer review: the transfer is its review
    anchor = review_anchor(h)
    if anchor is None:
        return out
    out.extend(_past_review_clocks(h, as_of, within))
    rule, due, label, on = _review_due(h, *anchor)
    latest = C.weeks_before(due, R.REVIEW_DECISION_WEEKS)
    months = R.MOVE_IN_REVIEW_MONTHS if label == "transferred in" else R.REVIEW_MONTHS
    out.append(
        _make(
            rule,
            due,
            as_of,
            within,
            label,
            on,
            detail=f"in the {months} months starting with {words_date(on)}: by {words_date(due)}; "
            f"latest meeting for a decision inside it {words_date(latest)}",
        )
    )
    if plan == "ehcp" and h.date_of_birth is not None:
        g = C.months_end(on, R.REVIEW_UNDER5_MONTHS)
        if g < due:
            # shown while the child is under 5 (is_under_5): up to the day before the 5th birthday
            fifth = C.within_months_after(h.date_of_birth, 12 * R.REVIEW_UNDER5_AGE)
            out.append(
                replace(
                    _make(
                        "annual_review_under5_guidance",
                        g,
                        as_of,
                        within,
                        label,
                        on,
                        detail="child under 5: guidance, not a statutory duty",
                        status="guidance",
                    ),
                    applies_to=fifth - timedelta(days=1),
                )
            )
    return out


# --- phase transfers (SEND Regs 2014 reg 18) ------------------------------------------------------


def phase_transfer_for(
    date_of_birth: date | None,
    as_of: date,
    offset: int = 0,
    setting: str = "",
    stays_sixth_form: bool = False,
) -> tuple[date, str, str, int] | None:
    """(last lawful day, rule id, words, year group) of the reg 18 clock for the academic
    year of as_of, or None when the child makes no phase transfer at the end of it."""
    if date_of_birth is None:
        return None
    yg = year_group(date_of_birth, as_of, offset)
    move = academic_year(as_of) + 1
    if yg == R.SECONDARY_LAST:
        if stays_sixth_form:
            return None  # a school sixth form is part of the school: no transfer between phases
        if move == R.REG18_3_TRANSFER_YEAR:
            named = R.REG18_3_NAMED
            return (
                C.before(named),
                "phase_transfer_reg18_3_post16_2015",
                f"before {words_date(named)}",
                yg,
            )
        named = date(move, *R.PHASE_TRANSFER_POST16)
        return C.before(named), "phase_transfer_reg18_1a_post16", f"before {words_date(named)}", yg
    if yg in (R.YEAR_BEFORE_RECEPTION, R.PRIMARY_LAST) or (
        yg == R.INFANT_LAST and "infant" in setting.lower()
    ):
        named = date(move, *R.PHASE_TRANSFER_FEB)
        return C.before(named), "phase_transfer_reg18_1b", f"before {words_date(named)}", yg
    return None


def _phase_clock(h: History, as_of: date, within: int) -> Clock | None:
    if h.plan_in_force() != "ehcp":
        return None
    found = phase_transfer_for(h.date_of_birth, as_of, h.year_offset, h.setting, h.stays_sixth_form)
    if found is None:
        return None
    due, rule_id, words, yg = found
    window_from = date(
        academic_year(as_of), R.ACADEMIC_YEAR_START_MONTH, 1
    )  # within 12 months of the transfer
    made = h.ehcp_made_on()
    if made is not None and made > due:
        return None  # the plan was made after the date, naming the new setting (transfer route)
    done = None
    how = ""
    finals = [d for d in h.amended_finals if d >= window_from]
    if finals:
        done, how = min(finals), "amended final plan issued"
    elif made is not None and made >= window_from:
        done, how = made, "EHC plan made"
    detail = f"year {year_label(yg)}; {how + ' ' + done.isoformat() + '; ' if done else ''}{words}"
    clock = _make(
        rule_id,
        due,
        as_of,
        within,
        f"year {year_label(yg)} in {academic_year(as_of)}/{(academic_year(as_of) + 1) % 100:02d}",
        None,
        done,
        detail,
    )
    # the clock of this academic year: another year gives another clock (or none)
    return replace(
        clock,
        applies_from=window_from,
        applies_to=date(academic_year(as_of) + 1, R.ACADEMIC_YEAR_START_MONTH, 1)
        - timedelta(days=1),
    )


# --- one case -------------------------------------------------------------------------------------


# Further clocks that outlive the plan they are about: an appeal against a cessation runs on
# after the plan ended, and a plan that moved away must still be passed to the new authority.
_OUTLIVE_PLAN = ("mediation", "certificate", "appeal_window", "tribunal_order", "la_transfer_out")


def _further_clocks(
    h: History, as_of: date, within: int, holidays: Collection[date]
) -> list[Clock]:
    if not (
        h.further
        or h.reviews
        or any(a.draft_on for a in h.assessments)
        or (h.transfer and h.transfer.draft_on)
    ):
        return []  # nothing that starts a further clock (most cases, at scale)
    served = [("draft plan", a.draft_on) for a in h.assessments if a.draft_on is not None]
    finals = [
        a.concluded_on for a in h.assessments if a.outcome == "ehcp_issued" and a.concluded_on
    ]
    if h.transfer is not None:
        if h.transfer.draft_on is not None:
            served.append(("draft plan", h.transfer.draft_on))
        if h.transfer.outcome == "ehcp_issued" and h.transfer.concluded_on:
            finals.append(h.transfer.concluded_on)
    finals.extend(h.amended_finals)
    dues = F.further_clocks(
        h.further,
        served=served,
        finals=finals,
        meetings=[
            (r.meeting_on, r.decision or ("amend" if decided else None), decided)
            for r in h.reviews
            for decided in [review_decided_on(h, r)]
        ],
        holidays=holidays,
    )
    out = []
    for d in dues:
        c = _make(
            d.rule_id,
            d.due_on,
            as_of,
            within,
            d.anchor,
            d.anchor_on,
            d.done_on,
            d.detail,
            d.status,
            d.when_passed,
        )
        if h.ended_on is not None and c.clock not in _OUTLIVE_PLAN:
            # the plan has ended: its clocks stop. A running clock is left out; a window is
            # shown again once it has passed (its status then is not a running one).
            if c.fixed_status in RUNNING or (c.fixed_status is None and c.when_passed is None):
                continue
            if c.fixed_status is None:  # a window: from the day after it passed
                c = replace(c, applies_from=c.due_on + timedelta(days=1))
        out.append(c)
    return out


def case_clocks(
    history: History, as_of: date, within: int = 14, holidays: Collection[date] = frozenset()
) -> list[Clock]:
    """Every clock of one case on as_of (events after as_of ignored), soonest first; running
    clocks before finished ones. `holidays` (bank holidays) serve the working-day clocks."""
    out = [c for c in _clocks(history.as_of(as_of), as_of, within, holidays) if c.applies(as_of)]
    out.sort(key=lambda c: (c.status not in RUNNING, c.due_on, c.clock))
    return out


def _clocks(h: History, as_of: date, within: int, holidays: Collection[date]) -> list[Clock]:
    """Every clock of history h (already cut at as_of), including those whose window of
    days (Clock.applies) leaves as_of out."""
    out: list[Clock] = []
    t = _transfer_clock(h, as_of, within)
    if t is not None:
        out.append(t)
    for a in h.assessments:
        out.extend(_assessment_clocks(a, as_of, within))
    out.extend(_review_clocks(h, as_of, within))
    p = _phase_clock(h, as_of, within)
    if p is not None:
        out.append(p)
    out.extend(_further_clocks(h, as_of, within, holidays))
    return out


# --- stored clocks: what a database may keep so that listings need not run the engine ---------

FOREVER = date.max


def complete_from(history: History) -> date:
    """The first day from which nothing in the history is dropped as of that day (its latest
    dated event): on that day and every later one, history.as_of(day) is history itself.
    FOREVER when that does not hold (the stored form then never applies)."""
    days: list[date] = [date.min]
    t = history.transfer
    if t is not None:
        days += [d for d in (t.started_on, t.draft_on, t.concluded_on) if d]
    for a in history.assessments:
        days += [d for d in (a.received_on, a.decided_on, a.draft_on, a.concluded_on) if d]
    for r in history.reviews:
        days += [d for d in (r.meeting_on, r.decided_on) if d]
    days += list(history.amended_finals)
    days += [d for d in (history.ended_on, history.plan_made_on, history.moved_in_on) if d]
    days += [e.on for e in history.further]
    day = max(days)
    return day if history.as_of(day) == history else FOREVER


def standing_clocks(
    history: History, holidays: Collection[date] = frozenset()
) -> tuple[date, list[Clock]]:
    """(from_day, clocks): from_day = complete_from(history), and every clock the engine can
    give for this history on from_day or any later day, in the engine's order, each with what
    its status is made of (Clock.fixed_status, when_passed) and the days it applies
    (applies_from/applies_to; applies_from None: from from_day). For any as_of >= from_day,
    case_clocks(history, as_of) is exactly the clocks that apply on as_of, each with
    status_on(...) for that day. FOREVER and no clocks when no day is complete."""
    from_day = complete_from(history)
    if from_day == FOREVER:
        return from_day, []
    h = history
    out = _clocks(h, from_day, 0, holidays)
    if h.date_of_birth is not None and h.plan_in_force() == "ehcp":
        # the phase transfers of the academic years to come (only an EHC plan has them), from
        # the first year whose year group could make one
        first_group = min(R.YEAR_BEFORE_RECEPTION, R.INFANT_LAST, R.PRIMARY_LAST, R.SECONDARY_LAST)
        a = max(
            academic_year(from_day) + 1,
            academic_year(h.date_of_birth) + 5 - h.year_offset + first_group,
        )
        while (
            year_group(h.date_of_birth, date(a, R.ACADEMIC_YEAR_START_MONTH, 1), h.year_offset)
            <= R.SECONDARY_LAST
        ):
            p = _phase_clock(h, date(a, R.ACADEMIC_YEAR_START_MONTH, 1), 0)
            if p is not None:
                out.append(p)
            a += 1
    return from_day, [
        c if c.applies_from is None or c.applies_from >= from_day else replace(c, applies_from=None)
        for c in out
        if c.applies_to is None or c.applies_to >= from_day
    ]


def running_clocks(
    history: History,
    as_of: date,
    within: int = 14,
    include_upcoming: bool = False,
    holidays: Collection[date] = frozenset(),
) -> list[Clock]:
    """The clocks `deadlines` lists: overdue or due within `within` days (with
    include_upcoming, every running clock); guidance reminders that have come due."""
    out = []
    for c in case_clocks(history, as_of, within, holidays):
        if c.status in ("overdue", "due") or (c.status == "upcoming" and include_upcoming):
            out.append(c)
        elif c.status == "guidance" and (include_upcoming or (c.due_on - as_of).days <= within):
            out.append(c)
    return out
