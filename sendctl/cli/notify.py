"""`deadlines notify`: email each caseworker their statutory deadlines.

Registered by sendctl/cli/__init__.py as a command of the `deadlines` group.
"""

from pathlib import Path
from typing import Annotated

import typer

from sendctl.cli._common import AsOfOpt, WholeNumber, info, state, warn
from sendctl.domain.errors import SendctlError


def notify(
    within: Annotated[
        int,
        typer.Option(
            "--within",
            click_type=WholeNumber(0, 366),
            metavar="DAYS",
            help="Warn about clocks due within DAYS days (and every overdue one).",
        ),
    ] = 14,
    as_of: AsOfOpt = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", "-n", help="Print the messages to stdout; send and record nothing."
        ),
    ] = False,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="ADDR",
            help="The manager: gets the deadlines of cases with no caseworker email.",
        ),
    ] = None,
    caseworker: Annotated[
        str | None,
        typer.Option("--caseworker", metavar="NAME", help="Only this caseworker's cases."),
    ] = None,
) -> None:
    """Email each caseworker their statutory deadlines due soon or overdue (for cron).

    One plain-text message per caseworker email address; cases without one go to --to. A
    warning goes once a day: a rerun the same day sends only what is new. Settings come from
    SENDCTL_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS or _SSL, or from [smtp] in
    config.ini in the app folder. Exit 0 when everything went; 1 when a message failed (the
    next run retries it), a setting is missing, or a deadline had nobody to go to.

    Example: sendctl deadlines notify --within 14 --to send.manager@rutland.gov.uk
    """
    from sendctl.cli._common import as_of_date
    from sendctl.notify.email import clean_address, sender_address

    day = as_of_date(as_of)
    manager = clean_address(to, "--to") if to is not None else None
    app_dir = Path(typer.get_app_dir("sendctl"))
    settings = _settings(app_dir, dry_run)
    sender = settings.sender if settings else sender_address("sendctl@localhost")

    from sendctl.services.notify import one_run_at_a_time

    st = state()
    with one_run_at_a_time(st, dry_run):
        _plan_and_send(st, day, within, caseworker, manager, sender, settings, dry_run)


def _plan_and_send(st, day, within, caseworker, manager, sender, settings, dry_run) -> None:
    from datetime import UTC, datetime

    from sendctl.notify.email import readable
    from sendctl.services.notify import plan as make_plan

    if caseworker:
        from sendctl.services.cases import note_unmatched

        note_unmatched(st, caseworker=caseworker)  # a misspelt name in cron: said, not silent
    plan = make_plan(st, day, within, caseworker, manager, sender, datetime.now(UTC))
    if dry_run:
        import sys

        for i, item in enumerate(plan.outgoing()):  # printed as each message is built
            if i:
                sys.stdout.write("\n" + "=" * 72 + "\n\n")
            sys.stdout.write(readable(item.message))
        skipped = _after_planning(plan, manager)
        info(
            f"dry run: would send {plan.messages} message(s) covering {plan.rows} "
            f"deadline(s){skipped}; nothing sent or recorded"
        )
        _finish([], plan.unrouted, None, 0)
        return
    from sendctl.services.notify import send

    failures, sent_rows = send(st, plan.outgoing(), settings, day)
    skipped = _after_planning(plan, manager)
    from sendctl.cli._common import error_line

    for f in failures:
        error_line(SendctlError(str(f)))  # one line per recipient, with host:port
    sent = plan.messages - len(failures)
    info(
        f"sent {sent} message(s) covering {sent_rows} deadline(s); {len(failures)} failed{skipped}"
    )
    _finish(failures, plan.unrouted, settings.where, plan.messages)


def _after_planning(plan, manager: str | None) -> str:
    """Warn about each case whose deadlines went to the manager; the note on rows already sent
    today, for the closing line."""
    for ref in sorted({str(r["case_ref"]) for r in plan.rerouted}):
        warn(f"case {ref}: caseworker email is not a usable address; its deadlines go to {manager}")
    return f" ({plan.already_sent} already sent today)" if plan.already_sent else ""


def _settings(app_dir: Path, dry_run: bool):
    """SMTP settings; with --dry-run a missing or bad setting is only a warning."""
    from sendctl.notify.smtp import config_file_warning, load_settings

    note = config_file_warning(app_dir)
    if note:
        warn(note)
    try:
        return load_settings(app_dir=app_dir)
    except SendctlError as e:
        if not dry_run:
            raise
        warn(f"{e.message} (dry run: messages shown From sendctl@localhost)")
        return None


def _finish(failures: list, unrouted: list[dict], where: str | None, n_messages: int) -> None:
    """Exit 1 when anything was not delivered: a failed send (retried next run) or a deadline
    with no caseworker email and no --to (it would otherwise be lost without a trace)."""
    problems = []
    hint = None
    if failures:
        problems.append(
            f"{len(failures)} of {n_messages} message(s) not sent via {where}; nothing was "
            "recorded for them, so the next run retries them"
        )
        hint = "check the mail server and the SENDCTL_SMTP_* settings, then run again"
    if unrouted:
        refs = sorted({str(r["case_ref"]) for r in unrouted})
        shown = ", ".join(refs[:20]) + (f" and {len(refs) - 20} more" if len(refs) > 20 else "")
        warn(f"no caseworker email and no --to for case(s) {shown}")
        problems.append(f"{len(unrouted)} deadline(s) had nobody to send them to")
        hint = hint or "add --to MANAGER@ADDRESS, or set the caseworker_email of those cases"
    if problems:
        raise SendctlError("; ".join(problems), hint=hint)
