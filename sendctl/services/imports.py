"""Imports from CSV (cases, panel decisions, spend): one pipeline for all of them.

    read rows (ingest.csvfile) -> validate each into Problems -> plan (added / updated /
    unchanged, or posted / already posted) -> write, all in ONE session transaction

Every row is validated and written as it streams past, inside the transaction; a file with any
problem is refused whole (the transaction rolls back), and a dry run is the same transaction
rolled back at its end, so a dry run does every check and write a real run does. Memory stays
flat in the file size: the storage importers keep no per-row state in Python (duplicates are
found by SQLite).

Problems carry the domain field (or the file's canonical column) name; the CLI turns it into
the heading as written in the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path

from sendctl.services.refusals import ImportRefused, ProblemList

BULK_BYTES = 5 * 1024 * 1024  # a file this big loads with the bulk paths (indexes rebuilt after)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would have done)."""

    kind: str  # "cases", "panel" or "spend"
    name: str  # the file as named in messages
    dry_run: bool = False
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # cases: identical rows; panel and spend: rows already recorded
    encoding: str | None = None
    unknown_columns: list[str] = field(default_factory=list)
    fields_changed: Counter = field(default_factory=Counter)
    total_pence: int = 0  # spend: the sum of the entries posted
    linked: int = 0  # spend: rows already posted, linked now to the capital project they name
    warnings: list[str] = field(default_factory=list)


Progress = Callable[[int, int], None]  # (bytes read, file size)


def _pipeline(
    session,
    kind: str,
    file: Path | str,
    aliases,
    required,
    encoding: str | None,
    dry_run: bool,
    load,
    conn=None,
    progress: Progress | None = None,
) -> ImportResult:
    """Read FILE, hand its rows to `load(conn, rows, problems, src, result, tick)` inside one
    transaction, refuse the whole file on any problem; a dry run rolls the same block back.

    The header is read before the transaction starts (a file that is not CSV, or lacks a
    required column, never takes the write lock). `load` is the noun's storage importer: it
    validates each row into `problems`, plans and writes; `tick()` reports progress."""
    from sendctl.ingest.csvfile import CsvSource
    from sendctl.storage.db import transaction

    problems = ProblemList()
    src = CsvSource(file, aliases, required=set(required), encoding=encoding, problems=problems)
    result = ImportResult(kind, src.name, dry_run=dry_run)
    if conn is None:  # a dry run never creates the database
        conn = session.connect(write=not dry_run)

    it = src.rows()
    first = next(it, None)  # reads the header before the lock is taken: columns are known
    result.unknown_columns = list(src.unknown)
    if src.unknown:
        session.warn(f"{src.name}: ignored column(s): {', '.join(src.unknown)}")
    rows = chain([first], it) if first is not None else iter(())

    tick = (lambda: progress(src.bytes_read, src.size)) if progress is not None else None
    with transaction(conn, dry_run=dry_run):
        load(conn, rows, problems, src, result, tick)
        result.encoding = src.detected_encoding
        if problems.count:
            raise ImportRefused(
                src.name, problems.problems, problems.count, src.headings(), dry_run
            )
    return result


# --- cases ------------------------------------------------------------------------------------


def import_cases(
    session,
    file: Path | str,
    as_of: date,
    encoding: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate FILE and upsert its cases by case_ref: all rows or none.

    New references are added, changed rows updated (each changed field audited), identical
    rows left alone. A dry run with no database yet checks against an empty register in memory
    (nothing is created).
    """
    from sendctl.domain.cases import ALIASES, REQUIRED
    from sendctl.domain.sen2 import PERSON_ALIASES
    from sendctl.services.sen2 import split_person_items
    from sendctl.storage.cases import import_cases as load_cases

    conn = None
    if dry_run and not Path(session.db_path).exists():
        conn = _empty_register()

    def load(conn, rows, problems, src, result, tick):
        res = _first_load_in_bulk(session, conn, src, as_of, progress)
        if res is not None:
            result.rows, result.added = res.rows, res.added
            return
        # the SEN2 return's person items (optional columns) go to their own table
        rows, finish = split_person_items(
            session, conn, rows, set(src.columns.values()), problems, Path(src.name).name
        )
        res = load_cases(
            conn,
            session.actor(),
            rows,
            set(src.columns.values()),
            as_of,
            errors=problems,
            source=Path(src.name).name,
            progress=tick,
            bulk=src.size > BULK_BYTES,
        )
        finish()
        result.rows, result.added = res.rows, res.added
        result.updated, result.unchanged = res.updated, res.unchanged
        result.fields_changed = res.fields_changed

    try:
        return _pipeline(
            session,
            "cases",
            file,
            ALIASES | PERSON_ALIASES,
            REQUIRED,
            encoding,
            dry_run,
            load,
            conn=conn,
            progress=progress,
        )
    finally:
        if conn is not None:
            conn.close()


def _first_load_in_bulk(session, conn, src, as_of: date, progress):
    """The first load of a plain file into an empty register (storage.cases_bulk), once the
    header is read; None when the row-by-row import must do it: a file with a problem to report,
    or one that needs the line-by-line reader."""
    from sendctl.domain.cases import FIELDS
    from sendctl.ingest.csvfile import NotPlain
    from sendctl.services.sen2 import PERSON_ITEMS
    from sendctl.storage.cases_bulk import first_load

    if not set(src.columns.values()) <= set(FIELDS) | set(PERSON_ITEMS):
        return None
    records = src.records()
    tick = (lambda: progress(src.bytes_read, src.size)) if progress is not None else None
    try:
        return first_load(
            conn,
            session.actor(),
            records,
            src.columns,
            src.width,
            as_of,
            source=Path(src.name).name,
            progress=tick,
            bulk=src.size > BULK_BYTES,
            person_items=PERSON_ITEMS,
        )
    except NotPlain:
        return None
    finally:
        records.close()


def _empty_register():
    import sqlite3

    from sendctl.storage.migrations import migrate

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    migrate(conn)
    return conn


# --- panel decisions ----------------------------------------------------------------------------


def import_panel(
    session,
    file: Path | str,
    encoding: str | None = None,
    dry_run: bool = False,
    source: str | None = None,
) -> ImportResult:
    """Insert FILE's panel decisions, skipping those already recorded: all rows or none.

    source: recorded on each decision (default "import FILE").
    """
    from sendctl.domain.panel import CSV_ALIASES, CSV_REQUIRED
    from sendctl.storage.panel import import_decisions

    def load(conn, rows, problems, src, result, tick):
        res = import_decisions(
            conn, session.actor(), rows, problems, source=source or f"import {Path(src.name).name}"
        )
        result.rows, result.added, result.unchanged = res.rows, res.added, res.duplicates

    return _pipeline(session, "panel", file, CSV_ALIASES, CSV_REQUIRED, encoding, dry_run, load)


# --- spend ------------------------------------------------------------------------------------

SPEND_REQUIRED = ("fund", "date", "amount", "description")


def import_spend(
    session, file: Path | str, encoding: str | None = None, dry_run: bool = False
) -> ImportResult:
    """Post FILE's payments and commitments, skipping rows an earlier import posted: all or none.

    Balances are checked row by row against a running balance per fund (one SUM per fund at
    the start), exactly as if the rows were posted one after another.
    """
    from sendctl.storage.ledger import IMPORT_ALIASES, import_entries

    def load(conn, rows, problems, src, result, tick):
        res = import_entries(conn, session.actor(), rows, problems, today=session.today)
        result.rows, result.added, result.unchanged = res.rows, res.added, res.duplicates
        result.total_pence, result.warnings = res.total_pence, res.warnings
        result.linked = res.linked

    return _pipeline(
        session, "spend", file, IMPORT_ALIASES, SPEND_REQUIRED, encoding, dry_run, load
    )
