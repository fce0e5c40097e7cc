"""The audit trail: every write goes through record() inside the command's transaction."""

import json
import sqlite3
from datetime import UTC, datetime
from typing import NamedTuple


class Actor(NamedTuple):
    """Who is writing and through which command (e.g. "cases import")."""

    officer: str
    command: str


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False)


def record(
    conn: sqlite3.Connection,
    actor: Actor,
    entity: str,
    key: str,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """Append one audit row: who, when, which entity/key, and what changed (before/after JSON)."""
    conn.execute(
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, action, before_json, after_json)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (utc_now(), actor.officer, actor.command, entity, str(key), action, _json(before), _json(after)),
    )


def record_many(conn: sqlite3.Connection, actor: Actor, rows) -> None:
    """Bulk form of record(): rows of (entity, key, action, before, after). For imports."""
    now = utc_now()
    conn.executemany(
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, action, before_json, after_json)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (now, actor.officer, actor.command, e, str(k), a, _json(b), _json(af))
            for e, k, a, b, af in rows
        ),
    )
