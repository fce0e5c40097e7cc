"""The database file itself: create or migrate it, check it, back it up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sendctl.services.session import Session


@dataclass
class InitResult:
    created: bool
    funds_seeded: int
    migrated: bool
    schema_version: int


def init_database(session: Session, seed_funds: bool = True) -> InitResult:
    """Create the database (or migrate it forward) and seed the Cabinet report's funds."""
    from sendctl.storage.ledger import seed_funds as seed
    from sendctl.storage.migrations import schema_version

    # an empty file (touch, or a failed copy) is created, not migrated
    existed = session.db_path.exists() and session.db_path.stat().st_size > 0
    before = _stored_version(session.db_path) if existed else 0
    seeded = 0
    with session.transaction() as conn:
        if seed_funds:
            seeded = seed(conn, session.actor())
    version = schema_version()
    return InitResult(
        created=not existed,
        funds_seeded=seeded,
        schema_version=version,
        migrated=existed and before != version,
    )


def _stored_version(path: Path) -> int:
    import sqlite3
    from urllib.parse import quote

    # quoted: a '#' or '?' in the name would otherwise end the path and open another file
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        return -1  # not a database: the transaction below says so
    finally:
        conn.close()


def check_health(session: Session) -> tuple[dict, list[str]]:
    """(report, problems) for `doctor`: schema, integrity, permissions, journal, counts."""
    from sendctl.storage.health import check

    return check(session.db_path)


def backup(session: Session, dest: Path, force: bool = False) -> int:
    """A consistent copy of the live database (mode 0600); returns its size in bytes. The copy
    is recorded in the audit trail (doctor shows the last one) unless the database is read-only."""
    from sendctl.domain.errors import SendctlError
    from sendctl.storage.audit import record
    from sendctl.storage.health import backup_to

    size = backup_to(session.connect(), session.db_path, dest, force=force)
    try:
        with session.transaction() as conn:
            record(
                conn,
                session.actor(),
                "database",
                session.db_path.name,
                "backup",
                after={"dest": str(Path(dest).resolve()), "bytes": size},
            )
    except SendctlError:  # a read-only folder or mount: the copy is made, just not recorded
        pass
    return size


def check_backup(backup_file: Path) -> int:
    """Refuse a file that is not a whole sendctl database this sendctl can read; its schema version."""
    from sendctl.storage.health import check_backup_file

    return check_backup_file(backup_file)


@dataclass
class RestoreResult:
    schema_version: int
    kept_aside: Path | None


def restore(session: Session, backup_file: Path) -> RestoreResult:
    """Check `backup_file`, keep the live database aside, put the backup in its place, then
    open it (migrating it forward if it is older) and record the restore in its audit trail."""
    from sendctl.storage.audit import record
    from sendctl.storage.health import check_backup_file, restore_from

    version = check_backup_file(backup_file)
    session.close()
    aside = restore_from(backup_file, session.db_path)
    with session.transaction() as conn:
        record(
            conn,
            session.actor(),
            "database",
            session.db_path.name,
            "restore",
            after={
                "from": str(Path(backup_file).resolve()),
                "kept_aside": str(aside) if aside else None,
                "schema_version": version,
            },
        )
    return RestoreResult(version, aside)


def refuse_unless_demo(path: Path) -> None:
    """`demo --force` replaces only a demo database: refuse a file holding anything else."""
    from sendctl.domain.errors import SendctlError
    from sendctl.storage.health import foreign_writes

    why = foreign_writes(path, "demo")
    if why:
        raise SendctlError(
            f"--db {path}: not replaced: {why}; --force rebuilds only a demo database",
            hint="give the demo another file name with --db",
        )
