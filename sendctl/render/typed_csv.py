"""CSV for a finance system that a spreadsheet can also open without changing a value.

CSV cannot say what type a cell is; each spreadsheet guesses. Opened in LibreOffice Calc (UK
locale) or Excel, `00123` becomes 123, `12-05` a date and `1E5` 100000. The convention here:

- every text cell (references, codes, names, descriptions) is in double quotes; numbers, amounts
  (two decimals, no £ or commas) and dates (dd/mm/yyyy) are bare. A finance system's importer
  reads the same values either way. LibreOffice's import dialog has "Format quoted field as text":
  with it ticked (it is remembered), quoted cells stay text exactly as written and are never
  evaluated as formulas, while dates and amounts still become dates and numbers.
- a text cell that a spreadsheet would take for a formula (starting `=`, `+`, `-`, `@`, tab or
  CR, and not a number) gets one leading space: no spreadsheet reads " =..." as a formula, and
  unlike the usual apostrophe guard, the space is not shown as a stray character in the cell.
- for a file to open with every type right and no dialog, use `--format xlsx`.

No `="..."` wrapping: that is itself a formula.
"""

from collections.abc import Iterable
from datetime import date
from typing import TextIO

from sendctl.domain.money import pence_to_decimal_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str) -> str:
    """A leading space before text that a spreadsheet would read as a formula."""
    if text.startswith(_FORMULA_START):
        try:
            float(text)
            return text
        except ValueError:
            return " " + text
    return text


def _quoted(text: str) -> str:
    return '"' + guard(text).replace('"', '""') + '"'


def cell(value, kind: str) -> str:
    """One CSV cell: kind is text, int, money (pence), or date."""
    if value is None or value == "":
        return ""
    if kind == "money":
        return pence_to_decimal_text(value)
    if kind == "date":
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        y, m, d = str(value).split("-")
        return f"{d}/{m}/{y}"
    if kind == "int" and isinstance(value, int):
        return str(value)
    return _quoted(str(value))


def write_typed_csv(
    rows: Iterable[dict], fields: list[str], types: dict[str, str], out: TextIO
) -> int:
    """Write rows (typed values) with the header `fields`; types maps a field to int, money or
    date (others are text). Returns the number of rows written."""
    kinds = [types.get(f, "text") for f in fields]
    out.write(",".join(fields) + "\r\n")
    n = 0
    for r in rows:
        out.write(",".join(cell(r.get(f), k) for f, k in zip(fields, kinds, strict=True)) + "\r\n")
        n += 1
    return n
