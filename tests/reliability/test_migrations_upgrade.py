"""A database from every earlier schema version (each prefix of MIGRATIONS), with rows in
every table that exists at that version, upgrades to the current schema with its data intact."""

import os
import sqlite3

import pytest

from sendctl.storage import migrations
from sendctl.storage.migrations import MIGRATIONS

T = "2017-04-18T09:00:00+00:00"
# One row per table as its first migration created it (columns named: later migrations may add).
SAMPLE = {
    "audit_log": (
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, case_ref,"
        " action, before_json, after_json) VALUES (?, 'old', 'cases add', 'case', 'M-1',"
        " 'M-1', 'add', NULL, '{\"surname\": \"Old\"}')",
        (T,),
    ),
    "cases": (
        "INSERT INTO cases (case_ref, upn, forename, surname, date_of_birth, setting,"
        " plan_type, plan_issued_on, caseworker, caseworker_email, created_utc, updated_utc)"
        " VALUES ('M-1', NULL, 'Ann', 'Old', '2008-05-01', 'School', 'statement',"
        " '2012-01-10', 'Jo', 'jo@x.example', ?, ?)",
        (T, T),
    ),
    "transfers": (
        "INSERT INTO transfers (case_ref, notice_on, started_on, due_on,"
        " per_child_due_on, statutory_due_on, anchor, created_utc, updated_utc) VALUES"
        " ('M-1', '2016-12-06', '2016-12-20', '2017-04-25', '2017-04-25', '2018-03-31',"
        " 'start', ?, ?)",
        (T, T),
    ),
    "assessments": (
        "INSERT INTO assessments (case_ref, received_on, decision_due_on,"
        " no_plan_due_on, final_due_on, created_utc, updated_utc) VALUES ('M-1',"
        " '2017-03-01', '2017-04-12', '2017-06-21', '2017-07-19', ?, ?)",
        (T, T),
    ),
    "reviews": (
        "INSERT INTO reviews (case_ref, meeting_on, decision_due_on, created_utc,"
        " updated_utc) VALUES ('M-1', '2017-02-01', '2017-03-01', ?, ?)",
        (T, T),
    ),
    "clock_events": (
        "INSERT INTO clock_events (case_ref, clock, event, event_on, officer,"
        " recorded_utc) VALUES ('M-1', 'transfer', 'start', '2016-12-20', 'old', ?)",
        (T,),
    ),
    "panel_decisions": (
        "INSERT INTO panel_decisions (case_ref, meeting_on, request, outcome,"
        " annual_cost_pence, recorded_utc, officer) VALUES ('M-1', '2017-01-05',"
        " 'top-up', 'agreed', 100000, ?, 'old')",
        (T,),
    ),
    "funds": (
        "INSERT INTO funds (code, name, kind, allocation_pence, created_utc) VALUES"
        " ('old-fund', 'Old fund', 'revenue', 1000000, ?)",
        (T,),
    ),
    "fund_profiles": (
        "INSERT INTO fund_profiles (fund, financial_year, amount_pence) VALUES"
        " ('old-fund', '2017-18', 1000000)",
        (),
    ),
    "ledger_entries": (
        "INSERT INTO ledger_entries (fund, kind, effect, posted_on, financial_year,"
        " period, amount_pence, description, officer, recorded_utc) VALUES"
        " ('old-fund', 'actual', 'spent', '2017-05-02', '2017-18', 2, 12345,"
        " 'old payment', 'old', ?)",
        (T,),
    ),
    "statutory_events": (
        "INSERT INTO statutory_events (case_ref, kind, event, event_on, detail,"
        " officer, recorded_utc) VALUES ('M-1', 'advice', 'request', '2017-02-06',"
        " 'ep', 'old', ?)",
        (T,),
    ),
    "plan_events": (
        "INSERT INTO plan_events (case_ref, event, event_on, reason, officer, recorded_utc)"
        " VALUES ('M-1', 'end', '2017-06-01', '2', 'old', ?)",
        (T,),
    ),
    "placements": (
        "INSERT INTO placements (case_ref, annual_cost_pence, starts_on, first_fy,"
        " first_fy_pence, action, decided_on, recorded_utc, officer) VALUES ('M-1',"
        " 3650000, '2017-09-01', '2017-18', 2120000, 'agreed', '2017-04-13', ?, 'old')",
        (T,),
    ),
    "high_needs_deficit": (
        "INSERT INTO high_needs_deficit (fund, kind, financial_year, posted_on,"
        " amount_pence, ref, officer, recorded_utc) VALUES ('old-fund',"
        " 'opening', '2017-18', '2017-04-01', 50000000, 'SoA 2016-17', 'old', ?)",
        (T,),
    ),
    "notifications_sent": (
        "INSERT INTO notifications_sent (recipient, case_ref, clock, due_on,"
        " sent_on, sent_utc) VALUES ('jo@x.example', 'M-1', 'transfer',"
        " '2017-04-25', '2017-04-18', ?)",
        (T,),
    ),
    "capital_projects": (
        "INSERT INTO capital_projects (name, fund, cost_pence, setting, purpose,"
        " proposed_on, officer, recorded_utc) VALUES ('Old scheme', 'old-fund',"
        " 1000000, 'School', 'Places', '2017-05-01', 'old', ?)",
        (T,),
    ),
    "capital_project_profiles": (
        "INSERT INTO capital_project_profiles (project_id, financial_year,"
        " amount_pence) VALUES (1, '2017-18', 1000000)",
        (),
    ),
    "capital_status_changes": (
        "INSERT INTO capital_status_changes (project_id, status, changed_on,"
        " officer, recorded_utc) VALUES (1, 'proposed', '2017-05-01', 'old', ?)",
        (T,),
    ),
    "capital_project_spend": (
        "INSERT INTO capital_project_spend (entry_id, project_id, recorded_utc) VALUES (1, 1, ?)",
        (T,),
    ),
    "sen2_person": (
        "INSERT INTO sen2_person (case_ref, sex, ethnicity, updated_utc) VALUES"
        " ('M-1', 'F', 'WBRI', ?)",
        (T,),
    ),
    "sen2_requests": (
        "INSERT INTO sen2_requests (case_ref, received_on, request_outcome,"
        " updated_utc) VALUES ('M-1', '2016-01-04', 'H', ?)",
        (T,),
    ),
    "sen2_plans": (
        "INSERT INTO sen2_plans (case_ref, pb, updated_utc) VALUES ('M-1', '0', ?)",
        (T,),
    ),
    "sen2_placements": (
        "INSERT INTO sen2_placements (case_ref, kind, placement_rank, urn,"
        " updated_utc) VALUES ('M-1', 'named', '1', '123456', ?)",
        (T,),
    ),
    "sen2_needs": (
        "INSERT INTO sen2_needs (case_ref, sen_type_rank, sen_type) VALUES ('M-1', '1', 'ASD')",
        (),
    ),
    "sen2_settings": ("INSERT INTO sen2_settings (key, value) VALUES ('lea', '857')", ()),
    "sen2_item_history": (
        "INSERT INTO sen2_item_history (case_ref, item, previous_value, effective_from,"
        " recorded_utc, officer) VALUES ('M-1', 'postcode', 'LE15 6XX', '2017-02-01', ?, 'old')",
        (T,),
    ),
    "capital_consultations": (
        "INSERT INTO capital_consultations (fund, title, opens_on, closes_on,"
        " officer, recorded_utc) VALUES ('old-fund', 'Old consultation',"
        " '2017-06-01', '2017-07-31', 'old', ?)",
        (T,),
    ),
    "capital_consultation_responses": (
        "INSERT INTO capital_consultation_responses (consultation_id,"
        " project_id, respondent_type, view, theme, responses,"
        " responded_on, officer, recorded_utc) VALUES (1, 1, 'parent',"
        " 'support', 'transport', 1, '2017-06-10', 'old', ?)",
        (T,),
    ),
    "capital_plan_notes": (
        "INSERT INTO capital_plan_notes (fund, kind, text, noted_on, officer,"
        " recorded_utc) VALUES ('old-fund', 'equality', 'Old note', '2017-08-01',"
        " 'old', ?)",
        (T,),
    ),
}
# kept by sendctl itself (review_clocks: derived from cases by triggers until m205 dropped it;
# the clock store: the engine's output per case, recomputed from the histories)
DERIVED = {
    "sendctl_migrations",
    "review_clocks",
    "sqlite_sequence",
    "clocks_stale",
    "clock_store",
    "clock_cases",
    "case_clocks",
}


def _tables(conn) -> list[str]:
    return [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]


def _snapshot(conn) -> dict[str, tuple[list[str], list[tuple]]]:
    out = {}
    for t in _tables(conn):
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')]
        out[t] = (cols, conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall())
    return out


def test_every_table_has_a_sample_row(tmp_path):
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrations.migrate(conn)
    missing = set(_tables(conn)) - set(SAMPLE) - DERIVED
    assert not missing, f"add a sample row for {sorted(missing)} to SAMPLE in this file"


@pytest.mark.parametrize(
    "k",
    range(len(MIGRATIONS)),
    ids=[
        f"after-{i}-{(['none'] + [m.__name__ for m in MIGRATIONS])[i]}"
        for i in range(len(MIGRATIONS))
    ],
)
def test_database_at_every_earlier_version_upgrades_with_data_intact(run, tmp_path, monkeypatch, k):
    from sendctl.storage.db import connect

    path = tmp_path / f"v{k}.db"
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", MIGRATIONS[:k])
        migrations.migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == k
    present = set(_tables(conn))
    for table, (sql, params) in SAMPLE.items():
        if table in present:
            conn.execute(sql, params)
            if table == "cases":
                conn.execute(sql.replace("'M-1'", "'M-2'", 1), params)
    old = _snapshot(conn)
    conn.close()

    new_conn = connect(path)  # what every sendctl command does on open
    try:
        assert new_conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        for table, (cols, rows) in old.items():
            if table == "sendctl_migrations":
                got = new_conn.execute("SELECT * FROM sendctl_migrations ORDER BY rowid").fetchall()
                assert [tuple(r) for r in got[: len(rows)]] == [tuple(r) for r in rows]
                continue
            if table == "review_clocks":
                continue  # derived from cases; dropped by m205_drop_review_clocks
            quoted = ", ".join(f'"{c}"' for c in cols)
            got = new_conn.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid').fetchall()
            assert [tuple(r) for r in got] == [tuple(r) for r in rows], table
        assert new_conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        new_conn.close()
    run("--db", path, "doctor")
    listed = run.json("--db", path, "cases", "list")
    assert [c["case_ref"] for c in listed] == (["M-1", "M-2"] if "cases" in present else [])
    if "ledger_entries" in present:
        assert [e["amount_pence"] for e in run.json("--db", path, "spend", "list")] == [12345]
