"""The `status` dashboard: Rich panels on a terminal, clean plain text anywhere else.

Takes the dict of sendctl.storage.reports.dashboard; Rich is imported only for the terminal.
"""

from sendctl.domain.money import format_pence

CLOCK_LABELS = {
    "transfer": "Statement transfers",
    "assessment_decision": "Assessment: decide (6 wk)",
    "assessment_no_plan": "Assessment: no-plan (16 wk)",
    "assessment_final": "Assessment: final plan (20 wk)",
    "annual_review": "Annual reviews",
    "review_decision": "Review decisions (4 wk)",
    "phase_transfer": "Phase transfers",
    "advice": "Advice from others (6 wk)",
    "representations": "Representations (15 days)",
    "review_notice": "Review notice (2 wk before)",
    "review_advice": "Review advice (2 wk before)",
    "review_report": "Review reports (2 wk)",
    "review_proposals": "Amendment proposals (4 wk)",
    "amended_plan": "Amended plans (8 wk)",
    "post16_move": "Post-16 moves (5 months)",
    "reassessment": "Re-assessments (14 wk)",
    "mediation": "Mediation",
    "certificate": "Mediation certificates",
    "appeal_window": "Appeal windows",
    "tribunal_order": "Tribunal orders",
    "la_transfer_out": "Moved away: plan passed on",
    "new_la_notice": "Moved in: family told (6 wk)",
    "direct_payments_review": "Direct payments review",
}
BAR_WIDTH = 30


def burndown_sample(rows: list[dict], as_of: str) -> list[dict]:
    """A few points of the burn-down for one screen: every 6th month from the start, the
    as-of month and the deadline month."""
    month = as_of[:7]
    keep = []
    for i, r in enumerate(rows):
        if i % 6 == 0 or r["month"] == month or i == len(rows) - 1:
            keep.append(r)
    return keep


def burndown_bar(remaining: int | None, target: int, top: int, width: int = BAR_WIDTH) -> str:
    """'#' for statements remaining, '|' where the straight-line target falls."""
    top = max(top, 1)
    n = round((remaining or 0) * width / top)
    cells = ["#" if i < n else " " for i in range(width)]
    t = min(width - 1, round(target * width / top))
    if target:
        cells[t] = "|" if cells[t] == " " else "+"
    return "".join(cells).rstrip()


def _pct(v) -> str:
    return "" if v is None else f"{v:.1f}%"


def _forecast_line(t: dict) -> str:
    if t["remaining"] == 0:
        return "all statements concluded"
    if t["forecast_finish_on"]:
        verdict = "on track" if t["on_track"] else "LATE"
        return (
            f"forecast finish {t['forecast_finish_on']} at {t['rate_per_month_last_8_weeks']}/month "
            f"(last 8 weeks) vs deadline {t['deadline_on']}: {verdict}"
        )
    return f"no transfers concluded in the last 8 weeks: no forecast; deadline {t['deadline_on']}"


def _needed_line(t: dict) -> str:
    if t["days_left"] == 0:
        return "the statutory deadline is today"
    if t["needed_per_month"] is None:
        return f"deadline passed {abs(t['days_left'])} days ago"
    return f"{t['days_left']} days left; {t['needed_per_month']}/month needed to finish on time"


def _panel_lines(p: dict) -> list[str]:
    if not p["last_meeting_on"]:
        return ["no panel recorded yet"]
    return [
        f"last panel {p['last_meeting_on']}: {p['decisions']} decisions, "
        f"{p['agreed_annual_cost']} a year agreed",
        f"next panel {p['next_meeting_on']}",
    ]


def plain_text(d: dict) -> str:
    """The whole dashboard as plain text (no colour, no box drawing)."""
    t = d["transfers"]
    c = d["clocks"]
    out = [f"sendctl status as at {d['as_of']}", ""]
    out.append("TRANSFERS (statements to EHC plans, statutory end 31 March 2018)")
    out.append(
        f"  done {t['concluded']} of {t['total']} ({_pct(t['pct_done'])}): "
        f"{t['ehcp_issued']} EHCP, {t['no_plan']} no plan, {t['ceased']} ceased"
        if t["total"]
        else "  no statements on the register on this day"
    )
    out.append(
        f"  in progress {t['in_progress']}; not started {t['not_started']}; overdue {t['overdue']}"
    )
    out.append(f"  {_needed_line(t)}")
    out.append(f"  {_forecast_line(t)}")
    rows = burndown_sample(t["burndown"], d["as_of"])
    top = max([r["target"] for r in rows] + [r["remaining"] or 0 for r in rows] + [1])
    out.append("  burn-down: statements left ('#'), straight line to zero ('|')")
    for r in rows:
        rem = "" if r["remaining"] is None else str(r["remaining"])
        out.append(f"    {r['month']}  {rem:>4}  {burndown_bar(r['remaining'], r['target'], top)}")
    out.append("")
    out.append(f"CLOCKS (overdue, and due in the next {c['within_days']} days)")
    width = max(len(v) for v in CLOCK_LABELS.values())
    out.append(f"  {'clock'.ljust(width)}  overdue  due")
    for row in c["by_clock"]:
        out.append(
            f"  {CLOCK_LABELS.get(row['clock'], row['clock']).ljust(width)}  "
            f"{row['overdue']:>7}  {row['due']:>3}"
        )
    out.append(f"  {'total'.ljust(width)}  {c['overdue']:>7}  {c['due']:>3}")
    out.append("")
    out.append("HIGH NEEDS PANEL")
    out.extend("  " + line for line in _panel_lines(d["panel"]))
    out.append("")
    out.append("FUNDS")
    out.append(
        f"  {'fund':<10} {'allocation':>13} {'approved':>12} {'spent':>12} {'committed':>12} "
        f"{'remaining':>13} {'used':>6}"
    )
    for f in _table_funds(d):
        approved = format_pence(f["approved_pence"]) if f["approved_pence"] is not None else "-"
        out.append(
            f"  {f['code']:<10} {format_pence(f['allocation_pence']):>13} {approved:>12} "
            f"{format_pence(f['spent_pence']):>12} "
            f"{format_pence(f['committed_pence']):>12} {format_pence(f['remaining_pence']):>13} "
            f"{_pct(f['pct_used']):>6}"
        )
    if not d["funds"]:
        out.append("  no funds (run 'sendctl init')")
    if d.get("high_needs"):
        out.append("  " + high_needs_line(d["high_needs"]))
    return "\n".join(out) + "\n"


def _table_funds(d: dict) -> list[dict]:
    """The funds for the table: a high-needs fund's allocation adds up every budget year, so it
    is shown on its own line for the current year instead (JSON keeps every fund)."""
    if not d.get("high_needs"):
        return d["funds"]
    return [f for f in d["funds"] if f.get("kind") != "high-needs"]


def high_needs_line(h: dict) -> str:
    """High needs 2017-18: budget, forecast outturn (placements, payments, new ones), variance."""
    v = h["variance_pence"]
    word = "" if v is None else " (overspend)" if v < 0 else " (underspend)" if v > 0 else ""
    return (
        f"high needs {h['financial_year']}: budget {format_pence(h['budget_pence']) or '-'}, "
        f"forecast outturn {format_pence(h['forecast_outturn_pence'])}, "
        f"variance {format_pence(v) or '-'}{word}"
    )


def print_rich(d: dict) -> None:
    """The dashboard for a terminal: four panels."""
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table

    con = Console(highlight=False)
    t = d["transfers"]
    c = d["clocks"]

    tr = Table.grid(padding=(0, 1))
    tr.add_column()
    tr.add_row(
        f"[bold]{t['concluded']}[/bold] of {t['total']} done ({_pct(t['pct_done'])}): "
        f"{t['ehcp_issued']} EHCP, {t['no_plan']} no plan, {t['ceased']} ceased"
        if t["total"]
        else "no statements on the register on this day"
    )
    tr.add_row(
        f"in progress [bold]{t['in_progress']}[/bold]  not started [bold]{t['not_started']}[/bold]  "
        f"overdue [{'red' if t['overdue'] else 'green'}]{t['overdue']}[/]"
    )
    tr.add_row(_needed_line(t))
    colour = "green" if t["on_track"] else "red"
    tr.add_row(f"[{colour}]{_forecast_line(t)}[/{colour}]")
    rows = burndown_sample(t["burndown"], d["as_of"])
    top = max([r["target"] for r in rows] + [r["remaining"] or 0 for r in rows] + [1])
    bd = Table.grid(padding=(0, 1))
    bd.add_column()
    bd.add_column(justify="right")
    bd.add_column()
    for r in rows:
        bar = burndown_bar(r["remaining"], r["target"], top)
        late = r["remaining"] is not None and r["remaining"] > r["target"]
        col = "red" if late else "green"
        bd.add_row(
            r["month"],
            "" if r["remaining"] is None else str(r["remaining"]),
            f"[{col}]{bar.replace('#', '█')}[/{col}]",
        )
    transfers = Panel(
        Group(tr, "[dim]statements left (█) vs straight line to zero (|)[/dim]", bd),
        title="Transfers: statements to EHC plans by 31 March 2018",
        title_align="left",
    )

    ct = Table(box=None, pad_edge=False, show_edge=False)
    ct.add_column("clock", no_wrap=True)
    ct.add_column("overdue", justify="right")
    ct.add_column(f"due ≤{c['within_days']}d", justify="right")
    for row in c["by_clock"]:
        od = f"[red]{row['overdue']}[/red]" if row["overdue"] else "0"
        ct.add_row(CLOCK_LABELS.get(row["clock"], row["clock"]), od, str(row["due"]))
    ct.add_row("[bold]total[/bold]", f"[bold]{c['overdue']}[/bold]", f"[bold]{c['due']}[/bold]")
    clocks = Panel(ct, title="Statutory clocks", title_align="left")

    panel = Panel("\n".join(_panel_lines(d["panel"])), title="High Needs Panel", title_align="left")

    bars = con.width >= 100  # on a narrow terminal the % alone, so every amount fits in full
    ft = Table(box=None, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
    for name, just in (
        ("fund", "left"),
        ("allocation", "right"),
        ("approved", "right"),
        ("spent", "right"),
        ("committed", "right"),
        ("remaining", "right"),
        ("used", "left"),
    ):
        ft.add_column(name, justify=just, no_wrap=True)
    for f in _table_funds(d):
        pct = f["pct_used"] or 0.0
        filled = min(8, round(pct * 8 / 100))
        colour = "red" if pct > 90 else "yellow" if pct > 75 else "green"
        approved = format_pence(f["approved_pence"]) if f["approved_pence"] is not None else "-"
        ft.add_row(
            f["code"],
            format_pence(f["allocation_pence"]),
            approved,
            format_pence(f["spent_pence"]),
            format_pence(f["committed_pence"]),
            format_pence(f["remaining_pence"]),
            (f"[{colour}]{'█' * filled}{'░' * (8 - filled)}[/{colour}] " if bars else "")
            + f"[{colour}]{_pct(f['pct_used'])}[/{colour}]",
        )
    fund_body = ft if d["funds"] else "no funds (run 'sendctl init')"
    if d.get("high_needs"):
        h = d["high_needs"]
        colour = "red" if (h["variance_pence"] or 0) < 0 else "green"
        fund_body = Group(fund_body, f"[{colour}]{high_needs_line(h)}[/{colour}]")
    funds = Panel(fund_body, title="Funds", title_align="left")

    con.print(f"[bold]sendctl status[/bold] as at {d['as_of']}")
    if con.width >= 120:  # wide: transfers beside the clocks and the panel
        # the clocks at their table's natural width (so "overdue" and "due ≤14d" are never
        # cut), the transfers taking the rest
        from rich.measure import Measurement

        clocks_width = Measurement.get(con, con.options, ct).maximum + 4  # border and padding
        top_row = Table.grid(expand=True, padding=(0, 1))
        top_row.add_column(ratio=1)
        top_row.add_column(width=clocks_width)
        top_row.add_row(transfers, Group(clocks, panel))
        con.print(top_row)
    else:
        con.print(transfers)
        con.print(clocks)
        con.print(panel)
    con.print(funds)
