"""Capital projects, their status history, their linked spend, and the consultation: the SQL.

Writes are called by sendctl/services/capital.py inside its transaction and audited there.
Every "as at" figure reads only rows dated on or before the as-of day.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from sendctl.domain.money import format_pence
from sendctl.domain.problems import invalid
from sendctl.storage.audit import Actor, record, utc_now


def _iso(d: date) -> str:
    return d.isoformat()


# --- projects ----------------------------------------------------------------------------------


def get_project(conn: sqlite3.Connection, name: str, field: str = "project") -> dict:
    row = conn.execute(
        "SELECT * FROM capital_projects WHERE name = ? COLLATE NOCASE",
        (" ".join((name or "").split()),),
    ).fetchone()
    if row is None:
        known = [r[0] for r in conn.execute("SELECT name FROM capital_projects ORDER BY id")]
        raise invalid(
            field,
            "unknown_project",
            f"no capital project called {name!r}",
            hint=("projects: " + "; ".join(known))
            if known
            else "add one with 'sendctl capital add'",
        )
    return dict(row)


def project_exists(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM capital_projects WHERE name = ? COLLATE NOCASE", (name,)
        ).fetchone()
        is not None
    )


def project_profile(conn: sqlite3.Connection, project_id: int) -> dict[str, int]:
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT financial_year, amount_pence FROM capital_project_profiles WHERE project_id = ?"
            " ORDER BY financial_year",
            (project_id,),
        )
    }


_LATEST_STATUS = """
    SELECT s.status, s.changed_on FROM capital_status_changes s
    WHERE s.project_id = :pid AND s.changed_on <= :as_of
    ORDER BY s.changed_on DESC, s.id DESC LIMIT 1
"""


def postable_project(conn: sqlite3.Connection, name: str, fund: str) -> dict:
    """The project a posting to `fund` names; refused when it is unknown, of another fund, or
    withdrawn from the plan."""
    p = get_project(conn, name)
    check_postable(conn, p, fund)
    return p


def check_postable(conn: sqlite3.Connection, p: dict, fund: str) -> None:
    """Refuse a new posting to `fund`, or a new link, for project p: of another fund, or
    withdrawn from the plan."""
    if p["fund"] != fund:
        raise invalid(
            "project",
            "other_fund",
            f"{p['name']!r} is a project of the {p['fund']} fund, not {fund}",
        )
    if current_status(conn, p["id"])[0] == "withdrawn":
        raise invalid("project", "withdrawn", f"{p['name']!r} has been withdrawn from the plan")


def current_status(
    conn: sqlite3.Connection, project_id: int, as_of: date | None = None
) -> tuple[str | None, str | None]:
    """(status, changed_on) of the latest change on or before as_of (None: the latest of all)."""
    r = conn.execute(
        _LATEST_STATUS, {"pid": project_id, "as_of": _iso(as_of) if as_of else "9999-12-31"}
    ).fetchone()
    return (r[0], r[1]) if r else (None, None)


def planned(
    conn: sqlite3.Connection, fund: str, exclude_id: int | None = None
) -> tuple[int, dict[str, int]]:
    """Cost and profile by year of the fund's projects whose latest status is not withdrawn."""
    live = """
        SELECT p.id FROM capital_projects p
        WHERE p.fund = :fund AND coalesce(:exclude, -1) != p.id AND coalesce((
            SELECT s.status FROM capital_status_changes s WHERE s.project_id = p.id
            ORDER BY s.changed_on DESC, s.id DESC LIMIT 1), '') != 'withdrawn'
    """
    params = {"fund": fund, "exclude": exclude_id}
    total = conn.execute(
        f"SELECT coalesce(sum(cost_pence), 0) FROM capital_projects WHERE id IN ({live})", params
    ).fetchone()[0]
    by_year = {
        r[0]: r[1]
        for r in conn.execute(
            f"SELECT financial_year, sum(amount_pence) FROM capital_project_profiles"
            f" WHERE project_id IN ({live}) GROUP BY financial_year ORDER BY financial_year",
            params,
        )
    }
    return total, by_year


def insert_project(conn: sqlite3.Connection, actor: Actor, p: dict, profile: dict[str, int]) -> int:
    now = utc_now()
    cur = conn.execute(
        "INSERT INTO capital_projects (name, fund, cost_pence, setting, purpose, proposed_on, over_reason,"
        " officer, recorded_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            p["name"],
            p["fund"],
            p["cost_pence"],
            p["setting"],
            p["purpose"],
            p["proposed_on"],
            p.get("over_reason"),
            actor.officer,
            now,
        ),
    )
    pid = cur.lastrowid
    conn.executemany(
        "INSERT INTO capital_project_profiles (project_id, financial_year, amount_pence) VALUES (?, ?, ?)",
        [(pid, fy, amount) for fy, amount in profile.items()],
    )
    record(
        conn,
        actor,
        "capital_project",
        pid,
        "add-over" if p.get("over_reason") else "add",
        after={**p, "profile": profile},
    )
    insert_status(conn, actor, pid, "proposed", date.fromisoformat(p["proposed_on"]), None)
    return pid


def insert_status(
    conn: sqlite3.Connection,
    actor: Actor,
    project_id: int,
    status: str,
    on: date,
    note: str | None,
    before: str | None = None,
) -> int:
    cur = conn.execute(
        "INSERT INTO capital_status_changes (project_id, status, changed_on, note, officer, recorded_utc)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (project_id, status, _iso(on), note, actor.officer, utc_now()),
    )
    record(
        conn,
        actor,
        "capital_status",
        cur.lastrowid,
        "status",
        before={"project_id": project_id, "status": before} if before else None,
        after={"project_id": project_id, "status": status, "changed_on": _iso(on), "note": note},
    )
    return cur.lastrowid


def link_spend(conn: sqlite3.Connection, actor: Actor, entry_id: int, project_id: int) -> None:
    conn.execute(
        "INSERT INTO capital_project_spend (entry_id, project_id, recorded_utc) VALUES (?, ?, ?)",
        (entry_id, project_id, utc_now()),
    )
    record(
        conn,
        actor,
        "capital_spend",
        entry_id,
        "link",
        after={"entry_id": entry_id, "project_id": project_id},
    )


# The entries that belong to a project: those linked to it, and (recursively) the settlements
# and reversals of those, so a settled or reversed commitment moves the project's figures too.
_PROJECT_ENTRIES = """
    WITH RECURSIVE pe(entry_id, project_id) AS (
        SELECT entry_id, project_id FROM capital_project_spend
        UNION
        SELECT e.id, pe.project_id FROM ledger_entries e JOIN pe
            ON e.reverses_id = pe.entry_id OR e.settles_id = pe.entry_id
    )
"""


def project_spend(conn: sqlite3.Connection, as_of: date) -> dict[int, dict]:
    """{project id: {spent_pence, committed_pence}} from the ledger entries dated on or before as_of."""
    sql = (
        _PROJECT_ENTRIES
        + """
        SELECT pe.project_id,
               coalesce(sum(CASE WHEN e.effect = 'spent' THEN e.amount_pence END), 0) AS spent,
               coalesce(sum(CASE WHEN e.effect = 'committed' THEN e.amount_pence END), 0)
                 - coalesce(sum(e.released_pence), 0) AS committed
        FROM pe JOIN ledger_entries e ON e.id = pe.entry_id
        WHERE e.posted_on <= ?
        GROUP BY pe.project_id
    """
    )
    return {
        r[0]: {"spent_pence": r[1], "committed_pence": r[2]}
        for r in conn.execute(sql, (_iso(as_of),))
    }


def past_cost_warnings(conn: sqlite3.Connection, projects: list[dict]) -> list[str]:
    """A warning for each of `projects` whose spend and commitments, all dates, are past its
    cost (a posting is not refused for it: the cost is an estimate the officer should review)."""
    used = project_spend(conn, date.max)
    out = []
    for p in projects:
        u = used.get(p["id"], {"spent_pence": 0, "committed_pence": 0})
        total = u["spent_pence"] + u["committed_pence"]
        if total > p["cost_pence"]:
            out.append(
                f"{p['name']}: spent and committed {format_pence(total)} is past its cost of "
                f"{format_pence(p['cost_pence'])}"
            )
    return out


def list_projects(conn: sqlite3.Connection, as_of: date, fund: str | None = None) -> list[dict]:
    """The projects proposed on or before as_of, in the order they were added, each with its
    status as at as_of, its profile and its linked spend and commitments."""
    spend = project_spend(conn, as_of)
    params: list = [_iso(as_of)]
    cond = ""
    if fund:
        cond = " AND fund = ?"
        params.append(fund)
    out = []
    for r in conn.execute(
        f"SELECT * FROM capital_projects WHERE proposed_on <= ?{cond} ORDER BY id", params
    ):
        p = dict(r)
        status, status_on = current_status(conn, p["id"], as_of)
        prof = project_profile(conn, p["id"])
        s = spend.get(p["id"], {"spent_pence": 0, "committed_pence": 0})
        out.append(
            {
                "id": p["id"],
                "name": p["name"],
                "fund": p["fund"],
                "setting": p["setting"],
                "purpose": p["purpose"],
                "status": status,
                "status_on": status_on,
                "proposed_on": p["proposed_on"],
                "cost_pence": p["cost_pence"],
                "profile": ", ".join(f"{fy}={format_pence(a)}" for fy, a in prof.items()),
                "by_year": prof,
                "spent_pence": s["spent_pence"],
                "committed_pence": s["committed_pence"],
                "remaining_pence": p["cost_pence"] - s["spent_pence"] - s["committed_pence"],
                "over_reason": p["over_reason"],
            }
        )
    return out


def status_history(
    conn: sqlite3.Connection, as_of: date, project_id: int | None = None
) -> list[dict]:
    params: list = [_iso(as_of)]
    cond = ""
    if project_id is not None:
        cond = " AND s.project_id = ?"
        params.append(project_id)
    return [
        dict(r)
        for r in conn.execute(
            "SELECT s.id, p.name AS project, s.status, s.changed_on, s.note, s.officer FROM capital_status_changes s"
            f" JOIN capital_projects p ON p.id = s.project_id WHERE s.changed_on <= ?{cond}"
            " ORDER BY s.changed_on, s.id",
            params,
        )
    ]


# --- the consultation ----------------------------------------------------------------------------


def consultations(conn: sqlite3.Connection, fund: str | None = None) -> list[dict]:
    params: list = []
    cond = ""
    if fund:
        cond = " WHERE fund = ?"
        params.append(fund)
    return [
        dict(r)
        for r in conn.execute(
            f"SELECT id, fund, title, opens_on, closes_on FROM capital_consultations{cond} ORDER BY opens_on, id",
            params,
        )
    ]


def insert_consultation(
    conn: sqlite3.Connection, actor: Actor, fund: str, title: str, opens_on: date, closes_on: date
) -> int:
    cur = conn.execute(
        "INSERT INTO capital_consultations (fund, title, opens_on, closes_on, officer, recorded_utc)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (fund, title, _iso(opens_on), _iso(closes_on), actor.officer, utc_now()),
    )
    record(
        conn,
        actor,
        "capital_consultation",
        cur.lastrowid,
        "open",
        after={
            "fund": fund,
            "title": title,
            "opens_on": _iso(opens_on),
            "closes_on": _iso(closes_on),
        },
    )
    return cur.lastrowid


def insert_response(conn: sqlite3.Connection, actor: Actor, r: dict) -> int:
    cur = conn.execute(
        "INSERT INTO capital_consultation_responses (consultation_id, project_id, respondent_type, view,"
        " theme, responses, responded_on, officer, recorded_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            r["consultation_id"],
            r["project_id"],
            r["respondent_type"],
            r["view"],
            r["theme"],
            r["responses"],
            r["responded_on"],
            actor.officer,
            utc_now(),
        ),
    )
    record(conn, actor, "capital_response", cur.lastrowid, "record", after=r)
    return cur.lastrowid


def lowest_tally_from(conn: sqlite3.Connection, r: dict) -> int:
    """The lowest running tally, on r's date or any later day, of the responses of r's kind
    (consultation, project, respondent type, view, theme): what a correction of r's date may
    take away without a tally, on any day, going below zero."""
    rows = conn.execute(
        "SELECT responded_on, responses FROM capital_consultation_responses"
        " WHERE consultation_id = ? AND project_id IS ? AND respondent_type = ? AND view = ?"
        " AND theme IS ? ORDER BY responded_on, id",
        (r["consultation_id"], r["project_id"], r["respondent_type"], r["view"], r["theme"]),
    ).fetchall()
    running, standing, later = 0, 0, None
    for on, n in rows:
        running += n
        if on <= r["responded_on"]:
            standing = running  # the tally on r's date
        else:
            later = running if later is None else min(later, running)
    return standing if later is None else min(standing, later)


def response_counts(conn: sqlite3.Connection, consultation_id: int, as_of: date) -> list[dict]:
    """Responses recorded on or before as_of, grouped by project, respondent type, view and theme."""
    return [
        dict(r)
        for r in conn.execute(
            """SELECT p.name AS project, r.respondent_type, r.view, r.theme, sum(r.responses) AS n
               FROM capital_consultation_responses r LEFT JOIN capital_projects p ON p.id = r.project_id
               WHERE r.consultation_id = ? AND r.responded_on <= ?
               GROUP BY p.name, r.respondent_type, r.view, r.theme
               ORDER BY min(r.id)""",
            (consultation_id, _iso(as_of)),
        )
    ]


def insert_note(
    conn: sqlite3.Connection, actor: Actor, fund: str, kind: str, text: str, on: date
) -> int:
    cur = conn.execute(
        "INSERT INTO capital_plan_notes (fund, kind, text, noted_on, officer, recorded_utc)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (fund, kind, text, _iso(on), actor.officer, utc_now()),
    )
    record(
        conn,
        actor,
        "capital_note",
        cur.lastrowid,
        kind,
        after={"fund": fund, "text": text, "noted_on": _iso(on)},
    )
    return cur.lastrowid


def latest_note(conn: sqlite3.Connection, fund: str, kind: str, as_of: date) -> dict | None:
    r = conn.execute(
        "SELECT text, noted_on FROM capital_plan_notes WHERE fund = ? AND kind = ? AND noted_on <= ?"
        " ORDER BY noted_on DESC, id DESC LIMIT 1",
        (fund, kind, _iso(as_of)),
    ).fetchone()
    return dict(r) if r else None
