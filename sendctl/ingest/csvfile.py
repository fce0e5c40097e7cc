"""Read CSV files as officers get them (Excel, other systems), streaming, with line numbers.

Shared by every import (cases, panel, spend). Handles: UTF-8 with or without BOM, Windows-1252
detected without being told, CRLF, quoted fields with commas and newlines, blank rows, header
names matched by alias ignoring case/spaces/punctuation. Refuses, with the file and line:
spreadsheet files, binary data and NUL bytes, huge fields, absurd column counts.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from sendctl.domain.errors import SendctlError

MAX_COLUMNS = 1000
MAX_FIELD = 131072  # csv's default cap, kept: a bigger cell is a broken file, not data

_SPREADSHEET_MAGIC = {
    b"PK\x03\x04": "an Excel .xlsx workbook (a zip file)",
    b"\xd0\xcf\x11\xe0": "an Excel .xls workbook",
}


def normalise_header(name: str) -> str:
    """'Date of Birth ' -> 'dateofbirth'; '\ufeffRef' -> 'ref'."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def build_alias_map(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{canonical: (alias, ...)} -> {normalised alias: canonical}; the canonical name is an alias."""
    out = {}
    for canonical, names in aliases.items():
        for n in (canonical, *names):
            out[normalise_header(n)] = canonical
    return out


_ASCII_PROBE = b'azAZ09,;"\t\r\n'


def check_encoding(encoding: str) -> None:
    """Refuse an --encoding that cannot read a CSV file: unknown names, codecs that are not
    text encodings (rot13, base64, zlib...) and ones that do not read ASCII as ASCII (UTF-16,
    UTF-32: the delimiters and headings would not be found)."""
    try:
        info = codecs.lookup(encoding)
        readable = getattr(info, "_is_text_encoding", True) and (
            _ASCII_PROBE.decode(info.name) == _ASCII_PROBE.decode("ascii")
        )
    except LookupError:
        readable = None
    except ValueError:  # a UnicodeError from a codec that reads nothing ("undefined")
        readable = False
    if readable is None:
        raise SendctlError(f"--encoding: unknown encoding {encoding!r}; try utf-8 or cp1252")
    if not readable:
        raise SendctlError(
            f"--encoding: {encoding!r} cannot read a CSV file (not a text encoding that reads "
            "plain ASCII as itself); try utf-8 or cp1252"
        )


class CsvSource:
    """A CSV file read row by row.

    Args:
        path: the file ('-' is not supported: imports need a name for their errors).
        aliases: {canonical field: (header aliases...)}.
        required: canonical fields that must have a column.
        encoding: None to detect (UTF-8, BOM or not, else Windows-1252), or a codec name.
        problems: where a row's problems found while reading go (add(line, field, message,
            value, code)); such a row is not yielded.

    After open_header(): `columns` maps column index -> canonical field, `unknown` lists
    headers that matched nothing (reported once, ignored).
    """

    def __init__(
        self,
        path: Path,
        aliases: dict[str, tuple[str, ...]],
        required: set[str] | frozenset[str] = frozenset(),
        encoding: str | None = None,
        problems=None,
    ):
        self.path = Path(path)
        self.name = str(path)
        self.alias_map = build_alias_map(aliases)
        self.required = set(required)
        self.encoding = encoding
        self.problems = problems
        self.detected_encoding: str | None = None
        self.columns: dict[int, str] = {}
        self.unknown: list[str] = []
        self.header_line = 0
        self._bytes_read = 0
        self._raw = None
        self._width = -1  # cells in the header row (set by _read_header)
        self.data_rows = 0
        self.size = 0
        if encoding:
            check_encoding(encoding)

    # -- decoding -------------------------------------------------------------------------

    def _check_first(self, raw: bytes) -> None:
        """Refuse spreadsheets and UTF-16 on sight (the first line of the file)."""
        for magic, what in _SPREADSHEET_MAGIC.items():
            if raw.startswith(magic):
                raise SendctlError(
                    f"{self.name}: this is {what}, not CSV",
                    hint="in Excel use File > Save As > CSV UTF-8, then import that file",
                )
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[1:2] == b"\x00":
            raise SendctlError(
                f"{self.name}: this looks like UTF-16 text; sendctl reads UTF-8 or Windows-1252",
                hint="in Excel use File > Save As > CSV UTF-8, then import that file",
            )

    def _fast_encoding(self, f) -> str | None:
        """The codec for a file that decodes cleanly throughout and has no NUL byte, else None.

        One pass in 1 MB chunks with C decoders (~0.1 s per 100 MB): such a file can be read
        through io.TextIOWrapper, which decodes in C instead of a Python generator per line
        (about 6x faster). Anything else (a NUL, a byte that is not UTF-8, a bad byte for the
        given encoding) goes to _lines, which finds the line and keeps its exact behaviour.
        """
        first = f.readline()
        self._check_first(first)
        enc = self.encoding or "utf-8"
        utf8 = enc.replace("-", "").lower() in ("utf8", "utf8sig")
        if utf8 and first.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8" if enc == "utf-8-sig" else enc)()
        try:
            while chunk := f.read(1 << 20):
                if b"\x00" in chunk:
                    return None
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
        finally:
            f.seek(0)
        return enc

    def _lines(self, f) -> Iterator[str]:
        """Decode line by line. Auto mode stays UTF-8 until a line is not, then cp1252 (Excel's
        UK default) for the rest: earlier lines were valid UTF-8, so nothing is misread.
        (The slow path: only for files that _fast_encoding turns down.)"""
        enc = self.encoding or "utf-8"
        self.detected_encoding = enc
        lineno = 0
        first = True
        for raw in f:
            lineno += 1
            self._bytes_read += len(raw)
            if first:
                first = False
                self._check_first(raw)
                if raw.startswith(codecs.BOM_UTF8) and enc.replace("-", "").lower() in ("utf8", "utf8sig"):
                    raw = raw[len(codecs.BOM_UTF8) :]
                    self.detected_encoding = enc = "utf-8-sig"
            if b"\x00" in raw:
                raise SendctlError(
                    f"{self.name}:{lineno}: contains NUL bytes: this is binary data, not a CSV text file"
                )
            try:
                yield raw.decode("utf-8" if enc == "utf-8-sig" else enc)
            except UnicodeDecodeError as e:
                if self.encoding:
                    raise SendctlError(
                        f"{self.name}:{lineno}: not valid {self.encoding} text (byte {raw[e.start:e.start + 1]!r})",
                        hint="try --encoding cp1252 (Excel on Windows) or --encoding utf-8",
                    ) from None
                enc = self.detected_encoding = "cp1252"
                try:
                    yield raw.decode("cp1252")
                except UnicodeDecodeError:
                    raise SendctlError(
                        f"{self.name}:{lineno}: neither UTF-8 nor Windows-1252 text: is this a CSV file?",
                        hint="give the encoding with --encoding",
                    ) from None

    @property
    def bytes_read(self) -> int:
        """Bytes of the file read so far (for a progress bar; the fast path reads ahead)."""
        if self._raw is not None and not self._raw.closed:
            try:
                return self._raw.tell()
            except (OSError, ValueError):
                pass
        return self._bytes_read

    # -- rows ------------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line number, {canonical field: stripped text}) for every non-blank data row.

        Raises SendctlError for a file that cannot be read as CSV at all (missing, spreadsheet,
        binary, no header, missing required column, malformed quoting, oversized field).
        """
        if not self.path.exists():
            raise SendctlError(f"{self.name}: no such file")
        if self.path.is_dir():
            raise SendctlError(f"{self.name}: is a folder, not a CSV file")
        self.size = self.path.stat().st_size
        if self.size == 0:
            raise SendctlError(f"{self.name}: the file is empty; expected a header row and data")
        csv.field_size_limit(MAX_FIELD)
        with open(self.path, "rb") as f:
            enc = self._fast_encoding(f)
            if enc is None:
                lines = self._lines(f)
            else:
                self.detected_encoding = enc
                self._raw = f
                # newline="\n": lines end at LF only, as when reading bytes (same line numbers)
                lines = io.TextIOWrapper(f, encoding=enc, newline="\n")
            reader = csv.reader(lines, strict=True)
            next_line = 1
            try:
                for cells in reader:
                    line, next_line = next_line, reader.line_num + 1
                    if len(cells) > MAX_COLUMNS and self.columns:  # even a line of bare commas
                        raise SendctlError(
                            f"{self.name}:{line}: {len(cells):,} cells on one line; expected at most {MAX_COLUMNS}"
                        )
                    if not (cells and cells[0].strip()) and not any(c.strip() for c in cells):
                        continue
                    if not self.columns:
                        self._read_header(cells, line)
                        continue
                    self.data_rows += 1
                    yield line, self._row(cells, line)
            except csv.Error as e:
                msg = str(e)
                if "field larger" in msg:
                    msg = f"a field is longer than {MAX_FIELD:,} characters"
                elif "EOF" in msg or "unexpected end" in msg:
                    msg = "a quoted field is never closed (unterminated quote)"
                raise SendctlError(f"{self.name}:{next_line}: not readable as CSV: {msg}") from None
        if not self.columns:
            raise SendctlError(f"{self.name}: no header row; expected column names on the first line")
        if not self.data_rows:
            raise SendctlError(
                f"{self.name}: a header but no data rows; nothing to import",
                hint="check that you exported the rows, not just the column names",
            )

    def _read_header(self, cells: list[str], line: int) -> None:
        if len(cells) > MAX_COLUMNS:
            raise SendctlError(
                f"{self.name}:{line}: {len(cells):,} columns in the header; expected at most {MAX_COLUMNS}"
            )
        self.header_line = line
        seen: dict[str, str] = {}
        for i, h in enumerate(cells):
            key = self.alias_map.get(normalise_header(h))
            if key is None:
                if h.strip():
                    self.unknown.append(h.strip())
                continue
            if key in seen:
                raise SendctlError(
                    f"{self.name}:{line}: columns {seen[key]!r} and {h.strip()!r} both mean {key!r}; keep one"
                )
            seen[key] = h.strip()
            self.columns[i] = key
        self._headings = {key: heading for key, heading in seen.items() if heading.isprintable()}
        missing = sorted(self.required - set(self.columns.values()))
        if missing:
            raise SendctlError(
                f"{self.name}:{line}: missing required column(s): {', '.join(missing)}",
                hint=f"the header has: {', '.join(c.strip() for c in cells if c.strip())[:200]}",
            )
        if not self.columns:
            raise SendctlError(f"{self.name}:{line}: no recognised column names in the header")
        idx = list(self.columns)
        self._keys = [self.columns[i] for i in idx]
        self._width = len(cells)
        # itemgetter of one index returns the cell itself, not a 1-tuple
        self._pick = itemgetter(*idx) if len(idx) > 1 else (lambda cells, i=idx[0]: (cells[i],))

    def headings(self) -> dict[str, str]:
        """{field: its column heading as written in the file} (for naming fields in messages)."""
        return dict(getattr(self, "_headings", {}))

    def _row(self, cells: list[str], line: int) -> dict[str, str]:
        if len(cells) == self._width:  # the usual row: every cell there, no surplus
            return dict(zip(self._keys, map(str.strip, self._pick(cells)), strict=False))
        row = {key: "" for key in self.columns.values()}
        for i, key in self.columns.items():
            if i < len(cells):
                row[key] = cells[i].strip()
        if len(cells) > MAX_COLUMNS:
            raise SendctlError(
                f"{self.name}:{line}: {len(cells):,} cells on one line; expected at most {MAX_COLUMNS}"
            )
        return row
