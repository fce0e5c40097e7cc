"""Free text typed or imported into the register: refuse what is not text.

A control character in a name or a setting is never data: an ESC starts a terminal escape
sequence (it could recolour, hide or rewrite what `cases list` shows an officer, or set the
window title), a CR or LF splits a CSV row or an e-mail header, and the Unicode direction
overrides reorder what is displayed. Ordinary non-ASCII text (Zoë, Siân, a no-break space
pasted from Excel) is untouched.
"""

import re

# C0 controls (TAB, LF, CR and ESC among them), DEL, C1 controls (CSI \x9b among them), the
# bidirectional embeddings, overrides and isolates, and the line/paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

_NAMES = {"\x1b": "ESC (a terminal escape sequence)", "\x9b": "CSI (a terminal escape sequence)",
          "\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\x00": "a NUL byte"}


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
        "a Unicode direction control" if "\u202a" <= ch <= "\u2069" else f"the control character U+{ord(ch):04X}"
    )
    return f"contains {what}; only plain text is accepted"
