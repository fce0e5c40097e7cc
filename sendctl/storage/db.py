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
    """Refuse paths we must not touch; return True when the file has to be created.

    Nothing here writes, except that an existing empty file about to become the database is
    made 0600 first (a file made by `touch` under umask 022 is readable by everyone).
    """
    if path.is_dir():
        raise SendctlError(f"{path}: is a folder, not a database file")
    if not path.parent.is_dir():
        raise SendctlError(f"{path}: folder {str(path.parent)!r} does not exist")
    if not path.exists():
        if not create:
            raise SendctlError(
                f"{path}: no database here yet", hint="run 'sendctl init' (or 'sendctl demo') first"
            )
        if not _folder_writable(path):
            raise SendctlError(f"{path}: cannot create the database: the folder is read-only")
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except PermissionError:
        raise SendctlError(f"{path}: permission denied (not readable by you)") from None
    if head and head != SQLITE_MAGIC:
        raise SendctlError(f"{path}: not a SQLite database; the file was left as it was")
    if not head:
        if not create:
            raise SendctlError(
                f"{path}: an empty file, not a database yet",
                hint="run 'sendctl init' to make it one",
            )
        try:
            os.chmod(path, 0o600)
        except PermissionError:
            raise SendctlError(
                f"{path}: an empty file owned by someone else; the database must be yours only"
            ) from None
    return False


def _writable(path: Path) -> bool:
    """Can this process write the database: the file, and the folder (for -wal/-shm)?"""
    return os.access(path, os.W_OK) and _folder_writable(path)


def _folder_writable(path: Path) -> bool:
    return os.access(path.parent, os.W_OK)


def open_read_only(path: Path | str) -> sqlite3.Connection:
    """A read-only connection for inspecting a file (doctor), without migrations or checks."""
    return _open_read_only(Path(path), busy_timeout_ms())


def _open_read_only(path: Path, timeout_ms: int) -> sqlite3.Connection:
    """Open for reading where the file or its folder cannot be written (a read-only mount, a
    shared folder). Without write access to the folder SQLite cannot make the -shm file a WAL
    reader needs; then, provided no -wal holds unmerged commits, the file is read as immutable
    (nobody can be writing it: the folder is not writable)."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    wal = Path(f"{path}-wal")
    if not _folder_writable(path) and not Path(f"{path}-shm").exists():
        if wal.exists() and wal.stat().st_size > 0:
            raise SendctlError(
                f"{path}: cannot read it: its folder is read-only and its -wal file holds "
                "commits not yet merged into it",
                hint="open it once where the folder is writable, or copy the three files elsewhere",
            )
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout_ms / 1000)


def connect(
    path: Path | str, create: bool = False, migrate: bool = True, announce=None
) -> sqlite3.Connection:
    """Open (and with create=True, make) the database, then migrate it forward.

    create=True is for commands that write: the file is made (mode 0600, before SQLite
    touches it; SQLite gives its -wal and -shm files the same mode) when missing. A command
    that only reads never makes a file, and opens the database read-only when it cannot
    write there (then nothing is migrated). A SQLite file with other tables than sendctl's is
    refused before anything is changed in it. Before migrating a database that holds a schema
    already, a copy of it is made beside it and `announce` (a callable) is told both.
    """
    path = Path(path)
    timeout_ms = busy_timeout_ms()
    if _check_path(path, create):
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    read_only = not _writable(path)
    if read_only and create:
        where = "folder" if not _folder_writable(path) else "file"
        raise SendctlError(
            f"{path}: cannot write to the database: the {where} is read-only (a read-only "
            "folder or mount, or a file that is not yours); nothing was written",
            hint="reading commands still work there",
        )
    try:
        conn = (
            _open_read_only(path, timeout_ms)
            if read_only
            else sqlite3.connect(path, isolation_level=None, timeout=timeout_ms / 1000)
        )
    except sqlite3.Error as e:
        raise translate_db_error(e, path) from None
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        _refuse_foreign(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        # INSERT OR REPLACE deletes the row it replaces; without this its DELETE would skip the
        # append-only triggers
        conn.execute("PRAGMA recursive_triggers = ON")
        if read_only:
            _check_version_read_only(conn, path)
            conn.execute("PRAGMA query_only = ON")  # says so to code that would write a cache
            return conn
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if migrate:
            from sendctl.storage.migrations import migrate as run_migrations
            from sendctl.storage.migrations import schema_version

            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if 0 < version < schema_version():
                from sendctl.storage.health import backup_before_migration

                copy = backup_before_migration(conn, path, version)
                if announce is not None:
                    announce(
                        f"Upgrading {path} from schema version {version} to {schema_version()}; "
                        f"a copy as it was: {copy}"
                    )
            run_migrations(conn)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise translate_db_error(e, path) from None
    except BaseException:
        conn.close()
        raise
    return conn


def discard_unused(path: Path) -> bool:
    """Remove a database file (and its -wal/-shm) that holds nothing written by anyone: no
    audit row (every write is audited) and no other connection. Returns True when removed."""
    path = Path(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            conn.execute("BEGIN EXCLUSIVE")  # fails when any other connection has it open
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            if "sendctl_migrations" not in tables and tables:
                return False  # not ours
            used = any(
                conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0]
                for t in tables
                if t != "sendctl_migrations"
            )
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    if used:
        return False
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            p.unlink()
        except OSError:  # gone already, or not ours to remove: nothing more to do
            pass
    return True


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Another program's SQLite file (tables, but not sendctl's): refused untouched."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "sendctl_migrations" not in tables:
        raise SendctlError(
            f"{path}: a SQLite database of another program (tables: "
            f"{', '.join(sorted(tables)[:5])}{', ...' if len(tables) > 5 else ''}), not a sendctl database; "
            "it was left as it was"
        )


def _check_version_read_only(conn: sqlite3.Connection, path: Path) -> None:
    from sendctl.storage.migrations import schema_version

    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < schema_version():
        raise SendctlError(
            f"{path}: the database needs upgrading (schema {version} of {schema_version()}) and "
            "cannot be written here (read-only)",
            hint="run 'sendctl init' where the file and its folder are writable",
        )
    if version > schema_version():
        raise SendctlError(
            f"{path}: written by a newer sendctl (schema version {version}, this one knows "
            f"{schema_version()}); upgrade sendctl"
        )


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
        return SendctlError(
            f"{where}cannot write to the database: it is read-only here ({text}); "
            "nothing was written"
        )
    if "disk is full" in text or "disk full" in text:
        return SendctlError(
            f"{where}the disk is full: nothing was written",
            hint="free some space, then run the command again",
        )
    if "unable to open" in text:
        return SendctlError(
            f"{where}cannot open the database ({text})",
            hint="check the file and its folder exist and are yours",
        )
    if "disk I/O error" in text:
        return SendctlError(
            f"{where}the disk reported an error ({text}); nothing more was written",
            hint="check the disk (full? removed? read-only?) before running again",
        )
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
