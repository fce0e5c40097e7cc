"""The case register: list, show, add, update (the import lives with the other imports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sendctl.domain.errors import SendctlError
from sendctl.domain.problems import InvalidInput, Problem
from sendctl.services.session import Session


@dataclass
class CaseView:
    """Everything `cases show` prints about one child."""

    case: dict
    clocks: list[dict]
    events: list[dict]
    further_events: list[dict]
    panel_decisions: list[dict]
    history: list[dict]


def normalise_need_filter(text: str | None) -> str | None:
    """A --need filter value as its code, refused like any other bad value."""
    if not text:
        return None
    from sendctl.domain.cases import CaseProblem, normalise_need

    try:
        return normalise_need(text, None)
    except CaseProblem as p:
        raise InvalidInput([Problem(None, "primary_need", "bad_code", p.problem, text)]) from None


def list_cases(
    session: Session,
    *,
    plan: str | None = None,
    need: str | None = None,
    caseworker: str | None = None,
    setting: str | None = None,
    out_of_county: bool | None = None,
    search: str | None = None,
    as_of: date | None = None,
) -> list[dict]:
    """The register ordered by case reference, filtered; year groups for the academic year of
    `as_of`."""
    from sendctl.storage.cases import list_cases as query

    need = normalise_need_filter(need)
    rows = list(
        query(
            session.connect(),
            plan=plan,
            need=need,
            caseworker=caseworker,
            setting=setting,
            out_of_county=out_of_county,
            search=search,
            as_of=as_of,
        )
    )
    if not rows:
        note_unmatched(session, caseworker=caseworker, setting=setting, need=need)
    return rows


def note_unmatched(
    session: Session,
    caseworker: str | None = None,
    setting: str | None = None,
    need: str | None = None,
) -> bool:
    """Warn (session.warn) about each filter that matches no case at all, with the nearest
    values that exist, so an empty answer is never mistaken for good news. True if any."""
    from sendctl.storage.cases import unmatched_filters

    found = unmatched_filters(session.connect(), caseworker=caseworker, setting=setting, need=need)
    for field, value, near in found:
        what = {
            "caseworker": "caseworker (name or e-mail)",
            "setting": "setting",
            "need": "primary need",
        }[field]
        tail = f"; nearest: {', '.join(near)}" if near else "; the register has none to suggest"
        if field == "need":
            tail = f"; needs in the register: {', '.join(near)}" if near else ""
        session.warn(f"no case has the {what} {value!r}{tail}")
    return bool(found)


def show_case(session: Session, ref: str, as_of: date) -> CaseView:
    """One child as at `as_of`: details, clocks, the events (of the core clocks and of the
    further clocks) and panel decisions dated up to that day, and the audit history.

    What happened after `as_of` is left out, as it was not known that day: later events, later
    panel decisions (and a later correction's mark on an earlier one), and the plan type a later
    transfer gave. The history is the audit trail as recorded (when each change was typed in).
    """
    from sendctl.storage.cases import need_case
    from sendctl.storage.clocks import case_clocks, case_events, case_history
    from sendctl.storage.further import case_events as further_events
    from sendctl.storage.panel import case_decisions

    conn = session.connect()
    case = dict(need_case(conn, ref))
    case["out_of_county"] = bool(case["out_of_county"])
    case["stays_sixth_form"] = bool(case.get("stays_sixth_form"))
    case["year_group"] = derived_year_group(case, as_of)
    if case.get("plan_type") in ("statement", "ehcp"):
        _plan_on(case, case_history(conn, ref).as_of(as_of))
    day = as_of.isoformat()
    return CaseView(
        case=case,
        clocks=[dict(r) for r in case_clocks(conn, ref, as_of)],
        events=[dict(r) for r in case_events(conn, ref) if r["event_on"] <= day],
        further_events=further_events(conn, ref, as_of),
        panel_decisions=[dict(r) for r in case_decisions(conn, ref, as_of)],
        history=_history(conn, ref),
    )


def _plan_on(case: dict, history) -> None:
    """Set the case's plan type and issue date to the plan in force in `history` (already cut
    at the day), as the clocks read it: a statement until its transfer made the EHC plan. The
    register's own values stay when no plan was in force (not made yet, or ended)."""
    plan = history.plan_in_force()
    if plan is None:
        return
    made = history.ehcp_made_on() if plan == "ehcp" else history.plan_made_on
    case["plan_type"] = plan
    if made is not None:
        case["plan_issued_on"] = made.isoformat()


def derived_year_group(case: dict, as_of: date) -> str | None:
    """The year group in the academic year of `as_of`: from the date of birth and the recorded
    out-of-year-group offset; the recorded year group only when there is no date of birth."""
    from sendctl.domain import engine as E

    if not case.get("date_of_birth"):
        return case.get("year_group")
    dob = date.fromisoformat(case["date_of_birth"])
    return E.year_label(E.year_group(dob, as_of, case.get("year_offset") or 0))


def _history(conn, ref: str) -> list[dict]:
    import json

    from sendctl.storage.audit import audit_rows

    out = []
    for r in audit_rows(conn, case_ref=ref):
        before = json.loads(r["before_json"]) if r["before_json"] else None
        after = json.loads(r["after_json"]) if r["after_json"] else None
        changed = sorted((before or {}) | (after or {})) if r["action"] == "update" else []
        out.append(
            {
                "at_utc": r["at_utc"],
                "officer": r["officer"],
                "command": r["command"],
                "entity": r["entity"],
                "entity_key": r["entity_key"],
                "action": r["action"],
                "fields": ", ".join(changed),
                "before": before,
                "after": after,
            }
        )
    return out


def _validated(row: dict, as_of: date, check_age: bool = True) -> dict:
    from sendctl.domain.cases import validate_case

    case, problems = validate_case(row, as_of, check_age=check_age)
    if problems:
        raise InvalidInput(
            [Problem(None, p.field, "invalid", p.problem, p.value) for p in problems]
        )
    return case


def add_case(session: Session, row: dict, as_of: date) -> dict:
    """Validate one case given as text fields (as a CSV row would be) and add it, audited.

    Returns:
        The case as stored.
    """
    from sendctl.storage.cases import add_case as insert
    from sendctl.storage.cases import set_year_offsets

    case = _validated({k: (v or "").strip() for k, v in row.items()}, as_of)
    with session.transaction() as conn:
        insert(conn, session.actor(), case)
        set_year_offsets(conn, as_of, "case_ref = :ref", {"ref": case["case_ref"]})
    return case


def update_case(session: Session, ref: str, changes: dict, as_of: date) -> list[str]:
    """Apply text `changes` to one case ("" clears an optional field); each change audited.

    Returns:
        The names of the fields that changed (empty when nothing did).
    """
    from sendctl.storage.cases import need_case
    from sendctl.storage.cases import update_case as write

    changes = {k: v.strip() for k, v in changes.items() if v is not None}
    if not changes:
        raise SendctlError(
            "nothing to change", hint="give at least one --FIELD VALUE, e.g. --caseworker NAME"
        )
    sixth_form = changes.pop("stays_sixth_form", None)
    with session.transaction() as conn:
        old = need_case(conn, ref)
        sixth_form_changed = []
        if sixth_form is not None and int(sixth_form) != old["stays_sixth_form"]:
            from sendctl.storage.cases import set_stays_sixth_form

            set_stays_sixth_form(conn, session.actor(), ref, bool(int(sixth_form)))
            sixth_form_changed = ["stays_sixth_form"]
        if not changes:
            return sixth_form_changed
        row = {k: "" if v is None else str(v) for k, v in old.items()}
        row.update(changes)
        if "date_of_birth" in changes and "year_group" not in changes:
            row["year_group"] = ""  # derive again from the new date of birth
        new = _validated(row, as_of, check_age="date_of_birth" in changes)
        changed = write(conn, session.actor(), old, new)
        if "year_group" in changed or "date_of_birth" in changed:
            from sendctl.storage.cases import set_year_offsets

            set_year_offsets(conn, as_of, "case_ref = :ref", {"ref": ref})
        return sixth_form_changed + changed
