"""A file refused for its problems: the problems kept for the message, and the refusal itself.

Every import (cases, panel decisions, spend, a SEN2 return) reports the same way: each problem
is (line, field, code, message, value), all are counted, the first few in line order are shown,
and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable

from sendctl.domain.errors import EXIT_BAD_INPUT, SendctlError
from sendctl.domain.problems import Problem

MAX_PROBLEMS = 50  # kept for the message; every problem is counted


class ProblemList:
    """The problems of one file: all counted, the first MAX_PROBLEMS in line order kept.

    Importers add problems as they find them (a batch may report a later line before an
    earlier one); the kept list is trimmed now and then, so memory does not grow with the file.
    """

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.limit = limit
        self.count = 0
        self._kept: list[tuple[int, int, Problem]] = []

    def add(
        self,
        line: int | None,
        field: str,
        message: str,
        value: str | None = None,
        code: str = "invalid",
    ) -> None:
        self.count += 1
        self._kept.append((line or 0, self.count, Problem(line, field, code, message, value)))
        if len(self._kept) >= 4 * self.limit:
            self._trim()

    def _trim(self) -> None:
        self._kept.sort(key=lambda k: (k[0], k[1]))
        del self._kept[self.limit :]

    @property
    def problems(self) -> list[Problem]:
        self._trim()
        return [p for _, _, p in self._kept]


class ImportRefused(SendctlError):
    """A file with problems: nothing was written (exit 1).

    Attributes:
        name: the file as named in messages.
        problems: the first problems in line order; count: how many in all.
        columns: {field: the heading as written in the file} for naming fields.
    """

    def __init__(
        self, name: str, problems: list[Problem], count: int, columns: dict[str, str], dry_run: bool
    ):
        self.name, self.problems, self.count, self.columns = name, problems, count, columns
        self.dry_run = dry_run
        super().__init__(self.render(lambda f: f), exit_code=EXIT_BAD_INPUT)

    def render(self, label: Callable[[str], str]) -> str:
        """`FILE:LINE: column: message (got 'value')` lines and the closing count."""
        lines = []
        for p in self.problems:
            got = f" (got {_clip(p.value)!r})" if p.value is not None else ""
            where = f"{self.name}:{p.line}" if p.line else self.name
            lines.append(f"{where}: {label(p.field)}: {p.message}{got}")
        more = self.count - len(self.problems)
        if more > 0:
            lines.append(f"... and {more:,} more")
        what = "imported (dry run)" if self.dry_run else "imported"
        lines.append(f"{self.count} problem(s) in {self.name}; nothing was {what}")
        return "\n".join(lines)


def _clip(value: str, n: int = 60) -> str:
    return value if len(value) <= n else value[:n] + "..."
