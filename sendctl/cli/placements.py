"""placements list | end | forecast: what agreed panel decisions commit to the high needs budget.

Thin commands: the maths is in sendctl/domain/placements.py, the SQL in
sendctl/storage/placements.py, the orchestration in sendctl/services/placements.py.
"""

from typing import Annotated

import typer

from sendctl.cli._common import (
    ENTRY_ID,
    AsOfOpt,
    FormatOpt,
    OutputOpt,
    as_of_date,
    fmt_value,
    info,
    need_date,
    new_app,
    opt_date,
    state,
)

app = new_app(
    "Placements made by agreed panel decisions: list them, end one, forecast their cost.\n\n"
    "Example: sendctl placements forecast --years 3",
    short_help="Placements from panel decisions: list, end, forecast the high needs cost.",
)


def _list_columns():
    from sendctl.render.formats import Column

    return [
        Column("id", kind="int"),
        Column("case_ref"),
        Column("provider"),
        Column("placement_type", "type"),
        Column("out_of_county", "ooc", kind="bool"),
        Column("funder", human=False),
        Column("annual_cost_pence", "annual cost", kind="money"),
        Column("starts_on", "starts", kind="date"),
        Column("ends_on", "ends", kind="date"),
        Column("this_year_pence", "this year", kind="money"),
        Column("financial_year", human=False),
        Column("decision_id", "decision", kind="int"),
        Column("action", human=False),
        Column("replaces_id", kind="int", human=False),
        Column("decided_on", kind="date", human=False),
        Column("reason", human=False),
    ]


@app.command("list")
def list_cmd(
    active_on: Annotated[
        str | None,
        typer.Option("--active-on", metavar="DATE", help="Only placements running on DATE."),
    ] = None,
    out_of_county: Annotated[
        bool | None,
        typer.Option(
            "--out-of-county/--in-county", help="Only placements out of (or in) the county."
        ),
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", metavar="TEXT", help="Provider name contains TEXT.")
    ] = None,
    placement_type: Annotated[
        str | None,
        typer.Option("--type", metavar="T", help="Placement type, e.g. independent-special."),
    ] = None,
    case_ref: Annotated[
        str | None, typer.Option("--case", metavar="REF", help="Only this child.")
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Current placements (as at --as-of), with their cost to this financial year.

    Example: sendctl placements list --active-on 2017-09-06 --out-of-county
    """
    from sendctl.render.formats import emit
    from sendctl.services.placements import list_placements

    d = as_of_date(as_of)
    rows = list_placements(
        state({"placement_type": "--type", "case_ref": "--case"}),
        d,
        active_on=opt_date(active_on, "--active-on"),
        out_of_county=out_of_county,
        provider=provider,
        placement_type=placement_type,
        case_ref=case_ref,
    )
    emit(
        rows,
        _list_columns(),
        fmt_value(fmt),
        output,
        title=f"Placements as at {d.isoformat()}",
        empty_message="No placements: an agreed panel decision with an annual cost and a start"
        " date makes one.",
    )


@app.command("end")
def end_cmd(
    placement_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", help="The placement (see placements list).", click_type=ENTRY_ID
        ),
    ],
    ends_on: Annotated[str, typer.Option("--date", metavar="DATE", help="Its last day.")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why it ends (audited).")],
) -> None:
    """End a placement on a date: a new record replaces it; the old one stays in the history.

    Example: sendctl placements end 12 --date 2017-12-22 --reason "moved to a maintained special school"
    """
    from datetime import date

    from sendctl.domain.money import format_pence
    from sendctl.services.placements import end_placement

    row = end_placement(
        state({"ends_on": "--date"}),
        placement_id,
        need_date(ends_on, "--date"),
        reason,
        date.today(),
    )
    info(
        f"Placement {placement_id} ends on {row['ends_on']}: recorded as placement {row['id']}"
        f" ({row['case_ref']}, {format_pence(row['annual_cost_pence'])} a year)"
    )


@app.command("forecast")
def forecast_cmd(
    years: Annotated[
        int, typer.Option("--years", metavar="N", help="Years after the current one.")
    ] = 3,
    growth: Annotated[
        str | None,
        typer.Option(
            "--growth",
            metavar="R",
            help="New placements as growth on today's (5% or 0.05) "
            "instead of the last 12 months' panel decisions.",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The high needs budget year by year: today's placements, new ones, outturn, the deficit.

    Every assumption is printed under the figures (JSON/CSV carry the rate in each row).
    Example: sendctl placements forecast --years 3 --growth 5%
    """
    from sendctl.services.placements import forecast

    f = forecast(state(), as_of_date(as_of), years=years, growth=growth)
    emit_forecast(f, fmt_value(fmt), output, "High needs forecast")


def forecast_columns():
    from sendctl.render.formats import Column

    return [
        # on a narrow terminal the inputs go first (adjustments, paid, orders, then the
        # placements and the b/f); budget, outturn, variance and the deficit stay
        Column("financial_year", "year"),
        Column("budget_pence", "budget", kind="money"),
        Column("committed_pence", "placements", kind="money", priority=2),
        Column("paid_pence", "paid", kind="money", priority=3),
        Column("other_committed_pence", "other committed", kind="money", priority=3),
        Column("new_placements_pence", "new placements", kind="money", priority=2),
        Column("forecast_outturn_pence", "forecast outturn", kind="money"),
        Column("variance_pence", "variance", kind="money"),
        Column("deficit_brought_forward_pence", "deficit b/f", kind="money", priority=2),
        Column("adjustments_pence", "adjustments", kind="money", priority=3),
        Column("deficit_carried_forward_pence", "deficit c/f", kind="money"),
        Column("assumed_rate_pence", kind="money", human=False),
        Column("budget_assumed", kind="bool", human=False),
    ]


def emit_forecast(f, fmt, output, title: str) -> None:
    """The rows, then (on screen and in plain text) the assumptions, numbered, under them."""
    import sys

    from sendctl.render.formats import emit, resolve_format

    fmt = resolve_format(fmt, output)
    emit(f.rows, forecast_columns(), fmt, output, title=title)
    if fmt not in ("table", "plain"):
        return
    lines = [f"  {i}. {a}" for i, a in enumerate(f.assumptions, 1)]
    if fmt == "table":  # on a terminal: each wrapped to its width, indented under its number
        import textwrap

        from sendctl.render.tables import terminal_width

        width = terminal_width()
        lines = [
            textwrap.fill(a, width, initial_indent=f"  {i}. ", subsequent_indent="     ")
            for i, a in enumerate(f.assumptions, 1)
        ]
    text = "Assumptions:\n" + "".join(line + "\n" for line in lines)
    if output is not None and str(output) != "-":
        with open(output, "a", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)


# --- the high needs fund (mounted in `funds`) -------------------------------------------------------


def add_high_needs(
    code: str,
    name: str,
    kind: str,
    allocation: str | None,
    profile: str | None,
    budget: str | None,
    cost_centre: str | None = None,
    account_code: str | None = None,
) -> None:
    """`funds add CODE --kind high-needs --budget 2017-18=£3,825,000,...`."""
    from sendctl.domain.errors import SendctlError
    from sendctl.domain.money import format_pence, parse_pence
    from sendctl.services.placements import add_high_needs_fund

    if kind != "high-needs":
        raise SendctlError("--budget: goes with --kind high-needs (other funds take --profile)")
    if profile is not None:
        raise SendctlError(
            "--profile: a high-needs fund takes --budget (a budget per financial year)"
        )
    if budget is None:
        raise SendctlError(
            "--budget: required for a high-needs fund, e.g. 2017-18=£3,825,000,2018-19=£3,790,000"
        )
    alloc = parse_pence(allocation, "--allocation") if allocation is not None else None
    done = add_high_needs_fund(state(), code, name, budget, alloc, cost_centre, account_code)
    years = ", ".join(f"{fy} {format_pence(p)}" for fy, p in done["budget"].items())
    info(f"Added fund {done['code']}: {name.strip()} (high-needs), budget {years}")


def high_needs_columns(rows: list[dict], fy: str | None) -> list:
    """`funds balances`: the columns of the high-needs fund's budget-year rows (budget,
    committed by placements, new placements, forecast outturn, variance) and, with --fy, of
    its split in/out of county and by placement type; none without the fund. On a narrow
    terminal the split's words and counts go before any money column."""
    from sendctl.render.formats import Column

    if not any(r.get("level") == "budget" for r in rows):
        return []
    return [
        Column("split", human=bool(fy), priority=4),
        Column("placements", kind="int", human=bool(fy), priority=4),
        Column("placements_committed_pence", "placements committed", kind="money", priority=2),
        Column("new_placements_pence", "new placements", kind="money", priority=3),
        Column("forecast_outturn_pence", "forecast outturn", kind="money"),
        Column("variance_pence", "variance", kind="money"),
        Column("budget_pence", kind="money", human=False),
        Column("paid_pence", kind="money", human=False),
        Column("budget_assumed", kind="bool", human=False),
    ]


# --- the deficit (mounted as `funds deficit`) ---------------------------------------------------------

deficit_app = new_app(
    "The carried-forward high needs deficit: the opening figure, adjustments, write-offs, and the\n"
    "cumulative position year by year.\n\nExample: sendctl funds deficit show --years 3",
    short_help="The high needs deficit: opening, adjust, write-off, show.",
)

RefOpt = Annotated[
    str, typer.Option("--ref", metavar="TEXT", help="The decision or journal reference.")
]


@deficit_app.command("opening")
def deficit_opening(
    amount: Annotated[
        str, typer.Argument(metavar="AMOUNT", help="The deficit brought forward, e.g. £420,000.")
    ],
    fy: Annotated[
        str,
        typer.Option(
            "--fy", metavar="FY", help="The year it is brought forward into, e.g. 2017-18."
        ),
    ],
    ref: RefOpt,
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Where the figure comes from.")
    ] = None,
) -> None:
    """Record the deficit brought forward into a financial year (once a year; audited).

    Example: sendctl funds deficit opening £420,000 --fy 2017-18 --ref "Statement of accounts 2016-17"
    """
    from sendctl.domain.money import format_pence, parse_pence
    from sendctl.services.placements import record_deficit

    done = record_deficit(
        state(), "opening", parse_pence(amount, "AMOUNT"), ref, fy=fy, reason=note
    )
    info(
        f"Recorded the opening deficit of {format_pence(done['amount_pence'])} brought forward into"
        f" {done['financial_year']} (entry {done['id']})"
    )


@deficit_app.command("adjust")
def deficit_adjust(
    amount: Annotated[
        str,
        typer.Argument(metavar="AMOUNT", help="+ adds to the deficit, - reduces it, e.g. -£5,000."),
    ],
    on: Annotated[str, typer.Option("--date", metavar="DATE", help="Date of the adjustment.")],
    ref: RefOpt,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (audited).")],
) -> None:
    """An adjustment to the deficit (a correction, a transfer in or out); audited.

    Example: sendctl funds deficit adjust --date 2017-09-30 --ref JNL-0412 --reason recoupment -- -£12,500
    """
    from sendctl.domain.money import format_pence, parse_pence
    from sendctl.services.placements import record_deficit

    done = record_deficit(
        state({"on": "--date"}),
        "adjustment",
        parse_pence(amount, "AMOUNT", allow_negative=True),
        ref,
        on=need_date(on, "--date"),
        reason=reason,
    )
    info(
        f"Recorded a deficit adjustment of {format_pence(done['amount_pence'])} in"
        f" {done['financial_year']} (entry {done['id']})"
    )


@deficit_app.command("write-off")
def deficit_write_off(
    amount: Annotated[
        str, typer.Argument(metavar="AMOUNT", help="The amount written off, e.g. £100,000.")
    ],
    on: Annotated[str, typer.Option("--date", metavar="DATE", help="Date of the write-off.")],
    ref: RefOpt,
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Who funds it and why (audited).")
    ],
) -> None:
    """Write part of the deficit off (e.g. met from the general fund): an entry with its reference.

    Example: sendctl funds deficit write-off £100,000 --date 2018-03-31 --ref CAB/2018/07 --reason "met from general reserves"
    """
    from sendctl.domain.money import format_pence, parse_pence
    from sendctl.services.placements import record_deficit

    done = record_deficit(
        state({"on": "--date"}),
        "write-off",
        parse_pence(amount, "AMOUNT"),
        ref,
        on=need_date(on, "--date"),
        reason=reason,
    )
    info(
        f"Recorded a write-off of {format_pence(-done['amount_pence'])} in {done['financial_year']}"
        f" (entry {done['id']})"
    )


@deficit_app.command("show")
def deficit_show(
    years: Annotated[
        int, typer.Option("--years", metavar="N", help="Years after the current one.")
    ] = 3,
    growth: Annotated[
        str | None, typer.Option("--growth", metavar="R", help="As for placements forecast.")
    ] = None,
    entries: Annotated[
        bool, typer.Option("--entries", help="List the deficit entries instead.")
    ] = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The cumulative deficit year by year (the forecast's last columns), or --entries.

    Example: sendctl funds deficit show --years 3
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.placements import deficit_entries, forecast

    d = as_of_date(as_of)
    if entries:
        cols = [
            Column("id", kind="int"),
            Column("kind"),
            Column("financial_year", "year"),
            Column("posted_on", "date", kind="date"),
            Column("amount_pence", "amount", kind="money"),
            Column("ref"),
            Column("reason"),
            Column("officer", human=False),
        ]
        emit(
            deficit_entries(state(), d),
            cols,
            fmt_value(fmt),
            output,
            title="High needs deficit entries",
            empty_message="No deficit entries yet: 'sendctl funds deficit opening' records the first.",
        )
        return
    f = forecast(state(), d, years=years, growth=growth)
    emit_forecast(f, fmt_value(fmt), output, "High needs deficit, year by year")
