"""One run's state: the database, the officer, the as-of date and where messages go.

The root command makes one Session and puts it on the click context (`ctx.obj`); every command
finds it there and hands it to the service it calls. Tests and the demo make their own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")


def default_db_path() -> Path:
    """SENDCTL_DB, else sendctl.db in the per-user app folder."""
    env = os.environ.get("SENDCTL_DB")
    if env:
        return Path(env)
    import typer  # only for get_app_dir; already imported by the CLI

    return Path(typer.get_app_dir("sendctl")) / "sendctl.db"


def login_name() -> str:
    try:
        return os.getlogin()
    except OSError:
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # no passwd entry (some containers)
            return "unknown"


def translate_db_error(error: Exception, db_path: Path | None):
    """SQLite's failure as the SendctlError the user sees (busy -> exit 4)."""
    from sendctl.storage.db import translate_db_error as translate

    return translate(error, db_path)


@dataclass
class Session:
    """What a service needs besides its arguments.

    Attributes:
        db_path: the SQLite file.
        officer_name: who is writing (None: SENDCTL_OFFICER, else the login name).
        quiet: no progress or success lines.
        as_of: the date reports are computed for (None: the command has not set one).
        command: the command path for the audit trail, e.g. "cases import".
        warn / info: where a service's warnings and progress lines go.
    """

    db_path: Path = field(default_factory=default_db_path)
    officer_name: str | None = None
    quiet: bool = False
    as_of: date | None = None
    command: str = "?"
    warn: Callable[[str], None] = _stderr
    info: Callable[[str], None] = _stderr
    # The run's today, read once where the run starts: services and the domain never read the
    # clock; they compare with this (e.g. no ledger entry dated after today).
    today: date = field(default_factory=date.today)
    _conn: object | None = field(default=None, repr=False)
    _created: bool = field(default=False, repr=False)

    @property
    def officer(self) -> str:
        """--officer, else SENDCTL_OFFICER, else the login name (looked up only when needed)."""
        if not self.officer_name:
            self.officer_name = os.environ.get("SENDCTL_OFFICER") or login_name()
        return self.officer_name

    def connect(self, write: bool = False):
        """The database for this run (sqlite3.Connection); write=True creates it when missing."""
        if self._conn is None:
            from sendctl.storage.db import connect

            if write and self.db_path == default_db_path():
                self.db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            existed = self.db_path.exists()
            self._conn = connect(self.db_path, create=write, announce=self.warn)
            self._created = write and not existed
        return self._conn

    def actor(self):
        from sendctl.storage.audit import Actor

        return Actor(self.officer, self.command)

    @contextmanager
    def transaction(self, dry_run: bool = False) -> Iterator:
        """The one way to write: BEGIN IMMEDIATE outside, a SAVEPOINT when nested; a dry run
        is the same block rolled back at its end."""
        from sendctl.storage.db import transaction

        conn = self.connect(write=True)
        outermost = not conn.in_transaction
        with transaction(conn, dry_run=dry_run) as conn:
            yield conn
            if outermost and not dry_run:
                # triggers queued the cases this block changed: their stored clocks are
                # recomputed by the engine before the block commits (a bulk import's are left
                # to the next command)
                from sendctl.storage.clock_store import refresh_if_small

                refresh_if_small(conn)

    def close(self, failed: bool = False) -> None:
        """Close the database. failed=True: the command did not succeed, so a database file
        this run created (and nobody has written to since) is removed again: a mistyped
        command or --db path never leaves an empty database behind."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if failed and self._created:
            from sendctl.storage.db import discard_unused

            self._created = False
            discard_unused(self.db_path)
