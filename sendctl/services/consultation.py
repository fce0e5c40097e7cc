"""The consultation on the capital plan: open it, record responses (counts and themes only),
summarise them, and note what it changed and the equality impact."""

from __future__ import annotations

from datetime import date

from sendctl.services.session import Session

SUMMARY_COUNTS = (
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
WHOLE_PLAN = "(the plan as a whole)"


def open_consultation(
    session: Session,
    opens_on: date,
    closes_on: date,
    title: str | None = None,
    fund: str = "capital",
) -> int:
    """Open a consultation on a capital fund's plan; refused when its dates overlap another's."""
    from sendctl.domain import capital as D
    from sendctl.domain.problems import invalid
    from sendctl.storage import capital as S
    from sendctl.storage.ledger import get_fund

    if closes_on < opens_on:
        raise invalid(
            "to", "before_from", f"{closes_on.isoformat()} is before --from {opens_on.isoformat()}"
        )
    title = (
        D.check_text(title, "title", required=False, limit=200)
        or "Consultation on the SEND capital plan"
    )
    with session.transaction() as conn:
        get_fund(conn, fund)
        for c in S.consultations(conn, fund):
            if c["opens_on"] <= closes_on.isoformat() and opens_on.isoformat() <= c["closes_on"]:
                raise invalid(
                    "from",
                    "overlaps",
                    f"consultation {c['id']} already runs from {c['opens_on']} to {c['closes_on']}",
                )
        return S.insert_consultation(conn, session.actor(), fund, title, opens_on, closes_on)


def _pick(
    conn, consultation_id: int | None, on: date, fund: str | None = None, field: str = "date"
) -> dict:
    """The consultation named, else the one running on `on`, else refused."""
    from sendctl.domain.problems import invalid
    from sendctl.storage import capital as S

    known = S.consultations(conn, fund)
    if consultation_id is not None:
        for c in known:
            if c["id"] == consultation_id:
                return c
        raise invalid("consultation", "unknown", f"no consultation {consultation_id}")
    if not known:
        raise invalid(
            "consultation",
            "none",
            "no consultation has been opened",
            hint="open one with 'sendctl capital consult open'",
        )
    for c in known:
        if c["opens_on"] <= on.isoformat() <= c["closes_on"]:
            return c
    spans = "; ".join(f"{c['id']}: {c['opens_on']} to {c['closes_on']}" for c in known)
    raise invalid(
        field,
        "outside_consultation",
        f"{on.isoformat()} is outside every consultation's dates ({spans})",
    )


def record_response(
    session: Session,
    respondent_type: str,
    view: str,
    on: date,
    project: str | None = None,
    theme: str | None = None,
    count: int = 1,
    consultation_id: int | None = None,
) -> int:
    """Record `count` responses of one kind (no names: who responded is a type, what they said a
    view and a theme). Refused outside the consultation's dates."""
    from sendctl.domain import capital as D
    from sendctl.domain.problems import invalid
    from sendctl.storage import capital as S

    respondent_type = D.check_choice(respondent_type, "respondent_type", D.RESPONDENT_TYPES)
    view = D.check_choice(view, "view", D.VIEWS)
    theme = D.check_theme(theme)
    if count == 0:
        raise invalid("count", "zero", "must not be 0 (a negative count corrects an earlier tally)")
    with session.transaction() as conn:
        c = _pick(conn, consultation_id, on)
        if not (c["opens_on"] <= on.isoformat() <= c["closes_on"]):
            raise invalid(
                "date",
                "outside_consultation",
                f"{on.isoformat()} is outside consultation {c['id']} ({c['opens_on']} to {c['closes_on']})",
            )
        project_id = None
        if project:
            p = S.get_project(conn, project)
            if p["fund"] != c["fund"]:
                raise invalid(
                    "project",
                    "other_fund",
                    f"{p['name']!r} is not a project of the {c['fund']} fund",
                )
            project_id = p["id"]
        r = {
            "consultation_id": c["id"],
            "project_id": project_id,
            "respondent_type": respondent_type,
            "view": view,
            "theme": theme,
            "responses": count,
            "responded_on": on.isoformat(),
        }
        if count < 0:
            tally = S.lowest_tally_from(conn, r)
            if tally + count < 0:
                raise invalid(
                    "count",
                    "below_zero",
                    f"a correction of {count} would take the tally of {respondent_type}"
                    f" {view} responses{f' on {project!r}' if project else ''}"
                    f"{f' ({theme})' if theme else ''} below zero: it stands at {tally}"
                    f" on {on.isoformat()} or later",
                )
        return S.insert_response(conn, session.actor(), r)


def _blank(level: str, name: str) -> dict:
    return {"level": level, "name": name, **dict.fromkeys(SUMMARY_COUNTS, 0)}


def summary(
    session: Session, as_of: date, consultation_id: int | None = None, fund: str = "capital"
) -> dict:
    """{consultation: {id, title, opens_on, closes_on} | None, rows: [...]}: responses recorded on
    or before as_of, in total, per project and per theme, each with counts by view and by type
    of respondent."""
    from sendctl.storage import capital as S

    conn = session.connect()
    known = [c for c in S.consultations(conn, fund) if c["opens_on"] <= as_of.isoformat()]
    if consultation_id is not None:
        c = _pick(conn, consultation_id, as_of, fund)
    elif known:
        c = known[-1]
    else:
        return {"consultation": None, "rows": []}
    total = _blank("total", "all responses")
    projects: dict[str, dict] = {}
    themes: dict[str, dict] = {}
    for r in S.response_counts(conn, c["id"], as_of):
        name = r["project"] or WHOLE_PLAN
        targets = [total, projects.setdefault(name, _blank("project", name))]
        if r["theme"]:
            targets.append(themes.setdefault(r["theme"], _blank("theme", r["theme"])))
        for t in targets:
            t["responses"] += r["n"]
            t[r["view"]] += r["n"]
            t[r["respondent_type"].replace("-", "_")] += r["n"]
    rows = [
        total,
        *projects.values(),
        *sorted(themes.values(), key=lambda t: (-t["responses"], t["name"])),
    ]
    return {"consultation": c, "rows": rows}


def add_note(session: Session, kind: str, text: str, on: date, fund: str = "capital") -> int:
    """A plan note: kind "outcome" (how the consultation changed the plan) or "equality" (the
    equality impact note). The latest of each kind on or before a plan's date is published."""
    from sendctl.domain import capital as D
    from sendctl.storage import capital as S
    from sendctl.storage.ledger import get_fund

    kind = D.check_choice(kind, "kind", ("outcome", "equality"))
    text = D.check_text(text, "text", limit=4000)
    with session.transaction() as conn:
        get_fund(conn, fund)
        return S.insert_note(conn, session.actor(), fund, kind, text, on)
