"""What the three import commands share: calling the import service, naming a refused file's
problems by the file's own column headings, the progress bar for big files."""

import sys
from contextlib import contextmanager

PROGRESS_MIN_BYTES = 5 * 1024 * 1024  # a progress bar only for files that take a while


def run(service, *args, **kw):
    """Call an import service; a refused file becomes one SendctlError whose lines name the
    columns as the file's header wrote them (`FILE:LINE: Date of Birth: ...`)."""
    from sendctl.services.refusals import ImportRefused

    try:
        return service(*args, **kw)
    except ImportRefused as e:
        columns = e.columns
        e.message = e.render(lambda field: columns.get(field) or field)
        raise


@contextmanager
def progress(quiet: bool):
    """A callback(done, total) for the service: a bar on a terminal for a big file, else None."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    state: dict = {}

    def tick(done: int, total: int) -> None:
        if total <= PROGRESS_MIN_BYTES:
            return
        if "bar" not in state:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

            bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("checking", total=total)
        state["bar"].update(state["task"], completed=done)

    try:
        yield tick
    finally:
        if "bar" in state:
            state["bar"].stop()
