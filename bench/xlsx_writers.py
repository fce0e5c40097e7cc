#!/usr/bin/env python3
"""Which library writes sendctl's xlsx files: openpyxl (write_only) or XlsxWriter (constant_memory).

    python bench/xlsx_writers.py                 # 1,000,000 rows, each library once (~3-4 min)
    python bench/xlsx_writers.py --rows 100000   # a quick look

Each library writes the same rows, shaped like a `spend export` row (an integer id, a date, a
period, five text codes, a description, a supplier, an amount in pounds, a kind, an officer), with
the cell types and formats sendctl uses: text cells for references, date cells shown dd/mm/yyyy,
money as numbers with a £ format, a frozen header row and set column widths. Each run is a fresh
subprocess so its peak resident memory (ru_maxrss) is its own; the rows are generated inside it,
streamed, never held in a list. Prints one markdown table: wall time, CPU time (the fairer
figure on a machine shared with other work), peak memory, file size.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

HEADER = [
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
]
WIDTHS = [14, 11, 9, 6, 10, 11, 12, 40, 30, 14, 12, 10, 12]
TEXT_COLS = {2, 4, 5, 6, 7, 8, 9, 11, 12}


def rows(n: int):
    start = date(2017, 4, 1)
    for i in range(n):
        d = start + timedelta(days=i % 365)
        yield [
            i + 1,
            d,
            "2017-18",
            (d.month - 4) % 12 + 1,
            "dfe-grant",
            f"{i % 997:05d}",
            "12-05",
            f"EP assessment for case {i}",
            "Acme Psychology Ltd",
            f"INV-{i:07d}",
            (i * 37 % 500_000) / 100,
            "actual",
            "a.finance",
        ]


def write_openpyxl(path: str, n: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("export")
    ws.freeze_panes = "A2"
    for i, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.append(HEADER)
    for r in rows(n):
        out = list(r)
        c = WriteOnlyCell(ws, value=r[1])
        c.number_format = "dd/mm/yyyy"
        out[1] = c
        m = WriteOnlyCell(ws, value=r[10])
        m.number_format = '"£"#,##0.00;-"£"#,##0.00'
        out[10] = m
        for j in TEXT_COLS:
            if r[j].startswith("="):  # openpyxl would write it as a formula: force a text cell
                t = WriteOnlyCell(ws, value=r[j])
                t.data_type = "s"
                out[j] = t
        ws.append(out)
    wb.save(path)


def write_xlsxwriter(path: str, n: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    ws = wb.add_worksheet("export")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    money_fmt = wb.add_format({"num_format": '"£"#,##0.00;-"£"#,##0.00'})
    bold = wb.add_format({"bold": True})
    for i, w in enumerate(WIDTHS):
        ws.set_column(i, i, w)
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, HEADER, bold)
    for i, r in enumerate(rows(n), 1):
        ws.write_number(i, 0, r[0])
        ws.write_datetime(i, 1, r[1], date_fmt)
        ws.write_number(i, 3, r[3])
        ws.write_number(i, 10, r[10], money_fmt)
        for j in TEXT_COLS:
            ws.write_string(i, j, r[j])
    wb.close()


def child(lib: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.xlsx")
        t0 = time.perf_counter()
        (write_openpyxl if lib == "openpyxl" else write_xlsxwriter)(path, n)
        secs = time.perf_counter() - t0
        size = os.path.getsize(path)
    use = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"{secs:.1f}\t{use.ru_utime + use.ru_stime:.1f}\t{use.ru_maxrss / 1024:.0f}\t{size / 1e6:.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--child", choices=["openpyxl", "xlsxwriter"])
    args = ap.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    print(f"{args.rows:,} rows, Python {sys.version.split()[0]}\n")
    print("| library (mode) | wall time (s) | CPU time (s) | peak memory (MB) | file (MB) |")
    print("|---|---|---|---|---|")
    for lib, mode in (("openpyxl", "write_only"), ("xlsxwriter", "constant_memory")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", lib, "--rows", str(args.rows)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(f"| {lib} ({mode}) | {out[0]} | {out[1]} | {out[2]} | {out[3]} |")


if __name__ == "__main__":
    main()
