"""Read a SEN2 return (XML) one child at a time, with the line of every element.

A file that is not a SEN2 return, or breaks its structure (an element where it cannot be, a
module repeated where only one is allowed, text where a module belongs), is refused with the
element's path and line. Names are matched ignoring case, and other readers' spellings are
accepted (domain.sen2 INPUT_ALIASES). A document type declaration is refused: a SEN2 return has
none, and refusing it rules out entity expansion attacks.
"""

from __future__ import annotations

import xml.sax
from collections.abc import Iterator
from pathlib import Path
from xml.sax.handler import (
    ContentHandler,
    feature_external_ges,
    feature_external_pes,
    property_lexical_handler,
)

from sendctl.domain.errors import SendctlError
from sendctl.domain.sen2 import INPUT_ALIASES, MODULES

_HEADER = {
    "header": {
        "collectiondetails": None,
        "source": None,
        "dmo": "dmo",
        "dco": "dco",
        "dsco": "dsco",
    },
    "collectiondetails": {
        "collection": "collection",
        "year": "year",
        "referencedate": "reference_date",
    },
    "source": {
        "sourcelevel": "source_level",
        "lea": "lea",
        "softwarecode": "software_code",
        "release": "release",
        "serialno": "serial_no",
        "datetime": "date_time",
    },
}
# module -> {lower-case element: field} and {lower-case element: (key, child module, repeats)}
_ITEMS = {m: {el.lower(): f for el, f, *_ in spec[1]} for m, spec in MODULES.items()}
_CHILDREN = {
    m: {MODULES[c][0].lower(): (k, c, rep) for k, c, rep in spec[2]} for m, spec in MODULES.items()
}
_ALIASES = {k: v.lower() for k, v in INPUT_ALIASES.items()}


class NotSen2(SendctlError):
    """The file is not a SEN2 return or breaks its structure (exit 1, nothing written)."""


class _Stop(Exception):
    pass


class _Handler(ContentHandler):
    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.stack: list[tuple[str, str, object]] = []  # (element as written, kind, record)
        self.header: dict = {}
        self.done: list[tuple[dict, int]] = []
        self.text: list[str] = []
        self.locator = None

    def setDocumentLocator(self, locator):
        self.locator = locator

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 0

    def path(self, name: str | None = None) -> str:
        parts = [el for el, _, _ in self.stack]
        if name:
            parts.append(name)
        return "/".join(parts)

    def fail(self, what: str, name: str | None = None):
        raise NotSen2(f"{self.name}:{self.line()}: {self.path(name)}: {what}; nothing was imported")

    # the lexical handler's DTD events: a DOCTYPE is refused
    def startDTD(self, *a):
        raise NotSen2(
            f"{self.name}:{self.line()}: a document type declaration is not allowed in a SEN2 return;"
            " nothing was imported"
        )

    def endDTD(self): ...
    def startCDATA(self): ...
    def endCDATA(self): ...
    def comment(self, content): ...
    def startEntity(self, name): ...
    def endEntity(self, name): ...

    def startElement(self, name, attrs):
        key = name.lower()
        key = _ALIASES.get(key, key)
        if self.text and "".join(self.text).strip() and self.stack and self.stack[-1][1] != "leaf":
            self.fail("text where elements belong")
        self.text = []
        if not self.stack:
            if key != "message":
                raise NotSen2(
                    f"{self.name}:{self.line()}: not a SEN2 return: the root element is <{name}>,"
                    " expected <Message>; nothing was imported"
                )
            self.stack.append((name, "message", None))
            return
        parent_el, kind, rec = self.stack[-1]
        if kind == "leaf":
            self.fail(f"<{name}> inside an item that holds a value", name)
        if kind == "message":
            if key not in ("header", "persons"):
                self.fail("unknown element", name)
            self.stack.append((name, key, None))
            return
        if kind in _HEADER:
            table = _HEADER[kind]
            if key not in table:
                self.fail("unknown element", name)
            if table[key] is None:
                self.stack.append((name, key, None))
            else:
                self.stack.append((name, "leaf", ("header", table[key])))
            return
        if kind == "persons":
            if key != "person":
                self.fail("unknown element (expected <Person>)", name)
            p = {"requests": [], "_line": self.line()}
            self.stack.append((name, "person", p))
            return
        module = kind
        if key in _ITEMS[module]:
            field = _ITEMS[module][key]
            if field in rec:
                self.fail("given twice", name)
            self.stack.append((name, "leaf", (rec, field)))
            return
        if key in _CHILDREN[module]:
            k, child, repeats = _CHILDREN[module][key]
            new = {"_line": self.line()}
            for ck, _, crep in MODULES[child][2]:
                new[ck] = [] if crep else None
            if repeats:
                rec.setdefault(k, []).append(new)
            else:
                if rec.get(k) is not None:
                    self.fail(f"only one <{MODULES[child][0]}> is allowed here", name)
                rec[k] = new
            self.stack.append((name, child, new))
            return
        self.fail("unknown element", name)

    def characters(self, content):
        self.text.append(content)

    def endElement(self, name):
        el, kind, rec = self.stack[-1]
        if kind == "leaf":
            target, field = rec
            value = "".join(self.text).strip()
            if target == "header":
                self.header[field] = value
            else:
                target[field] = value or None
        elif self.text and "".join(self.text).strip():
            self.fail("text where elements belong")
        self.text = []
        self.stack.pop()
        if kind == "person":
            self.done.append((rec, rec.pop("_line")))


def read_return(path: Path | str) -> tuple[dict, Iterator[tuple[dict, int]]]:
    """(header, children as (person, line)). The header is read first (it precedes the
    children); the children then stream, each checked for structure as it is read."""
    path = Path(path)
    name = str(path)
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    except OSError as e:
        raise SendctlError(f"{name}: cannot read ({e.strerror})") from None
    handler = _Handler(name)
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, False)
    parser.setFeature(feature_external_pes, False)
    parser.setProperty(property_lexical_handler, handler)
    parser.setContentHandler(handler)
    from xml.sax.expatreader import ExpatLocator

    handler.locator = ExpatLocator(parser)  # feed() does not hand one over as parse() does

    def feed() -> bool:
        chunk = f.read(64 * 1024)
        if not chunk:
            parser.close()
            return False
        parser.feed(chunk)
        return True

    def step() -> bool:
        try:
            return feed()
        except xml.sax.SAXParseException as e:
            f.close()
            raise NotSen2(
                f"{name}:{e.getLineNumber()}: not well-formed XML ({e.getMessage()});"
                " nothing was imported"
            ) from None
        except BaseException:
            f.close()
            raise

    more = True
    while (
        more
        and not handler.done
        and not (handler.stack and handler.stack[-1][1] == "persons" and handler.header)
    ):
        more = step()
    if not handler.stack and not handler.header and not handler.done:
        f.close()
        raise NotSen2(f"{name}: not a SEN2 return (no <Message>); nothing was imported")

    def children() -> Iterator[tuple[dict, int]]:
        nonlocal more
        try:
            while True:
                while handler.done:
                    yield handler.done.pop(0)
                if not more:
                    break
                more = step()
        finally:
            f.close()

    return handler.header, children()
