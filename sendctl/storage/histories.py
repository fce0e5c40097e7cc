"""Case histories for the clock engine, streamed from the database.

Every listing reads its clocks from sendctl.domain.engine: the histories are streamed in
case_ref order (one ordered query per table, merged here), so memory stays constant whatever
the number of cases, and no due date is computed anywhere but the engine.
"""

import sqlite3
from dataclasses import replace
from datetime import date

from sendctl.storage.further import LIVE_EVENTS_SQL, as_events


def as_date(text: str | None) -> date | None:
    """A stored ISO date as a date (None for none)."""
    return date.fromisoformat(text) if text else None


def as_iso(d: date | None) -> str | None:
    """A date as stored: ISO text (None for none)."""
    return d.isoformat() if d else None


_d = as_date


def _merge(rows, key_index: int = 0):
    """Group an iterator of rows sorted by case_ref into (case_ref, [rows])."""
    it = iter(rows)
    pending = next(it, None)
    while pending is not None:
        ref = pending[key_index]
        group = [pending]
        pending = next(it, None)
        while pending is not None and pending[key_index] == ref:
            group.append(pending)
            pending = next(it, None)
        yield ref, group


class _Lookahead:
    """Pull the rows of one case_ref from a case_ref-ordered stream, in step with the cases."""

    def __init__(self, groups):
        self._it = iter(groups)
        self._next = next(self._it, None)

    def take(self, ref: str) -> list:
        while self._next is not None and self._next[0] < ref:
            self._next = next(self._it, None)
        if self._next is not None and self._next[0] == ref:
            rows = self._next[1]
            self._next = next(self._it, None)
            return rows
        return []


def _case_filter(where: str) -> str:
    return f"case_ref IN (SELECT case_ref FROM cases c WHERE {where})" if where else "1"


def histories(conn: sqlite3.Connection, where: str = "", params: dict | None = None):
    """Yield (case row, engine History) for every case matching `where` (SQL on cases c),
    in case_ref order. Streams: one ordered cursor per table."""
    from sendctl.domain import engine as E

    params = params or {}
    cond = _case_filter(where)
    cases = conn.execute(
        "SELECT c.case_ref, c.forename, c.date_of_birth, c.setting, c.setting_type, c.plan_type, c.primary_need,"
        " c.plan_issued_on, c.caseworker, c.caseworker_email, c.year_offset, c.stays_sixth_form"
        f" FROM cases c {'WHERE ' + where if where else ''} ORDER BY c.case_ref",
        params,
    )
    transfers = _Lookahead(
        _merge(
            conn.execute(
                "SELECT case_ref, started_on, notice_on, draft_on, concluded_on, outcome, statement_made_on"
                " FROM transfers"
                f" WHERE {cond} ORDER BY case_ref",
                params,
            )
        )
    )
    assessments = _Lookahead(
        _merge(
            conn.execute(
                "SELECT case_ref, received_on, decided_on, decision, draft_on, concluded_on, outcome,"
                f" exception_reason FROM assessments WHERE {cond} ORDER BY case_ref, received_on, id",
                params,
            )
        )
    )
    reviews = _Lookahead(
        _merge(
            conn.execute(
                "SELECT case_ref, meeting_on, decision, decided_on FROM reviews"
                f" WHERE {cond} ORDER BY case_ref, meeting_on",
                params,
            )
        )
    )
    events = _Lookahead(
        _merge(
            conn.execute(
                "SELECT case_ref, event, event_on, reason FROM plan_events e"
                f" WHERE {cond} AND NOT EXISTS (SELECT 1 FROM plan_events v WHERE v.voids_id = e.id)"
                " AND e.event != 'void' ORDER BY case_ref, event_on, id",
                params,
            )
        )
    )
    further = _Lookahead(_merge(conn.execute(LIVE_EVENTS_SQL.format(cond=cond), params)))
    for c in cases:
        ref = c["case_ref"]
        h = build_history(
            c, transfers.take(ref), assessments.take(ref), reviews.take(ref), events.take(ref), E
        )
        more = further.take(ref)
        yield c, (replace(h, further=as_events(more)) if more else h)


def build_history(c, transfer_rows, assessment_rows, review_rows, event_rows, E=None):
    """The engine's History of one case from its database rows."""
    if E is None:
        from sendctl.domain import engine as E
    t = None
    for r in transfer_rows:
        t = E.Transfer(
            _d(r["started_on"]),
            _d(r["notice_on"]),
            _d(r["draft_on"]),
            _d(r["concluded_on"]),
            r["outcome"],
        )
    assessments = tuple(
        E.Assessment(
            _d(r["received_on"]),
            _d(r["decided_on"]),
            r["decision"],
            _d(r["draft_on"]),
            _d(r["concluded_on"]),
            r["outcome"],
            r["exception_reason"],
        )
        for r in assessment_rows
    )
    reviews = tuple(
        E.Review(_d(r["meeting_on"]), r["decision"], _d(r["decided_on"])) for r in review_rows
    )
    # The register's plan before any recorded event made an EHC plan: a transfer review means
    # the child held a statement; an EHC plan that an assessment made was not there before.
    plan_type, made = c["plan_type"], _d(c["plan_issued_on"])
    if t is not None:
        plan_type = "statement"
        made = _d(transfer_rows[-1]["statement_made_on"])
    elif plan_type == "ehcp" and any(
        a.outcome == "ehcp_issued" and a.concluded_on == made for a in assessments
    ):
        plan_type, made = None, None
    amended, ended, end_reason, moved_in, moved_last = [], None, None, None, None
    stays = bool(c["stays_sixth_form"])
    for e in event_rows:
        if e["event"] == "amended-final":
            amended.append(_d(e["event_on"]))
        elif e["event"] in ("end", "move-out") and ended is None:
            ended, end_reason = _d(e["event_on"]), e["reason"]
        elif e["event"] == "move-in":
            moved_in = _d(e["event_on"])
            moved_last = _d(e["reason"]) if e["reason"] else None
    return E.History(
        case_ref=c["case_ref"],
        date_of_birth=_d(c["date_of_birth"]),
        plan_type=plan_type,
        plan_made_on=made,
        year_offset=c["year_offset"] or 0,
        setting=f"{c['setting'] or ''} {c['setting_type'] or ''}",
        stays_sixth_form=stays,
        transfer=t,
        assessments=assessments,
        reviews=reviews,
        amended_finals=tuple(amended),
        ended_on=ended,
        end_reason=end_reason,
        moved_in_on=moved_in,
        moved_in_last_review=moved_last,
    )
