"""transfers | assessments | reviews | deadlines: the statutory clocks.

Thin commands: parsing and output here; each calls one function of sendctl.services.clocks
(every due date and status from the clock engine, sendctl.domain.engine).
"""

from enum import Enum
from typing import Annotated

import typer

from sendctl.cli._common import (
    DATE,
    DAYS_AHEAD,
    ENTRY_ID,
    YEAR,
    AsOfOpt,
    FormatOpt,
    OutputOpt,
    as_of_date,
    choices,
    fmt_value,
    info,
    need_date,
    new_app,
    opt_date,
    state,
)
from sendctl.domain import clocks as K  # the code lists behind the choices below
from sendctl.domain import rules as R
from sendctl.domain.errors import EXIT_CHECK_FAILED, SendctlError

transfers_app = new_app(
    "Statement-to-EHCP transfers: start, record events, list, progress against 31 March 2018.\n\n"
    "Example: sendctl transfers status --as-of 2017-04-18",
    short_help="Statement-to-EHCP transfers: start, record, list, status.",
)
assessments_app = new_app(
    "New EHC needs assessments: the 6-, 16- and 20-week clocks.\n\n"
    "Example: sendctl assessments request RCC-0042 --received 09/01/2017",
    short_help="New EHC needs assessments: the 6-, 16- and 20-week clocks.",
)
reviews_app = new_app(
    "Annual reviews: meetings, decisions (4 weeks), next review due.\n\n"
    "Example: sendctl reviews record RCC-0042 --meeting 2017-03-01 --decision keep",
    short_help="Annual reviews: meetings, decisions (4 weeks), next review due.",
)
deadlines_app = new_app(
    "Statutory deadlines: every running clock, soonest first (and 'notify' to email them).\n\n"
    "Example: sendctl deadlines --within 14 --fail-on overdue",
    no_args_is_help=False,
    short_help="Every running statutory clock, soonest first; email warnings.",
)


TransferEvent = choices("TransferEvent", K.TRANSFER_EVENTS)
CeaseReason = choices("CeaseReason", K.CEASE_REASONS)


class TransferState(str, Enum):
    not_started = "not_started"
    in_progress = "in_progress"
    concluded = "concluded"


class StatusBy(str, Enum):
    caseworker = "caseworker"
    setting = "setting"
    need = "need"


AssessmentEvent = choices("AssessmentEvent", K.ASSESSMENT_EVENTS)
ExceptionReason = choices("ExceptionReason", R.ASSESSMENT_EXCEPTIONS)
ReviewDecision = choices("ReviewDecision", K.REVIEW_DECISIONS)
ClockKind = choices("ClockKind", K.CLOCKS)


class FailOn(str, Enum):
    overdue = "overdue"


RefArg = Annotated[str, typer.Argument(help="Case reference, as the LA writes it.")]
CaseworkerOpt = Annotated[
    str | None, typer.Option("--caseworker", help="Only this caseworker's children (any case).")
]


def _today():
    """Today's date: statutory events dated after it are refused (the service is told it)."""
    from datetime import date

    return date.today()


# --- transfers ------------------------------------------------------------------------------------


@transfers_app.command("start")
def transfers_start(
    ref: RefArg,
    date: Annotated[
        str,
        typer.Option(
            "--date", click_type=DATE, help="Date the transfer review started.", show_default=False
        ),
    ],
    notice_date: Annotated[
        str | None,
        typer.Option(
            "--notice-date",
            click_type=DATE,
            help="Date notice was given (default: 14 days before the start).",
        ),
    ] = None,
) -> None:
    """Start a statement's transfer review; its due date is worked out from the rules.

    Example: sendctl transfers start RCC-0042 --date 2016-11-01
    """
    from sendctl.services.clocks import start_transfer

    row = start_transfer(
        state(), ref, need_date(date, "--date"), opt_date(notice_date, "--notice-date"), _today()
    )
    info(
        f"{ref}: transfer review started {row['started_on']} (notice {row['notice_on']}); "
        f"final plan due {row['due_on']}"
    )


@transfers_app.command("record")
def transfers_record(
    ref: RefArg,
    event: Annotated[
        TransferEvent, typer.Argument(help="draft-issued, final-issued, no-plan or ceased.")
    ],
    date: Annotated[
        str, typer.Option("--date", click_type=DATE, help="Date of the event.", show_default=False)
    ],
    reason: Annotated[
        CeaseReason | None,
        typer.Option(
            "--reason",
            help="Why the statement ceased (ceased only): moved-la, left-education, needs-met, other.",
        ),
    ] = None,
) -> None:
    """Record a transfer event; final-issued makes the child's plan an EHCP.

    Example: sendctl transfers record RCC-0042 final-issued --date 2017-02-10
    """
    from sendctl.services.clocks import record_transfer

    row = record_transfer(
        state(),
        ref,
        event.value,
        need_date(date, "--date"),
        reason.value if reason else None,
        _today(),
    )
    if event.value == "final-issued":
        _warn_representations(ref, need_date(date, "--date"))
    if row["concluded_on"]:
        info(
            f"{ref}: transfer concluded {row['concluded_on']} ({row['outcome']}); it was due {row['due_on']}"
        )
    else:
        info(f"{ref}: draft plan issued {row['draft_on']}; final plan due {row['due_on']}")


def _transfer_columns():
    from sendctl.render.formats import Column

    return [
        Column("case_ref", "case"),
        Column("forename"),
        Column("caseworker", priority=2),
        Column("state", kind="code"),
        Column("notice_on", "notice", kind="date", priority=3),
        Column("started_on", "started", kind="date"),
        Column("due_on", "due", kind="date"),
        Column("statutory_due_on", "statutory", kind="date", human=False),
        Column("draft_on", "draft", kind="date", human=False),
        Column("concluded_on", "concluded", kind="date", priority=2),
        Column("outcome", kind="code", priority=2),
        Column("cease_reason", human=False),
        Column("days_left", "days left", kind="days"),
        Column("past_statutory_deadline", "past deadline", kind="bool", human=False),
        Column("rule_id", human=False),
        Column("legal_ref", human=False),
    ]


@transfers_app.command("list")
def transfers_list(
    state_: Annotated[
        TransferState | None, typer.Option("--state", help="not_started, in_progress or concluded.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only transfers past their due date.")
    ] = False,
    caseworker: CaseworkerOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Every statement in the transfer programme: state, start, due date, days left.

    Example: sendctl transfers list --overdue --as-of 2017-04-18
    """
    from sendctl.render.formats import emit
    from sendctl.services.clocks import transfer_list

    day = as_of_date(as_of)
    rows = transfer_list(state(), day, state_.value if state_ else None, overdue, caseworker)
    emit(
        rows,
        _transfer_columns(),
        fmt_value(fmt),
        output,
        title=f"Transfers as at {day.isoformat()}",
        empty_message="No transfers match.",
    )


@transfers_app.command("status")
def transfers_status(
    by: Annotated[
        StatusBy | None, typer.Option("--by", help="Also per caseworker, setting or need.")
    ] = None,
    as_of: AsOfOpt = None,
    chart: Annotated[
        bool, typer.Option("--chart/--no-chart", help="Draw the burn-down chart.")
    ] = True,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Progress against 31 March 2018: done, in progress, not started; rate needed vs achieved.

    Example: sendctl transfers status --by caseworker --as-of 2017-04-18
    """
    from sendctl.render.formats import Column, emit, emit_record, resolve_format
    from sendctl.services.clocks import transfer_status

    day = as_of_date(as_of)
    s = transfer_status(state(), day, by.value if by else None)
    f = resolve_format(fmt_value(fmt), output)
    group_cols = [
        Column(by.value if by else "group"),
        Column("total", kind="int"),
        Column("not_started", "not started", kind="int"),
        Column("in_progress", "in progress", kind="int"),
        Column("ehcp_issued", "EHCP", kind="int", priority=3),
        Column("no_plan", "no plan", kind="int", priority=3),
        Column("ceased", kind="int", priority=3),
        Column("overdue", kind="int"),
        Column("pct_done", "% done", kind="pct"),
        Column("needed_per_month", "needed/month", kind="code", priority=2),
        Column("rate_per_month_last_8_weeks", "rate/month", kind="code", priority=2),
        Column("forecast_finish_on", "forecast"),
    ]
    if f == "json":
        emit_record(s, "json", output)
        return
    if f in ("csv", "xlsx"):
        rows = s.get("groups") or [{k: v for k, v in s.items() if k not in ("burndown",)}]
        cols = group_cols if by else [Column(k) for k in rows[0] if k not in ("burndown",)]
        emit(rows, cols, f, output)
        return
    summary = {k: v for k, v in s.items() if k not in ("burndown", "groups", "by")}
    emit_record(
        summary, "plain", output, title=f"Statement-to-EHCP transfers as at {day.isoformat()}"
    )
    if by:
        emit(s["groups"], group_cols, f, output, title=f"By {by.value}")
    if chart:
        _print_chart(s, f == "table", output)


def _print_chart(status: dict, terminal: bool, output) -> None:
    from sendctl.render.charts import print_burndown
    from sendctl.render.formats import open_output

    if terminal:
        print_burndown(status, True)
        return
    with open_output(output) as out:
        print_burndown(status, False, out)


# --- assessments ----------------------------------------------------------------------------------


@assessments_app.command("request")
def assessments_request(
    ref: RefArg,
    received: Annotated[
        str,
        typer.Option(
            "--received",
            click_type=DATE,
            help="Date the LA received the request.",
            show_default=False,
        ),
    ],
    exception: Annotated[
        ExceptionReason | None, typer.Option("--exception", help="A reg 10(4) exception applies.")
    ] = None,
) -> None:
    """A request for an EHC needs assessment: starts the 6-, 16- and 20-week clocks.

    Example: sendctl assessments request RCC-0107 --received 2017-01-09
    """
    from sendctl.services.clocks import request_assessment

    row = request_assessment(
        state(),
        ref,
        need_date(received, "--received"),
        exception.value if exception else None,
        _today(),
    )
    info(
        f"{ref}: request received {row['received_on']}; decision due {row['decision_due_on']}, "
        f"no-plan decision by {row['no_plan_due_on']}, final plan due {row['final_due_on']}"
    )


@assessments_app.command("record")
def assessments_record(
    ref: RefArg,
    event: Annotated[
        AssessmentEvent,
        typer.Argument(
            help="decision-to-assess, refused, draft-issued, final-issued, no-plan or withdrawn"
            " (the request or the assessment was withdrawn before its decision)."
        ),
    ],
    date: Annotated[
        str, typer.Option("--date", click_type=DATE, help="Date of the event.", show_default=False)
    ],
    exception: Annotated[
        ExceptionReason | None,
        typer.Option(
            "--exception",
            help="A reg 10(4) exception applies: school-closure, ey-closure, personal, absent.",
        ),
    ] = None,
) -> None:
    """Record an event on the child's open assessment; final-issued makes the plan an EHCP;
    withdrawn closes it (before the decision to assess: the request was withdrawn; after it:
    the assessment was), the SEN2 outcome W.

    Example: sendctl assessments record RCC-0107 decision-to-assess --date 2017-02-15
    """
    from sendctl.services.clocks import record_assessment

    row = record_assessment(
        state(),
        ref,
        event.value,
        need_date(date, "--date"),
        exception.value if exception else None,
        _today(),
    )
    if event.value == "final-issued":
        _warn_representations(ref, need_date(date, "--date"))
    info(
        f"{ref}: {event.value} recorded {date}"
        + (f" (outcome {row['outcome']})" if row["outcome"] else "")
    )


@assessments_app.command("list")
def assessments_list(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="Only requests received in this calendar year.", click_type=YEAR
        ),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Every assessment request with its clocks, outcome and exception (if any).

    Example: sendctl assessments list --year 2017 --format csv
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.clocks import assessment_list

    rows = assessment_list(state(), as_of_date(as_of), year)
    cols = [
        Column("id", kind="int", human=False),
        Column("case_ref", "case"),
        Column("forename"),
        Column("caseworker", human=False),
        Column("received_on", "received"),
        Column("decision_due_on", "decision due", priority=2),
        Column("decided_on", "decided", priority=2),
        Column("decision", human=False),
        Column("no_plan_due_on", "16 wk", human=False),
        Column("draft_on", "draft"),
        Column("final_due_on", "20 wk due"),
        Column("concluded_on", "concluded"),
        Column("outcome", kind="code"),
        Column("exception_reason", "exception", priority=2),
        Column("exception_applies", kind="bool", human=False),
        Column("within_20_weeks", "in 20 wk", kind="bool", priority=2),
    ]
    emit(
        rows,
        cols,
        fmt_value(fmt),
        output,
        title="EHC needs assessments",
        empty_message="No assessment requests.",
    )


@assessments_app.command("timeliness")
def assessments_timeliness(
    year: Annotated[
        int,
        typer.Option(
            "--year",
            help="Calendar year the plans were issued.",
            show_default=False,
            click_type=YEAR,
        ),
    ],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Plans issued within 20 weeks in a year: all cases and excluding reg 10(4) exceptions.

    Example: sendctl assessments timeliness --year 2017
    """
    from sendctl.render.formats import emit_record
    from sendctl.services.clocks import assessment_timeliness

    emit_record(
        assessment_timeliness(state(), year),
        fmt_value(fmt),
        output,
        title=f"20-week timeliness, plans issued in {year}",
    )


# --- reviews --------------------------------------------------------------------------------------


@reviews_app.command("record")
def reviews_record(
    ref: RefArg,
    meeting: Annotated[
        str,
        typer.Option(
            "--meeting", click_type=DATE, help="Date of the review meeting.", show_default=False
        ),
    ],
    decision: Annotated[
        ReviewDecision | None,
        typer.Option("--decision", help="The LA's decision: keep, amend or cease."),
    ] = None,
    decision_date: Annotated[
        str | None,
        typer.Option(
            "--decision-date",
            click_type=DATE,
            help="Date the decision was notified (default: the meeting date).",
        ),
    ] = None,
    notice: Annotated[
        str | None,
        typer.Option(
            "--notice",
            metavar="DATE",
            help="Date notice of the meeting was given (at least 2 weeks before).",
        ),
    ] = None,
    advice: Annotated[
        str | None,
        typer.Option(
            "--advice",
            metavar="DATE",
            help="Date the advice was circulated (at least 2 weeks before).",
        ),
    ] = None,
    report: Annotated[
        str | None,
        typer.Option(
            "--report",
            metavar="DATE",
            help="Date the review report was sent (within 2 weeks after).",
        ),
    ] = None,
) -> None:
    """Record an annual review meeting (and the LA's decision); sets the next review due.

    Run again with --decision for the same --meeting to record a decision made later, or with
    --notice/--advice/--report to record the steps of the review cycle (regs 20-21).
    Example: sendctl reviews record RCC-0042 --meeting 2017-03-14 --decision amend --decision-date 2017-04-04
    """
    from sendctl.services.further import record_review

    meeting_on = need_date(meeting, "--meeting")
    steps = {
        "notice": opt_date(notice, "--notice"),
        "advice": opt_date(advice, "--advice"),
        "report": opt_date(report, "--report"),
    }
    row, step_rows = record_review(
        state(),
        ref,
        meeting_on,
        decision.value if decision else None,
        opt_date(decision_date, "--decision-date"),
        steps,
        _today(),
    )
    for step_row in step_rows:
        info(f"{ref}: review of {meeting_on}: {step_row['event']} recorded {step_row['event_on']}")
    if row is None:
        return
    if row.get("decision"):
        info(
            f"{ref}: review of {row['meeting_on']}: decision {row['decision']} on {row['decided_on']}"
            f" (due {row['decision_due_on']})"
        )
    else:
        info(
            f"{ref}: review meeting {row['meeting_on']} recorded; decision due {row['decision_due_on']}"
        )
    if row.get("next_review_due_on"):
        info(f"{ref}: next annual review due {row['next_review_due_on']}")
    if row.get("decision") == "cease":
        info(
            f"{ref}: a decision to cease is not the end: once the appeal window has passed (or an"
            f" appeal is dismissed), record it with 'sendctl cases end {ref} --date D --reason R'"
        )


# --- deadlines ------------------------------------------------------------------------------------


@deadlines_app.callback(invoke_without_command=True)
def deadlines(
    ctx: typer.Context,
    within: Annotated[
        int, typer.Option("--within", help="Days ahead that count as due.", click_type=DAYS_AHEAD)
    ] = 14,
    clock: Annotated[
        ClockKind | None, typer.Option("--clock", help="Only this kind of clock.")
    ] = None,
    caseworker: CaseworkerOpt = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Also list running clocks beyond the window ('upcoming').")
    ] = False,
    fail_on: Annotated[
        FailOn | None, typer.Option("--fail-on", help="Exit 3 when anything is overdue.")
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Add the rule, its words, the anchor event and date for each clock."
        ),
    ] = False,
    chart: Annotated[
        bool,
        typer.Option(
            "--chart", help="Also chart the clocks falling due in each of the next 8 weeks."
        ),
    ] = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Every running statutory clock that is overdue or due soon, soonest first.

    Example: sendctl deadlines --within 14 --caseworker "J Smith" --fail-on overdue
    """
    if ctx.invoked_subcommand is not None:
        # `deadlines notify ...`: the subcommand does the work. An option written before it
        # (`deadlines --within 0 notify`) belongs to this listing and would be dropped
        # silently, so a cron line written that way would email the wrong list: refused.
        given = [
            p.opts[0]
            for p in ctx.command.params
            if getattr(p, "opts", None)
            and getattr(ctx.get_parameter_source(p.name), "name", "") == "COMMANDLINE"
        ]
        if given:
            raise SendctlError(
                f"deadlines: {', '.join(given)} given before '{ctx.invoked_subcommand}', where "
                "it would not apply; nothing was done",
                hint=f"put options after the subcommand: sendctl deadlines {ctx.invoked_subcommand} "
                + " ".join(f"{g} ..." for g in given),
            )
        return
    from sendctl.render.formats import Column, emit
    from sendctl.services.clocks import deadlines as deadline_rows

    day = as_of_date(as_of)
    counts = {"overdue": 0, "due": 0, "upcoming": 0, "guidance": 0}

    def counted(rows):
        for r in rows:
            counts[r["status"]] += 1
            yield r

    rows = deadline_rows(
        state(),
        day,
        within,
        clock.value if clock else None,
        caseworker,
        include_upcoming=all_,
        explain=explain,
    )
    cols = [
        Column("case_ref", "case"),
        Column("forename"),
        Column("clock", kind="code"),
        Column("due_on", "due", kind="date"),
        Column("status", kind="code", priority=3),
        Column("days_left", "days left", kind="days"),
        Column("caseworker", priority=2),
        Column("caseworker_email", human=False),
        Column("detail", priority=3),
        Column("rule_id", human=False),
        Column("legal_ref", human=False),
    ]
    if explain:
        cols.append(Column("explain"))
    emit(
        counted(rows),
        cols,
        fmt_value(fmt),
        output,
        title=f"Statutory deadlines as at {day.isoformat()} (due = within {within} days)",
        empty_message=f"Nothing overdue or due within {within} days.",
    )
    if chart:
        from sendctl.render.charts import emit_charts
        from sendctl.services.charts import clocks_by_week

        emit_charts([clocks_by_week(state(), day, 8, caseworker)], "weekly", fmt_value(fmt), output)
    info(
        f"{counts['overdue']} overdue, {counts['due']} due within {within} days"
        + (f", {counts['upcoming']} upcoming" if all_ else "")
    )
    if caseworker and not sum(counts.values()):
        from sendctl.services.cases import note_unmatched

        note_unmatched(state(), caseworker=caseworker)
    if fail_on is FailOn.overdue and counts["overdue"]:
        raise typer.Exit(EXIT_CHECK_FAILED)


# --- corrections (voids) and the amended final plan ------------------------------------------------


def _void(clock: str, event_id: int, reason: str) -> None:
    from sendctl.services.clocks import void_event

    row = void_event(state(), clock, event_id, reason, _today())
    info(
        f"{row['case_ref']}: {row['clock']} event #{row['id']} ({row['event']} of {row['event_on']}) voided;"
        " it stays in the history and the clocks ignore it"
    )


EventIdArg = Annotated[
    int,
    typer.Argument(
        help="The event's id (cases show REF lists them under Events).", click_type=ENTRY_ID
    ),
]
VoidReasonOpt = Annotated[
    str,
    typer.Option(
        "--reason", help="Why the event is wrong (kept in the audit trail).", show_default=False
    ),
]


@transfers_app.command("void")
def transfers_void(event_id: EventIdArg, reason: VoidReasonOpt) -> None:
    """Void a transfer event recorded by mistake (an audited correction; the latest event first).

    Example: sendctl transfers void 1234 --reason "final plan date typed for the wrong child"
    """
    _void("transfer", event_id, reason)


@assessments_app.command("void")
def assessments_void(event_id: EventIdArg, reason: VoidReasonOpt) -> None:
    """Void an assessment event recorded by mistake (an audited correction; the latest event first).

    Example: sendctl assessments void 1234 --reason "duplicate request"
    """
    _void("assessment", event_id, reason)


@reviews_app.command("void")
def reviews_void(event_id: EventIdArg, reason: VoidReasonOpt) -> None:
    """Void a review event, or a plan event (end, move, amended final plan), recorded by mistake
    (an audited correction; the latest event first).

    Example: sendctl reviews void 1234 --reason "meeting was postponed"
    """
    _void("review", event_id, reason)


@reviews_app.command("amend")
def reviews_amend(
    ref: RefArg,
    final: Annotated[
        str | None,
        typer.Option(
            "--final", help="Date the amended final EHC plan was issued.", show_default=False
        ),
    ] = None,
    proposals: Annotated[
        str | None,
        typer.Option(
            "--proposals",
            metavar="DATE",
            help="Date the amendment proposals were sent (reg 22(2)(a); the final within 8 weeks).",
        ),
    ] = None,
) -> None:
    """Record amendment proposals (reg 22(2)) or the amended final EHC plan (reg 22(3)); an
    amended final plan issued before the phase-transfer date and naming the next setting meets
    that clock (a decision to amend does not).

    Example: sendctl reviews amend RCC-0042 --final 2017-02-10
    """
    from sendctl.services.clocks import amended_final
    from sendctl.services.further import proposals as record_proposals

    if final is None and proposals is None:
        from sendctl.domain.problems import invalid

        raise invalid("final", "required", "give --proposals DATE or --final DATE")
    if proposals is not None:
        p = record_proposals(state(), ref, need_date(proposals, "--proposals"), _today())
        info(f"{ref}: amendment proposals sent {p['event_on']} (review of {p['detail']})")
    if final is not None:
        row = amended_final(state(), ref, need_date(final, "--final"), _today())
        _warn_representations(ref, need_date(final, "--final"))
        info(f"{ref}: amended final plan issued {row['event_on']}")


def _warn_representations(ref: str, on) -> None:
    """A final plan before the 15 days for representations ended, none recorded: say so."""
    from sendctl.cli._common import warn
    from sendctl.services.further import representations_warning

    text = representations_warning(state(), ref, on)
    if text:
        warn(text)
