"""`report sen2` (the return: XML, checks, explanations, comparison) and `cases import-sen2`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sendctl.cli._common import FormatOpt, OutputOpt, fmt_value, new_app, state
from sendctl.domain.errors import EXIT_CHECK_FAILED, SendctlError

sen2_app = new_app(
    "The SEN2 return's LA-level items (the return itself: report sen2; last year's: cases"
    " import-sen2).\n\nExample: sendctl sen2 officers --dmo yes --dco yes --dsco recruiting",
    short_help="The SEN2 return's LA-level items: the designated officers in place.",
)
_OFFICER_HELP = "yes, no or recruiting."


@sen2_app.command("officers")
def officers_cmd(
    dmo: Annotated[
        str | None,
        typer.Option("--dmo", metavar="VALUE", help=f"Designated Medical Officer: {_OFFICER_HELP}"),
    ] = None,
    dco: Annotated[
        str | None,
        typer.Option(
            "--dco", metavar="VALUE", help=f"Designated Clinical Officer: {_OFFICER_HELP}"
        ),
    ] = None,
    dsco: Annotated[
        str | None,
        typer.Option(
            "--dsco",
            metavar="VALUE",
            help=f"Designated Social Care Officer (in the return from 2025): {_OFFICER_HELP}",
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Record whether a Designated Medical, Clinical and Social Care Officer is in place (the
    return's LA-level DMO, DCO and DSCO items, written in its header); without options, show
    them. Audited.

    Example: sendctl sen2 officers --dmo yes --dco yes --dsco recruiting
    """
    from sendctl.render.formats import Column, emit
    from sendctl.services.sen2 import officers, set_officers

    session = state()
    values = {"dmo": dmo, "dco": dco, "dsco": dsco}
    now = (
        set_officers(session, values)
        if any(v is not None for v in values.values())
        else officers(session)
    )
    names = {
        "dmo": "Designated Medical Officer",
        "dco": "Designated Clinical Officer",
        "dsco": "Designated Social Care Officer",
    }
    rows = [
        {"item": k.upper(), "officer": names[k], "in_place": v or "(not recorded)"}
        for k, v in now.items()
    ]
    emit(
        rows,
        [Column("item", kind="code"), Column("officer"), Column("in_place", "in place")],
        fmt_value(fmt),
        output,
        title="SEN2 LA-level items",
    )


def run_report(
    year: int,
    *,
    xml: Path | None,
    check: bool,
    explain: str | None,
    diff: Path | None,
    lea: str | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    from sendctl.render.formats import Column, emit

    session = state()
    collection = year + 1
    if not (xml or check or explain or diff):
        from sendctl.services.reports import sen2_figures
        from sendctl.services.sen2 import measures

        r = sen2_figures(session, year)
        rows = r["figures"] + measures(session, collection)
        columns = [
            Column("section", kind="code", priority=2),
            Column("figure", kind="code"),
            Column("sen2_item", "SEN2 item", kind="code", priority=2),
            Column("value", kind="code"),
            Column("how_counted", "how counted", priority=3),
        ]
        emit(
            rows,
            columns,
            fmt,
            output,
            title=f"SEN2-style figures for {year} (census day {r['census_on']})",
        )
        return
    failed = False
    if xml:
        from datetime import datetime

        from sendctl.render.sen2_xml import write_file
        from sendctl.services.sen2 import xml_return

        generated = datetime.now().replace(microsecond=0).isoformat()
        head, children = xml_return(session, collection, lea, generated)
        n = write_file(xml, head, collection, children)
        session.info(f"wrote the {collection} SEN2 return ({n} children) to {xml}")
    if check:
        from sendctl.services.sen2 import check as run_check

        res = run_check(session, collection, lea)
        rows = [{"kind": "error", **f.__dict__} for f in res.errors] + [
            {"kind": "query", **f.__dict__} for f in res.queries
        ]
        columns = [
            Column("kind"),
            Column("rule"),
            Column("case_ref", "case"),
            Column("field"),
            Column("message"),
        ]
        emit(
            rows,
            columns,
            fmt,
            output,
            title=f"SEN2 {collection} offline checks: {res.children} children, "
            f"{len(res.errors)} errors, {len(res.queries)} queries",
            empty_message=f"All {res.children} children pass every offline check.",
        )
        session.info(
            f"{res.children} children checked: {len(res.errors)} errors (block submission),"
            f" {len(res.queries)} queries (need an explanation)"
        )
        failed = bool(res.errors)
    if explain:
        from sendctl.services.sen2 import explain as run_explain

        rows = run_explain(session, collection, explain)
        columns = [Column("figure"), Column("counted", kind="bool"), Column("why")]
        emit(rows, columns, fmt, output, title=f"SEN2 {collection}: {explain}")
    if diff:
        from sendctl.services.sen2 import compare

        rows = compare(session, collection, diff)
        columns = [
            Column("child"),
            Column("change"),
            Column("field"),
            Column("last"),
            Column("now"),
        ]
        emit(
            rows,
            columns,
            fmt,
            output,
            title=f"SEN2 {collection} compared with {diff}",
            empty_message="No child is new, gone or changed.",
        )
    if failed:
        raise SendctlError(
            "the return has errors that would block submission (listed above)",
            exit_code=EXIT_CHECK_FAILED,
        )


def import_sen2(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="A SEN2 return (XML), or the collection system's CSV tables: their folder or"
            " the files.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count; write nothing.")
    ] = False,
) -> None:
    """Start or refresh the register from a SEN2 return (XML or the collection system's CSV
    tables, COLLECT's "Blade" export: one Blade-Export_<date>_<table>.csv per module), all or
    nothing.

    Each child becomes a case (reference: the UPN, else the ULN, else SEN2-<year>-<n>); a child
    already in the register (same UPN) is refreshed. Requests, assessments, the named plan,
    placements, needs and reviews come with them. A file that is not a SEN2 return, or breaks
    its structure, is refused with the element path and line (a CSV table: its file, line
    and column); nothing is written.

    Example: sendctl cases import-sen2 sen2-2026.xml --dry-run
    Example: sendctl cases import-sen2 blade-export-2025/
    """
    from sendctl.services.sen2 import import_return

    session = state()
    r = import_return(session, list(files), dry_run=dry_run)
    verb = "would import" if dry_run else "imported"
    shown = files[0] if len(files) == 1 else f"{len(files)} files"
    session.info(
        f"{shown}: {verb} {r['children']} children ({r['added']} added, {r['refreshed']} refreshed),"
        f" {r['requests']} requests"
    )


# `cases update` options for the items only the SEN2 return needs (python names = field names,
# so a refused value is reported as its flag).
_S = "SEN2 return"


def _item(flag: str, help: str, metavar: str | None = None) -> Any:
    """A `cases update` option for one of the return's items, in its own help panel."""
    option = typer.Option(flag, help=help, metavar=metavar, rich_help_panel=_S, show_default=False)
    return Annotated[str | None, option]


SexOpt = _item("--sex", "M or F.")
EthnicityOpt = _item("--ethnicity", "DfE ethnicity code, e.g. WBRI.")
PostcodeOpt = _item("--postcode", "Home postcode.")
UlnOpt = _item("--uln", "Unique learner number (10 digits).")
UpnUnknownOpt = _item("--upn-unknown", "Why there is no UPN: UN1 UN2 UN3 UN5 UN8 UN9 UN10.")
SecondNeedOpt = _item("--secondary-need", "Rank-2 need (SEN type code; DS allowed).")
SourceOpt = _item(
    "--request-source",
    "Who made the latest assessment request: 1 parent/young person, 2 school, 3 health, 4 social care, 5 other.",
)
RyaOpt = _item("--rya", "Latest request made while in relevant youth accommodation (yes/no).")
PlanResOpt = _item(
    "--plan-res", "Residential setting named in the plan: A 38-51 weeks, B 52 weeks."
)
PlanWbpOpt = _item("--plan-wbp", "Work-based learning named in the plan: AP, SI, TR.")
PbOpt = _item("--personal-budget", "Personal budget taken up (yes/no).")
OaOpt = _item("--organised-arrangements", "Personal budget by organised arrangements (yes/no).")
DpOpt = _item("--direct-payments", "Personal budget by direct payments (yes/no).")
TransferLaOpt = _item("--transfer-la", "DfE code of the LA the plan transferred in from.")
UrnOpt = _item("--urn", "New placement: the establishment's URN (with --placement-from).")
UkprnOpt = _item("--ukprn", "New placement: the provider's UKPRN (with --placement-from).")
SenSettingOpt = _item(
    "--sen-setting", "New placement without URN/UKPRN: OLA OPA EHE EYP OTH NEET NIEC NIEO."
)
SenSettingOtherOpt = _item("--sen-setting-other", "Detail for OTH/NIEO.")
PlacementFromOpt = _item(
    "--placement-from", "Day the child started at the new placement.", metavar="DATE"
)
SenUnitOpt = _item("--sen-unit", "Placed in an SEN unit (yes/no).")
RpOpt = _item("--resourced-provision", "Placed in resourced provision (yes/no).")
ResOpt = _item("--res", "Residential placement attended: A 38-51 weeks, B 52 weeks.")
WbpOpt = _item("--wbp", "Work-based placement attended: AP, SI, TR.")
