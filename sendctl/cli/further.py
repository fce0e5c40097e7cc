"""advice | representations | appeals | reassessments | budgets | moves: the further statutory
clocks. Thin commands: each calls one function of sendctl.services.further; every due date and
status comes from the clock engine and shows in deadlines, notify, cases show and status."""

from datetime import date
from typing import Annotated

import typer

from sendctl.cli._common import (
    AsOfOpt,
    FormatOpt,
    OutputOpt,
    as_of_date,
    fmt_value,
    info,
    need_date,
    new_app,
    state,
)

RefArg = Annotated[str, typer.Argument(metavar="REF", help="The child's case reference.")]
DateOpt = Annotated[
    str, typer.Option("--date", metavar="DATE", help="Date of the event.", show_default=False)
]
IdArg = Annotated[int, typer.Argument(metavar="ID", help="The event id (see 'cases show REF').")]
ReasonOpt = Annotated[
    str, typer.Option("--reason", metavar="TEXT", help="Why the event is voided.")
]

advice_app = new_app(
    "Advice from other bodies (SEND Regs 2014 reg 8: 6 weeks from receiving the request).\n\n"
    "Example: sendctl advice request RCC-0042 --from ep --date 06/02/2017",
    short_help="Advice from other bodies (reg 8): request, received, list the backlog.",
)
representations_app = new_app(
    "Representations on a draft plan or on amendment proposals (reg 13(1), reg 22(2)(c): at least "
    "15 days beginning with the day it was served).\n\n"
    "Example: sendctl representations record RCC-0042 --date 02/05/2017",
    short_help="Representations on a draft or proposals (15 days): record them.",
)
appeals_app = new_app(
    "Mediation, appeals and Tribunal orders: decision notices, mediation, certificates, appeals "
    "(regs 33-39; HESC Rules r.20) and complying with orders (regs 44-45).\n\n"
    "Example: sendctl appeals record RCC-0042 decision-notice --date 10/05/2017",
    short_help="Mediation, appeal windows and Tribunal orders (regs 33-45).",
)
reassessments_app = new_app(
    "Re-assessments (SEND Regs 2014 reg 27: the final plan within 14 weeks of the notice).\n\n"
    "Example: sendctl reassessments start RCC-0042 --date 06/03/2017",
    short_help="Re-assessments (reg 27): the 14-week clock.",
)
budgets_app = new_app(
    "Personal budgets and direct payments (SI 2014/1652): requests, outcomes, the first "
    "direct-payment review within 3 months.\n\n"
    "Example: sendctl budgets record RCC-0042 request --date 01/09/2017 --at draft",
    short_help="Personal budgets and direct payments: record, review.",
)
moves_app = new_app(
    "Moves: a post-16 move at another time of year (reg 18(2): the plan amended at least 5 months "
    "before), passing the plan of a child who moved away (reg 15(2)) and telling the family after "
    "a plan moved in (reg 15(4)).\n\n"
    "Example: sendctl moves post16 RCC-0042 --move 08/01/2018 --date 01/06/2017",
    short_help="Post-16 moves (5 months) and plans moved in (6 weeks).",
)


def _record(
    ref: str, kind: str, event: str, on: str, detail: str | None = None, ref_id: int | None = None
) -> dict:
    from sendctl.services.further import record

    row = record(state(), ref, kind, event, need_date(on, "--date"), date.today(), detail, ref_id)
    info(f"Recorded {kind} {event} {row['id']} for {row['case_ref']} on {row['event_on']}")
    return row


def _void(event_id: int, reason: str) -> None:
    from sendctl.services.further import void

    row = void(state(), event_id, reason)
    info(
        f"Voided {row['kind']} {row['event']} {event_id} of {row['case_ref']} (correction {row['void_id']})"
    )


# --- advice ---------------------------------------------------------------------------------------


@advice_app.command("request")
def advice_request(
    ref: RefArg,
    adviser: Annotated[
        str,
        typer.Option("--from", metavar="ADVISER", help="ep, health, social-care, school or other."),
    ],
    on: DateOpt,
) -> None:
    """Record that advice was requested of a body (the 6 weeks run from its receipt).

    Example: sendctl advice request RCC-0042 --from ep --date 06/02/2017
    """
    from sendctl.domain.further_clocks import ADVISERS
    from sendctl.services.further import check_choice

    check_choice("adviser", adviser, ADVISERS)
    _record(ref, "advice", "request", on, adviser)


@advice_app.command("received")
def advice_received(
    request_id: Annotated[
        int, typer.Argument(metavar="ID", help="The request's id ('advice list').")
    ],
    on: DateOpt,
    exception: Annotated[
        str | None,
        typer.Option(
            "--exception",
            metavar="REASON",
            help="A late reply's reg 8(2) reason: exceptional-circumstances, absent-4-weeks, missed-appointment.",
        ),
    ] = None,
) -> None:
    """Record that the requested advice arrived.

    Example: sendctl advice received 12 --date 17/03/2017
    """
    from sendctl.domain.further_clocks import ADVICE_EXCEPTIONS
    from sendctl.services.further import check_choice

    check_choice("exception", exception, ADVICE_EXCEPTIONS)
    _record("", "advice", "received", on, exception, request_id)


@advice_app.command("list")
def advice_list(
    adviser: Annotated[
        str | None, typer.Option("--from", metavar="ADVISER", help="Only this adviser.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only requests past their 6 weeks.")
    ] = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Each adviser's backlog: requests, due dates (6 weeks), replies; educational psychology first.

    Example: sendctl advice list --from ep --overdue --as-of 2017-04-18
    """
    from sendctl.domain.further_clocks import ADVISERS
    from sendctl.render.formats import Column, emit
    from sendctl.services.further import advice_list as query
    from sendctl.services.further import check_choice

    check_choice("adviser", adviser, ADVISERS)
    rows = query(state(), as_of_date(as_of), adviser, overdue)
    emit(
        rows,
        [
            Column("id", kind="int"),
            Column("case_ref", "ref"),
            Column("adviser"),
            Column("requested_on", "requested", kind="date"),
            Column("due_on", "due", kind="date"),
            Column("status"),
            Column("days_left", "days left", kind="int"),
            Column("received_on", "received", kind="date"),
            Column("exception"),
        ],
        fmt_value(fmt),
        output,
        title="Advice requests",
        empty_message="No advice requests match.",
    )


@advice_app.command("void")
def advice_void(event_id: IdArg, reason: ReasonOpt) -> None:
    """Void a wrongly recorded advice event (audited; the original stays in the history).

    Example: sendctl advice void 12 --reason "typed the wrong date"
    """
    _void(event_id, reason)


# --- representations --------------------------------------------------------------------------


@representations_app.command("record")
def representations_record(ref: RefArg, on: DateOpt) -> None:
    """The parent or young person made representations on the draft or the proposals.

    Example: sendctl representations record RCC-0042 --date 02/05/2017
    """
    _record(ref, "representations", "received", on)


# --- appeals and Tribunal orders --------------------------------------------------------------

_APPEAL_EVENTS = (
    "decision-notice",
    "mediation-request",
    "mediation-end",
    "mediation-declined",
    "certificate",
    "appeal-lodged",
    "order",
    "unopposed",
    "complied",
)


@appeals_app.command("record")
def appeals_record(
    ref: RefArg,
    event: Annotated[
        str,
        typer.Argument(
            metavar="EVENT",
            help=(
                "decision-notice, mediation-request, mediation-end, mediation-declined, certificate, "
                "appeal-lodged; order or unopposed (with --limb); complied (with --order ID --step S)."
            ),
        ),
    ],
    on: DateOpt,
    limb: Annotated[
        str | None,
        typer.Option(
            "--limb",
            metavar="LIMB",
            help=("For order/unopposed: assess, make-plan, amend, school-only, refer-back."),
        ),
    ] = None,
    order: Annotated[
        int | None, typer.Option("--order", metavar="ID", help="For complied: the order's id.")
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            metavar="STEP",
            help=("For complied: notify, no-plan, final, draft, amended, reconsidered."),
        ),
    ] = None,
) -> None:
    """Record a decision notice, a mediation or appeal event, or a Tribunal order and its steps.

    Example: sendctl appeals record RCC-0042 order --limb amend --date 03/07/2017
    """
    from sendctl.domain.further_clocks import ORDER_STEPS, UNOPPOSED_STEPS
    from sendctl.services.further import check_choice

    check_choice("event", event, _APPEAL_EVENTS)
    if event in ("order", "unopposed"):
        limbs = tuple(ORDER_STEPS if event == "order" else UNOPPOSED_STEPS)
        if limb is None:
            from sendctl.domain.problems import invalid

            raise invalid("limb", "required", f"say which order: {', '.join(limbs)}")
        check_choice("limb", limb, limbs)
        _record(ref, "tribunal", event, on, limb)
    elif event == "complied":
        if order is None or step is None:
            from sendctl.domain.problems import invalid

            raise invalid("order", "required", "complied needs --order ID and --step STEP")
        _record(ref, "tribunal", "complied", on, step, order)
    else:
        _record(ref, "appeal", event, on)


@appeals_app.command("void")
def appeals_void(event_id: IdArg, reason: ReasonOpt) -> None:
    """Void a wrongly recorded appeal or Tribunal event (audited; the original stays).

    Example: sendctl appeals void 31 --reason "wrong child"
    """
    _void(event_id, reason)


# --- re-assessments ---------------------------------------------------------------------------


@reassessments_app.command("start")
def reassessments_start(
    ref: RefArg,
    on: DateOpt,
    exception: Annotated[
        str | None,
        typer.Option(
            "--exception",
            metavar="REASON",
            help=("A reg 27(3) exception: school-closure, ey-closure, personal, absent-4-weeks."),
        ),
    ] = None,
) -> None:
    """The re-assessment notice (reg 25(1)) or the LA's decision to re-assess: 14 weeks start.

    Example: sendctl reassessments start RCC-0042 --date 06/03/2017
    """
    _record(ref, "reassessment", "notice", on, exception)


@reassessments_app.command("record")
def reassessments_record(
    ref: RefArg,
    event: Annotated[
        str, typer.Argument(metavar="EVENT", help="final (the finalised plan) or no-amendment.")
    ],
    on: DateOpt,
) -> None:
    """The re-assessment concluded: the final plan issued, or no amendment needed.

    Example: sendctl reassessments record RCC-0042 final --date 05/06/2017
    """
    from sendctl.services.further import check_choice

    check_choice("event", event, ("final", "no-amendment"))
    _record(ref, "reassessment", event, on)


# --- personal budgets -------------------------------------------------------------------------


@budgets_app.command("record")
def budgets_record(
    ref: RefArg,
    event: Annotated[
        str,
        typer.Argument(
            metavar="EVENT",
            help=("request, agreed, declined, direct-payments (the first payment) or dp-review."),
        ),
    ],
    on: DateOpt,
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="STAGE", help="For a request: draft, review or reassessment."),
    ] = None,
) -> None:
    """A personal budget request and its outcome, the first direct payment, its review.

    Example: sendctl budgets record RCC-0042 direct-payments --date 01/10/2017
    """
    from sendctl.domain.further_clocks import BUDGET_AT, EVENTS
    from sendctl.services.further import check_choice

    check_choice("event", event, EVENTS["budget"])
    check_choice("at", at, BUDGET_AT)
    if event == "request" and at is None:
        from sendctl.domain.problems import invalid

        raise invalid("at", "required", f"a request is made at one of: {', '.join(BUDGET_AT)}")
    _record(ref, "budget", event, on, at)


# --- moves ------------------------------------------------------------------------------------


@moves_app.command("post16")
def moves_post16(
    ref: RefArg,
    move: Annotated[str, typer.Option("--move", metavar="DATE", help="The proposed move date.")],
    on: Annotated[str, typer.Option("--date", metavar="DATE", help="Date the move was proposed.")],
) -> None:
    """A move between post-16 institutions at another time of year: amend 5 months before.

    Example: sendctl moves post16 RCC-0042 --move 08/01/2018 --date 01/06/2017
    """
    move_on = need_date(move, "--move")
    _record(ref, "post16", "proposed", on, move_on.isoformat())


@moves_app.command("family-notified")
def moves_family_notified(ref: RefArg, on: DateOpt) -> None:
    """After a plan moved in: the family was told of the transfer and the review (reg 15(4)).

    Example: sendctl moves family-notified RCC-0042 --date 01/02/2018
    """
    _record(ref, "la", "family-notified", on)


@moves_app.command("transferred-out")
def moves_transferred_out(ref: RefArg, on: DateOpt) -> None:
    """The plan of a child who moved away was passed to the new authority (reg 15(2)).

    Example: sendctl moves transferred-out RCC-0042 --date 09/01/2018
    """
    _record(ref, "la", "transferred-out", on)
