"""Terminal charts drawn from sendctl.domain.series: Rich colour on a terminal, the same chart
in plain characters anywhere else (a pipe, a file, cron mail).

A chart is a grid of characters. Every x label gets the same number of columns, so months (or
weeks) are evenly spaced; the legend is printed from the same marks the grid uses, so the two
always agree.
"""

from dataclasses import dataclass

from sendctl.domain.money import format_pence
from sendctl.domain.series import ChartData


@dataclass(frozen=True)
class Mark:
    char: str  # on a terminal (Unicode)
    plain: str  # off a terminal (ASCII)
    style: str  # Rich style
    label: str  # for the legend


def _grid_line_chart(
    chart: ChartData, marks: dict[str, Mark], height: int, width: int, unicode: bool
) -> list[list[tuple[str, str | None]]]:
    n = len(chart.x)
    values = [v for s in chart.series if s.name in marks for v in s.values if v is not None]
    top = max(values + [1])
    label_w = len(f"{top:,.0f}") + 1
    step = max(1, min(3, (width - label_w - 1) // max(n, 1)))
    cells: list[list[tuple[str, str | None]]] = [[(" ", None)] * (n * step) for _ in range(height)]
    for name, mark in marks.items():  # in the legend's order: later marks drawn over earlier
        s = chart.get(name)
        for i, v in enumerate(s.values):
            if v is None:
                continue
            row = height - 1 - round(v / top * (height - 1))
            cells[row][i * step] = (mark.char if unicode else mark.plain, mark.style)
    lines = []
    for r, row in enumerate(cells):
        value = top * (height - 1 - r) / (height - 1)
        label = f"{value:,.0f}" if r in (0, height // 2, height - 1) else ""
        axis = "│" if unicode else "|"
        lines.append([(label.rjust(label_w - 1) + " " + axis, "dim"), *row])
    rule = ("└" if unicode else "+") + ("─" if unicode else "-") * (n * step)
    lines.append([(" " * (label_w - 1) + " " + rule, "dim")])
    ticks = [" "] * (n * step + 8)
    last_end = -2
    for i, x in enumerate(chart.x):
        if x.endswith("-01") or i == 0:  # each January (and the start): the year
            text = x[:4] if x.endswith("-01") else x
            pos = i * step
            if pos > last_end + 1 and pos + len(text) <= len(ticks):
                ticks[pos : pos + len(text)] = list(text)
                last_end = pos + len(text)
    lines.append([(" " * label_w + "".join(ticks).rstrip(), "dim")])
    return lines


def _legend(
    marks: dict[str, Mark], unicode: bool, width: int
) -> list[list[tuple[str, str | None]]]:
    """The marks with their meaning, as many to a line as fit in `width`."""
    lines: list[list[tuple[str, str | None]]] = [[]]
    used = 0
    for m in marks.values():
        n = len(m.label) + 5
        if used and used + n > width:
            lines.append([])
            used = 0
        lines[-1] += [(m.char if unicode else m.plain, m.style), (f" {m.label}   ", None)]
        used += n
    return lines


def burndown_chart(
    chart: ChartData,
    deadline: str,
    rate_per_month: float | None,
    forecast_finish: str | None,
    width: int,
    unicode: bool = True,
    height: int = 12,
) -> list[list[tuple[str, str | None]]]:
    """Statements left by month against the straight line to zero and the forecast."""
    late = forecast_finish is not None and forecast_finish > deadline
    marks = {
        "straight": Mark("·", ".", "cyan", f"straight line to zero by {deadline}"),
        "forecast": Mark(
            "×",
            "x",
            "red" if late else "green",
            f"forecast at {rate_per_month:g} a month"
            + (f" (done {forecast_finish})" if forecast_finish else ""),
        ),
        "left": Mark("●", "o", "bold", "statements left"),
    }
    if not rate_per_month:
        del marks["forecast"]
    title = [(f"{chart.title}, by month", "bold")]
    return [
        title,
        *_grid_line_chart(chart, marks, height, width, unicode),
        *_legend(marks, unicode, width),
    ]


def spend_bars(
    chart: ChartData, width: int, unicode: bool = True
) -> list[list[tuple[str, str | None]]]:
    """One bar a month of the spend to date, with the limit marked; red once past it."""
    spent = chart.get("spent").values
    limit = chart.get("limit").values[0]
    top = max([limit] + [v for v in spent if v is not None] + [1])
    money_w = max(len(format_pence(v)) for v in [limit, *[v for v in spent if v is not None]])
    bar_w = max(10, width - 8 - money_w - 3)
    at = min(bar_w - 1, round(limit / top * bar_w))
    full, empty, lim = ("█", " ", "┃") if unicode else ("#", " ", "|")
    lines: list[list[tuple[str, str | None]]] = [[(chart.title, "bold")]]
    for month, v in zip(chart.x, spent, strict=True):
        if v is None:
            lines.append([(month, "dim")])
            continue
        n = round(v / top * bar_w)
        bar = [full if i < n else empty for i in range(bar_w)]
        bar[at] = lim
        style = "red" if v > limit else "green"
        lines.append(
            [
                (month + " ", None),
                ("".join(bar[:at]), style),
                (bar[at], "yellow"),
                ("".join(bar[at + 1 :]), style),
                (" " + format_pence(v).rjust(money_w), None),
            ]
        )
    lines.append(
        [
            (lim, "yellow"),
            (f" limit {format_pence(limit)}   ", None),
            (full, "green"),
            (" spent to the end of the month", None),
        ]
    )
    return lines


def weekly_bars(
    chart: ChartData, width: int, unicode: bool = True
) -> list[list[tuple[str, str | None]]]:
    """Clocks falling due each week (and those already overdue) as bars."""
    due = chart.get("due").values
    overdue = chart.get("overdue").values[0] or 0
    top = max([*due, overdue, 1])
    bar_w = max(10, width - 24)
    full = "█" if unicode else "#"
    lines: list[list[tuple[str, str | None]]] = [[(chart.title, "bold")]]
    lines.append(
        [
            ("overdue now".ljust(15), None),
            (full * round(overdue / top * bar_w), "red"),
            (f" {overdue}", None),
        ]
    )
    for week, n in zip(chart.x, due, strict=True):
        lines.append(
            [(f"w/c {week} ", None), (full * round(n / top * bar_w), "yellow"), (f" {n}", None)]
        )
    return lines


def print_lines(lines: list[list[tuple[str, str | None]]], terminal: bool, out=None) -> None:
    """Draw chart lines: with Rich styles on a terminal, as plain text to `out` otherwise."""
    if terminal:
        from rich.text import Text

        from sendctl.render.tables import console

        con = console()
        for parts in lines:
            t = Text()
            for text, style in parts:
                t.append(text, style=style or "")
            con.print(t, overflow="ignore", crop=False)
        return
    for parts in lines:
        out.write("".join(text for text, _style in parts).rstrip() + "\n")


def print_charts(charts: list, kind: str, terminal: bool, out=None) -> None:
    """kind 'spend' (spend_against_limit charts) or 'weekly' (clocks_due_by_week)."""
    width, unicode = _width_and_unicode(terminal, out)
    for chart in charts:
        lines = (
            spend_bars(chart, width, unicode)
            if kind == "spend"
            else weekly_bars(chart, width, unicode)
        )
        print_lines([[("", None)], *lines], terminal, out)


def emit_charts(charts: list, kind: str, fmt: str | None, output=None) -> None:
    """Charts after a listing: drawn with colour for a table on a terminal, in plain characters
    for plain text (to stdout or --output); nothing for csv or json."""
    from sendctl.render.formats import open_output, resolve_format

    fmt = resolve_format(fmt, output)
    if fmt == "table" and (output is None or str(output) == "-"):
        print_charts(charts, kind, True)
    elif fmt in ("table", "plain"):
        with open_output(output) as out:
            print_charts(charts, kind, False, out)


def _width_and_unicode(terminal: bool, out) -> tuple[int, bool]:
    from sendctl.render.tables import terminal_width

    encoding = (getattr(out, "encoding", None) or "utf-8").lower() if not terminal else "utf-8"
    return (terminal_width() if terminal else 80), terminal and "utf" in encoding


def print_burndown(status: dict, terminal: bool, out=None) -> None:
    """The burn-down of a `transfers status` result (its burndown rows and rate)."""
    from datetime import date

    from sendctl.domain.series import transfer_burndown

    chart = transfer_burndown(
        status["burndown"],
        status["total"],
        date.fromisoformat(status["as_of"]),
        date.fromisoformat(status["deadline_on"]),
        status.get("rate_per_month_last_8_weeks"),
    )
    if not chart.x:
        return
    width, unicode = _width_and_unicode(terminal, out)
    lines = burndown_chart(
        chart,
        status["deadline_on"],
        status.get("rate_per_month_last_8_weeks"),
        status.get("forecast_finish_on"),
        width,
        unicode,
    )
    print_lines([[("", None)], *lines], terminal, out)
