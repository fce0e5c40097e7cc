"""Capital projects: add one against its fund, change its status, list them, post spend to one.

Each function takes the Session first, does its writes in one transaction and returns data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sendctl.services.session import Session


@dataclass
class Added:
    id: int
    name: str
    warnings: list[str] = field(default_factory=list)


def add_project(
    session: Session,
    name: str,
    cost_pence: int,
    profile_text: str | None,
    setting: str,
    purpose: str,
    proposed_on: date,
    fund: str = "capital",
    allow_over: bool = False,
    reason: str | None = None,
) -> Added:
    """Add a project (status proposed) to a capital fund's plan.

    Refused when the plan's projects would pass the fund's allocation or its cumulative profile
    to any year of the project, unless allow_over with a reason (recorded and audited).
    """
    from sendctl.domain import capital as D
    from sendctl.domain.errors import SendctlError
    from sendctl.domain.ledger import parse_profile
    from sendctl.domain.problems import invalid
    from sendctl.storage import capital as S
    from sendctl.storage.ledger import fund_profile, get_fund

    name = D.check_name(name)
    setting = D.check_text(setting, "setting", limit=200)
    purpose = D.check_text(purpose, "purpose")
    reason = D.check_text(reason, "reason", required=False)
    if allow_over and not reason:
        raise invalid("allow_over", "needs_reason", "needs --reason TEXT (the override is audited)")
    if reason and not allow_over:
        raise invalid(
            "reason", "without_override", "goes with --allow-over (a project's aim is --purpose)"
        )
    if cost_pence <= 0:
        raise invalid("cost", "not_positive", "must be more than £0.00")
    with session.transaction() as conn:
        f = get_fund(conn, fund)
        if f["kind"] != "capital":
            raise invalid(
                "fund",
                "not_capital",
                f"{fund} is a {f['kind']} fund; capital projects need a capital fund",
            )
        fprofile = fund_profile(conn, fund)
        if profile_text is None:
            if fprofile:
                raise invalid(
                    "profile",
                    "required",
                    f"{fund} is profiled by financial year ({', '.join(fprofile)}): give the "
                    "project's cost by year, e.g. 2018-19=£60,000,2019-20=£40,000",
                )
            profile = {}
        else:
            try:
                profile = parse_profile(profile_text, cost_pence, "profile")
            except SendctlError as e:
                if getattr(e, "problem", None) is not None:
                    raise
                message = (e.message.partition(": ")[2] or e.message).replace(
                    "the allocation is", "the cost is"
                )
                raise invalid("profile", "bad_profile", message) from None
        if S.project_exists(conn, name):
            raise invalid("name", "duplicate", f"a capital project called {name!r} already exists")
        total, by_year = S.planned(conn, fund)
        over = D.plan_overrun(
            fund, f["allocation_pence"], fprofile, total, by_year, cost_pence, profile
        )
        if over and not allow_over:
            raise SendctlError(
                "refused: " + "; ".join(over),
                hint="to add it anyway, add --allow-over --reason TEXT (audited)",
            )
        pid = S.insert_project(
            conn,
            session.actor(),
            {
                "name": name,
                "fund": fund,
                "cost_pence": cost_pence,
                "setting": setting,
                "purpose": purpose,
                "proposed_on": proposed_on.isoformat(),
                "over_reason": reason if over else None,
            },
            profile,
        )
    warnings = [f"over allowed ({reason}): {o}" for o in over]
    return Added(pid, name, warnings)


def change_status(
    session: Session, name: str, status: str, on: date, note: str | None = None
) -> dict:
    """Record a project's new status (append-only, audited); returns {project, from, to, on}."""
    from sendctl.domain import capital as D
    from sendctl.storage import capital as S

    status = D.check_status(status)
    note = D.check_text(note, "note", required=False)
    with session.transaction() as conn:
        p = S.get_project(conn, name, "name")
        current, current_on = S.current_status(conn, p["id"])
        D.check_transition(
            current,
            date.fromisoformat(current_on) if current_on else None,
            status,
            on,
            date.fromisoformat(p["proposed_on"]),
        )
        if current == "withdrawn":
            # back into the plan: it must fit again, as if it were added now
            from sendctl.domain.errors import SendctlError
            from sendctl.storage.ledger import fund_profile, get_fund

            f = get_fund(conn, p["fund"])
            total, by_year = S.planned(conn, p["fund"], exclude_id=p["id"])
            over = D.plan_overrun(
                p["fund"],
                f["allocation_pence"],
                fund_profile(conn, p["fund"]),
                total,
                by_year,
                p["cost_pence"],
                S.project_profile(conn, p["id"]),
            )
            if over:
                raise SendctlError(
                    "refused: " + "; ".join(over), hint="withdraw or reduce another project first"
                )
        S.insert_status(conn, session.actor(), p["id"], status, on, note, before=current)
    return {"project": p["name"], "from": current, "to": status, "on": on.isoformat()}


def list_projects(
    session: Session, as_of: date, status: str | None = None, fund: str | None = None
) -> list[dict]:
    """The projects as at as_of (status, profile, linked spend); optionally one status only."""
    from sendctl.domain import capital as D
    from sendctl.storage import capital as S

    if status is not None:
        status = D.check_status(status)
    conn = session.connect()
    if fund:
        from sendctl.storage.ledger import get_fund

        get_fund(conn, fund)
    rows = S.list_projects(conn, as_of, fund)
    return [r for r in rows if status is None or r["status"] == status]


def status_history(session: Session, as_of: date, name: str | None = None) -> list[dict]:
    from sendctl.storage import capital as S

    conn = session.connect()
    pid = S.get_project(conn, name, "name")["id"] if name else None
    return S.status_history(conn, as_of, pid)


def post_project_spend(
    session: Session,
    project: str,
    fund: str,
    amount_pence: int,
    posted_on: date,
    description: str,
    **details,
):
    """`spend post ... --project NAME`: the posting (through the service `spend post` calls,
    with every check) and its link to the project, in one transaction. Returns the ledger's Posted(id, warnings)."""
    from sendctl.services.ledger import post
    from sendctl.storage import capital as S
    from sendctl.storage.ledger import Posted

    with session.transaction() as conn:
        p = S.postable_project(conn, project, fund)
        res = post(session, fund, amount_pence, posted_on, description, **details)
        S.link_spend(conn, session.actor(), res.id, p["id"])
        past = S.past_cost_warnings(conn, [p])
    return Posted(res.id, [*res.warnings, *past])


def plan(session: Session, as_of: date, fund: str = "capital") -> dict:
    """The published plan as at as_of: the projects in it (not withdrawn), their cost by
    financial year against the fund's allocation and profile, what the consultation said, what
    it changed and the equality impact note. Refused before the fund's first project.

    The figures are those of `capital list` and `capital consult summary` for the same date.
    """
    from sendctl.domain.problems import invalid
    from sendctl.services.consultation import summary
    from sendctl.storage import capital as S
    from sendctl.storage.ledger import fund_profile, get_fund

    conn = session.connect()
    f = get_fund(conn, fund)
    rows = S.list_projects(conn, as_of, fund)
    if not rows:
        first = conn.execute(
            "SELECT min(proposed_on) FROM capital_projects WHERE fund = ?", (fund,)
        ).fetchone()[0]
        raise invalid(
            "as_of",
            "before_data",
            f"no capital project of the {fund} fund was proposed on or before {as_of.isoformat()}"
            + (f" (the first was proposed on {first})" if first else ""),
            hint=None if first else "add projects with 'sendctl capital add'",
        )
    in_plan = [r for r in rows if r["status"] != "withdrawn"]
    withdrawn = [r for r in rows if r["status"] == "withdrawn"]
    profile = fund_profile(conn, fund)
    years_set = sorted(set(profile) | {fy for r in in_plan for fy in r["by_year"]})
    years, cum_p, cum_plan = [], 0, 0
    for fy in years_set:
        planned_fy = sum(r["by_year"].get(fy, 0) for r in in_plan)
        cum_p += profile.get(fy, 0)
        cum_plan += planned_fy
        years.append(
            {
                "financial_year": fy,
                "profile_pence": profile.get(fy, 0),
                "planned_pence": planned_fy,
                "cumulative_profile_pence": cum_p,
                "cumulative_planned_pence": cum_plan,
            }
        )
    planned_pence = sum(r["cost_pence"] for r in in_plan)
    return {
        "as_of": as_of.isoformat(),
        "fund": {"code": f["code"], "name": f["name"], "allocation_pence": f["allocation_pence"]},
        "planned_pence": planned_pence,
        "unplanned_pence": f["allocation_pence"] - planned_pence,
        "spent_pence": sum(r["spent_pence"] for r in in_plan),
        "committed_pence": sum(r["committed_pence"] for r in in_plan),
        "years": years,
        "projects": in_plan,
        "withdrawn": withdrawn,
        "consultation": summary(session, as_of, fund=fund),
        "outcome": S.latest_note(conn, fund, "outcome", as_of),
        "equality": S.latest_note(conn, fund, "equality", as_of),
        "how_counted": {
            "projects": f"projects of the {fund} fund proposed on or before {as_of.isoformat()} whose status "
            "on that day is not withdrawn ('capital list')",
            "years": "each project's cost by financial year, summed, against the fund's profile for that year",
            "spent": "payments and open commitments posted to the fund with the project named, dated on or before "
            "the plan's date",
            "consultation": "responses recorded on or before the plan's date ('capital consult summary'): counts "
            "by view and by type of respondent; no names are kept",
        },
    }


def load_programme(session: Session, path) -> dict[str, int]:
    """Load a capital programme file (the demo's capital.csv: projects, status changes, the
    consultation, its responses and the plan notes, in date order) through the same services as
    `sendctl capital ...`, in one transaction. Returns counts per record kind."""
    import csv

    from sendctl.domain.dates import parse_date
    from sendctl.domain.errors import SendctlError
    from sendctl.domain.money import parse_pence
    from sendctl.services import consultation as C

    counts: dict[str, int] = {}
    with session.transaction(), open(path, encoding="utf-8", newline="") as f:
        for line, r in enumerate(csv.DictReader(f), 2):
            kind = r["record"]
            try:
                on = parse_date(r["date"], "date")
                if kind == "project":
                    add_project(
                        session,
                        r["project"],
                        parse_pence(r["cost"], "cost"),
                        r["profile"] or None,
                        r["setting"],
                        r["purpose"],
                        on,
                    )
                elif kind == "status":
                    change_status(session, r["project"], r["status"], on, r["text"] or None)
                elif kind == "consultation":
                    C.open_consultation(
                        session, on, parse_date(r["date_to"], "date_to"), r["text"] or None
                    )
                elif kind == "response":
                    C.record_response(
                        session,
                        r["respondent_type"],
                        r["view"],
                        on,
                        r["project"] or None,
                        r["theme"] or None,
                        int(r["count"] or 1),
                    )
                elif kind == "note":
                    C.add_note(session, r["kind"], r["text"], on)
                else:
                    raise SendctlError(f"record: unknown record {kind!r}")
            except SendctlError as e:
                raise SendctlError(f"{getattr(path, 'name', path)}:{line}: {e.message}") from None
            counts[kind] = counts.get(kind, 0) + 1
    return counts
