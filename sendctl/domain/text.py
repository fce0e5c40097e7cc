"""Free text typed or imported into the register: refuse what is not text.

A control character in a name or a setting is never data: an ESC starts a terminal escape
sequence (it could recolour, hide or rewrite what `cases list` shows an officer, or set the
window title), a CR or LF splits a CSV row or an e-mail header, and the Unicode direction
overrides reorder what is displayed. Ordinary non-ASCII text (Zoë, Siân, a no-break space
pasted from Excel) is untouched.
"""

import re
from collections.abc import Iterable

# C0 controls (TAB, LF, CR and ESC among them), DEL, C1 controls (CSI \x9b among them), the
# bidirectional embeddings, overrides and isolates, and the line/paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

_NAMES = {
    "\x1b": "ESC (a terminal escape sequence)",
    "\x9b": "CSI (a terminal escape sequence)",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a carriage return",
    "\x00": "a NUL byte",
}


def control_character(text: str | None) -> str | None:
    """What is wrong with `text`, in words ("contains ESC (a terminal escape sequence)"), or
    None when it holds no control character. For any text field of a case, a file row or an
    option; the caller names the field and never echoes the text (it may be personal data)."""
    if not text:
        return None
    m = _CONTROL.search(text)
    if m is None:
        return None
    ch = m.group()
    what = _NAMES.get(ch) or (
        "a Unicode direction control"
        if "\u202a" <= ch <= "\u2069"
        else f"the control character U+{ord(ch):04X}"
    )
    return f"contains {what}; only plain text is accepted"


def fold(text: str | None) -> str:
    """Text for matching, not for showing: accents dropped and case folded, so a search for
    zoe finds Zoë and SIAN finds Siân ("Zoë" -> "zoe")."""
    if not text:
        return ""
    if text.isascii():
        return text.casefold()
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def nearest(value: str, candidates: Iterable[str | None], n: int = 3) -> list[str]:
    """Up to n candidates closest to value (ignoring accents and case), best first."""
    from difflib import get_close_matches

    by_key: dict[str, str] = {}
    for c in candidates:
        if c:
            by_key.setdefault(fold(c), c)
    target = fold(value)
    close = get_close_matches(target, list(by_key), n=n, cutoff=0.6)
    if len(close) < n:  # a part typed: "barker" for "Tom Barker"
        close += [k for k in by_key if target and target in k and k not in close][: n - len(close)]
    if len(close) < n and target:  # a misspelt word of a longer name: "oakam" for "Oakham ..."
        from difflib import SequenceMatcher

        words = target.split()
        scored = []
        for k in by_key:
            if k in close:
                continue
            best = max(
                (SequenceMatcher(None, w, kw).ratio() for w in words for kw in k.split()), default=0
            )
            if best >= 0.8:
                scored.append((-best, k))
        close += [k for _, k in sorted(scored)][: n - len(close)]
    return [by_key[k] for k in close]
