"""Capital projects against a capital fund, and the consultation on them. Pure: no I/O, no clock.

The SEND special provision capital (£500,000 over three years, announced 4 March 2017) must be
spent on a short published plan after consulting parents, carers, schools and others. A project
is a costed scheme profiled by financial year; the plan's projects together must fit the fund's
allocation and, year by year, its cumulative profile (money may slip into a later year, never
be drawn from one that has not started). Going past either is refused unless an officer allows
it with a reason, as a posting past a fund's limit is.
"""

from __future__ import annotations

import re
from datetime import date

from sendctl.domain.money import format_pence
from sendctl.domain.problems import invalid

# The life of a project, in order. "withdrawn" (dropped, e.g. after the consultation) takes it
# out of the plan's sums; every other status keeps its cost in the plan.
STATUSES = ("proposed", "consulting", "approved", "in-delivery", "complete", "withdrawn")
STATUS_LABELS = {
    "proposed": "proposed",
    "consulting": "being consulted on",
    "approved": "approved",
    "in-delivery": "in delivery",
    "complete": "complete",
    "withdrawn": "withdrawn",
}
RESPONDENT_TYPES = ("parent", "carer", "school", "young-person", "other")
VIEWS = ("support", "oppose", "comment")

_NAME = re.compile(r"^[^\x00-\x1f\x7f]{2,80}$")
_THEME = re.compile(r"^[a-z0-9][a-z0-9 \-]{0,39}$")


def check_name(name: str) -> str:
    """A project's name: 2-80 printable characters (it is the project's key in commands)."""
    text = " ".join((name or "").split())
    if not _NAME.match(text):
        raise invalid("name", "bad_name", f"expected 2-80 printable characters (got {name!r})")
    return text


def check_text(
    value: str | None, field: str, required: bool = True, limit: int = 2000
) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise invalid(field, "required", "must not be empty")
        return None
    if len(text) > limit or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise invalid(field, "bad_text", f"expected up to {limit} printable characters")
    return text


def check_status(status: str) -> str:
    s = (status or "").strip().lower().replace(" ", "-").replace("_", "-")
    if s not in STATUSES:
        raise invalid(
            "status", "bad_status", f"expected one of {', '.join(STATUSES)} (got {status!r})"
        )
    return s


def check_choice(value: str, field: str, allowed: tuple[str, ...]) -> str:
    v = (value or "").strip().lower().replace("_", "-")
    if v not in allowed:
        raise invalid(field, "bad_choice", f"expected one of {', '.join(allowed)} (got {value!r})")
    return v


def check_theme(theme: str | None) -> str | None:
    """A consultation theme: a short lower-case tag ("transport", "autism places"), never a
    free-text comment, so nothing a respondent wrote about themselves or a child is kept."""
    if theme is None or not theme.strip():
        return None
    t = " ".join(theme.strip().lower().split())
    if not _THEME.match(t):
        raise invalid(
            "theme",
            "bad_theme",
            "expected a short tag of up to 40 letters, digits, spaces or hyphens, e.g. transport",
        )
    return t


def check_transition(
    current: str | None, current_on: date | None, new: str, on: date, proposed_on: date
) -> None:
    """A status change must be a change, dated on or after the project was proposed and after
    the last change (the history is append-only, so it must read in date order)."""
    if on < proposed_on:
        raise invalid(
            "date",
            "before_project",
            f"{on.isoformat()} is before the project was proposed ({proposed_on.isoformat()})",
        )
    if current == new:
        raise invalid("status", "unchanged", f"the project is already {STATUS_LABELS[new]}")
    if current_on is not None and on < current_on:
        raise invalid(
            "date",
            "out_of_order",
            f"{on.isoformat()} is before the project's last status change ({current_on.isoformat()})",
        )


def plan_overrun(
    fund: str,
    allocation_pence: int,
    fund_profile: dict[str, int],
    planned_pence: int,
    planned_by_year: dict[str, int],
    cost_pence: int,
    profile: dict[str, int],
) -> list[str]:
    """What a new project would take past the fund (empty when it fits).

    Args:
        fund: the fund's code (for the messages).
        allocation_pence: the fund's allocation.
        fund_profile: the fund's profile {financial year: pence} (empty when not profiled).
        planned_pence: the cost of the projects already in the plan (not withdrawn).
        planned_by_year: their profile summed by financial year.
        cost_pence / profile: the new project.
    Returns:
        One line per limit passed: the allocation, then each year whose cumulative plan passes
        the fund's cumulative profile to that year.
    """
    out = []
    total = planned_pence + cost_pence
    if total > allocation_pence:
        out.append(
            f"{fund}: projects would total {format_pence(total)} against the allocation of "
            f"{format_pence(allocation_pence)} (over by {format_pence(total - allocation_pence)}; "
            f"{format_pence(max(0, allocation_pence - planned_pence))} is unplanned)"
        )
    if fund_profile:
        years = sorted(set(fund_profile) | set(planned_by_year) | set(profile))
        for fy in years:
            cum_fund = sum(p for y, p in fund_profile.items() if y <= fy)
            cum_plan = sum(p for y, p in planned_by_year.items() if y <= fy) + sum(
                p for y, p in profile.items() if y <= fy
            )
            if fy in profile and cum_plan > cum_fund:
                out.append(
                    f"{fund}: projects planned to {fy} would total {format_pence(cum_plan)} against "
                    f"the profile to {fy} of {format_pence(cum_fund)} (over by {format_pence(cum_plan - cum_fund)})"
                )
    return out
