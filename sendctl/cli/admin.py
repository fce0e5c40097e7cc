"""init | doctor | backup | restore | demo | clocks refresh: the database file itself."""

from pathlib import Path
from typing import Annotated

import typer

from sendctl.cli._common import FormatOpt, fmt_value, info, new_app, state, warn
from sendctl.domain.errors import EXIT_CHECK_FAILED

app = new_app("Database administration.", no_args_is_help=False)


@app.command(short_help="Create or migrate the database and seed the three funds.")
def init(
    no_funds: Annotated[
        bool, typer.Option("--no-funds", help="Do not seed the three funds of the Cabinet report.")
    ] = False,
) -> None:
    """Create the database (or migrate it forward) and seed the funds.

    Example: sendctl --db rutland.db init
    """
    from sendctl.services.admin import init_database

    st = state()
    done = init_database(st, seed_funds=not no_funds)
    verb = "Created" if done.created else "Migrated" if done.migrated else "Up to date:"
    extra = f"; seeded {done.funds_seeded} fund(s)" if done.funds_seeded else ""
    info(f"{verb} {st.db_path} (schema version {done.schema_version}){extra}")


@app.command(short_help="Check the database: schema, integrity, permissions, counts.")
def doctor(fmt: FormatOpt = None) -> None:
    """Check the database: schema version, integrity, file permissions, journal mode, counts.

    Exits 3 when something is wrong. Example: sendctl doctor
    """
    from sendctl.render.formats import emit_record
    from sendctl.services.admin import check_health

    if fmt_value(fmt) == "xlsx":
        from sendctl.domain.errors import SendctlError

        raise SendctlError(
            "--format: doctor prints a health report; use table, plain or json (xlsx is for listings)"
        )
    st = state()
    report, problems = check_health(st)
    verdict = (
        "healthy"
        if not problems
        else f"NOT healthy: {len(problems)} problem{'s' if len(problems) != 1 else ''} (see the warnings)"
    )
    if fmt_value(fmt) == "json":
        report = {**report, "problems": problems, "verdict": verdict}
    emit_record(report, fmt_value(fmt), title=f"sendctl doctor: {st.db_path}")
    for p in problems:
        warn(p)
    if fmt_value(fmt) != "json":
        typer.echo(f"verdict: {verdict}")
    if problems:
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command(short_help="Copy the live database safely (mode 0600), even while in use.")
def backup(
    dest: Annotated[Path, typer.Argument(help="Backup file to create (must not exist).")],
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Replace DEST if it exists.")
    ] = False,
) -> None:
    """Make a consistent copy of the live database (mode 0600), safe while others write.

    Example: sendctl backup backups/sendctl-2017-04-18.db
    """
    from sendctl.services.admin import backup as make_backup

    st = state()
    n = make_backup(st, dest, force=force)
    info(f"Backed up {st.db_path} to {dest} ({n:,} bytes)")


@app.command(short_help="Build a demo database from the examples and show its status.")
def demo(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Demo database to build (default: the global --db when given, else "
            "./sendctl-demo.db; SENDCTL_DB is not used, so a demo never lands on the real file).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Show the dashboard as at DATE (default 2017-04-18)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Rebuild over an existing demo file.")
    ] = False,
) -> None:
    """Build a demo database from examples/ through the real commands, then show the state.

    Example: sendctl demo --db /tmp/demo.db
    """
    path = db or _global_db(ctx) or Path("sendctl-demo.db")
    if path.exists() or path.is_symlink():
        from sendctl.cli._common import confirm_or_force
        from sendctl.services.admin import refuse_unless_demo

        refuse_unless_demo(path)

        confirm_or_force(f"{path} exists; rebuild the demo over it?", force)
    _build_demo(path, as_of)


def _global_db(ctx: typer.Context) -> Path | None:
    """The file of `sendctl --db FILE demo`: given on the command line, not from SENDCTL_DB."""
    source = ctx.find_root().get_parameter_source("db")
    return state().db_path if getattr(source, "name", "") == "COMMANDLINE" else None


def _build_demo(path: Path, as_of: str | None) -> None:
    """Build the demo database at path, then show its dashboard and what to try next."""
    import shlex

    from sendctl.cli._common import as_of_date
    from sendctl.services.demo import DEMO_AS_OF, build_database, pointers
    from sendctl.services.session import Session

    st = state()
    day = as_of_date(as_of or DEMO_AS_OF)
    build_database(st, path)
    shown = Session(
        db_path=path,
        officer_name=st.officer_name,
        quiet=st.quiet,
        command=st.command,
        warn=st.warn,
        info=st.info,
    )
    try:
        p = pointers(shown, day)
        typer.echo(f"Demo database: {path}")
        typer.echo(
            f"Cases: {sum(p.counts.values()):,} ({p.counts.get('statement', 0)} statements, "
            f"{p.counts.get('ehcp', 0)} EHC plans, {p.counts.get('sen_support', 0)} on SEN support)\n"
        )
        _print_status(shown, day)
    finally:
        shown.close()
    db = f"--db {shlex.quote(str(path))}"
    when = f"--as-of {day.isoformat()}"
    typer.echo("\nTo point later commands at this database (in this shell), run:")
    typer.echo(f"  export SENDCTL_DB={shlex.quote(str(Path(path).resolve()))}")
    typer.echo("\nTry next:")
    typer.echo(f"  sendctl {db} deadlines --within 14 {when}")
    if p.overdue_case:
        typer.echo(f"  sendctl {db} cases show {shlex.quote(p.overdue_case)} {when}")
    typer.echo(f"  sendctl {db} cases list --plan statement")


def _print_status(session, day) -> None:
    from sendctl.cli.reports import show_dashboard
    from sendctl.services.reports import dashboard

    show_dashboard(dashboard(session, day), None, None)


@app.command(
    short_help="Check a backup, keep the live database aside, put the backup in its place."
)
def restore(
    backup_file: Annotated[
        Path, typer.Argument(metavar="BACKUP", help="The backup file to restore.")
    ],
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Do not ask first (needed off a terminal).")
    ] = False,
) -> None:
    """Check BACKUP (a whole, undamaged sendctl database), keep the live database beside it
    as <name>.before-restore-<time>, and put the backup in its place.

    Nothing is changed when the backup fails its checks or another process is writing.
    Example: sendctl restore backups/sendctl-2017-04-18.db
    """
    from sendctl.cli._common import confirm_or_force
    from sendctl.services.admin import check_backup
    from sendctl.services.admin import restore as do_restore

    st = state()
    version = check_backup(backup_file)
    if st.db_path.exists():
        confirm_or_force(
            f"Replace {st.db_path} with {backup_file} (schema version {version})? "
            "The current file is kept beside it",
            force,
        )
    done = do_restore(st, backup_file)
    if done.kept_aside:
        info(f"Kept the database it replaced as {done.kept_aside}")
    info(f"Restored {st.db_path} from {backup_file}")


clocks_app = new_app(
    "The stored clocks: the clock engine's output kept per case for the listings.\n\n"
    "Example: sendctl clocks refresh",
    short_help="The stored clocks: the clock engine's output kept per case for the listings.",
)


@clocks_app.command(
    "refresh", short_help="Recompute the stored clocks of the cases queued since the last run."
)
def clocks_refresh(
    all_: Annotated[
        bool, typer.Option("--all", help="Recompute every case, not only the queued ones.")
    ] = False,
) -> None:
    """Recompute the stored clocks of every case changed since they were last computed (a
    bulk import queues its cases; any listing would do it first anyway). Prints how many.

    Example: sendctl clocks refresh
    """
    from sendctl.services.clocks import refresh_store

    n = refresh_store(state(), everything=all_)
    info(f"Clocks recomputed for {n:,} case(s)")
