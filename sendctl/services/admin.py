"""The database file itself: create or migrate it, check it, back it up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sendctl.services.session import Session


@dataclass
class InitResult:
    created: bool
    funds_seeded: int
    schema_version: int


def init_database(session: Session, seed_funds: bool = True) -> InitResult:
    """Create the database (or migrate it forward) and seed the Cabinet report's funds."""
    from sendctl.storage.ledger import seed_funds as seed
    from sendctl.storage.migrations import schema_version

    existed = session.db_path.exists()
    seeded = 0
    with session.transaction() as conn:
        if seed_funds:
            seeded = seed(conn, session.actor())
    return InitResult(created=not existed, funds_seeded=seeded, schema_version=schema_version())


def check_health(session: Session) -> tuple[dict, list[str]]:
    """(report, problems) for `doctor`: schema, integrity, permissions, journal, counts."""
    from sendctl.storage.health import check

    return check(session.db_path)


def backup(session: Session, dest: Path, force: bool = False) -> int:
    """A consistent copy of the live database (mode 0600); returns its size in bytes."""
    from sendctl.storage.health import backup_to

    return backup_to(session.connect(), session.db_path, dest, force=force)


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

