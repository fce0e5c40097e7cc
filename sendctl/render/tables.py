"""Rich tables, only on a terminal. Imported lazily: rich costs ~50 ms to load."""

from collections.abc import Iterable
from itertools import islice

from sendctl.render.formats import Column, _header, human_value


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def print_table(
    rows: Iterable[dict],
    columns: list[Column],
    title: str | None = None,
    cap: int = 200,
    empty_message: str | None = None,
) -> int:
    from rich.table import Table

    cols = [c for c in columns if c.human]
    table = Table(title=title, header_style="bold", show_lines=False, pad_edge=False)
    for c in cols:
        table.add_column(
            _header(c), justify="right" if c.kind in ("money", "int", "pct") else "left",
            overflow="fold",
        )
    it = iter(rows)
    shown = 0
    for r in islice(it, cap):
        table.add_row(*[human_value(r.get(c.key), c.kind) for c in cols])
        shown += 1
    more = sum(1 for _ in it)
    con = console()
    if shown == 0 and empty_message:
        con.print(empty_message)
        return 0
    con.print(table)
    if more:
        con.print(
            f"[dim]… {more:,} more rows not drawn; use --format plain, csv or json (or --output FILE) to see them all[/dim]"
        )
    return shown + more
