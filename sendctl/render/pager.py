"""Long output on a terminal goes through a pager, as git does.

The pager is $PAGER, else `less -FRX` (-F: quit at once when the text fits one screen, so a
short listing prints as if there were no pager; -R: keep the colours; -X: leave the text on the
screen afterwards). No pager when stdout is not a terminal (a pipe, a file, cron), with
`--no-pager`, or when PAGER is set empty or to `cat`. It is started on the first write and
closed by the command's error boundary (`close`), which waits for the reader to quit.
"""

import os
import sys
from contextvars import ContextVar

_off: ContextVar[bool] = ContextVar("sendctl_no_pager", default=False)
_proc = None
_stream = None
_real_stdout = None  # sys.stdout before `install` put the lazy pager in its place


class _LazyPager:
    """Stands in for sys.stdout during a listing: the first write starts the pager (if one is
    wanted), so everything the command prints (tables, headings, charts) goes through it, in
    order. Until then nothing is started: a listing that prints nothing runs no pager."""

    def __init__(self, real):
        self.real = real

    def write(self, text: str) -> int:
        return (stream() or self.real).write(text)

    def flush(self) -> None:
        (_stream or self.real).flush()

    def isatty(self) -> bool:
        return self.real.isatty()

    def fileno(self) -> int:
        return self.real.fileno()

    def __getattr__(self, name):
        return getattr(self.real, name)


def install() -> None:
    """For a listing on a terminal: route sys.stdout through the pager from its first write."""
    global _real_stdout
    if _real_stdout is None and wanted():
        _real_stdout = sys.stdout
        sys.stdout = _LazyPager(_real_stdout)


def turn_off(off: bool = True) -> None:
    """--no-pager for this run (reset by `close` at the end of every command)."""
    _off.set(off)


def command() -> list[str] | None:
    """The pager to run, or None for none."""
    import shlex

    cmd = os.environ.get("PAGER")
    if cmd is None:
        return ["less", "-FRX"]
    if cmd.strip() in ("", "cat"):
        return None
    return shlex.split(cmd)


def wanted() -> bool:
    if _off.get():
        return False
    try:
        if not (_real_stdout or sys.stdout).isatty():
            return False
    except (AttributeError, ValueError):
        return False
    return command() is not None


def stream():
    """The pager's input (started now if wanted and not yet running), else None: write to stdout."""
    global _proc, _stream
    if _stream is not None:
        return _stream
    if not wanted():
        return None
    import io
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # for PAGER=less, as git does
    real = _real_stdout or sys.stdout
    real.flush()
    try:
        _proc = subprocess.Popen(command(), stdin=subprocess.PIPE, env=env)
    except OSError:  # no such pager: print straight through
        return None
    _stream = io.TextIOWrapper(
        _proc.stdin, encoding=real.encoding or "utf-8", errors="replace", write_through=False
    )
    return _stream


def current():
    """The open pager stream, if any (for Rich consoles drawing into the same pager)."""
    return _stream


def close() -> None:
    """End of the command: let the pager show the rest and wait until the reader quits."""
    global _proc, _stream, _real_stdout
    _off.set(False)
    if _real_stdout is not None:
        sys.stdout = _real_stdout
        _real_stdout = None
    if _proc is None:
        return
    try:
        _stream.close()
    except OSError:  # the reader quit before the end (BrokenPipeError)
        pass
    while True:
        try:
            _proc.wait()
            break
        except KeyboardInterrupt:  # ^C in less belongs to less; wait for it to exit
            continue
    _proc = _stream = None
