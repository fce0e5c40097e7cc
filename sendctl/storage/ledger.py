"""Funds and the append-only spend ledger: seeding, posting services, balances by SQL SUM.

Service functions take (conn, actor, ...) and validate everything before writing; each write
is audited inside the same transaction (storage/audit.py). They open a transaction unless the
caller already has one (the demo and imports post many entries in one).
"""

import sqlite3
from contextlib import contextmanager
from datetime import date, timedelta
from typing import NamedTuple

from sendctl.domain import ledger as L
from sendctl.domain.dates import financial_year, normalise_financial_year, parse_financial_year
from sendctl.domain.errors import SendctlError
from sendctl.domain.money import format_pence
from sendctl.domain.problems import invalid
from sendctl.storage.audit import Actor, record, utc_now
from sendctl.storage.capital import check_postable, get_project, link_spend, past_cost_warnings

# The funds of the Cabinet report of 18 April 2017.
SEED_FUNDS = (
    ("reserve", "SEND reform earmarked reserve", "revenue", 12_600_000, None),
    ("dfe-grant", "DfE SEND reform grant 2017-18", "revenue", 4_500_000, None),
    (
        "capital",
        "SEND special provision capital",
        "capital",
        50_000_000,
        {"2018-19": 16_666_667, "2019-20": 16_666_667, "2020-21": 16_666_666},
    ),
)
SEED_APPROVAL = ("reserve", 5_000_000, "FP/030317/04", date(2017, 4, 18))


@contextmanager
def _tx(conn: sqlite3.Connection):
    if conn.in_transaction:
        yield conn
        return
    from sendctl.storage.db import transaction

    with transaction(conn):
        yield conn


# --- funds -------------------------------------------------------------------------------------


_FUND_COLS = "code, name, kind, allocation_pence, default_cost_centre, default_account_code"


def get_fund(conn: sqlite3.Connection, code: str) -> dict:
    row = conn.execute(f"SELECT {_FUND_COLS} FROM funds WHERE code = ?", (code,)).fetchone()
    if row is None:
        known = [r[0] for r in conn.execute("SELECT code FROM funds ORDER BY code")]
        raise SendctlError(
            f"fund {code!r} does not exist",
            hint=f"funds: {', '.join(known)}"
            if known
            else "run 'sendctl init' to seed the funds, or 'sendctl funds add'",
        )
    return dict(row)


def fund_profile(conn: sqlite3.Connection, code: str) -> dict[str, int]:
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT financial_year, amount_pence FROM fund_profiles WHERE fund = ? ORDER BY financial_year",
            (code,),
        )
    }


def list_funds(conn: sqlite3.Connection) -> list[dict]:
    out = []
    for r in conn.execute(f"SELECT {_FUND_COLS} FROM funds ORDER BY rowid"):
        f = dict(r)
        prof = fund_profile(conn, f["code"])
        f["profile"] = ", ".join(f"{fy}={format_pence(p)}" for fy, p in prof.items())
        out.append(f)
    return out


def add_fund(
    conn: sqlite3.Connection,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    allocation_pence: int,
    profile: dict[str, int] | None = None,
    cost_centre: str | None = None,
    account_code: str | None = None,
) -> None:
    code = L.check_fund_code(code)
    L.check_fund_kind(kind)
    if not (name or "").strip():
        raise invalid("name", "invalid", "must not be empty")
    if allocation_pence <= 0:
        raise invalid(
            "allocation",
            "invalid",
            f"must be more than £0.00 (got {format_pence(allocation_pence)})",
        )
    if profile is not None and sum(profile.values()) != allocation_pence:
        raise invalid("profile", "invalid", "the years must sum to the allocation")
    with _tx(conn):
        if conn.execute("SELECT 1 FROM funds WHERE code = ?", (code,)).fetchone():
            raise SendctlError(
                f"fund {code!r} already exists; a fund's allocation is not changed in place"
            )
        conn.execute(
            "INSERT INTO funds (code, name, kind, allocation_pence, created_utc, default_cost_centre,"
            " default_account_code) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                name.strip(),
                kind,
                allocation_pence,
                utc_now(),
                _clean(cost_centre),
                _clean(account_code),
            ),
        )
        conn.executemany(
            "INSERT INTO fund_profiles (fund, financial_year, amount_pence) VALUES (?, ?, ?)",
            [(code, fy, p) for fy, p in (profile or {}).items()],
        )
        record(
            conn,
            actor,
            "fund",
            code,
            "add",
            after={
                "name": name.strip(),
                "kind": kind,
                "allocation_pence": allocation_pence,
                "profile": profile or None,
                "default_cost_centre": _clean(cost_centre),
                "default_account_code": _clean(account_code),
            },
        )


def update_fund_codes(
    conn: sqlite3.Connection,
    actor: Actor,
    code: str,
    cost_centre: str | None,
    account_code: str | None,
) -> dict:
    """Set a fund's default cost centre and/or account code ("" clears one; None leaves it).

    Returns the changed fields (empty when nothing changed). The ledger is not touched: the
    export applies a fund's defaults to any posting without codes of its own.
    """
    with _tx(conn):
        fund = get_fund(conn, code)
        after = {}
        for column, value in (
            ("default_cost_centre", cost_centre),
            ("default_account_code", account_code),
        ):
            if value is None:
                continue
            value = _clean(value)
            if value != fund[column]:
                after[column] = value
        if after:
            conn.execute(
                f"UPDATE funds SET {', '.join(f'{c} = ?' for c in after)} WHERE code = ?",
                (*after.values(), code),
            )
            record(
                conn, actor, "fund", code, "update", before={c: fund[c] for c in after}, after=after
            )
    return after


def approve(
    conn: sqlite3.Connection, actor: Actor, code: str, amount_pence: int, ref: str, on: date
) -> int:
    """An approved drawdown (e.g. Cabinet's £50,000 from the reserve); returns the entry id."""
    ref = (ref or "").strip()
    if not ref:
        raise invalid(
            "ref", "invalid", "must not be empty (the decision reference, e.g. FP/030317/04)"
        )
    if amount_pence <= 0:
        raise SendctlError(f"AMOUNT: must be more than £0.00 (got {format_pence(amount_pence)})")
    with _tx(conn):
        fund = get_fund(conn, code)
        if conn.execute(
            "SELECT 1 FROM ledger_entries WHERE fund = ? AND kind = 'approval' AND invoice_ref = ?",
            (code, ref),
        ).fetchone():
            raise SendctlError(f"{code}: approval {ref} is already recorded")
        bal = balance(conn, code)
        L.check_approval(code, fund["allocation_pence"], bal.approved, amount_pence)
        entry_id = _insert(
            conn,
            actor,
            {
                "fund": code,
                "kind": "approval",
                "amount_pence": amount_pence,
                "description": f"Approved drawdown {ref}",
                "invoice_ref": ref,
                **L.dated_fields(on),
            },
        )
        record(
            conn,
            actor,
            "ledger_entry",
            entry_id,
            "approve",
            after={
                "fund": code,
                "amount_pence": amount_pence,
                "ref": ref,
                "posted_on": on.isoformat(),
            },
        )
    return entry_id


def seed_funds(conn: sqlite3.Connection, actor: Actor) -> int:
    """Seed the three funds and the Cabinet's £50,000 approval; never twice. Returns funds added."""
    added = 0
    for code, name, kind, alloc, profile in SEED_FUNDS:
        if conn.execute("SELECT 1 FROM funds WHERE code = ?", (code,)).fetchone():
            continue
        add_fund(conn, actor, code, name, kind, alloc, profile)
        added += 1
    code, amount, ref, on = SEED_APPROVAL
    if not conn.execute(
        "SELECT 1 FROM ledger_entries WHERE fund = ? AND kind = 'approval' AND invoice_ref = ?",
        (code, ref),
    ).fetchone():
        approve(conn, actor, code, amount, ref, on)
    return added


# --- balances ----------------------------------------------------------------------------------

_SUMS = """
    SUM(CASE WHEN effect = 'approved' THEN amount_pence END) AS approved,
    COALESCE(SUM(CASE WHEN effect = 'spent' THEN amount_pence END), 0) AS spent,
    COALESCE(SUM(CASE WHEN effect = 'committed' THEN amount_pence END), 0)
      - COALESCE(SUM(released_pence), 0) AS committed
"""


def balance(
    conn: sqlite3.Connection, code: str, before: date | None = None, fy: str | None = None
) -> L.Balance:
    """One fund's balance from its entries (all of them, or those dated before `before`)."""
    fund = get_fund(conn, code)
    where, params = ["fund = ?"], [code]
    if before is not None:
        where.append("posted_on < ?")
        params.append(before.isoformat())
    if fy is not None:
        where.append("financial_year <= ?")
        params.append(fy)
    r = conn.execute(
        f"SELECT {_SUMS} FROM ledger_entries WHERE {' AND '.join(where)}", params
    ).fetchone()
    return L.Balance(fund["allocation_pence"], r["approved"], r["committed"], r["spent"])


def _row(
    code, name, kind, allocation, approved, committed, spent, level="fund", fy=None, available=None
) -> dict:
    bal = L.Balance(allocation, approved, committed, spent)
    if level == "fund":
        available = bal.available
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "level": level,
        "financial_year": fy,
        "allocation_pence": allocation,
        "approved_pence": approved,
        "committed_pence": committed,
        "spent_pence": spent,
        "remaining_pence": bal.remaining,
        "available_pence": available,
        "pct_used": bal.pct_used,
    }


def fund_balances(conn: sqlite3.Connection, as_of: date, fy: str | None = None) -> list[dict]:
    """Per fund, as at the end of `as_of`: allocation, approved (None without approvals),
    committed (open), spent, remaining = allocation - spent - committed, pct_used.

    With fy ("2017-18"), only that financial year's entries count and a profiled fund's
    allocation is its profile for that year. One grouped SUM over the (fund, posted_on) index.
    The contract for `funds balances` and the `status` dashboard (scripts rely on the field names).
    """
    cutoff = (as_of + timedelta(days=1)).isoformat()
    params: list = [cutoff]
    fy_cond = ""
    if fy is not None:
        start, end = parse_financial_year(fy)
        fy_cond = " AND e.posted_on >= ? AND e.posted_on < ?"
        params += [start.isoformat(), (end + timedelta(days=1)).isoformat()]
        params.append(financial_year(start))
    sql = f"""
        SELECT f.code, f.name, f.kind, f.allocation_pence,
               {"p.amount_pence" if fy else "NULL"} AS year_profile,
               {"(SELECT COUNT(*) FROM fund_profiles q WHERE q.fund = f.code)" if fy else "0"} AS profiled,
               s.approved, s.spent, s.committed
        FROM funds f
        LEFT JOIN (
            SELECT fund, {_SUMS} FROM ledger_entries e
            WHERE e.posted_on < ?{fy_cond} GROUP BY fund
        ) s ON s.fund = f.code
        {"LEFT JOIN fund_profiles p ON p.fund = f.code AND p.financial_year = ?" if fy else ""}
        ORDER BY f.rowid
    """
    out = []
    for r in conn.execute(sql, params):
        allocation = r["allocation_pence"]
        if fy is not None and r["profiled"]:
            allocation = r["year_profile"] or 0
        out.append(
            _row(
                r["code"],
                r["name"],
                r["kind"],
                allocation,
                r["approved"],
                r["committed"] or 0,
                r["spent"] or 0,
            )
        )
    return out


def fund_year_balances(conn: sqlite3.Connection, as_of: date, fy: str | None = None) -> list[dict]:
    """Per financial year of each profiled fund: the year's profile, its spent and committed."""
    cutoff = (as_of + timedelta(days=1)).isoformat()
    params: list = [cutoff]
    fy_filter = ""
    if fy is not None:
        fy_filter = " WHERE p.financial_year = ?"
        params.append(normalise_financial_year(fy))
    sql = f"""
        SELECT f.code, f.name, f.kind, p.financial_year, p.amount_pence, s.approved, s.spent, s.committed
        FROM fund_profiles p JOIN funds f ON f.code = p.fund
        LEFT JOIN (
            SELECT fund, financial_year, {_SUMS} FROM ledger_entries
            WHERE posted_on < ? AND fund IN (SELECT fund FROM fund_profiles)
            GROUP BY fund, financial_year
        ) s ON s.fund = p.fund AND s.financial_year = p.financial_year
        {fy_filter}
        ORDER BY f.rowid, p.financial_year
    """
    return [
        _row(
            r["code"],
            r["name"],
            r["kind"],
            r["amount_pence"],
            r["approved"],
            r["committed"] or 0,
            r["spent"] or 0,
            level="year",
            fy=r["financial_year"],
        )
        for r in conn.execute(sql, params)
    ]


def totals_row(rows: list[dict]) -> dict:
    approved = [r["approved_pence"] for r in rows if r["approved_pence"] is not None]
    # Headroom under approvals adds up over the funds that have them only: a fund without
    # approvals has no approved ceiling to count against.
    available = [r["available_pence"] for r in rows if r["available_pence"] is not None]
    return _row(
        "total",
        "All funds",
        "",
        sum(r["allocation_pence"] for r in rows),
        sum(approved) if approved else None,
        sum(r["committed_pence"] for r in rows),
        sum(r["spent_pence"] for r in rows),
        level="total",
        available=sum(available) if available else None,
    )


# --- posting -----------------------------------------------------------------------------------


class Posted(NamedTuple):
    id: int
    warnings: list[str]


_INSERT_COLS = (
    "fund",
    "kind",
    "effect",
    "posted_on",
    "financial_year",
    "period",
    "amount_pence",
    "released_pence",
    "description",
    "supplier",
    "supplier_is_individual",
    "invoice_ref",
    "category",
    "cost_centre",
    "account_code",
    "reverses_id",
    "settles_id",
    "reason",
    "officer",
    "recorded_utc",
    "import_key",
    "vat_pence",
)


def _values(actor: Actor, e: dict) -> tuple:
    e = dict(e)
    e.setdefault("effect", L.EFFECTS.get(e["kind"]))
    e.setdefault("released_pence", 0)
    e.setdefault("supplier_is_individual", 0)
    e["supplier_is_individual"] = int(bool(e["supplier_is_individual"]))
    e.setdefault("officer", actor.officer)
    e.setdefault("recorded_utc", utc_now())
    return tuple(e.get(c) for c in _INSERT_COLS)


def _insert(conn: sqlite3.Connection, actor: Actor, e: dict) -> int:
    cur = conn.execute(
        f"INSERT INTO ledger_entries ({', '.join(_INSERT_COLS)}) VALUES ({', '.join('?' * len(_INSERT_COLS))})",
        _values(actor, e),
    )
    return cur.lastrowid


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def prepare_spend(
    conn: sqlite3.Connection,
    fund: str,
    amount_pence: int,
    posted_on: date,
    description: str,
    *,
    supplier: str | None = None,
    individual: bool = False,
    invoice_ref: str | None = None,
    category: str | None = None,
    cost_centre: str | None = None,
    account_code: str | None = None,
    commit: bool = False,
    vat_pence: int | None = None,
) -> dict:
    """Validate one posting's own fields (no balance checks); return the entry to insert.

    amount_pence is the net amount (what the fund bears); vat_pence, when known, the VAT on it.
    """
    f = get_fund(conn, fund)
    if amount_pence <= 0:
        raise SendctlError(
            f"AMOUNT: must be more than £0.00 (got {format_pence(amount_pence)})",
            hint="to correct a posting use 'sendctl spend reverse ID --reason TEXT'",
        )
    if not (description or "").strip():
        raise invalid(
            "description", "invalid", "must not be empty (what was bought, for the finance export)"
        )
    if individual and not _clean(supplier):
        raise invalid("individual", "invalid", "needs --supplier (the person to redact in exports)")
    if vat_pence is not None and not 0 <= vat_pence <= amount_pence:
        raise invalid(
            "vat",
            "out_of_range",
            f"expected between £0.00 and the net amount {format_pence(amount_pence)} "
            f"(got {format_pence(vat_pence)}); the amount is net of VAT",
        )
    return {
        "fund": fund,
        "kind": "commitment" if commit else "actual",
        "amount_pence": amount_pence,
        "description": description.strip(),
        "supplier": _clean(supplier),
        "supplier_is_individual": bool(individual),
        "invoice_ref": _clean(invoice_ref),
        "category": L.check_category(category, fund, f["kind"]),
        "cost_centre": _clean(cost_centre),
        "account_code": _clean(account_code),
        "vat_pence": vat_pence,
        **L.dated_fields(posted_on),
    }


def _guard(
    conn,
    fund: str,
    outflow: int,
    fy: str,
    allow_overspend: bool,
    reason: str | None,
    extra: tuple[int, int, int] = (0, 0, 0),
) -> tuple[list[str], str | None]:
    """(warnings, refusal overridden) for taking `outflow` more from fund; raises when refused.

    extra: (spent, committed, cum-to-fy) pending in the same import, not yet in the table.
    """
    bal = balance(conn, fund)
    bal = bal._replace(spent=bal.spent + extra[0], committed=bal.committed + extra[1])
    refusal = L.check_posting(fund, bal, outflow)
    if refusal and not allow_overspend:
        raise SendctlError(
            refusal, hint="to post it anyway, add --allow-overspend --reason TEXT (audited)"
        )
    warnings = []
    profile = fund_profile(conn, fund)
    if profile:
        used = balance(conn, fund, fy=fy)
        w = L.profile_warning(
            fund,
            fy,
            L.cumulative_profile(profile, fy),
            used.spent + used.committed + extra[2],
            outflow,
        )
        if w:
            warnings.append(w)
    if refusal:
        warnings.append(f"overspend allowed ({reason}): {refusal}")
    return warnings, refusal


def _check_override(allow_overspend: bool, reason: str | None) -> str | None:
    reason = _clean(reason)
    if allow_overspend and not reason:
        raise invalid("allow_overspend", "invalid", "needs --reason TEXT (the override is audited)")
    return reason


def post_spend(
    conn: sqlite3.Connection,
    actor: Actor,
    fund: str,
    amount_pence: int,
    posted_on: date,
    description: str,
    *,
    allow_overspend: bool = False,
    reason: str | None = None,
    **details,
) -> Posted:
    """Post an actual payment (or, with commit=True, a commitment) against a fund.

    details are prepare_spend's keyword fields (supplier, individual, invoice_ref, category,
    cost_centre, account_code, commit). Refuses (SendctlError, nothing written) a posting past
    the allocation or the approved total unless allow_overspend with a reason; warns past a
    capital profile.
    """
    reason = _check_override(allow_overspend, reason)
    entry = prepare_spend(conn, fund, amount_pence, posted_on, description, **details)
    with _tx(conn):
        warnings, refusal = _guard(
            conn, fund, amount_pence, entry["financial_year"], allow_overspend, reason
        )
        entry["reason"] = reason if refusal else None
        entry_id = _insert(conn, actor, entry)
        after = {
            k: entry[k]
            for k in ("fund", "kind", "posted_on", "amount_pence", "description", "category")
        }
        if refusal:
            after.update(overspend=refusal, reason=reason)
        record(
            conn,
            actor,
            "ledger_entry",
            entry_id,
            "post-overspend" if refusal else "post",
            after=after,
        )
    return Posted(entry_id, warnings)


def get_entry(conn: sqlite3.Connection, entry_id: int) -> dict:
    row = conn.execute("SELECT * FROM ledger_entries WHERE id = ?", (entry_id,)).fetchone()
    if row is None:
        raise SendctlError(f"ID: no ledger entry {entry_id}")
    return dict(row)


def _reversed(conn, entry_id: int) -> bool:
    return (
        conn.execute("SELECT 1 FROM ledger_entries WHERE reverses_id = ?", (entry_id,)).fetchone()
        is not None
    )


def _open_settlement(conn, commitment_id: int) -> int | None:
    r = conn.execute(
        "SELECT s.id FROM ledger_entries s WHERE s.settles_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM ledger_entries r WHERE r.reverses_id = s.id)",
        (commitment_id,),
    ).fetchone()
    return r[0] if r else None


def settle(
    conn: sqlite3.Connection,
    actor: Actor,
    entry_id: int,
    on: date,
    amount_pence: int | None = None,
    invoice_ref: str | None = None,
    allow_overspend: bool = False,
    reason: str | None = None,
) -> Posted:
    """A commitment becomes actual. A different amount settles it and releases the rest
    (or, if more, takes the difference from the fund, guarded like a posting)."""
    reason = _check_override(allow_overspend, reason)
    with _tx(conn):
        c = get_entry(conn, entry_id)
        problem = L.settlement_problem(
            c,
            _reversed(conn, entry_id) if c["kind"] == "commitment" else False,
            _open_settlement(conn, entry_id) if c["kind"] == "commitment" else None,
            on,
        )
        if problem:
            raise SendctlError(problem)
        amount = c["amount_pence"] if amount_pence is None else amount_pence
        if amount <= 0:
            raise invalid(
                "amount", "invalid", f"must be more than £0.00 (got {format_pence(amount)})"
            )
        fields = L.dated_fields(on)
        warnings, refusal = _guard(
            conn,
            c["fund"],
            amount - c["amount_pence"],
            fields["financial_year"],
            allow_overspend,
            reason,
        )
        sid = _insert(
            conn,
            actor,
            {
                **{
                    k: c[k]
                    for k in (
                        "fund",
                        "description",
                        "supplier",
                        "supplier_is_individual",
                        "category",
                        "cost_centre",
                        "account_code",
                    )
                },
                "invoice_ref": _clean(invoice_ref) or c["invoice_ref"],
                "kind": "settlement",
                "amount_pence": amount,
                "released_pence": c["amount_pence"],
                "vat_pence": c["vat_pence"] if amount == c["amount_pence"] else None,
                "settles_id": entry_id,
                "reason": reason if refusal else None,
                **fields,
            },
        )
        after = {
            "settles_id": entry_id,
            "amount_pence": amount,
            "released_pence": c["amount_pence"],
            "posted_on": fields["posted_on"],
        }
        if refusal:
            after.update(overspend=refusal, reason=reason)
        record(
            conn,
            actor,
            "ledger_entry",
            sid,
            "settle-overspend" if refusal else "settle",
            after=after,
        )
    if amount < c["amount_pence"]:
        warnings.append(
            f"settled for {format_pence(amount)}; {format_pence(c['amount_pence'] - amount)} of "
            f"the commitment released back to {c['fund']}"
        )
    return Posted(sid, warnings)


def reverse(conn: sqlite3.Connection, actor: Actor, entry_id: int, reason: str, on: date) -> Posted:
    """Add a reversing entry; the original stays. Refuses a reversal of a reversal, a second
    reversal, and a settled commitment (reverse its settlement first)."""
    reason = _clean(reason)
    if not reason:
        raise invalid(
            "reason", "invalid", "must not be empty (why the entry is reversed; it is audited)"
        )
    with _tx(conn):
        e = get_entry(conn, entry_id)
        problem = L.reversal_problem(
            e,
            _reversed(conn, entry_id),
            _open_settlement(conn, entry_id) if e["kind"] == "commitment" else None,
        )
        if problem:
            raise SendctlError(problem)
        if on.isoformat() < e["posted_on"]:
            raise invalid(
                "date", "invalid", f"{on.isoformat()} is before the entry's date {e['posted_on']}"
            )
        warnings: list[str] = []
        if e["kind"] == "settlement":
            # the commitment re-opens: it must still fit, as if committed again
            fields = L.dated_fields(on)
            # A correction is never refused, but say so when the fund ends up past its limit.
            warnings, refusal = _guard(
                conn,
                e["fund"],
                e["released_pence"] - e["amount_pence"],
                fields["financial_year"],
                True,
                reason,
            )
            warnings = [w for w in warnings if not w.startswith("overspend allowed")]
            if refusal:
                warnings.append(
                    f"reversing settlement {entry_id} re-opens commitment {e['settles_id']}: {refusal}"
                )
        if e["kind"] == "approval":
            bal = balance(conn, e["fund"])
            left = (bal.approved or 0) - e["amount_pence"] - bal.spent - bal.committed
            if left < 0:
                raise SendctlError(
                    f"{e['fund']}: reversing approval {e['invoice_ref']} would leave "
                    f"{format_pence((bal.approved or 0) - e['amount_pence'])} approved against "
                    f"{format_pence(bal.spent + bal.committed)} spent and committed"
                )
        rid = _insert(
            conn,
            actor,
            {
                **{
                    k: e[k]
                    for k in (
                        "fund",
                        "effect",
                        "description",
                        "supplier",
                        "supplier_is_individual",
                        "invoice_ref",
                        "category",
                        "cost_centre",
                        "account_code",
                    )
                },
                "kind": "reversal",
                "amount_pence": -e["amount_pence"],
                "released_pence": -e["released_pence"],
                "vat_pence": None if e["vat_pence"] is None else -e["vat_pence"],
                "reverses_id": entry_id,
                "reason": reason,
                **L.dated_fields(on),
            },
        )
        record(
            conn,
            actor,
            "ledger_entry",
            rid,
            "reverse",
            before={"id": entry_id, "kind": e["kind"], "amount_pence": e["amount_pence"]},
            after={
                "reverses_id": entry_id,
                "reason": reason,
                "amount_pence": -e["amount_pence"],
                "posted_on": on.isoformat(),
            },
        )
    return Posted(rid, warnings)


# --- listing and export --------------------------------------------------------------------------


def _filters(fund=None, fy=None, period=None, kind=None, as_of=None, exclude_approvals=False):
    where, params = [], []
    if fund:
        where.append("fund = ?")
        params.append(fund)
    if fy:
        where.append("financial_year = ?")
        params.append(fy)
    if period:
        where.append("period = ?")
        params.append(period)
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if as_of:
        where.append("posted_on < ?")
        params.append((as_of + timedelta(days=1)).isoformat())
    if exclude_approvals:
        where.append("kind != 'approval'")
    return (" WHERE " + " AND ".join(where) if where else ""), params


LIST_COLS = (
    "id, fund, kind, posted_on, financial_year, period, amount_pence, description, supplier, "
    "supplier_is_individual, invoice_ref, category, cost_centre, account_code, reverses_id, settles_id, "
    "reason, officer, vat_pence"
)


def iter_entries(
    conn, fund=None, fy=None, period=None, kind=None, as_of=None, exclude_approvals=False
):
    """Ledger entries in id order, streamed (a million rows never sit in memory)."""
    where, params = _filters(fund, fy, period, kind, as_of, exclude_approvals)
    for r in conn.execute(f"SELECT {LIST_COLS} FROM ledger_entries{where} ORDER BY id", params):
        yield dict(r)


def iter_export(conn, fund=None, fy=None, period=None, effects=L.ACTUAL_EFFECTS, as_of=None):
    """Entries for the finance export, id order, streamed: those whose effect is in `effects`,
    each with its fund's default codes (fund_cost_centre, fund_account_code) and its effect."""
    where, params = _filters(fund, fy, period, None, as_of)
    marks = ", ".join("?" * len(effects))
    where = (where + " AND" if where else " WHERE") + f" effect IN ({marks})"
    sql = (
        f"SELECT e.id, e.fund, e.kind, e.effect, e.posted_on, e.financial_year, e.period, e.amount_pence,"
        f" e.vat_pence, e.description, e.supplier, e.supplier_is_individual, e.invoice_ref,"
        f" e.cost_centre, e.account_code, e.reverses_id, e.settles_id, e.officer,"
        f" f.default_cost_centre AS fund_cost_centre, f.default_account_code AS fund_account_code"
        f" FROM ledger_entries e JOIN funds f ON f.code = e.fund{where} ORDER BY e.id"
    )
    for r in conn.execute(sql, [*params, *effects]):
        yield dict(r)


def iter_payments(conn, start: date | None, end: date | None, threshold_pence: int):
    """Actual spend (effect spent) dated start..end inclusive whose size exceeds the threshold,
    id order, streamed, with the fund's name and default codes."""
    where, params = ["e.effect = 'spent'", "abs(e.amount_pence) > ?"], [threshold_pence]
    if start is not None:
        where.append("e.posted_on >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("e.posted_on <= ?")
        params.append(end.isoformat())
    sql = (
        "SELECT e.id, e.fund, e.kind, e.posted_on, e.amount_pence, e.vat_pence, e.description,"
        " e.supplier, e.supplier_is_individual, e.category, e.cost_centre,"
        " f.name AS fund_name, f.default_cost_centre AS fund_cost_centre"
        f" FROM ledger_entries e JOIN funds f ON f.code = e.fund WHERE {' AND '.join(where)} ORDER BY e.id"
    )
    for r in conn.execute(sql, params):
        yield dict(r)


def fund_codes(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT code FROM funds")}


# --- import --------------------------------------------------------------------------------------


# Finance CSV headings: {field: (aliases...)} (matched ignoring case, spaces and punctuation).
IMPORT_ALIASES = {
    "fund": ("fund code", "fund_code"),
    "date": ("posted on", "posting date", "transaction date", "invoice date", "payment date"),
    "amount": ("net amount", "net_amount", "amount (£)", "value"),
    "description": ("extended description", "purpose", "narrative", "details"),
    "supplier": ("supplier name", "beneficiary", "payee", "vendor"),
    "individual": (
        "supplier is individual",
        "supplier_is_individual",
        "is individual",
        "personal data",
        "redact",
    ),
    "invoice_ref": (
        "invoice",
        "invoice ref",
        "invoice number",
        "invoice no",
        "order ref",
        "reference",
    ),
    "category": ("spend category",),
    "cost_centre": ("cost centre", "cost center", "expense area"),
    "account_code": ("account code", "expense code", "subjective code", "subjective"),
    "kind": ("type", "entry type"),
    "vat": ("vat amount", "vat_amount", "vat (£)", "tax"),
    "project": ("capital project", "project name", "scheme"),
}
MAX_WARNINGS = 50


class ImportResult:
    def __init__(self):
        self.rows = 0
        self.added = 0
        self.duplicates = 0  # rows already posted by an earlier import
        self.linked = 0  # of those, the ones linked to a capital project by this import
        self.total_pence = 0
        self.warnings: list[str] = []
        self.more_warnings = 0


class _Running:
    """Each fund's balance as this import goes: one SUM per fund (and per financial year of a
    profiled fund) the first time the fund is met, then kept up to date in memory as entries
    are posted, instead of summing the whole fund again for every row."""

    def __init__(self, conn):
        self.conn = conn
        self.funds: dict[str, L.Balance] = {}
        self.profiles: dict[str, dict[str, int]] = {}
        self.used_to_fy: dict[tuple[str, str], int] = {}  # spent + committed up to that year

    def check(self, e: dict) -> list[str]:
        """Warnings for posting e; raises SendctlError when the fund cannot take it."""
        fund, amount, fy = e["fund"], e["amount_pence"], e["financial_year"]
        if fund not in self.funds:
            self.funds[fund] = balance(self.conn, fund)
            self.profiles[fund] = fund_profile(self.conn, fund)
        refusal = L.check_posting(fund, self.funds[fund], amount)
        if refusal:
            raise SendctlError(
                refusal, hint="to post it anyway, add --allow-overspend --reason TEXT (audited)"
            )
        profile = self.profiles[fund]
        if not profile:
            return []
        key = (fund, fy)
        if key not in self.used_to_fy:
            used = balance(self.conn, fund, fy=fy)
            self.used_to_fy[key] = used.spent + used.committed
        w = L.profile_warning(
            fund, fy, L.cumulative_profile(profile, fy), self.used_to_fy[key], amount
        )
        return [w] if w else []

    def post(self, e: dict) -> None:
        fund, amount = e["fund"], e["amount_pence"]
        bal = self.funds[fund]
        if e["kind"] == "actual":
            self.funds[fund] = bal._replace(spent=bal.spent + amount)
        else:
            self.funds[fund] = bal._replace(committed=bal.committed + amount)
        for (f, fy), used in self.used_to_fy.items():
            if f == fund and fy >= e["financial_year"]:
                self.used_to_fy[(f, fy)] = used + amount


def _parse_row(conn, row: dict, known: set[str], today: date | None = None) -> dict:
    """One finance CSV row -> the entry to insert (SendctlError "field: problem" when bad)."""
    from sendctl.domain.dates import parse_date
    from sendctl.domain.money import parse_pence

    fund = row["fund"].strip()
    if fund not in known:
        raise SendctlError(
            f"fund: unknown fund {fund!r}; expected one of {', '.join(sorted(known))}"
        )
    kind = (row.get("kind") or "actual").strip().lower() or "actual"
    if kind not in ("actual", "commitment"):
        raise SendctlError(f"kind: expected actual or commitment (got {kind!r})")
    amount = parse_pence(row["amount"], "amount")
    vat = (row.get("vat") or "").strip()
    vat_pence = parse_pence(vat, "vat") if vat else None
    d = parse_date(row["date"], "date")
    if today is not None:
        from sendctl.domain.dates import refuse_future

        refuse_future(d, today)  # no entry dated after today (the caller's clock)
    return prepare_spend(
        conn,
        fund,
        amount,
        d,
        row["description"],
        supplier=row.get("supplier"),
        individual=L.parse_yes_no(row.get("individual", ""), "individual"),
        invoice_ref=row.get("invoice_ref"),
        category=row.get("category") or None,
        cost_centre=row.get("cost_centre"),
        account_code=row.get("account_code"),
        commit=kind == "commitment",
        vat_pence=vat_pence,
    )


def _link_posted(conn, actor, base, fund, project, line, errors, res, projects) -> None:
    """A row an earlier import posted, now naming a project (the file gained its project
    column). Identical rows share their key but for the occurrence number, and the order of
    identical rows may change between two exports, so the payments are matched as a group: the
    k-th row of the group naming project P is linked already when k or more of the group's
    payments are linked to P; else one not linked to any project is linked to P; with none
    left, that is a problem (a link is never changed)."""
    k = conn.execute(
        "INSERT INTO temp.import_seen_links (base, project_id, n) VALUES (?, ?, 1)"
        " ON CONFLICT (base, project_id) DO UPDATE SET n = n + 1 RETURNING n",
        (base, project["id"]),
    ).fetchone()[0]
    group = conn.execute(
        "SELECT e.id, p.id, p.name FROM ledger_entries e"
        " LEFT JOIN capital_project_spend s ON s.entry_id = e.id"
        " LEFT JOIN capital_projects p ON p.id = s.project_id"
        " WHERE e.import_key > ? AND e.import_key < ? ORDER BY e.id",
        (base + ":", base + ";"),  # base:1, base:2, ... (';' follows ':')
    ).fetchall()
    if k <= sum(1 for _, pid, _ in group if pid == project["id"]):
        return
    free = [eid for eid, pid, _ in group if pid is None]
    if not free:
        other = next((name for _, pid, name in group if pid not in (None, project["id"])), "")
        errors.add(
            line,
            "project",
            f"posted by an earlier import for the project {other!r}, not {project['name']!r};"
            " a link is not changed",
        )
        return
    try:
        check_postable(conn, project, fund)
    except SendctlError as err:
        errors.add(line, *_problem_field(err))
        return
    link_spend(conn, actor, free[0], project["id"])
    projects.setdefault(project["id"], project)
    res.linked += 1
    _warn(
        res,
        f"line {line}: posted by an earlier import (entry {free[0]}); linked now to {project['name']}",
    )


def _warn(res: ImportResult, warning: str) -> None:
    """Keep a row's warning, up to MAX_WARNINGS (the rest are counted)."""
    if len(res.warnings) < MAX_WARNINGS:
        res.warnings.append(warning)
    else:
        res.more_warnings += 1


def _problem_field(err: SendctlError) -> tuple[str, str]:
    """(field, message) of a refusal raised with a "field: message" text or a Problem."""
    problem = getattr(err, "problem", None)
    if problem is not None:
        return problem.field, problem.message
    field, _, message = err.message.partition(": ")
    if not message:
        return "", err.message
    return field.lstrip("-").replace("AMOUNT", "amount"), message


def import_entries(
    conn, actor: Actor, rows, errors, batch: int = 500, today: date | None = None
) -> ImportResult:
    """Validate and post finance CSV rows in the caller's transaction, streaming.

    Each row is checked on its own (fund, kind, amount, date, description...), then skipped when
    an earlier import posted it (its import key: the row's fields and its occurrence among
    identical rows of the file, counted by SQLite in a TEMP table), else checked against the
    fund's running balance and posted. Problems go to `errors` (add(line, field, message) and
    count); the caller refuses the file, and rolls everything back, when there are any.
    Entries are posted even after a problem so that later balance checks see the same running
    balance a clean file would (the transaction is rolled back anyway).
    """
    from sendctl.storage.audit import record_many

    res = ImportResult()
    known = fund_codes(conn)
    running = _Running(conn)
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen (base TEXT PRIMARY KEY, n INTEGER NOT NULL)"
        " WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.import_seen")
    # rows already posted that name a project, counted per project (see _link_posted)
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen_links (base TEXT NOT NULL,"
        " project_id INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (base, project_id))"
        " WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.import_seen_links")
    audit: list = []
    projects: dict[int, dict] = {}  # the capital projects this file posted to
    for line, row in rows:
        res.rows += 1
        try:
            e = _parse_row(conn, row, known, today)
            name = (row.get("project") or "").strip()
            project = get_project(conn, name) if name else None
        except SendctlError as err:
            field, message = _problem_field(err)
            errors.add(line, field, message)
            continue
        base = L.import_key(e, 0).rsplit(":", 1)[0]
        n = conn.execute(
            "INSERT INTO temp.import_seen (base, n) VALUES (?, 1)"
            " ON CONFLICT (base) DO UPDATE SET n = n + 1 RETURNING n",
            (base,),
        ).fetchone()[0]
        e["import_key"] = f"{base}:{n}"
        posted = conn.execute(
            "SELECT id FROM ledger_entries WHERE import_key = ?", (e["import_key"],)
        ).fetchone()
        if posted:
            res.duplicates += 1
            if project is not None:
                _link_posted(conn, actor, base, e["fund"], project, line, errors, res, projects)
            continue
        try:
            if project is not None:
                check_postable(conn, project, e["fund"])
        except SendctlError as err:
            errors.add(line, *_problem_field(err))
            continue
        try:
            warnings = running.check(e)
        except SendctlError as err:
            errors.add(line, "amount", err.message)
            continue
        for w in warnings:
            _warn(res, f"line {line}: {w}")
        running.post(e)
        eid = _insert(conn, actor, e)
        if project is not None:
            link_spend(conn, actor, eid, project["id"])
            projects.setdefault(project["id"], project)
        res.added += 1
        res.total_pence += e["amount_pence"]
        audit.append(
            (
                "ledger_entry",
                eid,
                None,
                "import",
                None,
                {k: e[k] for k in ("fund", "kind", "posted_on", "amount_pence", "description")},
            )
        )
        if len(audit) >= batch:
            record_many(conn, actor, audit)
            audit.clear()
    if audit:
        record_many(conn, actor, audit)
    conn.execute("DROP TABLE IF EXISTS temp.import_seen")
    conn.execute("DROP TABLE IF EXISTS temp.import_seen_links")
    if res.more_warnings:
        res.warnings.append(f"... and {res.more_warnings:,} more warning(s)")
    if projects:
        # after the whole file, as `spend post --project` warns after its one posting; one a
        # project at most, never crowded out by the rows' own warnings
        res.warnings += past_cost_warnings(conn, list(projects.values()))
    return res


def imported_count_hint(dup: int) -> str:
    return f"{dup} row(s) already posted by an earlier import (same fund, date, amount, invoice ref, supplier and description)"
