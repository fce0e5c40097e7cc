"""Problems as data: what is wrong with a value, a row or a request, without knowing where it
came from. Only the CLI turns `field` into a flag (`--dob`) or a file column (`date_of_birth`)."""

from __future__ import annotations

from dataclasses import dataclass

from sendctl.domain.errors import EXIT_BAD_INPUT, SendctlError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong.

    Args:
        line: the file line (None for a single value given on the command line).
        field: the domain field name, e.g. "date_of_birth" (never a flag or column heading).
        code: a short stable code for programs and tests, e.g. "bad_date", "required".
        message: plain words, without the field name.
        value: the offending text where it is safe to show (never personal data).
    """

    line: int | None
    field: str
    code: str
    message: str
    value: str | None = None


def describe(problem: Problem, label: str | None = None) -> str:
    """`label: message (got 'value')`, label defaulting to the field name."""
    got = f" (got {problem.value!r})" if problem.value is not None else ""
    return f"{label or problem.field}: {problem.message}{got}"


class InvalidInput(SendctlError):
    """Refused values (exit 1). The CLI names each field as its flag or file column."""

    def __init__(self, problems: list[Problem], hint: str | None = None):
        self.problems = list(problems)
        super().__init__(
            "\n".join(describe(p) for p in self.problems), hint=hint, exit_code=EXIT_BAD_INPUT
        )


class InvalidValue(InvalidInput):
    """One refused value."""

    def __init__(self, problem: Problem, hint: str | None = None):
        self.problem = problem
        super().__init__([problem], hint=hint)


def invalid(
    field: str, code: str, message: str, value: str | None = None, hint: str | None = None
) -> InvalidValue:
    """Shorthand: `raise invalid("date_of_birth", "bad_date", "expected a date like 31/03/2018")`."""
    return InvalidValue(Problem(None, field, code, message, value), hint=hint)
