"""Dates: parse ISO and UK day-first text; financial years and periods."""

import re
from datetime import date

from sendctl.domain.errors import SendctlError

# Years outside this range are typing mistakes in a SEND register (a date of birth before 1900,
# an event after 2100), and date arithmetic near year 1 or 9999 would overflow.
MIN_YEAR = 1900
MAX_YEAR = 2100

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# The only spellings read (README "Global behaviour"); anything else is refused, never guessed.
# re.ASCII: \d is 0-9 only (not Arabic-Indic or full-width digits, which int() would accept).
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
# Year first with / or . (2017/05/01): a 4-digit year leads, so it is read year-month-day.
_YMD = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})$", re.ASCII)
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$", re.ASCII)
_D_MON_Y = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{4})$",
    re.IGNORECASE | re.ASCII,
)
# Recognised only to say precisely what is wrong with them.
_TWO_DIGIT_YEAR = re.compile(
    r"^\d{1,2}([/.\-])\d{1,2}\1\d{2}$|^\d{1,2}(?:st|nd|rd|th)?[\s\-]+[A-Za-z]+\.?[\s\-]+\d{2}$",
    re.IGNORECASE | re.ASCII,
)
_COMPACT = re.compile(r"^\d{6}$|^\d{8}$", re.ASCII)
_PARTIAL = re.compile(
    r"^(\d{4}([-/.]\d{1,2})?|\d{1,2}[-/.]\d{4}|[A-Za-z]+\.?,?[\s\-]+\d{4}|\d{4}[\s\-]+[A-Za-z]+)$",
    re.ASCII,
)
_EXPECTED = "expected e.g. 2018-03-31, 31/03/2018 or 31 Mar 2018"


class BadDate(SendctlError):
    """A refused date. `reason` is the message without the field name (for file row problems)."""

    def __init__(self, field: str, reason: str, text: str):
        super().__init__(f"{field}: {reason} (got {text!r})")
        self.reason = reason


def check_year(d: date, field: str = "date", text: str | None = None) -> date:
    """Refuse a date outside MIN_YEAR..MAX_YEAR (a typo such as 0217 or 20177, or year 9999)."""
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise BadDate(
            field,
            f"the year must be between {MIN_YEAR} and {MAX_YEAR}",
            text if text is not None else d.isoformat(),
        )
    return d


def parse_date(text: str, field: str = "date") -> date:
    """Parse a date written in one of the accepted spellings, day first, whole dates only:
    2018-03-31 (ISO; also 2018/03/31 and 2018.03.31, year first), 31/03/2018, 31-03-2018,
    31.03.2018 (and 1/4/2018), 31 Mar 2018, 31 March 2018, 31st March 2018, 31-Mar-2018.

    Refused, with a message saying why: two-digit years (31/03/18: which century?), 8-digit
    runs (20180331 or 31032018?), partial dates (March 2018, 2018-03, 2018: nothing is filled
    in from today), month-first and any other spelling, and years outside 1900-2100.

    Args:
        text: the user's text.
        field: name used in the error message.
    Returns:
        The date.
    Raises:
        BadDate (a SendctlError): naming the field and the text.
    """
    raw = (text or "").strip()
    m = _ISO.match(raw)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.match(raw):
        d, mo, y = int(m[1]), int(m[3]), int(m[4])
    elif m := _D_MON_Y.match(raw):
        month = _MONTHS.get(m[2].lower())
        if month is None:
            raise BadDate(field, f"not a date: {m[2]!r} is not a month; {_EXPECTED}", text)
        mo = month
        d, y = int(m[1]), int(m[3])
    elif m := _YMD.match(raw):
        y, mo, d = int(m[1]), int(m[3]), int(m[4])
    else:
        raise BadDate(field, _refusal(raw), text)
    try:
        value = date(y, mo, d)
    except ValueError:
        raise BadDate(field, "not a real date", text) from None
    return check_year(value, field, text)


def refuse_future(d: date, today: date, field: str = "date") -> date:
    """Refuse a record dated after `today` (given by the caller: the domain never reads the
    clock). A ledger entry records money that moved or was committed: one dated 2107 for 2017
    would sit in the wrong year and, entries being append-only, could only be reversed.

    Raises:
        InvalidValue: code "future_date", naming `field`.
    """
    if d > today:
        from sendctl.domain.problems import invalid

        raise invalid(
            field,
            "future_date",
            f"{d.isoformat()} is after today ({today.isoformat()}); a mistyped year? "
            "Record it on the day it happens",
        )
    return d


def _refusal(raw: str) -> str:
    if _TWO_DIGIT_YEAR.match(raw):
        return "not a date: write the year in full (2018, not 18)"
    if _COMPACT.match(raw):
        return "not a date: digits without separators are ambiguous; write 2018-03-31 or 31/03/2018"
    if _PARTIAL.match(raw):
        return "not a whole date: give the day, month and year (e.g. 31/03/2018)"
    return f"not a date; {_EXPECTED}"


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


_FY = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$", re.ASCII)


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
    if not MIN_YEAR <= start < MAX_YEAR:
        raise SendctlError(
            f"{field}: the year must be between {MIN_YEAR} and {MAX_YEAR - 1} (got {text!r})"
        )
    return date(start, 4, 1), date(start + 1, 3, 31)


def normalise_financial_year(text: str, field: str = "--fy") -> str:
    """ "2017/2018" -> "2017-18" (validated)."""
    start, _ = parse_financial_year(text, field)
    return financial_year(start)
