"""Open the one SQLite file: permissions, PRAGMAs, migrations, write transactions."""

import itertools
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from sendctl.domain.errors import EXIT_BUSY, SendctlError

# None: read SENDCTL_BUSY_TIMEOUT_MS (default 5000) when a database is opened; tests set a number.
BUSY_TIMEOUT_MS: int | None = None
MAX_BUSY_TIMEOUT_MS = 3_600_000


def busy_timeout_ms() -> int:
    """How long a writer waits for another's lock, in ms: SENDCTL_BUSY_TIMEOUT_MS, else 5000.

    Raises:
        SendctlError: when the variable is not a whole number of ms from 0 to an hour.
    """
    if BUSY_TIMEOUT_MS is not None:
        return BUSY_TIMEOUT_MS
    text = os.environ.get("SENDCTL_BUSY_TIMEOUT_MS", "").strip() or "5000"
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_BUSY_TIMEOUT_MS:
        raise SendctlError(
            f"SENDCTL_BUSY_TIMEOUT_MS: expected a whole number of milliseconds from 0 to "
            f"{MAX_BUSY_TIMEOUT_MS} (got {text[:40]!r})",
            hint="unset it for the default of 5000 (5 s)",
        )
    return int(text)
SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_path(path: Path, create: bool) -> bool:
    """Refuse paths we must not touch; return True when the file has to be created."""
    if path.is_dir():
        raise SendctlError(f"{path}: is a folder, not a database file")
    if not path.parent.is_dir():
        raise SendctlError(f"{path}: folder {str(path.parent)!r} does not exist")
    if not path.exists():
        if not create:
            raise SendctlError(
                f"{path}: no database here yet", hint="run 'sendctl init' (or 'sendctl demo') first"
            )
        return True
    with open(path, "rb") as f:
        head = f.read(16)
    if head and head != SQLITE_MAGIC:
        raise SendctlError(f"{path}: not a SQLite database; the file was left as it was")
    return False


def connect(path: Path | str, create: bool = False, migrate: bool = True) -> sqlite3.Connection:
    """Open (and with create=True, make) the database, then migrate it forward.

    The file is created mode 0600 before SQLite touches it; SQLite gives its -wal and -shm
    files the same mode.
    """
    path = Path(path)
    timeout_ms = busy_timeout_ms()
    if _check_path(path, create):
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    conn = sqlite3.connect(path, isolation_level=None, timeout=timeout_ms / 1000)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        conn.execute("PRAGMA foreign_keys = ON")
        # INSERT OR REPLACE deletes the row it replaces; without this its DELETE would skip the
        # append-only triggers (issue 9)
        conn.execute("PRAGMA recursive_triggers = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if migrate:
            from sendctl.storage.migrations import migrate as run_migrations

            run_migrations(conn)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise translate_db_error(e, path) from None
    return conn


def translate_db_error(e: sqlite3.Error, path: Path | str | None = None) -> SendctlError:
    """Map SQLite's failures to one-line errors (busy -> exit 4)."""
    text = str(e)
    where = f"{path}: " if path else ""
    if "locked" in text or "busy" in text:
        return SendctlError(
            f"{where}database is busy: another sendctl is writing and did not finish within "
            f"{_timeout_for_message() / 1000:g} s",
            hint="try again in a moment",
            exit_code=EXIT_BUSY,
        )
    if "not a database" in text or "malformed" in text or "disk image" in text:
        return SendctlError(
            f"{where}not a usable sendctl database ({text})",
            hint="run 'sendctl doctor'; restore from a backup if the file is damaged",
        )
    if "readonly" in text or "read-only" in text:
        return SendctlError(f"{where}cannot write to the database ({text})")
    return SendctlError(f"{where}{text}")


def _timeout_for_message() -> int:
    try:
        return busy_timeout_ms()
    except SendctlError:
        return 5000


_savepoints = itertools.count(1)


@contextmanager
def transaction(conn: sqlite3.Connection, dry_run: bool = False):
    """The one way any code writes. Outermost: BEGIN IMMEDIATE, which takes the write lock up
    front (a deferred BEGIN that upgrades later ignores busy_timeout). Nested: a SAVEPOINT, so
    blocks compose. Any exception rolls the block back; dry_run rolls it back at its end too,
    so a dry run does every check and write a real run does, then keeps none of it."""
    if conn.in_transaction:
        name = f"sendctl_{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        if dry_run:
            conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        raise translate_db_error(e) from None
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if dry_run:
        conn.execute("ROLLBACK")
        return
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as e:
        conn.execute("ROLLBACK")
        raise translate_db_error(e) from None


def rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    """Run a query and return plain dicts (what the renderers take)."""
    return [dict(r) for r in conn.execute(sql, params)]
