"""Hostile files for every import (issue 9): each must be refused with exit 1, no traceback."""

import io
import random
import zipfile

from reliability.support import CASE_HEADER, PANEL_HEADER, SPEND_HEADER

HEADERS = {"cases": CASE_HEADER, "panel": PANEL_HEADER, "spend": SPEND_HEADER}
GOOD_ROW = {
    "cases": "H-1,,Ann,Example,2010-01-01,School,Mainstream,N,ASD,ehcp,2015-01-01,W,w@x.example\n",
    "panel": "REL-000001,2017-01-05,top-up,agreed,1000.00,Provider,N\n",
    "spend": "big,2017-05-01,10.00,actual,A payment,Supplier Ltd,INV-1\n",
}


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def hostile_files(kind: str) -> dict[str, bytes]:
    """name -> file content; every one must be refused."""
    header = HEADERS[kind].encode()
    good = GOOD_ROW[kind].encode()
    rng = random.Random(9)
    no_nul = bytes(b for b in rng.randbytes(8192) if b)
    return {
        "binary": rng.randbytes(4096),
        "binary-without-nul": no_nul,
        "nul-bytes": header + good[:5] + b"\x00\x00" + good[5:],
        "empty": b"",
        "blank-lines-only": b"\r\n\r\n  \r\n",
        "header-only": header,
        "5mb-field": header + good.rstrip(b"\n") + b',"' + b"x" * (5 * 1024 * 1024) + b'"\n',
        "unterminated-quote": header + b'"' + good + good,
        "utf-16": (HEADERS[kind] + GOOD_ROW[kind]).encode("utf-16"),
        "utf-16-le-no-bom": (HEADERS[kind] + GOOD_ROW[kind]).encode("utf-16-le"),
        "100k-column-header": b",".join([b"c%d" % i for i in range(100_000)]) + b"\n" + good,
        "100k-column-line": header + b"," * 100_000 + b"\n",
        "xlsx-renamed": _xlsx(),
        "xls-renamed": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(2048),
    }
