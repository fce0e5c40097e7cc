"""Write examples/spend.csv: a year of 2017-18 spend against the SEND reform reserve and the DfE
grant, and a few capital commitments early in 2018-19 (the capital profile starts then).

Deterministic (no randomness): run `python examples/generate_spend.py` to rebuild the file.
Import it with `sendctl spend import examples/spend.csv`. Suppliers and people are fictional;
cost centres and account (subjective) codes are illustrative, not Rutland's chart of accounts.
Totals stay within the approved £50,000 reserve drawdown and the £45,000 grant.
"""

import csv
import io
import sys
from datetime import date

from _output import write_or_check

FIELDS = [
    "fund",
    "date",
    "amount",
    "kind",
    "description",
    "supplier",
    "individual",
    "invoice_ref",
    "category",
    "cost_centre",
    "account_code",
]

CC = "SEN-REFORM"  # cost centre of the SEND reform programme (illustrative)


def pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def rows():
    out = []

    def add(
        fund, d, pence, desc, supplier="", individual=False, inv="", cat="", acct="", kind="actual"
    ):
        out.append(
            {
                "fund": fund,
                "date": d.strftime("%d/%m/%Y"),
                "amount": pounds(pence),
                "kind": kind,
                "description": desc,
                "supplier": supplier,
                "individual": "yes" if individual else "",
                "invoice_ref": inv,
                "category": cat,
                "cost_centre": CC if fund != "capital" else "SEN-CAPITAL",
                "account_code": acct,
            }
        )

    months = [date(2017 + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]

    # DfE SEND reform grant 2017-18 (£45,000): the EHCP quality officer (agency, monthly),
    # case management system work, the needs dataset, training.
    for i, m in enumerate(months):
        add(
            "dfe-grant",
            m.replace(day=28),
            245_000,
            f"EHCP quality officer (agency), {m:%B %Y}",
            "Welland Social Care Recruitment Ltd",
            inv=f"WSC-{1701 + i}",
            cat="staffing",
            acct="1410",
        )
    add(
        "dfe-grant",
        date(2017, 6, 14),
        425_000,
        "Case management system: EHCP workflow configuration",
        "Fenland Case Systems Ltd",
        inv="FCS-2291",
        cat="systems",
        acct="4520",
    )
    add(
        "dfe-grant",
        date(2017, 11, 8),
        260_000,
        "Case management system: statement data migration",
        "Fenland Case Systems Ltd",
        inv="FCS-2417",
        cat="systems",
        acct="4520",
    )
    add(
        "dfe-grant",
        date(2017, 9, 20),
        390_000,
        "SEND needs dataset: data cleansing and needs analysis",
        "East Midlands Research Partnership",
        inv="EMRP-0087",
        cat="data",
        acct="4420",
    )
    add(
        "dfe-grant",
        date(2018, 1, 17),
        180_000,
        "Person-centred planning training for caseworkers (2 days)",
        "Vale Training Co-operative",
        inv="VTC-311",
        cat="training",
        acct="2310",
    )

    # SEND reform earmarked reserve (£50,000 drawdown approved 18 April 2017, FP/030317/04):
    # educational psychology assessments for transfer reviews, from a practice and from
    # independent EPs who are sole traders (individuals: redacted in the finance export).
    ep_amounts = [
        240_000,
        312_500,
        187_500,
        275_000,
        350_000,
        262_500,
        300_000,
        225_000,
        337_500,
        287_500,
    ]
    for i, (m, amt) in enumerate(zip(months[1:11], ep_amounts, strict=True)):
        add(
            "reserve",
            m.replace(day=12),
            amt,
            f"Educational psychology advice for transfer reviews, {m:%B %Y}",
            "Welland Educational Psychology Ltd",
            inv=f"WEP-{4101 + i}",
            cat="ep-assessment",
            acct="4410",
        )
    for d, amt, who, inv in [
        (date(2017, 7, 21), 112_500, "Dr Morgan Example", "ME-017"),
        (date(2017, 10, 6), 150_000, "Dr Morgan Example", "ME-021"),
        (date(2018, 2, 9), 187_500, "Alex Sample", "AS-2018-02"),
    ]:
        add(
            "reserve",
            d,
            amt,
            "Independent EP assessment (statutory advice)",
            who,
            True,
            inv,
            "ep-assessment",
            "4410",
        )
    for d, amt, who in [
        (date(2017, 6, 30), 4_230, "Parent carer representative A"),
        (date(2017, 10, 31), 6_885, "Parent carer representative B"),
        (date(2018, 3, 29), 5_175, "Parent carer representative A"),
    ]:
        add(
            "reserve",
            d,
            amt,
            "Parent carer forum: travel expenses",
            who,
            True,
            "",
            "participation",
            "3110",
        )
    add(
        "reserve",
        date(2018, 3, 1),
        400_000,
        "Educational psychology: order for transfer reviews, April 2018",
        "Welland Educational Psychology Ltd",
        inv="PO-118842",
        cat="ep-assessment",
        acct="4410",
        kind="commitment",
    )

    # SEND special provision capital (profiled from 2018-19): commitments placed in April-June 2018.
    add(
        "capital",
        date(2018, 4, 10),
        1_850_000,
        "Feasibility and design: resourced provision for autism",
        "Catmose Design Partnership",
        inv="PO-120105",
        cat="design-fees",
        acct="C710",
        kind="commitment",
    )
    add(
        "capital",
        date(2018, 5, 15),
        1_200_000,
        "Sensory room equipment for a special provision unit",
        "Soft Touch Sensory Ltd",
        inv="PO-120377",
        cat="equipment",
        acct="C740",
        kind="commitment",
    )
    add(
        "capital",
        date(2018, 6, 1),
        9_500_000,
        "Building adaptations: resourced provision (phase 1)",
        "Rutland Building Contractors Ltd",
        inv="PO-120512",
        cat="building",
        acct="C720",
        kind="commitment",
    )
    return sorted(out, key=lambda r: (r["date"][6:] + r["date"][3:5] + r["date"][:2], r["fund"]))


def main(argv: list[str]) -> int:
    out = io.StringIO()
    w = csv.DictWriter(out, FIELDS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows())
    return write_or_check("spend.csv", out.getvalue(), "entries", argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
