"""Self-contained HTML for published reports: one file, inline CSS and inline SVG charts, no
scripts, no fonts or images from elsewhere. Readable on a phone (fluid width, tables scroll
sideways) and printed on A4 (page margins, no breaks inside a table row or a chart).

Every figure is wrapped as <span class="fig" data-key=KEY data-value=RAW>shown</span> and every
chart point carries data-key/data-value, so a reader (or a test) can check each one against
the JSON command it came from.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from sendctl.domain.money import format_pence

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.45;
  color: #1b1b1b; background: #fff; margin: 0 auto; padding: 1rem; max-width: 60rem; font-size: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #1d70b8; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p, li { max-width: 42rem; }
.meta { color: #505a5f; font-size: .9rem; }
.how { color: #505a5f; font-size: .85rem; margin: .2rem 0 .8rem; }
.cards { display: flex; flex-wrap: wrap; gap: .6rem; margin: .6rem 0; }
.card { border: 1px solid #b1b4b6; border-left: 5px solid #1d70b8; padding: .5rem .8rem; min-width: 9rem;
  flex: 1 1 9rem; }
.card .fig { display: block; font-size: 1.4rem; font-weight: 700; }
.card.warn { border-left-color: #d4351c; }
.card.ok { border-left-color: #00703c; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #b1b4b6; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; border-top: 2px solid #0b0c0c; }
figure { margin: .6rem 0 1.2rem; }
figcaption { font-size: .9rem; color: #505a5f; }
svg { width: 100%; height: auto; max-width: 44rem; display: block; }
svg text { font-family: inherit; font-size: 11px; fill: #0b0c0c; }
.key span { display: inline-block; margin-right: 1rem; font-size: .85rem; }
.key i { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem; vertical-align: -2px; }
footer { margin-top: 2rem; font-size: .8rem; color: #505a5f; border-top: 1px solid #b1b4b6; padding-top: .5rem; }
@media (max-width: 36rem) { body { padding: .6rem; font-size: .95rem; } h1 { font-size: 1.3rem; } }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  tr, figure, .card { break-inside: avoid; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""

COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def fig(key: str, value, shown: str | None = None) -> str:
    """A figure: its raw value for checking, and what a reader sees."""
    raw = "" if value is None else value
    text = shown if shown is not None else ("–" if value is None else str(value))
    return f'<span class="fig" data-key="{esc(key)}" data-value="{esc(raw)}">{esc(text)}</span>'


def money(key: str, pence: int | None) -> str:
    return fig(key, pence, format_pence(pence) if pence is not None else "–")


def how(text: str) -> str:
    """How a figure was counted (shown under it, in small print)."""
    return f'<p class="how">{esc(text)}</p>'


def card(label: str, figure_html: str, tone: str = "") -> str:
    return f'<div class="card {tone}">{figure_html}<span>{esc(label)}</span></div>'


def cards(items: Sequence[str]) -> str:
    return '<div class="cards">' + "".join(items) + "</div>"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[int] = (),
    total_last: bool = False,
    caption: str | None = None,
) -> str:
    """A table from cells that are already HTML (use esc/fig/money for each)."""
    num = set(numeric)
    head = "".join(
        f'<th class="n">{esc(h)}</th>' if i in num else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for j, row in enumerate(rows):
        cls = ' class="total"' if total_last and j == len(rows) - 1 else ""
        cells = "".join(
            f'<td class="n">{c}</td>' if i in num else f"<td>{c}</td>" for i, c in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1
    import math

    mag = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * mag:
            return step * mag
    return 10 * mag


class Series:
    """One chart series: a name, a colour and points [(key, value or None)] in x order."""

    def __init__(
        self,
        name: str,
        points: Sequence[tuple[str, float | None]],
        colour: str,
        dashed: bool = False,
    ):
        self.name, self.points, self.colour, self.dashed = name, list(points), colour, dashed


def _key(series: Sequence[Series]) -> str:
    parts = []
    for s in series:
        parts.append(f'<span><i style="background:{s.colour}"></i>{esc(s.name)}</span>')
    return '<div class="key">' + "".join(parts) + "</div>"


def _axes(
    labels: Sequence[str],
    top: float,
    fmt: Callable[[float], str],
    w: int,
    h: int,
    left: int,
    bottom: int,
) -> str:
    out = []
    plot_h = h - bottom - 10
    for i in range(5):
        v = top * i / 4
        y = 10 + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - 5}" y2="{y:.1f}" stroke="#dddddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{esc(fmt(v))}</text>')
    n = len(labels)
    step = max(1, -(-n // 12))  # at most ~12 labels on the x axis
    plot_w = w - left - 5
    # labels wider than their slot (about 6 px a character at 11 px) go on two staggered rows
    slot = plot_w * step / max(n, 1)
    stagger = max((len(lab) for lab in labels), default=0) * 6 > slot
    shown = 0
    for i, lab in enumerate(labels):
        if i % step and i != n - 1:
            continue
        x = left + plot_w * (i + 0.5) / n
        y = h - bottom + 14 + (13 if stagger and shown % 2 else 0)
        shown += 1
        out.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle">{esc(lab)}</text>')
    return "".join(out)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> str:
    """A line chart (inline SVG): one polyline per series, a dot per point carrying its data."""
    w, h, left, bottom = 640, 290, 64, 34
    values = [v for s in series for _, v in s.points if v is not None]
    top = _nice_max(max(values, default=0))
    n = max((len(s.points) for s in series), default=1) or 1
    plot_w, plot_h = w - left - 5, h - bottom - 10
    parts = [_axes(labels, top, fmt, w, h, left, bottom)]
    for s in series:
        coords = []
        dots = []
        for i, (key, v) in enumerate(s.points):
            if v is None:
                continue
            x = left + plot_w * (i + 0.5) / n
            y = 10 + plot_h - plot_h * (v / top)
            coords.append(f"{x:.1f},{y:.1f}")
            dots.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{s.colour}" data-series="{esc(s.name)}"'
                f' data-key="{esc(key)}" data-value="{esc(v)}"><title>{esc(s.name)} {esc(labels[i] if i < len(labels) else "")}:'
                f" {esc(fmt(v))}</title></circle>"
            )
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        if coords:
            parts.append(
                f'<polyline fill="none" stroke="{s.colour}" stroke-width="2"{dash} points="{" ".join(coords)}"/>'
            )
        parts.extend(dots)
    svg = (
        f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "</svg>"
    )
    return f"<figure>{svg}{_key(series)}<figcaption>{esc(title)}</figcaption></figure>"


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> str:
    """Grouped vertical bars (inline SVG): one bar per series per label, each carrying its data."""
    w, h, left, bottom = 640, 270, 64, 34
    values = [v for s in series for _, v in s.points if v is not None]
    top = _nice_max(max(values, default=0))
    n = max(len(labels), 1)
    plot_w, plot_h = w - left - 5, h - bottom - 10
    group_w = plot_w / n
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = [_axes(labels, top, fmt, w, h, left, bottom)]
    for j, s in enumerate(series):
        for i, (key, v) in enumerate(s.points):
            if v is None:
                continue
            bh = plot_h * (v / top)
            x = left + group_w * i + group_w * 0.1 + bar_w * j
            y = 10 + plot_h - bh
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bh:.1f}" fill="{s.colour}"'
                f' data-series="{esc(s.name)}" data-key="{esc(key)}" data-value="{esc(v)}">'
                f"<title>{esc(s.name)} {esc(labels[i])}: {esc(fmt(v))}</title></rect>"
            )
    svg = (
        f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "</svg>"
    )
    return f"<figure>{svg}{_key(series)}<figcaption>{esc(title)}</figcaption></figure>"


def pounds_axis(pence: float) -> str:
    """Axis labels for money charts: £0, £50k, £1.2m."""
    pounds = pence / 100
    if pounds >= 1_000_000:
        return f"£{pounds / 1_000_000:.1f}m"
    if pounds >= 1000:
        return f"£{pounds / 1000:,.0f}k"
    return f"£{pounds:,.0f}"


def page(title: str, subtitle: str, body: str, footer: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f'<body><header><h1>{esc(title)}</h1><p class="meta">{esc(subtitle)}</p></header>'
        f"<main>{body}</main><footer>{esc(footer)}</footer></body></html>\n"
    )
