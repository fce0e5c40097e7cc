"""status | audit | report sen2: what managers and auditors read."""

from pathlib import Path
from typing import Annotated

import typer

from sendctl.cli._common import (
    DATE,
    ROW_LIMIT,
    AsOfOpt,
    FormatOpt,
    OutputOpt,
    WholeNumber,
    as_of_date,
    choices,
    fmt_value,
    info,
    new_app,
    state,
)

app = new_app("Reports: the status dashboard and the audit trail.", no_args_is_help=False)
report_app = new_app(
    "Statutory returns and published reports: SEN2, the needs dataset, the Cabinet update.\n\n"
    "Example: sendctl report sen2 --year 2016",
    short_help="Statutory returns and published reports: SEN2, needs dataset, Cabinet update.",
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
    from sendctl.services.reports import dashboard

    show_dashboard(dashboard(state(), as_of_date(as_of)), fmt_value(fmt), output)


def show_dashboard(d: dict, fmt: str | None, output) -> None:
    """The dashboard as Rich panels, plain text or JSON."""
    from sendctl.render.formats import emit_record, open_output, resolve_format

    f = resolve_format(fmt, output)
    if f == "json":
        emit_record(d, "json", output)
        return
    if f in ("csv", "xlsx"):
        from sendctl.domain.errors import SendctlError

        raise SendctlError(
            f"--format: status is a dashboard; use table, plain or json ({f} is for listings)"
        )
    from sendctl.render import dashboard as render

    if f == "table":
        render.print_rich(d)
        return
    with open_output(output) as out:
        out.write(render.plain_text(d))


@report_app.command("sen2")
def sen2(
    year: Annotated[
        int,
        typer.Option(
            "--year",
            help="Calendar year reported (the return made in January of the next year).",
            click_type=WholeNumber(2014, 2100),
            show_default=False,
        ),
    ],
    xml: Annotated[
        Path | None,
        typer.Option(
            "--xml",
            help="Write the person-level return for the January YEAR+1 census day to FILE.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Run every offline validation rule; exit 3 if an error would block submission.",
        ),
    ] = False,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            help="Every figure one child (case reference) is counted in, and why; and every one not, and why.",
            show_default=False,
        ),
    ] = None,
    diff: Annotated[
        Path | None,
        typer.Option(
            "--diff",
            help="Compare with last year's return (XML), child by child.",
            exists=False,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    lea: Annotated[
        str | None,
        typer.Option(
            "--lea",
            help="The LA's 3-digit DfE code for the header (default: the one from an imported return).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """SEN2 figures for a calendar year, and the person-level return made the next January.

    Without options: the figures, each with a line saying how it was counted (transfers, new
    plans and 20-week timeliness with and without exceptions, caseload on census day), then the
    measures DfE publishes, computed child by child from the return itself. The census day is
    DfE's survey day (the third Thursday of January of YEAR+1 unless DfE fixed another); the
    return shows the register as it stood that day (later events are ignored).

    --xml FILE writes the return; --check lists every failed offline rule (errors, then queries;
    exit 3 when an error would block submission); --explain REF says for one child what it is
    and is not counted in, and why; --diff LAST.xml lists new, gone and changed children.

    Example: sendctl report sen2 --year 2025 --xml sen2-2026.xml --lea 857
    """
    from sendctl.cli.sen2 import run_report

    run_report(
        year,
        xml=xml,
        check=check,
        explain=explain,
        diff=diff,
        lea=lea,
        fmt=fmt_value(fmt),
        output=output,
    )


NeedsBy = choices("NeedsBy", ("need", "age", "setting", "area", "plan"))


@report_app.command("needs")
def needs(
    as_of: AsOfOpt = None,
    by: Annotated[
        NeedsBy | None,
        typer.Option(
            "--by",
            help="One breakdown: need, age, setting, area or plan (default: all).",
            case_sensitive=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The SEND needs dataset: children with a plan by need, age, setting, area and plan type, over 4 years.

    For --as-of and the same day in each of the three years before, with the change since the
    year before. Fit to publish: 1 to 4 children show as <5 (and a cell that would give one away
    from the total as c). Rows: by, group, on, children, shown, change, change_shown.
    Example: sendctl report needs --as-of 2017-03-31 --by need --format csv
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.needs import dataset

    d = as_of_date(as_of)
    res = dataset(state(), d, by.value if by else None)
    cols = [
        Column("by"),
        Column("group"),
        Column("on"),
        Column("children", kind="int", human=False),
        Column("shown", "children"),
        Column("change", kind="int", human=False),
        Column("change_shown", "change on a year before"),
    ]
    emit(
        res["rows"], cols, fmt_value(fmt), output, title=f"SEND needs dataset as at {d.isoformat()}"
    )


CabinetFormat = choices("CabinetFormat", ("html", "json"))


@report_app.command("cabinet")
def cabinet(
    as_of: AsOfOpt = None,
    output: OutputOpt = None,
    fmt: Annotated[
        CabinetFormat | None,
        typer.Option(
            "--format",
            help="html (default) or json (every figure of the update).",
            case_sensitive=False,
        ),
    ] = None,
) -> None:
    """The progress update to Cabinet: one self-contained HTML file with charts, no personal data.

    Transfers against the deadline (burn-down and forecast), the statutory clocks, the High Needs
    Panel, the funds by month, the capital plan and the needs picture; each figure with its date
    and how it was counted, from the same services as the JSON commands.
    Example: sendctl report cabinet --as-of 2018-03-31 --output update.html
    """
    from sendctl.render.formats import open_output
    from sendctl.services.cabinet import update

    d = as_of_date(as_of)
    data = update(state(), d)
    if (fmt.value if fmt else "html") == "json":
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        from sendctl.render.cabinet import to_html

        text = to_html(data)
    with open_output(output) as out:
        out.write(text)
    if output is not None and str(output) != "-":
        info(f"Wrote the Cabinet update as at {d.isoformat()} to {output}")


@app.command()
def audit(
    since: Annotated[
        str | None,
        typer.Option(
            "--since", click_type=DATE, help="Only changes on or after DATE.", show_default=False
        ),
    ] = None,
    officer: Annotated[
        str | None, typer.Option("--officer", help="Only this officer's changes.")
    ] = None,
    case: Annotated[
        str | None, typer.Option("--case", help="Only changes about this case reference.")
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option(
            "--entity",
            help="Only this kind of record (case, transfer, panel_decision, ledger_entry, fund, ...).",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most N rows.", click_type=ROW_LIMIT)
    ] = None,
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
        Column("at_utc", "when (UTC)", kind="code"),
        Column("officer", priority=2),
        Column("command", priority=3),
        Column("entity", kind="code", priority=2),
        Column("entity_key", "key", kind="code"),
        Column("case_ref", "case", kind="code"),
        Column("action", kind="code"),
        Column("before_json", "before", human=False),
        Column("after_json", "after", human=False),
    ]
    emit(
        rows,
        columns,
        fmt_value(fmt),
        output,
        title="Audit trail",
        empty_message="No audit rows match.",
    )
