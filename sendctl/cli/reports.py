"""status | audit | report sen2: what managers and auditors read."""

from typing import Annotated

import typer

from sendctl.cli._common import FormatOpt, OutputOpt, fmt_value, new_app, state

app = new_app("Reports.", no_args_is_help=False)
report_app = new_app("Statutory returns: SEN2-style figures for a calendar year.")


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
    limit: Annotated[int | None, typer.Option("--limit", help="At most N rows.", min=1)] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The audit trail: who changed what, when, newest first.

    Example: sendctl audit --case RCC-0042 --since 01/04/2017
    """
    from sendctl.cli._common import opt_date
    from sendctl.render.formats import Column, emit
    from sendctl.storage.audit import audit_rows

    since_d = opt_date(since, "--since")
    conn = state().connect()
    rows = audit_rows(
        conn,
        since_utc=since_d.isoformat() if since_d else None,
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
