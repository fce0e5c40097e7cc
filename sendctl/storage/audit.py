"""The audit trail: every write goes through record() inside the command's transaction."""

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
    import json  # here, not at the top: start-up of read-only commands

    return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False)


def record(
    conn: sqlite3.Connection,
    actor: Actor,
    entity: str,
    key: str,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    case_ref: str | None = None,
) -> None:
    """Append one audit row: who, when, which entity/key, and what changed (before/after JSON).

    case_ref links the row to a child (for `sendctl audit --case REF`) when the entity is
    about one but is keyed otherwise (a panel decision id, a transfer event id).
    """
    if case_ref is None and entity == "case":
        case_ref = str(key)
    conn.execute(
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, case_ref, action,"
        " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            utc_now(),
            actor.officer,
            actor.command,
            entity,
            str(key),
            case_ref,
            action,
            _json(before),
            _json(after),
        ),
    )


def record_many(conn: sqlite3.Connection, actor: Actor, rows) -> None:
    """Bulk form of record(): rows of (entity, key, case_ref, action, before, after)."""
    now = utc_now()
    conn.executemany(
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, case_ref, action,"
        " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (now, actor.officer, actor.command, e, str(k), c, a, _json(b), _json(af))
            for e, k, c, a, b, af in rows
        ),
    )


def audit_rows(
    conn: sqlite3.Connection,
    since_utc: str | None = None,
    officer: str | None = None,
    case_ref: str | None = None,
    entity: str | None = None,
    limit: int | None = None,
):
    """The audit trail, newest first, filtered (parameterised SQL; indexed columns)."""
    where, params = [], []
    if since_utc:
        where.append("at_utc >= ?")
        params.append(since_utc)
    if officer:
        where.append("officer = ?")
        params.append(officer)
    if case_ref:
        where.append("case_ref = ?")
        params.append(case_ref)
    if entity:
        where.append("entity = ?")
        params.append(entity)
    sql = (
        "SELECT id, at_utc, officer, command, entity, entity_key, case_ref, action,"
        " before_json, after_json FROM audit_log"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY id DESC"
        + (" LIMIT ?" if limit else "")
    )
    if limit:
        params.append(limit)
    for r in conn.execute(sql, params):
        yield dict(r)
