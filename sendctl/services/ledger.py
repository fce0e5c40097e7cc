"""Funds and spend: what the `funds` and `spend` commands do, as data.

Each function takes the run's Session first, then plain values; writes happen inside one
`session.transaction()`; nothing here prints, reads the clock or knows a flag name. The rules
are in sendctl/domain/ledger.py and the SQL in sendctl/storage/ledger.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sendctl.domain import ledger as L
from sendctl.storage import ledger as S


def balances(session, as_of: date, fy: str | None = None) -> list[dict]:
    """Per fund, then the total, then each profiled fund's financial years (rows carry `level`).

    available_pence = approved - spent - committed for a fund with approvals (else None): the
    headroom a posting is checked against, the same figure a refused posting quotes.
    """
    conn = session.connect()
    rows = S.fund_balances(conn, as_of, fy)
    return rows + ([S.totals_row(rows)] if rows else []) + S.fund_year_balances(conn, as_of, fy)


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
