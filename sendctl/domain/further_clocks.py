"""The further clocks a SEND team answers for, beside transfers, assessments, reviews and phase
transfers: advice from other bodies, representations on a draft, the review cycle, post-16
moves, the family's notice after a plan moves in, re-assessment, mediation and appeal windows, Tribunal orders
and direct-payment reviews.

Each is computed from the case's recorded events (`Event`, from the append-only
statutory_events table) by one pure function per kind; `further_clocks` gives them all. The
rule rows (legal reference, the statute's words, the counting phrase) are in domain/rules.py.
Working days need the bank holidays: the caller passes a collection (never read here).
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from sendctl.domain import counting as C
from sendctl.domain import rules as R

# kind -> the events a command may record for it
EVENTS: dict[str, tuple[str, ...]] = {
    "advice": ("request", "received"),
    "representations": ("received",),
    "review": ("notice", "advice", "report", "proposals"),
    "post16": ("proposed",),
    "reassessment": ("notice", "final", "no-amendment"),
    "appeal": (
        "decision-notice",
        "mediation-request",
        "mediation-end",
        "mediation-declined",
        "certificate",
        "appeal-lodged",
    ),
    "tribunal": ("order", "unopposed", "complied"),
    "budget": ("request", "agreed", "declined", "direct-payments", "dp-review"),
    "la": ("aware", "transferred-out", "transferred-in", "family-notified"),
}
ADVISERS = ("ep", "health", "social-care", "school", "other")
ADVICE_EXCEPTIONS = ("exceptional-circumstances", "absent-4-weeks", "missed-appointment")
BUDGET_AT = ("draft", "review", "reassessment")

# Tribunal order limbs (SEND Regs 2014 reg 44(2)) and unopposed appeals (reg 45 as amended by
# SI 2015/359): limb -> ((step, rule id, weeks), ...). Where one step of a pair is done, the
# other is not applicable (a no-plan decision or a final plan).
ORDER_STEPS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "assess": (
        ("notify", "tribunal_assess_notify_2w", 2),
        ("no-plan", "tribunal_assess_no_plan_10w", 10),
        ("final", "tribunal_assess_final_14w", 14),
    ),
    "make-plan": (("draft", "tribunal_plan_draft_5w", 5), ("final", "tribunal_plan_final_11w", 11)),
    "amend": (("amended", "tribunal_amend_5w", 5),),
    "school-only": (("amended", "tribunal_school_2w", 2),),
    "refer-back": (("reconsidered", "tribunal_refer_back_2w", 2),),
}
UNOPPOSED_STEPS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "assess": (
        ("notify", "unopposed_assess_notify_2w", 2),
        ("no-plan", "unopposed_assess_no_plan_10w", 10),
        ("final", "unopposed_assess_final_14w", 14),
    ),
    "amend": (("amended", "unopposed_amend_5w", 5),),
    "school-only": (("amended", "unopposed_school_2w", 2),),
    "make-plan": (
        ("draft", "unopposed_plan_draft_5w", 5),
        ("final", "unopposed_plan_final_11w", 11),
    ),
}
EITHER_OR = {"no-plan": "final", "final": "no-plan"}

ADVICE_WEEKS = 6  # reg 8(1)
REPRESENTATION_DAYS = 15  # reg 13(1), reg 22(2)(c)
REVIEW_NOTICE_WEEKS = 2  # reg 20(3)-(4), 21(3)-(4)
REVIEW_REPORT_WEEKS = 2  # reg 21(7); reg 20 for a child at school
REVIEW_DECISION_WEEKS = 4  # reg 20(10)
AMENDED_FINAL_WEEKS = 8  # reg 22(3)
POST16_MONTHS = 5  # reg 18(2)
REASSESSMENT_WEEKS = 14  # reg 27(2)
MEDIATION_CONTACT_MONTHS = 2  # reg 33
MEDIATION_DAYS = 30  # reg 37 (as cited)
CERTIFICATE_WORKING_DAYS = 3  # regs 34-39 (as cited)
APPEAL_MONTHS = 2  # HESC Rules 2008 r.20(1)(c)(i)
APPEAL_AFTER_CERTIFICATE_MONTHS = 1  # r.20(1)(c)(ii)
FAMILY_NOTICE_WEEKS = 6  # reg 15(4)
DIRECT_PAYMENT_REVIEW_MONTHS = 3  # SI 2014/1652 reg 11


@dataclass(frozen=True)
class Event:
    """One recorded event of a further clock (voided events are never passed in)."""

    id: int
    kind: str
    event: str
    on: date
    ref_id: int | None = None  # the event this one answers (advice received -> its request)
    detail: str | None = None  # adviser, exception, limb, move date, meeting date ...


@dataclass(frozen=True)
class Due:
    """A further clock before it is given a status by the engine."""

    rule_id: str
    due_on: date
    anchor: str
    anchor_on: date | None
    done_on: date | None = None
    detail: str = ""
    status: str | None = None  # forced status (not_applicable, guidance, ...); None: from dates
    # A window rather than a duty: once its last day has passed with nothing recorded, the
    # status is this (an appeal window "not_applicable": closed; the 15 days for representations
    # "met": the LA gave them in full), never "overdue".
    when_passed: str | None = None


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _first(
    events: list[Event], event: str, after: date | None = None, ref_id: int | None = None
) -> Event | None:
    for e in events:
        if (
            e.event == event
            and (after is None or e.on >= after)
            and (ref_id is None or e.ref_id == ref_id)
        ):
            return e
    return None


def advice_clocks(events: list[Event]) -> list[Due]:
    """SEND Regs 2014 reg 8(1): each body complies within 6 weeks of receiving the request."""
    out = []
    for req in (e for e in events if e.event == "request"):
        got = _first(events, "received", ref_id=req.id)
        due = C.within_weeks(req.on, ADVICE_WEEKS)
        detail = f"{req.detail} advice (request {req.id})"
        excused = got is not None and bool(got.detail) and got.on > due
        if excused and got is not None:
            detail += f"; late reply excused under reg 8(2): {got.detail}"
        out.append(
            Due(
                "advice_reg8_6w",
                due,
                "request sent",
                req.on,
                got.on if got else None,
                detail,
                status="excused" if excused else None,
            )
        )
    return out


def representations_clocks(
    served: list[tuple[str, date]], reps: list[Event], finals: list[date]
) -> list[Due]:
    """SEND Regs 2014 reg 13(1) and reg 22(2)(c): at least 15 days beginning with the day the
    draft (or the amendment proposals) was served. A final plan issued before the period ends
    with no representations recorded is flagged as missed."""
    out = []
    for what, on in served:
        last = C.days_beginning(on, REPRESENTATION_DAYS)
        rep = next((r for r in reps if r.on >= on), None)
        final = next((f for f in sorted(finals) if f >= on), None)
        if final is not None and final <= last and (rep is None or rep.on > final):
            out.append(
                Due(
                    "representations_15d",
                    last,
                    f"{what} served",
                    on,
                    None,
                    f"final plan issued {final.isoformat()} before the 15 days ended with no "
                    "representations recorded",
                    status="missed",
                )
            )
        elif rep is not None and rep.on <= last:
            out.append(
                Due(
                    "representations_15d",
                    last,
                    f"{what} served",
                    on,
                    rep.on,
                    "representations received",
                    status="met",
                )
            )
        else:
            out.append(
                Due(
                    "representations_15d",
                    last,
                    f"{what} served",
                    on,
                    None,
                    f"period for representations on the {what}",
                    status="met" if final is not None else None,
                    when_passed="met",
                )
            )
    return out


def review_cycle_clocks(
    meetings: list[tuple[date, str | None, date | None]], events: list[Event], finals: list[date]
) -> list[Due]:
    """The review cycle around each meeting (meeting date, decision, decided on):
    notice and advice at least 2 weeks before it (reg 20(3)-(4), 21(3)-(4)); the report within 2
    weeks after it (reg 21(7)); amendment proposals sent with the decision, within 4 weeks
    (reg 20(10), reg 22(2)(a)); the amended plan within 8 weeks of the proposals (reg 22(3)).

    A step is tracked once recorded, and runs while the review is open (no decision notified
    yet); a review decided before sendctl tracked its steps leaves them untracked rather than
    reported late."""
    out = []
    for meeting, decision, decided in meetings:
        mine = [e for e in events if _d(e.detail) == meeting]
        for step, rule in (("notice", "review_notice_2w"), ("advice", "review_advice_2w")):
            e = _first(mine, step)
            if e is not None:
                out.append(
                    Due(
                        rule,
                        C.weeks_before(meeting, REVIEW_NOTICE_WEEKS),
                        "review meeting",
                        meeting,
                        e.on,
                        f"{step} sent",
                    )
                )
        report = _first(mine, "report")
        if report is not None or decided is None:
            out.append(
                Due(
                    "review_report_2w",
                    C.within_weeks(meeting, REVIEW_REPORT_WEEKS),
                    "review meeting",
                    meeting,
                    report.on if report else None,
                    "review report",
                )
            )
        proposals = _first(mine, "proposals")
        if proposals is not None or (decision == "amend" and decided is None):
            out.append(
                Due(
                    "review_proposals_4w",
                    C.within_weeks(meeting, REVIEW_DECISION_WEEKS),
                    "review meeting",
                    meeting,
                    proposals.on if proposals else None,
                    "amendment proposals sent with the decision",
                )
            )
        if proposals is not None:
            final = next((f for f in sorted(finals) if f >= proposals.on), None)
            out.append(
                Due(
                    "amended_plan_8w",
                    C.within_weeks(proposals.on, AMENDED_FINAL_WEEKS),
                    "amendment proposals sent",
                    proposals.on,
                    final,
                    "amended final plan",
                )
            )
    return out


def post16_clocks(events: list[Event], finals: list[date]) -> list[Due]:
    """SEND Regs 2014 reg 18(2): a move between post-16 institutions at another time: review and
    amend at least five months before the move (met only by the amended final plan)."""
    out = []
    for e in events:
        move = _d(e.detail)
        if move is None:
            continue
        final = next((f for f in sorted(finals) if f >= e.on), None)
        out.append(
            Due(
                "post16_move_5m",
                C.months_before(move, POST16_MONTHS),
                "post-16 move",
                move,
                final,
                f"move to another post-16 institution on {move.isoformat()}",
            )
        )
    return out


def reassessment_clocks(events: list[Event]) -> list[Due]:
    """SEND Regs 2014 reg 27(2): the finalised plan within 14 weeks of the re-assessment notice."""
    out = []
    for n in (e for e in events if e.event == "notice"):
        done = next(
            (e for e in events if e.event in ("final", "no-amendment") and e.on >= n.on), None
        )
        exc = f"; exception: {n.detail}" if n.detail else ""
        due = C.within_weeks(n.on, REASSESSMENT_WEEKS)
        late = done is not None and done.on > due
        out.append(
            Due(
                "reassessment_14w",
                due,
                "re-assessment notice",
                n.on,
                done.on if done else None,
                f"re-assessment{exc}",
                status="excused" if late and n.detail else None,
            )
        )
    return out


def appeal_clocks(events: list[Event], holidays: Collection[date]) -> list[Due]:
    """Mediation and appeal windows after a decision notice (SEND Regs 2014 regs 33-39; HESC
    Rules 2008 r.20(1)(c)). They tell the service when a decision becomes final."""
    out = []
    for n in (e for e in events if e.event == "decision-notice"):
        later = [e for e in events if e.on >= n.on]
        contact_last = C.within_months_after(n.on, MEDIATION_CONTACT_MONTHS)
        request = _first(later, "mediation-request")
        # reg 33: the parent must contact the adviser and say whether they wish to pursue
        # mediation; declining it is that contact as much as asking for it
        asked = [e for e in (request, _first(later, "mediation-declined")) if e is not None]
        contact = min(asked, key=lambda e: e.on) if asked else None
        out.append(
            Due(
                "mediation_contact_2m",
                contact_last,
                "decision notice sent",
                n.on,
                contact.on if contact else None,
                "parent or young person contacts the mediation adviser",
                when_passed="not_applicable",
            )
        )
        if request is not None:
            held = _first(later, "mediation-end", after=request.on)
            out.append(
                Due(
                    "mediation_30d",
                    C.within_days(request.on, MEDIATION_DAYS),
                    "mediation requested",
                    request.on,
                    held.on if held else None,
                    "mediation takes place",
                )
            )
        trigger = _first(later, "mediation-end") or _first(later, "mediation-declined")
        certificate = None
        if trigger is not None:
            certificate = _first(later, "certificate", after=trigger.on)
            out.append(
                Due(
                    "certificate_3wd",
                    C.working_days_after(trigger.on, CERTIFICATE_WORKING_DAYS, holidays),
                    f"mediation {trigger.event.split('-')[1]}",
                    trigger.on,
                    certificate.on if certificate else None,
                    "mediation certificate issued",
                )
            )
        appeal_last = C.within_months_after(n.on, APPEAL_MONTHS)
        closes = "no appeal lodged: the decision is final after this day"
        if certificate is not None:
            appeal_last = max(
                appeal_last, C.within_months_after(certificate.on, APPEAL_AFTER_CERTIFICATE_MONTHS)
            )
        elif request is not None or trigger is not None:
            # r.20(1)(c)(ii): the window runs to 1 month after the mediation certificate when
            # that is later, so while mediation is under way it has not closed. Its last day is
            # taken as the mediation keeping to its own limits (held within 30 days of the
            # request, the certificate within 3 working days); those clocks say when it does not.
            if trigger is not None:
                ended = trigger.on
            else:
                assert request is not None
                ended = C.within_days(request.on, MEDIATION_DAYS)
            expected = C.working_days_after(ended, CERTIFICATE_WORKING_DAYS, holidays)
            appeal_last = max(
                appeal_last, C.within_months_after(expected, APPEAL_AFTER_CERTIFICATE_MONTHS)
            )
            what = (
                "mediation declined"
                if trigger and trigger.event == "mediation-declined"
                else ("mediation under way")
            )
            closes = (
                f"{what}: open until 1 month after the mediation certificate, "
                f"expected by {expected.isoformat()}"
            )
        lodged = _first(later, "appeal-lodged")
        out.append(
            Due(
                "appeal_window",
                appeal_last,
                "decision notice sent",
                n.on,
                lodged.on if lodged else None,
                "appeal lodged" if lodged else closes,
                when_passed="not_applicable",
            )
        )
    return out


def tribunal_clocks(events: list[Event]) -> list[Due]:
    """Complying with Tribunal orders (SEND Regs 2014 reg 44(2)) and unopposed appeals (reg 45
    as amended by SI 2015/359), each step from the date of the order or the notice."""
    out = []
    for o in (e for e in events if e.event in ("order", "unopposed")):
        table = ORDER_STEPS if o.event == "order" else UNOPPOSED_STEPS
        steps = table.get(o.detail or "", ())
        complied = {e.detail: e.on for e in events if e.event == "complied" and e.ref_id == o.id}
        anchor = (
            "Tribunal order" if o.event == "order" else "LA told the Tribunal it would not oppose"
        )
        for step, rule_id, weeks in steps:
            due = C.within_weeks(o.on, weeks)
            other = EITHER_OR.get(step)
            if step not in complied and other in complied:
                out.append(
                    Due(
                        rule_id,
                        due,
                        anchor,
                        o.on,
                        None,
                        f"not applicable: {other} done",
                        status="not_applicable",
                    )
                )
                continue
            out.append(Due(rule_id, due, anchor, o.on, complied.get(step), f"{o.detail}: {step}"))
    return out


def old_la_clocks(events: list[Event], holidays: Collection[date]) -> list[Due]:
    """A child with a plan moves away (SEND Regs 2014 reg 15(2)): the old authority transfers the
    plan "on the day of the move or, where it has not become aware of the move at least 15
    working days prior to that move, within 15 working days beginning with the day on which it
    did become aware"."""
    out = []
    for aware in (e for e in events if e.event == "aware"):
        fifteenth = C.working_days_beginning(aware.on, R.INTER_LA_TRANSFER_WORKING_DAYS, holidays)
        move = _d(aware.detail)
        due, how = fifteenth, "15 working days beginning with the day it became aware"
        if move is not None and fifteenth < move:
            due, how = move, "on the day of the move (aware 15 working days before)"
        done = _first(events, "transferred-out", after=aware.on)
        out.append(
            Due(
                "la_transfer_out_15wd",
                due,
                "LA became aware of the move",
                aware.on,
                done.on if done else None,
                f"plan passes to the new authority {how}",
            )
        )
    return out


def new_la_clocks(events: list[Event]) -> list[Due]:
    """A plan transferred in (SEND Regs 2014 reg 15(4)): tell the family within 6 weeks of the
    transfer. (Its first review, reg 15(5), is the annual review clock's.)"""
    out = []
    for t in (e for e in events if e.event == "transferred-in"):
        told = _first(events, "family-notified", after=t.on)
        out.append(
            Due(
                "new_la_family_6w",
                C.within_weeks(t.on, FAMILY_NOTICE_WEEKS),
                "plan transferred in",
                t.on,
                told.on if told else None,
                "family told of the transfer and the review",
            )
        )
    return out


def budget_clocks(events: list[Event]) -> list[Due]:
    """Direct payments (SI 2014/1652 reg 11): reviewed within 3 months of the first payment.
    A personal budget request has no clock of its own (it rides on the plan's clocks)."""
    out = []
    first = _first(events, "direct-payments")
    if first is not None:
        review = _first(events, "dp-review", after=first.on)
        out.append(
            Due(
                "direct_payments_review_3m",
                C.months_end(first.on, DIRECT_PAYMENT_REVIEW_MONTHS),
                "first direct payment",
                first.on,
                review.on if review else None,
                "first review of the direct payments",
            )
        )
    return out


def further_clocks(
    events: tuple[Event, ...],
    *,
    served: list[tuple[str, date]],
    finals: list[date],
    meetings: list[tuple[date, str | None, date | None]],
    holidays: Collection[date],
) -> list[Due]:
    """Every further clock of one case from its events (already cut at the as-of date).

    Args:
        events: the case's further-clock events, oldest first.
        served: (what, date) of each draft plan or set of amendment proposals served.
        finals: dates a final or amended final plan was issued.
        meetings: the review meetings (meeting date, decision, decided on).
        holidays: bank holidays (for working days).
    """
    by_kind: dict[str, list[Event]] = {}
    for e in events:
        by_kind.setdefault(e.kind, []).append(e)
    get: Callable[[str], list[Event]] = lambda k: by_kind.get(k, [])  # noqa: E731
    served = served + [
        ("amendment proposals", e.on) for e in get("review") if e.event == "proposals"
    ]
    return [
        *advice_clocks(get("advice")),
        *representations_clocks(served, get("representations"), finals),
        *review_cycle_clocks(meetings, get("review"), finals),
        *post16_clocks(get("post16"), finals),
        *reassessment_clocks(get("reassessment")),
        *appeal_clocks(get("appeal"), holidays),
        *tribunal_clocks(get("tribunal")),
        *old_la_clocks(get("la"), holidays),
        *new_la_clocks(get("la")),
        *budget_clocks(get("budget")),
    ]
