"""Model-based agreement: random case histories recorded through sendctl, random as-of dates
(past ones included): every listing agrees with the pure clock engine run on the history as
generated (not as read back from the database).

Listings checked: deadlines (with and without --all), cases show, transfers list, the status
dashboard's clock counts, the SEN2 caseload, and the rows `deadlines notify` warns about.
"""

import sqlite3
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendctl.domain import engine as E
from sendctl.domain.errors import SendctlError

NOW = "2017-01-01T00:00:00+00:00"
SETTINGS = ["Oak Primary", "Elm Infant School", "Catmose College", "Little Acorns"]


def days(lo: int, hi: int):
    return st.integers(lo, hi)


case_strategy = st.fixed_dictionaries(
    {
        "dob": st.dates(date(1998, 1, 1), date(2014, 8, 31)),
        "plan": st.sampled_from(["statement", "ehcp", "sen_support"]),
        "made": st.dates(date(2012, 1, 1), date(2017, 12, 31)),
        "setting": st.sampled_from(SETTINGS),
        "start": st.one_of(st.none(), st.dates(date(2014, 9, 1), date(2018, 6, 30))),
        "draft_after": st.one_of(st.none(), days(0, 200)),
        "outcome": st.sampled_from([None, "final-issued", "no-plan", "ceased"]),
        "outcome_after": days(0, 200),
        "request": st.one_of(st.none(), st.dates(date(2015, 1, 1), date(2018, 6, 30))),
        "decision": st.sampled_from([None, "decision-to-assess", "refused"]),
        "a_steps": st.lists(days(0, 120), min_size=3, max_size=3),
        "a_outcome": st.sampled_from([None, "final-issued", "no-plan"]),
        "reviews": st.lists(
            st.tuples(days(60, 500), st.sampled_from([None, "keep", "amend"]), days(0, 40)),
            max_size=2,
        ),
        "amended": st.one_of(st.none(), days(0, 700)),
        "end": st.one_of(st.none(), days(0, 900)),
    }
)


def record(conn, actor, i: int, c: dict) -> E.History:
    """Record one case's history through the storage layer; return the engine History of
    exactly what was accepted (a refused event is left out of both)."""
    from sendctl.storage import clocks as S

    ref = f"M-{i:03d}"
    made = c["made"] if c["plan"] != "sen_support" else None
    conn.execute(
        "INSERT INTO cases (case_ref, forename, surname, date_of_birth, setting, setting_type, out_of_county,"
        " primary_need, plan_type, plan_issued_on, caseworker, caseworker_email, created_utc, updated_utc)"
        " VALUES (?, 'F', 'S', ?, ?, 'mainstream', 0, 'ASD', ?, ?, ?, 'cw@x.example', ?, ?)",
        (
            ref,
            c["dob"].isoformat(),
            c["setting"],
            c["plan"],
            made.isoformat() if made else None,
            f"cw{i % 3}",
            NOW,
            NOW,
        ),
    )
    h = E.History(
        ref,
        c["dob"],
        c["plan"] if c["plan"] != "sen_support" else None,
        made,
        setting=f"{c['setting']} mainstream",
    )

    def ok(fn, *args) -> bool:
        conn.execute("SAVEPOINT ev")
        try:
            fn(conn, actor, ref, *args)
        except SendctlError:
            conn.execute("ROLLBACK TO ev")
            conn.execute("RELEASE ev")
            return False
        conn.execute("RELEASE ev")
        return True

    final_on = None
    if c["plan"] == "statement" and c["start"] and ok(S.start_transfer, c["start"], None):
        t = E.Transfer(c["start"], c["start"] - timedelta(days=14))
        draft = (
            c["start"] + timedelta(days=c["draft_after"]) if c["draft_after"] is not None else None
        )
        if draft and ok(S.record_transfer_event, "draft-issued", draft, None):
            t = replace(t, draft_on=draft)
        if c["outcome"]:
            on = (t.draft_on or t.started_on) + timedelta(days=c["outcome_after"])
            reason = "other" if c["outcome"] == "ceased" else None
            if ok(S.record_transfer_event, c["outcome"], on, reason):
                outcome = {"final-issued": "ehcp_issued", "no-plan": "no_plan", "ceased": "ceased"}[
                    c["outcome"]
                ]
                t = replace(t, concluded_on=on, outcome=outcome)
                final_on = on if outcome == "ehcp_issued" else None
        h = replace(h, transfer=t)
    if c["plan"] == "sen_support" and c["request"] and ok(S.request_assessment, c["request"], None):
        a = E.Assessment(c["request"])
        on = c["request"] + timedelta(days=c["a_steps"][0])
        if c["decision"] and ok(S.record_assessment_event, c["decision"], on, None):
            a = replace(
                a,
                decided_on=on,
                decision="assess" if c["decision"] == "decision-to-assess" else "refused",
            )
            if c["decision"] == "refused":
                a = replace(a, concluded_on=on, outcome="refused")
            else:
                draft = on + timedelta(days=c["a_steps"][1])
                if ok(S.record_assessment_event, "draft-issued", draft, None):
                    a = replace(a, draft_on=draft)
                if c["a_outcome"]:
                    end = (a.draft_on or on) + timedelta(days=c["a_steps"][2])
                    if ok(S.record_assessment_event, c["a_outcome"], end, None):
                        a = replace(
                            a,
                            concluded_on=end,
                            outcome="ehcp_issued"
                            if c["a_outcome"] == "final-issued"
                            else "no_plan",
                        )
                        final_on = end if c["a_outcome"] == "final-issued" else None
        h = replace(h, assessments=(a,))
    base = final_on or made
    if base is not None:
        reviews = []
        for gap, decision, later in c["reviews"]:
            meeting = (reviews[-1].meeting_on if reviews else base) + timedelta(days=gap)
            decided = meeting + timedelta(days=later) if decision else None
            if ok(S.record_review, meeting, decision, decided):
                reviews.append(E.Review(meeting, decision, decided))
        h = replace(h, reviews=tuple(reviews))
        if c["amended"] is not None:
            on = base + timedelta(days=c["amended"])
            if ok(S.record_plan_event, "amended-final", on):
                h = replace(h, amended_finals=(on,))
        if c["end"] is not None:
            on = base + timedelta(days=c["end"])
            if ok(S.record_plan_event, "end", on, "2"):
                h = replace(h, ended_on=on, end_reason="2")
    return h


def engine_row(h: E.History, k: E.Clock) -> tuple:
    return (h.case_ref, k.clock, k.due_on.isoformat(), k.status, k.days_left, k.rule_id)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(case_strategy, min_size=1, max_size=6),
    as_ofs=st.lists(st.dates(date(2014, 6, 1), date(2019, 12, 31)), min_size=1, max_size=3),
    within=st.integers(0, 30),
)
def test_every_listing_agrees_with_the_engine(cases, as_ofs, within):
    from sendctl.storage.audit import Actor
    from sendctl.storage.clocks import case_clocks, deadline_rows, transfer_list
    from sendctl.storage.db import connect, transaction
    from sendctl.storage.reports import census_date, dashboard, sen2_figures

    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "m.db", create=True)
        actor = Actor("model", "test")
        with transaction(conn):
            model = [record(conn, actor, i, c) for i, c in enumerate(cases)]
        try:
            check_store(conn, model, as_ofs, within)
            for as_of in as_ofs:
                for upcoming in (False, True):
                    want = sorted(
                        engine_row(h, k)
                        for h in model
                        for k in E.running_clocks(h, as_of, within, upcoming)
                    )
                    got = sorted(
                        (
                            r["case_ref"],
                            r["clock"],
                            r["due_on"],
                            r["status"],
                            r["days_left"],
                            r["rule_id"],
                        )
                        for r in deadline_rows(conn, as_of, within, include_upcoming=upcoming)
                    )
                    assert got == want
                for h in model:
                    want = [engine_row(h, k) for k in E.case_clocks(h, as_of, within)]
                    got = [
                        (
                            h.case_ref,
                            r["clock"],
                            r["due_on"],
                            r["status"],
                            r["days_left"],
                            r["rule_id"],
                        )
                        for r in case_clocks(conn, h.case_ref, as_of, within)
                    ]
                    assert got == want
                transfers = {r["case_ref"]: r for r in transfer_list(conn, as_of)}
                for h in model:
                    k = next((k for k in E.case_clocks(h, as_of) if k.clock == "transfer"), None)
                    assert (k is None) == (h.case_ref not in transfers)
                    if k is not None:
                        assert transfers[h.case_ref]["due_on"] == k.due_on.isoformat()
                board = dashboard(conn, as_of, within)["clocks"]
                counted = sum(
                    1
                    for h in model
                    for k in E.case_clocks(h, as_of, within)
                    if k.status in ("overdue", "due")
                )
                assert board["overdue"] + board["due"] == counted
                year = as_of.year
                census = census_date(year + 1)
                caseload = next(
                    f["value"]
                    for f in sen2_figures(conn, year)["figures"]
                    if f["figure"] == "caseload_total"
                )
                assert caseload == sum(
                    1 for h in model if h.as_of(census).plan_in_force() is not None
                )
        finally:
            conn.close()


def check_store(conn, model: list[E.History], as_ofs: list[date], within: int) -> None:
    """The clock store holds the engine's own output: every case recomputed, from the day of
    its latest event (engine.complete_from), and its rows give, for any day from then on,
    exactly the running clocks the engine gives for that day. Then the same listings with the
    store unusable (a read-only database whose store another engine made): all from the
    engine, the same rows."""
    from sendctl.storage import clock_store as S
    from sendctl.storage.clocks import _stored_row, deadline_rows

    assert S.prepare(conn)
    assert S.stale_count(conn) == 0
    valid = dict(conn.execute("SELECT case_ref, valid_from FROM clock_cases"))
    assert valid == {h.case_ref: E.complete_from(h).isoformat() for h in model}
    # the random days, and the edges of every stored clock (the day before, the day, the
    # day after its due date, the start of its due window, its window of days)
    edges = set(as_ofs)
    for due, start, end in conn.execute("SELECT due_on, applies_from, applies_to FROM case_clocks"):
        due, start = date.fromisoformat(due), date.fromisoformat(start)
        for d in (due - timedelta(days=within), due, start):
            edges.update((d - timedelta(days=1), d, d + timedelta(days=1)))
        if end < "9000":
            edges.add(date.fromisoformat(end) + timedelta(days=1))
            edges.add(date.fromisoformat(end))
    for as_of in sorted(edges):
        for upcoming in (False, True):
            want = sorted(
                engine_row(h, k)
                for h in model
                if E.complete_from(h) <= as_of
                for k in E.running_clocks(h, as_of, within, upcoming)
            )
            got = sorted(
                (r["case_ref"], r["clock"], r["due_on"], r["status"], r["days_left"], r["rule_id"])
                for r in (
                    _stored_row(x, as_of, within, False)
                    for x in S.stored_running(conn, as_of, within, upcoming)
                )
            )
            assert got == want
    # a later day than any event: every case from the store, in the listing's order
    late = date(2030, 1, 1)
    rows = list(deadline_rows(conn, late, within, include_upcoming=True))
    assert [(r["due_on"], r["case_ref"], r["clock"]) for r in rows] == sorted(
        (r["due_on"], r["case_ref"], r["clock"]) for r in rows
    )
    # unusable store (another engine's rows, read-only): the engine alone, the same rows
    stored = {
        as_of: list(deadline_rows(conn, as_of, within, include_upcoming=True)) for as_of in as_ofs
    }
    conn.execute("UPDATE clock_store SET fingerprint = 'another engine'")
    conn.execute("PRAGMA query_only = ON")
    try:
        assert not S.prepare(conn)
        for as_of in as_ofs:
            assert list(deadline_rows(conn, as_of, within, include_upcoming=True)) == stored[as_of]
    finally:
        conn.execute("PRAGMA query_only = OFF")
    assert S.prepare(conn)  # writable again: recomputed
    # a case queued and not recomputed (read-only): that case from the engine, the rest stored
    conn.execute("INSERT INTO clocks_stale SELECT case_ref FROM cases ORDER BY case_ref LIMIT 1")
    conn.execute("PRAGMA query_only = ON")
    try:
        assert S.prepare(conn)
        for as_of in as_ofs:
            assert list(deadline_rows(conn, as_of, within, include_upcoming=True)) == stored[as_of]
    finally:
        conn.execute("PRAGMA query_only = OFF")


def test_notify_warns_about_exactly_the_engines_due_and_overdue_clocks(run, db_path):
    """`deadlines notify --dry-run` lists the clocks the engine says are due or overdue."""
    run("init", "--no-funds")
    con = sqlite3.connect(db_path)
    con.execute(
        "INSERT INTO cases (case_ref, forename, surname, date_of_birth, setting, setting_type, out_of_county,"
        " primary_need, plan_type, plan_issued_on, caseworker, caseworker_email, created_utc, updated_utc)"
        " VALUES ('N-1', 'Ann', 'S', '2006-03-15', 'Oak Primary', 'mainstream', 0, 'ASD', 'statement',"
        " '2012-01-10', 'Jo', 'jo@x.example', ?, ?)",
        (NOW, NOW),
    )
    con.commit()
    con.close()
    out = run("deadlines", "notify", "--dry-run", "--as-of", "2017-02-10", "--within", "14").stdout
    assert "N-1" in out and "14 Feb 2017" in out  # before 15 Feb 2017 (art 14(3)(b))


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    cases=st.lists(case_strategy, min_size=1, max_size=5),
    as_ofs=st.lists(st.dates(date(2014, 6, 1), date(2019, 12, 31)), min_size=1, max_size=2),
    within=st.integers(0, 30),
)
def test_the_commands_give_the_engines_clocks(run, cases, as_ofs, within):
    """Through the CLI (the clock store refreshed by the command itself, as after any
    change): `deadlines --all`, `deadlines`, `status` and `deadlines notify --dry-run` give
    exactly the engine's clocks for random histories on random days, past ones included."""
    from sendctl.storage.audit import Actor
    from sendctl.storage.db import connect, transaction

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.db"
        conn = connect(path, create=True)
        with transaction(conn):
            model = [record(conn, Actor("model", "test"), i, c) for i, c in enumerate(cases)]
        conn.close()
        for as_of in as_ofs:
            day = ["--as-of", as_of.isoformat(), "--within", str(within)]
            for flags in ([], ["--all"]):
                got = sorted(
                    (
                        r["case_ref"],
                        r["clock"],
                        r["due_on"],
                        r["status"],
                        r["days_left"],
                        r["rule_id"],
                    )
                    for r in run.json("--db", path, "deadlines", *day, *flags)
                )
                want = sorted(
                    engine_row(h, k)
                    for h in model
                    for k in E.running_clocks(h, as_of, within, bool(flags))
                )
                assert got == want
            board = run.json("--db", path, "status", "--as-of", as_of.isoformat())["clocks"]
            counted = sum(
                1
                for h in model
                for k in E.case_clocks(h, as_of, board["within_days"])
                if k.status in ("overdue", "due")
            )
            assert board["overdue"] + board["due"] == counted
            out = run(
                "--db",
                path,
                "deadlines",
                "notify",
                "--dry-run",
                "--as-of",
                as_of.isoformat(),
                "--within",
                str(within),
                "--to",
                "boss@x.example",
            ).stdout
            warned = {
                h.case_ref
                for h in model
                for k in E.running_clocks(h, as_of, within)
                if k.status in ("overdue", "due")
            }
            assert {ref for ref in (h.case_ref for h in model) if ref in out} == warned


def test_the_demo_store_agrees_with_the_engine_day_by_day(tmp_path, run):
    """The demo (420 cases with advice, review steps, a plan moved in, an appeal: the further
    clocks with their windows): the stored rows give the engine's running clocks on every
    21st day from 2015 to 2019 and around every tenth distinct stored due date."""
    from sendctl.storage import clock_store as S
    from sendctl.storage.clocks import _engine_deadlines, deadline_rows
    from sendctl.storage.db import connect

    path = tmp_path / "demo.db"
    run("demo", "--db", path)
    conn = connect(path)
    try:
        assert S.prepare(conn)
        days = {date(2015, 1, 5) + timedelta(days=21 * i) for i in range(87)}
        dues = [r[0] for r in conn.execute("SELECT DISTINCT due_on FROM case_clocks ORDER BY 1")]
        for due in dues[::10]:
            d = date.fromisoformat(due)
            days.update((d - timedelta(days=15), d - timedelta(days=14), d, d + timedelta(days=1)))
        for day in sorted(days):
            for upcoming in (False, True):
                got = list(deadline_rows(conn, day, 14, include_upcoming=upcoming))
                want = _engine_deadlines(conn, "", {}, day, 14, None, upcoming, False)
                assert got == want, (day, upcoming)
    finally:
        conn.close()
