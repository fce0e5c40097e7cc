"""The published capital plan (`capital plan`): HTML (one self-contained file) and Markdown.

Both take the dict of sendctl.services.capital.plan and show only what it holds: project
names, settings, purposes, sums of money and counts of consultation responses. No person is
named in it (the consultation stores counts and themes only).
"""

from __future__ import annotations

from sendctl.domain.capital import STATUS_LABELS
from sendctl.domain.money import format_pence
from sendctl.render import html as H

COUNT_LABELS = (
    ("responses", "responses"),
    ("support", "support"),
    ("oppose", "oppose"),
    ("comment", "comment only"),
    ("parent", "parents"),
    ("carer", "carers"),
    ("school", "schools"),
    ("young_person", "young people"),
    ("other", "others"),
)


def _long_date(iso: str) -> str:
    from datetime import date

    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def title(plan: dict) -> str:
    return f"How we will spend the {plan['fund']['name']}"


def to_html(plan: dict) -> str:
    f = plan["fund"]
    years = [y["financial_year"] for y in plan["years"]]
    body = []
    body.append("<h2>The money</h2>")
    body.append(
        f"<p>The council has {H.money('fund.allocation_pence', f['allocation_pence'])} of capital over "
        f"{len(years)} financial years to create and improve places for children and young people with "
        "special educational needs and disabilities. This plan shows what we will spend it on, year by year.</p>"
    )
    body.append(
        H.cards(
            [
                H.card("allocation", H.money("fund.allocation_pence", f["allocation_pence"])),
                H.card("in this plan", H.money("planned_pence", plan["planned_pence"]), "ok"),
                H.card(
                    "not yet planned",
                    H.money("unplanned_pence", plan["unplanned_pence"]),
                    "warn" if plan["unplanned_pence"] < 0 else "",
                ),
                H.card("spent so far", H.money("spent_pence", plan["spent_pence"])),
            ]
        )
    )
    body.append(H.how(plan["how_counted"]["projects"]))

    body.append("<h2>The projects</h2>")
    rows = []
    for p in plan["projects"]:
        k = f"projects.{p['name']}"
        rows.append(
            [
                H.esc(p["name"]),
                H.esc(p["setting"]),
                H.esc(p["purpose"]),
                H.fig(f"{k}.status", p["status"], STATUS_LABELS.get(p["status"], p["status"])),
                *[
                    H.money(f"{k}.by_year.{fy}", p["by_year"].get(fy))
                    if p["by_year"].get(fy)
                    else ""
                    for fy in years
                ],
                H.money(f"{k}.cost_pence", p["cost_pence"]),
            ]
        )
    rows.append(
        [
            "Total",
            "",
            "",
            "",
            *[
                H.money(f"years.{y['financial_year']}.planned_pence", y["planned_pence"])
                for y in plan["years"]
            ],
            H.money("planned_pence", plan["planned_pence"]),
        ]
    )
    n = 4 + len(years)
    body.append(
        H.table(
            ["Project", "Where", "What it buys", "Status", *years, "Cost"],
            rows,
            numeric=range(4, n + 1),
            total_last=True,
        )
    )

    body.append("<h2>Costs by year against the allocation</h2>")
    rows = [
        [
            H.esc(y["financial_year"]),
            H.money(f"years.{y['financial_year']}.profile_pence", y["profile_pence"]),
            H.money(f"years.{y['financial_year']}.planned_pence", y["planned_pence"]),
            H.money(
                f"years.{y['financial_year']}.cumulative_profile_pence",
                y["cumulative_profile_pence"],
            ),
            H.money(
                f"years.{y['financial_year']}.cumulative_planned_pence",
                y["cumulative_planned_pence"],
            ),
        ]
        for y in plan["years"]
    ]
    body.append(
        H.table(
            [
                "Year",
                "Available that year",
                "Planned that year",
                "Available to date",
                "Planned to date",
            ],
            rows,
            numeric=(1, 2, 3, 4),
        )
    )
    body.append(
        H.bar_chart(
            "Capital available and planned, by financial year",
            years,
            [
                H.Series(
                    "available",
                    [
                        (f"years.{y}.profile_pence", r["profile_pence"])
                        for y, r in zip(years, plan["years"], strict=True)
                    ],
                    H.COLOURS[0],
                ),
                H.Series(
                    "planned",
                    [
                        (f"years.{y}.planned_pence", r["planned_pence"])
                        for y, r in zip(years, plan["years"], strict=True)
                    ],
                    H.COLOURS[3],
                ),
            ],
            H.pounds_axis,
        )
    )
    body.append(
        H.how(
            plan["how_counted"]["years"]
            + ". Money not spent in a year can be spent in a later one."
        )
    )

    body.append(_consultation_html(plan))
    body.append("<h2>How the consultation changed the plan</h2>")
    if plan["outcome"]:
        body.append(f"<p>{H.esc(plan['outcome']['text'])}</p>")
    else:
        body.append("<p>No change has been recorded yet.</p>")
    if plan["withdrawn"]:
        body.append("<p>Projects taken out of the plan:</p><ul>")
        for p in plan["withdrawn"]:
            body.append(
                f"<li>{H.esc(p['name'])} ({H.money('withdrawn.' + p['name'] + '.cost_pence', p['cost_pence'])}), "
                f"withdrawn on {H.esc(_long_date(p['status_on']))}</li>"
            )
        body.append("</ul>")
    body.append("<h2>Equality impact</h2>")
    body.append(
        f"<p>{H.esc(plan['equality']['text'])}</p>"
        if plan["equality"]
        else "<p>The equality impact note has not been written yet.</p>"
    )
    return H.page(
        title(plan),
        f"The SEND capital plan as at {_long_date(plan['as_of'])}",
        "".join(body),
        f"Figures as at {plan['as_of']}, from the council's SEND records. This plan names no child, "
        "parent or carer: the consultation kept counts and themes only.",
    )


def _consultation_html(plan: dict) -> str:
    c = plan["consultation"]
    out = ["<h2>What people told us</h2>"]
    if not c["consultation"]:
        out.append("<p>The consultation has not started yet.</p>")
        return "".join(out)
    meta = c["consultation"]
    out.append(
        f"<p>{H.esc(meta['title'])}: we asked what people thought "
        f"of the projects, from {H.esc(_long_date(meta['opens_on']))} to {H.esc(_long_date(meta['closes_on']))}.</p>"
    )
    rows = []
    for r in c["rows"]:
        key = f"consultation.{r['level']}.{r['name']}"
        label = H.esc(r["name"]) if r["level"] != "theme" else f"theme: {H.esc(r['name'])}"
        rows.append([label, *[H.fig(f"{key}.{k}", r[k]) for k, _ in COUNT_LABELS]])
    out.append(
        H.table(
            ["", *[lab for _, lab in COUNT_LABELS]], rows, numeric=range(1, len(COUNT_LABELS) + 1)
        )
    )
    out.append(H.how(plan["how_counted"]["consultation"]))
    return "".join(out)


# --- Markdown ------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Officers' text as Markdown shows it: no raw HTML (a Markdown viewer would render it)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    def clean(cell: str) -> str:
        return _md(cell).replace("|", "\\|").replace("\n", " ")

    align = ["---:" if i in numeric else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(clean(h) for h in headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(clean(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def to_markdown(plan: dict) -> str:
    f = plan["fund"]
    years = [y["financial_year"] for y in plan["years"]]
    out = [f"# {title(plan)}\n\n", f"The SEND capital plan as at {_long_date(plan['as_of'])}.\n\n"]
    out.append("## The money\n\n")
    out.append(
        _md_table(
            ["", "amount"],
            [
                ["allocation", format_pence(f["allocation_pence"])],
                ["in this plan", format_pence(plan["planned_pence"])],
                ["not yet planned", format_pence(plan["unplanned_pence"])],
                ["spent so far", format_pence(plan["spent_pence"])],
            ],
            {1},
        )
    )
    out.append(f"\n_{plan['how_counted']['projects']}_\n")
    out.append("\n## The projects\n\n")
    rows = [
        [
            p["name"],
            p["setting"],
            p["purpose"],
            STATUS_LABELS.get(p["status"], p["status"]),
            *[format_pence(p["by_year"][fy]) if p["by_year"].get(fy) else "" for fy in years],
            format_pence(p["cost_pence"]),
        ]
        for p in plan["projects"]
    ]
    rows.append(
        [
            "Total",
            "",
            "",
            "",
            *[format_pence(y["planned_pence"]) for y in plan["years"]],
            format_pence(plan["planned_pence"]),
        ]
    )
    out.append(
        _md_table(
            ["Project", "Where", "What it buys", "Status", *years, "Cost"],
            rows,
            set(range(4, 5 + len(years))),
        )
    )
    out.append("\n## Costs by year against the allocation\n\n")
    out.append(
        _md_table(
            [
                "Year",
                "Available that year",
                "Planned that year",
                "Available to date",
                "Planned to date",
            ],
            [
                [
                    y["financial_year"],
                    format_pence(y["profile_pence"]),
                    format_pence(y["planned_pence"]),
                    format_pence(y["cumulative_profile_pence"]),
                    format_pence(y["cumulative_planned_pence"]),
                ]
                for y in plan["years"]
            ],
            {1, 2, 3, 4},
        )
    )
    out.append("\n## What people told us\n\n")
    c = plan["consultation"]
    if c["consultation"]:
        meta = c["consultation"]
        out.append(
            f"{_md(meta['title'])}, from {_long_date(meta['opens_on'])} to {_long_date(meta['closes_on'])}.\n\n"
        )
        out.append(
            _md_table(
                ["", *[lab for _, lab in COUNT_LABELS]],
                [
                    [
                        r["name"] if r["level"] != "theme" else f"theme: {r['name']}",
                        *[str(r[k]) for k, _ in COUNT_LABELS],
                    ]
                    for r in c["rows"]
                ],
                set(range(1, len(COUNT_LABELS) + 1)),
            )
        )
    else:
        out.append("The consultation has not started yet.\n")
    out.append("\n## How the consultation changed the plan\n\n")
    out.append(
        (_md(plan["outcome"]["text"]) if plan["outcome"] else "No change has been recorded yet.")
        + "\n"
    )
    for p in plan["withdrawn"]:
        out.append(
            f"\n- {_md(p['name'])} ({format_pence(p['cost_pence'])}), withdrawn on {_long_date(p['status_on'])}"
        )
    out.append("\n\n## Equality impact\n\n")
    out.append(
        (
            _md(plan["equality"]["text"])
            if plan["equality"]
            else "The equality impact note has not been written yet."
        )
        + "\n"
    )
    out.append(f"\n_Figures as at {plan['as_of']}. This plan names no child, parent or carer._\n")
    return "".join(out)
