"""Funds and spend: what the `funds` and `spend` commands do, as data.

Each function takes the run's Session first, then plain values; writes happen inside one
`session.transaction()`; nothing here prints, reads the clock or knows a flag name. The rules
are in sendctl/domain/ledger.py and the SQL in sendctl/storage/ledger.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sendctl.domain import ledger as L
from sendctl.domain.dates import refuse_future
from sendctl.storage import ledger as S


def balances(session, as_of: date, fy: str | None = None, high_needs: bool = True) -> list[dict]:
    """Per fund, then the total, then each profiled fund's financial years (rows carry `level`).

    available_pence = approved - spent - committed for a fund with approvals (else None): the
    headroom a posting is checked against, the same figure a refused posting quotes.
    """
    from sendctl.services.placements import with_high_needs

    conn = session.connect()
    rows = S.fund_balances(conn, as_of, fy)
    rows = rows + ([S.totals_row(rows)] if rows else []) + S.fund_year_balances(conn, as_of, fy)
    # the high needs block: its placements count against its budget years (high_needs=False:
    # for a caller that puts the block's own year row in place of its fund row)
    return with_high_needs(session, rows, as_of, fy) if high_needs else rows


def entries(
    session,
    fund: str | None = None,
    fy: str | None = None,
    period: int | None = None,
    kind: str | None = None,
    as_of: date | None = None,
) -> Iterator[dict]:
    """Ledger entries, oldest first, streamed; a supplier who is a person is never named.

    An unknown fund is refused here, before any output is opened.
    """
    conn = session.connect()
    if fund:
        S.get_fund(conn, fund)
    return (L.redacted(e) for e in S.iter_entries(conn, fund, fy, period, kind, as_of))


class Export:
    """A finance export being streamed: iterate `rows`; `totals` fills in as they go."""

    def __init__(self, entries: Iterator[dict], with_commitments: bool) -> None:
        self.with_commitments = with_commitments
        self.totals = L.ExportTotals()
        self._entries = entries

    @property
    def rows(self) -> Iterator[dict]:
        for e in self._entries:
            row = L.export_row(e)
            self.totals.add(row, e["effect"])
            yield row


def export(
    session,
    fund: str | None = None,
    fy: str | None = None,
    period: int | None = None,
    include_commitments: bool = False,
    as_of: date | None = None,
) -> Export:
    """The finance export: actual spend (payments, settlements, their reversals), oldest first;
    with include_commitments also commitments and their cancellations, typed in `kind`. With
    as_of, the ledger as it stood that day (entries dated after it left out).

    Codes missing on a posting come from its fund's defaults. An unknown fund is refused here,
    before any output is opened.
    """
    conn = session.connect()
    if fund:
        S.get_fund(conn, fund)
    effects = L.WITH_COMMITMENT_EFFECTS if include_commitments else L.ACTUAL_EFFECTS
    return Export(S.iter_export(conn, fund, fy, period, effects, as_of), include_commitments)


def update_fund(session, code: str, cost_centre: str | None, account_code: str | None) -> dict:
    """Set a fund's default codes ("" clears one, None leaves it); returns what changed."""
    with session.transaction() as conn:
        return S.update_fund_codes(conn, session.actor(), code, cost_centre, account_code)


def post(
    session, fund: str, amount_pence: int, posted_on: date, description: str, **details
) -> S.Posted:
    """A payment or (commit=True) a commitment; details as storage.ledger.post_spend takes them.
    Refused past the allocation or the approved total unless allow_overspend with a reason."""
    refuse_future(posted_on, session.today)
    with session.transaction() as conn:
        return S.post_spend(
            conn, session.actor(), fund, amount_pence, posted_on, description, **details
        )


class Publication:
    """The Transparency Code file being streamed: iterate `rows`; `count`/`total` fill in."""

    def __init__(self, entries: Iterator[dict]) -> None:
        self.count = 0
        self.total = 0
        self._entries = entries

    @property
    def rows(self) -> Iterator[dict]:
        for e in self._entries:
            row = L.transparency_row(e)
            self.count += 1
            self.total += row["amount"]
            yield row


def transparency(
    session,
    start: date | None,
    end: date | None,
    threshold_pence: int = L.TRANSPARENCY_THRESHOLD,
    as_of: date | None = None,
) -> Publication:
    """Every payment exceeding the threshold, dated start..end inclusive (None: open) and not
    after as_of, for the Local Government Transparency Code: credit notes (reversals) included
    by their size, commitments never (nothing has been paid), individuals as REDACTED PERSONAL
    DATA."""
    if start is not None and end is not None and start > end:
        from sendctl.domain.problems import invalid

        raise invalid(
            "date_to", "before_start", f"{end.isoformat()} is before the start {start.isoformat()}"
        )
    if threshold_pence < 0:
        from sendctl.domain.problems import invalid

        raise invalid("threshold", "negative", "must not be negative")
    if as_of is not None:
        end = as_of if end is None else min(end, as_of)
        if start is not None and start > end:
            from sendctl.domain.problems import invalid

            raise invalid(
                "as_of",
                "before_start",
                f"{as_of.isoformat()} is before the period starts ({start.isoformat()})",
            )
    return Publication(S.iter_payments(session.connect(), start, end, threshold_pence))


def funds(session) -> list[dict]:
    """Every fund with its profile (text) and default codes, in the order they were added."""
    return S.list_funds(session.connect())


def add_fund(
    session,
    code: str,
    name: str,
    kind: str,
    allocation_pence: int,
    profile: dict[str, int] | None = None,
    cost_centre: str | None = None,
    account_code: str | None = None,
) -> None:
    """A new fund (audited); its allocation is fixed once added."""
    with session.transaction() as conn:
        S.add_fund(
            conn,
            session.actor(),
            code,
            name,
            kind,
            allocation_pence,
            profile,
            cost_centre,
            account_code,
        )


def approve(session, code: str, amount_pence: int, ref: str, on: date) -> int:
    """An approved drawdown; returns its ledger entry id."""
    refuse_future(on, session.today)
    with session.transaction() as conn:
        return S.approve(conn, session.actor(), code, amount_pence, ref, on)


def settle(
    session,
    entry_id: int,
    on: date,
    amount_pence: int | None = None,
    invoice_ref: str | None = None,
    allow_overspend: bool = False,
    reason: str | None = None,
) -> S.Posted:
    """A commitment becomes actual; a different amount releases the rest (or takes more)."""
    refuse_future(on, session.today)
    with session.transaction() as conn:
        return S.settle(
            conn, session.actor(), entry_id, on, amount_pence, invoice_ref, allow_overspend, reason
        )


def reverse(session, entry_id: int, reason: str, on: date) -> S.Posted:
    """A reversing entry; the original stays."""
    refuse_future(on, session.today)
    with session.transaction() as conn:
        return S.reverse(conn, session.actor(), entry_id, reason, on)
