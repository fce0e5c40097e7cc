"""An output column as every listing declares it, and how its values read for people."""

from typing import NamedTuple

from sendctl.domain.money import format_pence


class Column(NamedTuple):
    """One output column, declared once per listing.

    kind: text (free text: in a table it shrinks and is cut with an ellipsis first), code (a
    reference, code or short label that never wraps), date, money (pence), int, pct, bool,
    days (days left to a deadline: "3 days overdue" in a table). A text column whose key looks
    like a date, amount or reference is treated as one (sendctl.render.tables.effective_kind).
    priority: 1 = always shown; on a narrow terminal a table drops the largest numbers first.
    """

    key: str
    header: str | None = None
    kind: str = "text"
    human: bool = True  # shown in table/plain (machine formats always carry every column)
    priority: int = 1


def human_value(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return format_pence(value)
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "bool":
        return "yes" if value else "no"
    return str(value)


def header(c: Column) -> str:
    """The column's heading for people: its own, else its key in words (no _pence)."""
    if c.header:
        return c.header
    key = c.key[: -len("_pence")] if c.key.endswith("_pence") else c.key
    return key.replace("_", " ")
