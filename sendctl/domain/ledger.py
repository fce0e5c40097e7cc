"""The spend ledger, pure: entry kinds, categories, posting checks, balance maths, export rows.

Local authority finance rules: financial year and period from the date, revenue/capital
separation, approved drawdowns, commitments. No I/O, no clock: storage and cli pass everything in.

How an entry moves the balances (each row carries its `effect` and, for settlements, the
commitment amount it `releases`; every balance is a SUM over these, never stored):

| kind                       | amount_pence        | effect    | released_pence |
|----------------------------|---------------------|-----------|----------------|
| actual                     | +A                  | spent     | 0              |
| commitment                 | +A                  | committed | 0              |
| settlement of commitment C | +S (invoice amount) | spent     | +C.amount      |
| approval                   | +A                  | approved  | 0              |
| reversal of entry E        | -E.amount           | E.effect  | -E.released    |

spent = SUM(amount, effect=spent); committed (open) = SUM(amount, effect=committed) - SUM(released);
approved = SUM(amount, effect=approved) (None when the fund has no approvals);
remaining = allocation - spent - committed; available = approved - spent - committed.
A settlement closes its commitment whatever it costs: a smaller invoice releases the rest.
Reversing a settlement re-opens the commitment, so any entry plus its reversal nets to zero.
"""

import re
from datetime import date
from typing import Any, NamedTuple

from sendctl.domain.dates import financial_year, parse_financial_year, period
from sendctl.domain.errors import SendctlError
from sendctl.domain.money import format_pence, parse_pence
from sendctl.domain.problems import invalid

KINDS = ("actual", "commitment", "settlement", "reversal", "approval")
FUND_KINDS = ("revenue", "capital", "high-needs")  # high-needs: a budget per year
EFFECTS = {
    "actual": "spent",
    "commitment": "committed",
    "settlement": "spent",
    "approval": "approved",
}
REDACTED = "REDACTED PERSONAL DATA"  # the Local Government Transparency Code 2015 wording


class Category(NamedTuple):
    code: str
    label: str
    type: str | None  # "revenue", "capital", or None (either)


# Revenue items may not be charged to a capital fund, nor capital items to a revenue fund
# (a capital grant funds capital only). "other" goes anywhere.
CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("ep-assessment", "Educational psychology assessments and advice", "revenue"),
        Category("staffing", "Staff and agency posts (e.g. EHCP quality officer)", "revenue"),
        Category(
            "systems", "Case management system licences, configuration and support", "revenue"
        ),
        Category("data", "Data and research (e.g. the needs dataset)", "revenue"),
        Category("training", "Training and workforce development", "revenue"),
        Category("consultancy", "Consultancy and project support", "revenue"),
        Category("participation", "Parent carer and young people participation", "revenue"),
        Category("building", "Building works, new places and adaptations", "capital"),
        Category("equipment", "Specialist equipment and fit-out", "capital"),
        Category("design-fees", "Feasibility and design fees for capital schemes", "capital"),
        Category("other", "Other (no revenue/capital restriction)", None),
    )
}

_FUND_CODE = re.compile(r"^[a-z][a-z0-9-]{1,29}$")


# --- funds -------------------------------------------------------------------------------------


def check_fund_code(code: str) -> str:
    code = (code or "").strip()
    if not _FUND_CODE.match(code):
        raise SendctlError(
            f"CODE: not a fund code (got {code!r}); expected 2-30 lower-case letters, digits and "
            "hyphens starting with a letter, e.g. reserve or dfe-grant"
        )
    return code


def check_fund_kind(kind: str) -> str:
    if kind not in FUND_KINDS:
        raise invalid("kind", "invalid", f"expected {', '.join(FUND_KINDS)} (got {kind!r})")
    return kind


def parse_profile(text: str, allocation_pence: int, field: str = "--profile") -> dict[str, int]:
    """Parse "2018-19=£166,666.67,2019-20=..." (or ';'-separated) and check it sums to the allocation.

    Returns:
        {financial year: pence}, in year order.
    """
    parts = [p.strip() for p in re.split(r"[;,](?=\s*\d{4}[-/]\d{2})", text or "") if p.strip()]
    if not parts:
        raise SendctlError(f"{field}: empty; expected e.g. 2018-19=£100,000,2019-20=£100,000")
    profile: dict[str, int] = {}
    for part in parts:
        fy_text, sep, amount = part.partition("=")
        if not sep:
            raise SendctlError(f"{field}: expected FY=£amount (got {part!r})")
        start, _ = parse_financial_year(fy_text.strip(), field)
        fy = financial_year(start)
        if fy in profile:
            raise SendctlError(f"{field}: {fy} appears twice")
        pence = parse_pence(amount, f"{field} {fy}")
        if pence <= 0:
            raise SendctlError(f"{field} {fy}: must be more than £0.00 (got {amount!r})")
        profile[fy] = pence
    total = sum(profile.values())
    if total != allocation_pence:
        raise SendctlError(
            f"{field}: the years sum to {format_pence(total)} but the allocation is "
            f"{format_pence(allocation_pence)} (a difference of {format_pence(allocation_pence - total)})"
        )
    return dict(sorted(profile.items()))


def cumulative_profile(profile: dict[str, int], fy: str) -> int:
    """Profile available up to and including financial year fy (rule 27: cumulative)."""
    return sum(p for year, p in profile.items() if year <= fy)


def check_category(category: str | None, fund_code: str, fund_kind: str) -> str | None:
    """Known category whose revenue/capital type fits the fund (rule 27)."""
    if category is None or category == "":
        return None
    cat = CATEGORIES.get(category.strip().lower())
    if cat is None:
        raise invalid(
            "category",
            "invalid",
            f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}",
        )
    if fund_kind == "high-needs":  # the high needs block is revenue (DSG)
        fund_kind = "revenue"
    if cat.type is not None and cat.type != fund_kind:
        raise SendctlError(
            f"--category: {cat.code} is a {cat.type} item and {fund_code} is a {fund_kind} fund; "
            f"{cat.type} items cannot be charged to a {fund_kind} fund"
        )
    return cat.code


# --- balances ----------------------------------------------------------------------------------


class Balance(NamedTuple):
    allocation: int
    approved: int | None  # None: the fund has no approvals
    committed: int  # open commitments
    spent: int

    @property
    def remaining(self) -> int:
        return self.allocation - self.spent - self.committed

    @property
    def available(self) -> int | None:
        """approved - spent - committed: what can still be spent under the approvals (None: the
        fund has none); the figure a refused posting quotes as "left of the ... approved"."""
        return None if self.approved is None else self.approved - self.spent - self.committed

    @property
    def pct_used(self) -> float:
        if self.allocation <= 0:
            return 0.0
        return round(100.0 * (self.spent + self.committed) / self.allocation, 1)


def check_posting(fund_code: str, bal: Balance, outflow: int) -> str | None:
    """The refusal for a posting that takes `outflow` pence more out of the fund, or None.

    Checked against the allocation and, for a fund with approvals, the approved total
    (a drawdown larger than the balance is rejected).
    """
    if outflow <= 0:
        return None
    available = bal.available
    if available is not None and outflow > available:
        left = available
        return (
            f"{fund_code}: {format_pence(left)} left of the {format_pence(bal.approved)} approved "
            f"(spent {format_pence(bal.spent)}, committed {format_pence(bal.committed)}); asked "
            f"{format_pence(outflow)}, over by {format_pence(outflow - left)}"
        )
    if outflow > bal.remaining:
        left = bal.remaining
        return (
            f"{fund_code}: {format_pence(left)} left of the {format_pence(bal.allocation)} allocation "
            f"(spent {format_pence(bal.spent)}, committed {format_pence(bal.committed)}); asked "
            f"{format_pence(outflow)}, over by {format_pence(outflow - left)}"
        )
    return None


def profile_warning(
    fund_code: str, fy: str, cum_profile: int, cum_used: int, outflow: int
) -> str | None:
    """Spend past the cumulative profile to fy: a warning, not a refusal (capital slips between years)."""
    if outflow <= 0 or cum_used + outflow <= cum_profile:
        return None
    return (
        f"{fund_code}: spent and committed to {fy} would be {format_pence(cum_used + outflow)}, "
        f"{format_pence(cum_used + outflow - cum_profile)} beyond the cumulative profile of "
        f"{format_pence(cum_profile)} to {fy} (posted anyway: capital slips between years)"
    )


def check_approval(
    fund_code: str, allocation: int, approved_so_far: int | None, amount: int
) -> None:
    """Approved drawdowns may not add up to more than the allocation (rule 28)."""
    so_far = approved_so_far or 0
    if so_far + amount > allocation:
        raise SendctlError(
            f"{fund_code}: approvals would total {format_pence(so_far + amount)}, more than the "
            f"{format_pence(allocation)} allocation ({format_pence(allocation - so_far)} can still be approved)"
        )


# --- entries -----------------------------------------------------------------------------------


def dated_fields(posted_on: date) -> dict[str, Any]:
    """posted_on, financial_year and period of a posting date (rule 26)."""
    return {
        "posted_on": posted_on.isoformat(),
        "financial_year": financial_year(posted_on),
        "period": period(posted_on),
    }


def reversal_problem(
    entry: dict[str, Any], already_reversed: bool, open_settlement_id: int | None
) -> str | None:
    """Why entry cannot be reversed, or None.

    Args:
        entry: the original (id, kind, ...).
        already_reversed: a reversal of it exists.
        open_settlement_id: for a commitment, the id of a settlement of it not itself reversed.
    """
    if entry["kind"] == "reversal":
        return f"entry {entry['id']} is itself a reversal; a reversal cannot be reversed (post the entry again instead)"
    if already_reversed:
        return f"entry {entry['id']} has already been reversed"
    if open_settlement_id is not None:
        return (
            f"commitment {entry['id']} was settled by entry {open_settlement_id}; "
            f"reverse the settlement first"
        )
    return None


def settlement_problem(
    entry: dict[str, Any], reversed_: bool, open_settlement_id: int | None, on: date
) -> str | None:
    """Why a commitment cannot be settled on date `on`, or None."""
    if entry["kind"] != "commitment":
        return f"entry {entry['id']} is {_a(entry['kind'])}, not a commitment; only commitments are settled"
    if reversed_:
        return f"commitment {entry['id']} was cancelled (reversed); it cannot be settled"
    if open_settlement_id is not None:
        return f"commitment {entry['id']} is already settled (entry {open_settlement_id})"
    if on.isoformat() < entry["posted_on"]:
        return f"--date: {on.isoformat()} is before the commitment's date {entry['posted_on']}"
    return None


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def replay(allocation: int, entries: list[dict[str, Any]]) -> Balance:
    """Balances by walking the ledger's meaning, without the effect/released columns.

    The reference model for tests: entries are dicts with id, kind, amount_pence and, where
    they apply, reverses_id and settles_id. Commitments are open until settled by a settlement
    that is not reversed, or reversed themselves.
    """
    reversed_ids = {e["reverses_id"] for e in entries if e["kind"] == "reversal"}
    spent = 0
    approved = None
    for e in entries:
        if e["id"] in reversed_ids:
            continue
        if e["kind"] in ("actual", "settlement"):
            spent += e["amount_pence"]
        elif e["kind"] == "approval":
            approved = (approved or 0) + e["amount_pence"]
    if approved is None and any(e["kind"] == "approval" for e in entries):
        approved = 0
    live_settled = {
        e["settles_id"]
        for e in entries
        if e["kind"] == "settlement" and e["id"] not in reversed_ids
    }
    committed = sum(
        e["amount_pence"]
        for e in entries
        if e["kind"] == "commitment" and e["id"] not in reversed_ids and e["id"] not in live_settled
    )
    return Balance(allocation, approved, committed, spent)


def import_key(fields: dict[str, Any], occurrence: int) -> str:
    """De-duplication key of an imported row: SHA-256 of kind, fund, date, amount, invoice ref,
    supplier and description (normalised), plus its occurrence among identical rows of the file.

    So a re-import of the same file posts nothing twice, while two genuinely identical lines in
    one file (two equal assessments invoiced together) are both posted, once.
    """
    parts = [
        fields.get("kind") or "actual",
        fields["fund"],
        fields["posted_on"],
        str(fields["amount_pence"]),
        (fields.get("invoice_ref") or "").strip().lower(),
        " ".join((fields.get("supplier") or "").lower().split()),
        " ".join((fields.get("description") or "").lower().split()),
    ]
    import hashlib  # here, not at the top: 2-3 ms of start-up

    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{digest}:{occurrence}"


# --- export ------------------------------------------------------------------------------------


def shown_supplier(entry: dict[str, Any]) -> str | None:
    """The supplier as any listing or export may show it: a person is never named (UK GDPR;
    the Transparency Code's wording for payments to individuals)."""
    supplier = entry.get("supplier")
    if supplier and entry.get("supplier_is_individual"):
        return REDACTED
    return supplier


def redacted(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with its supplier as shown_supplier gives it (a new dict when it changes)."""
    if entry.get("supplier") and entry.get("supplier_is_individual"):
        return {**entry, "supplier": REDACTED}
    return entry


EXPORT_FIELDS = [
    "transaction_id",
    "date",
    "financial_year",
    "period",
    "fund",
    "cost_centre",
    "account_code",
    "description",
    "supplier",
    "invoice_ref",
    "net_amount",
    "kind",
    "officer",
    "settles_id",
    "reverses_id",
    "vat",
    "gross",
]
# Cell types of the export (the rest are text): dates are dates, money is integer pence.
EXPORT_TYPES = {
    "transaction_id": "int",
    "date": "date",
    "period": "int",
    "net_amount": "money",
    "settles_id": "int",
    "reverses_id": "int",
    "vat": "money",
    "gross": "money",
}
# Which entries the export carries: actual spend is every entry that moves `spent` (payments,
# settlements and their reversals); commitments (and their cancellations) only when asked for.
# Approvals move no money and are never exported.
ACTUAL_EFFECTS = ("spent",)
WITH_COMMITMENT_EFFECTS = ("spent", "committed")


def export_row(entry: dict[str, Any]) -> dict[str, Any]:
    """One finance export row, typed: the date a date, money in pence.

    cost_centre/account_code fall back to the fund's defaults (fund_cost_centre,
    fund_account_code) when the posting has none. gross = net + VAT where VAT is recorded.
    The writer (CSV or xlsx) turns types into text; formula cells are its concern, not this one's.
    """
    vat = entry.get("vat_pence")
    return {
        "transaction_id": entry["id"],
        "date": date.fromisoformat(entry["posted_on"]),
        "financial_year": entry["financial_year"],
        "period": entry["period"],
        "fund": entry["fund"],
        "cost_centre": entry.get("cost_centre") or entry.get("fund_cost_centre") or "",
        "account_code": entry.get("account_code") or entry.get("fund_account_code") or "",
        "description": entry.get("description") or "",
        "supplier": shown_supplier(entry) or "",
        "invoice_ref": entry.get("invoice_ref") or "",
        "net_amount": entry["amount_pence"],
        "kind": entry["kind"],
        "officer": entry.get("officer") or "",
        "settles_id": entry.get("settles_id"),
        "reverses_id": entry.get("reverses_id"),
        "vat": vat,
        "gross": None if vat is None else entry["amount_pence"] + vat,
    }


class ExportTotals:
    """Running control figures of an export, for the line a finance officer checks the file by."""

    def __init__(self) -> None:
        self.rows = 0
        self.net = 0
        self.by_kind: dict[str, int] = {}
        self.actual = 0  # entries that move spend
        self.commitments = 0  # commitments and their cancellations
        self.no_codes: list[int] = []  # transaction ids with no cost centre or no account code

    def add(self, row: dict[str, Any], effect: str) -> None:
        self.rows += 1
        self.net += row["net_amount"]
        self.by_kind[row["kind"]] = self.by_kind.get(row["kind"], 0) + 1
        if effect == "committed":
            self.commitments += row["net_amount"]
        else:
            self.actual += row["net_amount"]
        if not row["cost_centre"] or not row["account_code"]:
            self.no_codes.append(row["transaction_id"])

    def control_line(self, with_commitments: bool) -> str:
        line = (
            f"{self.rows:,} row{'' if self.rows == 1 else 's'}, net total {format_pence(self.net)}"
        )
        if with_commitments:
            line += (
                f" (actual spend {format_pence(self.actual)}, commitments "
                f"{format_pence(self.commitments)})"
            )
        return line

    def missing_codes_warning(self) -> str | None:
        if not self.no_codes:
            return None
        ids = ", ".join(str(i) for i in self.no_codes[:10]) + (
            ", ..." if len(self.no_codes) > 10 else ""
        )
        n = len(self.no_codes)
        return (
            f"{n:,} row{'' if n == 1 else 's'} with no cost centre or account code, from the "
            f"posting or its fund (transaction {ids})"
        )


# --- the Transparency Code file ----------------------------------------------------------------

# Local Government Transparency Code 2015: each item of expenditure exceeding £500, with its
# date, the service area, the beneficiary, the purpose, the amount, irrecoverable VAT, the
# merchant category and a transaction number. Payments to individuals name no one.
TRANSPARENCY_THRESHOLD = 50_000
TRANSPARENCY_FIELDS = [
    "date",
    "service_area",
    "beneficiary",
    "purpose",
    "amount",
    "irrecoverable_vat",
    "merchant_category",
    "transaction_number",
]
TRANSPARENCY_TYPES = {
    "date": "date",
    "amount": "money",
    "irrecoverable_vat": "money",
    "transaction_number": "int",
}


def transparency_row(entry: dict[str, Any]) -> dict[str, Any]:
    """One published payment: service area = the cost centre (the posting's, else its fund's
    default), else the fund's name; purpose = the description; merchant category = the spend
    category's label. Irrecoverable VAT is left empty: VAT recorded on a posting is VAT the
    council recovers (VAT Act 1994 s.33), so none is known to be irrecoverable."""
    category = CATEGORIES.get(entry.get("category") or "")
    return {
        "date": date.fromisoformat(entry["posted_on"]),
        "service_area": entry.get("cost_centre")
        or entry.get("fund_cost_centre")
        or entry.get("fund_name")
        or "",
        "beneficiary": shown_supplier(entry) or "",
        "purpose": entry.get("description") or "",
        "amount": entry["amount_pence"],
        "irrecoverable_vat": None,
        "merchant_category": category.label if category else "",
        "transaction_number": entry["id"],
    }


def over_threshold(amount_pence: int, threshold_pence: int) -> bool:
    """Expenditure "exceeding" the threshold; a credit note (a reversal) by its size."""
    return abs(amount_pence) > threshold_pence


def parse_yes_no(text: str, field: str) -> bool:
    t = (text or "").strip().lower()
    if t in ("", "0", "n", "no", "false", "f"):
        return False
    if t in ("1", "y", "yes", "true", "t", "x"):
        return True
    raise SendctlError(f"{field}: expected yes or no (got {text!r})")
