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
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
                problems.append(f"schema version {version} is behind {schema_version()}: run 'sendctl init'")
            elif version > schema_version():
                problems.append(f"schema version {version} is newer than this sendctl knows: upgrade sendctl")
            if report["journal_mode"] == "delete":
                # a backup copy (backup_to writes one): sendctl makes it wal when it next opens it
                report["journal_mode"] = "delete (a backup copy: sendctl switches it to wal on next use)"
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
            fk = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
            if fk:
                problems.append(f"{len(fk)}+ rows break foreign keys (first in table {fk[0][0]})")
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        report["integrity"] = f"unreadable ({e})"
        problems.append(
            f"{path}: damaged or not a database ({e}): restore from your latest backup"
        )
    return report, problems


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
    if dest.resolve() in {live, *(live.with_name(live.name + s) for s in ("-wal", "-shm", "-journal"))}:
        raise SendctlError(f"backup {dest}: is the live database (or its -wal/-shm/-journal file) itself")
    if dest.exists():
        if not force:
            raise SendctlError(f"backup {dest}: already exists", hint="choose another name or add --force")
        if dest.resolve() == Path(src).resolve():
            raise SendctlError(f"backup {dest}: is the live database itself")
        dest.unlink()
    tmp = dest.with_name(dest.name + ".partial")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
            # A backup is a standalone file: no WAL beside it.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return dest.stat().st_size
