"""Deadline warning emails as data: one plain-text EmailMessage per recipient.

Pure: no network, no database, no clock (the caller passes `as_of` and the Date header time).

Privacy: a message carries only the case reference, the
child's forename, the clock, its due date and the days left. Rows are read by key, so a
surname, UPN or date of birth in the input can never reach a message.

Header safety: every header value is either built from integers (the subject) or is an address
that passed `clean_address` (ASCII dot-atom `local@domain`, no spaces, no control characters)
and is then set through `email.headerregistry.Address`, which refuses CR/LF itself.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import NamedTuple

from sendctl.domain.errors import SendctlError

# RFC 5322 dot-atom local part @ a DNS-style domain (ASCII only: no SMTPUTF8 needed).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR_RE = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})*")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

WARN_STATUSES = ("overdue", "due")  # "upcoming" rows are not warnings
CLOCK_NAMES = {
    "transfer": "transfer review",
    "assessment_decision": "decision to assess",
    "assessment_no_plan": "no-plan decision",
    "assessment_final": "final EHC plan",
    "annual_review": "annual review",
    "phase_transfer": "phase transfer",
}


def address_or_none(text: str | None) -> str | None:
    """The address as a plain `local@domain`, or None when it is not one (empty, several
    addresses, a display name, spaces, CR/LF or other control characters)."""
    if text is None:
        return None
    text = text.strip(" \t")  # outer spaces only: an inner CR/LF must still fail
    if not text or not _ADDR_RE.fullmatch(text) or len(text) > 254:
        return None
    try:
        return Address(addr_spec=text).addr_spec
    except (ValueError, IndexError, TypeError):  # the parser's own refusals
        return None


def clean_address(text: str | None, field: str) -> str:
    """Validate one email address for a header; SendctlError naming `field` if it is not one."""
    addr = address_or_none(text)
    if addr is None:
        shown = _CONTROL_RE.sub(" ", text or "")[:80]
        raise SendctlError(
            f"{field}: not a single email address like name@example.org (got {shown!r})"
        )
    return addr


def sender_address(text: str | None, field: str = "SENDCTL_SMTP_FROM") -> Address:
    """The From address: `send@example.org` or `SEND team <send@example.org>`."""
    raw = (text or "").strip(" \t")
    m = re.fullmatch(r"(.*?)\s*<([^<>]*)>", raw)
    name, spec = (m.group(1).strip().strip('"'), m.group(2)) if m else ("", raw)
    if _CONTROL_RE.search(name) or '"' in name or "\\" in name:
        raise SendctlError(f"{field}: the display name has control characters or quotes")
    return Address(display_name=name, addr_spec=clean_address(spec, field))


def _cell(value) -> str:
    """Table text from data: control characters (CR, LF, tabs, ESC) become one space."""
    return _CONTROL_RE.sub(" ", "" if value is None else str(value)).strip()


def days_text(days_left: int) -> str:
    if days_left < 0:
        return f"{-days_left} day{'s' if days_left != -1 else ''} overdue"
    if days_left == 0:
        return "due today"
    return f"{days_left} day{'s' if days_left != 1 else ''} left"


def clock_text(clock: str) -> str:
    return CLOCK_NAMES.get(clock, _cell(clock).replace("_", " "))


def subject(n_due: int, n_overdue: int) -> str:
    """`[sendctl] N deadlines due, M overdue`: integers only, so header-safe."""
    return f"[sendctl] {int(n_due)} deadlines due, {int(n_overdue)} overdue"


def _sort_key(row: dict):
    return (row["due_on"], str(row["case_ref"]), row["clock"])


def body_text(rows: list[dict], as_of: date, within: int) -> str:
    """Summary line, a blank line, then the table (soonest first), then a footer."""
    from tabulate import tabulate  # ~120 ms to import: only when a message is built

    rows = sorted(rows, key=_sort_key)
    n_over = sum(1 for r in rows if r["status"] == "overdue")
    n_due = len(rows) - n_over
    when = f"{as_of.day} {as_of:%B %Y}"
    summary = (
        f"As at {when}: {n_over} statutory deadline{'s' if n_over != 1 else ''} overdue and "
        f"{n_due} due within {within} day{'s' if within != 1 else ''}."
    )
    table = tabulate(
        [
            [
                _cell(r["case_ref"]),
                _cell(r.get("forename")),
                clock_text(r["clock"]),
                date.fromisoformat(r["due_on"]).strftime("%a %d %b %Y"),
                days_text(int(r["days_left"])),
            ]
            for r in rows
        ],
        headers=["case ref", "forename", "clock", "due date", "days"],
        tablefmt="simple",
        disable_numparse=True,  # keep case refs like 00123 exactly as written
    )
    footer = (
        "Look a child up with: sendctl cases show REF\n"
        "Sent by `sendctl deadlines notify`; each warning is sent once a day."
    )
    return f"{summary}\n\n{table}\n\n-- \n{footer}\n"


def build_message(
    recipient: str,
    rows: list[dict],
    sender: Address,
    as_of: date,
    within: int,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """One plain-text warning for one recipient.

    Args:
        recipient: a plain address (validated again here: headers never see raw data).
        rows: deadline dicts (case_ref, forename, clock, due_on ISO, status, days_left).
        sender: the From address (see `sender_address`).
        as_of: the day the warning is about; within: the look-ahead in days.
        sent_at: the Date header (aware datetime); omitted when None.
    Returns:
        The EmailMessage (policy default; smtplib flattens it with CRLF).
    """
    to = clean_address(recipient, "recipient")
    n_over = sum(1 for r in rows if r["status"] == "overdue")
    msg = EmailMessage()
    msg["Subject"] = subject(len(rows) - n_over, n_over)
    msg["From"] = sender
    msg["To"] = Address(addr_spec=to)
    if sent_at is not None:
        msg["Date"] = format_datetime(sent_at)
    msg["Message-ID"] = make_msgid(domain=sender.domain or "sendctl.invalid")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a robot
    body = body_text(rows, as_of, within)
    # ASCII goes as 7bit (table lines stay whole, well under the 998-octet limit); a forename
    # like Zoë makes it quoted-printable, which every client decodes.
    msg.set_content(
        body, subtype="plain", charset="utf-8", cte="7bit" if body.isascii() else "quoted-printable"
    )
    return msg


def readable(msg: EmailMessage) -> str:
    """Headers and the decoded body, for --dry-run (no transfer encoding in the way)."""
    head = "".join(
        f"{k}: {v}\n"
        for k, v in msg.items()
        if k not in ("Content-Transfer-Encoding", "MIME-Version")
    )
    return f"{head}\n{msg.get_content()}"


class Outgoing(NamedTuple):
    """One message to send and the deadline rows it covers (recorded once it is accepted)."""

    recipient: str
    rows: list[dict]
    message: EmailMessage


class Plan(NamedTuple):
    outgoing: list[Outgoing]
    unrouted: list[dict]  # no usable caseworker email and no --to: not sent
    rerouted: list[dict]  # caseworker email present but unusable: sent to --to instead
    already_sent: int  # rows skipped because this recipient had them today


def sent_key(recipient: str, row: dict) -> tuple[str, str, str, str]:
    """The idempotence key (with the day, which the caller fixes): recipient, case, clock, due."""
    return (recipient.lower(), str(row["case_ref"]), row["clock"], row["due_on"])


def plan_messages(
    rows: Iterable[dict],
    manager: str | None,
    already: set[tuple[str, str, str, str]],
    sender: Address,
    as_of: date,
    within: int,
    sent_at: datetime | None = None,
) -> Plan:
    """Group warnings by the caseworker's email (the manager's for the rest), drop what each
    recipient already had today, and build one message per recipient with anything new.

    Args:
        rows: deadline dicts; only `due` and `overdue` rows are warnings.
        manager: the --to address (already validated) or None.
        already: `sent_key`s recorded today.
    """
    groups: dict[str, list[dict]] = {}
    unrouted: list[dict] = []
    rerouted: list[dict] = []
    skipped = 0
    for row in rows:
        addr = _route(row, manager, unrouted, rerouted)
        if addr is None:
            continue
        if sent_key(addr, row) in already:
            skipped += 1
            continue
        groups.setdefault(addr.lower(), []).append(row)
    outgoing = []
    for addr in sorted(groups):
        mine = sorted(groups[addr], key=_sort_key)
        outgoing.append(
            Outgoing(addr, mine, build_message(addr, mine, sender, as_of, within, sent_at))
        )
    return Plan(outgoing, unrouted, [r for r in rerouted if manager], skipped)


def _route(row: dict, manager: str | None, unrouted: list, rerouted: list) -> str | None:
    """Who gets a warning row: its caseworker's address, else the manager's (the row is noted
    in rerouted when an address was there but unusable, in unrouted when nobody gets it).
    None for a row that is not a warning or goes to nobody."""
    if row.get("status") not in WARN_STATUSES:
        return None
    raw = row.get("caseworker_email")
    addr = address_or_none(raw)
    if addr is None:
        if raw and str(raw).strip():
            rerouted.append(row)
        addr = manager
    if addr is None:
        unrouted.append(row)
    return addr


def recipient_order(emails: Iterable[str | None], manager: str | None) -> dict[str | None, int]:
    """{caseworker email as stored: the position of its recipient among all recipients in
    plan_messages' order}; -1 for an email whose rows go to nobody."""
    keys = {}
    for raw in emails:
        addr = address_or_none(raw) or manager
        keys[raw] = addr.lower() if addr else None
    pos = {k: i for i, k in enumerate(sorted({k for k in keys.values() if k is not None}))}
    return {raw: (pos[k] if k is not None else -1) for raw, k in keys.items()}


class StreamedPlan:
    """plan_messages over rows that arrive grouped by recipient (deadline_rows with
    recipient_order): one recipient's rows and message in memory at a time, whatever the
    number of deadlines. The same messages in the same order; the counts (already_sent,
    unrouted, rerouted, messages, rows) are complete once `outgoing` has been run through."""

    def __init__(
        self,
        rows: Iterable[dict],
        manager: str | None,
        already: set[tuple[str, str, str, str]],
        sender: Address,
        as_of: date,
        within: int,
        sent_at: datetime | None = None,
    ) -> None:
        self._rows, self._manager, self._already = rows, manager, already
        self._args = (sender, as_of, within, sent_at)
        self.unrouted: list[dict] = []
        self._rerouted: list[dict] = []
        self.already_sent = 0
        self.messages = 0
        self.rows = 0

    @property
    def rerouted(self) -> list[dict]:
        return self._rerouted if self._manager else []

    def outgoing(self) -> Iterator[Outgoing]:
        current: str | None = None
        mine: list[dict] = []
        for row in self._rows:
            row.pop("email_pos", None)
            addr = _route(row, self._manager, self.unrouted, self._rerouted)
            if addr is None:
                continue
            if sent_key(addr, row) in self._already:
                self.already_sent += 1
                continue
            if addr.lower() != current:
                if mine and current is not None:
                    yield self._message(current, mine)
                current, mine = addr.lower(), []
            mine.append(row)
        if mine and current is not None:
            yield self._message(current, mine)

    def _message(self, addr: str, rows: list[dict]) -> Outgoing:
        rows = sorted(rows, key=_sort_key)
        sender, as_of, within, sent_at = self._args
        self.messages += 1
        self.rows += len(rows)
        return Outgoing(addr, rows, build_message(addr, rows, sender, as_of, within, sent_at))
