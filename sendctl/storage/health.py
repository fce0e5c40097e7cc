"""doctor and backup: look at the file from outside and copy it safely."""

import os
import sqlite3
import stat
from pathlib import Path

from sendctl.domain.errors import SendctlError


def check(path: Path) -> tuple[dict, list[str]]:
    """Inspect a database file without changing it. Returns (report, problems)."""
    from sendctl.storage.migrations import schema_version

    problems: list[str] = []
    report: dict = {"database": str(path)}
    if not path.exists():
        return report, [f"{path}: no database here"]
    mode = stat.S_IMODE(path.stat().st_mode)
    report["file_mode"] = oct(mode)
    if mode & 0o077:
        problems.append(
            f"{path}: readable by others (mode {oct(mode)}); it holds children's personal data: chmod 600 {path}"
        )
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists() and stat.S_IMODE(side.stat().st_mode) & 0o077:
            problems.append(f"{side}: readable by others; chmod 600 {side}")
    report["size_bytes"] = path.stat().st_size
    lost = _lost_wal(path)  # before our own open makes a fresh -wal
    if lost:
        report["wal"] = "missing"
        problems.append(lost)
    try:
        from sendctl.storage.db import open_read_only

        conn = open_read_only(path)
        try:
            report["journal_mode"] = conn.execute("PRAGMA journal_mode").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            report["schema_version"] = version
            report["schema_version_expected"] = schema_version()
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            report["integrity"] = "ok" if integrity == ["ok"] else "; ".join(integrity[:5])
            if integrity != ["ok"]:
                problems.append(
                    f"{path}: integrity check failed: restore from your latest backup (sendctl backup)"
                )
            if version < schema_version():
                problems.append(
                    f"schema version {version} is behind {schema_version()}: run 'sendctl init'"
                )
            elif version > schema_version():
                problems.append(
                    f"schema version {version} is newer than this sendctl knows: upgrade sendctl"
                )
            if report["journal_mode"] == "delete" and _header_says_wal(path):
                report["journal_mode"] = "wal"  # read as immutable (read-only folder)
            if report["journal_mode"] == "delete":
                # a backup copy (backup_to writes one): sendctl makes it wal when it next opens it
                report["journal_mode"] = (
                    "delete (a backup copy: sendctl switches it to wal on next use)"
                )
            elif report["journal_mode"] != "wal":
                problems.append(f"journal mode is {report['journal_mode']}, expected wal")
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            for t in tables:
                report[f"rows_{t}"] = conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            report["last_notify_run"] = last_notify_run(conn)
            report["last_backup"] = last_backup(conn, path)
            fk = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
            if fk:
                problems.append(f"{len(fk)}+ rows break foreign keys (first in table {fk[0][0]})")
        finally:
            conn.close()
    except SendctlError as e:
        report["integrity"] = "not checked"
        problems.append(e.message)
    except sqlite3.DatabaseError as e:
        text = str(e)
        report["integrity"] = f"not checked ({text})"
        if lost:
            pass  # the -wal problem above says what to do; the file is not shown damaged
        elif "locked" in text or "busy" in text:
            problems.append(
                f"{path}: busy: another process holds it; run doctor again in a moment "
                "(this says nothing about damage)"
            )
        elif "unable to open" in text or "readonly" in text or "read-only" in text:
            problems.append(
                f"{path}: could not be opened to check it ({text}): check the "
                "permissions of the file and its folder; the file may well be fine"
            )
        else:
            problems.append(
                f"{path}: damaged or not a database ({text}): restore from your latest backup"
            )
    return report, problems


def _header_says_wal(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(20)[18:19] == b"\x02"  # file format read version 2 = WAL


def _lost_wal(path: Path) -> str | None:
    """A -wal file lost while the database is in use, as far as the files show it.

    The -shm file (the WAL index) records how many frames the -wal holds (mxFrame, a native
    32-bit integer at byte 16 of its header). An index counting frames with no -wal beside it,
    or a shorter one, means commits that exist only in memory of a process still running (or
    are gone): restoring or copying the file now would lose them."""
    shm, wal = Path(f"{path}-shm"), Path(f"{path}-wal")
    try:
        with open(shm, "rb") as f:
            header = f.read(48)
    except OSError:
        return None
    if len(header) < 48:
        return None
    import sys

    page_size = int.from_bytes(header[14:16], sys.byteorder)
    page_size = 65536 if page_size == 1 else page_size
    frames = int.from_bytes(header[16:20], sys.byteorder)
    if frames == 0 or header[12] == 0:  # isInit: 0 = never written
        return None
    need = 32 + frames * (24 + page_size)
    size = wal.stat().st_size if wal.exists() else None
    if size is not None and size >= need:
        return None
    state = (
        "missing" if size is None else f"{size:,} bytes, shorter than the {need:,} its index counts"
    )
    return (
        f"{wal}: {state} while {shm} says it holds {frames:,} frame(s) of recent commits: another "
        "process probably still has the database open after its -wal was deleted or lost. Stop "
        "every sendctl (and cron) without restoring or copying anything, then run doctor again "
        "(see README 'A lost -wal file')"
    )


def backup_to(conn: sqlite3.Connection, src: Path, dest: Path, force: bool = False) -> int:
    """Online copy with SQLite's backup API into a new 0600 file; returns its size."""
    dest = Path(dest)
    if dest.is_dir():
        raise SendctlError(f"backup {dest}: is a folder; give a file name")
    if not dest.parent.is_dir():
        raise SendctlError(f"backup {dest}: folder {str(dest.parent)!r} does not exist")
    if dest.is_symlink():
        raise SendctlError(f"backup {dest}: is a symbolic link; give the real file name")
    live = Path(src).resolve()
    if dest.resolve() in {
        live,
        *(live.with_name(live.name + s) for s in ("-wal", "-shm", "-journal")),
    }:
        raise SendctlError(
            f"backup {dest}: is the live database (or its -wal/-shm/-journal file) itself"
        )
    if dest.exists():
        if not force:
            raise SendctlError(
                f"backup {dest}: already exists", hint="choose another name or add --force"
            )
        if not stat.S_ISREG(dest.stat().st_mode):
            raise SendctlError(f"backup {dest}: not a regular file; not replaced")
    # The copy is written beside DEST and renamed over it only when complete: an old backup
    # survives a full disk, a crash or a kill half-way.
    tmp = dest.with_name(dest.name + ".partial")
    if tmp.is_symlink() or tmp.exists():
        if tmp.is_symlink() or not stat.S_ISREG(tmp.lstat().st_mode):
            raise SendctlError(f"backup {tmp}: exists and is not a regular file; not touched")
        tmp.unlink()  # a leftover of a backup that failed
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(fd)
    try:
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
            # A backup is a standalone file: no WAL beside it.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.replace(tmp, dest)
    except sqlite3.Error as e:
        _discard(tmp)
        text = str(e)
        what = "the disk is full" if "full" in text else text
        raise SendctlError(
            f"backup {tmp}: {what}; the copy was removed"
            + ("" if not dest.exists() else f" and {dest} left as it was"),
            hint="free some space, then run backup again" if "full" in text else None,
        ) from None
    except OSError as e:
        _discard(tmp)
        raise OSError(e.errno, e.strerror, e.filename or str(tmp)) from None
    except BaseException:
        _discard(tmp)
        raise
    return dest.stat().st_size


def _discard(path: Path) -> None:
    for p in (path, Path(f"{path}-journal")):
        try:
            p.unlink()
        except OSError:
            pass


def foreign_writes(path: Path, command: str = "demo") -> str | None:
    """Why the file at `path` holds more than `command` (the demo) wrote, or None when it
    holds nothing else: an empty file, or a sendctl database whose every audit row (every
    write is audited) came from that command. Read-only: nothing is changed."""
    path = Path(path)
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return None
    if not path.is_file():
        return "it is not a regular file"
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            return "it is not a SQLite database"
    try:
        # Only SELECTs; a read-write connection (unlike mode=ro) removes the -wal/-shm it made.
        conn = sqlite3.connect(path)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if tables and "sendctl_migrations" not in tables:
                return "it is another program's SQLite database"
            if "audit_log" not in tables:
                return None
            others = conn.execute(
                "SELECT command, count(*) FROM audit_log WHERE command IS NOT ? GROUP BY command"
                " ORDER BY 2 DESC",
                (command,),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        return f"it cannot be read ({e})"
    if not others:
        return None
    n = sum(c for _, c in others)
    names = ", ".join(f"'{name}'" for name, _ in others[:3])
    return f"it holds {n:,} change(s) made by other commands ({names}), not only demo data"


# --- backups before a migration, the history doctor shows, restore ---------------------------------

AUTO_BACKUP_GLOB = "{name}.schema*.bak"


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the database, as it is before a migration, beside it:
    `sendctl.db.schema11-20170418T070000Z.bak` (mode 0600). Returns the copy's path."""
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = Path(path).with_name(f"{Path(path).name}.schema{version}-{stamp}.bak")
    backup_to(conn, path, dest)
    return dest


def last_backup(conn: sqlite3.Connection, path: Path) -> str:
    """The newest of: a `sendctl backup` recorded in the audit trail, an automatic copy made
    before a migration beside the database. 'never' when there is neither."""
    from datetime import UTC, datetime

    found: list[tuple[str, str]] = []
    try:
        row = conn.execute(
            "SELECT at_utc, after_json FROM audit_log WHERE entity = 'database' AND action = 'backup'"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row:
        import json

        dest = (json.loads(row[1]) or {}).get("dest", "?") if row[1] else "?"
        found.append((row[0], f"{row[0]} to {dest}"))
    for f in Path(path).parent.glob(AUTO_BACKUP_GLOB.format(name=Path(path).name)):
        at = datetime.fromtimestamp(f.stat().st_mtime, UTC).isoformat(timespec="seconds")
        found.append((at, f"{at} to {f} (automatic, before a migration)"))
    return max(found)[1] if found else "never"


def last_notify_run(conn: sqlite3.Connection) -> str:
    """When `deadlines notify` last had a message accepted, and what that day's run sent."""
    try:
        row = conn.execute(
            "SELECT max(sent_utc), count(*), count(DISTINCT recipient) FROM notifications_sent"
            " WHERE sent_on = (SELECT max(sent_on) FROM notifications_sent)"
        ).fetchone()
    except sqlite3.DatabaseError:
        return "never"
    if not row or not row[0]:
        return "never"
    return f"{row[0]}: {row[1]} deadline(s) to {row[2]} recipient(s)"


def check_backup_file(backup: Path) -> int:
    """Refuse anything but a whole, undamaged sendctl database this sendctl can read; returns
    its schema version. Read-only: the file is not changed."""
    from sendctl.storage.migrations import schema_version

    backup = Path(backup)
    if not backup.is_file():
        raise SendctlError(f"BACKUP {backup}: no such file")
    with open(backup, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise SendctlError(f"BACKUP {backup}: not a SQLite database; nothing was changed")
    try:
        conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "sendctl_migrations" not in tables:
                raise SendctlError(f"BACKUP {backup}: not a sendctl database; nothing was changed")
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                raise SendctlError(
                    f"BACKUP {backup}: damaged ({'; '.join(integrity[:2])}); nothing was changed",
                    hint="try an older backup",
                )
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise SendctlError(
            f"BACKUP {backup}: damaged or unreadable ({e}); nothing was changed",
            hint="try an older backup",
        ) from None
    if version > schema_version():
        raise SendctlError(
            f"BACKUP {backup}: written by a newer sendctl (schema {version}, this one "
            f"knows {schema_version()}); nothing was changed",
            hint="upgrade sendctl first",
        )
    return version


def restore_from(backup: Path, live: Path) -> Path | None:
    """Put a checked backup in place of the live database; the live file (if any) is kept
    beside it as `<name>.before-restore-<UTC time>`. Returns that path (None if there was no
    live file). The copy is made to a temporary file first, so a failure leaves the live
    database as it was."""
    from datetime import UTC, datetime

    backup, live = Path(backup), Path(live)
    check_backup_file(backup)
    if live.exists() and backup.resolve() == live.resolve():
        raise SendctlError(f"BACKUP {backup}: is the live database itself")
    tmp = live.with_name(live.name + ".restoring")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(tmp)
        try:
            src.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
            src.close()
        os.chmod(tmp, 0o600)
        aside = None
        if live.exists():
            _quiesce(live)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = live.with_name(f"{live.name}.before-restore-{stamp}")
            os.replace(live, aside)
            for suffix in ("-wal", "-shm"):
                side = Path(str(live) + suffix)
                if side.exists():
                    os.replace(side, Path(str(aside) + suffix))
        os.replace(tmp, live)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return aside


def _quiesce(live: Path) -> None:
    """Fold the live file's WAL into it and make sure nobody is writing (busy -> exit 4)."""
    from sendctl.storage.db import busy_timeout_ms, translate_db_error

    try:
        conn = sqlite3.connect(live, isolation_level=None, timeout=busy_timeout_ms() / 1000)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error as e:
        text = str(e).lower()
        if "locked" in text or "busy" in text:
            raise translate_db_error(e, live) from None
        # damaged or not a database (often why it is being restored): set aside as it is
