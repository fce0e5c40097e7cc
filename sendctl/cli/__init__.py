"""The root command: global options and the command groups.

The groups load lazily (start-up time): COMMANDS names each one with its module and
its one-line summary, so `sendctl --help` imports none of them and `sendctl cases show` imports
and builds only sendctl/cli/cases.py. tests/test_help.py checks each summary against the real
command's, so they cannot drift.
"""

from pathlib import Path
from typing import Annotated

import typer

from sendctl.cli._common import ErrorGroup

# name -> (module, attribute, summary shown by `sendctl --help`); in --help order.
# "app.init" = the command `init` of admin.app, mounted at the top level.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": (
        "sendctl.cli.admin",
        "app.init",
        "Create or migrate the database and seed the three funds.",
    ),
    "doctor": (
        "sendctl.cli.admin",
        "app.doctor",
        "Check the database: schema, integrity, permissions, counts.",
    ),
    "backup": (
        "sendctl.cli.admin",
        "app.backup",
        "Copy the live database safely (mode 0600), even while in use.",
    ),
    "restore": (
        "sendctl.cli.admin",
        "app.restore",
        "Check a backup, keep the live database aside, put the backup in its place.",
    ),
    "demo": (
        "sendctl.cli.admin",
        "app.demo",
        "Build a demo database from the examples and show its status.",
    ),
    "cases": ("sendctl.cli.cases", "app", "The case register: import, list, show, add, update."),
    "transfers": (
        "sendctl.cli.clocks",
        "transfers_app",
        "Statement-to-EHCP transfers: start, record, list, status.",
    ),
    "assessments": (
        "sendctl.cli.clocks",
        "assessments_app",
        "New EHC needs assessments: the 6-, 16- and 20-week clocks.",
    ),
    "reviews": (
        "sendctl.cli.clocks",
        "reviews_app",
        "Annual reviews: meetings, decisions (4 weeks), next review due.",
    ),
    "advice": (
        "sendctl.cli.further",
        "advice_app",
        "Advice from other bodies (reg 8): request, received, list the backlog.",
    ),
    "representations": (
        "sendctl.cli.further",
        "representations_app",
        "Representations on a draft or proposals (15 days): record them.",
    ),
    "appeals": (
        "sendctl.cli.further",
        "appeals_app",
        "Mediation, appeal windows and Tribunal orders (regs 33-45).",
    ),
    "reassessments": (
        "sendctl.cli.further",
        "reassessments_app",
        "Re-assessments (reg 27): the 14-week clock.",
    ),
    "budgets": (
        "sendctl.cli.further",
        "budgets_app",
        "Personal budgets and direct payments: record, review.",
    ),
    "moves": (
        "sendctl.cli.further",
        "moves_app",
        "Post-16 moves (5 months) and plans moved in (6 weeks).",
    ),
    "clocks": (
        "sendctl.cli.admin",
        "clocks_app",
        "The stored clocks: the clock engine's output kept per case for the listings.",
    ),
    "deadlines": (
        "sendctl.cli",
        "deadlines_app",
        "Every running statutory clock, soonest first; email warnings.",
    ),
    "panel": (
        "sendctl.cli.panel",
        "app",
        "High Needs Panel decisions: record, list, summarise, import.",
    ),
    "placements": (
        "sendctl.cli.placements",
        "app",
        "Placements from panel decisions: list, end, forecast the high needs cost.",
    ),
    "funds": (
        "sendctl.cli.funds",
        "funds_app",
        "Funds (reserve, DfE grant, capital): add, update, approve, balances.",
    ),
    "spend": (
        "sendctl.cli.funds",
        "spend_app",
        "The spend ledger: post, settle, reverse, list, export, transparency, import.",
    ),
    "capital": (
        "sendctl.cli.capital",
        "app",
        "Capital projects against the £500,000, the consultation, the published plan.",
    ),
    "status": (
        "sendctl.cli.reports",
        "app.status",
        "One screen: transfers, clocks due, the panel, fund balances.",
    ),
    "audit": (
        "sendctl.cli.reports",
        "app.audit",
        "The audit trail: who changed what, when, newest first.",
    ),
    "rules": (
        "sendctl.cli.rules",
        "app.rules",
        "The rules table: id, clock, period, anchor, legal reference, the statute's words, effective dates.",
    ),
    "sen2": (
        "sendctl.cli.sen2",
        "sen2_app",
        "The SEN2 return's LA-level items: the designated officers in place.",
    ),
    "report": (
        "sendctl.cli.reports",
        "report_app",
        "Statutory returns and published reports: SEN2, needs dataset, Cabinet update.",
    ),
}


def deadlines_app() -> typer.Typer:
    """clocks.deadlines_app with `deadlines notify` (from cli/notify.py) added, once."""
    from sendctl.cli import clocks, notify

    if not any(c.callback is notify.notify for c in clocks.deadlines_app.registered_commands):
        clocks.deadlines_app.command("notify")(notify.notify)
    return clocks.deadlines_app


class RootGroup(ErrorGroup):
    lazy_commands = COMMANDS


app = typer.Typer(
    cls=RootGroup,
    help=(
        "sendctl: the SEND service's case register, statutory clocks (statement-to-EHCP "
        "transfers, assessments, reviews), High Needs Panel decisions, and spend against funds.\n\n"
        "Exit codes: 0 ok; 1 bad input or refused (nothing written); 2 usage; "
        "3 a check found something; 4 database busy."
    ),
    add_completion=True,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from sendctl import __version__

        # 0.<schema version>.<release> (tests/test_maintenance.py keeps them together); read
        # from the version so that --version opens nothing
        typer.echo(f"sendctl {__version__} (database schema version {__version__.split('.')[1]})")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            metavar="FILE",
            envvar="SENDCTL_DB",
            help="Database file (default: sendctl.db in your per-user app folder).",
            show_envvar=True,
        ),
    ] = None,
    officer: Annotated[
        str | None,
        typer.Option(
            "--officer",
            metavar="NAME",
            envvar="SENDCTL_OFFICER",
            help="Your name for the audit trail (default: your login name).",
            show_envvar=True,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress or success lines.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    from sendctl.services.session import Session, default_db_path

    ctx.obj = Session(
        db_path=Path(db) if db else default_db_path(), officer_name=officer, quiet=quiet
    )


def main() -> None:
    app(prog_name="sendctl")
