"""The case register in SQLite: streaming upsert with a field-by-field audit, listing, look-up.

Every statement is parameterised. The import keeps no per-row state in memory
(duplicates are found by SQLite) and works in batches: one SELECT per batch for the existing rows,
executemany for inserts and updates, all inside the caller's one transaction.
"""

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from sendctl.domain.case_rows import RowChecker
from sendctl.domain.cases import FIELDS, validate_case
from sendctl.domain.errors import SendctlError
from sendctl.storage.audit import Actor, record, record_many, utc_now

BATCH = 500  # rows per SELECT ... IN (...) and executemany (well under SQLite's variable limit)

LIST_FIELDS = FIELDS  # a listing gives every field of a case, in the export order


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    fields_changed: Counter = field(default_factory=Counter)


class _Errors:
    """Counts problems when the caller does not collect them."""

    def __init__(self):
        self.count = 0

    def add(self, line, field, problem, value=None):
        self.count += 1


def import_cases(
    conn: sqlite3.Connection,
    actor: Actor,
    rows: Iterable[tuple[int, dict]],
    present: set[str],
    as_of: date,
    errors=None,
    source: str = "",
    progress=None,
    bulk: bool = False,
) -> ImportResult:
    """Validate and upsert case rows by case_ref; the caller owns the transaction.

    Args:
        rows: (line number, {field: text}) as read from the file.
        present: the fields the file has columns for. Only those are compared and updated
            (a file without a caseworker_email column leaves existing e-mails alone); the year
            group is always present (given or derived from date of birth).
        as_of: the date the register is as at (date-of-birth plausibility, year groups).
        errors: a problem list with add(line, field, message, value) and count; the caller
            refuses the file after the loop if errors.count (the transaction then rolls back,
            and a dry run is the same transaction rolled back: every write happens in both).
        source: file name for the summary audit row.
        progress: optional callable() called after every batch.
        bulk: a large file: when the register is empty, drop the secondary indexes of cases for
            the load and rebuild them at the end (about 2.5x faster at 300,000 rows; DDL is
            transactional, so a refused import rolls the indexes back too).
    Returns:
        Counts of rows, added, updated, unchanged and errors.

    Memory stays flat in the file size: no set of references is kept. Duplicates within the
    file are found by SQLite: on a first load (empty register) by the cases primary key itself
    (a batch that hits it is rolled back to a savepoint and re-checked), otherwise by a TEMP
    table keyed on case_ref. Errors of a batch are reported in line order.
    """
    errors = errors if errors is not None else _Errors()
    # Eight b-trees take every insert (table, key and indexes): a bigger page cache than
    # SQLite's 2 MB default keeps them in memory for a large import (per connection, bounded).
    conn.execute("PRAGMA cache_size = -65536")
    res = ImportResult()
    compare = [f for f in FIELDS if f != "case_ref" and (f in present or f == "year_group")]
    batch: list[dict] = []
    refs: list[tuple[int, str]] = []  # (line, ref) of every row of the batch that has a ref
    pending: list[tuple] = []  # the batch's problems: (line, order, field, problem, value)
    now = utc_now()
    stamps = (now, now)
    values = itemgetter(*FIELDS)
    empty_at_start = conn.execute("SELECT 1 FROM cases LIMIT 1").fetchone() is None
    # A first load writes straight into cases and lets its primary key catch duplicates.
    state = {"pk": empty_at_start and conn.in_transaction, "temp": False}
    rebuild = drop_case_indexes(conn) if bulk and state["pk"] else []
    queue_trigger = hold_clock_queue(conn) if state["pk"] else None
    insert_sql = (
        f"INSERT INTO cases ({', '.join(FIELDS)}, created_utc, updated_utc) "
        f"VALUES ({', '.join('?' * (len(FIELDS) + 2))})"
    )
    update_sql = (
        f"UPDATE cases SET {', '.join(f'{f} = ?' for f in compare)}, updated_utc = ? "
        "WHERE case_ref = ?"
    )

    def to_temp() -> None:
        """Leave primary-key mode: every reference so far goes into the TEMP table."""
        if state["temp"]:
            return
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_refs (case_ref TEXT PRIMARY KEY) WITHOUT ROWID"
        )
        conn.execute("DELETE FROM temp.import_refs")
        if state["pk"]:  # the register was empty: cases holds exactly the refs loaded so far
            audit_first_load(conn, actor, now)
            conn.execute("INSERT INTO temp.import_refs SELECT case_ref FROM main.cases")
        state["pk"], state["temp"] = False, True

    def find_duplicates() -> None:
        """Report every ref of the batch already seen on an earlier line (temp mode)."""
        to_temp()
        batch_refs = [r for _, r in refs]
        before = set()
        for i in range(0, len(batch_refs), BATCH):
            part = batch_refs[i : i + BATCH]
            before.update(
                r[0]
                for r in conn.execute(
                    f"SELECT case_ref FROM temp.import_refs WHERE case_ref IN ({', '.join('?' * len(part))})",
                    part,
                )
            )
        local: set[str] = set()
        for line, ref in refs:
            if ref in before or ref in local:
                pending.append(
                    (line, 0, "case_ref", "duplicate reference (it is on an earlier line too)", ref)
                )
            else:
                local.add(ref)
        conn.executemany(
            "INSERT OR IGNORE INTO temp.import_refs (case_ref) VALUES (?)", ((r,) for r in local)
        )

    def write_first_load() -> bool:
        """Insert the batch into the empty register; False (nothing written) on a duplicate."""
        conn.execute("SAVEPOINT import_batch")
        try:
            conn.executemany(insert_sql, [values(c) + stamps for c in batch])
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO import_batch")
            conn.execute("RELEASE import_batch")
            return False
        conn.execute("RELEASE import_batch")
        # Audited by audit_first_load, one INSERT ... SELECT for every case of the load
        res.added += len(batch)
        return True

    def flush() -> None:
        if state["pk"] and not pending and not errors.count and write_first_load():
            batch.clear()
            refs.clear()
            return
        find_duplicates()  # (an error in primary-key mode switches to the TEMP table from here)
        refs.clear()
        if pending:
            pending.sort(key=itemgetter(0, 1))  # line order, a duplicate first (as before)
            for line, _, fld, problem, value in pending:
                errors.add(line, fld, problem, value)
            pending.clear()
        if not batch:
            return
        if errors.count:  # nothing will be written: stop touching the database
            batch.clear()
            return
        if empty_at_start:  # a first load: nothing to compare against (refs are unique)
            existing = {}
        else:
            existing = {
                r["case_ref"]: r
                for r in conn.execute(
                    f"SELECT {', '.join(FIELDS)} FROM cases WHERE case_ref IN ({', '.join('?' * len(batch))})",
                    [c["case_ref"] for c in batch],
                )
            }
        inserts, updates, audits = [], [], []
        for c in batch:
            old = existing.get(c["case_ref"])
            if old is None:
                res.added += 1
                inserts.append(values(c) + stamps)
                audits.append(("case", c["case_ref"], c["case_ref"], "create", None, None))
                continue
            diff = [f for f in compare if old[f] != c[f]]
            if not diff:
                res.unchanged += 1
                continue
            res.updated += 1
            res.fields_changed.update(diff)
            updates.append(tuple(c[f] for f in compare) + (now, c["case_ref"]))
            audits.append(
                (
                    "case",
                    c["case_ref"],
                    c["case_ref"],
                    "update",
                    {f: old[f] for f in diff},
                    {f: c[f] for f in diff},
                )
            )
        batch.clear()
        if inserts:
            conn.executemany(insert_sql, inserts)
        if updates:
            conn.executemany(update_sql, updates)
        if audits:
            record_many(conn, actor, audits)

    n = 0
    # the case rules asked once per distinct value; validate_case for a row RowChecker does not
    # accept (it then gives the same case, or the problems)
    check = RowChecker(as_of).check
    empty = ("",) * len(FIELDS)
    for line, row in rows:
        n += 1
        checked = check(tuple(map(row.get, FIELDS, empty)))
        if checked is not None:
            case, problems = dict(zip(FIELDS, checked, strict=True)), []
        else:
            case, problems = validate_case(row, as_of)
        ref = row.get("case_ref")
        if ref:
            refs.append((line, ref))
        if problems:
            pending.extend((line, 1, p.field, p.problem, p.value) for p in problems)
        if case is not None:
            # Fields the file has no column for are empty (or 0) in `case`: they are inserted
            # as such for a new case but never compared or updated for an existing one.
            batch.append(case)
        if len(refs) >= BATCH or len(batch) >= BATCH or len(pending) >= BATCH:
            flush()
            if progress:
                progress()
    flush()
    res.rows = n
    res.errors = errors.count
    if state["pk"] and not errors.count:
        audit_first_load(conn, actor, now)
    if state["temp"]:
        conn.execute("DROP TABLE IF EXISTS temp.import_refs")
    rebuild_indexes(conn, rebuild)  # always: a caller that commits regardless must not lose one
    if queue_trigger is not None:
        release_clock_queue(conn, queue_trigger)
    if not errors.count:
        set_year_offsets(conn, as_of, "updated_utc = :stamp", {"stamp": now})
        record_import(conn, actor, source, res, as_of)
    return res


def drop_case_indexes(conn: sqlite3.Connection) -> list[str]:
    """Before a large load: drop the secondary indexes of cases (one sort each at the end
    instead of a b-tree insert per row); their SQL, for rebuild_indexes."""
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"
        " AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in found:
        conn.execute('DROP INDEX "{}"'.format(name.replace('"', '""')))
    return [sql for _, sql in found]


def rebuild_indexes(conn: sqlite3.Connection, sqls: list[str]) -> None:
    """Build again the indexes drop_case_indexes dropped (SQLite may share a sort between two
    threads)."""
    if not sqls:
        return
    conn.execute("PRAGMA threads = 2")
    for sql in sqls:
        conn.execute(sql)
    conn.execute("PRAGMA threads = 0")


def audit_first_load(conn: sqlite3.Connection, actor: Actor, now: str) -> None:
    """One "create" audit row per case of a first load, in file order, by one INSERT ...
    SELECT over the register (it was empty: every row in it came from this file). No
    after-JSON: the row itself holds the values, and every later change audits its before.
    Set-based instead of a Python tuple per case (~1 s at 200,000 cases)."""
    conn.execute(
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, case_ref, action,"
        " before_json, after_json) SELECT ?, ?, ?, 'case', case_ref, case_ref, 'create', NULL, NULL"
        " FROM main.cases ORDER BY rowid",
        (now, actor.officer, actor.command),
    )


def record_import(
    conn: sqlite3.Connection, actor: Actor, source: str, res: "ImportResult", as_of: date
) -> None:
    """The import's own audit row: the file and what it did."""
    record(
        conn,
        actor,
        "case_import",
        source or "-",
        "import",
        after={
            "file": source,
            "rows": res.rows,
            "added": res.added,
            "updated": res.updated,
            "unchanged": res.unchanged,
            "as_of": as_of.isoformat(),
        },
    )


# --- the clock store's queue on a first load ---------------------------------------------------

CLOCK_QUEUE_TRIGGER = "clocks_stale_case_insert"  # queues each new case for the clock store


def hold_clock_queue(conn: sqlite3.Connection) -> str | None:
    """Before loading an empty register: drop the trigger that queues each new case for the
    clock store (one statement per row, slower than the insert itself). Returns its SQL for
    release_clock_queue (None: there is no such trigger)."""
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        (CLOCK_QUEUE_TRIGGER,),
    ).fetchone()
    if found is None:
        return None
    conn.execute(f"DROP TRIGGER {CLOCK_QUEUE_TRIGGER}")
    return str(found[0])


def release_clock_queue(conn: sqlite3.Connection, trigger_sql: str) -> None:
    """After the load: queue every case in one statement (the register was empty, so each one
    is new), in the order the trigger would have, and put the trigger back as it was (DDL is
    transactional: a rollback restores it too)."""
    conn.execute(
        "INSERT OR IGNORE INTO clocks_stale (case_ref) SELECT case_ref FROM main.cases ORDER BY rowid"
    )
    conn.execute(trigger_sql)


# --- year groups ----------------------------------------------------------------------------------

# The year group of a date d is A(d) - A(date of birth) - 5, A being the year the academic year
# containing the date began (1 September); N1 = -2, N2 = -1, R = 0. tests/test_year_offsets.py
# proves these SQL expressions equal to sendctl.domain.engine.year_group / year_number.
_ACADEMIC = "(CAST(substr({d}, 1, 4) AS INTEGER) - (CAST(substr({d}, 6, 2) AS INTEGER) < 9))"
YEAR_NUMBER_SQL = (
    "(CASE year_group WHEN 'N1' THEN -2 WHEN 'N2' THEN -1 WHEN 'R' THEN 0"
    " ELSE CAST(year_group AS INTEGER) END)"
)


def year_label_sql(as_of_param: str) -> str:
    """SQL for the year group label (N1, N2, R, 1-14, else NULL) in the academic year of the
    date bound to `as_of_param`, from the date of birth and the recorded offset; a case with no
    date of birth keeps the year group it was given."""
    n = (
        f"({_ACADEMIC.format(d=as_of_param)} - {_ACADEMIC.format(d='date_of_birth')} - 5"
        " + year_offset)"
    )
    return (
        f"(CASE WHEN date_of_birth IS NULL THEN year_group WHEN {n} = -2 THEN 'N1'"
        f" WHEN {n} = -1 THEN 'N2' WHEN {n} = 0 THEN 'R'"
        f" WHEN {n} BETWEEN 1 AND 14 THEN CAST({n} AS TEXT) END)"
    )


def set_year_offsets(conn: sqlite3.Connection, as_of: date, where: str, params: dict) -> None:
    """A year group given for the academic year of `as_of` that differs from the one the date
    of birth gives becomes the case's out-of-year-group offset (the year group itself is
    derived for each as-of date, so the offset is what is kept)."""
    derived = f"({_ACADEMIC.format(d=':as_of')} - {_ACADEMIC.format(d='date_of_birth')} - 5)"
    conn.execute(
        f"UPDATE cases SET year_offset = coalesce({YEAR_NUMBER_SQL} - {derived}, 0)"
        f" WHERE ({where}) AND date_of_birth IS NOT NULL"
        f" AND year_offset IS NOT coalesce({YEAR_NUMBER_SQL} - {derived}, 0)",
        {**params, "as_of": as_of.isoformat()},
    )


# --- reading ------------------------------------------------------------------------------------


def like_pattern(text: str) -> str:
    """'%' + text + '%' with LIKE's wildcards escaped (use with ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_cases(
    conn: sqlite3.Connection,
    plan: str | None = None,
    need: str | None = None,
    caseworker: str | None = None,
    setting: str | None = None,
    out_of_county: bool | None = None,
    search: str | None = None,
    as_of: date | None = None,
) -> Iterator[dict]:
    """The register, filtered, ordered by case_ref; streamed (parameterised SQL only).

    The year group is the one for the academic year of `as_of` (derived from the date of birth
    and the recorded offset); without `as_of`, the year group as recorded.

    caseworker matches the name or the e-mail address, ignoring case; setting matches part of
    the setting name, ignoring case; search: every word must appear in the reference, UPN,
    forename or surname.
    """
    where: list[str] = []
    params: list = []
    if plan:
        where.append("plan_type = ?")
        params.append(plan)
    if need:
        where.append("primary_need = ?")
        params.append(need)
    if caseworker:
        where.append("(caseworker = ? COLLATE NOCASE OR caseworker_email = ? COLLATE NOCASE)")
        params += [caseworker, caseworker]
    if setting:
        where.append("setting LIKE ? ESCAPE '\\'")
        params.append(like_pattern(setting))
    if out_of_county is not None:
        where.append("out_of_county = ?")
        params.append(1 if out_of_county else 0)
    if search:
        from sendctl.domain.text import fold

        # accents ignored: zoe finds Zoë. Only names holding a non-ASCII character go through
        # the Python fold (GLOB in C picks them out), so a search stays one fast scan.
        conn.create_function("sendctl_fold", 1, fold, deterministic=True)
    for word in (search or "").split():
        pat, folded = like_pattern(word), like_pattern(fold(word))
        where.append(
            "(case_ref LIKE ? ESCAPE '\\' OR upn LIKE ? ESCAPE '\\' OR forename LIKE ? ESCAPE '\\'"
            " OR surname LIKE ? ESCAPE '\\' OR forename LIKE ? ESCAPE '\\' OR surname LIKE ? ESCAPE '\\'"
            " OR ((forename || surname) GLOB '*[^ -~]*'"
            " AND sendctl_fold(forename || ' ' || surname) LIKE ? ESCAPE '\\'))"
        )
        params += [pat, pat, pat, pat, folded, folded, folded]
    fields = list(LIST_FIELDS)
    if as_of is not None:
        derived = year_label_sql("?")
        fields[fields.index("year_group")] = f"{derived} AS year_group"
        params = [as_of.isoformat()] * derived.count("?") + params
    sql = f"SELECT {', '.join(fields)} FROM cases"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY case_ref"
    for r in conn.execute(sql, params):
        yield dict(r)


def unmatched_filters(
    conn: sqlite3.Connection,
    caseworker: str | None = None,
    setting: str | None = None,
    need: str | None = None,
) -> list[tuple[str, str, list[str]]]:
    """The filters that match no case in the whole register, each with the nearest values
    that do exist: [(field, value, nearest)]. An empty answer to a filter that matches nobody
    is most often a misspelling, not good news."""
    from sendctl.domain.text import nearest

    out = []
    if (
        caseworker
        and conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM cases WHERE caseworker = ? COLLATE NOCASE)"
            " AND NOT EXISTS (SELECT 1 FROM cases WHERE caseworker_email = ? COLLATE NOCASE)",
            (caseworker, caseworker),
        ).fetchone()[0]
    ):
        names = [
            r[0]
            for r in conn.execute(
                # one spelling per name ignoring case, read from the NOCASE index
                "SELECT DISTINCT caseworker COLLATE NOCASE FROM cases WHERE caseworker IS NOT NULL"
            )
        ]
        emails = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT caseworker_email FROM cases WHERE caseworker_email IS NOT NULL"
            )
        ]
        out.append(("caseworker", caseworker, nearest(caseworker, names + emails)))
    if (
        setting
        and not conn.execute(
            "SELECT EXISTS (SELECT 1 FROM cases WHERE setting LIKE ? ESCAPE '\\')",
            (like_pattern(setting),),
        ).fetchone()[0]
    ):
        settings = [
            r[0]
            for r in conn.execute("SELECT DISTINCT setting FROM cases WHERE setting IS NOT NULL")
        ]
        out.append(("setting", setting, nearest(setting, settings)))
    if (
        need
        and not conn.execute(
            "SELECT EXISTS (SELECT 1 FROM cases WHERE primary_need = ?)", (need,)
        ).fetchone()[0]
    ):
        needs = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT primary_need FROM cases WHERE primary_need IS NOT NULL"
            )
        ]
        out.append(("need", need, sorted(needs)))
    return out


def similar_refs(conn: sqlite3.Connection, ref: str) -> list[str]:
    """Existing case references a mistyped `ref` may have meant: the same ignoring case first
    (rcc-0010 for RCC-0010), else close spellings among references sharing its first letters."""
    same = [
        r[0]
        for r in conn.execute(
            "SELECT case_ref FROM cases WHERE case_ref = ? COLLATE NOCASE ORDER BY case_ref LIMIT 3",
            (ref,),
        )
    ]
    if same:
        return same
    from difflib import get_close_matches

    head = like_pattern(ref[:3])[1:]  # 'abc%': references starting the same way
    pool = [
        r[0]
        for r in conn.execute(
            "SELECT case_ref FROM cases WHERE case_ref LIKE ? ESCAPE '\\' LIMIT 5000", (head,)
        )
    ]
    import re

    def key(r: str) -> str:  # RCC-010 and rcc-0010 alike: case and leading zeros aside
        return re.sub(r"\d+", lambda m: str(int(m.group())), r.upper())

    same_number = [r for r in pool if key(r) == key(ref)]
    return same_number[:3] or get_close_matches(ref.upper(), pool, n=3, cutoff=0.75)


def get_case(conn: sqlite3.Connection, ref: str) -> dict | None:
    r = conn.execute(
        f"SELECT {', '.join(FIELDS)}, year_offset, stays_sixth_form, created_utc, updated_utc FROM cases WHERE case_ref = ?",
        (ref,),
    ).fetchone()
    return dict(r) if r else None


def need_case(conn: sqlite3.Connection, ref: str) -> dict:
    case = get_case(conn, ref)
    if case is None:
        raise SendctlError(
            f"no case with reference {ref!r}",
            hint=ref_hint(conn, ref, "see 'sendctl cases list --search TEXT'"),
        )
    return case


def ref_hint(conn: sqlite3.Connection, ref: str, otherwise: str) -> str:
    """The hint for an unknown case reference: the references it may have meant, if any."""
    near = similar_refs(conn, ref)
    return ("did you mean " + " or ".join(repr(r) for r in near) + "?") if near else otherwise


def counts_by_plan(conn: sqlite3.Connection) -> dict[str, int]:
    """{plan_type: cases} (SQL aggregation over the plan_type index)."""
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT plan_type, COUNT(*) FROM cases GROUP BY plan_type ORDER BY plan_type"
        )
    }


# --- single edits -------------------------------------------------------------------------------


def add_case(conn: sqlite3.Connection, actor: Actor, case: dict) -> None:
    """Insert one validated case and its audit row (caller's transaction)."""
    if get_case(conn, case["case_ref"]) is not None:
        raise SendctlError(
            f"case {case['case_ref']!r} already exists",
            hint=f"change it with 'sendctl cases update {case['case_ref']} --FIELD VALUE'",
        )
    now = utc_now()
    conn.execute(
        f"INSERT INTO cases ({', '.join(FIELDS)}, created_utc, updated_utc) "
        f"VALUES ({', '.join('?' * (len(FIELDS) + 2))})",
        tuple(case[f] for f in FIELDS) + (now, now),
    )
    record(conn, actor, "case", case["case_ref"], "create", after=case)


def set_stays_sixth_form(conn: sqlite3.Connection, actor: Actor, ref: str, stays: bool) -> None:
    """Record whether a Year 11 pupil stays in the same school's sixth form (then there is no
    phase transfer after Year 11), audited."""
    conn.execute(
        "UPDATE cases SET stays_sixth_form = ?, updated_utc = ? WHERE case_ref = ?",
        (int(stays), utc_now(), ref),
    )
    record(
        conn,
        actor,
        "case",
        ref,
        "update",
        before={"stays_sixth_form": not stays},
        after={"stays_sixth_form": stays},
    )


def update_case(conn: sqlite3.Connection, actor: Actor, old: dict, new: dict) -> list[str]:
    """Write the fields that differ and audit them (before/after of those fields only).

    Returns the changed field names (empty: nothing written).
    """
    diff = [f for f in FIELDS if f != "case_ref" and old.get(f) != new.get(f)]
    if not diff:
        return []
    conn.execute(
        f"UPDATE cases SET {', '.join(f'{f} = ?' for f in diff)}, updated_utc = ? WHERE case_ref = ?",
        [new[f] for f in diff] + [utc_now(), old["case_ref"]],
    )
    record(
        conn,
        actor,
        "case",
        old["case_ref"],
        "update",
        before={f: old.get(f) for f in diff},
        after={f: new.get(f) for f in diff},
    )
    return diff
