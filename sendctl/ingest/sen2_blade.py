"""Read a SEN2 return from the collection system's CSV tables (COLLECT's "Blade" export).

COLLECT exports one CSV per module, named `Blade-Export_<DD-MM-YYYY>_<table>.csv`: the header
(`sen2`), `person`, `requests`, `assessment`, `namedplan`, `plandetail`, `activeplans`,
`placementdetail`, `senneed`. Column names are the return's item names in lower case; each table
has its own key `<table>tableid` and its parent's key, and an order column
`<table>orderseqcolumn`. Dates are written `2022-Sep-28 00:00:00`; yes/no items 1/0 (true/false
and Y/N are accepted). The tables are joined on their keys into the same model of one child as
the XML reader gives (domain.sen2), so the import and every check are the XML route's.

The tables are read whole (the keys join across files), then the children are handed over one
at a time. Problems name the file, the line and the column, never a personal value; any
problem refuses the whole set: nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sendctl.domain.errors import SendctlError
from sendctl.domain.sen2 import INDICATORS, INPUT_ALIASES, MODULES, PERSONAL

# table -> (module, parent table); the header table "sen2" has no module
TABLES: dict[str, tuple[str | None, str | None]] = {
    "sen2": (None, None),
    "person": ("person", "sen2"),
    "requests": ("requests", "person"),
    "assessment": ("assessment", "requests"),
    "namedplan": ("named_plan", "assessment"),
    "plandetail": ("plan_detail", "namedplan"),
    "activeplans": ("active_plans", "requests"),
    "placementdetail": ("placement_detail", "activeplans"),
    "senneed": ("sen_need", "activeplans"),
}
HEADER_COLUMNS = {
    "collection": "collection",
    "year": "year",
    "referencedate": "reference_date",
    "sourcelevel": "source_level",
    "lea": "lea",
    "softwarecode": "software_code",
    "release": "release",
    "serialno": "serial_no",
    "datetime": "date_time",
    "dmo": "dmo",
    "dco": "dco",
    "dsco": "dsco",
}
_FILE = re.compile(r"(?:.*_)?([a-z0-9]+)\.csv\Z", re.I)
_BLADE_DATE = re.compile(r"(\d{4})-([A-Za-z]{3})-(\d{1,2})(?: \d{2}:\d{2}:\d{2})?\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_YES_NO = {"1": "1", "0": "0", "true": "1", "false": "0", "y": "1", "n": "0"}


class BladeProblems(SendctlError):
    """Problems in a set of Blade CSV files (exit 1, nothing written)."""


class Problems:
    """Every problem of the set, as `FILE:LINE: column: message` (a personal value never)."""

    def __init__(self, name: str):
        self.name, self.lines, self.count = name, [], 0

    def add(self, where: tuple[str, int] | None, column: str, message: str, value=None) -> None:
        self.count += 1
        if len(self.lines) < 50:
            got = f" (got {value!r})" if value is not None else ""
            at = f"{where[0]}:{where[1]}" if where else self.name
            self.lines.append(f"{at}: {column}: {message}{got}")

    def raise_if_any(self, dry_run: bool = False) -> None:
        if self.count:
            more = [f"... and {self.count - len(self.lines):,} more"] if self.count > 50 else []
            what = "imported (dry run)" if dry_run else "imported"
            raise BladeProblems(
                "\n".join(
                    self.lines
                    + more
                    + [f"{self.count} problem(s) in {self.name}; nothing was {what}"]
                )
            )


def is_blade(paths: list[Path]) -> bool:
    """A folder, or CSV files: the Blade route (an XML file is a return as DfE receives it)."""
    return len(paths) > 1 or paths[0].is_dir() or paths[0].suffix.lower() == ".csv"


def find_tables(paths: list[Path], problems: Problems) -> dict[str, Path]:
    """{table: file} from a folder (every CSV in it) or the files given; each table once."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.suffix.lower() == ".csv")
        elif not p.exists():
            raise SendctlError(f"{p}: no such file or folder")
        else:
            files.append(p)
    found: dict[str, Path] = {}
    for f in files:
        m = _FILE.match(f.name)
        table = m.group(1).lower() if m else None
        if table not in TABLES:
            problems.add(
                None,
                f.name,
                f"not a SEN2 Blade table (expected a name ending _<table>.csv, table one of {', '.join(TABLES)})",
            )
            continue
        if table in found:
            problems.add(None, f.name, f"a second {table} table (the first: {found[table].name})")
            continue
        found[table] = f
    for table in ("sen2", "person"):
        if table not in found and not problems.count:
            problems.add(
                None, f"_{table}.csv", "table missing: the header and person tables are needed"
            )
    return found


def _date(text: str) -> str | None:
    """'2022-Sep-28 00:00:00' or '2022-09-28' -> '2022-09-28'; None when it is neither."""
    m = _BLADE_DATE.match(text)
    try:
        if m:
            return (
                datetime.strptime(f"{m.group(1)}-{m.group(2).title()}-{m.group(3)}", "%Y-%b-%d")
                .date()
                .isoformat()
            )
        if _ISO_DATE.match(text):
            return datetime.strptime(text, "%Y-%m-%d").date().isoformat()
    except ValueError:
        return None
    return None


def _columns(module: str | None) -> dict[str, str]:
    """{lower-case column: field} of a table (other readers' spellings accepted)."""
    if module is None:
        return dict(HEADER_COLUMNS)
    cols = {el.lower(): f for el, f, *_ in MODULES[module][1]}
    for alias, el in INPUT_ALIASES.items():
        if el.lower() in cols:
            cols[alias] = cols[el.lower()]
    return cols


def _value(field: str, text: str, where, column: str, problems: Problems) -> str | None:
    t = text.strip()
    if t == "":
        return None
    shown = None if field in PERSONAL else t
    if field.endswith("_on") or field in ("date_of_birth", "reference_date"):
        d = _date(t)
        if d is None:
            problems.add(
                where, column, "expected a date like 2022-Sep-28 00:00:00 or 2022-09-28", shown
            )
        return d
    if field == "date_time":
        m = re.match(r"(\d{4})-([A-Za-z]{3})-(\d{1,2}) (\d{2}:\d{2}:\d{2})\Z", t)
        if m:
            d = _date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
            return f"{d}T{m.group(4)}" if d else t
        return t
    if field in INDICATORS:
        v = _YES_NO.get(t.lower())
        if v is None:
            problems.add(where, column, "expected 1 or 0 (true/false, Y/N)", shown)
        return v
    return t


def read_blade(paths: list[Path], name: str) -> tuple[dict, Iterator[tuple[dict, int]], Problems]:
    """(header, children as (person, line in the person table), problems). Structural problems
    (keys, parents, dates, indicators) are in `problems`; the caller adds its own and refuses
    the set when there are any."""
    from sendctl.ingest.csvfile import CsvSource

    problems = Problems(name)
    tables = find_tables(paths, problems)
    problems.raise_if_any()
    header: dict = {}
    records: dict[str, dict[str, dict]] = {}  # table -> {tableid: record}
    order: dict[str, list[tuple[tuple, str, str | None]]] = {}  # table -> [(sort, id, parent id)]
    for table, (module, parent) in TABLES.items():
        f = tables.get(table)
        if f is None:
            continue
        cols = _columns(module)
        key, pkey = f"{table}tableid", f"{parent}tableid" if parent else None
        seq = f"{table}orderseqcolumn"
        aliases = {c: () for c in (*cols, key, seq, *([pkey] if pkey else []))}
        src = CsvSource(f, aliases, required={key, *([pkey] if pkey else [])})
        recs: dict[str, dict] = {}
        rows: list[tuple[tuple, str, str | None]] = []
        for line, row in src.rows():
            where = (f.name, line)
            tid = (row.get(key) or "").strip()
            if not tid:
                problems.add(where, key, "missing: every row needs its key")
                continue
            if tid in recs:
                problems.add(where, key, "the same key twice in this table", tid)
                continue
            if module is None:
                for c, field in cols.items():
                    if row.get(c) not in (None, ""):
                        header[field] = _value(field, row[c], where, c, problems)
                recs[tid] = {}
                continue
            rec: dict = {"_line": line, "_file": f.name}
            for ck, _child, rep in MODULES[module][2]:
                rec[ck] = [] if rep else None
            for c, field in cols.items():
                if c in row:
                    v = _value(field, row[c], where, c, problems)
                    if v is not None:
                        rec[field] = v
            recs[tid] = rec
            s = (row.get(seq) or "").strip()
            rows.append(
                (
                    (0, int(s)) if s.isdigit() else (1, line),
                    tid,
                    (row.get(pkey) or "").strip() if pkey else None,
                )
            )
        records[table], order[table] = recs, rows
    # join children to parents, in each table's order
    for table, (module, parent) in TABLES.items():
        if parent is None or table not in order:
            continue
        parents = records.get(parent, {})
        pmodule = TABLES[parent][0]
        for _s, tid, pid in sorted(order[table]):
            rec = records[table][tid]
            where = (rec["_file"], rec["_line"])
            if pmodule is None:
                if pid not in parents:
                    problems.add(where, f"{parent}tableid", "no such header row", pid)
                continue
            if pid not in parents:
                problems.add(where, f"{parent}tableid", f"no {parent} row with this key", pid)
                continue
            prec = parents[pid]
            k, _, rep = next(x for x in MODULES[pmodule][2] if x[1] == module)
            if rep:
                prec[k].append(rec)
            elif prec[k] is not None:
                problems.add(
                    where,
                    f"{parent}tableid",
                    f"a second {table} row for one {parent} row (only one is allowed)",
                    pid,
                )
            else:
                prec[k] = rec
    persons = [records["person"][tid] for _s, tid, _p in sorted(order.get("person", []))]

    def children() -> Iterator[tuple[dict, int]]:
        for p in persons:
            yield p, p["_line"]

    return header, children(), problems
