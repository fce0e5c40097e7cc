"""The SEND needs dataset: who holds a plan, grouped for commissioning, with small numbers hidden.

Counts of children are published (to the Cabinet, in the needs assessment), so a count of 1 to
4 is shown as "<5": a small group in a small county can identify a child. When only one cell of
a breakdown is hidden, the total would give it away by subtraction, so the next smallest cell
is withheld as well and shown as "c" (the convention of the Department for Education's
statistics). A change between two years is shown only when both counts are.
"""

from __future__ import annotations

from datetime import date

SUPPRESS_BELOW = 5
SMALL = "<5"
WITHHELD = "c"
DIMENSIONS = ("need", "age", "setting", "area", "plan")
# Age bands of the SEN2 return (age on the day counted).
AGE_BANDS = (
    (0, 4, "under 5"),
    (5, 10, "5 to 10"),
    (11, 15, "11 to 15"),
    (16, 19, "16 to 19"),
    (20, 25, "20 to 25"),
)
PLAN_LABELS = {"statement": "statement", "ehcp": "EHC plan"}


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return "(age not known)"
    for lo, hi, label in AGE_BANDS:
        if lo <= age <= hi:
            return label
    return "over 25"


def years_back(as_of: date, n: int) -> date:
    """The same day n years earlier (29 February becomes 28 February)."""
    try:
        return as_of.replace(year=as_of.year - n)
    except ValueError:
        return as_of.replace(year=as_of.year - n, day=28)


def suppress(counts: dict[str, int]) -> dict[str, str]:
    """What may be published for one breakdown {group: count} whose total is also published.

    Returns {group: shown}: the count, "<5" for 1-4, and "c" for the cell withheld so that a
    single hidden cell cannot be worked out from the total.
    """
    shown = {g: (SMALL if 0 < n < SUPPRESS_BELOW else str(n)) for g, n in counts.items()}
    hidden = [g for g, s in shown.items() if s == SMALL]
    if len(hidden) == 1:
        others = sorted(
            (n, g) for g, n in counts.items() if shown[g] not in (SMALL, WITHHELD) and n > 0
        )
        if others:
            shown[others[0][1]] = WITHHELD
    return shown


def published(shown: str) -> int | None:
    """The count as a number when it is published, else None."""
    return int(shown) if shown.isdigit() else None
