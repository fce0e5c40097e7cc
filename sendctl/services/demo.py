"""The demo database: built from the examples through the same services the commands use.

The examples (examples/*.csv in the repository) ship inside the package as sendctl/demo_data/
so that the demo works from an installed wheel; tests check the two copies are identical.

The build, in order (each step the service its command calls):
  1. `init`: the schema, the three funds and the Cabinet's £50,000 approval;
  2. `cases import` of the register as it stood before the history: cases.csv with the
     openings of events.csv (children who then held a statement, or were on SEN support
     before a new assessment gave them a plan);
  3. the history of events.csv, 1 September 2014 to 18 April 2017, in date order:
     `transfers start/record`, `assessments request/record`, `reviews record`;
  4. `cases import` of cases.csv, the register as at 18 April 2017 (statements that ended
     with no plan are on SEN support there);
  5. `funds add high-needs --kind high-needs --budget ...`, then `panel import` of
     placements.csv (the placements agreed before 2017) and of panel.csv (fortnightly panels,
     January to April 2017): each agreed decision with a cost and a start makes a placement;
  6. `spend import` of spend.csv (2017-18 postings and capital commitments) and of
     high_needs.csv (the high needs block's other 2017-18 commitments);
  7. the capital programme of capital.csv (projects, the consultation, status changes, plan
     notes) through the capital services.
The database is built in a temporary file beside the target and renamed over it only when
every step has worked: a failure leaves no half-built demo (and any old one untouched).
"""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendctl.services.session import Session

DEMO_AS_OF = "2017-04-18"  # the Cabinet report's date: the register as at April 2017
DEMO_FILES = (
    "cases.csv",
    "events.csv",
    "further.csv",
    "panel.csv",
    "spend.csv",
    "capital.csv",
    "placements.csv",
    "high_needs.csv",
)
# The high needs block of a small county's Dedicated Schools Grant: about £3.8 million in
# 2017-18, then held flat in cash as the proposed national formula caps the authority's
# funding (the Cabinet report of 18 April 2017, 4.2). Illustrative figures.
DEMO_HIGH_NEEDS_BUDGET = "2017-18=£3,825,000,2018-19=£3,790,000,2019-20=£3,790,000"


def examples_dir() -> Path:
    """The folder holding the demo CSVs: the packaged copy (sendctl/demo_data)."""
    from importlib.resources import files

    d = Path(str(files("sendctl.demo_data")))
    missing = [n for n in DEMO_FILES if not (d / n).is_file()]
    if missing:
        from sendctl.domain.errors import SendctlError

        raise SendctlError(
            f"demo data missing from the installed package: {', '.join(missing)}",
            hint="reinstall sendctl (pip install --force-reinstall sendctl)",
        )
    return d


def _opening_register(examples: Path, dest: Path) -> int:
    """cases.csv with each child's plan as it was before the history of events.csv."""
    import csv

    openings: dict[str, tuple[str, str]] = {}
    with open(examples / "events.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["clock"] == "register" and row["event"] == "opening":
                issued = row["date"] if row["detail"] == "statement" else ""
                openings[row["case_ref"]] = (row["detail"], issued)
    with (
        open(examples / "cases.csv", encoding="utf-8", newline="") as f,
        open(dest, "w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(f)
        w = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
        w.writeheader()
        for row in reader:
            if row["case_ref"] in openings:
                row["plan_type"], row["plan_issued_on"] = openings[row["case_ref"]]
            w.writerow(row)
    return len(openings)


def replay_events(session: Session, events_csv: Path) -> dict[str, int]:
    """Apply events.csv in file (date) order through the clocks' functions, in one
    transaction. Returns counts per clock."""
    import csv
    from datetime import date

    from sendctl.domain.errors import SendctlError
    from sendctl.storage import clocks as C

    counts: dict[str, int] = {}
    actor = session.actor()
    with open(events_csv, encoding="utf-8", newline="") as f, session.transaction() as conn:
        for line, row in enumerate(csv.DictReader(f), 2):
            clock, event, ref, detail = (
                row["clock"],
                row["event"],
                row["case_ref"],
                row["detail"] or None,
            )
            if clock == "register":
                continue
            on = date.fromisoformat(row["date"])
            try:
                if clock == "transfer" and event == "start":
                    C.start_transfer(
                        conn, actor, ref, on, date.fromisoformat(detail) if detail else None
                    )
                elif clock == "transfer":
                    C.record_transfer_event(conn, actor, ref, event, on, reason=detail)
                elif clock == "assessment" and event == "request":
                    C.request_assessment(conn, actor, ref, on, exception=detail)
                elif clock == "assessment":
                    C.record_assessment_event(conn, actor, ref, event, on)
                elif clock == "review" and event == "meeting":
                    C.record_review(conn, actor, ref, on)
                elif clock == "review" and event == "amended-final":
                    C.record_plan_event(conn, actor, ref, "amended-final", on)
                elif clock == "review" and event.startswith("decision-"):
                    C.record_review(
                        conn,
                        actor,
                        ref,
                        date.fromisoformat(detail),
                        decision=event[len("decision-") :],
                        decided_on=on,
                    )
                else:
                    raise SendctlError(f"unknown event {clock} {event}")
            except SendctlError as e:
                raise SendctlError(f"{events_csv.name}:{line}: {e.message}") from None
            counts[clock] = counts.get(clock, 0) + 1
    return counts


def replay_further(session: Session, further_csv: Path) -> int:
    """Record further.csv (advice, review proposals, a plan moved in, an appeal) in one
    transaction, each event through the same storage function its command uses. An answer
    names the line of the event it answers. Returns the number of events."""
    import csv

    from sendctl.domain.errors import SendctlError
    from sendctl.storage.clocks import record_plan_event
    from sendctl.storage.further import record_event

    ids: dict[int, int] = {}
    actor = session.actor()
    n = 0
    with open(further_csv, encoding="utf-8", newline="") as f, session.transaction() as conn:
        for line, row in enumerate(csv.DictReader(f), 2):
            on = date.fromisoformat(row["date"])
            kind, event, ref = row["kind"], row["event"], row["case_ref"]
            try:
                if kind == "review" and event == "proposals":
                    meeting = conn.execute(
                        "SELECT max(meeting_on) FROM reviews WHERE case_ref = ? AND meeting_on <= ?",
                        (ref, on.isoformat()),
                    ).fetchone()[0]
                    done = record_event(conn, actor, ref, kind, event, on, meeting)
                elif kind == "la" and event == "transferred-in":
                    record_plan_event(conn, actor, ref, "move-in", on, None, "from another LA")
                    done = record_event(conn, actor, ref, kind, event, on, row["detail"] or None)
                else:
                    answers = ids[int(row["ref"])] if row["ref"] else None
                    done = record_event(
                        conn, actor, ref, kind, event, on, row["detail"] or None, answers
                    )
            except SendctlError as e:
                raise SendctlError(f"{further_csv.name}:{line}: {e.message}") from None
            ids[line] = done["id"]
            n += 1
    return n


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if p.exists():
            p.unlink()


def build_database(session: Session, path: Path) -> dict:
    """Build the demo database at `path` through the services (replacing it only when the
    build succeeds). Progress lines go to session.info."""
    import tempfile

    from sendctl.domain.money import format_pence
    from sendctl.services import imports
    from sendctl.services.admin import init_database

    examples = examples_dir()
    register_day = date.fromisoformat(DEMO_AS_OF)
    path = Path(path)
    if path.parent and not path.parent.is_dir():
        from sendctl.domain.errors import SendctlError

        raise SendctlError(f"--db {path}: folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    _remove(tmp)
    # The build's own session on the temporary file: same officer, the command "demo".
    build = Session(
        db_path=tmp,
        officer_name=session.officer_name,
        quiet=session.quiet,
        command=session.command,
        warn=session.warn,
        info=session.info,
    )
    say = session.info if not session.quiet else (lambda _m: None)
    stats: dict = {}
    try:
        init_database(build, seed_funds=True)
        say(f"Building {path}: schema, the three funds and the Cabinet's £50,000 approval")
        with tempfile.TemporaryDirectory() as td:
            opening = Path(td) / "cases-before-2014-09.csv"
            n_open = _opening_register(examples, opening)
            res = imports.import_cases(build, opening, register_day)
            say(
                f"Imported the register as it stood before September 2014: {res.added:,} cases "
                f"({n_open} with their plan of the time)"
            )
        stats["clocks"] = replay_events(build, examples / "events.csv")
        stats["further"] = replay_further(build, examples / "further.csv")
        say(
            "Replayed events.csv: "
            + ", ".join(f"{n:,} {k} events" for k, n in stats["clocks"].items())
        )
        say(f"Replayed further.csv: {stats['further']} advice, review, move and appeal events")
        res = imports.import_cases(build, examples / "cases.csv", register_day)
        say(
            f"Imported cases.csv (the register as at {DEMO_AS_OF}): {res.added} added, "
            f"{res.updated} updated, {res.unchanged} unchanged"
        )
        from sendctl.services.placements import add_high_needs_fund

        add_high_needs_fund(
            build,
            "high-needs",
            "High needs block (DSG)",
            DEMO_HIGH_NEEDS_BUDGET,
            cost_centre="SEN-HNB",
            account_code="5310",
        )
        pres = imports.import_panel(
            build, examples / "placements.csv", source="demo placements.csv"
        )
        say(
            f"Added the high needs block ({DEMO_HIGH_NEEDS_BUDGET}); imported placements.csv:"
            f" {pres.added} placements agreed before 2017"
        )
        pres = imports.import_panel(build, examples / "panel.csv", source="demo panel.csv")
        say(f"Imported panel.csv: {pres.added} panel decisions")
        sres = imports.import_spend(build, examples / "spend.csv")
        say(
            f"Imported spend.csv: {sres.added} postings and commitments "
            f"({format_pence(sres.total_pence)}), 2017-18 onwards"
        )
        hres = imports.import_spend(build, examples / "high_needs.csv")
        say(
            f"Imported high_needs.csv: {hres.added} high needs commitments for 2017-18"
            f" ({format_pence(hres.total_pence)})"
        )
        from sendctl.services.capital import load_programme

        cap = load_programme(build, examples / "capital.csv")
        say(
            f"Loaded capital.csv: {cap.get('project', 0)} capital projects, a consultation with "
            f"{cap.get('response', 0)} response tallies, {cap.get('status', 0)} status changes"
        )
        build.close()
        for suffix in ("-wal", "-shm", "-journal"):  # an old demo's side files
            old = Path(f"{path}{suffix}")
            if old.exists():
                old.unlink()
        os.replace(tmp, path)
    except BaseException:
        build.close()
        _remove(tmp)
        raise
    return stats


@dataclass
class DemoPointers:
    """What `demo` prints after the dashboard: the register's counts and a case worth a look."""

    counts: dict[str, int]
    overdue_case: str | None


def pointers(session: Session, as_of: date) -> DemoPointers:
    """Counts by plan type, and the first overdue (else any) statement to show."""
    from sendctl.storage.cases import counts_by_plan

    conn = session.connect()
    first = (
        conn.execute(
            "SELECT t.case_ref FROM transfers t WHERE t.concluded_on IS NULL AND t.due_on < ?"
            " ORDER BY t.due_on, t.case_ref LIMIT 1",
            (as_of.isoformat(),),
        ).fetchone()
        or conn.execute(
            "SELECT case_ref FROM cases WHERE plan_type = 'statement' ORDER BY case_ref LIMIT 1"
        ).fetchone()
    )
    return DemoPointers(counts_by_plan(conn), first[0] if first else None)
