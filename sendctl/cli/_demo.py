"""sendctl demo: build a database from the examples through the real code paths, then a first view.

The examples (examples/*.csv in the repository) ship inside the package as sendctl/demo_data/
so that the demo works from an installed wheel; tests check the two copies are identical.

The build, in order (each step the same function its command uses):
  1. `init`: the schema, the three funds and the Cabinet's £50,000 approval;
  2. `cases import` of the register as it stood before the history: cases.csv with the
     openings of events.csv (children who then held a statement, or were on SEN support
     before a new assessment gave them a plan);
  3. the history of events.csv, 1 September 2014 to 18 April 2017, in date order:
     `transfers start/record`, `assessments request/record`, `reviews record`;
  4. `cases import` of cases.csv, the register as at 18 April 2017 (statements that ended
     with no plan are on SEN support there);
  5. `panel import` of panel.csv (fortnightly panels, January to April 2017);
  6. `spend import` of spend.csv (2017-18 postings and capital commitments).
The database is built in a temporary file beside the target and renamed over it only when
every step has worked: a failure leaves no half-built demo (and any old one untouched).
"""

import os
from pathlib import Path

DEMO_AS_OF = "2017-04-18"  # the Cabinet report's date: the register as at April 2017
DEMO_FILES = ("cases.csv", "events.csv", "panel.csv", "spend.csv")


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
    with open(examples / "cases.csv", encoding="utf-8", newline="") as f, \
            open(dest, "w", encoding="utf-8", newline="") as out:
        reader = csv.DictReader(f)
        w = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
        w.writeheader()
        for row in reader:
            if row["case_ref"] in openings:
                row["plan_type"], row["plan_issued_on"] = openings[row["case_ref"]]
            w.writerow(row)
    return len(openings)


def replay_events(conn, actor, events_csv: Path) -> dict[str, int]:
    """Apply events.csv in file (date) order through the clocks' service functions, in one
    transaction. Returns counts per clock."""
    import csv
    from datetime import date

    from sendctl.domain.errors import SendctlError
    from sendctl.storage import clocks as C
    from sendctl.storage.db import transaction

    counts: dict[str, int] = {}
    with open(events_csv, encoding="utf-8", newline="") as f, transaction(conn):
        for line, row in enumerate(csv.DictReader(f), 2):
            clock, event, ref, detail = row["clock"], row["event"], row["case_ref"], row["detail"] or None
            if clock == "register":
                continue
            on = date.fromisoformat(row["date"])
            try:
                if clock == "transfer" and event == "start":
                    C.start_transfer(conn, actor, ref, on, date.fromisoformat(detail) if detail else None)
                elif clock == "transfer":
                    C.record_transfer_event(conn, actor, ref, event, on, reason=detail)
                elif clock == "assessment" and event == "request":
                    C.request_assessment(conn, actor, ref, on, exception=detail)
                elif clock == "assessment":
                    C.record_assessment_event(conn, actor, ref, event, on)
                elif clock == "review" and event == "meeting":
                    C.record_review(conn, actor, ref, on)
                elif clock == "review" and event.startswith("decision-"):
                    C.record_review(conn, actor, ref, date.fromisoformat(detail),
                                    decision=event[len("decision-"):], decided_on=on)
                else:
                    raise SendctlError(f"unknown event {clock} {event}")
            except SendctlError as e:
                raise SendctlError(f"{events_csv.name}:{line}: {e.message}") from None
            counts[clock] = counts.get(clock, 0) + 1
    return counts


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if p.exists():
            p.unlink()


def build_database(path: Path) -> dict:
    """Build the demo database at `path` (replacing it only when the build succeeds)."""
    import tempfile

    from sendctl.cli._common import info, state
    from sendctl.cli.admin import init
    from sendctl.domain.dates import parse_date
    from sendctl.domain.money import format_pence
    from sendctl.services import imports

    examples = examples_dir()
    register_day = parse_date(DEMO_AS_OF, "--as-of")
    path = Path(path)
    if path.parent and not path.parent.is_dir():
        from sendctl.domain.errors import SendctlError

        raise SendctlError(f"--db {path}: folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    _remove(tmp)
    st = state()
    st.close()
    previous = st.db_path
    st.db_path = tmp
    stats: dict = {}
    try:
        quiet, st.quiet = st.quiet, True  # init names the temporary file: say it our way
        try:
            init(no_funds=False)
        finally:
            st.quiet = quiet
        info(f"Building {path}: schema, the three funds and the Cabinet's £50,000 approval")
        conn = st.connect(write=True)
        actor = st.actor()
        with tempfile.TemporaryDirectory() as td:
            opening = Path(td) / "cases-before-2014-09.csv"
            n_open = _opening_register(examples, opening)
            res = imports.import_cases(st, opening, register_day)
            info(f"Imported the register as it stood before September 2014: {res.added:,} cases "
                 f"({n_open} with their plan of the time)")
        stats["clocks"] = replay_events(conn, actor, examples / "events.csv")
        info("Replayed events.csv: " + ", ".join(f"{n:,} {k} events" for k, n in stats["clocks"].items()))
        res = imports.import_cases(st, examples / "cases.csv", register_day)
        info(f"Imported cases.csv (the register as at {DEMO_AS_OF}): {res.added} added, "
             f"{res.updated} updated, {res.unchanged} unchanged")
        pres = imports.import_panel(st, examples / "panel.csv", source="demo panel.csv")
        info(f"Imported panel.csv: {pres.added} panel decisions")
        imports.import_spend(st, examples / "spend.csv")
        n, total = conn.execute("SELECT count(*), coalesce(sum(amount_pence), 0) FROM ledger_entries"
                                " WHERE kind IN ('actual', 'commitment')").fetchone()
        info(f"Imported spend.csv: {n} postings and commitments ({format_pence(total)}), 2017-18 onwards")
        st.close()
        for suffix in ("-wal", "-shm", "-journal"):  # an old demo's side files
            old = Path(f"{path}{suffix}")
            if old.exists():
                old.unlink()
        os.replace(tmp, path)
    except BaseException:
        st.close()
        _remove(tmp)
        st.db_path = previous
        raise
    st.db_path = path
    return stats


def build_demo(path: Path, as_of: str | None) -> None:
    """Create a fresh demo database at path (replacing any old one), load examples, show it."""
    import shlex

    import typer

    from sendctl.cli._common import as_of_date, state
    from sendctl.cli.reports import status

    day = as_of_date(as_of or DEMO_AS_OF)
    path = Path(path)
    st = state()
    build_database(path)
    st.db_path = path
    from sendctl.storage.cases import counts_by_plan

    counts = counts_by_plan(st.connect())
    typer.echo(f"Demo database: {path}")
    typer.echo(f"Cases: {sum(counts.values()):,} ({counts.get('statement', 0)} statements, "
               f"{counts.get('ehcp', 0)} EHC plans, {counts.get('sen_support', 0)} on SEN support)\n")
    status(as_of=day.isoformat(), fmt=None, output=None)

    conn = st.connect()
    first = conn.execute(
        "SELECT t.case_ref FROM transfers t WHERE t.concluded_on IS NULL AND t.due_on < ?"
        " ORDER BY t.due_on, t.case_ref LIMIT 1",
        (day.isoformat(),),
    ).fetchone() or conn.execute(
        "SELECT case_ref FROM cases WHERE plan_type = 'statement' ORDER BY case_ref LIMIT 1"
    ).fetchone()
    db = f"--db {shlex.quote(str(path))}"
    when = f"--as-of {day.isoformat()}"
    typer.echo("\nTry next:")
    typer.echo(f"  sendctl {db} deadlines --within 14 {when}")
    if first:
        typer.echo(f"  sendctl {db} cases show {shlex.quote(first[0])} {when}")
    typer.echo(f"  sendctl {db} cases list --plan statement")
