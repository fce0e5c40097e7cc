"""Money as integer pence: parse user text, format for people. Never float."""

import re
from decimal import Decimal, InvalidOperation

from sendctl.domain.errors import SendctlError

# "£1,234.56", "1234.56", "1,234", "-£12.00", "£-12"; thousands separators must be well placed.
# The largest amount accepted anywhere (£1,000,000,000): far above any SEND budget, far below
# what SQLite's 64-bit integers hold even summed over millions of entries, so a typo of extra
# digits is refused instead of reaching a balance.
MAX_PENCE = 100_000_000_000

# ASCII digits only (`\d` would take Arabic-Indic or full-width digits as well); a space is
# allowed only between the sign or the £ and the number ("£ 1,234.56"), never among the digits:
# "12 34.5 6" is refused, not read as £1,234.56.
_AMOUNT = re.compile(
    r"(?P<sign>-?) ?£? ?(?P<sign2>-?)(?P<num>[0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.(?P<frac>[0-9]+))?"
)


def parse_pence(text: str, field: str = "amount", allow_negative: bool = False) -> int:
    """Parse an amount of money into integer pence.

    Args:
        text: e.g. "£1,234.56", "1234.56", "1234", "1,234".
        field: name used in the error message.
        allow_negative: accept a leading minus sign.
    Returns:
        The amount in pence.
    Raises:
        SendctlError: for anything else, including more than 2 decimal places (never rounded).
    """
    raw = (text or "").strip()
    m = _AMOUNT.fullmatch(raw)
    if not m:
        raise SendctlError(
            f"{field}: not an amount of money (got {text!r}); expected e.g. £1,234.56, 1234.56 or 1234"
        )
    negative = bool(m["sign"] or m["sign2"])
    if m["sign"] and m["sign2"]:
        raise SendctlError(f"{field}: not an amount of money (got {text!r})")
    frac = m["frac"] or ""
    if len(frac) > 2:
        raise SendctlError(
            f"{field}: more than 2 decimal places (got {text!r}); amounts are in pounds and pence"
        )
    try:
        pence = int(Decimal(m["num"].replace(",", "") + "." + (frac or "0")) * 100)
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        raise SendctlError(f"{field}: not an amount of money (got {text!r})") from None
    if negative:
        if not allow_negative:
            raise SendctlError(f"{field}: must not be negative (got {text!r})")
        pence = -pence
    return check_pence(pence, field, text)


def check_pence(pence: int, field: str = "amount", text: str | None = None) -> int:
    """Refuse an amount of more than £1,000,000,000 either way (MAX_PENCE); return it."""
    if abs(pence) > MAX_PENCE:
        shown = text if text is not None else format_pence(pence)
        raise SendctlError(
            f"{field}: more than {format_pence(MAX_PENCE)} (got {shown!r}); check the digits"
        )
    return pence


def format_pence(pence: int | None) -> str:
    """Format pence as "£1,234.56" ("-£1,234.56" when negative; "" for None)."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}.{p:02d}"


def pence_to_decimal_text(pence: int) -> str:
    """Pence as a plain 2-decimal number for finance exports: 123456 -> "1234.56"."""
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(int(pence)), 100)
    return f"{sign}{pounds}.{p:02d}"
