"""The further clocks' events (advice, representations, review steps, post-16 moves,
re-assessments, appeals, Tribunal orders, personal budgets, plans moving in): one append-only
table, statutory_events. A mistake is voided by a new 'void' row; the original stays."""

import sqlite3
from datetime import date

from sendctl.domain import counting as C
from sendctl.domain import further_clocks as F
from sendctl.domain.errors import SendctlError
from sendctl.domain.problems import invalid
from sendctl.storage.audit import Actor, record, utc_now

ENTITY = "statutory_event"


def _case_exists(conn: sqlite3.Connection, case_ref: str) -> None:
    if conn.execute("SELECT 1 FROM cases WHERE case_ref = ?", (case_ref,)).fetchone() is None:
        raise SendctlError(
            f"{case_ref}: no such case",
            hint="check the reference with 'sendctl cases list --search'",
        )


def _live(conn: sqlite3.Connection, where: str, params: tuple) -> list[dict]:
    """Events not voided, matching `where` (SQL on statutory_events e)."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT * FROM statutory_events e WHERE e.event != 'void' AND NOT EXISTS"
            " (SELECT 1 FROM statutory_events v WHERE v.voids_id = e.id) AND "
            + where
            + " ORDER BY e.event_on, e.id",
            params,
        )
    ]


def get_event(conn: sqlite3.Connection, event_id: int) -> dict | None:
    found = _live(conn, "e.id = ?", (event_id,))
    return found[0] if found else None


def _needs(conn, case_ref: str, kind: str, event: str, on: date, what: str) -> dict:
    """The latest live `event` of `kind` for the case on or before `on`, else refuse naming it."""
    found = _live(
        conn,
        "e.case_ref = ? AND e.kind = ? AND e.event = ? AND e.event_on <= ?",
        (case_ref, kind, event, on.isoformat()),
    )
    if not found:
        raise SendctlError(
            f"{case_ref}: no {what} recorded on or before {on.isoformat()}",
            hint=f"record the {what} first",
        )
    return found[-1]


def record_event(
    conn: sqlite3.Connection,
    actor: Actor,
    case_ref: str,
    kind: str,
    event: str,
    on: date,
    detail: str | None = None,
    ref_id: int | None = None,
) -> dict:
    """Check one event against what is already recorded, store it and audit it.

    Refused (nothing written) when its clock is not running: advice received with no request,
    an appeal event with no decision notice, a Tribunal step with no order, a direct-payment
    review with no payments.
    """
    if event not in F.EVENTS.get(kind, ()):
        raise invalid(
            "event", "bad_code", f"expected one of {', '.join(F.EVENTS.get(kind, ()))}", event
        )
    if kind == "advice" and event == "received":
        req = get_event(conn, ref_id) if ref_id is not None else None
        if req is None or req["kind"] != "advice" or req["event"] != "request":
            raise SendctlError(
                f"advice request {ref_id}: no such request",
                hint="see the requests with 'sendctl advice list'",
            )
        case_ref = req["case_ref"]
        if _live(conn, "e.kind = 'advice' AND e.event = 'received' AND e.ref_id = ?", (ref_id,)):
            raise SendctlError(
                f"advice request {ref_id}: its advice was already recorded as received"
            )
        requested = date.fromisoformat(req["event_on"])
        if on < requested:
            raise invalid(
                "date",
                "before_anchor",
                f"{on.isoformat()} is before the request was sent ({req['event_on']})",
            )
        due = C.within_weeks(requested, F.ADVICE_WEEKS)
        if detail and on <= due:
            # SEND Regs 2014 reg 8(2) lifts the 6-week duty in those circumstances: it can
            # only explain a reply that came late, and kept on an in-time reply it would read
            # as a late one excused
            raise invalid(
                "exception",
                "not_late",
                f"the reply on {on.isoformat()} is within the 6 weeks (due by "
                f"{due.isoformat()}); an exception under SEND Regs 2014 reg 8(2) only excuses "
                "a late reply",
                detail,
                hint="record the reply without an exception",
            )
    elif kind == "appeal" and event != "decision-notice":
        _case_exists(conn, case_ref)
        _needs(conn, case_ref, "appeal", "decision-notice", on, "decision notice")
        if event == "certificate" and not (
            _live(
                conn,
                "e.case_ref = ? AND e.kind = 'appeal' AND e.event IN "
                "('mediation-end', 'mediation-declined') AND e.event_on <= ?",
                (case_ref, on.isoformat()),
            )
        ):
            raise SendctlError(
                f"{case_ref}: no mediation ended or declined on or before {on.isoformat()}",
                hint="record mediation-end or mediation-declined first",
            )
    elif kind == "tribunal" and event == "complied":
        order = get_event(conn, ref_id) if ref_id is not None else None
        if order is None or order["kind"] != "tribunal" or order["event"] == "complied":
            raise SendctlError(
                f"Tribunal order {ref_id}: no such order or notice",
                hint="see its id in 'sendctl cases show REF'",
            )
        table = F.ORDER_STEPS if order["event"] == "order" else F.UNOPPOSED_STEPS
        steps = [s for s, _r, _w in table.get(order["detail"] or "", ())]
        if detail not in steps:
            raise invalid(
                "step",
                "bad_code",
                f"expected one of {', '.join(steps)} for a {order['detail']} {order['event']}",
                detail,
            )
        case_ref = order["case_ref"]
    elif kind == "reassessment" and event != "notice":
        _needs(conn, case_ref, "reassessment", "notice", on, "re-assessment notice")
    elif kind == "budget" and event == "dp-review":
        _needs(conn, case_ref, "budget", "direct-payments", on, "first direct payment")
    elif kind == "la" and event == "family-notified":
        _needs(conn, case_ref, "la", "transferred-in", on, "transfer in")
    _case_exists(conn, case_ref)
    cur = conn.execute(
        "INSERT INTO statutory_events (case_ref, kind, event, event_on, ref_id, detail, officer,"
        " recorded_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (case_ref, kind, event, on.isoformat(), ref_id, detail, actor.officer, utc_now()),
    )
    row = {
        "id": cur.lastrowid,
        "case_ref": case_ref,
        "kind": kind,
        "event": event,
        "event_on": on.isoformat(),
        "ref_id": ref_id,
        "detail": detail,
    }
    record(conn, actor, ENTITY, str(row["id"]), "create", None, row, case_ref=case_ref)
    return row


def void_event(conn: sqlite3.Connection, actor: Actor, event_id: int, reason: str) -> dict:
    """Void one event (an audited correction): a 'void' row points at it; the original stays."""
    old = get_event(conn, event_id)
    if old is None:
        raise SendctlError(f"event {event_id}: no such event, or it was already voided")
    if not (reason or "").strip():
        raise invalid("reason", "required", "say why the event is voided")
    answers = _live(conn, "e.ref_id = ?", (event_id,))
    if answers:
        raise SendctlError(
            f"event {event_id}: event {answers[0]['id']} answers it; void that one first"
        )
    cur = conn.execute(
        "INSERT INTO statutory_events (case_ref, kind, event, event_on, voids_id, reason, officer,"
        " recorded_utc) VALUES (?, ?, 'void', ?, ?, ?, ?, ?)",
        (
            old["case_ref"],
            old["kind"],
            old["event_on"],
            event_id,
            reason.strip(),
            actor.officer,
            utc_now(),
        ),
    )
    row = {"id": cur.lastrowid, "voids_id": event_id, "reason": reason.strip()}
    record(conn, actor, ENTITY, str(event_id), "void", old, row, case_ref=old["case_ref"])
    return {**old, "void_id": cur.lastrowid}


def advice_requests(conn: sqlite3.Connection, adviser: str | None = None) -> list[dict]:
    """Every live advice request with its reply (if any), oldest first."""
    where, params = "e.kind = 'advice' AND e.event = 'request'", ()
    if adviser:
        where, params = where + " AND e.detail = ?", (adviser,)
    rows = _live(conn, where, params)
    replies = {
        r["ref_id"]: r for r in _live(conn, "e.kind = 'advice' AND e.event = 'received'", ())
    }
    out = []
    for r in rows:
        got = replies.get(r["id"])
        out.append(
            {
                "id": r["id"],
                "case_ref": r["case_ref"],
                "adviser": r["detail"],
                "requested_on": r["event_on"],
                "received_on": got["event_on"] if got else None,
                "exception": got["detail"] if got else None,
            }
        )
    return out


def case_events(conn: sqlite3.Connection, case_ref: str, as_of: date | None = None) -> list[dict]:
    """One child's further-clock events, oldest first, with the corrections: a 'void' row
    names the event it voids (voids_id) and why. With as_of, only those dated up to it."""
    where, params = "case_ref = ?", [case_ref]
    if as_of is not None:
        where += " AND event_on <= ?"
        params.append(as_of.isoformat())
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, event_on, kind, event, ref_id, detail, voids_id, reason, officer,"
            f" recorded_utc FROM statutory_events WHERE {where} ORDER BY event_on, id",
            params,
        )
    ]


LIVE_EVENTS_SQL = (
    "SELECT case_ref, id, kind, event, event_on, ref_id, detail FROM statutory_events e"
    " WHERE {cond} AND e.event != 'void' AND NOT EXISTS"
    " (SELECT 1 FROM statutory_events v WHERE v.voids_id = e.id) ORDER BY case_ref, event_on, id"
)


def as_events(rows) -> tuple[F.Event, ...]:
    return tuple(
        F.Event(
            r["id"],
            r["kind"],
            r["event"],
            date.fromisoformat(r["event_on"]),
            r["ref_id"],
            r["detail"],
        )
        for r in rows
    )
