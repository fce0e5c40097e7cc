"""The first load of a case register (the register is empty), for a file without problems.

The row-by-row import (storage.cases.import_cases) collects every problem of a file with its
line, finds references given twice and plans updates; a first load of a clean file needs none
of that. Here each record of the csv module is stripped, checked by `RowChecker` (the case rules
asked once per distinct value; `validate_case` for a row it does not accept) and written by
executemany in file order, so the register, its row order and the audit come out as the
row-by-row import makes them.

At the first thing that needs a message (a problem in a row, a reference given twice, a file
with no data rows, a line with too many cells) `first_load` rolls back everything it wrote and
returns None: the caller then runs the row-by-row import, which reports it exactly.
"""

import sqlite3
from collections.abc import Callable, Iterable
from datetime import date
from itertools import chain
from operator import itemgetter

from sendctl.domain.case_rows import RowChecker
from sendctl.domain.cases import FIELDS, validate_case
from sendctl.storage.audit import Actor, utc_now
from sendctl.storage.cases import (
    ImportResult,
    audit_first_load,
    drop_case_indexes,
    hold_clock_queue,
    rebuild_indexes,
    record_import,
    release_clock_queue,
    set_year_offsets,
)
from sendctl.storage.db import transaction

BATCH = 5_000  # rows per executemany
ROWS_PER_INSERT = 50  # rows per INSERT statement (16 values each: well under SQLite's limit)
MAX_COLUMNS = 1000  # cells on a line; more is refused by the row-by-row reader, with its line


class _Fallback(Exception):
    """This file needs the row-by-row import (to report a problem, or to read it)."""


def first_load(
    conn: sqlite3.Connection,
    actor: Actor,
    records: Iterable[list[str]],
    columns: dict[int, str],
    width: int,
    as_of: date,
    source: str = "",
    progress: Callable[[], None] | None = None,
    bulk: bool = False,
    person_items: tuple[str, ...] = (),
) -> ImportResult | None:
    """Load the data records of a file into the empty register, inside the caller's
    transaction; None (nothing written) when the row-by-row import must do it.

    Args:
        records: the file's data records as the csv module reads them (unstripped cells).
        columns: {cell index: field} of the header; width: the header's number of cells.
        as_of: the date the register is as at.
        source: the file's name for the summary audit row.
        progress: called after every BATCH rows.
        bulk: a large file: the secondary indexes of cases are dropped for the load and built
            again at the end (one sort each instead of a b-tree insert per row).
        person_items: the SEN2 return's person items, in the order they are staged and
            audited (a file's columns for them go to sen2_person).
    """
    if conn.execute("SELECT 1 FROM main.cases LIMIT 1").fetchone() is not None:
        return None
    try:
        with transaction(conn):  # a savepoint in the caller's transaction: all or nothing
            return _load(
                conn, actor, records, columns, width, as_of, source, progress, bulk, person_items
            )
    except (_Fallback, sqlite3.IntegrityError):  # a reference twice: the primary key said so
        return None


def _writer(conn: sqlite3.Connection, now: str) -> Callable[[list[tuple]], None]:
    """write(rows): insert rows (the values of FIELDS) in order, created and updated `now`.

    ROWS_PER_INSERT rows to a statement: SQLite prepares the CHECK constraints' value lists
    once per statement run, and so do Python's bindings; a row to a statement costs about
    0.4 s more at 200,000 rows."""
    stamp = "'" + now.replace("'", "''") + "'"  # one value for every row: not bound per row
    one = f"({', '.join('?' * len(FIELDS))}, {stamp}, {stamp})"
    head = f"INSERT INTO main.cases ({', '.join(FIELDS)}, created_utc, updated_utc) VALUES "
    many = head + ", ".join([one] * ROWS_PER_INSERT)

    def write(rows: list[tuple]) -> None:
        whole = len(rows) - len(rows) % ROWS_PER_INSERT
        conn.executemany(
            many,
            (
                list(chain.from_iterable(rows[i : i + ROWS_PER_INSERT]))
                for i in range(0, whole, ROWS_PER_INSERT)
            ),
        )
        conn.executemany(head + one, rows[whole:])

    return write


def _load(
    conn, actor, records, columns, width, as_of, source, progress, bulk, person_items
) -> ImportResult:
    # A page cache bigger than SQLite's 2 MB default for the table, its key and the index
    # sorts; 32 MB, not more: at 1,000,000 rows 64 MB took the peak memory to 147 MB (the
    # goal is under 150) and was no faster.
    conn.execute("PRAGMA cache_size = -32768")
    now = utc_now()
    rebuild = drop_case_indexes(conn) if bulk else []
    queue_trigger = hold_clock_queue(conn)  # the clock store's queue: one statement at the end
    write = _writer(conn, now)
    # a record's cells in FIELDS order (a field with no column reads the '' put at `width`)
    index = {f: i for i, f in columns.items()}
    pick = itemgetter(*(index.get(f, width) for f in FIELDS))
    missing = [""] if any(f not in index for f in FIELDS) else []
    check = RowChecker(as_of).check
    person = _PersonItems(conn, [(f, index[f]) for f in person_items if f in index])
    n = 0
    batch: list[tuple] = []
    for cells in records:
        if len(cells) != width or not cells[0].strip():
            if not any(c.strip() for c in cells):
                continue  # a blank line, as the reader skips it
            if len(cells) > MAX_COLUMNS:
                raise _Fallback("too many cells on a line")
            if any(c.strip() for c in cells[width:]):
                raise _Fallback("a value beyond the header's columns")  # the reader reports it
            # a short record reads as empty cells, a long one's surplus is no column's
            cells = (cells + [""] * width)[:width]
        stripped = list(map(str.strip, cells))
        stripped += missing
        row = pick(stripped)
        values = check(row)
        if values is None:
            case, problems = validate_case(dict(zip(FIELDS, row, strict=True)), as_of)
            if problems or case is None:
                raise _Fallback("a row with a problem")
            values = tuple(case[f] for f in FIELDS)
        if person.fields:
            person.add(values[0], stripped)
        batch.append(values)
        n += 1
        if len(batch) >= BATCH:
            write(batch)
            batch.clear()
            if progress:
                progress()
    write(batch)
    person.flush()
    if not n:
        raise _Fallback("no data rows")
    # one "create" audit row per case in file order, as the row-by-row import's first load
    audit_first_load(conn, actor, now)
    rebuild_indexes(conn, rebuild)
    if queue_trigger is not None:
        release_clock_queue(conn, queue_trigger)
    set_year_offsets(conn, as_of, "updated_utc = :stamp", {"stamp": now})
    res = ImportResult(rows=n, added=n)
    record_import(conn, actor, source, res, as_of)
    person.apply(actor, source)
    return res


class _PersonItems:
    """The SEN2 return's person items of a case file (sex, ethnicity, postcode, ULN, reason a
    UPN is unknown), staged as the row-by-row import stages them (storage.sen2) and written
    after the cases; each value checked once by domain.sen2.clean_item."""

    def __init__(self, conn: sqlite3.Connection, fields: list[tuple[str, int]]):
        self.conn, self.fields = conn, fields
        self.names = [f for f, _ in fields]
        self.rows: list[tuple] = []
        self.seen: dict[tuple[str, str], str | None] = {}
        if fields:
            from sendctl.storage.sen2 import stage_person_items

            stage_person_items(conn, self.names)

    def add(self, ref: str, cells: list[str]) -> None:
        values = [ref]
        for field, i in self.fields:
            key = (field, cells[i])
            if key not in self.seen:
                from sendctl.domain.sen2 import clean_item

                value, problem = clean_item(field, cells[i])
                if problem:
                    raise _Fallback("a person item with a problem")
                if len(self.seen) >= 50_000:
                    self.seen.clear()
                self.seen[key] = value
            values.append(self.seen[key])
        self.rows.append(tuple(values))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            from sendctl.storage.sen2 import stage_rows

            stage_rows(self.conn, self.names, self.rows)
            self.rows.clear()

    def apply(self, actor: Actor, source: str) -> None:
        if self.fields:
            from sendctl.storage.sen2 import apply_staged_person_items

            apply_staged_person_items(self.conn, actor, self.names, source)
