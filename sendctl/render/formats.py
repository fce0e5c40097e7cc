"""Output for every listing: Rich table (terminal), plain text, CSV and JSON.

JSON is a list of objects with the same names as the CSV columns; money columns carry
integer pence in `*_pence` and a formatted string beside it.
"""

import csv
import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import NamedTuple, TextIO

from sendctl.domain.errors import SendctlError
from sendctl.domain.money import format_pence

FORMATS = ("table", "plain", "csv", "json", "xlsx")


class Column(NamedTuple):
    """One output column, declared once per listing.

    kind: text (free text: in a table it shrinks and is cut with an ellipsis first), code (a
    reference, code or short label that never wraps), date, money (pence), int, pct, bool,
    days (days left to a deadline: "3 days overdue" in a table). A text column whose key looks
    like a date, amount or reference is treated as one (sendctl.render.tables.effective_kind).
    priority: 1 = always shown; on a narrow terminal a table drops the largest numbers first.
    """

    key: str
    header: str | None = None
    kind: str = "text"
    human: bool = True  # shown in table/plain (machine formats always carry every column)
    priority: int = 1


def human_value(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return format_pence(value)
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "bool":
        return "yes" if value else "no"
    return str(value)


def _header(c: Column) -> str:
    if c.header:
        return c.header
    key = c.key[: -len("_pence")] if c.key.endswith("_pence") else c.key
    return key.replace("_", " ")


def machine_fields(columns: list[Column]) -> list[str]:
    """CSV/JSON field names: every key, and for money `x_pence` also a formatted `x`."""
    fields = []
    for c in columns:
        fields.append(c.key)
        if c.kind == "money" and c.key.endswith("_pence"):
            fields.append(c.key[: -len("_pence")])
    return fields


def machine_row(row: dict, columns: list[Column]) -> dict:
    out = {}
    for c in columns:
        v = row.get(c.key)
        if c.kind == "bool" and v is not None:
            v = bool(v)
        out[c.key] = v
        if c.kind == "money" and c.key.endswith("_pence"):
            out[c.key[: -len("_pence")]] = format_pence(v) if v is not None else None
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Stop a spreadsheet reading a cell as a formula (CSV injection); numbers pass as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def write_csv(rows: Iterable[dict], fields: list[str], out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(fields)
    for r in rows:
        w.writerow([neutralise_cell("" if r.get(f) is None else r.get(f)) for f in fields])


def write_json(rows: Iterable[dict], out: TextIO) -> None:
    # Streamed, so a million-row listing never sits in memory as one JSON document.
    import json  # here, not at the top: table/plain output never needs it (start-up time)

    out.write("[")
    first = True
    for r in rows:
        out.write("\n  " if first else ",\n  ")
        out.write(json.dumps(r, ensure_ascii=False, default=str))
        first = False
    out.write("\n]\n" if not first else "]\n")


def write_plain(rows: Iterable[dict], columns: list[Column], out: TextIO) -> None:
    """Aligned text columns; widths from the first 1,000 rows so that it streams."""
    cols = [c for c in columns if c.human]
    it = iter(rows)
    head = list(islice(it, 1000))
    cells = [[human_value(r.get(c.key), c.kind) for c in cols] for r in head]
    headers = [_header(c) for c in cols]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    right = [c.kind in ("money", "int", "pct") for c in cols]

    def line(values):
        parts = [
            (v.rjust(w) if r else v.ljust(w)) for v, w, r in zip(values, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip() + "\n"

    out.write(line(headers))
    out.write(line(["-" * w for w in widths]))
    for row in cells:
        out.write(line(row))
    for r in it:
        out.write(line([human_value(r.get(c.key), c.kind) for c in cols]))


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def resolve_format(fmt: str | None, output: Path | None) -> str:
    if fmt:
        return fmt
    to_stdout = output is None or str(output) == "-"
    return "table" if to_stdout and stdout_is_terminal() else "plain"


def open_output(output: Path | None, for_csv: bool = False, binary: bool = False):
    """The stream to write to: stdout for None or '-', else a regular file (binary: bytes).

    A new file is created 0600. An existing regular file is overwritten but keeps its mode
    (it is not ours to change; a warning says when others can read it). A symbolic link, a
    folder, a device, a pipe, a SQLite database or its journal files are refused untouched.
    A text write that fails names the file, and a file this call created is removed again.
    """
    if output is None or str(output) == "-":
        return _NoClose(sys.stdout)
    path = Path(output)
    if path.is_symlink():
        raise SendctlError(
            f"--output {output}: is a symbolic link; not followed", hint="give the real file name"
        )
    if path.is_dir():
        raise SendctlError(f"--output {output}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise SendctlError(f"--output {output}: folder {str(path.parent)!r} does not exist")
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        raise SendctlError(
            f"--output {output}: not a regular file (a device, pipe or socket); not written",
            hint="use '-' to write to standard output",
        )
    if _is_database(path):
        raise SendctlError(
            f"--output {output}: is a SQLite database (or its -wal/-shm/-journal file); not overwritten",
            hint="give the name of a new file for the export",
        )
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    created = True
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
    except FileExistsError:
        created = False
        try:
            fd = os.open(path, os.O_WRONLY | nofollow | getattr(os, "O_NONBLOCK", 0))
        except OSError as e:  # swapped for a link or a pipe since the checks above
            raise SendctlError(
                f"--output {output}: cannot be opened safely ({e.strerror}); not written"
            ) from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise SendctlError(f"--output {output}: not a regular file; not written") from None
        if (info.st_dev, info.st_ino) in _written:
            # a second part of the same command's output (a report in sections): added after
            # the first, not over it
            os.lseek(fd, 0, os.SEEK_END)
            if binary:
                return open(fd, "ab")
            stream = open(fd, "w", encoding="utf-8", newline="")
            return _OutputFile(stream, path, False)
        os.ftruncate(fd, 0)
        if stat.S_IMODE(info.st_mode) & 0o077:
            sys.stderr.write(
                f"Warning: --output {output}: readable by others (mode "
                f"{oct(stat.S_IMODE(info.st_mode))}), left as it was; chmod 600 it "
                "if it holds personal data\n"
            )
    info = os.fstat(fd)
    _written.add((info.st_dev, info.st_ino))
    if binary:
        return open(fd, "wb")
    # A BOM lets Excel read £ and accented names correctly from a CSV file.
    stream = open(fd, "w", encoding="utf-8-sig" if for_csv else "utf-8", newline="")
    return _OutputFile(stream, path, created)


_written: set[tuple[int, int]] = set()  # files this command has written (device, inode)


def forget_outputs() -> None:
    """The command is over: a later command writing the same --output file starts it afresh."""
    _written.clear()


class _OutputFile(io.TextIOBase):
    """An --output file: an OSError while writing names the file (the disk is full, say), and
    a file created for this export is removed rather than left half-written."""

    def __init__(self, stream, path: Path, created: bool):
        self.stream, self.path, self.created = stream, path, created

    def _failed(self, e: OSError):
        try:
            self.stream.close()
        except OSError:
            pass
        if self.created:
            try:
                self.path.unlink()
            except OSError:
                pass
        return OSError(e.errno, e.strerror, str(self.path))

    def write(self, s):
        try:
            return self.stream.write(s)
        except OSError as e:
            raise self._failed(e) from None

    def flush(self):
        try:
            self.stream.flush()
        except OSError as e:
            raise self._failed(e) from None

    def close(self):
        if self.stream.closed:
            return
        try:
            self.stream.close()
        except OSError as e:
            raise self._failed(e) from None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None and not self.stream.closed:
            try:
                self.stream.close()
            except OSError:
                pass
            return False
        self.close()
        return False


def _is_database(path: Path) -> bool:
    """True for a SQLite file, or a -wal/-shm/-journal file beside one (truncating either
    would destroy the live database)."""
    candidates = [path] + [
        path.with_name(path.name[: -len(s)])
        for s in ("-wal", "-shm", "-journal")
        if path.name.endswith(s)
    ]
    for c in candidates:
        try:
            with open(c, "rb") as f:
                if f.read(16) == b"SQLite format 3\x00":
                    return True
        except OSError:
            continue
    return False


class _NoClose(io.TextIOBase):
    def __init__(self, stream):
        self.stream = stream

    def write(self, s):
        return self.stream.write(s)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stream.flush()


def emit(
    rows: Iterable[dict],
    columns: list[Column],
    fmt: str | None = None,
    output: Path | None = None,
    title: str | None = None,
    empty_message: str | None = None,
) -> int:
    """Write rows in the chosen format; return how many were written (for tables: shown)."""
    fmt = resolve_format(fmt, output)
    to_stdout = output is None or str(output) == "-"
    paged = None
    if to_stdout and fmt in ("table", "plain"):
        from sendctl.render import pager

        paged = pager.stream()
    if fmt == "table":
        from sendctl.render.tables import print_table

        if to_stdout:
            return print_table(
                rows, columns, title=title, empty_message=empty_message, out=paged or sys.stdout
            )
        with open_output(output) as out:
            return print_table(
                rows, columns, title=title, empty_message=empty_message, out=out, colour=False
            )
    if fmt == "xlsx":
        from sendctl.render.xlsx import write_xlsx  # loads XlsxWriter: only when asked for

        return write_xlsx(rows, columns, output, sheet=title or "sendctl")
    counter = _Counter(rows)
    with _NoClose(paged) if paged else open_output(output, for_csv=fmt == "csv") as out:
        if fmt == "csv":
            write_csv((machine_row(r, columns) for r in counter), machine_fields(columns), out)
        elif fmt == "json":
            write_json((machine_row(r, columns) for r in counter), out)
        else:
            write_plain(counter, columns, out)
    return counter.n


class _Counter:
    def __init__(self, rows):
        self.rows = rows
        self.n = 0

    def __iter__(self) -> Iterator[dict]:
        for r in self.rows:
            self.n += 1
            yield r


def emit_record(
    record: dict, fmt: str | None, output: Path | None = None, title: str | None = None
) -> None:
    """One object (a dashboard, a summary): JSON as an object, otherwise key/value lines."""
    fmt = resolve_format(fmt, output)
    if fmt == "xlsx":
        from sendctl.render.xlsx import write_xlsx

        rows = [{"field": k, "value": v} for k, v in record.items()]
        write_xlsx(rows, [Column("field"), Column("value")], output, sheet=title or "sendctl")
        return
    with open_output(output) as out:
        if fmt == "json":
            import json

            out.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
            return
        if title:
            out.write(title + "\n")
        width = max((len(k) for k in record), default=0)
        for k, v in record.items():
            out.write(f"{k.replace('_', ' ').ljust(width)}  {'' if v is None else v}\n")
