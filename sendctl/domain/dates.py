"""Dates: parse ISO and UK day-first text; financial years and periods (domain.md §7, rule 26)."""

import re
from datetime import date

from sendctl.domain.errors import SendctlError

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_D_MON_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]+)\.?,?[ \-](\d{4})$")


def parse_date(text: str, field: str = "date") -> date:
    """Parse a date given as ISO (2018-03-31) or UK day-first (31/03/2018, 31-03-2018,
    31 Mar 2018, 31 March 2018). Day first always; two-digit years are refused.

    Args:
        text: the user's text.
        field: name used in the error message.
    Returns:
        The date.
    Raises:
        SendctlError: naming the text when it is not a real date in one of those forms.
    """
    raw = (text or "").strip()
    # Fast paths first: dateutil costs ~100 µs a call, which dominates a large import.
    m = _ISO.match(raw)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DMY.match(raw)
        if m:
            d, mo, y = int(m[1]), int(m[2]), int(m[3])
        else:
            m = _D_MON_Y.match(raw)
            mo = _MONTHS.get(m[2].lower()) if m else None
            if not m or mo is None:
                return _parse_fallback(raw, text, field)
            d, y = int(m[1]), int(m[3])
    try:
        return date(y, mo, d)
    except ValueError:
        raise SendctlError(f"{field}: not a real date (got {text!r})") from None


def _parse_fallback(raw: str, text: str, field: str) -> date:
    """Rarer spellings ("31st of March 2018", "2018/03/31") via dateutil, day first.

    A 4-digit year must be present: dateutil would otherwise fill gaps from today.
    """
    if not raw or not re.search(r"\d{4}", raw):
        raise SendctlError(
            f"{field}: not a date (got {text!r}); expected e.g. 2018-03-31, 31/03/2018 or 31 Mar 2018"
        )
    from dateutil import parser  # lazy: ~40 ms to import

    try:
        return parser.parse(raw, dayfirst=True, default=None).date()
    except (ValueError, OverflowError, TypeError):
        raise SendctlError(
            f"{field}: not a date (got {text!r}); expected e.g. 2018-03-31, 31/03/2018 or 31 Mar 2018"
        ) from None


def financial_year_start(d: date) -> int:
    """The calendar year in which d's financial year starts (rule 26: April to March)."""
    return d.year if d.month >= 4 else d.year - 1


def financial_year(d: date) -> str:
    """The financial year label of a date: 2018-03-31 -> "2017-18", 2018-04-01 -> "2018-19"."""
    y = financial_year_start(d)
    return f"{y}-{(y + 1) % 100:02d}"


def period(d: date) -> int:
    """Accounting period of a date (rule 26): April = 1 ... March = 12."""
    return (d.month - 4) % 12 + 1


_FY = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$")


def parse_financial_year(text: str, field: str = "--fy") -> tuple[date, date]:
    """Parse "2017-18" (or "2017/18", "2017-2018") into its first and last day.

    Raises:
        SendctlError: for anything else, or a second year that does not follow the first.
    """
    m = _FY.match((text or "").strip())
    if not m:
        raise SendctlError(f"{field}: not a financial year (got {text!r}); expected e.g. 2017-18")
    start = int(m[1])
    end = int(m[2])
    if (len(m[2]) == 2 and end != (start + 1) % 100) or (len(m[2]) == 4 and end != start + 1):
        raise SendctlError(f"{field}: the second year must follow the first (got {text!r})")
    return date(start, 4, 1), date(start + 1, 3, 31)


def normalise_financial_year(text: str, field: str = "--fy") -> str:
    """"2017/2018" -> "2017-18" (validated)."""
    start, _ = parse_financial_year(text, field)
    return financial_year(start)
