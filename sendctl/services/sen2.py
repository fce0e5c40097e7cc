"""The SEN2 person-level return: generate (XML), check, explain, compare, import.

Every figure and every check is computed from the same stream of children (domain.sen2
build_person over storage.sen2 case_data), replayed to the census day: whatever is dated after
it is treated as not yet happened, as `--as-of` does for the other reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sendctl.domain.errors import SendctlError
from sendctl.services.session import Session


def persons(session: Session, year: int, case_ref: str | None = None) -> Iterator[dict]:
    """The children of the `year` collection, one at a time, in return order."""
    from sendctl.domain.sen2 import build_person, census_date
    from sendctl.storage.sen2 import case_data

    census = census_date(year).isoformat()
    for d in case_data(session.connect(), census, case_ref):
        p = build_person(d, year)
        if p is not None:
            yield p


def la_code(session: Session, lea: str | None) -> str:
    """The LA's 3-digit DfE code: --lea, else the one kept from an imported return."""
    from sendctl.domain.problems import invalid
    from sendctl.domain.sen2 import LA_CODES

    if lea is None:
        from sendctl.storage.sen2 import get_setting

        lea = get_setting(session.connect(), "lea")
    if lea is None:
        raise SendctlError(
            "the LA's DfE code is not known", hint="give --lea, e.g. --lea 857 (Rutland)"
        )
    if lea not in LA_CODES:
        raise invalid("lea", "bad_code", "expected a 3-digit DfE local authority code", lea)
    return lea


def header(
    year: int, lea: str, generated_at: str, serial_no: int = 1, officers: dict | None = None
) -> dict:
    from sendctl import __version__
    from sendctl.domain import sen2 as S

    return {
        **(officers or {}),
        "collection": S.HEADER_COLLECTION,
        "year": year,
        "reference_date": S.census_date(year).isoformat(),
        "source_level": S.HEADER_SOURCE_LEVEL,
        "lea": lea,
        "software_code": S.SOFTWARE_CODE,
        "release": __version__,
        "serial_no": serial_no,
        "date_time": generated_at,
    }


def xml_return(
    session: Session, year: int, lea: str | None, generated_at: str
) -> tuple[dict, Iterator[dict]]:
    """The return's header and its children (a stream) for the writer."""
    from sendctl.domain.sen2 import check_person_level

    check_person_level(year)
    return (
        header(year, la_code(session, lea), generated_at, officers=officers(session)),
        persons(session, year),
    )


def officers(session: Session) -> dict:
    """{dmo, dco, dsco}: the LA-level officer items as recorded (Yes / No / Recruiting)."""
    from sendctl.domain.sen2 import HEADER_OFFICERS
    from sendctl.storage.sen2 import get_setting

    conn = session.connect()
    return {f: get_setting(conn, f) for _, f, *_ in HEADER_OFFICERS}


def set_officers(session: Session, values: dict) -> dict:
    """`sen2 officers`: record whether a Designated Medical, Clinical and Social Care Officer
    is in place (yes, no, recruiting); audited. Returns every one as it now stands."""
    from sendctl.domain.problems import invalid
    from sendctl.domain.sen2 import OFFICER_VALUES
    from sendctl.storage import sen2 as store

    clean = {}
    for field, text in values.items():
        if text is None:
            continue
        v = OFFICER_VALUES.get(text.strip().lower())
        if v is None:
            raise invalid(field, "bad_code", "expected yes, no or recruiting", text)
        clean[field] = v
    with session.transaction() as conn:
        for field, v in clean.items():
            store.set_la_item(conn, session.actor(), field, v)
    return officers(session)


@dataclass
class CheckResult:
    children: int
    errors: list
    queries: list


def check(session: Session, year: int, lea: str | None = None) -> CheckResult:
    """Every offline rule over the return: errors (would block submission) and queries apart."""
    from sendctl.domain.sen2 import RULES, Failure, check_person

    if lea is None:
        from sendctl.storage.sen2 import get_setting

        lea = get_setting(session.connect(), "lea")
    found: list = []
    upns: dict[str, list[str]] = {}
    n = 0
    for p in persons(session, year):
        n += 1
        found.extend(check_person(p, year, lea))
        if p.get("upn"):
            upns.setdefault(p["upn"], []).append(p["case_ref"])
    from sendctl.domain.sen2 import officers_for

    have = officers(session)
    for _el, f in officers_for(year):
        if not have.get(f):
            found.append(
                Failure(
                    "S2-16", RULES["S2-16"].severity, "(header)", f, "not recorded: sen2 officers"
                )
            )
    for refs in upns.values():
        if len(refs) > 1:
            for ref in refs:
                others = ", ".join(r for r in refs if r != ref)
                found.append(
                    Failure("S2-04", RULES["S2-04"].severity, ref, "upn", f"same UPN as {others}")
                )
    return CheckResult(
        n, [f for f in found if f.severity == "E"], [f for f in found if f.severity != "E"]
    )


def measures(session: Session, year: int) -> list[dict]:
    """The published measures of the `year` collection from the return's own children, as
    figure rows (section "sen2_<section>") for `report sen2`."""
    from sendctl.domain.sen2_measures import AVERAGES, FIGURES, totals

    t = totals(persons(session, year), year)
    ref, now = str(year - 1), str(year)
    return [
        {
            "section": f"sen2_{sec}",
            "figure": f,
            "sen2_item": item.replace("<reference year>", ref[2:]).replace(
                "<census year>", now[2:]
            ),
            "value": t[f],
            "how_counted": f"{how} (person-level return {year}, reference year {year - 1})",
        }
        for f, (sec, item, how) in {**FIGURES, **AVERAGES}.items()
    ]


def explain(session: Session, year: int, case_ref: str) -> list[dict]:
    """Every figure one child is counted in and why, then every one it is not and why."""
    from sendctl.domain.sen2_measures import explain as rows
    from sendctl.storage.cases import need_case

    need_case(session.connect(), case_ref)
    p = next(persons(session, year, case_ref), None)
    return rows(p, year)


PERSON_ITEMS = ("sex", "ethnicity", "postcode", "uln", "upn_unknown")
PLAN_ITEMS = ("plan_res", "plan_wbp", "pb", "oa", "dp", "transfer_la")
REQUEST_ITEMS = ("request_source", "rya")
PLACE_ITEMS = (
    "urn",
    "ukprn",
    "sen_setting",
    "sen_setting_other",
    "sen_unit",
    "resourced_provision",
    "res",
    "wbp",
)


def update_items(
    session: Session,
    ref: str,
    items: dict,
    case_changes: dict | None = None,
    as_of=None,
    effective=None,
) -> list[str]:
    """`cases update`: the case's own fields (services.cases) and the return's items, in one
    transaction; each change audited (personal items by name only). Returns the changed names.

    With `effective` (a date), the changes of person items and needs are a change of
    circumstances from that day: a return for an earlier census day keeps the values they
    replaced. Without it a change is a correction, true for every return.

    A new establishment (urn, ukprn or sen_setting) needs placement_from: it becomes the rank-1
    placement named in the plan and attended from that day (the previous one left the day before).
    """
    from datetime import date, timedelta

    from sendctl.domain.problems import InvalidInput, Problem
    from sendctl.domain.sen2 import clean_item
    from sendctl.storage import sen2 as store
    from sendctl.storage.cases import need_case

    items = {k: v for k, v in items.items() if v is not None}
    clean, problems = {}, []
    for field, text in items.items():
        v, problem = clean_item(field, text)
        if problem:
            problems.append(Problem(None, field, "invalid", problem))
        clean[field] = v
    if problems:
        raise InvalidInput(problems)
    new_place = any(clean.get(f) for f in ("urn", "ukprn", "sen_setting"))
    if new_place and not clean.get("placement_from"):
        raise InvalidInput(
            [
                Problem(
                    None,
                    "placement_from",
                    "required",
                    "the day the child started at the new placement is needed",
                )
            ]
        )
    if effective is not None:
        from sendctl.services.clocks import not_future

        not_future("effective", effective, session.today)
    changed: list[str] = []
    with session.transaction() as conn:
        was = store.tracked_items(conn, ref) if effective is not None else {}
        if case_changes and any(v is not None for v in case_changes.values()):
            from sendctl.services.cases import update_case

            changed += update_case(session, ref, case_changes, as_of)
        need_case(conn, ref)
        actor = session.actor()
        person = {f: clean[f] for f in PERSON_ITEMS if f in clean}
        if person:
            changed += store.upsert_row(
                conn, actor, "sen2_person", ref, store.PERSON_FIELDS, person, personal=True
            )
        plan = {f: clean[f] for f in PLAN_ITEMS if f in clean}
        if plan:
            changed += store.upsert_row(conn, actor, "sen2_plans", ref, store.PLAN_FIELDS, plan)
        if "secondary_need" in clean:
            store.set_need(conn, ref, "2", clean["secondary_need"])
            changed.append("secondary_need")
        req = {f: clean[f] for f in REQUEST_ITEMS if f in clean}
        if req:
            changed += store.set_latest_request_items(conn, actor, ref, req)
        place = {f: clean[f] for f in PLACE_ITEMS if f in clean}
        linked = None if new_place or not place else store.linked_placement_to_annotate(conn, ref)
        if linked is not None:
            # the indicators of a placement the panel made: recorded for the return on a copy
            # of its establishment and start (its end still comes from the placement)
            place = {f: linked[f] for f in ("urn", "ukprn", "sen_setting") if linked[f]} | place
            clean["placement_from"] = linked["starts_on"]
            new_place = True
        if place:
            start = clean.get("placement_from")
            left = (date.fromisoformat(start) - timedelta(days=1)).isoformat() if start else None
            changed += store.set_current_placement(conn, actor, ref, place, start, left, new_place)
        if effective is not None:
            now = store.tracked_items(conn, ref)
            moved = {k: was.get(k) for k in set(was) | set(now) if was.get(k) != now.get(k)}
            from sendctl.domain.problems import invalid

            if not moved:
                raise invalid(
                    "effective",
                    "nothing_dated",
                    "dates a change of sex, ethnicity, postcode, ULN, UPN-unknown reason or "
                    "need; none of those changed",
                )
            last = store.latest_dated_change(conn, ref, sorted(moved))
            if last is not None and effective.isoformat() <= last:
                # each dated change keeps the value it replaced: they must come in date order
                raise invalid(
                    "effective",
                    "out_of_order",
                    f"a change of these items already took effect on {last}; dated changes "
                    "are recorded in date order (a mistake in one is corrected without "
                    "--effective)",
                )
            store.record_item_history(conn, session.actor(), ref, moved, effective)
    return changed


def _value_problems(p: dict, add) -> None:
    """Values a register cannot hold: dates that are not dates, codes outside every year's
    list, indicators other than 0/1, more than one named plan. Personal values never echoed.
    add(record, element path, message, value) reports one where the reader can place it."""
    from sendctl.domain.sen2 import CODED, INDICATORS, MODULES, PERSONAL, _date, walk

    names = {f: el for m in MODULES.values() for el, f, *_ in m[1]}
    plans = 0
    for module, rec in walk(p):
        if module == "named_plan":
            plans += 1
        for f, v in rec.items():
            if not isinstance(v, str) or f not in names:
                continue
            shown = None if f in PERSONAL else v
            path = f"{MODULES[module][0]}/{names[f]}"
            if (f.endswith("_on") or f == "date_of_birth") and _date(v) is None:
                add(rec, path, "expected a date YYYY-MM-DD", shown)
            elif f in CODED and v not in CODED[f]:
                add(rec, path, "not in the SEN2 code list", shown)
            elif f in INDICATORS and v not in ("0", "1"):
                add(rec, path, "expected 0 or 1", shown)
    for f in ("surname", "forename", "date_of_birth"):
        if not p.get(f):
            add(p, f"Person/{names[f]}", "missing", None)
    if plans > 1:
        add(
            p,
            "Person/Requests/Assessment/NamedPlan",
            "more than one named plan for one child: sendctl keeps one plan per child",
            None,
        )


def import_return(session: Session, path, dry_run: bool = False) -> dict:
    """`cases import-sen2`: every child of a SEN2 return into the register, all or nothing.
    `path`: the XML file, or the collection system's CSV tables (a folder, or a list of files).

    Returns {children, added, refreshed, requests}.
    """
    from datetime import date
    from pathlib import Path

    from sendctl.domain.cases import NEED_CODES, validate_case
    from sendctl.domain.sen2 import GENDER_CURRENT, census_date
    from sendctl.ingest.sen2_blade import is_blade, read_blade
    from sendctl.ingest.sen2_xml import read_return
    from sendctl.services.refusals import ImportRefused, ProblemList
    from sendctl.storage import sen2 as store
    from sendctl.storage.cases import add_case, update_case
    from sendctl.storage.db import transaction

    paths = [Path(x) for x in path] if isinstance(path, list | tuple) else [Path(path)]
    name = ", ".join(str(x) for x in paths)
    blade = None
    if is_blade(paths):
        header, children, blade = read_blade(paths, name)
    else:
        header, children = read_return(paths[0])
    try:
        year = int(header.get("year") or "")
        census = date.fromisoformat(header.get("reference_date") or census_date(year).isoformat())
    except ValueError:
        where = "sen2 table: year, referencedate" if blade else "Message/Header/CollectionDetails"
        raise SendctlError(
            f"{name}: {where}: Year and ReferenceDate must be"
            " a year and a date YYYY-MM-DD; nothing was imported"
        ) from None
    problems = ProblemList()
    sex_of_gender = {v: k for k, v in GENDER_CURRENT.items()}
    at = {"line": 0}  # the child being read (its line in the XML)

    def add(rec: dict, where: str, message: str, value=None) -> None:
        if blade is None:
            problems.add(at["line"], where, message, value)
        else:  # the file, line and column of the record
            column = where.split("/")[-1].split(" ")[-1].strip("()").lower()
            blade.add((rec["_file"], rec["_line"]), column, message, value)

    out = {"children": 0, "added": 0, "refreshed": 0, "requests": 0, "year": year}
    conn = session.connect(write=True)
    actor = session.actor()
    seen: set[str] = set()
    with transaction(conn, dry_run=dry_run):
        for p, line in children:
            at["line"] = line
            out["children"] += 1
            before = problems.count + (blade.count if blade else 0)
            _value_problems(p, add)
            if problems.count + (blade.count if blade else 0) > before:
                continue
            if not p.get("sex") and p.get("gender_current"):
                # a return up to 2023 sent GenderCurrent (1 male, 2 female; 0 not known and 9
                # neither have no Sex code, so none is kept)
                p["sex"] = sex_of_gender.get(p["gender_current"])
            ref = p.get("upn") or p.get("uln") or f"SEN2-{year}-{out['children']:05d}"
            plan = next(
                (
                    rq["assessment"]["named_plan"]
                    for rq in p["requests"]
                    if rq.get("assessment") and rq["assessment"].get("named_plan")
                ),
                None,
            )
            needs = [
                n
                for rq in p["requests"]
                if rq.get("active_plans")
                for n in rq["active_plans"].get("sen_need") or []
                if n.get("sen_type_rank") == "1"
            ]
            old = store.find_case(conn, ref, p.get("upn"))
            if old is not None:
                ref = old["case_ref"]
            if ref in seen:
                add(p, "Person/UPN", "a second child with the same UPN or ULN in this file")
                continue
            seen.add(ref)
            row = {
                "case_ref": ref,
                "upn": p.get("upn") or "",
                "forename": p["forename"],
                "surname": p["surname"],
                "date_of_birth": p["date_of_birth"],
                "plan_type": "ehcp"
                if plan and plan.get("start_on")
                else (old or {}).get("plan_type") or "sen_support",
                "plan_issued_on": (plan or {}).get("start_on")
                or (old or {}).get("plan_issued_on")
                or "",
                "primary_need": needs[0]["sen_type"]
                if needs and needs[0]["sen_type"] in NEED_CODES
                else (old or {}).get("primary_need") or "",
            }
            if old:
                row = {**{k: "" if v is None else str(v) for k, v in old.items()}, **row}
            case, bad = validate_case(row, census, check_age=False)
            for b in bad:
                add(p, f"Person ({b.field})", b.problem, None)
            if bad:
                continue
            if old is None:
                add_case(conn, actor, case)
                out["added"] += 1
            else:
                update_case(conn, actor, old, case)
                out["refreshed"] += 1
            out["requests"] += store.import_child(conn, actor, ref, p, refresh=old is not None)
        if blade is not None:
            blade.raise_if_any(dry_run)
        if problems.count:
            raise ImportRefused(name, problems.problems, problems.count, {}, dry_run)
        if header.get("lea"):
            store.set_setting(conn, "lea", header["lea"])
        for field in ("dmo", "dco", "dsco"):
            if header.get(field):
                store.set_la_item(conn, actor, field, header[field])
        # what that return said about phase transfers due by its census day stands (see
        # domain.sen2._phase_transfer)
        if census.isoformat() > (store.get_setting(conn, "imported_census") or ""):
            store.set_setting(conn, "imported_census", census.isoformat())
    return out


def compare(session: Session, year: int, last_path) -> list[dict]:
    """`--diff LAST.xml`: children new in this return, gone from it, and every item changed
    (matched on UPN, else ULN, else name and date of birth). Rows: child, change, field, last, now."""
    from sendctl.domain.sen2 import check_person_level, compare_child, match_key
    from sendctl.ingest.sen2_xml import read_return

    check_person_level(year)
    _, children = read_return(last_path)
    last: dict[tuple, tuple[dict, int]] = {}
    for p, line in children:
        last.setdefault(match_key(p), (p, line))
    rows: list[dict] = []
    changed: list[dict] = []
    for p in persons(session, year):
        old = last.pop(match_key(p), None)
        if old is None:
            rows.append(
                {"child": p["case_ref"], "change": "new", "field": None, "last": None, "now": None}
            )
            continue
        for path, a, b in compare_child(old[0], p, year):
            changed.append(
                {"child": p["case_ref"], "change": "changed", "field": path, "last": a, "now": b}
            )
    for _p, line in sorted(last.values(), key=lambda x: x[1]):
        rows.append(
            {
                "child": f"{last_path} line {line}",
                "change": "gone",
                "field": None,
                "last": None,
                "now": None,
            }
        )
    return rows + changed


def split_person_items(session: Session, conn, rows, present: set[str], problems, source: str):
    """Case import: take the person items (sex, ethnicity, postcode, ULN, UPN-unknown reason)
    out of each row as it streams past, check them (a problem names the field, never the value)
    and stage them in a TEMP table; `finish()` writes them to sen2_person after the cases are
    in. Returns (rows for the case importer, finish)."""
    from sendctl.domain.sen2 import clean_item
    from sendctl.storage import sen2 as store

    cols = [f for f in PERSON_ITEMS if f in present]
    if not cols:
        return rows, lambda: None
    store.stage_person_items(conn, cols)
    batch: list[tuple] = []

    def gen():
        for line, row in rows:
            vals = []
            for f in cols:
                v, problem = clean_item(f, row.pop(f, None) or "")
                if problem:
                    problems.add(line, f, problem)
                vals.append(v)
            ref = (row.get("case_ref") or "").strip()
            if ref:
                batch.append((ref, *vals))
                if len(batch) >= 5000:
                    store.stage_rows(conn, cols, batch)
                    batch.clear()
            yield line, row

    def finish():
        store.stage_rows(conn, cols, batch)
        batch.clear()
        store.apply_staged_person_items(conn, session.actor(), cols, source)

    return gen(), finish
