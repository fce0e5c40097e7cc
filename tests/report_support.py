"""Read a published HTML report back: its figures and chart points, and what makes it self-contained."""

import re
from html.parser import HTMLParser


class _Figures(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, list[tuple[str, str]]] = {}
        self.points: list[dict] = []
        self._open: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "span" and a.get("class") == "fig":
            self._open.append((a["data-key"], a["data-value"], []))
        elif tag in ("rect", "circle") and "data-key" in a:
            self.points.append(
                {"series": a.get("data-series"), "key": a["data-key"], "value": a["data-value"]}
            )

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)

    def handle_endtag(self, tag):
        if tag == "span" and self._open:
            key, value, text = self._open.pop()
            self.figures.setdefault(key, []).append((value, "".join(text)))


def read_report(text: str):
    """({key: [(raw value, shown text), ...]}, [chart points])."""
    p = _Figures()
    p.feed(text)
    return p.figures, p.points


def one(figures: dict, key: str):
    """The raw value of a figure (every occurrence must agree), as int when it is one."""
    values = {v for v, _ in figures[key]}
    assert len(values) == 1, (key, values)
    v = values.pop()
    return int(v) if re.fullmatch(r"-?\d+", v) else v


def assert_self_contained(text: str) -> None:
    lowered = text.lower()
    assert "<script" not in lowered
    assert "@import" not in lowered and "url(" not in lowered and "@font-face" not in lowered
    assert "<link" not in lowered and "<img" not in lowered and "<iframe" not in lowered
    # the only URL is the SVG namespace name (an identifier, never fetched)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", text))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls


def md_rows(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first Markdown table under `## heading`."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    return [[c.strip() for c in ln.strip("|").split(" | ")] for ln in lines[2:]]
