"""Where a listing is written: standard output, or an --output file opened safely.

A new file is made 0600; links, folders, devices and SQLite files are refused untouched; a
failed write names the file and removes a file this command made.
"""

import io
import os
import stat
import sys
from pathlib import Path

from sendctl.domain.errors import SendctlError


def open_output(output: Path | None, for_csv: bool = False, binary: bool = False):
    """The stream to write to: stdout for None or '-', else a regular file (binary: bytes).

    A new file is created 0600. An existing regular file is overwritten but keeps its mode
    (it is not ours to change; a warning says when others can read it). A symbolic link, a
    folder, a device, a pipe, a SQLite database or its journal files are refused untouched.
    A text write that fails names the file, and a file this call created is removed again.
    """
    if output is None or str(output) == "-":
        return NoClose(sys.stdout)
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


class NoClose(io.TextIOBase):
    """Standard output (or a pager's pipe) as a stream that a `with` block flushes, not closes."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, s):
        return self.stream.write(s)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stream.flush()
