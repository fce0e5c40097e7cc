"""funds list|add|update|approve|balances and spend post|settle|reverse|list|export|transparency|import.

Thin commands: the rules are in sendctl/domain/ledger.py, the SQL in sendctl/storage/ledger.py.
"""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from sendctl.cli._common import (
    AMOUNT,
    DATE,
    ENTRY_ID,
    AsOfOpt,
    DryRunOpt,
    FormatOpt,
    OutputOpt,
    WholeNumber,
    as_of_date,
    choices,
    fmt_value,
    info,
    need_date,
    new_app,
    opt_date,
    opt_pence,
    state,
    warn,
)
from sendctl.domain import ledger as L  # the code lists behind the choices below

funds_app = new_app(
    "The funds: the earmarked reserve, the DfE grant, the capital allocation; balances.\n\n"
    "Example: sendctl funds balances --fy 2017-18",
    short_help="Funds (reserve, DfE grant, capital): add, update, approve, balances.",
)
spend_app = new_app(
    "The spend ledger: post, settle, reverse, list, export and import entries; the Transparency\n"
    "Code file of payments over £500.\n\n"
    "Example: sendctl spend export --fy 2017-18 --period 1 --output p01.csv",
    short_help="The spend ledger: post, settle, reverse, list, export, transparency, import.",
)


FundKind = choices("FundKind", L.FUND_KINDS)
EntryKind = choices("EntryKind", L.KINDS)


FyOpt = Annotated[
    str | None, typer.Option("--fy", help="Financial year, e.g. 2017-18.", show_default=False)
]
PeriodOpt = Annotated[
    int | None,
    typer.Option(
        "--period",
        click_type=WholeNumber(1, 12),
        help="Accounting period 1-12 (April = 1, March = 12).",
    ),
]
FundOpt = Annotated[str | None, typer.Option("--fund", help="Only this fund (its code).")]


def _fy(text: str | None) -> str | None:
    if not text:
        return None
    from sendctl.domain.dates import normalise_financial_year

    return normalise_financial_year(text, "--fy")


def _pence(value: "str | int", field: str) -> int:
    return opt_pence(value, field)


def _warn_all(warnings) -> None:
    for w in warnings:
        warn(w)


# --- funds ---------------------------------------------------------------------------------------


@funds_app.command("list")
def funds_list(fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """The funds: code, name, kind, allocation and profile by financial year.

    Example: sendctl funds list
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.ledger import funds

    cols = [
        Column("code", kind="code"),
        Column("name"),
        Column("kind", kind="code", priority=2),
        Column("allocation_pence", "allocation", "money"),
        Column("profile", priority=3),
        Column("default_cost_centre", "cost centre", kind="code", priority=4),
        Column("default_account_code", "account code", kind="code", priority=4),
    ]
    emit(
        funds(state()),
        cols,
        fmt_value(fmt),
        output,
        title="Funds",
        empty_message="No funds yet: run 'sendctl init' or 'sendctl funds add'.",
    )


@funds_app.command("add")
def funds_add(
    code: Annotated[str, typer.Argument(help="Short code, e.g. dfe-grant.")],
    name: Annotated[str, typer.Option("--name", help="Full name of the fund.")],
    kind: Annotated[FundKind, typer.Option("--kind", help="revenue, capital or high-needs.")],
    allocation: Annotated[
        str | None,
        typer.Option(
            "--allocation",
            metavar="AMOUNT",
            help="Amount allocated, e.g. £45,000 (high-needs: the budgets' total).",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="Split by financial year, summing to the allocation: 2018-19=£100,000,2019-20=£100,000.",
        ),
    ] = None,
    cost_centre: Annotated[
        str | None,
        typer.Option("--cost-centre", help="Default cost centre for postings that give none."),
    ] = None,
    account_code: Annotated[
        str | None,
        typer.Option(
            "--account-code", help="Default account (subjective) code for postings that give none."
        ),
    ] = None,
    budget: Annotated[
        str | None,
        typer.Option(
            "--budget",
            help="high-needs only: the budget per financial year, 2017-18=£3,825,000,2018-19=...",
        ),
    ] = None,
) -> None:
    """Add a fund with its allocation (and, for capital, its profile by financial year).

    Example: sendctl funds add hn-capital --name "High needs capital" --kind capital --allocation £90,000 --profile 2018-19=£45,000,2019-20=£45,000
    A high needs block: sendctl funds add high-needs --name "High needs block" --kind high-needs --budget 2017-18=£3,825,000
    """
    from sendctl.domain.ledger import check_fund_code, parse_profile
    from sendctl.services.ledger import add_fund

    if kind.value == "high-needs" or budget is not None:
        from sendctl.cli.placements import add_high_needs

        return add_high_needs(
            code, name, kind.value, allocation, profile, budget, cost_centre, account_code
        )
    if allocation is None:
        from sendctl.domain.errors import SendctlError

        raise SendctlError("--allocation: required (the amount allocated, e.g. £45,000)")
    code = check_fund_code(code)
    alloc = _pence(allocation, "--allocation")
    prof = parse_profile(profile, alloc) if profile is not None else None
    add_fund(state(), code, name, kind.value, alloc, prof, cost_centre, account_code)
    info(f"Added fund {code}: {name.strip()} ({kind.value}), allocation {_fmt(alloc)}")


@funds_app.command("update")
def funds_update(
    code: Annotated[str, typer.Argument(help="Fund code.")],
    cost_centre: Annotated[
        str | None, typer.Option("--cost-centre", help="Default cost centre ('' clears it).")
    ] = None,
    account_code: Annotated[
        str | None,
        typer.Option("--account-code", help="Default account (subjective) code ('' clears it)."),
    ] = None,
) -> None:
    """Set a fund's default cost centre and account code, used by the export for postings without.

    The allocation is not changed here (add an approval, or a new fund). Audited.
    Example: sendctl funds update reserve --cost-centre SEN-REFORM --account-code 4410
    """
    from sendctl.services.ledger import update_fund

    if cost_centre is None and account_code is None:
        from sendctl.domain.errors import SendctlError

        raise SendctlError("nothing to change: give --cost-centre and/or --account-code")
    changed = update_fund(state(), code, cost_centre, account_code)
    if changed:
        info(
            f"Updated fund {code}: "
            + ", ".join(f"{k} = {v or '(none)'}" for k, v in changed.items())
        )
    else:
        info(f"Fund {code}: nothing changed")


def _fmt(p: int) -> str:
    from sendctl.domain.money import format_pence

    return format_pence(p)


@funds_app.command("approve")
def funds_approve(
    code: Annotated[str, typer.Argument(help="Fund code.")],
    amount: Annotated[
        str, typer.Argument(click_type=AMOUNT, help="Amount approved, e.g. £50,000.")
    ],
    ref: Annotated[str, typer.Option("--ref", help="Decision reference, e.g. FP/030317/04.")],
    on: Annotated[str, typer.Option("--date", click_type=DATE, help="Date of the decision.")],
) -> None:
    """Record an approved drawdown; spending from that fund is then capped at the approved total.

    Example: sendctl funds approve reserve £25,000 --ref FP/020118/07 --date 2018-01-02
    """
    from sendctl.services.ledger import approve

    pence = _pence(amount, "AMOUNT")
    d = need_date(on, "--date")
    entry_id = approve(state(), code, pence, ref, d)
    info(f"Recorded approval {ref.strip()} of {_fmt(pence)} on {code} (entry {entry_id})")


def _bar(pct: float, width: int = 12) -> str:
    filled = max(0, min(width, round(pct / 100 * width)))
    over = "!" if pct > 100 else ""
    return "█" * filled + "░" * (width - filled) + over


@funds_app.command("balances")
def funds_balances(
    fy: FyOpt = None,
    as_of: AsOfOpt = None,
    chart: Annotated[
        bool,
        typer.Option(
            "--chart", help="Also chart each fund's spend by month against its approval or profile."
        ),
    ] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Per fund: allocation, approved, committed, spent, remaining, available, % used; per year for profiled funds.

    remaining = allocation - spent - open commitments, computed from the ledger as at --as-of.
    available = approved - spent - open commitments, for a fund with approved drawdowns: what
    can still be spent under them (a posting past it is refused).
    With --fy only that year's entries count, and a profiled fund's allocation is that year's
    profile. Rows carry `level`: fund, total, or year (a profiled fund's financial year).
    Example: sendctl funds balances --as-of 2018-03-31
    """
    from sendctl.render.formats import Column, emit, resolve_format
    from sendctl.services.ledger import balances

    d = as_of_date(as_of)
    fy_label = _fy(fy)
    out = balances(state(), d, fy_label)
    from sendctl.cli.placements import high_needs_columns

    hn_columns = high_needs_columns(out, fy_label)
    f = resolve_format(fmt_value(fmt), output)
    cols = [
        Column("code", kind="code"),
        Column("name", human=False),
        Column("kind", kind="code", priority=3),
        Column("level", human=False),
        Column("financial_year", "year", kind="code"),
        Column("allocation_pence", "allocation", "money"),
        Column("approved_pence", "approved", "money", priority=2),
        Column("committed_pence", "committed", "money", priority=2),
        # with the high needs block's answers (outturn, variance), spent and % used give way
        # first on a narrow terminal: remaining and the outturn already carry them
        Column("spent_pence", "spent", "money", priority=2 if hn_columns else 1),
        Column("remaining_pence", "remaining", "money"),
        Column("available_pence", "available", "money", priority=2),
        Column("pct_used", "% used", "pct", priority=2 if hn_columns else 1),
    ]
    cols += hn_columns
    if f == "table":
        cols.append(Column("bar", " ", kind="code", priority=4))
        for r in out:
            r["bar"] = _bar(r["pct_used"]) if r.get("pct_used") is not None else ""
    title = f"Fund balances as at {d.isoformat()}" + (f", {fy_label} only" if fy_label else "")
    emit(out, cols, f, output, title=title, empty_message="No funds yet: run 'sendctl init'.")
    if chart:
        from sendctl.render.charts import emit_charts
        from sendctl.services.charts import spend_by_month

        emit_charts(spend_by_month(state(), d, fy_label), "spend", f, output)


# --- spend ---------------------------------------------------------------------------------------


@spend_app.command("post")
def spend_post(
    fund: Annotated[str, typer.Argument(help="Fund code, e.g. reserve.")],
    amount: Annotated[str, typer.Argument(click_type=AMOUNT, help="Net amount, e.g. £1,234.56.")],
    on: Annotated[
        str,
        typer.Option(
            "--date", click_type=DATE, help="Posting date (sets financial year and period)."
        ),
    ],
    description: Annotated[str, typer.Option("--description", help="What was bought.")],
    supplier: Annotated[str | None, typer.Option("--supplier", help="Who is paid.")] = None,
    individual: Annotated[
        bool,
        typer.Option(
            "--individual", help="The supplier is a person: exported as REDACTED PERSONAL DATA."
        ),
    ] = False,
    invoice: Annotated[
        str | None, typer.Option("--invoice", help="Invoice or order reference.")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category", help="Spend category (revenue/capital checked); see the README."
        ),
    ] = None,
    cost_centre: Annotated[
        str | None, typer.Option("--cost-centre", help="Finance cost centre.")
    ] = None,
    account_code: Annotated[
        str | None, typer.Option("--account-code", help="Subjective (account) code.")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="A commitment (order) rather than a payment.")
    ] = False,
    vat: Annotated[
        str | None,
        typer.Option(
            "--vat",
            click_type=AMOUNT,
            help="VAT on the invoice, e.g. £250.00 (AMOUNT stays net of VAT).",
        ),
    ] = None,
    allow_overspend: Annotated[
        bool,
        typer.Option(
            "--allow-overspend", help="Post even past the allocation/approval (needs --reason)."
        ),
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the overspend is allowed (audited).")
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project", help="The capital project it pays for (see 'sendctl capital list')."
        ),
    ] = None,
) -> None:
    """Post an actual payment (or a commitment with --commit) against a fund.

    Refused, with the figures, if it takes the fund past its allocation or approved total.
    AMOUNT is net of VAT; --vat records the VAT, and the export then shows net, VAT and gross.
    Example: sendctl spend post reserve £1,250.00 --date 2017-05-10 --description "EP assessment" --category ep-assessment
    """
    from sendctl.services.ledger import post

    if reason and not allow_overspend:
        from sendctl.domain.errors import SendctlError

        raise SendctlError(
            "--reason: goes with --allow-overspend (a posting's purpose is --description)"
        )
    pence = _pence(amount, "AMOUNT")
    vat_pence = _pence(vat, "--vat") if vat is not None else None
    d = need_date(on, "--date")
    st = state()
    details = dict(
        supplier=supplier,
        individual=individual,
        invoice_ref=invoice,
        category=category,
        cost_centre=cost_centre,
        account_code=account_code,
        commit=commit,
        vat_pence=vat_pence,
        allow_overspend=allow_overspend,
        reason=reason,
    )
    if project is not None:
        from sendctl.services.capital import post_project_spend

        res = post_project_spend(st, project, fund, pence, d, description, **details)
    else:
        res = post(st, fund, pence, d, description, **details)
    _warn_all(res.warnings)
    what = "commitment" if commit else "payment"
    info(f"Posted {what} {res.id}: {_fmt(pence)} against {fund} on {d.isoformat()}")
    typer.echo(res.id)


@spend_app.command("settle")
def spend_settle(
    entry_id: Annotated[
        int, typer.Argument(metavar="ID", help="The commitment's entry id.", click_type=ENTRY_ID)
    ],
    on: Annotated[str, typer.Option("--date", click_type=DATE, help="Date the invoice is posted.")],
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount",
            click_type=AMOUNT,
            help="Invoice amount if not the committed amount; the rest is released.",
        ),
    ] = None,
    invoice: Annotated[str | None, typer.Option("--invoice", help="Invoice reference.")] = None,
    allow_overspend: Annotated[
        bool,
        typer.Option(
            "--allow-overspend", help="Allow an invoice above the commitment past the fund's limit."
        ),
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the overspend is allowed (audited).")
    ] = None,
) -> None:
    """A commitment becomes actual (invoice received); a different amount releases the rest.

    Example: sendctl spend settle 12 --date 2017-06-30 --amount £4,800
    """
    from sendctl.services.ledger import settle

    pence = _pence(amount, "--amount") if amount is not None else None
    d = need_date(on, "--date")
    res = settle(state(), entry_id, d, pence, invoice, allow_overspend, reason)
    _warn_all(res.warnings)
    info(f"Settled commitment {entry_id} as entry {res.id} on {d.isoformat()}")
    typer.echo(res.id)


@spend_app.command("reverse")
def spend_reverse(
    entry_id: Annotated[
        int, typer.Argument(metavar="ID", help="The entry to reverse.", click_type=ENTRY_ID)
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why (audited).")],
    on: Annotated[
        str | None,
        typer.Option("--date", click_type=DATE, help="Date of the reversal (default today)."),
    ] = None,
) -> None:
    """Add a reversing entry (the original stays): cancels a payment, commitment, settlement or approval.

    Example: sendctl spend reverse 12 --reason "Duplicate invoice" --date 2017-07-03
    """
    from datetime import date

    from sendctl.services.ledger import reverse

    d = opt_date(on, "--date") or date.today()
    res = reverse(state(), entry_id, reason, d)
    _warn_all(res.warnings)
    info(f"Reversed entry {entry_id} with entry {res.id} on {d.isoformat()}")
    typer.echo(res.id)


def _list_columns():
    from sendctl.render.formats import Column

    return [
        Column("id", kind="int"),
        Column("fund", kind="code"),
        Column("kind", kind="code", priority=2),
        Column("posted_on", "date", "date"),
        Column("financial_year", "FY", "code", priority=3),
        Column("period", "P", "int", priority=3),
        Column("amount_pence", "amount", "money"),
        Column("description"),
        Column("supplier", priority=2),
        Column("supplier_is_individual", "individual", "bool", human=False),
        Column("invoice_ref", "invoice", "code", priority=2),
        Column("category", human=False),
        Column("cost_centre", human=False),
        Column("account_code", human=False),
        Column("reverses_id", "reverses", "int", priority=3),
        Column("settles_id", "settles", "int", priority=3),
        Column("reason", human=False),
        Column("officer", priority=4),
        Column("vat_pence", "VAT", "money", human=False),
    ]


@spend_app.command("list")
def spend_list(
    fund: FundOpt = None,
    fy: FyOpt = None,
    period: PeriodOpt = None,
    kind: Annotated[
        EntryKind | None, typer.Option("--kind", help="Only entries of this kind.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            click_type=DATE,
            help="Only entries dated on or before DATE.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The ledger, oldest first, filtered by fund, financial year, period and kind.

    Example: sendctl spend list --fund dfe-grant --fy 2017-18 --format csv
    """
    from sendctl.render.formats import emit
    from sendctl.services.ledger import entries

    rows = entries(
        state(), fund, _fy(fy), period, kind.value if kind else None, opt_date(as_of, "--as-of")
    )
    emit(
        rows,
        _list_columns(),
        fmt_value(fmt),
        output,
        title="Spend ledger",
        empty_message="No entries match.",
    )


class ExportFmt(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


def _export_columns(fields, types):
    from sendctl.render.formats import Column

    kinds = {"int": "int", "money": "money", "date": "date"}
    return [Column(f, kind=kinds.get(types.get(f), "text")) for f in fields]


@spend_app.command("export")
def spend_export(
    fy: FyOpt = None,
    period: PeriodOpt = None,
    fund: FundOpt = None,
    include_commitments: Annotated[
        bool,
        typer.Option(
            "--include-commitments",
            help="Add commitments (orders not yet invoiced), typed in `kind`.",
        ),
    ] = False,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        ExportFmt | None,
        typer.Option(
            "--format",
            help="csv or xlsx (default: xlsx for an --output ending .xlsx, else csv).",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
) -> None:
    """The finance system's file: actual spend, one row per entry, with a control line on stderr.

    Actual spend is payments, settled invoices and their reversals; --include-commitments adds
    open orders (kind = commitment) and their cancellations. settles_id and reverses_id link an
    entry to the one it settles or reverses; vat and gross are filled where VAT was recorded.
    Codes missing on a posting come from its fund's defaults (a warning names rows still without).
    Individuals are REDACTED PERSONAL DATA. CSV: text quoted, dates dd/mm/yyyy, amounts to 2 dp;
    xlsx: typed cells. The control line gives the row count and the net total. --as-of gives
    the ledger as it stood that day (default today): entries dated after it are left out.
    Example: sendctl spend export --fy 2017-18 --period 6 --output P06.csv
    """
    from sendctl.domain.ledger import EXPORT_FIELDS, EXPORT_TYPES
    from sendctl.services.ledger import export

    f = (
        fmt.value
        if fmt
        else ("xlsx" if output is not None and str(output).lower().endswith(".xlsx") else "csv")
    )
    run = export(state(), fund, _fy(fy), period, include_commitments, as_of_date(as_of))
    if f == "xlsx":
        from sendctl.render.xlsx import write_xlsx

        write_xlsx(
            run.rows, _export_columns(EXPORT_FIELDS, EXPORT_TYPES), output, sheet="spend export"
        )
    else:
        from sendctl.render.formats import open_output
        from sendctl.render.typed_csv import write_typed_csv

        with open_output(output, for_csv=True) as out:
            write_typed_csv(run.rows, EXPORT_FIELDS, EXPORT_TYPES, out)
    w = run.totals.missing_codes_warning()
    if w:
        warn(
            w
            + "; set a fund's defaults with 'sendctl funds update CODE --cost-centre CC --account-code AC'"
        )
    where = f" to {output}" if output is not None and str(output) != "-" else ""
    info(f"Exported {run.totals.control_line(include_commitments)}{where}")


@spend_app.command("transparency")
def spend_transparency(
    fy: FyOpt = None,
    date_from: Annotated[
        str | None, typer.Option("--from", click_type=DATE, help="First payment date included.")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", click_type=DATE, help="Last payment date included.")
    ] = None,
    threshold: Annotated[
        str,
        typer.Option("--threshold", click_type=AMOUNT, help="Publish payments over this amount."),
    ] = "£500",
    as_of: AsOfOpt = None,
    fmt: Annotated[
        ExportFmt | None,
        typer.Option(
            "--format",
            help="csv or xlsx (default: xlsx for an --output ending .xlsx, else csv).",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
) -> None:
    """The Local Government Transparency Code file: every payment over £500 (or --threshold).

    Columns: date, service_area, beneficiary, purpose, amount, irrecoverable_vat,
    merchant_category, transaction_number. Payments to individuals are REDACTED PERSONAL DATA;
    credit notes (reversals) over the threshold are included; commitments are not (nothing paid).
    --fy gives a financial year, --from/--to any dates (a quarter, say); none: every payment;
    never a payment dated after --as-of (default today).
    Example: sendctl spend transparency --from 01/04/2017 --to 30/06/2017 --output q1.csv
    """
    from sendctl.domain.ledger import TRANSPARENCY_FIELDS, TRANSPARENCY_TYPES
    from sendctl.services.ledger import transparency

    start, end = opt_date(date_from, "--from"), opt_date(date_to, "--to")
    if fy:
        if start or end:
            from sendctl.domain.errors import SendctlError

            raise SendctlError("--fy: give either --fy or --from/--to, not both")
        from sendctl.domain.dates import parse_financial_year

        start, end = parse_financial_year(_fy(fy), "--fy")
    limit = _pence(threshold, "--threshold")
    f = (
        fmt.value
        if fmt
        else ("xlsx" if output is not None and str(output).lower().endswith(".xlsx") else "csv")
    )
    pub = transparency(state(), start, end, limit, as_of_date(as_of))
    if f == "xlsx":
        from sendctl.render.xlsx import write_xlsx

        write_xlsx(
            pub.rows,
            _export_columns(TRANSPARENCY_FIELDS, TRANSPARENCY_TYPES),
            output,
            sheet="spend over " + _fmt(limit),
        )
    else:
        from sendctl.render.formats import open_output
        from sendctl.render.typed_csv import write_typed_csv

        with open_output(output, for_csv=True) as out:
            write_typed_csv(pub.rows, TRANSPARENCY_FIELDS, TRANSPARENCY_TYPES, out)
    where = f" to {output}" if output is not None and str(output) != "-" else ""
    span = f"{start.isoformat() if start else 'first entry'} to {end.isoformat() if end else 'last entry'}"
    info(
        f"Published {pub.count:,} payment{'' if pub.count == 1 else 's'} over {_fmt(limit)} "
        f"({span}), total {_fmt(pub.total)}{where}"
    )


@spend_app.command("import")
def spend_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Finance CSV: fund, date, amount, description, [supplier, individual, invoice_ref, category, cost_centre, account_code, kind, vat, project]."
        ),
    ],
    dry_run: DryRunOpt = False,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Text encoding (default: detect UTF-8/Windows-1252)."),
    ] = None,
) -> None:
    """Post many payments/commitments from a CSV: all-or-nothing, and never the same row twice.

    A row counts as already posted when an earlier import posted a row with the same kind, fund,
    date, amount, invoice ref, supplier and description (and the same occurrence number among
    identical rows of the file). Example: sendctl spend import examples/spend.csv --dry-run
    """
    from sendctl.cli import _imports
    from sendctl.services.imports import import_spend

    st = state()
    res = _imports.run(import_spend, st, file, encoding=encoding, dry_run=dry_run)
    _warn_all(res.warnings)
    entries = f"entr{'y' if res.added == 1 else 'ies'}"
    if dry_run:
        linked = f" ({res.linked} would be linked to their project)" if res.linked else ""
        info(
            f"Dry run: would post {res.added} {entries}; {res.unchanged} already posted{linked};"
            " nothing written"
        )
        return
    linked = f" ({res.linked} linked now to their project)" if res.linked else ""
    info(
        f"Imported {res.added} {entries} ({_fmt(res.total_pence)}) from {res.name}; "
        f"{res.unchanged} already posted, skipped{linked}"
    )


def _mount_deficit() -> None:
    """`funds deficit ...`: the high needs deficit ledger lives with the placements commands."""
    from sendctl.cli.placements import deficit_app

    funds_app.add_typer(deficit_app, name="deficit")


_mount_deficit()
