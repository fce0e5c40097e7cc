"""Tables for a terminal that fit its width: a reference, date, amount or code is never split.

How a table is laid out (`layout`):
  1. every column's natural width is its widest cell or header (over the first rows);
  2. columns that must not wrap (kinds code, date, money, int, pct, bool, days) keep it;
     free-text columns may shrink to a minimum and are cut with an ellipsis;
  3. if even that is too wide, whole columns are dropped, the lowest priority (largest
     `Column.priority`) first and, among equals, the rightmost; the first column (the
     reference) always stays; a one-line note under the table names the dropped columns.

It is drawn with plain strings and ANSI codes, not Rich: a Rich table costs about 1 ms a row,
this a few microseconds, so the whole register can be listed (through the pager) at once.
Colour only on a terminal, never with NO_COLOR or TERM=dumb (FORCE_COLOR forces it).
"""

import os
import shutil
import sys
from collections.abc import Iterable
from itertools import chain, islice
from typing import TextIO

from sendctl.render.columns import Column, header, human_value

NO_WRAP_KINDS = frozenset({"code", "date", "money", "int", "pct", "bool", "days"})
RIGHT_KINDS = frozenset({"money", "int", "pct"})
GAP = 2  # spaces between columns
MIN_TEXT = 8  # a free-text column is not shrunk below this (or its header)
SAMPLE = 1000  # rows measured for the widths; later rows stream through with the same widths
DUE_SOON_DAYS = 14  # a clock due within this many days is drawn amber
# keys whose values are references or short codes wherever they appear (never wrapped)
CODE_KEYS = frozenset(
    {
        "case_ref",
        "ref",
        "code",
        "fund",
        "id",
        "upn",
        "clock",
        "status",
        "state",
        "event",
        "outcome",
        "action",
        "kind",
        "request",
        "decision",
        "financial_year",
    }
)

RED, AMBER, BOLD, DIM, RESET = "\x1b[31m", "\x1b[33m", "\x1b[1m", "\x1b[2m", "\x1b[0m"


def effective_kind(c: Column) -> str:
    """The column's kind; undeclared (text) columns are recognised by their key, so a listing
    that forgets to declare a date or a reference still never has it split."""
    k = c.key
    if k == "days_left" and c.kind in ("text", "int"):
        return "days"
    if c.kind != "text":
        return c.kind
    if k.endswith("_pence"):
        return "money"
    if k.endswith(("_on", "_date", "_utc")) or k == "date":
        return "date"
    if k in CODE_KEYS or k.endswith(("_ref", "_id", "_code")):
        return "code"
    return "text"


def days_phrase(days_left) -> str:
    """Days to a deadline as people say them: '166 days overdue', 'due today', 'due in 2 days'."""
    if days_left is None or days_left == "":
        return ""
    n = int(days_left)
    if n < 0:
        return f"{-n} day{'s' if n != -1 else ''} overdue"
    if n == 0:
        return "due today"
    return f"due in {n} day{'s' if n != 1 else ''}"


def cell_text(value, kind: str) -> str:
    if kind == "days":
        return days_phrase(value)
    return human_value(value, kind)


def row_urgency(row: dict) -> str | None:
    """'overdue', 'due' or None: from the row's status if it has one, else from days_left."""
    status = row.get("status")
    if status in ("overdue", "due"):
        return status
    if status is not None:
        return None
    days = row.get("days_left")
    if isinstance(days, int):
        if days < 0:
            return "overdue"
        if days <= DUE_SOON_DAYS:
            return "due"
    return None


def colour_enabled(stream: TextIO) -> bool:
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width() -> int:
    """COLUMNS if set, else the terminal's width, else 80 (the real stdout, also when paging)."""
    return max(20, shutil.get_terminal_size((80, 24)).columns)


def layout(columns: list[Column], cells: list[list[str]], width: int):
    """(indexes of the columns shown, their widths, dropped column indexes); see the module doc."""
    kinds = [effective_kind(c) for c in columns]
    headers = [header(c) for c in columns]
    need = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    least = [
        n if kinds[i] in NO_WRAP_KINDS else min(n, max(len(headers[i]), MIN_TEXT))
        for i, n in enumerate(need)
    ]

    def total(idx, w):
        return sum(w[i] for i in idx) + GAP * (len(idx) - 1)

    shown = list(range(len(columns)))
    dropped = []
    while len(shown) > 1 and total(shown, least) > width:
        victim = max(shown[1:], key=lambda i: (columns[i].priority, i))
        shown.remove(victim)
        dropped.append(victim)
    widths = {i: least[i] for i in shown}
    spare = width - total(shown, least)
    hungry = [i for i in shown if need[i] > widths[i]]
    while spare > 0 and hungry:
        share = max(1, spare // len(hungry))
        for i in list(hungry):
            add = min(share, need[i] - widths[i], spare)
            widths[i] += add
            spare -= add
            if widths[i] >= need[i]:
                hungry.remove(i)
            if not spare:
                break
    return shown, [widths[i] for i in shown], sorted(dropped)


def _fit(text: str, width: int, right: bool, ellipsis: str) -> str:
    if len(text) > width:
        return text[: max(width - 1, 0)] + ellipsis
    return text.rjust(width) if right else text.ljust(width)


def print_table(
    rows: Iterable[dict],
    columns: list[Column],
    title: str | None = None,
    empty_message: str | None = None,
    out: TextIO | None = None,
    width: int | None = None,
    colour: bool | None = None,
) -> int:
    """Draw rows as a table fitting `width` (default: the terminal's); return how many.
    colour: default on when stdout is a colour terminal."""
    out = out or sys.stdout
    width = width or terminal_width()
    if colour is None:
        colour = colour_enabled(sys.stdout)
    unicode = (
        "utf"
        in (getattr(out, "encoding", None) or getattr(sys.stdout, "encoding", "") or "").lower()
    )
    ellipsis, rule_char = ("…", "─") if unicode else ("~", "-")
    cols = [c for c in columns if c.human]
    kinds = [effective_kind(c) for c in cols]
    it = iter(rows)
    head = list(islice(it, SAMPLE))
    if not head:
        if empty_message:
            out.write(empty_message + "\n")
        return 0
    sample = [[cell_text(r.get(c.key), k) for c, k in zip(cols, kinds, strict=True)] for r in head]
    shown, widths, dropped = layout(cols, sample, width)
    right = [kinds[i] in RIGHT_KINDS for i in shown]
    no_wrap = [kinds[i] in NO_WRAP_KINDS for i in shown]

    def line(values: list[str]) -> str:
        parts = []
        for v, w, r, keep in zip(values, widths, right, no_wrap, strict=True):
            parts.append((v.rjust(w) if r else v.ljust(w)) if keep else _fit(v, w, r, ellipsis))
        return (" " * GAP).join(parts).rstrip()

    def styled(text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if colour else text

    if title:
        out.write(styled(title, BOLD) + "\n")
    out.write(styled(line([header(cols[i]) for i in shown]), BOLD) + "\n")
    out.write(line([rule_char * w for w in widths]) + "\n")
    n = 0
    for r, cells in chain(zip(head, sample, strict=True), ((r, None) for r in it)):
        if cells is None:
            cells = [cell_text(r.get(c.key), k) for c, k in zip(cols, kinds, strict=True)]
        text = line([cells[i] for i in shown])
        urgency = row_urgency(r) if colour else None
        out.write(
            (styled(text, RED if urgency == "overdue" else AMBER) if urgency else text) + "\n"
        )
        n += 1
    if dropped:
        names = [header(cols[i]) for i in dropped if header(cols[i]).strip()] or ["the bars"]
        out.write(styled(dropped_note(names, width), DIM) + "\n")
    return n


def dropped_note(names: list[str], width: int) -> str:
    """One line naming the columns left out and how to see them, at most `width` long."""
    for k in range(len(names), 0, -1):
        more = f" and {len(names) - k} more" if k < len(names) else ""
        note = (
            f"Left out at {width} columns: {', '.join(names[:k])}{more} (--format plain shows all)."
        )
        if len(note) <= width:
            return note
    return f"{len(names)} columns left out (--format plain shows all)."[:width]


def console(stderr: bool = False):
    """A Rich console (charts, the dashboard): on the pager's stream when one is open."""
    from rich.console import Console

    if stderr:
        return Console(stderr=True, highlight=False)
    from sendctl.render import pager

    stream = pager.current()
    if stream is None:
        return Console(highlight=False)
    return Console(
        file=stream,
        highlight=False,
        force_terminal=colour_enabled(sys.stdout),
        width=terminal_width(),
    )
