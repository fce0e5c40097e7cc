"""Placements in SQLite: made from agreed panel decisions, ended by new rows, summed by year.

Append-only. A row is one version of a placement; a later row whose replaces_id names it (an
ending, a superseding decision's placement, or a cancellation) takes its place from that row's
decided_on. "Current as at D" = decided on or before D and not replaced by a row decided on or
before D; cancelled rows place nobody. Every sum is SQL over the stored split by financial year
(domain.placements.spread), never a Python loop per placement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

from sendctl.domain import placements as P
from sendctl.domain.errors import SendctlError
from sendctl.domain.panel import AGREED
from sendctl.storage.audit import Actor, record, utc_now

ENTITY = "placement"
HIGH_NEEDS_FUNDER = "high-needs-block"

_COLS = (
    "case_ref",
    "decision_id",
    "provider",
    "placement_type",
    "out_of_county",
    "funder",
    "annual_cost_pence",
    "starts_on",
    "ends_on",
    "first_fy",
    "first_fy_pence",
    "last_fy",
    "last_fy_pence",
    "cancelled",
    "action",
    "replaces_id",
    "decided_on",
    "reason",
    "urn",
    "ukprn",
    "sen_setting",
)
_INSERT = (
    f"INSERT INTO placements ({', '.join(_COLS)}, recorded_utc, officer)"
    f" VALUES ({', '.join('?' for _ in _COLS)}, ?, ?)"
)

# Current as at :as_of (see the module docstring); p is the placements row.
CURRENT = (
    "p.decided_on <= :as_of AND p.cancelled = 0 AND NOT EXISTS (SELECT 1 FROM placements r"
    " WHERE r.replaces_id = p.id AND r.decided_on <= :as_of)"
)
# Paid for from the high needs block. A panel decision that names no funder is the High
# Needs Panel's own money, so it counts too.
HIGH_NEEDS = f"(p.funder IS NULL OR p.funder = '{HIGH_NEEDS_FUNDER}')"
# What a placement commits to the financial year y.fy (domain.placements.year_pence in SQL),
# for rows already limited to first_fy <= y.fy <= last_fy (or open-ended).
YEAR_PENCE = (
    "CASE WHEN y.fy = p.first_fy THEN p.first_fy_pence"
    " WHEN p.last_fy IS NULL OR y.fy < p.last_fy THEN p.annual_cost_pence"
    " ELSE p.last_fy_pence END"
)
IN_YEAR = "p.first_fy <= y.fy AND (p.last_fy IS NULL OR p.last_fy >= y.fy)"


def _insert(conn: sqlite3.Connection, actor: Actor, row: dict) -> int:
    cur = conn.execute(_INSERT, [row.get(c) for c in _COLS] + [utc_now(), actor.officer])
    return cur.lastrowid


def _with_spread(row: dict) -> dict:
    starts = date.fromisoformat(row["starts_on"])
    ends = date.fromisoformat(row["ends_on"]) if row.get("ends_on") else None
    s = P.spread(row["annual_cost_pence"], starts, ends)
    return {
        **row,
        "first_fy": s.first_fy,
        "first_fy_pence": s.first_fy_pence,
        "last_fy": s.last_fy,
        "last_fy_pence": s.last_fy_pence,
    }


def get(conn: sqlite3.Connection, placement_id: int) -> dict | None:
    r = conn.execute(
        "SELECT p.*, r.id AS replaced_by FROM placements p LEFT JOIN placements r"
        " ON r.replaces_id = p.id WHERE p.id = ?",
        (placement_id,),
    ).fetchone()
    return dict(r) if r else None


def _current_for_decision(conn: sqlite3.Connection, decision_id: int) -> dict | None:
    """The latest version of the placement a decision made (ended or not, cancelled or not)."""
    r = conn.execute(
        "SELECT p.* FROM placements p WHERE p.decision_id = ? AND NOT EXISTS"
        " (SELECT 1 FROM placements r WHERE r.replaces_id = p.id) ORDER BY p.id DESC LIMIT 1",
        (decision_id,),
    ).fetchone()
    return dict(r) if r else None


def places(decision: dict) -> bool:
    """An agreed decision with an annual cost and a start date becomes a placement."""
    return (
        decision["outcome"] in AGREED
        and decision.get("annual_cost_pence") is not None
        and bool(decision.get("starts_on"))
    )


def from_decision(
    conn: sqlite3.Connection, actor: Actor, decision_id: int, decision: dict
) -> int | None:
    """Make, replace or cancel the placement that a just-stored panel decision implies; return
    the new placement row's id (None when nothing changed). Caller holds the transaction.

    decision: the decision's row (domain.panel.Decision.as_row()). A decision that supersedes
    another replaces that one's placement: with its own placement when it places the child,
    else with a cancellation.
    """
    old = None
    if decision.get("supersedes_id") is not None:
        old = _current_for_decision(conn, decision["supersedes_id"])
    if places(decision):
        row = {
            k: decision.get(k)
            for k in (
                "case_ref",
                "provider",
                "placement_type",
                "funder",
                "annual_cost_pence",
                "starts_on",
                "ends_on",
                "urn",
                "ukprn",
                "sen_setting",
            )
        }
        row.update(
            decision_id=decision_id,
            out_of_county=int(bool(decision.get("out_of_county"))),
            cancelled=0,
            action="superseded" if old else "agreed",
            replaces_id=old["id"] if old else None,
            decided_on=decision["meeting_on"],
        )
        row = _with_spread(row)
    elif old is not None and not old["cancelled"]:
        row = {k: old[k] for k in _COLS}
        row.update(
            cancelled=1,
            action="cancelled",
            replaces_id=old["id"],
            decided_on=decision["meeting_on"],
            reason=f"decision {decision_id} superseded decision {decision['supersedes_id']}",
        )
    else:
        return None
    new_id = _insert(conn, actor, row)
    record(
        conn,
        actor,
        ENTITY,
        str(new_id),
        row["action"],
        before=_brief(old),
        after={"id": new_id, **{k: row[k] for k in _AUDITED}},
        case_ref=row["case_ref"],
    )
    return new_id


_AUDITED = (
    "decision_id",
    "annual_cost_pence",
    "starts_on",
    "ends_on",
    "funder",
    "cancelled",
    "replaces_id",
)


def _brief(row: dict | None) -> dict | None:
    return None if row is None else {"id": row["id"], **{k: row[k] for k in _AUDITED}}


def end(
    conn: sqlite3.Connection,
    actor: Actor,
    placement_id: int,
    ends_on: date,
    reason: str,
    decided_on: date,
) -> int:
    """A new row: the placement as it was, ending on ends_on (earlier or later than before).
    Caller holds the transaction."""
    old = get(conn, placement_id)
    if old is None:
        raise SendctlError(
            f"ID: no placement {placement_id}", hint="see the ids with 'sendctl placements list'"
        )
    if old["replaced_by"] is not None:
        raise SendctlError(
            f"placement {placement_id} was replaced by placement {old['replaced_by']}",
            hint=f"end the current one instead: {old['replaced_by']}",
        )
    if old["cancelled"]:
        raise SendctlError(f"placement {placement_id} was cancelled; there is nothing to end")
    P.check_period(date.fromisoformat(old["starts_on"]), ends_on)
    if old["ends_on"] == ends_on.isoformat():
        raise SendctlError(f"placement {placement_id} already ends on {old['ends_on']}")
    row = {k: old[k] for k in _COLS}
    row.update(
        ends_on=ends_on.isoformat(),
        action="ended",
        replaces_id=placement_id,
        decided_on=max(decided_on.isoformat(), old["decided_on"]),
        reason=reason,
    )
    row = _with_spread(row)
    new_id = _insert(conn, actor, row)
    record(
        conn,
        actor,
        ENTITY,
        str(new_id),
        "ended",
        before=_brief(old),
        after={"id": new_id, **{k: row[k] for k in _AUDITED}, "reason": reason},
        case_ref=row["case_ref"],
    )
    return new_id


# --- reading -----------------------------------------------------------------------------------


def list_rows(
    conn: sqlite3.Connection,
    as_of: date,
    *,
    active_on: date | None = None,
    out_of_county: bool | None = None,
    provider: str | None = None,
    placement_type: str | None = None,
    case_ref: str | None = None,
) -> Iterator[dict]:
    """Current placements as at as_of, oldest start first; streamed."""
    where = [CURRENT]
    params: dict = {"as_of": as_of.isoformat()}
    if active_on is not None:
        where.append("p.starts_on <= :on AND (p.ends_on IS NULL OR p.ends_on >= :on)")
        params["on"] = active_on.isoformat()
    if out_of_county is not None:
        where.append("p.out_of_county = :ooc")
        params["ooc"] = int(out_of_county)
    if provider:
        where.append("p.provider LIKE :provider")
        params["provider"] = f"%{provider}%"
    if placement_type:
        where.append("p.placement_type = :ptype")
        params["ptype"] = placement_type
    if case_ref:
        where.append("p.case_ref = :case_ref")
        params["case_ref"] = case_ref
    sql = (
        "SELECT p.id, p.case_ref, p.decision_id, p.provider, p.placement_type, p.out_of_county,"
        " p.funder, p.annual_cost_pence, p.starts_on, p.ends_on, p.action, p.replaces_id,"
        " p.decided_on, p.reason, p.first_fy, p.first_fy_pence, p.last_fy, p.last_fy_pence"
        " FROM placements p WHERE " + " AND ".join(where) + " ORDER BY p.starts_on, p.id"
    )
    for r in conn.execute(sql, params):
        yield dict(r)


def _years_cte(fys: list[str]) -> tuple[str, dict]:
    values = ", ".join(f"(:fy{i})" for i in range(len(fys)))
    return f"WITH y(fy) AS (VALUES {values})", {f"fy{i}": fy for i, fy in enumerate(fys)}


def committed_groups(conn: sqlite3.Connection, as_of: date) -> list[P.CommittedGroup]:
    """The high-needs placement rows decided by as_of, summed in one pass by (decided on,
    replaced on, first year, last year, made by a panel's agreement): enough to give what the
    placements current on any day up to as_of commit to each year, and the rate panels agreed
    them at (domain.placements.committed_on, agreed_on), without a scan per year or per day."""
    sql = (
        "SELECT p.decided_on, (SELECT MIN(r.decided_on) FROM placements r"
        " WHERE r.replaces_id = p.id), p.first_fy, p.last_fy,"
        " p.decision_id IS NOT NULL AND p.action IN ('agreed', 'superseded'),"
        " SUM(p.first_fy_pence), SUM(COALESCE(p.last_fy_pence, 0)), SUM(p.annual_cost_pence),"
        f" COUNT(*) FROM placements p WHERE p.decided_on <= :as_of AND p.cancelled = 0"
        f" AND {HIGH_NEEDS} GROUP BY 1, 2, 3, 4, 5"
    )
    return [P.CommittedGroup(*r) for r in conn.execute(sql, {"as_of": as_of.isoformat()})]


def committed_split(conn: sqlite3.Connection, as_of: date, fy: str) -> list[dict]:
    """One year's high-needs commitment by in/out of county and by placement type."""
    cte, params = _years_cte([fy])
    params["as_of"] = as_of.isoformat()
    sql = (
        f"{cte} SELECT p.out_of_county, COALESCE(p.placement_type, 'unspecified') AS placement_type,"
        f" COUNT(*) AS placements, SUM({YEAR_PENCE}) AS committed_pence"
        f" FROM y JOIN placements p ON {IN_YEAR} WHERE {CURRENT} AND {HIGH_NEEDS}"
        " GROUP BY p.out_of_county, placement_type ORDER BY p.out_of_county, placement_type"
    )
    return [dict(r) for r in conn.execute(sql, params)]


def run_rate(conn: sqlite3.Connection, as_of: date) -> tuple[int, int]:
    """(number, annual cost) of current high-needs placements running on as_of."""
    r = conn.execute(
        f"SELECT COUNT(*), COALESCE(SUM(p.annual_cost_pence), 0) FROM placements p"
        f" WHERE {CURRENT} AND {HIGH_NEEDS} AND p.starts_on <= :as_of"
        " AND (p.ends_on IS NULL OR p.ends_on >= :as_of)",
        {"as_of": as_of.isoformat()},
    ).fetchone()
    return r[0], r[1]


def effect_by_meeting(
    conn: sqlite3.Connection, date_from: date | None, date_to: date
) -> list[dict]:
    """Per (meeting, request): the placements the period's decisions made (as the register stands
    at date_to), their annual cost (the full-year effect) and what they commit to date_to's
    financial year (the in-year effect)."""
    cte, params = _years_cte([P.financial_year(date_to)])
    where = [CURRENT, "p.action IN ('agreed', 'superseded')", "d.meeting_on <= :as_of"]
    params["as_of"] = date_to.isoformat()
    if date_from is not None:
        where.append("d.meeting_on >= :since")
        params["since"] = date_from.isoformat()
    sql = (
        f"{cte} SELECT d.meeting_on, d.request, COUNT(*) AS placements_made,"
        " SUM(p.annual_cost_pence) AS full_year_effect_pence,"
        f" SUM(CASE WHEN {IN_YEAR} THEN {YEAR_PENCE} ELSE 0 END) AS in_year_effect_pence"
        " FROM placements p JOIN panel_decisions d ON d.id = p.decision_id CROSS JOIN y"
        f" WHERE {' AND '.join(where)} GROUP BY d.meeting_on, d.request"
    )
    return [dict(r) for r in conn.execute(sql, params)]


# --- the high needs fund -------------------------------------------------------------------------


def high_needs_fund(conn: sqlite3.Connection) -> dict | None:
    r = conn.execute(
        "SELECT code, name, allocation_pence FROM funds WHERE kind = 'high-needs'"
        " ORDER BY rowid LIMIT 1"
    ).fetchone()
    return dict(r) if r else None


def budgets(conn: sqlite3.Connection, fund: str) -> dict[str, int]:
    """The fund's budget per financial year (its profile)."""
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT financial_year, amount_pence FROM fund_profiles WHERE fund = ? ORDER BY financial_year",
            (fund,),
        )
    }


def ledger_by_year(
    conn: sqlite3.Connection, fund: str, as_of: date
) -> dict[str, tuple[int, int, int]]:
    """{financial year: (paid, open ledger commitments, commitments raised)} of the fund's
    entries to as_of; "raised" counts an order whole, before payments released it."""
    out = {}
    for r in conn.execute(
        "SELECT financial_year,"
        " COALESCE(SUM(CASE WHEN effect = 'spent' THEN amount_pence END), 0),"
        " COALESCE(SUM(CASE WHEN effect = 'committed' THEN amount_pence END), 0)"
        "  - COALESCE(SUM(released_pence), 0),"
        " COALESCE(SUM(CASE WHEN effect = 'committed' THEN amount_pence END), 0)"
        " FROM ledger_entries WHERE fund = ? AND posted_on <= ? GROUP BY financial_year",
        (fund, as_of.isoformat()),
    ):
        out[r[0]] = (r[1], r[2], r[3])
    return out


# --- the deficit ---------------------------------------------------------------------------------


def add_deficit_entry(
    conn: sqlite3.Connection,
    actor: Actor,
    fund: str,
    kind: str,
    fy: str,
    posted_on: date,
    amount_pence: int,
    ref: str,
    reason: str | None,
) -> int:
    if (
        kind == "opening"
        and conn.execute(
            "SELECT 1 FROM high_needs_deficit WHERE fund = ? AND kind = 'opening' AND financial_year = ?",
            (fund, fy),
        ).fetchone()
    ):
        raise SendctlError(
            f"an opening deficit for {fy} is already recorded",
            hint="correct it with 'sendctl funds deficit adjust' (audited)",
        )
    cur = conn.execute(
        "INSERT INTO high_needs_deficit (fund, kind, financial_year, posted_on, amount_pence, ref,"
        " reason, officer, recorded_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fund,
            kind,
            fy,
            posted_on.isoformat(),
            amount_pence,
            ref,
            reason,
            actor.officer,
            utc_now(),
        ),
    )
    new_id = cur.lastrowid
    record(
        conn,
        actor,
        "high_needs_deficit",
        str(new_id),
        kind,
        after={
            "fund": fund,
            "financial_year": fy,
            "posted_on": posted_on.isoformat(),
            "amount_pence": amount_pence,
            "ref": ref,
            "reason": reason,
        },
    )
    return new_id


def deficit_entries(conn: sqlite3.Connection, fund: str, as_of: date) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, kind, financial_year, posted_on, amount_pence, ref, reason, officer"
            " FROM high_needs_deficit WHERE fund = ? AND posted_on <= ? ORDER BY financial_year, id",
            (fund, as_of.isoformat()),
        )
    ]
