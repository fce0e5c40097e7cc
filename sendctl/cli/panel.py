"""panel record | list | summary | import: High Needs Panel decisions.

Code lists are taken as text and checked by domain.panel (not typer Enum choices) so that the
command line and the CSV import accept the same spellings ("Top up", "agreed with conditions")
and an unknown value is bad input (exit 1) with the valid codes listed.
"""

from pathlib import Path
from typing import Annotated

import typer

from sendctl.cli._common import (
    DATE,
    ENTRY_ID,
    AsOfOpt,
    DryRunOpt,
    FormatOpt,
    OutputOpt,
    fmt_value,
    info,
    new_app,
    state,
)

app = new_app(
    "High Needs Panel decisions: record, list, summarise, import.\n\n"
    "Example: sendctl panel summary --from 2017-01-01 --to 2017-04-30"
)

_REQUESTS = (
    "assessment, ehcp-issue, placement, top-up, transport, care-package, personal-budget, post-16"
)
_OUTCOMES = "agreed, agreed-with-conditions, deferred, declined, referred"
_PLACEMENTS = (
    "mainstream, resourced-provision, maintained-special, special-academy, "
    "non-maintained-special, independent-special, fe-college, specialist-post-16, alternative-provision"
)
_FUNDERS = "high-needs-block, general-fund, health, social-care, joint"

RequestOpt = Annotated[
    str | None, typer.Option("--request", metavar="TYPE", help=f"Request type: {_REQUESTS}.")
]
OutcomeOpt = Annotated[
    str | None, typer.Option("--outcome", metavar="OUTCOME", help=f"Outcome: {_OUTCOMES}.")
]
FromOpt = Annotated[
    str | None, typer.Option("--from", click_type=DATE, help="Meetings on or after DATE.")
]
ToOpt = Annotated[
    str | None, typer.Option("--to", click_type=DATE, help="Meetings on or before DATE.")
]
AllOpt = Annotated[
    bool, typer.Option("--all", help="Include decisions that a later decision superseded.")
]


# Domain field -> the flag that sets it, where the two are named differently.
LABELS = {
    "date_from": "--from",
    "date_to": "--to",
    "meeting_on": "--date",
    "annual_cost_pence": "--annual-cost",
    "starts_on": "--starts",
    "ends_on": "--ends",
    "supersedes_id": "--supersedes",
}


def decision_columns(with_superseded: bool):
    """The columns of a list of decisions (panel list, and cases show's panel decisions)."""
    from sendctl.render.formats import Column

    return [
        Column("id", kind="int"),
        Column("case_ref", kind="code"),
        Column("meeting_on", "meeting", kind="date"),
        Column("request", kind="code"),
        Column("outcome", kind="code"),
        Column("annual_cost_pence", "annual cost", kind="money"),
        Column("placement_type", kind="code", priority=3),
        Column("provider", priority=2),
        Column("out_of_county", "ooc", kind="bool", priority=3),
        Column("funder", kind="code", priority=4),
        Column("starts_on", kind="date", human=False),
        Column("ends_on", kind="date", human=False),
        Column("note", human=False),
        Column("urn", kind="code", human=False),
        Column("ukprn", kind="code", human=False),
        Column("sen_setting", kind="code", human=False),
        Column("supersedes_id", "supersedes", kind="int", human=with_superseded),
        Column("superseded_by", kind="int", human=with_superseded),
        Column("recorded_utc", human=False),
        Column("officer", human=False),
    ]


@app.command("record")
def record_cmd(
    case_ref: Annotated[str, typer.Argument(metavar="REF", help="The child's case reference.")],
    meeting: Annotated[
        str, typer.Option("--date", metavar="DATE", help="Date of the panel meeting.")
    ],
    request: Annotated[
        str, typer.Option("--request", metavar="TYPE", help=f"Request type: {_REQUESTS}.")
    ],
    outcome: Annotated[
        str, typer.Option("--outcome", metavar="OUTCOME", help=f"Outcome: {_OUTCOMES}.")
    ],
    annual_cost: Annotated[
        str | None,
        typer.Option(
            "--annual-cost", metavar="AMOUNT", help="Annual cost agreed/asked, e.g. £52,000."
        ),
    ] = None,
    placement_type: Annotated[
        str | None,
        typer.Option("--placement-type", metavar="T", help=f"Placement type: {_PLACEMENTS}."),
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", metavar="NAME", help="School, college or provider.")
    ] = None,
    out_of_county: Annotated[
        bool, typer.Option("--out-of-county", help="The placement/provider is outside the county.")
    ] = False,
    funder: Annotated[
        str | None, typer.Option("--funder", metavar="F", help=f"Funder: {_FUNDERS}.")
    ] = None,
    starts: Annotated[
        str | None, typer.Option("--starts", metavar="DATE", help="Date the provision starts.")
    ] = None,
    ends: Annotated[
        str | None, typer.Option("--ends", metavar="DATE", help="Date the provision ends.")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Conditions, reasons, follow-up.")
    ] = None,
    supersedes: Annotated[
        int | None,
        typer.Option(
            "--supersedes",
            metavar="ID",
            help="Correct decision ID: this one replaces it.",
            click_type=ENTRY_ID,
        ),
    ] = None,
    urn: Annotated[
        str | None,
        typer.Option("--urn", metavar="URN", help="The establishment's URN (6 digits)."),
    ] = None,
    ukprn: Annotated[
        str | None,
        typer.Option("--ukprn", metavar="UKPRN", help="The provider's UKPRN (8 digits)."),
    ] = None,
    sen_setting: Annotated[
        str | None,
        typer.Option(
            "--sen-setting",
            metavar="CODE",
            help="No URN or UKPRN: the SEN2 setting code OLA OPA EHE EYP OTH NEET NIEC NIEO.",
        ),
    ] = None,
) -> None:
    """Record one High Needs Panel decision (audited; correct one with --supersedes ID).

    Example: sendctl panel record R0042 --date 02/02/2017 --request placement --outcome agreed
    --annual-cost 52000 --placement-type independent-special --provider "Oak Hill School"
    --out-of-county --funder high-needs-block --urn 120345

    --urn, --ukprn or --sen-setting identify the establishment for the SEN2 return: the
    placement the decision makes is the child's attended placement there, from --starts.
    """
    from sendctl.domain.money import format_pence
    from sendctl.services.panel import record_decision

    done = record_decision(
        state(LABELS),
        case_ref=case_ref,
        meeting_on=meeting,
        request=request,
        outcome=outcome,
        annual_cost_pence=annual_cost,
        placement_type=placement_type,
        provider=provider,
        out_of_county=out_of_county,
        funder=funder,
        starts_on=starts,
        ends_on=ends,
        note=note,
        supersedes_id=supersedes,
        urn=urn,
        ukprn=ukprn,
        sen_setting=sen_setting,
    )
    new_id, d = done.id, done.decision
    cost = (
        f", {format_pence(d['annual_cost_pence'])} a year"
        if d["annual_cost_pence"] is not None
        else ""
    )
    corrected = f"; supersedes decision {supersedes}" if supersedes else ""
    info(
        f"Recorded panel decision {new_id}: {d['case_ref']} {d['request']} {d['outcome']}"
        f" at the panel of {d['meeting_on']}{cost}{corrected}"
    )


@app.command("list")
def list_cmd(
    meeting: Annotated[
        str | None,
        typer.Option(
            "--date", click_type=DATE, metavar="DATE", help="Only the panel meeting on DATE."
        ),
    ] = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    case_ref: Annotated[
        str | None, typer.Option("--case", metavar="REF", help="Only this child.")
    ] = None,
    request: RequestOpt = None,
    outcome: OutcomeOpt = None,
    all_: AllOpt = False,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """List panel decisions in meeting order (superseded ones only with --all), as they stood
    at --as-of (default today): later meetings and later corrections left out.

    Example: sendctl panel list --from 01/01/2017 --to 31/03/2017 --outcome agreed --format csv
    """
    from sendctl.cli._common import as_of_date, opt_date
    from sendctl.domain.panel import Outcome, Request, parse_optional_code
    from sendctl.render.formats import emit

    filters = dict(
        meeting_on=opt_date(meeting, "--date"),
        date_from=opt_date(date_from, "--from"),
        date_to=opt_date(date_to, "--to"),
        case_ref=case_ref.strip() if case_ref else None,
        request=parse_optional_code(Request, request, "--request"),
        outcome=parse_optional_code(Outcome, outcome, "--outcome"),
        include_superseded=all_,
        as_of=as_of_date(as_of),
    )
    from sendctl.services.panel import list_decisions

    emit(
        list_decisions(state(LABELS), **filters),
        decision_columns(all_),
        fmt_value(fmt),
        output,
        title="High Needs Panel decisions",
        empty_message="No panel decisions match.",
    )


def _summary_columns(first_header: str):
    from sendctl.render.formats import Column

    return [
        Column("by", human=False),
        Column("group", first_header, kind="code"),
        Column("decisions", kind="int"),
        Column("agreed", kind="int", priority=2),
        Column("agreed_with_conditions", "with conditions", kind="int", priority=3),
        Column("deferred", kind="int", priority=3),
        Column("declined", kind="int", priority=3),
        Column("referred", kind="int", priority=3),
        Column("agreed_annual_cost_pence", "agreed annual cost", kind="money"),
        Column("placements_agreed", "placements", kind="int", priority=2),
        Column("out_of_county_agreed", "ooc placements", kind="int", priority=2),
        Column("out_of_county_cost_pence", "ooc cost", kind="money"),
        Column("out_of_county_share_pct", "ooc share", kind="pct", priority=2),
        Column("placements_made", "placements made", kind="int", human=False),
        Column("full_year_effect_pence", "full-year effect", kind="money", priority=2),
        Column("in_year_effect_pence", "in-year effect", kind="money", human=False),
    ]


@app.command("summary")
def summary_cmd(
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    as_of: AsOfOpt = None,
    all_: AllOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Per meeting and per request type: outcomes, agreed cost, out-of-county placements.

    "Agreed" counts agreed and agreed-with-conditions; placements are placement and post-16
    requests; the out-of-county share is of agreed placements. Meetings after --as-of (default
    today) are left out. CSV/JSON give one list with a `by` column (meeting, request, total).

    Example: sendctl panel summary --from 01/04/2017 --to 31/03/2018 --format csv
    """
    from sendctl.cli._common import as_of_date, opt_date
    from sendctl.render.formats import emit, open_output, resolve_format, write_plain
    from sendctl.services.panel import summarise

    start = opt_date(date_from, "--from")
    rows, end = summarise(
        state(LABELS), start, opt_date(date_to, "--to"), as_of_date(as_of), include_superseded=all_
    )
    fmt_name = resolve_format(fmt_value(fmt), output)
    if fmt_name in ("csv", "json", "xlsx"):
        emit(rows, _summary_columns("group"), fmt_name, output)
        return
    total = [r for r in rows if r["by"] == "total"]
    meetings = [r for r in rows if r["by"] == "meeting"] + total
    requests = [r for r in rows if r["by"] == "request"] + total
    span = f"{start.isoformat() if start else 'first panel'} to {end.isoformat()}"
    if fmt_name == "table":
        emit(
            meetings,
            _summary_columns("meeting"),
            "table",
            output,
            title=f"Panel decisions by meeting, {span}",
        )
        emit(requests, _summary_columns("request"), "table", output, title="By request type")
        return
    with open_output(output) as out:
        out.write(f"Panel decisions by meeting, {span}\n\n")
        write_plain(meetings, _summary_columns("meeting"), out)
        out.write("\nBy request type\n\n")
        write_plain(requests, _summary_columns("request"), out)


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV file of decisions (Excel's CSV is fine).")],
    dry_run: DryRunOpt = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", metavar="E", help="Text encoding (default: detect UTF-8 or Windows-1252)."
        ),
    ] = None,
) -> None:
    """Import decisions from CSV: every row checked first, all or nothing, no duplicates.

    Columns (any order; common names such as Ref, Child ID, Panel date, Request type, Decision,
    Cost are understood): case_ref, meeting_on, request, outcome, annual_cost, placement_type,
    provider, out_of_county, funder, starts_on, ends_on, note. A row whose case, meeting date,
    request, outcome and annual cost match a stored decision is skipped as already recorded;
    a line twice in the file is two decisions (the nth such line matches the nth stored one).

    Example: sendctl panel import minutes-2017-02-02.csv --dry-run
    """
    from sendctl.cli import _imports
    from sendctl.services.imports import import_panel

    st = state()
    res = _imports.run(import_panel, st, file, encoding=encoding, dry_run=dry_run)
    if res.encoding and res.encoding not in ("utf-8", "utf-8-sig") and not encoding:
        info(f"{res.name}: read as {res.encoding}")
    verb = "Would import" if dry_run else "Imported"
    dup = f"; {res.unchanged} already recorded (skipped)" if res.unchanged else ""
    info(
        f"{verb} {res.added} panel decision(s) from {res.name}{dup}"
        + (" (dry run: nothing written)" if dry_run else "")
    )
