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
from dataclasses import replace
from datetime import date, timedelta

from sendctl.domain import clocks as K
from sendctl.domain import rules as R
from sendctl.domain.errors import SendctlError
from sendctl.domain.problems import invalid
from sendctl.storage.audit import Actor, record, utc_now
from sendctl.storage.histories import as_date as _d
from sendctl.storage.histories import as_iso as _iso
from sendctl.storage.histories import histories
from sendctl.storage.holidays import ENGLAND

# --- helpers --------------------------------------------------------------------------------------


def _case(conn: sqlite3.Connection, case_ref: str) -> dict:
    row = conn.execute(
        "SELECT case_ref, forename, date_of_birth, year_group, setting, setting_type, plan_type,"
        " plan_issued_on, caseworker FROM cases WHERE case_ref = ?",
        (case_ref,),
    ).fetchone()
    if row is None:
        from sendctl.storage.cases import ref_hint

        raise SendctlError(
            f"{case_ref}: no such case",
            hint=ref_hint(conn, case_ref, "check the reference with 'sendctl cases list --search'"),
        )
    return dict(row)


def _setting_text(case: dict) -> str:
    return f"{case.get('setting') or ''} {case.get('setting_type') or ''}".lower()


def _log_event(
    conn, actor: Actor, case_ref: str, clock: str, event: str, on: date, detail=None
) -> None:
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
    row = conn.execute(
        f"SELECT {_TRANSFER_COLS} FROM transfers WHERE case_ref = ?", (case_ref,)
    ).fetchone()
    return dict(row) if row else None


def _engine_transfer_due(conn, case_ref: str, started_on: date, notice_on: date) -> K.TransferDue:
    """The transfer's due date as the clock engine computes it once the review has started."""

    from sendctl.domain import engine as E

    h = replace(case_history(conn, case_ref), transfer=E.Transfer(started_on, notice_on))
    k = next((k for k in E.case_clocks(h, started_on) if k.clock == "transfer"), None)
    if k is None:
        raise SendctlError(
            f"{case_ref}: no statement in force on {started_on.isoformat()}"
            + (f" (it was made on {h.plan_made_on})" if h.plan_made_on else "")
        )
    per_child = E.per_child_limit(started_on, notice_on)[0]
    statutory = min(
        E.transfer_groups(h.date_of_birth, h.year_offset, h.setting, h.stays_sixth_form)
    )
    basis = f"{R.CLOCK_RULE_BY_ID[k.rule_id].legal_ref}"
    anchor_on = k.anchor_on or started_on
    return K.TransferDue(k.due_on, anchor_on, per_child, statutory[0], basis)


def start_transfer(
    conn: sqlite3.Connection,
    actor: Actor,
    case_ref: str,
    started_on: date,
    notice_on: date | None = None,
) -> dict:
    """Start a statement's transfer review; returns the stored transfer."""
    case = _case(conn, case_ref)
    existing = _transfer(conn, case_ref)
    if existing:
        raise SendctlError(
            f"{case_ref}: a transfer review already started on {existing['started_on']}"
        )
    if case["plan_type"] != "statement":
        raise SendctlError(
            f"{case_ref}: only a child with a statement has a transfer review (plan type is {case['plan_type']})"
        )
    K.transfer_regime(started_on)  # refuses a start before transfer reviews began
    refuse_after_end(conn, case_ref, "a transfer review start", started_on)
    if notice_on is None:
        notice_on = K.default_notice(started_on)
    K.check_notice(notice_on, started_on)
    due = _engine_transfer_due(conn, case_ref, started_on, notice_on)
    now = utc_now()
    row = {
        "case_ref": case_ref,
        "statement_made_on": case["plan_issued_on"],
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
        f"INSERT INTO transfers ({_TRANSFER_COLS}, statement_made_on, created_utc, updated_utc) VALUES "
        "(:case_ref, :notice_on, :started_on, :due_on, :per_child_due_on, :statutory_due_on, :anchor,"
        " :draft_on, :concluded_on, :outcome, :cease_reason, :statement_made_on, :now, :now)",
        {**row, "now": now},
    )
    _log_event(
        conn,
        actor,
        case_ref,
        "transfer",
        "start",
        started_on,
        f"notice {notice_on.isoformat()}; due {due.due_on.isoformat()} ({due.basis})",
    )
    record(conn, actor, "transfer", case_ref, "start", None, row, case_ref=case_ref)
    return row


def record_transfer_event(
    conn: sqlite3.Connection,
    actor: Actor,
    case_ref: str,
    event: str,
    on: date,
    reason: str | None = None,
) -> dict:
    """Record draft-issued / final-issued / no-plan / ceased; returns the updated transfer.

    final-issued makes the case an EHCP with plan_issued_on = the date (audited)."""
    case = _case(conn, case_ref)
    before = _transfer(conn, case_ref)
    state = None
    if before:
        last = conn.execute(
            "SELECT max(event_on) FROM clock_events WHERE case_ref = ? AND clock = 'transfer'",
            (case_ref,),
        ).fetchone()[0]
        state = K.TransferState(
            _d(before["started_on"]),
            _d(before["draft_on"]),
            _d(before["concluded_on"]),
            before["outcome"],
            _d(last),
        )
    K.check_transfer_event(state, event, on, case_ref, reason)
    refuse_after_end(conn, case_ref, f"transfer event {event}", on)
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
        (
            after["draft_on"],
            after["concluded_on"],
            after["outcome"],
            after["cease_reason"],
            utc_now(),
            case_ref,
        ),
    )
    _log_event(conn, actor, case_ref, "transfer", event, on, reason)
    record(conn, actor, "transfer", case_ref, event, before, after, case_ref=case_ref)
    if event == "final-issued":
        _set_ehcp(conn, actor, case, on)
    return after


TRANSFER_STATES = ("not_started", "in_progress", "concluded")
_STATEMENTS = (
    "(c.plan_type = 'statement' OR EXISTS (SELECT 1 FROM transfers t"
    " WHERE t.case_ref = c.case_ref))"
)


def _transfer_row(c, h, as_of: date) -> dict | None:
    """One statement's transfer as of `as_of`, its due date from the clock engine."""
    from sendctl.domain import engine as E

    k = next((k for k in E.case_clocks(h, as_of) if k.clock == "transfer"), None)
    if k is None:
        return None
    t = h.as_of(as_of).transfer
    state, concluded_on, outcome = E.transfer_facts(h, k, as_of)
    statutory = min(
        E.transfer_groups(h.date_of_birth, h.year_offset, h.setting, h.stays_sixth_form)
    )[0]
    return {
        "case_ref": c["case_ref"],
        "forename": c["forename"],
        "caseworker": c["caseworker"],
        "state": state,
        "notice_on": _iso(t.notice_on) if t else None,
        "started_on": _iso(t.started_on) if t else None,
        "due_on": k.due_on.isoformat(),
        "statutory_due_on": statutory.isoformat(),
        "draft_on": _iso(t.draft_on) if t else None,
        "concluded_on": _iso(concluded_on),
        "outcome": outcome,
        "cease_reason": None,
        "days_left": k.days_left if state != "concluded" else None,
        "past_statutory_deadline": (concluded_on > statutory)
        if concluded_on
        else (as_of > statutory),
        "rule_id": k.rule_id,
        "legal_ref": k.legal_ref,
    }


def _transfer_rows(
    conn: sqlite3.Connection,
    as_of: date,
    caseworker: str | None = None,
    where: str = _STATEMENTS,
    params: dict | None = None,
):
    params = dict(params or {})
    if caseworker:
        where += " AND c.caseworker = :caseworker COLLATE NOCASE"
        params["caseworker"] = caseworker
    reasons = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT case_ref, cease_reason FROM transfers WHERE cease_reason IS NOT NULL"
        )
    }
    for c, h in histories(conn, where, params):
        row = _transfer_row(c, h, as_of)
        if row is not None:
            if row["outcome"] == "ceased":
                row["cease_reason"] = reasons.get(c["case_ref"])
            yield c, row


def transfer_list(
    conn: sqlite3.Connection,
    as_of: date,
    state: str | None = None,
    overdue: bool = False,
    caseworker: str | None = None,
) -> Iterator[dict]:
    """`transfers list`: one row per statement in the programme, soonest due first ()."""
    if state and state not in TRANSFER_STATES:
        raise invalid(
            "state", "invalid", f"expected one of {', '.join(TRANSFER_STATES)} (got {state!r})"
        )
    out = []
    for _, r in _transfer_rows(conn, as_of, caseworker):
        if state and r["state"] != state:
            continue
        if overdue and not (r["state"] != "concluded" and r["due_on"] < as_of.isoformat()):
            continue
        out.append(r)
    out.sort(key=lambda r: (r["state"] == "concluded", r["due_on"], r["case_ref"]))
    yield from out


_BY = {"caseworker": "caseworker", "setting": "setting", "need": "primary_need"}


def transfer_status(conn: sqlite3.Connection, as_of: date, by: str | None = None) -> dict:
    """`transfers status`: counts as of `as_of`, progress vs the 31 March 2018 deadline, the
    rate achieved over the last 8 weeks, a forecast, optional per-group rows and the burn-down
    series. Due dates and overdue counts come from the clock engine."""
    if by is not None and by not in _BY:
        raise invalid("by", "invalid", f"expected one of {', '.join(_BY)} (got {by!r})")
    recent_from = (as_of - timedelta(days=K.RATE_WINDOW_DAYS)).isoformat()
    keys = ("not_started", "in_progress", "ehcp_issued", "no_plan", "ceased", "recent", "overdue")
    from sendctl.storage import clock_store as S

    per: dict = {}
    stored = S.prepare(conn)
    if stored:  # the clock store's transfer states, counted in SQL
        for r in S.stored_transfers(conn, as_of, _BY[by] if by else None):
            g = per.setdefault(r["grp"] if by else None, dict.fromkeys(keys, 0))
            if r["state"] in ("not_started", "in_progress"):
                g[r["state"]] += r["n"]
                g["overdue"] += r["overdue"] or 0
            else:
                g[r["outcome"] or "ceased"] += r["n"]
                g["recent"] += r["recent"] or 0
    # the cases the store does not answer for on as_of: from the engine
    where = f"{_STATEMENTS} AND {S.ENGINE_CASES}" if stored else _STATEMENTS
    params = {"as_of": as_of.isoformat()}
    engine = _transfer_rows(conn, as_of, where=where, params=params)
    for c, r in engine:  # c: the case row the history was read with (it has the group columns)
        g = per.setdefault(c[_BY[by]] if by else None, dict.fromkeys(keys, 0))
        if r["state"] in ("not_started", "in_progress"):
            g[r["state"]] += 1
            if r["due_on"] < as_of.isoformat():
                g["overdue"] += 1
        else:
            g[r["outcome"] or "ceased"] += 1
            if r["concluded_on"] and r["concluded_on"] > recent_from:
                g["recent"] += 1
    groups = []
    totals = dict.fromkeys(keys, 0)
    for grp in sorted(per, key=lambda x: (x is not None, x or "")):
        r = per[grp]
        for k in totals:
            totals[k] += r[k]
        g = K.transfer_progress(
            as_of,
            r["not_started"],
            r["in_progress"],
            r["ehcp_issued"],
            r["no_plan"],
            r["ceased"],
            r["recent"],
        )
        g["overdue"] = r["overdue"]
        groups.append(
            {by or "group": grp or "(none)", **{k: v for k, v in g.items() if k != "as_of"}}
        )
    summary = K.transfer_progress(
        as_of,
        totals["not_started"],
        totals["in_progress"],
        totals["ehcp_issued"],
        totals["no_plan"],
        totals["ceased"],
        totals["recent"],
    )
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
        f"SELECT {_ASSESS_COLS} FROM assessments WHERE case_ref = ? AND concluded_on IS NULL",
        (case_ref,),
    ).fetchone()
    return dict(row) if row else None


def _check_exception(exception: str | None) -> None:
    if exception is not None and exception not in R.ASSESSMENT_EXCEPTIONS:
        raise invalid(
            "exception",
            "invalid",
            f"expected one of {', '.join(R.ASSESSMENT_EXCEPTIONS)} (got {exception!r})",
        )


def request_assessment(
    conn: sqlite3.Connection,
    actor: Actor,
    case_ref: str,
    received_on: date,
    exception: str | None = None,
) -> dict:
    """A request for an EHC needs assessment received: the 6/16/20-week clocks start."""
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
        raise invalid(
            "received",
            "invalid",
            f"{received_on.isoformat()}: before the previous assessment concluded ({last})",
        )
    due = K.assessment_due(received_on)
    now = utc_now()
    cur = conn.execute(
        "INSERT INTO assessments (case_ref, received_on, decision_due_on, no_plan_due_on, final_due_on,"
        " exception_reason, created_utc, updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case_ref,
            received_on.isoformat(),
            due.decision_on.isoformat(),
            due.no_plan_on.isoformat(),
            due.final_on.isoformat(),
            exception,
            now,
            now,
        ),
    )
    row = dict(
        conn.execute(
            f"SELECT {_ASSESS_COLS} FROM assessments WHERE id = ?", (cur.lastrowid,)
        ).fetchone()
    )
    _log_event(
        conn,
        actor,
        case_ref,
        "assessment",
        "request",
        received_on,
        f"decision due {row['decision_due_on']}; final plan due {row['final_due_on']}",
    )
    record(conn, actor, "assessment", row["id"], "request", None, row, case_ref=case_ref)
    return row


def record_assessment_event(
    conn: sqlite3.Connection,
    actor: Actor,
    case_ref: str,
    event: str,
    on: date,
    exception: str | None = None,
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
            " AND event_on >= ?",
            (case_ref, before["received_on"]),
        ).fetchone()[0]
        state = K.AssessmentState(
            _d(before["received_on"]),
            _d(before["decided_on"]),
            _d(before["draft_on"]),
            None,
            None,
            _d(last),
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
    elif event == "withdrawn":
        after.update(concluded_on=iso, outcome="withdrawn")
    if exception:
        after["exception_reason"] = exception
    conn.execute(
        "UPDATE assessments SET decided_on = :decided_on, decision = :decision, draft_on = :draft_on,"
        " concluded_on = :concluded_on, outcome = :outcome, exception_reason = :exception_reason,"
        " updated_utc = :now WHERE id = :id",
        {**after, "now": utc_now()},
    )
    _log_event(
        conn,
        actor,
        case_ref,
        "assessment",
        event,
        on,
        f"exception: {exception}" if exception else None,
    )
    record(conn, actor, "assessment", after["id"], event, before, after, case_ref=case_ref)
    if event == "final-issued":
        _set_ehcp(conn, actor, case, on)
    return after


def assessment_list(
    conn: sqlite3.Connection, as_of: date, year: int | None = None
) -> Iterator[dict]:
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
    the reg 10(4) exception cases."""
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
    out["pct_within_20_weeks"] = (
        round(100.0 * out["within_20_weeks"] / out["plans"], 1) if out["plans"] else None
    )
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
    """An annual review meeting (the 4-week decision clock starts, reg 20(10)) and, with
    `decision`, the LA's decision. Recording a decision for a meeting already recorded
    completes it. The next review falls due 12 months (under-5s 6) from the meeting."""
    case = _case(conn, case_ref)
    if case["plan_type"] not in ("ehcp", "statement"):
        raise SendctlError(
            f"{case_ref}: annual reviews are for a plan or statement (plan type is {case['plan_type']})"
        )
    if decision is not None and decision not in K.REVIEW_DECISIONS:
        raise invalid(
            "decision",
            "invalid",
            f"expected one of {', '.join(K.REVIEW_DECISIONS)} (got {decision!r})",
        )
    if decision is None and decided_on is not None:
        raise invalid("decision_date", "invalid", "give --decision too")
    if decision is not None and decided_on is None:
        decided_on = meeting_on
    refuse_after_end(conn, case_ref, "a review meeting", meeting_on)
    if decided_on is not None:
        refuse_after_end(conn, case_ref, "a review decision", decided_on)
    if decided_on is not None and decided_on < meeting_on:
        raise invalid(
            "decision_date",
            "invalid",
            f"{decided_on.isoformat()}: before the meeting ({meeting_on.isoformat()})",
        )
    if case["plan_issued_on"] and meeting_on.isoformat() < case["plan_issued_on"]:
        raise invalid(
            "meeting",
            "invalid",
            f"{meeting_on.isoformat()}: before the plan was issued ({case['plan_issued_on']})",
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
            raise SendctlError(
                f"{case_ref}: the review of {meeting_on.isoformat()} is already recorded",
                hint="add --decision keep|amend|cease to record the LA's decision",
            )
        after = {**before, "decision": decision, "decided_on": decided_on.isoformat()}
        conn.execute(
            "UPDATE reviews SET decision = ?, decided_on = ?, updated_utc = ? WHERE id = ?",
            (decision, after["decided_on"], now, before["id"]),
        )
        _log_event(conn, actor, case_ref, "review", f"decision-{decision}", decided_on)
        record(conn, actor, "review", before["id"], "decision", before, after, case_ref=case_ref)
        return after
    latest = conn.execute(
        "SELECT max(meeting_on) FROM reviews WHERE case_ref = ?", (case_ref,)
    ).fetchone()[0]
    if latest and meeting_on.isoformat() < latest:
        raise invalid(
            "meeting",
            "invalid",
            f"{meeting_on.isoformat()}: reviews are recorded in date order; the last was on {latest}",
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
    _log_event(
        conn,
        actor,
        case_ref,
        "review",
        "meeting",
        meeting_on,
        f"decision due {after['decision_due_on']}",
    )
    if decision:
        _log_event(conn, actor, case_ref, "review", f"decision-{decision}", decided_on)
    record(conn, actor, "review", after["id"], "meeting", None, after, case_ref=case_ref)
    from sendctl.domain import engine as E

    nxt = [
        k
        # as at the decision when there is one: it, not the meeting, starts the next 12 months
        for k in E.case_clocks(
            case_history(conn, case_ref), max(meeting_on, decided_on or meeting_on)
        )
        if k.clock == "annual_review" and k.status != "guidance"
    ]
    after["next_review_due_on"] = _iso(nxt[0].due_on) if nxt else None
    return after


# --- the clock engine over the database: histories from storage.histories -------------------


def case_history(conn: sqlite3.Connection, case_ref: str):
    """The engine History of one case (SendctlError if there is no such case)."""
    _case(conn, case_ref)
    for _, h in histories(conn, "c.case_ref = :ref", {"ref": case_ref}):
        return h
    raise SendctlError(f"{case_ref}: no such case")


def deadline_rows(
    conn: sqlite3.Connection,
    as_of: date,
    within: int = 14,
    clock: str | None = None,
    caseworker: str | None = None,
    include_upcoming: bool = False,
    explain: bool = False,
    email_order: dict[str | None, int] | None = None,
) -> Iterator[dict]:
    """Every running statutory clock that is overdue or due within `within` days of as_of
    (with include_upcoming, every running clock; guidance reminders that have come due),
    soonest first, as the clock engine computes them.

    Yields dicts: case_ref, forename, clock, due_on (ISO), status (overdue|due|upcoming|
    guidance), days_left (negative when overdue), caseworker, caseworker_email, detail,
    rule_id, legal_ref (and explain with explain=True).

    Streams: the clock store's rows come from an indexed cursor in due date order; the few
    cases the store does not answer for on as_of (a replay before their latest event, a case
    not yet recomputed on a read-only database) go through the engine and are merged in.

    email_order ({caseworker_email: position}, `deadlines notify`): rows come grouped by
    that position first (key `email_pos`; -1 for an email not in it), then soonest first, so
    that one recipient's rows can be handled at a time.
    """
    import heapq

    from sendctl.storage import clock_store as S

    if within < 0:
        raise invalid("within", "invalid", f"must be 0 or more days (got {within})")
    if clock is not None and clock not in K.CLOCKS:
        raise invalid("clock", "invalid", f"expected one of {', '.join(K.CLOCKS)} (got {clock!r})")
    stored = S.prepare(conn)
    where = S.ENGINE_CASES if stored else ""
    params: dict = {"as_of": as_of.isoformat()}
    if caseworker:
        where = (where + " AND " if where else "") + "c.caseworker = :caseworker COLLATE NOCASE"
        params["caseworker"] = caseworker
    engine = _engine_deadlines(conn, where, params, as_of, within, clock, include_upcoming, explain)
    key = _deadline_key
    if email_order is not None:
        for r in engine:
            r["email_pos"] = email_order.get(r["caseworker_email"], -1)
        engine.sort(key=_email_key)
        key = _email_key
    if not stored:
        yield from engine
        return
    rows = (
        _stored_row(r, as_of, within, explain, email_order is not None)
        for r in S.stored_running(
            conn, as_of, within, include_upcoming, clock, caseworker, email_order
        )
    )
    yield from heapq.merge(rows, engine, key=key)


def _deadline_key(r: dict) -> tuple:
    return (r["due_on"], r["case_ref"], r["clock"])


def _email_key(r: dict) -> tuple:
    return (r["email_pos"], r["due_on"], r["case_ref"], r["clock"])


def _stored_row(r, as_of: date, within: int, explain: bool, email_pos: bool = False) -> dict:
    from sendctl.domain import engine as E

    due = date.fromisoformat(r["due_on"])
    status, left, passed = E.status_on(r["fixed_status"], r["when_passed"], due, as_of, within)
    row = {
        "case_ref": r["case_ref"],
        "forename": r["forename"],
        "clock": r["clock"],
        "due_on": r["due_on"],
        "status": status,
        "days_left": left,
        "caseworker": r["caseworker"],
        "caseworker_email": r["caseworker_email"],
        "detail": E.passed_detail(due, r["detail"]) if passed else r["detail"],
        "rule_id": r["rule_id"],
        "legal_ref": R.CLOCK_RULE_BY_ID[r["rule_id"]].legal_ref,
    }
    if explain:
        k = E.Clock(r["clock"], r["rule_id"], due, status, r["anchor"], _d(r["anchor_on"]))
        row["explain"] = k.explain()
    if email_pos:
        row["email_pos"] = r["email_pos"]
    return row


def _engine_deadlines(
    conn: sqlite3.Connection,
    where: str,
    params: dict,
    as_of: date,
    within: int,
    clock: str | None,
    include_upcoming: bool,
    explain: bool,
) -> list[dict]:
    """deadline_rows of the cases matching `where`, from the engine run on each history."""
    from sendctl.domain import engine as E

    out = []
    for c, h in histories(conn, where, params):
        for k in E.running_clocks(h, as_of, within, include_upcoming, ENGLAND):
            if clock is not None and k.clock != clock:
                continue
            row = {
                "case_ref": c["case_ref"],
                "forename": c["forename"],
                "clock": k.clock,
                "due_on": k.due_on.isoformat(),
                "status": k.status,
                "days_left": k.days_left,
                "caseworker": c["caseworker"],
                "caseworker_email": c["caseworker_email"],
                "detail": k.detail,
                "rule_id": k.rule_id,
                "legal_ref": k.legal_ref,
            }
            if explain:
                row["explain"] = k.explain()
            out.append(row)
    out.sort(key=_deadline_key)
    return out


def clock_counts(conn: sqlite3.Connection, as_of: date, within: int) -> dict[str, dict]:
    """{clock: {overdue, due}} on as_of: the clocks `status` counts (a guidance reminder is
    never a breach). Aggregated in SQL over the clock store; the cases it does not answer
    for are counted from the engine."""
    from sendctl.storage import clock_store as S

    stored = S.prepare(conn)
    counts: dict[str, dict] = S.stored_counts(conn, as_of, within) if stored else {}
    for r in _engine_deadlines(
        conn,
        S.ENGINE_CASES if stored else "",
        {"as_of": as_of.isoformat()},
        as_of,
        within,
        None,
        False,
        False,
    ):
        if r["status"] in ("overdue", "due"):
            c = counts.setdefault(r["clock"], {"overdue": 0, "due": 0})
            c[r["status"]] += 1
    return counts


# --- one case: clocks and history (for `cases show`) ----------------------------------------------


def clock_dict(k) -> dict:
    return {
        "clock": k.clock,
        "due_on": k.due_on.isoformat(),
        "status": k.status,
        "days_left": k.days_left,
        "done_on": _iso(k.done_on),
        "detail": k.detail,
        "rule_id": k.rule_id,
        "legal_ref": k.legal_ref,
        "anchor": k.anchor,
        "anchor_on": _iso(k.anchor_on),
        "explain": k.explain(),
    }


def case_clocks(
    conn: sqlite3.Connection, case_ref: str, as_of: date, within: int = 14
) -> list[dict]:
    """Every clock of one child, running or finished, as the clock engine computes them."""
    from sendctl.domain import engine as E

    return [
        clock_dict(k) for k in E.case_clocks(case_history(conn, case_ref), as_of, within, ENGLAND)
    ]


def case_events(conn: sqlite3.Connection, case_ref: str) -> list[dict]:
    """The child's clock history (append-only), oldest first."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, event_on, clock, event, detail, officer, recorded_utc FROM clock_events"
            " WHERE case_ref = ? ORDER BY event_on, id",
            (case_ref,),
        )
    ]


# --- the plan's lifecycle: end, moves, the amended final plan --------------------------------------

END_REASONS = {
    "1": "maximum age",
    "2": "needs met without a plan",
    "3": "higher education",
    "4": "paid employment",
    "5": "moved to another English LA",
    "6": "no longer engaging",
    "7": "left England",
    "8": "deceased",
    "9": "other",
}


def _ended(conn, case_ref: str) -> dict | None:
    """The plan's end event still in force (not voided), if any."""
    row = conn.execute(
        "SELECT e.id AS plan_event_id, e.event, e.event_on, e.reason,"
        " (SELECT min(k.id) FROM clock_events k WHERE k.case_ref = e.case_ref AND k.clock = 'plan'"
        "  AND k.event = e.event AND k.event_on = e.event_on) AS id"
        " FROM plan_events e WHERE e.case_ref = ? AND e.event IN ('end', 'move-out')"
        " AND NOT EXISTS (SELECT 1 FROM plan_events v WHERE v.voids_id = e.id)"
        " ORDER BY e.event_on, e.id LIMIT 1",
        (case_ref,),
    ).fetchone()
    return dict(row) if row else None


def refuse_after_end(conn, case_ref: str, what: str, on: date) -> None:
    """A lifecycle contradiction: anything recorded on or after the plan's end is refused,
    naming the case and the end event it conflicts with."""
    end = _ended(conn, case_ref)
    if end is not None and on.isoformat() >= end["event_on"]:
        raise SendctlError(
            f"{case_ref}: {what} on {on.isoformat()} conflicts with the plan's {end['event']} "
            f"event #{end['id']} of {end['event_on']}: the plan has ended",
            hint=f"if that {end['event']} was recorded by mistake: sendctl reviews void {end['id']} --reason TEXT",
        )


def record_plan_event(
    conn: sqlite3.Connection,
    actor: Actor,
    case_ref: str,
    event: str,
    on: date,
    reason: str | None = None,
    detail: str | None = None,
    la: str | None = None,
) -> dict:
    """end / move-out / move-in / amended-final, checked against the case's lifecycle. `la`:
    the other authority of a move (the one a plan came from, or went to)."""

    case = _case(conn, case_ref)
    full = case_history(conn, case_ref)
    h = full.as_of(on)
    end = _ended(conn, case_ref)
    if event in ("end", "move-out"):
        if reason not in END_REASONS:
            raise SendctlError(
                f"--reason: expected a SEN2 cease reason 1-9 "
                f"({'; '.join(f'{k} {v}' for k, v in END_REASONS.items())}) (got {reason!r})"
            )
        if end is not None:
            raise SendctlError(
                f"{case_ref}: the plan already ended ({end['event']} event #{end['id']} of {end['event_on']});"
                " a second end is refused"
            )
        plan = h.plan_in_force()
        if plan is None:
            made = full.ehcp_made_on() or full.plan_made_on
            raise SendctlError(
                f"{case_ref}: no statement or EHC plan in force on {on.isoformat()}"
                + (
                    f" (the plan was made on {made.isoformat()}: an end before the start is refused)"
                    if made and made > on
                    else ""
                )
            )
        made = h.ehcp_made_on() if plan == "ehcp" else h.plan_made_on
        if made is not None and on < made:
            raise SendctlError(
                f"{case_ref}: an end on {on.isoformat()} is before the plan was made ({made})"
            )
        if plan == "statement" and h.transfer is not None and h.transfer.concluded_on is None:
            raise SendctlError(
                f"{case_ref}: the statement is under transfer review (started {h.transfer.started_on});"
                " record its end with 'transfers record REF ceased'"
            )
    elif event == "amended-final":
        refuse_after_end(conn, case_ref, "an amended final plan", on)
        if h.plan_in_force() != "ehcp":
            raise SendctlError(f"{case_ref}: no EHC plan in force on {on.isoformat()} to amend")
    elif event == "move-in":
        if case["plan_type"] != "ehcp":
            raise SendctlError(
                f"{case_ref}: only an EHC plan transfers between authorities (reg 15);"
                f" the case's plan type is {case['plan_type']}"
            )
    now = utc_now()
    cur = conn.execute(
        "INSERT INTO plan_events (case_ref, event, event_on, reason, detail, la, officer,"
        " recorded_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (case_ref, event, on.isoformat(), reason, detail, la, actor.officer, now),
    )
    row = {
        "id": cur.lastrowid,
        "case_ref": case_ref,
        "event": event,
        "event_on": on.isoformat(),
        "reason": reason,
        "detail": detail,
        "la": la,
    }
    _log_event(
        conn,
        actor,
        case_ref,
        "plan",
        event,
        on,
        "; ".join(
            x
            for x in (
                f"reason {reason} ({END_REASONS[reason]})" if reason in END_REASONS else "",
                detail or "",
            )
            if x
        )
        or None,
    )
    record(conn, actor, "plan_event", row["id"], event, None, row, case_ref=case_ref)
    return row


# --- corrections: voiding an event ----------------------------------------------------------------

_VOIDABLE = {"transfer": "transfer", "assessment": "assessment", "review": "review", "plan": "plan"}


def void_event(
    conn: sqlite3.Connection,
    actor: Actor,
    clocks: tuple[str, ...],
    event_id: int,
    reason: str,
    today: date,
) -> dict:
    """Void one recorded event (an audited correction): the event stays in clock_events, a
    'void' event is added, and the clock state it set is put back. Only the latest event of
    that clock for the case can be voided (later events were recorded on top of it)."""
    if not reason or not reason.strip():
        raise invalid("reason", "invalid", "required (say why the event is wrong)")
    ev = conn.execute(
        "SELECT id, case_ref, clock, event, event_on, detail FROM clock_events WHERE id = ?",
        (event_id,),
    ).fetchone()
    if ev is None or ev["clock"] not in clocks or ev["event"] == "void":
        raise SendctlError(
            f"EVENT_ID {event_id}: no {' or '.join(clocks)} event with that id",
            hint="the ids are in 'sendctl cases show REF' under Events",
        )
    ref = ev["case_ref"]
    clock = ev["clock"]
    voided = {
        int(r[0])
        for r in conn.execute(
            "SELECT substr(detail, 2, instr(detail, ' ') - 2) FROM clock_events"
            " WHERE case_ref = ? AND clock = ? AND event = 'void'",
            (ref, clock),
        )
        if r[0] and r[0].isdigit()
    }
    if event_id in voided:
        raise SendctlError(f"EVENT_ID {event_id}: already voided")
    latest = max(
        (
            r[0]
            for r in conn.execute(
                "SELECT id FROM clock_events WHERE case_ref = ? AND clock = ? AND event != 'void'",
                (ref, clock),
            )
            if r[0] not in voided
        ),
        default=None,
    )
    if latest != event_id:
        raise SendctlError(
            f"EVENT_ID {event_id}: {ref} has a later {clock} event (#{latest}); void the latest first"
        )
    case = _case(conn, ref)
    on = date.fromisoformat(ev["event_on"])
    if clock == "transfer":
        before = _transfer(conn, ref)
        if ev["event"] == "start":
            conn.execute("DELETE FROM transfers WHERE case_ref = ?", (ref,))
            after = None
        else:
            after = dict(before)
            if ev["event"] == "draft-issued":
                after["draft_on"] = None
            else:
                after.update(concluded_on=None, outcome=None, cease_reason=None)
            conn.execute(
                "UPDATE transfers SET draft_on = ?, concluded_on = ?, outcome = ?, cease_reason = ?,"
                " updated_utc = ? WHERE case_ref = ?",
                (
                    after["draft_on"],
                    after["concluded_on"],
                    after["outcome"],
                    after["cease_reason"],
                    utc_now(),
                    ref,
                ),
            )
            if ev["event"] == "final-issued":
                _unset_ehcp(conn, actor, case, "statement", None)
        record(conn, actor, "transfer", ref, "void", before, after, case_ref=ref)
    elif clock == "assessment":
        a = conn.execute(
            f"SELECT {_ASSESS_COLS} FROM assessments WHERE case_ref = ?"
            " ORDER BY received_on DESC, id DESC LIMIT 1",
            (ref,),
        ).fetchone()
        before = dict(a)
        after = dict(a)
        if ev["event"] == "request":
            conn.execute("DELETE FROM assessments WHERE id = ?", (a["id"],))
            after = None
        else:
            if ev["event"] in ("decision-to-assess", "refused"):
                after.update(decided_on=None, decision=None)
            if ev["event"] == "draft-issued":
                after["draft_on"] = None
            if ev["event"] in ("refused", "final-issued", "no-plan", "withdrawn"):
                after.update(concluded_on=None, outcome=None)
            conn.execute(
                "UPDATE assessments SET decided_on = :decided_on, decision = :decision,"
                " draft_on = :draft_on, concluded_on = :concluded_on, outcome = :outcome,"
                " updated_utc = :now WHERE id = :id",
                {**after, "now": utc_now()},
            )
            if ev["event"] == "final-issued":
                _unset_ehcp(conn, actor, case, None, None)
        record(conn, actor, "assessment", a["id"], "void", before, after, case_ref=ref)
    elif clock == "review":
        r = conn.execute(
            "SELECT id, meeting_on, decision, decided_on FROM reviews WHERE case_ref = ?"
            " ORDER BY meeting_on DESC LIMIT 1",
            (ref,),
        ).fetchone()
        before = dict(r)
        if ev["event"] == "meeting":
            conn.execute("DELETE FROM reviews WHERE id = ?", (r["id"],))
            after = None
        else:
            after = {**before, "decision": None, "decided_on": None}
            conn.execute(
                "UPDATE reviews SET decision = NULL, decided_on = NULL, updated_utc = ? WHERE id = ?",
                (utc_now(), r["id"]),
            )
        record(conn, actor, "review", r["id"], "void", before, after, case_ref=ref)
    elif clock == "plan":
        pe = conn.execute(
            "SELECT id FROM plan_events WHERE case_ref = ? AND event = ? AND event_on = ? AND event != 'void'"
            " ORDER BY id DESC LIMIT 1",
            (ref, ev["event"], ev["event_on"]),
        ).fetchone()
        if pe is not None:
            conn.execute(
                "INSERT INTO plan_events (case_ref, event, event_on, reason, detail, voids_id, officer,"
                " recorded_utc) VALUES (?, 'void', ?, NULL, ?, ?, ?, ?)",
                (ref, today.isoformat(), reason, pe["id"], actor.officer, utc_now()),
            )
        record(
            conn,
            actor,
            "plan_event",
            pe["id"] if pe else event_id,
            "void",
            None,
            {"reason": reason},
            case_ref=ref,
        )
    _log_event(
        conn,
        actor,
        ref,
        clock,
        "void",
        today,
        f"#{event_id} {ev['event']} of {ev['event_on']}: {reason}",
    )
    return {
        "id": event_id,
        "case_ref": ref,
        "clock": clock,
        "event": ev["event"],
        "event_on": on.isoformat(),
        "reason": reason,
    }


def _unset_ehcp(conn, actor: Actor, case: dict, plan_type: str | None, issued: str | None) -> None:
    """Undo _set_ehcp after its final plan was voided (audited): the plan type and issue date
    go back to what the audit trail says they were before that final plan."""
    import json

    fresh = _case(conn, case["case_ref"])
    row = conn.execute(
        "SELECT before_json FROM audit_log WHERE entity = 'case' AND entity_key = ? AND action = 'update'"
        " AND json_extract(after_json, '$.plan_type') = 'ehcp'"
        " AND json_extract(after_json, '$.plan_issued_on') = ? ORDER BY id DESC LIMIT 1",
        (case["case_ref"], fresh["plan_issued_on"]),
    ).fetchone()
    if row is not None and row[0]:
        was = json.loads(row[0])
        plan_type, issued = was.get("plan_type") or plan_type, was.get("plan_issued_on")
    back = plan_type or "sen_support"
    before = {"plan_type": fresh["plan_type"], "plan_issued_on": fresh["plan_issued_on"]}
    after = {"plan_type": back, "plan_issued_on": issued}
    conn.execute(
        "UPDATE cases SET plan_type = ?, plan_issued_on = ?, updated_utc = ? WHERE case_ref = ?",
        (back, issued, utc_now(), case["case_ref"]),
    )
    record(conn, actor, "case", case["case_ref"], "update", before, after)
