"""The root command: global options (design §2) and the command groups."""

from pathlib import Path
from typing import Annotated

import typer

from sendctl.cli import admin, cases, clocks, funds, notify, panel, reports
from sendctl.cli._common import AppState, ErrorGroup, set_state

app = typer.Typer(
    cls=ErrorGroup,
    help=(
        "sendctl: the SEND service's case register, statutory clocks (statement-to-EHCP "
        "transfers, assessments, reviews), High Needs Panel decisions, and spend against funds.\n\n"
        "Exit codes: 0 ok; 1 bad input or refused (nothing written); 2 usage; "
        "3 a check found something; 4 database busy."
    ),
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from sendctl import __version__

        typer.echo(f"sendctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="SENDCTL_DB",
            help="Database file (default: sendctl.db in your per-user app folder).",
            show_envvar=True,
        ),
    ] = None,
    officer: Annotated[
        str | None,
        typer.Option(
            "--officer",
            envvar="SENDCTL_OFFICER",
            help="Your name for the audit trail (default: your login name).",
            show_envvar=True,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or success lines.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    set_state(AppState(db=db, officer=officer, quiet=quiet))


app.add_typer(admin.app)  # init, doctor, backup, demo at the top level
app.add_typer(cases.app, name="cases")
app.add_typer(clocks.transfers_app, name="transfers")
app.add_typer(clocks.assessments_app, name="assessments")
app.add_typer(clocks.reviews_app, name="reviews")
clocks.deadlines_app.command("notify")(notify.notify)
app.add_typer(clocks.deadlines_app, name="deadlines")
app.add_typer(panel.app, name="panel")
app.add_typer(funds.funds_app, name="funds")
app.add_typer(funds.spend_app, name="spend")
app.add_typer(reports.app)  # status, audit at the top level
app.add_typer(reports.report_app, name="report")


def main() -> None:
    app(prog_name="sendctl")
