"""Write the SEN2 return as XML, streamed: one child at a time goes out, nothing is kept.

Element names, order and which items a collection year carries come from domain.sen2 (one
place). Empty items are left out.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import XMLGenerator

from sendctl.domain.errors import SendctlError
from sendctl.domain.sen2 import MODULES, items_for, officers_for

_NO_ATTRS: dict = {}


class Sen2Writer:
    """`with Sen2Writer(out, header, year) as w: w.person(p)` for each child."""

    def __init__(self, out: TextIO, header: dict, year: int):
        self.out, self.header, self.year = out, header, year
        self.g = XMLGenerator(out, encoding="UTF-8", short_empty_elements=True)
        self.count = 0

    def _nl(self, depth: int) -> None:
        self.g.ignorableWhitespace("\n" + "  " * depth)

    def _leaf(self, name: str, value: str, depth: int) -> None:
        self._nl(depth)
        self.g.startElement(name, _NO_ATTRS)
        self.g.characters(value)
        self.g.endElement(name)

    def _open(self, name: str, depth: int) -> None:
        self._nl(depth)
        self.g.startElement(name, _NO_ATTRS)

    def _close(self, name: str, depth: int) -> None:
        self._nl(depth)
        self.g.endElement(name)

    def __enter__(self) -> Sen2Writer:
        h = self.header
        self.g.startDocument()
        self.g.startElement("Message", _NO_ATTRS)
        self._open("Header", 1)
        self._open("CollectionDetails", 2)
        for name, key in (
            ("Collection", "collection"),
            ("Year", "year"),
            ("ReferenceDate", "reference_date"),
        ):
            self._leaf(name, str(h[key]), 3)
        self._close("CollectionDetails", 2)
        self._open("Source", 2)
        for name, key in (
            ("SourceLevel", "source_level"),
            ("LEA", "lea"),
            ("SoftwareCode", "software_code"),
            ("Release", "release"),
            ("SerialNo", "serial_no"),
            ("DateTime", "date_time"),
        ):
            self._leaf(name, str(h[key]), 3)
        self._close("Source", 2)
        for name, key in officers_for(self.year):
            if h.get(key):
                self._leaf(name, str(h[key]), 2)
        self._close("Header", 1)
        self._open("Persons", 1)
        return self

    def person(self, p: dict) -> None:
        self._record("person", p, 2)
        self.count += 1

    def _record(self, module: str, rec: dict, depth: int) -> None:
        element, _, children = MODULES[module]
        self._open(element, depth)
        for name, field in items_for(module, self.year):
            v = rec.get(field)
            if v is not None and v != "":
                self._leaf(name, str(v), depth + 1)
        for key, child, repeats in children:
            v = rec.get(key)
            if v is None:
                continue
            for r in v if repeats else [v]:
                self._record(child, r, depth + 1)
        self._close(element, depth)

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self._close("Persons", 1)
            self._close("Message", 0)
            self.g.endDocument()
            self.out.write("\n")


def write_return(out: TextIO, header: dict, year: int, persons: Iterable[dict]) -> int:
    """Write the whole return; returns how many children were written."""
    with Sen2Writer(out, header, year) as w:
        for p in persons:
            w.person(p)
    return w.count


def write_file(path: Path, header: dict, year: int, persons: Iterable[dict]) -> int:
    """Write the return to `path` through a temporary file renamed into place: a failure part
    way leaves nothing behind. Returns the number of children."""
    path = Path(path)
    if not path.parent.is_dir():
        raise SendctlError(f"--xml {path}: folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # mode 0600 like every export: the return is children's special-category data
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            n = write_return(out, header, year, persons)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n
