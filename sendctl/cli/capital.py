"""capital add|list|status|history, capital consult open|record|summary, capital plan.

Thin commands: the rules are in sendctl/domain/capital.py, the orchestration in
sendctl/services/capital.py (projects) and sendctl/services/consultation.py.
"""

from typing import Annotated

import typer

from sendctl.cli._common import (
    DATE,
    ENTRY_ID,
    AsOfOpt,
    FormatOpt,
    OutputOpt,
    as_of_date,
    choices,
    fmt_value,
    info,
    new_app,
    state,
    warn,
)

app = new_app(
    "The SEND capital programme: projects against the capital fund, the consultation, the published plan.\n\n"
    'Example: sendctl capital add "Autism resourced provision" --cost £180,000 '
    '--profile 2018-19=£60,000,2019-20=£120,000 --setting "Uppingham Ridge College" --purpose "12 places"',
    short_help="Capital projects against the £500,000, the consultation, the published plan.",
)

DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        click_type=DATE,
        help="Date (2018-03-31 or 31/03/2018); default today.",
        show_default=False,
    ),
]


def _day(text: str | None):
    from datetime import date

    from sendctl.cli._common import opt_date

    return opt_date(text, "--date") or date.today()


def _fmt(p: int) -> str:
    from sendctl.domain.money import format_pence

    return format_pence(p)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The project's name (its key in other commands).")],
    cost: Annotated[
        str, typer.Option("--cost", metavar="AMOUNT", help="Total cost, e.g. £180,000.")
    ],
    setting: Annotated[str, typer.Option("--setting", help="Where: the school, unit or setting.")],
    purpose: Annotated[str, typer.Option("--purpose", help="What it buys, in plain words.")],
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="Cost by financial year, summing to the cost: 2018-19=£60,000,2019-20=£120,000.",
        ),
    ] = None,
    fund: Annotated[str, typer.Option("--fund", help="The capital fund.")] = "capital",
    date: DateOpt = None,
    allow_over: Annotated[
        bool,
        typer.Option(
            "--allow-over",
            help="Add it even past the fund's allocation or profile (needs --reason).",
        ),
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why going over is allowed (audited).")
    ] = None,
) -> None:
    """Add a capital project (status: proposed), checked against the fund's allocation and profile.

    Refused, with the figures, when the projects together would pass the fund's allocation or,
    for any year of the project, the fund's profile up to that year.
    Example: sendctl capital add "Sensory room" --cost £24,000 --profile 2018-19=£24,000 --setting "Oakham Vale Primary" --purpose "A sensory room for 8 pupils"
    """
    from sendctl.domain.money import parse_pence
    from sendctl.services.capital import add_project

    pence = parse_pence(cost, "--cost")
    res = add_project(
        state(),
        name,
        pence,
        profile,
        setting,
        purpose,
        _day(date),
        fund=fund,
        allow_over=allow_over,
        reason=reason,
    )
    for w in res.warnings:
        warn(w)
    info(f"Added capital project {res.id}: {res.name}, {_fmt(pence)} (proposed)")
    typer.echo(res.id)


STATUS_HELP = "proposed, consulting, approved, in-delivery, complete or withdrawn."


@app.command("status")
def status(
    name: Annotated[str, typer.Argument(help="The project's name.")],
    new_status: Annotated[str, typer.Argument(metavar="STATUS", help=STATUS_HELP)],
    date: DateOpt = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Why (e.g. the decision reference).")
    ] = None,
) -> None:
    """Record a project's new status (an audited record; earlier ones stay in its history).

    A withdrawn project leaves the plan's sums; bringing it back checks it fits again.
    Example: sendctl capital status "Sensory room" approved --date 2017-09-12 --note "Cabinet 12/09/2017"
    """
    from sendctl.services.capital import change_status

    res = change_status(state(), name, new_status, _day(date), note)
    info(f"{res['project']}: {res['from'] or '-'} -> {res['to']} on {res['on']}")


def _project_columns():
    from sendctl.render.formats import Column

    return [
        Column("id", kind="int"),
        Column("name"),
        Column("fund", human=False),
        Column("setting"),
        Column("purpose", human=False),
        Column("status"),
        Column("status_on", "since"),
        Column("proposed_on", human=False),
        Column("cost_pence", "cost", "money"),
        Column("profile"),
        Column("spent_pence", "spent", "money"),
        Column("committed_pence", "committed", "money"),
        Column("remaining_pence", "remaining", "money"),
        Column("over_reason", human=False),
    ]


@app.command("list")
def list_(
    status_filter: Annotated[
        str | None, typer.Option("--status", help="Only projects with this status.")
    ] = None,
    fund: Annotated[
        str | None, typer.Option("--fund", help="Only this capital fund's projects.")
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The capital projects as at --as-of: status, cost, profile by year, spent and committed.

    Example: sendctl capital list --as-of 2018-03-31 --format csv
    """
    from sendctl.render.formats import emit
    from sendctl.services.capital import list_projects

    d = as_of_date(as_of)
    rows = list_projects(state(), d, status_filter, fund)
    emit(
        rows,
        _project_columns(),
        fmt_value(fmt),
        output,
        title=f"Capital projects as at {d.isoformat()}",
        empty_message="No capital projects yet: add one with 'sendctl capital add'.",
    )


@app.command("history")
def history(
    name: Annotated[str | None, typer.Argument(help="Only this project.")] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Every status change, oldest first (who, when, why).

    Example: sendctl capital history "Sensory room"
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.capital import status_history

    d = as_of_date(as_of)
    cols = [
        Column("id", kind="int"),
        Column("project"),
        Column("status"),
        Column("changed_on", "on"),
        Column("note"),
        Column("officer"),
    ]
    emit(
        status_history(state(), d, name),
        cols,
        fmt_value(fmt),
        output,
        title="Capital project status changes",
        empty_message="No status changes yet.",
    )


# --- the consultation ----------------------------------------------------------------------------

consult_app = new_app(
    "The consultation on the capital plan: open it, record responses (counts and themes, never names), "
    "summarise.\n\nExample: sendctl capital consult summary --as-of 2017-09-30",
    short_help="The consultation: open, record responses (no names), summary.",
)
app.add_typer(consult_app, name="consult")


@consult_app.command("open")
def consult_open(
    date_from: Annotated[str, typer.Option("--from", help="First day responses are taken.")],
    date_to: Annotated[str, typer.Option("--to", help="Last day responses are taken.")],
    title: Annotated[
        str | None, typer.Option("--title", help="What the consultation is called.")
    ] = None,
    fund: Annotated[str, typer.Option("--fund", help="The capital fund consulted on.")] = "capital",
) -> None:
    """Open a consultation on the capital plan for a period (no two may overlap).

    Example: sendctl capital consult open --from 2017-06-05 --to 2017-07-28
    """
    from sendctl.cli._common import need_date
    from sendctl.services.consultation import open_consultation

    cid = open_consultation(
        state(), need_date(date_from, "--from"), need_date(date_to, "--to"), title, fund
    )
    info(f"Opened consultation {cid}: {date_from} to {date_to}")
    typer.echo(cid)


@consult_app.command("record")
def consult_record(
    respondent_type: Annotated[
        str, typer.Option("--respondent-type", help="parent, carer, school, young-person or other.")
    ],
    view: Annotated[str, typer.Option("--view", help="support, oppose or comment.")],
    project: Annotated[
        str | None,
        typer.Option(
            "--project", help="The project the response is about (default: the plan as a whole)."
        ),
    ] = None,
    theme: Annotated[
        str | None, typer.Option("--theme", help="A short tag for what it raised, e.g. transport.")
    ] = None,
    count: Annotated[
        int,
        typer.Option(
            "--count", help="How many such responses (a negative count corrects a tally)."
        ),
    ] = 1,
    date: DateOpt = None,
    consultation: Annotated[
        int | None,
        typer.Option(
            "--consultation", help="Consultation id (default: the one running on --date)."
        ),
    ] = None,
) -> None:
    """Record a consultation response: who (a type, never a name), its view, and a theme.

    Refused when --date is outside the consultation's dates.
    Example: sendctl capital consult record --respondent-type parent --project "Sensory room" --view support --theme "sensory needs" --date 2017-06-20
    """
    from sendctl.services.consultation import record_response

    rid = record_response(
        state(), respondent_type, view, _day(date), project, theme, count, consultation
    )
    info(f"Recorded response {rid}")


@consult_app.command("summary")
def consult_summary(
    consultation: Annotated[
        int | None,
        typer.Option(
            "--consultation", help="Consultation id (default: the latest).", click_type=ENTRY_ID
        ),
    ] = None,
    fund: Annotated[str, typer.Option("--fund", help="The capital fund.")] = "capital",
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Responses so far: in total, per project and per theme, by view and by type of respondent.

    Rows carry `level`: total, project or theme. Example: sendctl capital consult summary --format json
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.consultation import summary

    d = as_of_date(as_of)
    res = summary(state(), d, consultation, fund)
    cols = [Column("level"), Column("name")] + [
        Column(k, k.replace("_", " "), "int")
        for k in (
            "responses",
            "support",
            "oppose",
            "comment",
            "parent",
            "carer",
            "school",
            "young_person",
            "other",
        )
    ]
    c = res["consultation"]
    title = (
        f"Consultation {c['id']} ({c['opens_on']} to {c['closes_on']}) as at {d.isoformat()}"
        if c
        else "Consultation"
    )
    emit(
        res["rows"],
        cols,
        fmt_value(fmt),
        output,
        title=title,
        empty_message="No consultation has been opened yet.",
    )


@app.command("note")
def note(
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="outcome (how the consultation changed the plan) or equality (the equality impact note).",
        ),
    ],
    text: Annotated[
        str, typer.Argument(help="The note, in plain words, as it is to be published.")
    ],
    date: DateOpt = None,
    fund: Annotated[str, typer.Option("--fund", help="The capital fund.")] = "capital",
) -> None:
    """Add a note to the published plan: what the consultation changed, or the equality impact.

    The latest note of each kind on or before the plan's date is the one published.
    Example: sendctl capital note outcome "Parents asked for places nearer home: the unit moved to Oakham." --date 2017-08-15
    """
    from sendctl.services.consultation import add_note

    nid = add_note(state(), kind, text, _day(date), fund)
    info(f"Added {kind} note {nid}")


PlanFormat = choices("PlanFormat", ("html", "md", "json"))


@app.command("plan")
def plan_cmd(
    output: OutputOpt = None,
    fmt: Annotated[
        PlanFormat | None,
        typer.Option(
            "--format",
            help="html (default), md or json; from --output's ending when not given.",
            case_sensitive=False,
        ),
    ] = None,
    fund: Annotated[str, typer.Option("--fund", help="The capital fund.")] = "capital",
    as_of: AsOfOpt = None,
) -> None:
    """The short published plan: projects, costs by year against the allocation, the consultation.

    One self-contained HTML file (printable on A4, readable on a phone), or Markdown, with no
    personal data. Example: sendctl capital plan --as-of 2017-09-30 --output plan.html
    """
    from sendctl.render.formats import open_output
    from sendctl.services.capital import plan

    d = as_of_date(as_of)
    data = plan(state(), d, fund)
    f = fmt.value if fmt else None
    if f is None:
        name = str(output or "").lower()
        f = "md" if name.endswith(".md") else "json" if name.endswith(".json") else "html"
    if f == "json":
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        from sendctl.render import capital_plan as R

        text = R.to_html(data) if f == "html" else R.to_markdown(data)
    with open_output(output) as out:
        out.write(text)
    if output is not None and str(output) != "-":
        info(f"Wrote the capital plan as at {d.isoformat()} to {output}")
