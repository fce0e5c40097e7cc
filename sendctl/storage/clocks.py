"""Statutory clocks in the database: recording events (audited) and the clock reports.

Due dates are computed by sendctl.domain.clocks when an event is recorded and stored on the
row (transfers.due_on, assessments.*_due_on, reviews.decision_due_on: indexed). Clocks that
depend on the report date or on case fields (not-started transfers, annual reviews, phase
transfers) are computed in SQL from parameters built from sendctl.domain.rules, so a report
never makes a Python object per case per clock.

Every service function runs inside the caller's transaction and writes its audit rows.
"""

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta

from sendctl.domain import clocks as K
from sendctl.domain import rules as R
from sendctl.domain.errors import SendctlError
from sendctl.storage.audit import Actor, record, utc_now

# --- helpers --------------------------------------------------------------------------------------


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _case(conn: sqlite3.Connection, case_ref: str) -> dict:
    row = conn.execute(
        "SELECT case_ref, forename, date_of_birth, year_group, setting, setting_type, plan_type,"
        " plan_issued_on, caseworker FROM cases WHERE case_ref = ?",
        (case_ref,),
    ).fetchone()
    if row is None:
        raise SendctlError(f"{case_ref}: no such case", hint="check the reference with 'sendctl cases list --search'")
    return dict(row)


def _setting_text(case: dict) -> str:
    return f"{case.get('setting') or ''} {case.get('setting_type') or ''}".lower()


def _log_event(conn, actor: Actor, case_ref: str, clock: str, event: str, on: date, detail=None) -> None:
    conn.execute(
        "INSERT INTO clock_events (case_ref, clock, event, event_on, detail, officer, recorded_utc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (case_ref, clock, event, on.isoformat(), detail, actor.officer, utc_now()),
    )


def sql_add_months(expr: str, months: str) -> str:
    """SQL for `expr + months` with relativedelta's month-end clamp (SQLite's own '+N months'
    rolls 2016-02-29 + 12 months over to 2017-03-01; the clamp gives 2017-02-28)."""
    plain = f"date({expr}, '+' || ({months}) || ' months')"
    last = f"date({expr}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day')"
    return f"min({plain}, {last})"


def _set_ehcp(conn, actor: Actor, case: dict, issued_on: date) -> None:
    """A final EHC plan issued: the case's plan becomes an EHCP (audited, entity "case")."""
    before = {"plan_type": case["plan_type"], "plan_issued_on": case["plan_issued_on"]}
    after = {"plan_type": "ehcp", "plan_issued_on": issued_on.isoformat()}
    conn.execute(
        "UPDATE cases SET plan_type = 'ehcp', plan_issued_on = ?, updated_utc = ? WHERE case_ref = ?",
        (issued_on.isoformat(), utc_now(), case["case_ref"]),
    )
    record(conn, actor, "case", case["case_ref"], "update", before, after)


# --- transfers ------------------------------------------------------------------------------------

_TRANSFER_COLS = (
    "case_ref, notice_on, started_on, due_on, per_child_due_on, statutory_due_on, anchor, draft_on,"
    " concluded_on, outcome, cease_reason"
)


def _transfer(conn, case_ref: str) -> dict | None:
    row = conn.execute(f"SELECT {_TRANSFER_COLS} FROM transfers WHERE case_ref = ?", (case_ref,)).fetchone()
    return dict(row) if row else None


def start_transfer(
    conn: sqlite3.Connection, actor: Actor, case_ref: str, started_on: date, notice_on: date | None = None
) -> dict:
    """Start a statement's transfer review (rules 1-4); returns the stored transfer."""
    case = _case(conn, case_ref)
    existing = _transfer(conn, case_ref)
    if existing:
        raise SendctlError(f"{case_ref}: a transfer review already started on {existing['started_on']}")
    if case["plan_type"] != "statement":
        raise SendctlError(
            f"{case_ref}: only a child with a statement has a transfer review (plan type is {case['plan_type']})"
        )
    if notice_on is None:
        notice_on = K.default_notice(started_on)
    K.check_notice(notice_on, started_on)
    due = K.transfer_due(started_on, notice_on, case["year_group"], _setting_text(case))
    now = utc_now()
    row = {
        "case_ref": case_ref,
        "notice_on": notice_on.isoformat(),
        "started_on": started_on.isoformat(),
        "due_on": due.due_on.isoformat(),
        "per_child_due_on": due.per_child_on.isoformat(),
        "statutory_due_on": due.statutory_on.isoformat(),
        "anchor": R.TRANSFER_ANCHOR,
        "draft_on": None,
        "concluded_on": None,
        "outcome": None,
        "cease_reason": None,
    }
    conn.execute(
        f"INSERT INTO transfers ({_TRANSFER_COLS}, created_utc, updated_utc) VALUES "
        "(:case_ref, :notice_on, :started_on, :due_on, :per_child_due_on, :statutory_due_on, :anchor,"
        " :draft_on, :concluded_on, :outcome, :cease_reason, :now, :now)",
        {**row, "now": now},
    )
    _log_event(conn, actor, case_ref, "transfer", "start", started_on,
               f"notice {notice_on.isoformat()}; due {due.due_on.isoformat()} ({due.basis})")
    record(conn, actor, "transfer", case_ref, "start", None, row, case_ref=case_ref)
    return row


def record_transfer_event(
    conn: sqlite3.Connection, actor: Actor, case_ref: str, event: str, on: date, reason: str | None = None
) -> dict:
    """Record draft-issued / final-issued / no-plan / ceased; returns the updated transfer.

    final-issued makes the case an EHCP with plan_issued_on = the date (audited)."""
    case = _case(conn, case_ref)
    before = _transfer(conn, case_ref)
    state = None
    if before:
        last = conn.execute(
            "SELECT max(event_on) FROM clock_events WHERE case_ref = ? AND clock = 'transfer'", (case_ref,)
        ).fetchone()[0]
        state = K.TransferState(
            _d(before["started_on"]), _d(before["draft_on"]), _d(before["concluded_on"]),
            before["outcome"], _d(last),
        )
    K.check_transfer_event(state, event, on, case_ref, reason)
    after = dict(before)
    if event == "draft-issued":
        after["draft_on"] = on.isoformat()
    else:
        after["concluded_on"] = on.isoformat()
        after["outcome"] = K.TRANSFER_OUTCOMES[event]
        after["cease_reason"] = reason
    conn.execute(
        "UPDATE transfers SET draft_on = ?, concluded_on = ?, outcome = ?, cease_reason = ?, updated_utc = ?"
        " WHERE case_ref = ?",
        (after["draft_on"], after["concluded_on"], after["outcome"], after["cease_reason"], utc_now(), case_ref),
    )
    _log_event(conn, actor, case_ref, "transfer", event, on, reason)
    record(conn, actor, "transfer", case_ref, event, before, after, case_ref=case_ref)
    if event == "final-issued":
        _set_ehcp(conn, actor, case, on)
    return after


def _not_started_due_sql(as_of: date, params: dict) -> str:
    """CASE expression: the statutory deadline of a not-started statement as of `as_of`
    (rule 4: the group deadline of its year group, or 31 March 2018)."""
    whens = []
    seen = set()
    for i, g in enumerate(R.TRANSFER_GROUP_DEADLINES):
        for j, yg in enumerate(g.year_groups):
            key = (yg, g.setting_contains)
            if key in seen:
                continue
            seen.add(key)
            name = f"g{i}_{j}"
            setting = g.setting_contains or ""
            due = K.statutory_transfer_deadline(yg, as_of, setting)
            params[f"{name}_yg"] = yg
            params[f"{name}_due"] = due.isoformat()
            if g.setting_contains:
                params[f"{name}_like"] = f"%{g.setting_contains}%"
                whens.insert(0, f"WHEN c.year_group = :{name}_yg AND lower(coalesce(c.setting, '') || ' ' ||"
                                f" coalesce(c.setting_type, '')) LIKE :{name}_like THEN :{name}_due")
            else:
                whens.append(f"WHEN c.year_group = :{name}_yg THEN :{name}_due")
    params["statutory_end"] = R.STATUTORY_END.isoformat()
    return "CASE " + " ".join(whens) + " ELSE :statutory_end END"


def _transfer_rows_sql(as_of: date, params: dict) -> str:
    """Every statement in the transfer programme, as of `as_of`: case_ref, state, dates, outcome."""
    params["as_of"] = as_of.isoformat()
    not_started_due = _not_started_due_sql(as_of, params)
    return f"""
        SELECT c.case_ref, 'not_started' AS state, NULL AS notice_on, NULL AS started_on,
               {not_started_due} AS due_on, {not_started_due} AS statutory_due_on,
               NULL AS draft_on, NULL AS concluded_on, NULL AS outcome, NULL AS cease_reason
        FROM cases c
        WHERE c.plan_type = 'statement'
          AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.case_ref = c.case_ref)
        UNION ALL
        SELECT c.case_ref,
               CASE WHEN t.started_on > :as_of THEN 'not_started'
                    WHEN t.concluded_on IS NULL OR t.concluded_on > :as_of THEN 'in_progress'
                    ELSE 'concluded' END,
               CASE WHEN t.started_on <= :as_of THEN t.notice_on END,
               CASE WHEN t.started_on <= :as_of THEN t.started_on END,
               CASE WHEN t.started_on <= :as_of THEN t.due_on ELSE {not_started_due} END,
               CASE WHEN t.started_on <= :as_of THEN t.statutory_due_on ELSE {not_started_due} END,
               CASE WHEN t.draft_on <= :as_of THEN t.draft_on END,
               CASE WHEN t.concluded_on <= :as_of THEN t.concluded_on END,
               CASE WHEN t.concluded_on <= :as_of THEN t.outcome END,
               CASE WHEN t.concluded_on <= :as_of THEN t.cease_reason END
        FROM transfers t JOIN cases c ON c.case_ref = t.case_ref
    """


TRANSFER_STATES = ("not_started", "in_progress", "concluded")


def transfer_list(
    conn: sqlite3.Connection,
    as_of: date,
    state: str | None = None,
    overdue: bool = False,
    caseworker: str | None = None,
) -> Iterator[dict]:
    """`transfers list`: one row per statement in the programme, soonest due first (design §7)."""
    params: dict = {}
    inner = _transfer_rows_sql(as_of, params)
    where = []
    if state:
        if state not in TRANSFER_STATES:
            raise SendctlError(f"--state: expected one of {', '.join(TRANSFER_STATES)} (got {state!r})")
        where.append("x.state = :state")
        params["state"] = state
    if overdue:
        where.append("x.state != 'concluded' AND x.due_on < :as_of")
    if caseworker:
        where.append("c.caseworker = :caseworker COLLATE NOCASE")
        params["caseworker"] = caseworker
    sql = f"""
        SELECT x.case_ref, c.forename, c.caseworker, x.state, x.notice_on, x.started_on, x.due_on,
               x.statutory_due_on, x.draft_on, x.concluded_on, x.outcome, x.cease_reason,
               CASE WHEN x.state != 'concluded'
                    THEN CAST(julianday(x.due_on) - julianday(:as_of) AS INTEGER) END AS days_left,
               CASE WHEN x.state = 'concluded' THEN x.concluded_on > x.statutory_due_on
                    ELSE :as_of > x.statutory_due_on END AS past_statutory_deadline
        FROM ({inner}) x JOIN cases c ON c.case_ref = x.case_ref
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY x.state = 'concluded', x.due_on, x.case_ref
    """
    for r in conn.execute(sql, params):
        yield dict(r)


_BY = {"caseworker": "c.caseworker", "setting": "c.setting", "need": "c.primary_need"}


def transfer_status(conn: sqlite3.Connection, as_of: date, by: str | None = None) -> dict:
    """`transfers status`: counts as of `as_of`, progress vs the 31 March 2018 deadline, the
    rate achieved over the last 8 weeks, a forecast, optional per-group rows and the burn-down
    series. One grouped SQL query; Python only per group and per month."""
    if by is not None and by not in _BY:
        raise SendctlError(f"--by: expected one of {', '.join(_BY)} (got {by!r})")
    params: dict = {}
    inner = _transfer_rows_sql(as_of, params)
    params["recent_from"] = (as_of - timedelta(days=K.RATE_WINDOW_DAYS)).isoformat()
    group = _BY[by] if by else "NULL"
    sql = f"""
        SELECT {group} AS grp,
               coalesce(sum(x.state = 'not_started'), 0) AS not_started,
               coalesce(sum(x.state = 'in_progress'), 0) AS in_progress,
               coalesce(sum(x.outcome = 'ehcp_issued'), 0) AS ehcp_issued,
               coalesce(sum(x.outcome = 'no_plan'), 0) AS no_plan,
               coalesce(sum(x.outcome = 'ceased'), 0) AS ceased,
               coalesce(sum(x.concluded_on > :recent_from), 0) AS recent,
               coalesce(sum(x.state != 'concluded' AND x.due_on < :as_of), 0) AS overdue
        FROM ({inner}) x JOIN cases c ON c.case_ref = x.case_ref
        GROUP BY grp ORDER BY grp
    """
    groups = []
    totals = dict.fromkeys(("not_started", "in_progress", "ehcp_issued", "no_plan", "ceased", "recent", "overdue"), 0)
    for r in conn.execute(sql, params):
        r = dict(r)
        for k in totals:
            totals[k] += r[k]
        g = K.transfer_progress(as_of, r["not_started"], r["in_progress"], r["ehcp_issued"],
                                r["no_plan"], r["ceased"], r["recent"])
        g["overdue"] = r["overdue"]
        groups.append({by or "group": r["grp"] or "(none)", **{k: v for k, v in g.items() if k != "as_of"}})
    summary = K.transfer_progress(as_of, totals["not_started"], totals["in_progress"], totals["ehcp_issued"],
                                  totals["no_plan"], totals["ceased"], totals["recent"])
    summary["overdue"] = totals["overdue"]
    by_month = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT substr(concluded_on, 1, 7), count(*) FROM transfers WHERE concluded_on <= ?"
            " GROUP BY 1",
            (as_of.isoformat(),),
        )
    }
    summary["burndown"] = K.burndown(summary["total"], by_month, as_of)
    if by:
        summary["by"] = by
        summary["groups"] = groups
    return summary


# --- assessments ----------------------------------------------------------------------------------

_ASSESS_COLS = (
    "id, case_ref, received_on, decision_due_on, no_plan_due_on, final_due_on, decided_on, decision,"
    " draft_on, concluded_on, outcome, exception_reason"
)


def _open_assessment(conn, case_ref: str) -> dict | None:
    row = conn.execute(
        f"SELECT {_ASSESS_COLS} FROM assessments WHERE case_ref = ? AND concluded_on IS NULL", (case_ref,)
    ).fetchone()
    return dict(row) if row else None


def _check_exception(exception: str | None) -> None:
    if exception is not None and exception not in R.ASSESSMENT_EXCEPTIONS:
        raise SendctlError(
            f"--exception: expected one of {', '.join(R.ASSESSMENT_EXCEPTIONS)} (got {exception!r})"
        )


def request_assessment(
    conn: sqlite3.Connection, actor: Actor, case_ref: str, received_on: date, exception: str | None = None
) -> dict:
    """A request for an EHC needs assessment received: the 6/16/20-week clocks start (rules 8-12)."""
    _case(conn, case_ref)
    _check_exception(exception)
    current = _open_assessment(conn, case_ref)
    if current:
        raise SendctlError(
            f"{case_ref}: an assessment request received on {current['received_on']} is still open",
            hint="record its outcome first (refused, no-plan or final-issued)",
        )
    last = conn.execute(
        "SELECT max(concluded_on) FROM assessments WHERE case_ref = ?", (case_ref,)
    ).fetchone()[0]
    if last and received_on.isoformat() < last:
        raise SendctlError(
            f"--received {received_on.isoformat()}: before the previous assessment concluded ({last})"
        )
    due = K.assessment_due(received_on)
    now = utc_now()
    cur = conn.execute(
        "INSERT INTO assessments (case_ref, received_on, decision_due_on, no_plan_due_on, final_due_on,"
        " exception_reason, created_utc, updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (case_ref, received_on.isoformat(), due.decision_on.isoformat(), due.no_plan_on.isoformat(),
         due.final_on.isoformat(), exception, now, now),
    )
    row = dict(conn.execute(f"SELECT {_ASSESS_COLS} FROM assessments WHERE id = ?", (cur.lastrowid,)).fetchone())
    _log_event(conn, actor, case_ref, "assessment", "request", received_on,
               f"decision due {row['decision_due_on']}; final plan due {row['final_due_on']}")
    record(conn, actor, "assessment", row["id"], "request", None, row, case_ref=case_ref)
    return row


def record_assessment_event(
    conn: sqlite3.Connection, actor: Actor, case_ref: str, event: str, on: date, exception: str | None = None
) -> dict:
    """decision-to-assess / refused / draft-issued / final-issued / no-plan on the open request.

    exception (reg 10(4)(a)-(d)) marks the assessment as an exception case, reported apart."""
    case = _case(conn, case_ref)
    _check_exception(exception)
    before = _open_assessment(conn, case_ref)
    state = None
    if before:
        last = conn.execute(
            "SELECT max(event_on) FROM clock_events WHERE case_ref = ? AND clock = 'assessment'"
            " AND event_on >= ?", (case_ref, before["received_on"]),
        ).fetchone()[0]
        state = K.AssessmentState(
            _d(before["received_on"]), _d(before["decided_on"]), _d(before["draft_on"]),
            None, None, _d(last),
        )
    K.check_assessment_event(state, event, on, case_ref)
    after = dict(before)
    iso = on.isoformat()
    if event == "decision-to-assess":
        after.update(decided_on=iso, decision="assess")
    elif event == "refused":
        after.update(decided_on=iso, decision="refused", concluded_on=iso, outcome="refused")
    elif event == "draft-issued":
        after.update(draft_on=iso)
    elif event == "final-issued":
        after.update(concluded_on=iso, outcome="ehcp_issued")
    elif event == "no-plan":
        after.update(concluded_on=iso, outcome="no_plan")
    if exception:
        after["exception_reason"] = exception
    conn.execute(
        "UPDATE assessments SET decided_on = :decided_on, decision = :decision, draft_on = :draft_on,"
        " concluded_on = :concluded_on, outcome = :outcome, exception_reason = :exception_reason,"
        " updated_utc = :now WHERE id = :id",
        {**after, "now": utc_now()},
    )
    _log_event(conn, actor, case_ref, "assessment", event, on, f"exception: {exception}" if exception else None)
    record(conn, actor, "assessment", after["id"], event, before, after, case_ref=case_ref)
    if event == "final-issued":
        _set_ehcp(conn, actor, case, on)
    return after


def assessment_list(conn: sqlite3.Connection, as_of: date, year: int | None = None) -> Iterator[dict]:
    """Every assessment request (or those received in calendar `year`), with its clocks and
    whether the final plan came within 20 weeks; exception cases carry their reason."""
    params = {"as_of": as_of.isoformat()}
    where = "WHERE a.received_on <= :as_of"
    if year is not None:
        where += " AND a.received_on >= :y0 AND a.received_on < :y1"
        params.update(y0=f"{year:04d}-01-01", y1=f"{year + 1:04d}-01-01")
    sql = f"""
        SELECT a.id, a.case_ref, c.forename, c.caseworker, a.received_on, a.decision_due_on,
               a.decided_on, a.decision, a.no_plan_due_on, a.draft_on, a.final_due_on,
               a.concluded_on, a.outcome, a.exception_reason,
               a.exception_reason IS NOT NULL AS exception_applies,
               CASE WHEN a.outcome = 'ehcp_issued' THEN a.concluded_on <= a.final_due_on END AS within_20_weeks
        FROM assessments a JOIN cases c ON c.case_ref = a.case_ref
        {where}
        ORDER BY a.received_on, a.id
    """
    for r in conn.execute(sql, params):
        yield dict(r)


def assessment_timeliness(conn: sqlite3.Connection, year: int) -> dict:
    """SEN2-style 20-week timeliness of plans issued in calendar `year`, all cases and excluding
    the reg 10(4) exception cases (rule 13)."""
    row = conn.execute(
        """
        SELECT count(*) AS plans,
               coalesce(sum(concluded_on <= final_due_on), 0) AS within_20_weeks,
               coalesce(sum(exception_reason IS NULL), 0) AS plans_excluding_exceptions,
               coalesce(sum(exception_reason IS NULL AND concluded_on <= final_due_on), 0)
                   AS within_20_weeks_excluding_exceptions,
               coalesce(sum(exception_reason IS NOT NULL), 0) AS exception_cases
        FROM assessments
        WHERE outcome = 'ehcp_issued' AND concluded_on >= ? AND concluded_on < ?
        """,
        (f"{year:04d}-01-01", f"{year + 1:04d}-01-01"),
    ).fetchone()
    out = {"year": year, **dict(row)}
    out["pct_within_20_weeks"] = round(100.0 * out["within_20_weeks"] / out["plans"], 1) if out["plans"] else None
    n = out["plans_excluding_exceptions"]
    out["pct_within_20_weeks_excluding_exceptions"] = (
        round(100.0 * out["within_20_weeks_excluding_exceptions"] / n, 1) if n else None
    )
    return out


# --- reviews --------------------------------------------------------------------------------------


def record_review(
    conn: sqlite3.Connection,
    actor: Actor,
    case_ref: str,
    meeting_on: date,
    decision: str | None = None,
    decided_on: date | None = None,
) -> dict:
    """An annual review meeting (the 4-week decision clock starts, rule 17) and, with
    `decision`, the LA's decision. Recording a decision for a meeting already recorded
    completes it. The next review falls due 12 months (under-5s 6) from the meeting (rule 15)."""
    case = _case(conn, case_ref)
    if case["plan_type"] not in ("ehcp", "statement"):
        raise SendctlError(f"{case_ref}: annual reviews are for a plan or statement (plan type is {case['plan_type']})")
    if decision is not None and decision not in K.REVIEW_DECISIONS:
        raise SendctlError(f"--decision: expected one of {', '.join(K.REVIEW_DECISIONS)} (got {decision!r})")
    if decision is None and decided_on is not None:
        raise SendctlError("--decision-date: give --decision too")
    if decision is not None and decided_on is None:
        decided_on = meeting_on
    if decided_on is not None and decided_on < meeting_on:
        raise SendctlError(
            f"--decision-date {decided_on.isoformat()}: before the meeting ({meeting_on.isoformat()})"
        )
    if case["plan_issued_on"] and meeting_on.isoformat() < case["plan_issued_on"]:
        raise SendctlError(
            f"--meeting {meeting_on.isoformat()}: before the plan was issued ({case['plan_issued_on']})"
        )
    existing = conn.execute(
        "SELECT id, case_ref, meeting_on, decision_due_on, decision, decided_on FROM reviews"
        " WHERE case_ref = ? AND meeting_on = ?",
        (case_ref, meeting_on.isoformat()),
    ).fetchone()
    now = utc_now()
    if existing:
        before = dict(existing)
        if before["decision"] is not None:
            raise SendctlError(
                f"{case_ref}: the review of {meeting_on.isoformat()} already has a decision ({before['decision']})"
            )
        if decision is None:
            raise SendctlError(f"{case_ref}: the review of {meeting_on.isoformat()} is already recorded",
                               hint="add --decision keep|amend|cease to record the LA's decision")
        after = {**before, "decision": decision, "decided_on": decided_on.isoformat()}
        conn.execute(
            "UPDATE reviews SET decision = ?, decided_on = ?, updated_utc = ? WHERE id = ?",
            (decision, after["decided_on"], now, before["id"]),
        )
        _log_event(conn, actor, case_ref, "review", f"decision-{decision}", decided_on)
        record(conn, actor, "review", before["id"], "decision", before, after, case_ref=case_ref)
        return after
    latest = conn.execute("SELECT max(meeting_on) FROM reviews WHERE case_ref = ?", (case_ref,)).fetchone()[0]
    if latest and meeting_on.isoformat() < latest:
        raise SendctlError(
            f"--meeting {meeting_on.isoformat()}: reviews are recorded in date order; the last was on {latest}"
        )
    after = {
        "case_ref": case_ref,
        "meeting_on": meeting_on.isoformat(),
        "decision_due_on": K.review_decision_due(meeting_on).isoformat(),
        "decision": decision,
        "decided_on": _iso(decided_on),
    }
    cur = conn.execute(
        "INSERT INTO reviews (case_ref, meeting_on, decision_due_on, decision, decided_on, created_utc,"
        " updated_utc) VALUES (:case_ref, :meeting_on, :decision_due_on, :decision, :decided_on, :now, :now)",
        {**after, "now": now},
    )
    after = {"id": cur.lastrowid, **after}
    _log_event(conn, actor, case_ref, "review", "meeting", meeting_on, f"decision due {after['decision_due_on']}")
    if decision:
        _log_event(conn, actor, case_ref, "review", f"decision-{decision}", decided_on)
    record(conn, actor, "review", after["id"], "meeting", None, after, case_ref=case_ref)
    dob = _d(case["date_of_birth"])
    after["next_review_due_on"] = _iso(K.next_review_due(_d(case["plan_issued_on"]), meeting_on, dob))
    return after


def review_clock_sql(ref_expr: str) -> tuple[str, str]:
    """(DELETE, INSERT) statements that recompute one case's next annual review (rule 15) into
    review_clocks; ref_expr is the case reference (NEW.case_ref in a trigger). The figures come
    from rules.py and are written into the statements (triggers cannot take parameters)."""
    under5 = sql_add_months("r.date_of_birth", str(12 * R.REVIEW_UNDER5_AGE))
    months = f"(CASE WHEN {under5} > r.anchor_on THEN {int(R.REVIEW_UNDER5_MONTHS)} ELSE {int(R.REVIEW_MONTHS)} END)"
    delete = f"DELETE FROM review_clocks WHERE case_ref = {ref_expr}"
    insert = f"""INSERT INTO review_clocks (case_ref, anchor, anchor_on, due_on)
        SELECT r.case_ref, r.anchor, r.anchor_on, {sql_add_months("r.anchor_on", months)}
        FROM (SELECT x.case_ref, x.date_of_birth,
                     CASE WHEN x.last_review > coalesce(x.plan_issued_on, '') THEN 'last review'
                          ELSE 'plan issued' END AS anchor,
                     max(coalesce(x.plan_issued_on, ''), coalesce(x.last_review, '')) AS anchor_on
              FROM (SELECT c.case_ref, c.date_of_birth, c.plan_issued_on,
                           (SELECT max(v.meeting_on) FROM reviews v WHERE v.case_ref = c.case_ref) AS last_review
                    FROM cases c
                    WHERE c.case_ref = {ref_expr} AND c.plan_type IN ('ehcp', 'statement')
                    LIMIT -1 OFFSET 0) x
              LIMIT -1 OFFSET 0) r
        WHERE r.anchor_on != ''"""
    return delete, insert


# --- the deadline report --------------------------------------------------------------------------

FAR_FUTURE = "9999-12-31"


def _phase_due_sql(as_of: date, params: dict) -> tuple[str, str]:
    """(CASE expression giving the phase-transfer date, WHERE condition on year group)."""
    whens, groups = [], []
    for i, p in enumerate(R.PHASE_TRANSFERS):
        due = K.phase_transfer_due(p.year_group, as_of, p.setting_contains or "")
        params[f"p{i}_yg"] = p.year_group
        params[f"p{i}_due"] = due.isoformat()
        groups.append(f":p{i}_yg")
        if p.setting_contains:
            params[f"p{i}_like"] = f"%{p.setting_contains}%"
            whens.append(f"WHEN c.year_group = :p{i}_yg AND lower(coalesce(c.setting, '') || ' ' ||"
                         f" coalesce(c.setting_type, '')) LIKE :p{i}_like THEN :p{i}_due")
        else:
            whens.append(f"WHEN c.year_group = :p{i}_yg THEN :p{i}_due")
    return "CASE " + " ".join(whens) + " END", f"c.year_group IN ({', '.join(groups)})"


def _clock_branches(as_of: date, params: dict) -> dict[str, list[str]]:
    """SQL per clock kind, each selecting (case_ref, clock, due_on, detail) of running clocks."""
    params["as_of"] = as_of.isoformat()
    not_started_due = _not_started_due_sql(as_of, params)
    phase_due, phase_where = _phase_due_sql(as_of, params)
    params["ay_start"] = K.academic_year_start(as_of).isoformat()
    return {
        "transfer": [
            """SELECT t.case_ref, 'transfer' AS clock, t.due_on,
                      CASE WHEN t.draft_on <= :as_of THEN 'draft issued ' || t.draft_on
                           ELSE 'started ' || t.started_on END AS detail
               FROM transfers t
               WHERE t.due_on <= :horizon AND t.started_on <= :as_of
                 AND (t.concluded_on IS NULL OR t.concluded_on > :as_of)""",
            f"""SELECT c.case_ref, 'transfer' AS clock, {not_started_due} AS due_on, 'not started' AS detail
               FROM cases c
               WHERE c.plan_type = 'statement'
                 AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.case_ref = c.case_ref)""",
            f"""SELECT c.case_ref, 'transfer' AS clock, {not_started_due} AS due_on, 'not started' AS detail
               FROM transfers t JOIN cases c ON c.case_ref = t.case_ref
               WHERE t.started_on > :as_of""",
        ],
        "assessment_decision": [
            """SELECT a.case_ref, 'assessment_decision' AS clock, a.decision_due_on AS due_on,
                      'received ' || a.received_on || coalesce('; exception: ' || a.exception_reason, '') AS detail
               FROM assessments a
               WHERE a.decision_due_on <= :horizon AND a.received_on <= :as_of
                 AND (a.decided_on IS NULL OR a.decided_on > :as_of)""",
        ],
        "assessment_no_plan": [
            """SELECT a.case_ref, 'assessment_no_plan' AS clock, a.no_plan_due_on AS due_on,
                      'received ' || a.received_on || coalesce('; exception: ' || a.exception_reason, '') AS detail
               FROM assessments a
               WHERE a.no_plan_due_on <= :horizon AND a.received_on <= :as_of
                 AND (a.draft_on IS NULL OR a.draft_on > :as_of)
                 AND (a.concluded_on IS NULL OR a.concluded_on > :as_of)""",
        ],
        "assessment_final": [
            """SELECT a.case_ref, 'assessment_final' AS clock, a.final_due_on AS due_on,
                      CASE WHEN a.draft_on <= :as_of THEN 'draft issued ' || a.draft_on
                           ELSE 'received ' || a.received_on END
                      || coalesce('; exception: ' || a.exception_reason, '') AS detail
               FROM assessments a
               WHERE a.final_due_on <= :horizon AND a.received_on <= :as_of
                 AND (a.concluded_on IS NULL OR a.concluded_on > :as_of)""",
        ],
        "review_decision": [
            """SELECT r.case_ref, 'review_decision' AS clock, r.decision_due_on AS due_on, 'meeting ' || r.meeting_on AS detail
               FROM reviews r
               WHERE r.decision_due_on <= :horizon AND r.meeting_on <= :as_of
                 AND (r.decided_on IS NULL OR r.decided_on > :as_of)""",
        ],
        "annual_review": [
            # stored by triggers (review_clock_sql); a statement under transfer review, or one
            # whose transfer ended without a plan, has no annual review clock of its own.
            """SELECT rc.case_ref, 'annual_review' AS clock, rc.due_on,
                      rc.anchor || ' ' || rc.anchor_on AS detail
               FROM review_clocks rc
               WHERE rc.due_on <= :horizon AND rc.anchor_on <= :as_of
                 AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.case_ref = rc.case_ref
                                 AND t.started_on <= :as_of
                                 AND (t.outcome IS NULL OR t.outcome != 'ehcp_issued'
                                      OR t.concluded_on > :as_of))""",
        ],
        "phase_transfer": [
            f"""SELECT c.case_ref, 'phase_transfer' AS clock, {phase_due} AS due_on, 'year ' || c.year_group AS detail
               FROM cases c
               WHERE c.plan_type IN ('ehcp', 'statement') AND {phase_where}
                 AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.case_ref = c.case_ref
                                 AND v.decision = 'amend' AND v.decided_on >= :ay_start
                                 AND v.decided_on <= :as_of)
                 AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.case_ref = c.case_ref
                                 AND t.outcome = 'ehcp_issued' AND t.concluded_on >= :ay_start
                                 AND t.concluded_on <= :as_of)""",
        ],
    }


def deadline_rows(
    conn: sqlite3.Connection,
    as_of: date,
    within: int = 14,
    clock: str | None = None,
    caseworker: str | None = None,
    include_upcoming: bool = False,
) -> Iterator[dict]:
    """Every running statutory clock that is overdue or due within `within` days of as_of
    (with include_upcoming, every running clock), soonest first.

    Yields dicts: case_ref, forename, clock, due_on (ISO), status (overdue|due|upcoming),
    days_left (negative when overdue), caseworker, caseworker_email, detail.
    """
    if within < 0:
        raise SendctlError(f"--within: must be 0 or more days (got {within})")
    if clock is not None and clock not in K.CLOCKS:
        raise SendctlError(f"--clock: expected one of {', '.join(K.CLOCKS)} (got {clock!r})")
    params: dict = {}
    branches = _clock_branches(as_of, params)
    selected = branches[clock] if clock else [sql for kind in K.CLOCKS for sql in branches[kind]]
    cutoff = (as_of + timedelta(days=within)).isoformat()
    params["cutoff"] = cutoff
    params["horizon"] = FAR_FUTURE if include_upcoming else cutoff
    where = ["k.due_on <= :horizon"]
    if caseworker:
        where.append("c.caseworker = :caseworker COLLATE NOCASE")
        params["caseworker"] = caseworker
        # Filter inside every branch too, so each reads only this caseworker's children by
        # case_ref (a caseworker's list at national scale in ms, not a scan of every clock).
        mine = "SELECT case_ref FROM cases WHERE caseworker = :caseworker COLLATE NOCASE"
        selected = [f"SELECT * FROM ({sql}) WHERE case_ref IN ({mine})" for sql in selected]
    sql = f"""
        SELECT k.case_ref, c.forename, k.clock, k.due_on,
               CASE WHEN k.due_on < :as_of THEN 'overdue'
                    WHEN k.due_on <= :cutoff THEN 'due' ELSE 'upcoming' END AS status,
               CAST(julianday(k.due_on) - julianday(:as_of) AS INTEGER) AS days_left,
               c.caseworker, c.caseworker_email, k.detail
        FROM ({" UNION ALL ".join(selected)}) k
        JOIN cases c ON c.case_ref = k.case_ref
        WHERE {" AND ".join(where)}
        ORDER BY k.due_on, k.case_ref, k.clock
    """
    for r in conn.execute(sql, params):
        yield dict(r)


# --- one case: clocks and history (for `cases show`) ----------------------------------------------


def _clock(clock: str, due: date, as_of: date, within: int, done: date | None, detail: str | None) -> dict:
    status = K.clock_status(due, as_of, within, done)
    return {
        "clock": clock,
        "due_on": due.isoformat(),
        "status": status,
        "days_left": K.days_left(due, as_of) if status in ("overdue", "due", "upcoming") else None,
        "done_on": _iso(done) if done and done <= as_of else None,
        "detail": detail,
    }


def case_clocks(conn: sqlite3.Connection, case_ref: str, as_of: date, within: int = 14) -> list[dict]:
    """Every clock of one child, running or finished (met/missed), soonest first."""
    case = _case(conn, case_ref)
    out = []
    t = _transfer(conn, case_ref)
    if t and t["started_on"] <= as_of.isoformat():
        out.append(_clock("transfer", _d(t["due_on"]), as_of, within, _d(t["concluded_on"]),
                          t["outcome"] or ("draft issued" if t["draft_on"] else "in progress")))
    elif case["plan_type"] == "statement" or t:
        due = K.statutory_transfer_deadline(case["year_group"], as_of, _setting_text(case))
        out.append(_clock("transfer", due, as_of, within, None, "not started"))
    for a in conn.execute(
        f"SELECT {_ASSESS_COLS} FROM assessments WHERE case_ref = ? AND received_on <= ? ORDER BY received_on",
        (case_ref, as_of.isoformat()),
    ):
        exc = f"exception: {a['exception_reason']}" if a["exception_reason"] else None
        out.append(_clock("assessment_decision", _d(a["decision_due_on"]), as_of, within,
                          _d(a["decided_on"]), a["decision"] or exc))
        if a["decision"] != "refused":
            no_plan_done = _d(a["draft_on"]) or (_d(a["concluded_on"]) if a["outcome"] == "no_plan" else None)
            out.append(_clock("assessment_no_plan", _d(a["no_plan_due_on"]), as_of, within, no_plan_done, exc))
            out.append(_clock("assessment_final", _d(a["final_due_on"]), as_of, within,
                              _d(a["concluded_on"]), a["outcome"] or exc))
    last_meeting = None
    for r in conn.execute(
        "SELECT meeting_on, decision_due_on, decision, decided_on FROM reviews WHERE case_ref = ?"
        " AND meeting_on <= ? ORDER BY meeting_on",
        (case_ref, as_of.isoformat()),
    ):
        last_meeting = _d(r["meeting_on"])
        out.append(_clock("review_decision", _d(r["decision_due_on"]), as_of, within, _d(r["decided_on"]),
                          r["decision"]))
    plan_on = _d(case["plan_issued_on"])
    if plan_on and plan_on > as_of:
        plan_on = None
    iso = as_of.isoformat()
    # as the deadline report: no annual review clock while a transfer review runs, or after
    # one ended without a plan
    in_transfer = bool(t and t["started_on"] <= iso and not (
        t["outcome"] == "ehcp_issued" and t["concluded_on"] <= iso))
    if case["plan_type"] in ("ehcp", "statement") and not in_transfer:
        nxt = K.next_review_due(plan_on, last_meeting, _d(case["date_of_birth"]))
        if nxt:
            out.append(_clock("annual_review", nxt, as_of, within, None, None))
    if case["plan_type"] in ("ehcp", "statement"):
        phase = K.phase_transfer_due(case["year_group"], as_of, _setting_text(case))
        if phase:
            ay = K.academic_year_start(as_of).isoformat()
            done = conn.execute(
                "SELECT min(decided_on) FROM reviews WHERE case_ref = ? AND decision = 'amend'"
                " AND decided_on >= ? AND decided_on <= ?",
                (case_ref, ay, as_of.isoformat()),
            ).fetchone()[0]
            if not done and t and t["outcome"] == "ehcp_issued" and ay <= t["concluded_on"] <= as_of.isoformat():
                done = t["concluded_on"]
            out.append(_clock("phase_transfer", phase, as_of, within, _d(done), f"year {case['year_group']}"))
    out.sort(key=lambda c: (c["status"] in ("met", "missed"), c["due_on"], c["clock"]))
    return out


def case_events(conn: sqlite3.Connection, case_ref: str) -> list[dict]:
    """The child's clock history (append-only), oldest first."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT event_on, clock, event, detail, officer, recorded_utc FROM clock_events"
            " WHERE case_ref = ? ORDER BY event_on, id",
            (case_ref,),
        )
    ]
