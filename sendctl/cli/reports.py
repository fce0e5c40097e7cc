"""status | audit | report sen2: what managers and auditors read."""

from typing import Annotated

import typer

from sendctl.cli._common import (
    ROW_LIMIT,
    AsOfOpt,
    FormatOpt,
    OutputOpt,
    WholeNumber,
    as_of_date,
    fmt_value,
    new_app,
    state,
)

app = new_app("Reports: the status dashboard and the audit trail.", no_args_is_help=False)
report_app = new_app(
    "Statutory returns: SEN2-style figures for a calendar year.\n\nExample: sendctl report sen2 --year 2016",
    short_help="Statutory returns: SEN2-style figures for a calendar year.",
)


@app.command(short_help="One screen: transfers, clocks due, the panel, fund balances.")
def status(
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """One screen: transfers vs 31 March 2018, clocks due and overdue, the panel, fund balances.

    Rich panels on a terminal, plain text otherwise; --format json gives the whole dashboard
    as one object (transfers with its burndown, clocks, panel, funds).

    Example: sendctl status --as-of 2017-04-18
    """
    from sendctl.render.formats import emit_record, open_output, resolve_format
    from sendctl.services.reports import dashboard

    d = dashboard(state(), as_of_date(as_of))
    f = resolve_format(fmt_value(fmt), output)
    if f == "json":
        emit_record(d, "json", output)
        return
    if f == "csv":
        from sendctl.domain.errors import SendctlError

        raise SendctlError("--format: status is a dashboard; use table, plain or json (csv is for listings)")
    from sendctl.render import dashboard as render

    if f == "table":
        render.print_rich(d)
        return
    with open_output(output) as out:
        out.write(render.plain_text(d))


@report_app.command("sen2")
def sen2(
    year: Annotated[int, typer.Option("--year", help="Calendar year reported (the return made in January of the next year).", click_type=WholeNumber(2014, 2100), show_default=False)],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """SEN2-style figures for a calendar year, each with a line saying how it was counted.

    Transfers to EHCP and to no plan, new plans and the share issued within 20 weeks (with and
    without exception cases), and the caseload on census day (the third Thursday of January
    of the next year) by primary need and by setting type (domain.md §4).

    Example: sendctl report sen2 --year 2016 --format csv --output sen2-2016.csv
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.reports import sen2_figures

    r = sen2_figures(state(), year)
    columns = [
        Column("section"),
        Column("figure"),
        Column("sen2_item", "SEN2 item"),
        Column("value"),
        Column("how_counted", "how counted"),
    ]
    emit(r["figures"], columns, fmt_value(fmt), output,
         title=f"SEN2-style figures for {year} (census day {r['census_on']})")


@app.command()
def audit(
    since: Annotated[
        str | None, typer.Option("--since", help="Only changes on or after DATE.", show_default=False)
    ] = None,
    officer: Annotated[str | None, typer.Option("--officer", help="Only this officer's changes.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Only changes about this case reference.")] = None,
    entity: Annotated[
        str | None,
        typer.Option("--entity", help="Only this kind of record (case, transfer, panel_decision, ledger_entry, fund, ...)."),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most N rows.", click_type=ROW_LIMIT)] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The audit trail: who changed what, when, newest first.

    Example: sendctl audit --case RCC-0042 --since 01/04/2017
    """
    from sendctl.cli._common import opt_date
    from sendctl.render.formats import Column, emit
    from sendctl.services.reports import audit_trail

    rows = audit_trail(
        state(),
        since=opt_date(since, "--since"),
        officer=officer,
        case_ref=case,
        entity=entity,
        limit=limit,
    )
    columns = [
        Column("id", kind="int"),
        Column("at_utc", "when (UTC)"),
        Column("officer"),
        Column("command"),
        Column("entity"),
        Column("entity_key", "key"),
        Column("case_ref", "case"),
        Column("action"),
        Column("before_json", "before", human=False),
        Column("after_json", "after", human=False),
    ]
    emit(rows, columns, fmt_value(fmt), output, title="Audit trail", empty_message="No audit rows match.")
