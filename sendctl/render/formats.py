"""Output for every listing: Rich table (terminal), plain text, CSV and JSON.

JSON is a list of objects with the same names as the CSV columns; money columns carry
integer pence in `*_pence` and a formatted string beside it.
"""

import csv
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TextIO

from sendctl.domain.money import format_pence
from sendctl.render.columns import Column, header, human_value
from sendctl.render.output import NoClose, forget_outputs, open_output

__all__ = ["Column", "emit", "emit_record", "forget_outputs", "human_value", "open_output"]

FORMATS = ("table", "plain", "csv", "json", "xlsx")


def machine_fields(columns: list[Column]) -> list[str]:
    """CSV/JSON field names: every key, and for money `x_pence` also a formatted `x`."""
    fields = []
    for c in columns:
        fields.append(c.key)
        if c.kind == "money" and c.key.endswith("_pence"):
            fields.append(c.key[: -len("_pence")])
    return fields


def machine_row(row: dict, columns: list[Column]) -> dict:
    out = {}
    for c in columns:
        v = row.get(c.key)
        if c.kind == "bool" and v is not None:
            v = bool(v)
        out[c.key] = v
        if c.kind == "money" and c.key.endswith("_pence"):
            out[c.key[: -len("_pence")]] = format_pence(v) if v is not None else None
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Stop a spreadsheet reading a cell as a formula (CSV injection); numbers pass as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def write_csv(rows: Iterable[dict], fields: list[str], out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(fields)
    for r in rows:
        w.writerow([neutralise_cell("" if r.get(f) is None else r.get(f)) for f in fields])


def write_json(rows: Iterable[dict], out: TextIO) -> None:
    # Streamed, so a million-row listing never sits in memory as one JSON document.
    import json  # here, not at the top: table/plain output never needs it (start-up time)

    out.write("[")
    first = True
    for r in rows:
        out.write("\n  " if first else ",\n  ")
        out.write(json.dumps(r, ensure_ascii=False, default=str))
        first = False
    out.write("\n]\n" if not first else "]\n")


def write_plain(rows: Iterable[dict], columns: list[Column], out: TextIO) -> None:
    """Aligned text columns; widths from the first 1,000 rows so that it streams."""
    cols = [c for c in columns if c.human]
    it = iter(rows)
    head = list(islice(it, 1000))
    cells = [[human_value(r.get(c.key), c.kind) for c in cols] for r in head]
    headers = [header(c) for c in cols]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    right = [c.kind in ("money", "int", "pct") for c in cols]

    def line(values):
        parts = [
            (v.rjust(w) if r else v.ljust(w)) for v, w, r in zip(values, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip() + "\n"

    out.write(line(headers))
    out.write(line(["-" * w for w in widths]))
    for row in cells:
        out.write(line(row))
    for r in it:
        out.write(line([human_value(r.get(c.key), c.kind) for c in cols]))


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def resolve_format(fmt: str | None, output: Path | None) -> str:
    if fmt:
        return fmt
    to_stdout = output is None or str(output) == "-"
    return "table" if to_stdout and stdout_is_terminal() else "plain"


def emit(
    rows: Iterable[dict],
    columns: list[Column],
    fmt: str | None = None,
    output: Path | None = None,
    title: str | None = None,
    empty_message: str | None = None,
) -> int:
    """Write rows in the chosen format; return how many were written (for tables: shown)."""
    fmt = resolve_format(fmt, output)
    to_stdout = output is None or str(output) == "-"
    paged = None
    if to_stdout and fmt in ("table", "plain"):
        from sendctl.render import pager

        paged = pager.stream()
    if fmt == "table":
        from sendctl.render.tables import print_table

        if to_stdout:
            return print_table(
                rows, columns, title=title, empty_message=empty_message, out=paged or sys.stdout
            )
        with open_output(output) as out:
            return print_table(
                rows, columns, title=title, empty_message=empty_message, out=out, colour=False
            )
    if fmt == "xlsx":
        from sendctl.render.xlsx import write_xlsx  # loads XlsxWriter: only when asked for

        return write_xlsx(rows, columns, output, sheet=title or "sendctl")
    counter = _Counter(rows)
    with NoClose(paged) if paged else open_output(output, for_csv=fmt == "csv") as out:
        if fmt == "csv":
            write_csv((machine_row(r, columns) for r in counter), machine_fields(columns), out)
        elif fmt == "json":
            write_json((machine_row(r, columns) for r in counter), out)
        else:
            write_plain(counter, columns, out)
    return counter.n


class _Counter:
    def __init__(self, rows):
        self.rows = rows
        self.n = 0

    def __iter__(self) -> Iterator[dict]:
        for r in self.rows:
            self.n += 1
            yield r


def emit_record(
    record: dict, fmt: str | None, output: Path | None = None, title: str | None = None
) -> None:
    """One object (a dashboard, a summary): JSON as an object, otherwise key/value lines."""
    fmt = resolve_format(fmt, output)
    if fmt == "xlsx":
        from sendctl.render.xlsx import write_xlsx

        rows = [{"field": k, "value": v} for k, v in record.items()]
        write_xlsx(rows, [Column("field"), Column("value")], output, sheet=title or "sendctl")
        return
    with open_output(output) as out:
        if fmt == "json":
            import json

            out.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
            return
        if title:
            out.write(title + "\n")
        width = max((len(k) for k in record), default=0)
        for k, v in record.items():
            out.write(f"{k.replace('_', ' ').ljust(width)}  {'' if v is None else v}\n")
