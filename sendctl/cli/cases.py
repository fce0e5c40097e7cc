"""cases import | list | show | add | update: the register of children and young people.

Thin commands: validation lives in sendctl.domain.cases, SQL in sendctl.storage.cases.
"""

from pathlib import Path
from typing import Annotated

import typer

import sendctl.cli.sen2 as S2
from sendctl.cli._common import (
    AsOfOpt,
    DryRunOpt,
    FormatOpt,
    OutputOpt,
    as_of_date,
    choices,
    fmt_value,
    info,
    new_app,
    state,
)
from sendctl.domain.cases import PLAN_TYPES

app = new_app(
    "The case register: import, list, show, add and update children and young people.\n\n"
    "Example: sendctl cases list --plan statement",
    short_help="The case register: import, list, show, add, update.",
)

Plan = choices("Plan", PLAN_TYPES)


# Field -> the option that sets it (error messages of add/update name the option).
FLAGS = {
    "case_ref": "REF",
    "upn": "--upn",
    "forename": "--forename",
    "surname": "--surname",
    "date_of_birth": "--dob",
    "setting": "--setting",
    "setting_type": "--setting-type",
    "out_of_county": "--out-of-county",
    "year_group": "--year-group",
    "primary_need": "--need",
    "plan_type": "--plan",
    "plan_issued_on": "--plan-issued",
    "caseworker": "--caseworker",
    "caseworker_email": "--caseworker-email",
}


def _columns():
    from sendctl.render.formats import Column

    return [
        Column("case_ref", "ref", kind="code"),
        Column("upn", human=False),
        Column("forename"),
        Column("surname"),
        Column("date_of_birth", "born", kind="date"),
        Column("setting", priority=3),
        Column("setting_type", human=False),
        Column("out_of_county", "OOC", kind="bool", priority=3),
        Column("year_group", "year", kind="code", priority=2),
        Column("primary_need", "need", kind="code", priority=2),
        Column("plan_type", "plan", kind="code"),
        Column("plan_issued_on", human=False),
        Column("caseworker", priority=2),
        Column("caseworker_email", human=False),
    ]


# --- import -------------------------------------------------------------------------------------


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV file of cases (UTF-8 or Excel's Windows-1252); '-' reads standard input."
        ),
    ],
    dry_run: DryRunOpt = False,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Text encoding, e.g. utf-8 or cp1252 (default: detected)."),
    ] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Import cases from CSV: validate every row, then add or update them all, or nothing.

    Rows are matched on case_ref: new references are added, changed rows updated (each
    changed field audited), identical rows left alone, so re-importing a file changes nothing.
    The year group is derived from the date of birth (age on 31 August) when not given.

    Example: sendctl cases import register.csv --as-of 2017-04-18
    """
    from sendctl.cli import _imports
    from sendctl.services.imports import import_cases

    day = as_of_date(as_of)
    st = state()
    with _imports.progress(st.quiet) as tick:
        res = _imports.run(
            import_cases, st, file, day, encoding=encoding, dry_run=dry_run, progress=tick
        )
    info(_summary(res))
    if res.fields_changed:
        info(
            "  changed fields: "
            + ", ".join(f"{f} {n:,}" for f, n in res.fields_changed.most_common())
        )


def _summary(res) -> str:
    name = Path(res.name).name
    enc = res.encoding or "utf-8"
    if res.dry_run:
        return (
            f"Dry run of {name}: {res.rows:,} rows; would add {res.added:,}, update "
            f"{res.updated:,}, leave {res.unchanged:,} unchanged ({enc}); nothing written"
        )
    return (
        f"Imported {name}: {res.added:,} added, {res.updated:,} updated, "
        f"{res.unchanged:,} unchanged ({res.rows:,} rows, {enc})"
    )


# --- list and show ------------------------------------------------------------------------------


@app.command("list")
def list_(
    plan: Annotated[
        Plan | None, typer.Option("--plan", help="Only this plan type.", case_sensitive=False)
    ] = None,
    need: Annotated[
        str | None, typer.Option("--need", help="Only this primary need code (ASD, SEMH, ...).")
    ] = None,
    caseworker: Annotated[
        str | None,
        typer.Option("--caseworker", help="Only this caseworker (name or e-mail, any case)."),
    ] = None,
    setting: Annotated[
        str | None, typer.Option("--setting", help="Setting name contains TEXT.")
    ] = None,
    out_of_county: Annotated[
        bool | None,
        typer.Option(
            "--out-of-county/--in-county",
            help="Only placements out of (or in) county.",
            show_default=False,
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", help="Every word appears in the reference, UPN, forename or surname."
        ),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """List the register, ordered by case reference, with filters.

    The year group shown is the one for the academic year of --as-of (default today), derived
    from the date of birth and any out-of-year-group offset; blank once past Year 14.

    Example: sendctl cases list --plan statement --caseworker "Priya Shah" --format csv
    """
    from sendctl.render.formats import emit
    from sendctl.services.cases import list_cases

    rows = list_cases(
        state(FLAGS),
        plan=plan.value if plan else None,
        need=need,
        caseworker=caseworker,
        setting=setting,
        out_of_county=out_of_county,
        search=search,
        as_of=as_of_date(as_of),
    )
    emit(rows, _columns(), fmt_value(fmt), output, title="Cases", empty_message="No cases match.")


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="Case reference, exactly as registered.")],
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Everything known about one child: details, clocks, events, panel decisions, history.

    Example: sendctl cases show RCC-0042 --as-of 2017-04-18
    """
    from sendctl.services.cases import show_case

    view = show_case(state(), ref, as_of_date(as_of))
    _print_show(view, fmt_value(fmt))


def _print_show(view, fmt):
    from sendctl.render.formats import Column, emit, emit_record, machine_row, resolve_format

    fmt = resolve_format(fmt, None)
    if fmt == "xlsx":
        from sendctl.domain.errors import SendctlError

        raise SendctlError(
            "--format: cases show is one child's record; use table, plain, csv or json "
            "(xlsx is for listings, e.g. cases list --format xlsx --output cases.xlsx)"
        )
    case, clocks, events, further, panel, history = (
        view.case,
        view.clocks,
        view.events,
        view.further_events,
        view.panel_decisions,
        view.history,
    )
    if fmt == "csv":
        emit([case], _columns(), "csv")
        return
    from sendctl.cli.panel import decision_columns

    panel_cols = decision_columns(with_superseded=True)
    if fmt == "json":
        emit_record(
            {
                "case": case,
                "clocks": clocks,
                "events": events,
                "further_events": further,
                # money as pence plus the formatted amount, flags as true/false, as listed
                "panel_decisions": [machine_row(d, panel_cols) for d in panel],
                "history": history,
            },
            "json",
        )
        return
    shown = dict(case)
    shown["out_of_county"] = "yes" if case["out_of_county"] else "no"
    shown["stays_sixth_form"] = "yes" if case.get("stays_sixth_form") else "no"
    emit_record(shown, "plain", title=f"Case {case['case_ref']}")
    sections = [
        ("Clocks", clocks, None),
        ("Events", events, None),
        ("Further clock events (advice, appeals, orders ...)", further, None),
        ("Panel decisions", panel, panel_cols),
    ]
    for title, rows, cols in sections:
        typer.echo(f"\n{title}")
        if not rows:
            typer.echo("  none")
            continue
        if cols is None:
            cols = [Column(k) for k in rows[0] if not isinstance(rows[0][k], dict | list)]
        emit(rows, cols, fmt)
    typer.echo("\nHistory")
    if not history:
        typer.echo("  none")
    else:
        emit(
            history,
            [
                Column("at_utc", "when (UTC)", kind="code"),
                Column("officer", priority=2),
                Column("command", priority=3),
                Column("action", kind="code"),
                Column("entity", kind="code", priority=2),
                Column("fields"),
            ],
            fmt,
        )


# --- add and update -----------------------------------------------------------------------------


UpnOpt = Annotated[str | None, typer.Option("--upn", help="Unique pupil number (13 characters).")]
SettingOpt = Annotated[str | None, typer.Option("--setting", help="School or setting name.")]
SettingTypeOpt = Annotated[
    str | None, typer.Option("--setting-type", help="e.g. Mainstream academy, Independent special.")
]
OocOpt = Annotated[
    bool | None,
    typer.Option(
        "--out-of-county/--in-county",
        help="Placed out of county (or in county).",
        show_default=False,
    ),
]
YearOpt = Annotated[
    str | None,
    typer.Option("--year-group", help="N1, N2, R or 1-14 (default: from date of birth)."),
]
NeedOpt = Annotated[
    str | None,
    typer.Option(
        "--need",
        help="Primary need code: SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD ASD DS OTH (DS: Down syndrome, in SEN2 from 2025; NSA: SEN support only).",
    ),
]
PlanIssuedOpt = Annotated[
    str | None, typer.Option("--plan-issued", help="Date the statement or EHC plan was issued.")
]
CaseworkerOpt = Annotated[str | None, typer.Option("--caseworker", help="Caseworker's name.")]
EmailOpt = Annotated[
    str | None, typer.Option("--caseworker-email", help="Caseworker's e-mail address.")
]


@app.command()
def add(
    ref: Annotated[str, typer.Argument(help="New case reference (kept exactly as given).")],
    forename: Annotated[str, typer.Option("--forename", help="Forename.")],
    surname: Annotated[str, typer.Option("--surname", help="Surname.")],
    dob: Annotated[str, typer.Option("--dob", help="Date of birth.")],
    plan: Annotated[
        Plan, typer.Option("--plan", help="statement, ehcp or sen_support.", case_sensitive=False)
    ],
    upn: UpnOpt = None,
    setting: SettingOpt = None,
    setting_type: SettingTypeOpt = None,
    out_of_county: OocOpt = None,
    year_group: YearOpt = None,
    need: NeedOpt = None,
    plan_issued: PlanIssuedOpt = None,
    caseworker: CaseworkerOpt = None,
    caseworker_email: EmailOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Add one case (same validation as import; audited).

    Example: sendctl cases add RCC-0421 --forename Zoë --surname Example --dob 14/02/2010 --plan ehcp --need ASD
    """
    from sendctl.services.cases import add_case

    row = {
        "case_ref": ref.strip(),
        "upn": upn,
        "forename": forename,
        "surname": surname,
        "date_of_birth": dob,
        "setting": setting,
        "setting_type": setting_type,
        "out_of_county": "yes" if out_of_county else "no",
        "year_group": year_group,
        "primary_need": need,
        "plan_type": plan.value,
        "plan_issued_on": plan_issued,
        "caseworker": caseworker,
        "caseworker_email": caseworker_email,
    }
    case = add_case(state(FLAGS), row, as_of_date(as_of))
    info(
        f"Added case {case['case_ref']} ({case['plan_type']}, year group {case['year_group'] or '-'})"
    )


@app.command()
def update(
    ref: Annotated[str, typer.Argument(help="Case reference, exactly as registered.")],
    forename: Annotated[str | None, typer.Option("--forename", help="Forename.")] = None,
    surname: Annotated[str | None, typer.Option("--surname", help="Surname.")] = None,
    dob: Annotated[
        str | None,
        typer.Option(
            "--dob", help="Date of birth (re-derives the year group unless --year-group)."
        ),
    ] = None,
    plan: Annotated[
        Plan | None,
        typer.Option("--plan", help="statement, ehcp or sen_support.", case_sensitive=False),
    ] = None,
    upn: UpnOpt = None,
    setting: SettingOpt = None,
    setting_type: SettingTypeOpt = None,
    out_of_county: OocOpt = None,
    year_group: YearOpt = None,
    need: NeedOpt = None,
    plan_issued: PlanIssuedOpt = None,
    caseworker: CaseworkerOpt = None,
    caseworker_email: EmailOpt = None,
    stays_sixth_form: Annotated[
        bool | None,
        typer.Option(
            "--stays-sixth-form/--leaves-after-year-11",
            help="A Year 11 pupil staying in the same school's sixth form has no phase "
            "transfer after Year 11 (the plan is still reviewed).",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    effective: Annotated[
        str | None,
        typer.Option(
            "--effective",
            metavar="DATE",
            help="A change of circumstances (sex, ethnicity, postcode, ULN, UPN-unknown reason, "
            "needs) from DATE: a SEN2 return for an earlier census day keeps the old value. "
            "Without it a change is a correction, true for every return.",
        ),
    ] = None,
    sex: S2.SexOpt = None,
    ethnicity: S2.EthnicityOpt = None,
    postcode: S2.PostcodeOpt = None,
    uln: S2.UlnOpt = None,
    upn_unknown: S2.UpnUnknownOpt = None,
    secondary_need: S2.SecondNeedOpt = None,
    request_source: S2.SourceOpt = None,
    rya: S2.RyaOpt = None,
    plan_res: S2.PlanResOpt = None,
    plan_wbp: S2.PlanWbpOpt = None,
    pb: S2.PbOpt = None,
    oa: S2.OaOpt = None,
    dp: S2.DpOpt = None,
    transfer_la: S2.TransferLaOpt = None,
    urn: S2.UrnOpt = None,
    ukprn: S2.UkprnOpt = None,
    sen_setting: S2.SenSettingOpt = None,
    sen_setting_other: S2.SenSettingOtherOpt = None,
    placement_from: S2.PlacementFromOpt = None,
    sen_unit: S2.SenUnitOpt = None,
    resourced_provision: S2.RpOpt = None,
    res: S2.ResOpt = None,
    wbp: S2.WbpOpt = None,
) -> None:
    """Change fields of one case; each change is audited with its before and after.

    Give an empty value ("") to clear an optional field. The SEN2 return's items (sex,
    ethnicity, postcode, ULN, placements by URN/UKPRN, ...) are special-category data where
    personal: their audit rows name the field, never the value.

    Example: sendctl cases update RCC-0042 --caseworker "Priya Shah" --caseworker-email priya.shah@rutland.example
    """
    from sendctl.services.cases import update_case

    changes = {
        "upn": upn,
        "forename": forename,
        "surname": surname,
        "date_of_birth": dob,
        "setting": setting,
        "setting_type": setting_type,
        "out_of_county": None if out_of_county is None else ("yes" if out_of_county else "no"),
        "year_group": year_group,
        "primary_need": need,
        "plan_type": plan.value if plan else None,
        "plan_issued_on": plan_issued,
        "caseworker": caseworker,
        "caseworker_email": caseworker_email,
        "stays_sixth_form": None if stays_sixth_form is None else str(int(stays_sixth_form)),
    }
    sen2_items = {
        "sex": sex,
        "ethnicity": ethnicity,
        "postcode": postcode,
        "uln": uln,
        "upn_unknown": upn_unknown,
        "secondary_need": secondary_need,
        "request_source": request_source,
        "rya": rya,
        "plan_res": plan_res,
        "plan_wbp": plan_wbp,
        "pb": pb,
        "oa": oa,
        "dp": dp,
        "transfer_la": transfer_la,
        "urn": urn,
        "ukprn": ukprn,
        "sen_setting": sen_setting,
        "sen_setting_other": sen_setting_other,
        "placement_from": placement_from,
        "sen_unit": sen_unit,
        "resourced_provision": resourced_provision,
        "res": res,
        "wbp": wbp,
    }
    if effective is not None or any(v is not None for v in sen2_items.values()):
        from sendctl.cli._common import opt_date
        from sendctl.services.sen2 import update_items

        changed = update_items(
            state(FLAGS),
            ref,
            sen2_items,
            changes,
            as_of_date(as_of),
            opt_date(effective, "--effective"),
        )
    else:
        changed = update_case(state(FLAGS), ref, changes, as_of_date(as_of))
    if changed:
        info(f"Updated case {ref}: {', '.join(changed)}")
    else:
        info(f"Case {ref}: nothing changed")


app.command("import-sen2")(S2.import_sen2)


# --- the plan's lifecycle (the clocks stop; SEN2 counts the end under its reason) ------------------


def _today():
    from datetime import date

    return date.today()


@app.command("end")
def end(
    ref: Annotated[str, typer.Argument(help="Case reference, exactly as registered.")],
    date_: Annotated[str, typer.Option("--date", help="Date the plan ceased.", show_default=False)],
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            show_default=False,
            help="SEN2 cease reason: 1 maximum age, 2 needs met, 3 higher education, 4 paid employment, "
            "5 moved to another English LA, 6 no longer engaging, 7 left England, 8 deceased, 9 other.",
        ),
    ],
) -> None:
    """The statement or EHC plan ceases: its clocks stop and it leaves the caseload.

    Example: sendctl cases end RCC-0042 --date 2017-07-21 --reason 2
    """
    from sendctl.cli._common import need_date
    from sendctl.services.clocks import end_plan

    row = end_plan(state(), ref, need_date(date_, "--date"), reason, _today())
    info(f"{ref}: plan ended {row['event_on']} (reason {row['reason']}); its clocks have stopped")


@app.command("move-out")
def move_out(
    ref: Annotated[str, typer.Argument(help="Case reference, exactly as registered.")],
    to_la: Annotated[
        str,
        typer.Option(
            "--to-la", help="The new local authority (name or number).", show_default=False
        ),
    ],
    aware: Annotated[
        str,
        typer.Option("--aware", help="Date this LA became aware of the move.", show_default=False),
    ],
    move: Annotated[
        str | None,
        typer.Option(
            "--move",
            metavar="DATE",
            help="Date of the move, if known (the plan passes on that day "
            "when this LA knew 15 working days before).",
        ),
    ] = None,
) -> None:
    """The child has moved to another LA: the plan passes to it (reg 15) and ends here.

    The reg 15(2) clock runs until 'sendctl moves transferred-out REF --date D'.
    Example: sendctl cases move-out RCC-0042 --to-la 855 --aware 2017-12-15
    """
    from sendctl.cli._common import need_date, opt_date
    from sendctl.services.clocks import move_out as service

    row = service(
        state(), ref, to_la, need_date(aware, "--aware"), _today(), opt_date(move, "--move")
    )
    info(
        f"{ref}: moved to LA {to_la}; the plan must pass to it by {row['transfer_due_on']}"
        " (reg 15(2): on the move, or within 15 working days beginning with the day this LA"
        " became aware)"
    )


@app.command("move-in")
def move_in(
    ref: Annotated[str, typer.Argument(help="Case reference, exactly as registered.")],
    from_la: Annotated[
        str,
        typer.Option(
            "--from-la", help="The old local authority (name or number).", show_default=False
        ),
    ],
    date_: Annotated[
        str, typer.Option("--date", help="Date the plan transferred in.", show_default=False)
    ],
    last_review: Annotated[
        str | None, typer.Option("--last-review", help="Date the plan was last reviewed.")
    ] = None,
) -> None:
    """An EHC plan transferred in from another LA (it keeps its original made date, reg 15(3)).

    Example: sendctl cases move-in RCC-0420 --from-la 855 --date 2017-09-01
    """
    from sendctl.cli._common import need_date, opt_date
    from sendctl.services.clocks import move_in as service

    row = service(
        state(),
        ref,
        from_la,
        need_date(date_, "--date"),
        opt_date(last_review, "--last-review"),
        _today(),
    )
    info(f"{ref}: plan transferred in from LA {from_la} on {row['event_on']}")
