"""The SEN2 return's rows: read one child at a time (streaming), write what an import brings.

Reading never builds a list of all children: `case_data` yields one CaseData per child, each
from a few indexed look-ups, so a county's 20,000 children cost constant memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

from sendctl.domain.sen2 import CaseData
from sendctl.storage.audit import Actor, record, utc_now

_CASE_COLS = (
    "case_ref, upn, forename, surname, date_of_birth, plan_type, plan_issued_on, primary_need,"
    " year_offset, setting, setting_type, stays_sixth_form"
)
_ASSESS_COLS = (
    "id, received_on, decided_on, decision, draft_on, concluded_on, outcome, exception_reason"
)
_ORDER = "ORDER BY surname, forename, date_of_birth, upn, case_ref"


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )


def _candidates_sql(census: str) -> str:
    return f"""
        SELECT {_CASE_COLS} FROM cases c
        WHERE (c.plan_type = 'ehcp' AND c.plan_issued_on <= :census)
           OR EXISTS (SELECT 1 FROM assessments a WHERE a.case_ref = c.case_ref AND a.received_on <= :census)
           OR EXISTS (SELECT 1 FROM sen2_requests s WHERE s.case_ref = c.case_ref)
        {_ORDER}"""


def case_data(
    conn: sqlite3.Connection, census: str, case_ref: str | None = None
) -> Iterator[CaseData]:
    """Every child who may be in the return (or just `case_ref`), in return order."""
    ends = _has_table(conn, "plan_events")
    imported = get_setting(conn, "imported_census")
    params = {"census": census}
    if case_ref is None:
        cases = conn.execute(_candidates_sql(census), params)
    else:
        cases = conn.execute(
            f"SELECT {_CASE_COLS} FROM cases WHERE case_ref = :ref", {"ref": case_ref}
        )
    for row in cases:
        yield one_case(conn, dict(row), census, ends, imported)


def one_case(
    conn: sqlite3.Connection,
    case: dict,
    census: str,
    ends: bool = False,
    imported: str | None = None,
) -> CaseData:
    ref = case["case_ref"]

    def rows(sql, *args):
        return [dict(r) for r in conn.execute(sql, (ref, *args))]

    person = conn.execute("SELECT * FROM sen2_person WHERE case_ref = ?", (ref,)).fetchone()
    before = items_as_they_stood(conn, ref, census)
    if before:
        # a change of circumstances that took effect after census day: the value before it
        if before.get("primary_need"):
            case = {**case, "primary_need": before["primary_need"]}
        if person is not None:
            person = {
                **dict(person),
                **{k: v for k, v in before.items() if k in PERSON_FIELDS and v is not None},
            }
    plan = conn.execute("SELECT * FROM sen2_plans WHERE case_ref = ?", (ref,)).fetchone()
    review = conn.execute(
        "SELECT meeting_on, decision, decided_on FROM reviews WHERE case_ref = ? AND meeting_on <= ?"
        " ORDER BY meeting_on DESC LIMIT 1",
        (ref, census),
    ).fetchone()
    return CaseData(
        case=case,
        person=dict(person) if person else None,
        assessments=rows(
            f"SELECT {_ASSESS_COLS} FROM assessments WHERE case_ref = ? AND received_on <= ?"
            " ORDER BY received_on, id",
            census,
        ),
        requests=rows("SELECT * FROM sen2_requests WHERE case_ref = ? ORDER BY received_on, id"),
        plan=dict(plan) if plan else None,
        placements=rows(
            "SELECT * FROM sen2_placements WHERE case_ref = ? ORDER BY kind, placement_rank, id"
        ),
        needs=_needs_as_they_stood(
            rows(
                "SELECT sen_type_rank, sen_type FROM sen2_needs WHERE case_ref = ?"
                " ORDER BY sen_type_rank"
            ),
            before,
        ),
        review=dict(review) if review else None,
        linked_placements=rows(
            "SELECT p.placement_type, p.urn, p.ukprn, p.sen_setting, p.starts_on, p.ends_on"
            " FROM placements p WHERE p.case_ref = ?"
            " AND (p.urn IS NOT NULL OR p.ukprn IS NOT NULL OR p.sen_setting IS NOT NULL)"
            # the latest version of each (an ending recorded late still dates the end): the
            # replay to census day goes by its start and end dates
            " AND p.cancelled = 0 AND p.starts_on <= ?"
            " AND NOT EXISTS (SELECT 1 FROM placements r WHERE r.replaces_id = p.id)"
            " ORDER BY p.starts_on, p.id",
            census,
        ),
        ended=_ended(conn, ref, census) if ends else None,
        imported_census=imported if plan else None,
    )


def tracked_items(conn: sqlite3.Connection, ref: str) -> dict[str, str | None]:
    """A child's items that a change of circumstances can date: the person items, the
    primary need and each ranked need (need_rank_N), as they are now."""
    person = conn.execute(
        f"SELECT {', '.join(PERSON_FIELDS)} FROM sen2_person WHERE case_ref = ?", (ref,)
    ).fetchone()
    out: dict[str, str | None] = {
        f: (person[i] if person else None) for i, f in enumerate(PERSON_FIELDS)
    }
    row = conn.execute("SELECT primary_need FROM cases WHERE case_ref = ?", (ref,)).fetchone()
    out["primary_need"] = row[0] if row else None
    for rank, need in conn.execute(
        "SELECT sen_type_rank, sen_type FROM sen2_needs WHERE case_ref = ?", (ref,)
    ):
        out[f"need_rank_{rank}"] = need
    return out


def record_item_history(
    conn: sqlite3.Connection, actor: Actor, ref: str, previous: dict, effective_from: date
) -> None:
    """Keep the values a change of circumstances replaced, from the day it took effect;
    audited by item name only (they are personal)."""
    stamp = utc_now()
    conn.executemany(
        "INSERT INTO sen2_item_history (case_ref, item, previous_value, effective_from,"
        " recorded_utc, officer) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (ref, item, value, effective_from.isoformat(), stamp, actor.officer)
            for item, value in sorted(previous.items())
        ],
    )
    record(
        conn,
        actor,
        "sen2_item_history",
        ref,
        "change",
        after={"items": sorted(previous), "effective_from": effective_from.isoformat()},
        case_ref=ref,
    )


def items_as_they_stood(conn: sqlite3.Connection, ref: str, census: str) -> dict[str, str | None]:
    """The items whose change of circumstances took effect after census day, each with the
    value it replaced (the first such change per item; dated changes are recorded in date
    order). A person item with nothing recorded before its change keeps its current value:
    nothing earlier is known. A ranked need with nothing before it (None) did not exist then."""
    out: dict[str, str | None] = {}
    for item, previous in conn.execute(
        "SELECT item, previous_value FROM sen2_item_history WHERE case_ref = ?"
        " AND effective_from > ? ORDER BY effective_from, id",
        (ref, census),
    ):
        if item in out:
            continue
        if previous is not None or item.startswith("need_rank_"):
            out[item] = previous
    return out


def latest_dated_change(conn: sqlite3.Connection, ref: str, items: list[str]) -> str | None:
    """The latest day a dated change of any of these items took effect (None: none)."""
    marks = ", ".join("?" * len(items))
    row = conn.execute(
        f"SELECT max(effective_from) FROM sen2_item_history WHERE case_ref = ? AND item IN ({marks})",
        (ref, *items),
    ).fetchone()
    return row[0] if row else None


def _needs_as_they_stood(needs: list[dict], before: dict[str, str | None]) -> list[dict]:
    ranked: dict[str, str | None] = {n["sen_type_rank"]: n["sen_type"] for n in needs}
    for item, previous in before.items():
        if item.startswith("need_rank_"):
            ranked[item.removeprefix("need_rank_")] = previous
    return [{"sen_type_rank": r, "sen_type": t} for r, t in sorted(ranked.items()) if t]


def _ended(conn: sqlite3.Connection, ref: str, census: str) -> dict | None:
    """The plan's end (cessation or a move out) and a move in, from the case lifecycle's plan
    events when that table exists; voided events do not count."""
    rows = conn.execute(
        "SELECT id, event, event_on, reason, la FROM plan_events e WHERE case_ref = ?"
        " AND event_on <= ? AND event IN ('end', 'move-out', 'move-in', 'amended-final')"
        " AND NOT EXISTS (SELECT 1 FROM plan_events v WHERE v.voids_id = e.id)"
        " ORDER BY event_on, id",
        (ref, census),
    ).fetchall()
    out: dict = {}
    for r in rows:
        if r["event"] == "end":
            out.update(cease_on=r["event_on"], cease_reason=_cease_code(r["reason"]))
        elif r["event"] == "move-out":
            out.update(cease_on=_moved_out_on(conn, ref, r["event_on"]), cease_reason="5")
        elif r["event"] == "move-in":
            out.update(transfer_la=r["la"], moved_in_on=r["event_on"])
        elif r["event"] == "amended-final":
            out.setdefault("amended_finals", []).append(r["event_on"])
    return out or None


def _moved_out_on(conn: sqlite3.Connection, ref: str, aware_on: str) -> str:
    """The CeaseDate of a plan that moved to another LA. DfE's SEN2 guide (CeaseDate): "the date
    the EHC plan ended or the date the EHC plan was transferred to another local authority. Do
    not record the date of the decision to cease." So: the day the plan was transferred
    (`moves transferred-out`), else the day of the move given with `cases move-out --move`,
    else, while neither is recorded, the day this LA became aware of the move (the event's own
    date). A transfer after census day leaves the plan in force on that day (the replay)."""
    rows = conn.execute(
        "SELECT event, event_on, detail FROM statutory_events e WHERE case_ref = ? AND kind = 'la'"
        " AND event IN ('transferred-out', 'aware') AND event_on >= ?"
        " AND NOT EXISTS (SELECT 1 FROM statutory_events v WHERE v.voids_id = e.id)"
        " ORDER BY event_on, id",
        (ref, aware_on),
    ).fetchall()
    for r in rows:
        if r["event"] == "transferred-out":
            return r["event_on"]
    for r in rows:
        if r["event"] == "aware" and r["detail"] and len(r["detail"]) == 10:
            return r["detail"]  # the move's own day, kept in the aware event's detail
    return aware_on


def _cease_code(reason: str | None) -> str | None:
    if reason is None:
        return None
    if reason.isdigit():
        return reason
    from sendctl.domain.sen2 import CEASE_REASON

    for code, text in CEASE_REASON.items():
        if reason.replace("-", " ") in text:
            return code
    return "9"


def get_setting(conn: sqlite3.Connection, key: str) -> str | None:
    if not _has_table(conn, "sen2_settings"):
        return None
    row = conn.execute("SELECT value FROM sen2_settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


# --- writes ----------------------------------------------------------------------------------

PERSON_FIELDS = ("sex", "ethnicity", "postcode", "uln", "upn_unknown")
PLAN_FIELDS = (
    "plan_res",
    "plan_wbp",
    "pb",
    "oa",
    "dp",
    "cease_on",
    "cease_reason",
    "transfer_la",
    "review_draft_on",
    "phase_due_on",
    "phase_final_on",
)
REQUEST_FIELDS = (
    "received_on",
    "request_source",
    "rya",
    "request_outcome",
    "request_outcome_on",
    "request_mediation",
    "request_tribunal",
    "exported",
    "assessment_outcome",
    "assessment_outcome_on",
    "assessment_mediation",
    "assessment_tribunal",
    "other_mediation",
    "other_tribunal",
    "week20",
    "plan",
    "assessment_id",
)
PLACEMENT_FIELDS = (
    "kind",
    "placement_rank",
    "urn",
    "ukprn",
    "sen_setting",
    "sen_setting_other",
    "entry_on",
    "leaving_on",
    "sen_unit",
    "resourced_provision",
    "res",
    "wbp",
)


def upsert_row(
    conn: sqlite3.Connection,
    actor: Actor,
    table: str,
    ref: str,
    fields: tuple[str, ...],
    values: dict,
    personal: bool = False,
) -> list[str]:
    """Set a child's one-row SEN2 record (sen2_person, sen2_plans); audited. For personal
    data the audit row names the fields that changed, never their values."""
    old = conn.execute(f"SELECT * FROM {table} WHERE case_ref = ?", (ref,)).fetchone()
    old = dict(old) if old else {}
    new = {f: values.get(f, old.get(f)) for f in fields}
    changed = [f for f in fields if new[f] != old.get(f)]
    if not changed:
        return []
    conn.execute(
        f"INSERT INTO {table} (case_ref, {', '.join(fields)}, updated_utc) VALUES (?, {', '.join('?' * len(fields))}, ?)"
        f" ON CONFLICT (case_ref) DO UPDATE SET {', '.join(f'{f} = excluded.{f}' for f in fields)},"
        " updated_utc = excluded.updated_utc",
        (ref, *(new[f] for f in fields), utc_now()),
    )
    if personal:
        before, after = (
            {f: "(recorded)" if old.get(f) else None for f in changed},
            {f: "(recorded)" if new[f] else None for f in changed},
        )
    else:
        before, after = {f: old.get(f) for f in changed}, {f: new[f] for f in changed}
    record(conn, actor, table, ref, "update" if old else "create", before, after, case_ref=ref)
    return changed


def add_request(conn: sqlite3.Connection, ref: str, values: dict) -> int:
    cols = [f for f in REQUEST_FIELDS if f in values]
    cur = conn.execute(
        f"INSERT INTO sen2_requests (case_ref, {', '.join(cols)}, updated_utc) VALUES (?, {', '.join('?' * len(cols))}, ?)",
        (ref, *(values[f] for f in cols), utc_now()),
    )
    return cur.lastrowid


def add_placement(conn: sqlite3.Connection, ref: str, values: dict) -> int:
    cur = conn.execute(
        f"INSERT INTO sen2_placements (case_ref, {', '.join(PLACEMENT_FIELDS)}, updated_utc)"
        f" VALUES (?, {', '.join('?' * len(PLACEMENT_FIELDS))}, ?)",
        (ref, *(values.get(f) for f in PLACEMENT_FIELDS), utc_now()),
    )
    return cur.lastrowid


def set_need(conn: sqlite3.Connection, ref: str, rank: str, need: str | None) -> None:
    if need is None:
        conn.execute("DELETE FROM sen2_needs WHERE case_ref = ? AND sen_type_rank = ?", (ref, rank))
    else:
        conn.execute(
            "INSERT OR REPLACE INTO sen2_needs (case_ref, sen_type_rank, sen_type) VALUES (?, ?, ?)",
            (ref, rank, need),
        )


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO sen2_settings (key, value) VALUES (?, ?)", (key, value))


def set_la_item(conn: sqlite3.Connection, actor: Actor, key: str, value: str) -> None:
    """An LA-level item of the return (the officers in place), audited when it changes."""
    old = get_setting(conn, key)
    if old == value:
        return
    set_setting(conn, key, value)
    record(
        conn, actor, "sen2_setting", key, "update" if old else "create", {key: old}, {key: value}
    )


def set_latest_request_items(
    conn: sqlite3.Connection, actor: Actor, ref: str, values: dict
) -> list[str]:
    """Items of the child's latest assessment request (its source, RYA)."""
    a = conn.execute(
        "SELECT id FROM assessments WHERE case_ref = ? ORDER BY received_on DESC, id DESC LIMIT 1",
        (ref,),
    ).fetchone()
    if a is None:
        from sendctl.domain.errors import SendctlError

        raise SendctlError(
            f"{ref}: no assessment request recorded",
            hint=f"record it first: sendctl assessments request {ref} --received DATE",
        )
    row = conn.execute("SELECT * FROM sen2_requests WHERE assessment_id = ?", (a["id"],)).fetchone()
    if row is None:
        add_request(conn, ref, {"assessment_id": a["id"], **values})
        before = {}
    else:
        before = {f: row[f] for f in values}
        conn.execute(
            f"UPDATE sen2_requests SET {', '.join(f'{f} = ?' for f in values)}, updated_utc = ?"
            " WHERE id = ?",
            (*values.values(), utc_now(), row["id"]),
        )
    changed = [f for f in values if before.get(f) != values[f]]
    if changed:
        record(
            conn,
            actor,
            "sen2_request",
            a["id"],
            "update",
            {f: before.get(f) for f in changed},
            {f: values[f] for f in changed},
            case_ref=ref,
        )
    return changed


def linked_placement_to_annotate(conn: sqlite3.Connection, ref: str) -> dict | None:
    """The child's latest panel placement that names its establishment, when the return holds
    no placement of its own (so its indicators can be recorded against it)."""
    own = conn.execute(
        "SELECT 1 FROM sen2_placements WHERE case_ref = ? AND placement_rank = '1'"
        " AND (kind = 'named' OR leaving_on IS NULL)",
        (ref,),
    ).fetchone()
    if own is not None:
        return None
    row = conn.execute(
        "SELECT p.urn, p.ukprn, p.sen_setting, p.starts_on FROM placements p WHERE p.case_ref = ?"
        " AND (p.urn IS NOT NULL OR p.ukprn IS NOT NULL OR p.sen_setting IS NOT NULL)"
        " AND p.cancelled = 0 AND NOT EXISTS (SELECT 1 FROM placements r WHERE r.replaces_id = p.id)"
        " ORDER BY p.starts_on DESC, p.id DESC LIMIT 1",
        (ref,),
    ).fetchone()
    return dict(row) if row else None


def set_current_placement(
    conn: sqlite3.Connection,
    actor: Actor,
    ref: str,
    values: dict,
    start: str | None,
    left: str | None,
    new: bool,
) -> list[str]:
    """The rank-1 placement: a new establishment is named in the plan and attended from `start`
    (the previous attended one closes on `left`); otherwise the current one's indicators change."""
    if new:
        conn.execute(
            "UPDATE sen2_placements SET leaving_on = ?, updated_utc = ? WHERE case_ref = ?"
            " AND kind = 'attended' AND placement_rank = '1' AND leaving_on IS NULL",
            (left, utc_now(), ref),
        )
        conn.execute(
            "DELETE FROM sen2_placements WHERE case_ref = ? AND kind = 'named' AND placement_rank = '1'",
            (ref,),
        )
        row = {"placement_rank": "1", "entry_on": start, **values}
        add_placement(
            conn, ref, {**row, "kind": "named", "entry_on": None, "res": None, "wbp": None}
        )
        add_placement(conn, ref, {**row, "kind": "attended"})
        record(conn, actor, "sen2_placement", ref, "create", None, row, case_ref=ref)
        return list(values)
    cur = conn.execute(
        "SELECT id FROM sen2_placements WHERE case_ref = ? AND placement_rank = '1'"
        " AND (kind = 'named' OR leaving_on IS NULL)",
        (ref,),
    ).fetchall()
    if not cur:
        from sendctl.domain.errors import SendctlError

        raise SendctlError(
            f"{ref}: no current placement to change",
            hint="give --urn, --ukprn or --sen-setting with --placement-from",
        )
    for r in cur:
        for f, v in values.items():
            if f in ("res", "wbp"):
                conn.execute(
                    f"UPDATE sen2_placements SET {f} = ? WHERE id = ? AND kind = 'attended'",
                    (v, r["id"]),
                )
            else:
                conn.execute(f"UPDATE sen2_placements SET {f} = ? WHERE id = ?", (v, r["id"]))
    record(conn, actor, "sen2_placement", ref, "update", None, values, case_ref=ref)
    return list(values)


# --- import of a previous return -------------------------------------------------------------

_DECISION = {"A": "amend", "C": "cease", "M": "keep"}


def find_case(conn: sqlite3.Connection, ref: str, upn: str | None) -> dict | None:
    if upn:
        row = conn.execute(
            "SELECT * FROM cases WHERE upn = ? ORDER BY case_ref LIMIT 1", (upn,)
        ).fetchone()
        if row:
            return dict(row)
    row = conn.execute("SELECT * FROM cases WHERE case_ref = ?", (ref,)).fetchone()
    return dict(row) if row else None


def import_child(conn: sqlite3.Connection, actor: Actor, ref: str, p: dict, refresh: bool) -> int:
    """Write one child's return items (the case row itself is written by the caller).
    Requests are kept as received; a request still open becomes a live assessment too, so its
    clocks run. A refresh replaces what an earlier import brought. Returns requests written."""
    from sendctl.domain import clocks as K

    now = utc_now()
    if refresh:
        conn.execute(
            "DELETE FROM sen2_requests WHERE case_ref = ? AND assessment_id IS NULL", (ref,)
        )
        conn.execute("DELETE FROM sen2_placements WHERE case_ref = ?", (ref,))
        conn.execute("DELETE FROM sen2_needs WHERE case_ref = ?", (ref,))
    upsert_row(
        conn,
        actor,
        "sen2_person",
        ref,
        PERSON_FIELDS,
        {f: p.get(f) for f in PERSON_FIELDS},
        personal=True,
    )
    live = {
        r["received_on"]: r["id"]
        for r in conn.execute("SELECT id, received_on FROM assessments WHERE case_ref = ?", (ref,))
    }
    n = 0
    plan_values: dict = {}
    for rq in p["requests"]:
        a = rq.get("assessment") or {}
        plan = a.get("named_plan")
        ap = rq.get("active_plans")
        row = {f: rq.get(f) for f in REQUEST_FIELDS if f in rq}
        row.update(
            {
                f: a.get(f)
                for f in (
                    "assessment_outcome",
                    "assessment_outcome_on",
                    "assessment_mediation",
                    "assessment_tribunal",
                    "other_mediation",
                    "other_tribunal",
                    "week20",
                )
            }
        )
        row["plan"] = 1 if plan is not None else 0
        pending = (
            rq.get("request_outcome") == "A"
            or a.get("assessment_outcome") == "A"
            or (a.get("assessment_outcome") == "Y" and not a.get("assessment_outcome_on"))
        )
        received = rq.get("received_on")
        if received and received in live:
            continue  # already known as a live assessment
        if pending and received:
            due = K.assessment_due(date.fromisoformat(received))
            decided = rq.get("request_outcome_on") if rq.get("request_outcome") == "Y" else None
            cur = conn.execute(
                "INSERT INTO assessments (case_ref, received_on, decision_due_on, no_plan_due_on, final_due_on,"
                " decided_on, decision, created_utc, updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ref,
                    received,
                    due.decision_on.isoformat(),
                    due.no_plan_on.isoformat(),
                    due.final_on.isoformat(),
                    decided,
                    "assess" if decided else None,
                    now,
                    now,
                ),
            )
            row["assessment_id"] = cur.lastrowid
            for f in ("request_outcome", "request_outcome_on"):
                row[f] = None  # from the live assessment from now on
            if a.get("assessment_outcome") == "A":
                row["assessment_outcome"] = None
            record(
                conn,
                actor,
                "assessment",
                cur.lastrowid,
                "request",
                None,
                {"received_on": received, "source": "SEN2 return"},
                case_ref=ref,
            )
        add_request(conn, ref, row)
        n += 1
        if plan is not None:
            plan_values = {f: plan.get(f) for f in ("plan_res", "plan_wbp", "pb", "oa", "dp")}
            for pl in plan.get("plan_detail") or []:
                add_placement(conn, ref, {**pl, "kind": "named"})
            if plan.get("cease_on"):
                exists = conn.execute(
                    "SELECT 1 FROM plan_events WHERE case_ref = ? AND event = 'end' AND event_on = ?",
                    (ref, plan["cease_on"]),
                ).fetchone()
                if not exists:
                    conn.execute(
                        "INSERT INTO plan_events (case_ref, event, event_on, reason, detail, officer, recorded_utc)"
                        " VALUES (?, 'end', ?, ?, 'from a SEN2 return', ?, ?)",
                        (ref, plan["cease_on"], plan.get("cease_reason"), actor.officer, now),
                    )
        if ap is not None:
            plan_values.update(
                {
                    f: ap.get(f)
                    for f in ("transfer_la", "review_draft_on", "phase_due_on", "phase_final_on")
                }
            )
            for pl in ap.get("placement_detail") or []:
                add_placement(conn, ref, {**pl, "kind": "attended"})
            for need in ap.get("sen_need") or []:
                set_need(conn, ref, need["sen_type_rank"], need["sen_type"])
            if ap.get("review_meeting_on"):
                due = K.review_decision_due(date.fromisoformat(ap["review_meeting_on"]))
                conn.execute(
                    "INSERT OR IGNORE INTO reviews (case_ref, meeting_on, decision_due_on, decision, decided_on,"
                    " created_utc, updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        ref,
                        ap["review_meeting_on"],
                        due.isoformat(),
                        _DECISION.get(ap.get("review_outcome") or ""),
                        ap.get("last_review_on") if ap.get("review_outcome") else None,
                        now,
                        now,
                    ),
                )
    if plan_values:
        upsert_row(conn, actor, "sen2_plans", ref, PLAN_FIELDS, plan_values)
    record(conn, actor, "sen2_import", ref, "import", None, {"requests": n}, case_ref=ref)
    return n


def stage_person_items(conn: sqlite3.Connection, cols: list[str]) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.sen2_person_stage")
    conn.execute(
        f"CREATE TEMP TABLE sen2_person_stage (case_ref TEXT PRIMARY KEY, {', '.join(cols)})"
    )


def stage_rows(conn: sqlite3.Connection, cols: list[str], rows: list[tuple]) -> None:
    if rows:
        conn.executemany(
            f"INSERT OR REPLACE INTO temp.sen2_person_stage (case_ref, {', '.join(cols)})"
            f" VALUES (?, {', '.join('?' * len(cols))})",
            rows,
        )


def apply_staged_person_items(
    conn: sqlite3.Connection, actor: Actor, cols: list[str], source: str
) -> None:
    """The file's person items into sen2_person (columns the file has are set, an empty cell
    clears); one audit row naming the fields and the count, never a value."""
    n = conn.execute(
        f"INSERT INTO sen2_person (case_ref, {', '.join(cols)}, updated_utc)"
        f" SELECT s.case_ref, {', '.join('s.' + c for c in cols)}, ? FROM temp.sen2_person_stage s"
        " WHERE EXISTS (SELECT 1 FROM cases c WHERE c.case_ref = s.case_ref)"
        f" ON CONFLICT (case_ref) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols)},"
        " updated_utc = excluded.updated_utc"
        f" WHERE {' OR '.join(f'{c} IS NOT excluded.{c}' for c in cols)}",
        (utc_now(),),
    ).rowcount
    conn.execute("DROP TABLE temp.sen2_person_stage")
    if n:
        record(conn, actor, "sen2_person", source, "import", None, {"fields": cols, "rows": n})
