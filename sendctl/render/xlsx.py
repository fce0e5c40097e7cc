"""`--format xlsx`: a typed spreadsheet that a finance officer can open without Excel guessing.

Every cell is written with its type: references and codes as text (so `00123`, `12-05` and
`1E5` stay as typed), dates as date cells shown dd/mm/yyyy, money as numbers with a £ format
and two decimals, counts as numbers, yes/no as booleans. No cell is ever a formula: text that
starts with `=` is written as a text cell, so nothing needs a guard character. The header row
is frozen and bold, and columns are sized from the header and the first rows.

XlsxWriter in constant_memory mode writes each row to disk as it goes, so a listing of a million
rows streams in constant memory (bench/xlsx_writers.py measured it against openpyxl's
write_only mode). It is imported here only, and this module only when xlsx is asked for.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path

from sendctl.domain.errors import SendctlError
from sendctl.render.columns import Column
from sendctl.render.output import open_output

MAX_ROWS = 1_048_575  # an xlsx sheet holds 1,048,576 rows, one of them the header
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
PCT_FORMAT = '0.0"%"'  # values are already percentages (28.9 means 28.9%)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WIDTH_SAMPLE = 1000


def field_name(c: Column) -> str:
    """The sheet's header: the CSV/JSON field name; a money column `x_pence` is `x`, in pounds."""
    if c.kind == "money" and c.key.endswith("_pence"):
        return c.key[: -len("_pence")]
    return c.key


def _is_date_column(c: Column) -> bool:
    return (
        c.kind == "date" or c.key.endswith(("_on", "_date")) or c.key in ("date", "date_of_birth")
    )


def cell(value, c: Column):
    """(kind, python value) of one cell: kind is blank, text, number, money, pct, bool or date."""
    if value is None or value == "":
        return "blank", None
    if c.kind == "money":
        return "money", value / 100
    if c.kind == "pct" and isinstance(value, int | float):
        return "pct", value
    if c.kind == "bool":
        return "bool", bool(value)
    if isinstance(value, datetime):
        return "text", value.isoformat()
    if isinstance(value, date):
        return "date", value
    if isinstance(value, str) and _is_date_column(c) and _ISO_DATE.match(value):
        try:
            return "date", date.fromisoformat(value)
        except ValueError:
            return "text", value
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, int | float):
        return "number", value
    if isinstance(value, dict | list):
        return "text", json.dumps(value, ensure_ascii=False, default=str)
    return "text", str(value)


def _shown_width(kind: str, value) -> int:
    if kind == "blank":
        return 0
    if kind == "date":
        return 10
    if kind == "money":
        return len(f"£{value:,.2f}")
    if kind == "bool":
        return 5
    return len(str(value))


def write_xlsx(
    rows: Iterable[dict], columns: list[Column], output: Path | None, sheet: str = "sendctl"
) -> int:
    """Write rows to an xlsx file; returns how many rows were written.

    output: a file name; '-' writes to stdout only when it is not a terminal (binary on a
    terminal is useless). Refused without --output.
    """
    to_stdout = output is not None and str(output) == "-"
    if output is None or (to_stdout and sys.stdout.isatty()):
        raise SendctlError(
            "--format xlsx: give --output FILE.xlsx (a spreadsheet is a binary file, not for a terminal)"
        )
    if to_stdout:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "out.xlsx"
            n = write_xlsx(rows, columns, path, sheet)
            with open(path, "rb") as f:
                sys.stdout.flush()
                shutil.copyfileobj(f, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            return n
    with open_output(output, binary=True) as f:
        try:
            return _write(f, rows, columns, sheet)
        except BaseException:
            f.close()
            os.unlink(output)  # never leave half a spreadsheet behind
            raise


def _write(f, rows: Iterable[dict], columns: list[Column], sheet: str) -> int:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        f,
        {
            "constant_memory": True,
            # Nothing is guessed from text: a string stays a string, never a formula, number or link.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": DATE_FORMAT,
        },
    )
    ws = wb.add_worksheet(re.sub(r"[\[\]:*?/\\']", " ", sheet).strip()[:31] or "sendctl")
    fmt = {
        "date": wb.add_format({"num_format": DATE_FORMAT}),
        "money": wb.add_format({"num_format": MONEY_FORMAT}),
        "pct": wb.add_format({"num_format": PCT_FORMAT}),
        "text": wb.add_format({"num_format": "@"}),
    }
    header = [field_name(c) for c in columns]
    it = iter(rows)
    head = list(islice(it, _WIDTH_SAMPLE))
    widths = [len(h) for h in header]
    for r in head:
        for i, c in enumerate(columns):
            kind, value = cell(r.get(c.key), c)
            widths[i] = max(widths[i], _shown_width(kind, value))
    for i, w in enumerate(widths):
        ws.set_column(i, i, min(max(w, 4), 60) + 2)
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, header, wb.add_format({"bold": True}))
    n = 0
    for n, r in enumerate(chain(head, it), 1):
        if n > MAX_ROWS:
            raise SendctlError(
                f"--format xlsx: more than {MAX_ROWS:,} rows, the most a spreadsheet sheet holds",
                hint="narrow the listing (e.g. --fy, --period) or use --format csv",
            )
        for i, c in enumerate(columns):
            kind, value = cell(r.get(c.key), c)
            if kind == "blank":
                continue
            if kind == "text":
                ws.write_string(n, i, value, fmt["text"])
            elif kind == "date":
                ws.write_datetime(n, i, value, fmt["date"])
            elif kind == "bool":
                ws.write_boolean(n, i, value)
            elif kind in ("money", "pct"):
                ws.write_number(n, i, value, fmt[kind])
            else:
                ws.write_number(n, i, value)
    wb.close()
    return n
