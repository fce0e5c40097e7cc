"""The clock store: the clock engine's own output kept per case, so that listings at scale
(deadlines, status, deadlines notify) read an indexed table instead of running the engine
over every case.

What is stored is exactly sendctl.domain.engine.standing_clocks(history, valid_from): every
clock the engine can give on valid_from (the case's latest event) or any later day, with what
its status is made of. For an as-of date on or after valid_from a clock's status is
engine.status_on(fixed_status, when_passed, due_on, as_of, within), and a clock is there on
that day when applies_from <= as_of <= applies_to. Only clocks that can be running are kept
(fixed_status NULL or 'guidance'): the listings show nothing else.

A case whose stored rows do not apply (an as-of date before its latest event: a replay; a case
queued in clocks_stale that could not be recomputed, on a read-only database) goes through the
engine, as every case did before; the two streams are merged in order.

Staleness: triggers put the case_ref of every write to cases and the history tables into
clocks_stale. `refresh` recomputes the queued cases; a write transaction does it before it
commits (Session.transaction, up to SMALL cases; a bulk import leaves them queued) and a
reading command does it first when the database can be written. The fingerprint of the
rules and the engine's code is kept in clock_store: another one recomputes every case.
"""

import functools
import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from sendctl.domain.errors import SendctlError
from sendctl.storage.histories import as_iso as _iso

SMALL = 2000  # queued cases a write transaction recomputes itself before it commits
FAR = "9999-12-31"
_BATCH = 5000


@functools.cache
def fingerprint() -> str:
    """The engine, rules and the code that reads histories, as one digest: any change to
    them (a new rule row, a corrected reading) makes every stored row stale."""
    import sendctl
    from sendctl.domain import counting, engine, further_clocks, rules
    from sendctl.storage import further, histories, holidays

    h = hashlib.sha256(sendctl.__version__.encode())
    for m in (engine, further_clocks, counting, rules, histories, further, holidays):
        try:
            h.update(Path(m.__file__ or "").read_bytes())
        except OSError:  # no source beside the bytecode: the version alone names it
            h.update((m.__name__).encode())
    h.update(Path(__file__).read_bytes())
    h.update(_holidays_release().encode())
    return h.hexdigest()[:32]


def _holidays_release() -> str:
    """Which bank-holiday data the working-day clocks were counted with: the installed
    `holidays` release and its United Kingdom rules. A new release may add a bank holiday (a
    coronation, a royal funeral), and every stored working-day date must then be counted
    again. Found without importing the package (its import costs about 0.3 s)."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return "no holidays package"
    package = Path(spec.origin).parent
    releases = sorted(p.name for p in package.parent.glob("holidays-*.dist-info"))
    try:
        rules = (package / "countries" / "united_kingdom.py").read_bytes()
    except OSError:
        rules = b""
    return " ".join(releases) + hashlib.sha256(rules).hexdigest()


def _read_only(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("PRAGMA query_only").fetchone()[0])


def is_current(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT fingerprint FROM clock_store WHERE id = 1").fetchone()
    return row is not None and row[0] == fingerprint()


def stale_count(conn: sqlite3.Connection, limit: int | None = None) -> int:
    if limit is None:
        return conn.execute("SELECT count(*) FROM clocks_stale").fetchone()[0]
    return conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM clocks_stale LIMIT ?)", (limit + 1,)
    ).fetchone()[0]


def _rows_of(ref: str, h, E) -> tuple[tuple, list[tuple]]:
    """(clock_cases row, case_clocks rows) of one case's history."""
    from sendctl.storage.holidays import ENGLAND

    start, ks = E.standing_clocks(h, ENGLAND)
    if start == E.FOREVER:
        return (ref, FAR, None, None, None, None), []
    transfer = (None, None, None, None)
    rows = []
    for seq, k in enumerate(ks):
        if k.clock == "transfer":
            state, concluded_on, outcome = E.transfer_facts(h, k, start)
            transfer = (state, outcome, k.due_on.isoformat(), _iso(concluded_on))
        if k.fixed_status is not None and k.fixed_status not in E.RUNNING:
            continue  # met, missed, not applicable: never listed
        rows.append(
            (
                ref,
                seq,
                k.clock,
                k.rule_id,
                k.due_on.isoformat(),
                k.fixed_status,
                k.when_passed,
                k.anchor,
                _iso(k.anchor_on),
                k.detail,
                (k.applies_from or start).isoformat(),
                (k.applies_to or date.max).isoformat(),
            )
        )
    return (ref, start.isoformat(), *transfer), rows


def _write(conn: sqlite3.Connection, cases: list[tuple], rows: list[tuple]) -> None:
    refs = [(c[0],) for c in cases]
    conn.executemany("DELETE FROM case_clocks WHERE case_ref = ?", refs)
    conn.executemany(
        "INSERT OR REPLACE INTO clock_cases (case_ref, valid_from, transfer_state,"
        " transfer_outcome, transfer_due_on, transfer_concluded_on) VALUES (?, ?, ?, ?, ?, ?)",
        cases,
    )
    conn.executemany(
        "INSERT INTO case_clocks (case_ref, seq, clock, rule_id, due_on, fixed_status,"
        " when_passed, anchor, anchor_on, detail, applies_from, applies_to)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def refresh(conn: sqlite3.Connection, progress=None, everything: bool = False) -> int:
    """Recompute every queued case with the engine (and everything, when the rules or the
    engine changed). Runs inside the caller's transaction, or its own. Returns how many."""
    from sendctl.domain import engine as E
    from sendctl.storage.db import transaction
    from sendctl.storage.histories import histories

    with transaction(conn):
        current = fingerprint()
        if not is_current(conn):
            conn.execute("DELETE FROM case_clocks")
            conn.execute("DELETE FROM clock_cases")
            conn.execute("INSERT OR IGNORE INTO clocks_stale (case_ref) SELECT case_ref FROM cases")
            conn.execute(
                "INSERT OR REPLACE INTO clock_store (id, fingerprint) VALUES (1, ?)", (current,)
            )
        if everything:
            conn.execute("INSERT OR IGNORE INTO clocks_stale (case_ref) SELECT case_ref FROM cases")
        # a queued reference with no case (deleted meanwhile) has nothing to compute
        conn.execute("DELETE FROM clocks_stale WHERE case_ref NOT IN (SELECT case_ref FROM cases)")
        total = stale_count(conn)
        if not total:
            return 0
        # the queue as it is now: the cursors below read it while the rows are written
        conn.execute("DROP TABLE IF EXISTS temp.clocks_refreshing")
        conn.execute("CREATE TEMP TABLE clocks_refreshing AS SELECT case_ref FROM clocks_stale")
        # most of the register queued: read it all in order rather than look each case up
        # (counting the register only then: a write of a few cases should not pay for it)
        everything = False
        if total > SMALL:
            register = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
            everything = total * 2 >= register
        where = "" if everything else "c.case_ref IN (SELECT case_ref FROM temp.clocks_refreshing)"
        if everything:
            total = register
        done = 0
        cases: list[tuple] = []
        rows: list[tuple] = []
        for c, h in histories(conn, where):
            case_row, case_rows = _rows_of(c["case_ref"], h, E)
            cases.append(case_row)
            rows.extend(case_rows)
            if len(cases) >= _BATCH:
                _write(conn, cases, rows)
                done += len(cases)
                cases, rows = [], []
                if progress is not None:
                    progress(done, total)
        _write(conn, cases, rows)
        done += len(cases)
        conn.execute(
            "DELETE FROM clocks_stale WHERE case_ref IN (SELECT case_ref FROM temp.clocks_refreshing)"
        )
        conn.execute("DROP TABLE temp.clocks_refreshing")
    return done


def refresh_if_small(conn: sqlite3.Connection) -> None:
    """Before a write transaction commits: recompute the cases it queued, when they are few
    (a bulk import leaves them to the next command or `clocks refresh`). Costs one query
    when nothing was queued."""
    n = stale_count(conn, SMALL)
    made = conn.execute("SELECT fingerprint FROM clock_store WHERE id = 1").fetchone()
    if made is None:  # never made: a new database, or one just upgraded
        many = conn.execute("SELECT count(*) FROM (SELECT 1 FROM cases LIMIT ?)", (SMALL + 1,))
        if many.fetchone()[0] <= SMALL:
            refresh(conn)
        return
    if 0 < n <= SMALL and made[0] == fingerprint():
        refresh(conn)


def prepare(conn: sqlite3.Connection) -> bool:
    """Before a listing: bring the store up to date where the database can be written.
    Returns whether the stored rows may be used at all (False: every case goes through the
    engine; a read-only database whose store was made by another engine)."""
    if not _read_only(conn):
        if stale_count(conn, 0) or not is_current(conn):
            try:
                refresh(conn)
            except SendctlError:
                # busy or read-only after all: the queued cases go through the engine
                pass
    return is_current(conn)


# --- reading ------------------------------------------------------------------------------------

ENGINE_CASES = (
    "c.case_ref IN (SELECT case_ref FROM clocks_stale"
    " UNION ALL SELECT case_ref FROM clock_cases WHERE valid_from > :as_of)"
)


def _not_stale(conn: sqlite3.Connection) -> str:
    """Leaves out the rows of queued cases (they go through the engine); nothing to leave
    out, and an index that covers the query, when the queue is empty (as it is after
    prepare() on a database that can be written)."""
    if stale_count(conn, 0):
        return "k.case_ref NOT IN (SELECT case_ref FROM clocks_stale)"
    return "1"


def stored_running(
    conn: sqlite3.Connection,
    as_of: date,
    within: int,
    include_upcoming: bool,
    clock: str | None = None,
    caseworker: str | None = None,
    email_order: dict[str | None, int] | None = None,
) -> Iterator[sqlite3.Row]:
    """The stored clocks that are running on as_of (overdue or due within `within` days;
    every running one with include_upcoming; guidance reminders that have come due), in
    (due_on, case_ref, clock, seq) order, with the case's name and caseworker. With
    email_order ({caseworker_email: position}), ordered by that position first (column
    email_pos; -1 for an email not in it)."""
    params: dict = {
        "as_of": as_of.isoformat(),
        "limit": (as_of + timedelta(days=within)).isoformat() if within < 10**5 else FAR,
        "clock": clock,
        "caseworker": caseworker,
    }
    where = [
        "k.applies_from <= :as_of",
        "k.applies_to >= :as_of",
        "(k.when_passed IS NULL OR k.due_on >= :as_of)",  # a window that passed is not running
        _not_stale(conn),
    ]
    if not include_upcoming:
        where.append("k.due_on <= :limit")
    if clock is not None:
        where.append("k.clock = :clock")
    if caseworker is not None:
        where.append("c.caseworker = :caseworker COLLATE NOCASE")
    order = "k.due_on, k.case_ref, k.clock, k.seq"
    with_, pos, join = "", "-1", ""
    if email_order:
        values = []
        for i, (raw, n) in enumerate(email_order.items()):
            params[f"e{i}"], params[f"p{i}"] = raw, n
            values.append(f"(:e{i}, :p{i})")
        with_ = f"WITH m(email, pos) AS (VALUES {', '.join(values)}) "
        join = "LEFT JOIN m ON m.email IS c.caseworker_email"
        pos = "coalesce(m.pos, -1)"
        order = "email_pos, " + order
    sql = (
        f"{with_}SELECT k.case_ref, k.seq, k.clock, k.rule_id, k.due_on, k.fixed_status,"
        " k.when_passed, k.anchor, k.anchor_on, k.detail, c.forename, c.caseworker,"
        f" c.caseworker_email, {pos} AS email_pos"
        f" FROM case_clocks k JOIN cases c ON c.case_ref = k.case_ref {join}"
        f" WHERE {' AND '.join(where)} ORDER BY {order}"
    )
    yield from conn.execute(sql, params)


def stored_counts(conn: sqlite3.Connection, as_of: date, within: int) -> dict[str, dict]:
    """{clock: {overdue, due}} of the stored clocks on as_of (guidance never counts)."""
    out: dict[str, dict] = {}
    for clock, overdue, due in conn.execute(
        "SELECT k.clock, sum(k.due_on < :as_of), sum(k.due_on >= :as_of) FROM case_clocks k"
        " WHERE k.due_on <= :limit AND k.fixed_status IS NULL AND k.applies_from <= :as_of"
        " AND k.applies_to >= :as_of AND (k.when_passed IS NULL OR k.due_on >= :as_of)"
        f" AND {_not_stale(conn)} GROUP BY k.clock",
        {"as_of": as_of.isoformat(), "limit": (as_of + timedelta(days=within)).isoformat()},
    ):
        out[clock] = {"overdue": overdue or 0, "due": due or 0}
    return out


def stored_transfers(
    conn: sqlite3.Connection, as_of: date, group_col: str | None = None
) -> Iterator[sqlite3.Row]:
    """Per (group, state, outcome): how many statements, how many overdue (running and past
    their due date), how many concluded after as_of - RATE_WINDOW_DAYS (`recent_from`)."""
    from sendctl.domain import clocks as K

    recent_from = (as_of - timedelta(days=K.RATE_WINDOW_DAYS)).isoformat()
    group = f"c.{group_col}" if group_col else "NULL"
    join = "JOIN cases c ON c.case_ref = k.case_ref" if group_col else ""
    yield from conn.execute(
        f"SELECT {group} AS grp, k.transfer_state AS state, k.transfer_outcome AS outcome,"
        " count(*) AS n,"
        " sum(k.transfer_state != 'concluded' AND k.transfer_due_on < :as_of) AS overdue,"
        " sum(k.transfer_concluded_on > :recent_from) AS recent"
        f" FROM clock_cases k {join}"
        # the unary + keeps the planner on the transfer index (valid_from's would read every case)
        " WHERE k.transfer_state IS NOT NULL AND +k.valid_from <= :as_of"
        f" AND {_not_stale(conn)} GROUP BY 1, 2, 3",
        {"as_of": as_of.isoformat(), "recent_from": recent_from},
    )
