"""`rules`: the table of statutory clock rules the engine applies."""

from typing import Annotated

import typer

from sendctl.cli._common import FormatOpt, OutputOpt, fmt_value, new_app, opt_date

app = new_app("The statutory clock rules.", short_help="The statutory clock rules.")


@app.command("rules")
def rules(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Only the rules in force on DATE (default: every rule)."),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The rules table: id, clock, period, anchor, legal reference, the statute's words, effective dates.

    Example: sendctl rules --as-of 2017-04-18
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.clocks import rules as table

    day = opt_date(as_of, "--as-of")
    cols = [
        Column("id"),
        Column("clock"),
        Column("period"),
        Column("reading", human=False),
        Column("anchor"),
        Column("legal_ref", "legal reference"),
        Column("words", "the statute's words"),
        Column("effective_from", "from", kind="date"),
        Column("effective_to", "to", kind="date"),
        Column("statutory", kind="bool", human=False),
    ]
    title = f"Clock rules in force on {day.isoformat()}" if day else "Clock rules"
    emit(table(day), cols, fmt_value(fmt), output, title=title, empty_message="No rules.")
