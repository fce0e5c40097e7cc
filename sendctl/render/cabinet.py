"""The progress update to Cabinet (`report cabinet`): one self-contained HTML file.

Takes the dict of sendctl.services.cabinet.update and shows it in the shape of the Cabinet
report of April 2017: the transfers against the deadline, the statutory clocks, the High Needs
Panel, the funds, the capital plan and the needs picture. Each figure carries its key and raw
value (see render/html.py) and each section says as at when and how it was counted. It holds
counts and sums only: no child is named, and no UPN or date of birth appears.
"""

from __future__ import annotations

from datetime import date

from sendctl.domain.capital import STATUS_LABELS
from sendctl.render import html as H
from sendctl.render.dashboard import CLOCK_LABELS

SHORT_CLOCK_LABELS = {
    "transfer": "transfer",
    "assessment_decision": "6-week decision",
    "assessment_no_plan": "16-week no plan",
    "assessment_final": "20-week plan",
    "annual_review": "annual review",
    "review_decision": "review decision",
    "phase_transfer": "phase transfer",
}
OUTCOMES = ("agreed", "agreed_with_conditions", "deferred", "declined", "referred")


def _long(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def _month_label(ym: str) -> str:
    d = date.fromisoformat(ym + "-01") if len(ym) == 7 else date.fromisoformat(ym)
    return f"{d:%b %y}"


def _as_at(d: str, how: str) -> str:
    return H.how(f"As at {_long(d)}. How counted: {how}.")


def to_html(u: dict) -> str:
    body = [
        "<p>This update reports progress on the transformation of services for children and young people "
        "with special educational needs and disabilities (SEND): the transfer of statements to EHC plans, the "
        "statutory timescales, the High Needs Panel, the SEND funds, the SEND capital plan and the needs of the "
        "children and young people we serve.</p>",
        _transfers(u),
        _clocks(u),
        _panel(u),
        _funds(u),
        _capital(u),
        _needs(u),
    ]
    return H.page(
        "SEND transformation update",
        f"Report to Cabinet · figures as at {_long(u['as_of'])}",
        "".join(body),
        f"Produced from the SEND service's records as at {u['as_of']}. Counts and sums only: no child or young "
        "person is named, and no pupil number or date of birth appears in this report.",
    )


# --- 1. transfers -----------------------------------------------------------------------------------


def forecast_points(t: dict) -> list[tuple[str, int]]:
    """The forecast line: today's remaining at the as-of month, none at the forecast finish month."""
    if not t.get("forecast_finish_on") or not t["remaining"]:
        return []
    return [(t["as_of"][:7], t["remaining"]), (t["forecast_finish_on"][:7], 0)]


def _transfers(u: dict) -> str:
    t = u["transfers"]
    out = ["<h2>1. Transferring statements to EHC plans</h2>"]
    out.append(
        f"<p>By law every statement of SEN had to be transferred to the new system before "
        f"{H.esc(_long(t['deadline_on']))}.</p>"
    )
    on_track = t["on_track"]
    out.append(
        H.cards(
            [
                H.card("statements to transfer", H.fig("transfers.total", t["total"])),
                H.card("concluded", H.fig("transfers.concluded", t["concluded"]), "ok"),
                H.card("done", H.fig("transfers.pct_done", t["pct_done"], f"{t['pct_done']:.1f}%")),
                H.card(
                    "still to do",
                    H.fig("transfers.remaining", t["remaining"]),
                    "warn" if t["remaining"] else "ok",
                ),
                H.card(
                    "overdue",
                    H.fig("transfers.overdue", t.get("overdue")),
                    "warn" if t.get("overdue") else "",
                ),
                H.card(
                    "needed a month",
                    H.fig(
                        "transfers.needed_per_month",
                        t["needed_per_month"],
                        "–" if t["needed_per_month"] is None else f"{t['needed_per_month']:.1f}",
                    ),
                ),
                H.card(
                    "done a month (last 8 weeks)",
                    H.fig(
                        "transfers.rate_per_month_last_8_weeks",
                        t["rate_per_month_last_8_weeks"],
                        f"{t['rate_per_month_last_8_weeks']:.1f}",
                    ),
                ),
                H.card(
                    "forecast finish",
                    H.fig(
                        "transfers.forecast_finish_on",
                        t["forecast_finish_on"],
                        _long(t["forecast_finish_on"])
                        if t["forecast_finish_on"]
                        else ("done" if not t["remaining"] else "no recent progress"),
                    ),
                    "ok" if on_track else "warn",
                ),
            ]
        )
    )
    out.append(
        H.table(
            ["Outcome", "Children"],
            [
                ["EHC plan issued", H.fig("transfers.ehcp_issued", t["ehcp_issued"])],
                ["no plan needed", H.fig("transfers.no_plan", t["no_plan"])],
                ["statement ceased", H.fig("transfers.ceased", t["ceased"])],
                ["transfer review in progress", H.fig("transfers.in_progress", t["in_progress"])],
                ["transfer review not started", H.fig("transfers.not_started", t["not_started"])],
            ],
            numeric=(1,),
        )
    )
    months = [b["month"] for b in t["burndown"]]
    fc = forecast_points(t)
    for ym, _ in fc:
        if ym not in months and len(months) < 60:
            months.append(ym)
    months = sorted(set(months))
    idx = {m: i for i, m in enumerate(months)}
    remaining = [(f"transfers.burndown.{m}.remaining", None) for m in months]
    target = [(f"transfers.burndown.{m}.target", None) for m in months]
    for b in t["burndown"]:
        i = idx[b["month"]]
        remaining[i] = (remaining[i][0], b["remaining"])
        target[i] = (target[i][0], b["target"])
    forecast = [(f"transfers.forecast.{m}", None) for m in months]
    for ym, v in fc:
        forecast[idx[ym]] = (f"transfers.forecast.{ym}", v)
    # the polyline joins the two forecast points with a straight line across the months between
    out.append(
        H.line_chart(
            "Statements still to transfer, month by month: actual, the straight line to the deadline, and the forecast",
            [_month_label(m) for m in months],
            [
                H.Series("still to transfer", remaining, H.COLOURS[0]),
                H.Series("target", target, H.COLOURS[5], dashed=True),
                H.Series("forecast at the recent rate", forecast, H.COLOURS[1], dashed=True),
            ],
        )
    )
    out.append(_as_at(u["as_of"], u["how_counted"]["transfers"]))
    return "".join(out)


# --- 2. clocks --------------------------------------------------------------------------------------


def _clocks(u: dict) -> str:
    c = u["clocks"]
    tot = c["total"]
    out = ["<h2>2. Statutory timescales</h2>"]
    guidance = (
        [
            H.card(
                "guidance reminders (no statutory duty)",
                H.fig("clocks.total.guidance", tot["guidance"]),
            )
        ]
        if tot.get("guidance")
        else []
    )
    out.append(
        H.cards(
            [
                H.card("clocks running", H.fig("clocks.total.running", tot["running"])),
                H.card("on time", H.fig("clocks.total.on_time", tot["on_time"]), "ok"),
                H.card(
                    f"due within {c['within_days']} days", H.fig("clocks.total.due", tot["due"])
                ),
                H.card(
                    "overdue",
                    H.fig("clocks.total.overdue", tot["overdue"]),
                    "warn" if tot["overdue"] else "ok",
                ),
                *guidance,
            ]
        )
    )
    rows = [
        [
            H.esc(CLOCK_LABELS.get(r["clock"], r["clock"])),  # the names `status` shows
            H.fig(f"clocks.{r['clock']}.running", r["running"]),
            H.fig(f"clocks.{r['clock']}.on_time", r["on_time"]),
            H.fig(f"clocks.{r['clock']}.due", r["due"]),
            H.fig(f"clocks.{r['clock']}.overdue", r["overdue"]),
        ]
        for r in c["by_clock"]
    ]
    out.append(
        H.table(
            ["Timescale", "Running", "On time", f"Due in {c['within_days']} days", "Overdue"],
            rows,
            numeric=(1, 2, 3, 4),
        )
    )
    shown = [r for r in c["by_clock"] if r["running"]]
    if shown:
        out.append(
            H.bar_chart(
                "Running clocks by kind: on time and overdue",
                [
                    SHORT_CLOCK_LABELS.get(r["clock"], CLOCK_LABELS.get(r["clock"], r["clock"]))
                    for r in shown
                ],
                [
                    H.Series(
                        "on time",
                        [(f"clocks.{r['clock']}.on_time", r["on_time"]) for r in shown],
                        H.COLOURS[2],
                    ),
                    H.Series(
                        "overdue",
                        [(f"clocks.{r['clock']}.overdue", r["overdue"]) for r in shown],
                        H.COLOURS[1],
                    ),
                ],
            )
        )
    out.append(_as_at(u["as_of"], u["how_counted"]["clocks"]))
    return "".join(out)


# --- 3. panel ---------------------------------------------------------------------------------------


def _panel(u: dict) -> str:
    rows = u["panel"]
    total = next(r for r in rows if r["by"] == "total")
    meetings = [r for r in rows if r["by"] == "meeting"]
    out = ["<h2>3. The High Needs Panel</h2>"]
    out.append(
        H.cards(
            [
                H.card("meetings", H.fig("panel.meetings", len(meetings))),
                H.card("decisions", H.fig("panel.total.decisions", total["decisions"])),
                H.card(
                    "annual cost agreed",
                    H.money(
                        "panel.total.agreed_annual_cost_pence", total["agreed_annual_cost_pence"]
                    ),
                ),
                H.card(
                    "placements agreed",
                    H.fig("panel.total.placements_agreed", total["placements_agreed"]),
                ),
                H.card(
                    "of them out of county",
                    H.fig("panel.total.out_of_county_agreed", total["out_of_county_agreed"]),
                    "warn",
                ),
                H.card(
                    "out-of-county annual cost",
                    H.money(
                        "panel.total.out_of_county_cost_pence", total["out_of_county_cost_pence"]
                    ),
                ),
            ]
        )
    )
    table_rows = []
    for r in meetings + [total]:
        key = f"panel.{r['by']}.{r['group']}"
        table_rows.append(
            [
                H.esc(_long(r["group"]) if r["by"] == "meeting" else "all meetings"),
                H.fig(f"{key}.decisions", r["decisions"]),
                *[H.fig(f"{key}.{o}", r[o]) for o in OUTCOMES],
                H.money(f"{key}.agreed_annual_cost_pence", r["agreed_annual_cost_pence"]),
                H.fig(f"{key}.out_of_county_agreed", r["out_of_county_agreed"]),
                H.money(f"{key}.out_of_county_cost_pence", r["out_of_county_cost_pence"]),
            ]
        )
    out.append(
        H.table(
            [
                "Meeting",
                "Decisions",
                "Agreed",
                "With conditions",
                "Deferred",
                "Declined",
                "Referred",
                "Annual cost agreed",
                "Out of county",
                "Out-of-county cost",
            ],
            table_rows,
            numeric=range(1, 10),
            total_last=True,
        )
    )
    if meetings:
        out.append(
            H.bar_chart(
                "Annual cost agreed at each panel meeting, and the part out of county",
                [date.fromisoformat(m["group"]).strftime("%d %b") for m in meetings],
                [
                    H.Series(
                        "annual cost agreed",
                        [
                            (
                                f"panel.meeting.{m['group']}.agreed_annual_cost_pence",
                                m["agreed_annual_cost_pence"],
                            )
                            for m in meetings
                        ],
                        H.COLOURS[0],
                    ),
                    H.Series(
                        "out of county",
                        [
                            (
                                f"panel.meeting.{m['group']}.out_of_county_cost_pence",
                                m["out_of_county_cost_pence"],
                            )
                            for m in meetings
                        ],
                        H.COLOURS[3],
                    ),
                ],
                H.pounds_axis,
            )
        )
    out.append(_as_at(u["as_of"], u["how_counted"]["panel"]))
    return "".join(out)


# --- 4. funds ---------------------------------------------------------------------------------------


def _funds(u: dict) -> str:
    f = u["funds"]
    out = ["<h2>4. The SEND funds</h2>"]
    rows = []
    for b in f["as_of"]:
        key = f"funds.{b['code']}"
        name = b["name"] + (f", {b['financial_year']}" if b.get("financial_year") else "")
        rows.append(
            [
                H.esc(name),
                H.money(f"{key}.allocation_pence", b["allocation_pence"]),
                H.money(f"{key}.approved_pence", b["approved_pence"]),
                H.money(f"{key}.spent_pence", b["spent_pence"]),
                H.money(f"{key}.committed_pence", b["committed_pence"]),
                H.money(f"{key}.remaining_pence", b["remaining_pence"]),
                H.fig(
                    f"{key}.pct_used",
                    b["pct_used"],
                    None if b["pct_used"] is None else f"{b['pct_used']:.1f}%",
                ),
            ]
        )
    out.append(
        H.table(
            ["Fund", "Allocation", "Approved", "Spent", "Committed", "Remaining", "Used"],
            rows,
            numeric=range(1, 7),
        )
    )
    out += [_high_needs_line(b) for b in f["as_of"] if b["kind"] == "high-needs"]
    labels = [_month_label(m[:7]) for m in f["month_ends"]]
    for s in f["funds"]:
        if not any(m["spent_pence"] or m["committed_pence"] for m in s["months"]):
            continue
        limit = [_month_limit(s, m) for m in s["months"]]
        if s["kind"] == "high-needs":
            what = "budget for the year"
        elif any(m["approved_pence"] is not None for m in s["months"]):
            what = "approved"
        elif any(m.get("profile_to_date_pence") is not None for m in s["months"]):
            what = "profile to date"
        else:
            what = "allocation"
        out.append(
            H.line_chart(
                f"{s['name']}: spent and committed by the end of each month, against the {what}",
                labels,
                [
                    H.Series(
                        "spent",
                        [
                            (f"funds.{s['code']}.{m['month_end']}.spent_pence", m["spent_pence"])
                            for m in s["months"]
                        ],
                        H.COLOURS[0],
                    ),
                    H.Series(
                        "spent and committed",
                        [
                            (
                                f"funds.{s['code']}.{m['month_end']}.spent_committed_pence",
                                m["spent_pence"] + m["committed_pence"],
                            )
                            for m in s["months"]
                        ],
                        H.COLOURS[3],
                    ),
                    H.Series(
                        what,
                        [
                            (f"funds.{s['code']}.{m['month_end']}.limit_pence", v)
                            for m, v in zip(s["months"], limit, strict=True)
                        ],
                        H.COLOURS[5],
                        dashed=True,
                    ),
                ],
                H.pounds_axis,
            )
        )
    out.append(_as_at(u["as_of"], u["how_counted"]["funds"]))
    return "".join(out)


def _high_needs_line(b: dict) -> str:
    """The high needs block's year: forecast outturn, variance and the deficit it carries
    forward (the figures of `status` and `placements forecast` for the same day)."""
    key = "funds.high_needs"
    v = b["variance_pence"]
    word = "" if v is None else (" (overspend)" if v < 0 else " (underspend)")
    return (
        f"<p>High needs block {H.esc(b['financial_year'])}: budget"
        f" {H.money(f'{key}.budget_pence', b['budget_pence'])}, forecast outturn"
        f" {H.money(f'{key}.forecast_outturn_pence', b['forecast_outturn_pence'])}, variance"
        f" {H.money(f'{key}.variance_pence', v)}{word}; deficit carried forward"
        f" {H.money(f'{key}.deficit_carried_forward_pence', b['deficit_carried_forward_pence'])}"
        ".</p>"
    )


def _month_limit(fund: dict, month: dict) -> int:
    """What the fund may have spent by that month: the approved drawdown, else the cumulative
    profile to the month's financial year for a profiled fund, else the whole allocation."""
    if month["approved_pence"] is not None:
        return month["approved_pence"]
    if month.get("profile_to_date_pence") is not None:
        return month["profile_to_date_pence"]
    return fund["allocation_pence"]


# --- 5. capital -------------------------------------------------------------------------------------


def _capital(u: dict) -> str:
    p = u["capital"]
    out = ["<h2>5. The SEND capital plan</h2>"]
    if p is None:
        out.append("<p>No capital project had been proposed by this date.</p>")
        return "".join(out)
    out.append(
        H.cards(
            [
                H.card(
                    "capital allocation",
                    H.money("capital.fund.allocation_pence", p["fund"]["allocation_pence"]),
                ),
                H.card("in the plan", H.money("capital.planned_pence", p["planned_pence"]), "ok"),
                H.card("not yet planned", H.money("capital.unplanned_pence", p["unplanned_pence"])),
                H.card("spent", H.money("capital.spent_pence", p["spent_pence"])),
                H.card("committed", H.money("capital.committed_pence", p["committed_pence"])),
            ]
        )
    )
    rows = [
        [
            H.esc(x["name"]),
            H.esc(x["setting"]),
            H.fig(
                f"capital.projects.{x['name']}.status",
                x["status"],
                STATUS_LABELS.get(x["status"], x["status"]),
            ),
            H.money(f"capital.projects.{x['name']}.cost_pence", x["cost_pence"]),
            H.money(f"capital.projects.{x['name']}.spent_pence", x["spent_pence"]),
        ]
        for x in p["projects"]
    ]
    out.append(H.table(["Project", "Where", "Status", "Cost", "Spent"], rows, numeric=(3, 4)))
    years = [y["financial_year"] for y in p["years"]]
    out.append(
        H.bar_chart(
            "Capital available and planned, by financial year",
            years,
            [
                H.Series(
                    "available",
                    [
                        (f"capital.years.{y['financial_year']}.profile_pence", y["profile_pence"])
                        for y in p["years"]
                    ],
                    H.COLOURS[0],
                ),
                H.Series(
                    "planned",
                    [
                        (f"capital.years.{y['financial_year']}.planned_pence", y["planned_pence"])
                        for y in p["years"]
                    ],
                    H.COLOURS[3],
                ),
            ],
            H.pounds_axis,
        )
    )
    c = p["consultation"]
    if c["consultation"]:
        total = c["rows"][0] if c["rows"] else None
        meta = c["consultation"]
        n = total["responses"] if total else 0
        out.append(
            f"<p>{H.esc(meta['title'])} ran from {H.esc(_long(meta['opens_on']))} to {H.esc(_long(meta['closes_on']))}: "
            f"{H.fig('capital.consultation.responses', n)} responses, "
            f"{H.fig('capital.consultation.support', total['support'] if total else 0)} in support and "
            f"{H.fig('capital.consultation.oppose', total['oppose'] if total else 0)} against.</p>"
        )
    else:
        out.append("<p>The consultation on the plan has not started.</p>")
    out.append(_as_at(u["as_of"], u["how_counted"]["capital"]))
    return "".join(out)


# --- 6. needs ---------------------------------------------------------------------------------------


def _needs(u: dict) -> str:
    n = u["needs"]
    out = ["<h2>6. The needs picture</h2>"]
    dates = n["dates"]
    all_rows = {r["on"]: r for r in n["rows"] if r["by"] == "all"}
    now = all_rows[n["as_of"]]
    out.append(
        H.cards(
            [
                H.card(
                    "children and young people with a plan",
                    H.fig("needs.all.children", now["children"], now["shown"]),
                ),
                H.card(
                    "change on a year before",
                    H.fig("needs.all.change", now["change"], now["change_shown"] or "–"),
                ),
            ]
        )
    )
    chrono = list(reversed(dates))
    out.append(
        H.bar_chart(
            "Children and young people with a statement or EHC plan, on the same day each year",
            [_long(d) for d in chrono],
            [
                H.Series(
                    "with a plan",
                    [(f"needs.all.{d}", all_rows[d]["children"]) for d in chrono],
                    H.COLOURS[0],
                )
            ],
        )
    )
    labels = {
        "need": "Primary need",
        "age": "Age",
        "setting": "Setting type",
        "area": "In or out of county",
        "locality": "Postcode district",
        "plan": "Plan",
    }
    for dim, label in labels.items():
        rows = [r for r in n["rows"] if r["by"] == dim]
        if not rows:
            continue
        groups = list(dict.fromkeys(r["group"] for r in rows))
        cell = {(r["group"], r["on"]): r for r in rows}
        table_rows = []
        for g in groups:
            r_now = cell.get((g, n["as_of"]))
            table_rows.append(
                [
                    H.esc(g),
                    *[
                        H.fig(
                            f"needs.{dim}.{g}.{d}", cell[(g, d)]["children"], cell[(g, d)]["shown"]
                        )
                        if (g, d) in cell
                        else "–"
                        for d in chrono
                    ],
                    H.fig(f"needs.{dim}.{g}.change", r_now["change"], r_now["change_shown"] or "–")
                    if r_now
                    else "–",
                ]
            )
        out.append(f"<h3>{H.esc(label)}</h3>")
        out.append(
            H.table(
                [label, *[_long(d) for d in chrono], "Change on a year"],
                table_rows,
                numeric=range(1, len(chrono) + 2),
            )
        )
    out.append(_as_at(u["as_of"], n["how_counted"]))
    return "".join(out)
