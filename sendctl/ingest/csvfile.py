"""Read CSV files as officers get them (Excel, LibreOffice, other systems), streaming, with
line numbers.

Shared by every import (cases, panel, spend). Handles: UTF-8 with or without BOM, Windows-1252
detected without being told, CRLF, LF or classic-Mac CR line ends, a trailing Ctrl-Z, comma,
semicolon or tab delimiters (sniffed from the header line), Excel's `sep=;` first line,
quoted fields with delimiters and newlines, blank rows, header names matched by alias ignoring
case/spaces/punctuation, standard input (`-`) and pipes. Refuses, with the file and line:
spreadsheet files, binary data and NUL bytes, a file that changes encoding part-way, control
characters (terminal escapes) in a field, huge fields, absurd column counts. No message ever
shows a row's data: a file without its header row must not put a child's name in a log.
"""

import codecs
import csv
import io
import os
import re
import stat
import sys
from collections.abc import Iterator
from itertools import chain
from operator import itemgetter
from pathlib import Path

from sendctl.domain.errors import SendctlError

MAX_COLUMNS = 1000
MAX_FIELD = 131072  # csv's default cap, kept: a bigger cell is a broken file, not data
CHUNK = 1 << 20
STDIN = "-"
DELIMITERS = (",", ";", "\t")  # comma first: it wins a tie
CTRL_Z = b"\x1a"  # DOS end-of-file mark some old exports still append

# C0 controls but tab, LF and CR (which CSV quoting may carry), DEL and the C1 controls: ESC
# and CSI (\x9b) start terminal escape sequences that would rewrite a caseworker's screen.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same in UTF-8 bytes: the C0 controls and DEL are single bytes (found by deleting every
# other byte, in C: a regular expression over a 100 MB file takes ~1 s), a C1 control is \xc2
# and a second byte (looked for only where a \xc2 is).
_C0_BYTES = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_ALL_BUT_C0 = bytes(b for b in range(256) if b not in _C0_BYTES)
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_SEP_LINE = re.compile(r"\s*sep=(.)\s*\Z", re.I | re.S)

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
        path: the file; '-' reads standard input (named "<stdin>" in messages).
        aliases: {canonical field: (header aliases...)}.
        required: canonical fields that must have a column.
        encoding: None to detect (UTF-8, BOM or not, else Windows-1252), or a codec name.
        problems: where a row's problems found while reading go (add(line, field, message,
            value, code)); such a row is not yielded. None: the first one is raised.

    While rows() runs: `columns` maps column index -> canonical field, `unknown` lists
    headers that matched nothing (reported once, ignored), `delimiter` is the one in use.
    """

    def __init__(
        self,
        path: Path | str,
        aliases: dict[str, tuple[str, ...]],
        required: set[str] | frozenset[str] = frozenset(),
        encoding: str | None = None,
        problems=None,
    ):
        self.stdin = str(path) == STDIN
        self.path = Path(path)
        self.name = "<stdin>" if self.stdin else str(path)
        self.alias_map = build_alias_map(aliases)
        self.required = set(required)
        self.encoding = encoding
        self.problems = problems
        self.detected_encoding: str | None = None
        self.delimiter = ","
        self.columns: dict[int, str] = {}
        self.unknown: list[str] = []
        self.header_line = 0
        self._headings: dict[str, str] = {}
        self._bytes_read = 0
        self._raw = None
        self._newline = "\n"
        self._width = -1  # cells in the header row (set by _read_header)
        self._check_controls = True
        self.data_rows = 0
        self.size = 0
        if encoding:
            check_encoding(encoding)

    # -- opening ----------------------------------------------------------------------------

    def _open(self):
        """The binary stream; refuses a missing path, a folder and an empty regular file."""
        if self.stdin:
            return _Unclosed(sys.stdin.buffer)  # standard input stays open for others
        if not self.path.exists():
            raise SendctlError(f"{self.name}: no such file")
        if self.path.is_dir():
            raise SendctlError(f"{self.name}: is a folder, not a CSV file")
        f = open(self.path, "rb")
        mode = os.fstat(f.fileno()).st_mode
        if stat.S_ISREG(mode):
            self.size = os.fstat(f.fileno()).st_size
            if self.size == 0:
                f.close()
                raise SendctlError(
                    f"{self.name}: the file is empty; expected a header row and data"
                )
        return f

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

    def _is_utf8(self) -> bool:
        return (self.encoding or "utf-8").replace("-", "").replace("_", "").lower() in (
            "utf8",
            "utf8sig",
        )

    def _fast_encoding(self, f, head: bytes) -> str | None:
        """The codec for a regular file that decodes cleanly throughout, has no NUL byte and
        does not end in Ctrl-Z, else None.

        One pass in 1 MB chunks with C decoders (~0.1 s per 100 MB): such a file can be read
        through io.TextIOWrapper, which decodes in C instead of a Python generator per line
        (about 6x faster). The same pass looks for control characters, so that a clean file
        pays nothing per row for that check. Anything else goes to _lines, which finds the
        line and keeps its exact behaviour.
        """
        self._check_first(head)
        enc = self.encoding or "utf-8"
        utf8 = self._is_utf8()
        if utf8 and head.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        decoder = codecs.getincrementaldecoder("utf-8" if enc == "utf-8-sig" else enc)()
        controls = False
        last = b""
        try:
            while chunk := f.read(CHUNK):
                if b"\x00" in chunk:
                    return None
                if utf8 and not controls:
                    # with the previous chunk's last byte: a two-byte C1 control (\xc2\x9b)
                    # may straddle the boundary
                    piece = last[-1:] + chunk
                    controls = bool(piece.translate(None, _ALL_BUT_C0)) or (
                        b"\xc2" in piece and _C1_UTF8.search(piece) is not None
                    )
                decoder.decode(chunk)
                last = chunk
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
        finally:
            f.seek(0)
        if last.endswith(CTRL_Z):
            return None
        self._check_controls = controls or not utf8
        return enc

    def _raw_lines(self, f, head: bytes, sep: bytes) -> Iterator[bytes]:
        """Byte lines ending at `sep` (kept), from `head` and then the rest of f; a Ctrl-Z
        that ends the input is dropped."""
        pending = head
        while True:
            *lines, pending = pending.split(sep)
            for line in lines:
                self._bytes_read += len(line) + 1
                yield line + sep
            chunk = f.read(CHUNK)
            if not chunk:
                break
            pending += chunk
        # the last piece: no separator after it
        if pending.endswith(CTRL_Z):
            pending = pending[:-1]
        if pending:
            self._bytes_read += len(pending)
            yield pending

    def _lines(self, f, head: bytes, sep: bytes) -> Iterator[str]:
        """Decode line by line (the slow path). Auto mode reads UTF-8 until a line is not UTF-8;
        then, when every earlier line was plain ASCII (the same in both), Windows-1252 (Excel's
        UK default) for the whole file. A file that is UTF-8 (a BOM, or UTF-8 letters on an
        earlier line) with one bad byte is refused at that line, and so is a Windows-1252
        file with a UTF-8 line later on: a file is one encoding, never switched part-way."""
        enc = self.encoding or "utf-8"
        self.detected_encoding = enc
        lineno = 0
        first = True
        utf8_seen = 0  # the first line with UTF-8 beyond ASCII (0: none yet)
        cp1252_from = 0
        for raw in self._raw_lines(f, head, sep):
            lineno += 1
            if first:
                first = False
                self._check_first(raw)
                if raw.startswith(codecs.BOM_UTF8) and self._is_utf8():
                    raw = raw[len(codecs.BOM_UTF8) :]
                    self.detected_encoding = enc = "utf-8-sig"
                    utf8_seen = lineno
            if b"\x00" in raw:
                raise SendctlError(
                    f"{self.name}:{lineno}: contains NUL bytes: this is binary data, not a CSV text file"
                )
            if cp1252_from:
                if not raw.isascii():
                    try:
                        raw.decode("utf-8")
                    except UnicodeDecodeError:
                        pass
                    else:
                        raise SendctlError(
                            f"{self.name}:{lineno}: this line is UTF-8 but line {cp1252_from} was "
                            "Windows-1252: the file mixes two encodings; nothing was read",
                            hint="save the file again from Excel as CSV UTF-8",
                        )
                try:
                    yield raw.decode("cp1252")
                except UnicodeDecodeError:
                    raise SendctlError(
                        f"{self.name}:{lineno}: neither UTF-8 nor Windows-1252 text: is this a CSV file?",
                        hint="give the encoding with --encoding",
                    ) from None
                continue
            try:
                text = raw.decode("utf-8" if enc == "utf-8-sig" else enc)
            except UnicodeDecodeError as e:
                bad = raw[e.start : e.start + 1]
                if self.encoding:
                    raise SendctlError(
                        f"{self.name}:{lineno}: not valid {self.encoding} text (byte {bad!r})",
                        hint="try --encoding cp1252 (Excel on Windows) or --encoding utf-8",
                    ) from None
                if utf8_seen:
                    why = (
                        "a UTF-8 byte-order mark"
                        if utf8_seen == 1 and enc == "utf-8-sig"
                        else (f"UTF-8 text on line {utf8_seen}")
                    )
                    raise SendctlError(
                        f"{self.name}:{lineno}: not valid UTF-8 (byte {bad!r}), though the file is "
                        f"UTF-8 ({why}): a damaged or mixed file; nothing was read",
                        hint="save the file again as CSV UTF-8, or give --encoding if you know it",
                    ) from None
                enc = self.detected_encoding = "cp1252"
                cp1252_from = lineno
                try:
                    yield raw.decode("cp1252")
                except UnicodeDecodeError:
                    raise SendctlError(
                        f"{self.name}:{lineno}: neither UTF-8 nor Windows-1252 text: is this a CSV file?",
                        hint="give the encoding with --encoding",
                    ) from None
                continue
            if not utf8_seen and not raw.isascii() and enc in ("utf-8", "utf-8-sig"):
                utf8_seen = lineno
            yield text

    @property
    def bytes_read(self) -> int:
        """Bytes of the file read so far (for a progress bar; the fast path reads ahead)."""
        if self._raw is not None and not self._raw.closed:
            try:
                return self._raw.tell()
            except (OSError, ValueError):
                pass
        return self._bytes_read

    def _text(self, f) -> Iterator[str]:
        """The decoded lines of the open binary stream."""
        head = f.read(CHUNK)
        if not head:
            raise SendctlError(f"{self.name}: the file is empty; expected a header row and data")
        # classic Mac OS: lines end in CR alone
        sep = b"\r" if b"\r" in head and b"\n" not in head else b"\n"
        newline = self._newline = sep.decode()
        seekable = not self.stdin and self.size > 0
        if seekable:
            f.seek(0)
            enc = self._fast_encoding(f, head)
            if enc is not None:
                self.detected_encoding = enc
                self._raw = f
                # newline=sep: lines end at that character only, as when reading bytes (the
                # same line numbers as the slow path)
                return io.TextIOWrapper(f, encoding=enc, newline=newline)
            f.read(len(head))
        self._check_controls = True
        return self._lines(f, head, sep)

    def _dialect(self, lines: Iterator[str]) -> tuple[Iterator[str], int]:
        """Read Excel's `sep=X` line and sniff the delimiter from the header line.

        Returns the lines (the header line put back) and how many lines were used up.
        """
        peeked: list[str] = []
        for line in lines:
            peeked.append(line)
            if line.strip():
                break
        if not peeked:
            return iter(()), 0
        first = peeked[-1]
        m = _SEP_LINE.match(first.lstrip("\ufeff"))
        if m and len(peeked) == 1:
            self.delimiter = "\t" if m.group(1) == "\t" else m.group(1)
            return lines, 1
        counts = {d: _count_outside_quotes(first, d) for d in DELIMITERS}
        best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first on a tie
        self.delimiter = best if counts[best] else ","
        return chain(peeked, lines), 0

    # -- rows ------------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line number, {canonical field: stripped text}) for every non-blank data row.

        Raises SendctlError for a file that cannot be read as CSV at all (missing, spreadsheet,
        binary, no header, missing required column, malformed quoting, oversized field).
        """
        csv.field_size_limit(MAX_FIELD)
        with self._open() as f:
            lines = self._text(f)
            lines, skipped = self._dialect(lines)
            reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            next_line = 1 + skipped
            try:
                for cells in reader:
                    line, next_line = next_line, reader.line_num + 1 + skipped
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
                    if self._check_controls and self._has_control(cells, line):
                        continue
                    yield line, self._row(cells, line)
            except csv.Error as e:
                msg = str(e)
                if "field larger" in msg:
                    msg = f"a field is longer than {MAX_FIELD:,} characters"
                elif "EOF" in msg or "unexpected end" in msg:
                    msg = "a quoted field is never closed (unterminated quote)"
                raise SendctlError(f"{self.name}:{next_line}: not readable as CSV: {msg}") from None
        if not self.columns:
            raise SendctlError(
                f"{self.name}: no header row; expected column names on the first line"
            )
        if not self.data_rows:
            raise SendctlError(
                f"{self.name}: a header but no data rows; nothing to import",
                hint="check that you exported the rows, not just the column names",
            )

    def records(self) -> Iterator[list[str]]:
        """The data records of a plain file, read again from its start after rows() has read
        its header: the cells as the csv module gives them (not stripped; blank, short and long
        records included), for a bulk load.

        Raises NotPlain for a file that only rows() reads: standard input, a file that did not
        decode in one pass (Windows-1252 detected, a bad byte, NUL bytes), one holding a
        control character, and (while reading) one the csv module cannot read; rows() then
        gives the exact problem."""
        if self.stdin or self._raw is None or self._check_controls or not self.columns:
            raise NotPlain("needs the line-by-line reader")
        csv.field_size_limit(MAX_FIELD)
        first_pass = self._raw
        with open(self.path, "rb") as f:
            self._raw = f  # bytes_read follows this pass
            text = io.TextIOWrapper(f, encoding=self.detected_encoding, newline=self._newline)
            lines, _ = self._dialect(text)
            reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            try:
                for cells in reader:  # up to the header: the first record that is not blank
                    if any(c.strip() for c in cells):
                        break
                yield from reader
            except csv.Error:
                raise NotPlain("not readable as CSV") from None
            finally:
                self._raw = first_pass

    def _has_control(self, cells: list[str], line: int) -> bool:
        """Report a control character in an imported cell (the row is then skipped)."""
        found = False
        for i, key in self.columns.items():
            if i < len(cells) and _CONTROL.search(cells[i]):
                found = True
                message = (
                    "contains a control character (such as a terminal escape); "
                    "only printable text is accepted"
                )
                if self.problems is None:
                    raise SendctlError(
                        f"{self.name}:{line}: {self._headings.get(key, key)}: {message}"
                    )
                self.problems.add(line, key, message, None, "control_character")
        return found

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
                    self.unknown.append(_printable(h.strip()))
                continue
            if key in seen:
                raise SendctlError(
                    f"{self.name}:{line}: columns {_printable(seen[key])!r} and {_printable(h.strip())!r}"
                    f" both mean {key!r}; keep one"
                )
            seen[key] = h.strip()
            self.columns[i] = key
        self._headings = {key: heading for key, heading in seen.items() if heading.isprintable()}
        missing = sorted(self.required - set(self.columns.values()))
        if missing:
            # Never the line itself: without its header row, the first line is a child's data.
            found = ", ".join(self._headings.get(k, k) for k in self.columns.values())
            raise SendctlError(
                f"{self.name}:{line}: missing required column(s): {', '.join(missing)}",
                hint=(
                    f"the first line should name the columns; recognised: {found}"
                    if found
                    else "the first line should name the columns (case_ref, ...); "
                    "is the header row missing?"
                ).replace("case_ref, ...", ", ".join(sorted(self.required))),
            )
        if not self.columns:
            raise SendctlError(f"{self.name}:{line}: no recognised column names in the header")
        idx = list(self.columns)
        self._keys = [self.columns[i] for i in idx]
        self._width = len(cells)
        # itemgetter of one index returns the cell itself, not a 1-tuple
        self._pick = itemgetter(*idx) if len(idx) > 1 else (lambda cells, i=idx[0]: (cells[i],))

    @property
    def width(self) -> int:
        """Cells in the header row (-1 before it is read)."""
        return self._width

    def headings(self) -> dict[str, str]:
        """{field: its column heading as written in the file} (for naming fields in messages)."""
        return dict(self._headings)

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
        if len(cells) > self._width:
            self._surplus(cells, line)
        return row

    def _surplus(self, cells: list[str], line: int) -> None:
        """Report a value beyond the header's last column: it belongs to no column, so the
        row's values are probably shifted (a stray comma). Blank surplus cells (a spreadsheet
        padding its rows) are harmless. The value is not echoed: it may be personal data."""
        first = next((i for i in range(self._width, len(cells)) if cells[i].strip()), None)
        if first is None:
            return
        message = (
            f"{len(cells)} cells but the header has {self._width} columns: a value beyond the "
            "last column has no heading (a stray comma, or a missing heading?)"
        )
        if self.problems is None:
            raise SendctlError(f"{self.name}:{line}: column {first + 1}: {message}")
        self.problems.add(line, f"column {first + 1}", message, None, "extra_cells")


class NotPlain(Exception):
    """CsvSource.records(): this file needs the row-by-row reader (the reason is the text)."""


class _Unclosed:
    """A stream used in a `with` block that must stay open afterwards (standard input)."""

    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self.f

    def __exit__(self, *exc):
        return False


def _printable(text: str) -> str:
    """text, with anything unprintable escaped (a heading is echoed to a terminal)."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _count_outside_quotes(line: str, delimiter: str) -> int:
    """How often `delimiter` occurs in line outside double-quoted parts."""
    if '"' not in line:
        return line.count(delimiter)
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            n += 1
    return n
