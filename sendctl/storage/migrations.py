"""Schema as explicit SQL, applied in order on every open (the llm pattern).

Each migration runs once, inside the transaction that records it in `sendctl_migrations`;
`PRAGMA user_version` holds the count so that an up-to-date open costs one PRAGMA.
Never edit a migration that has shipped: add a new one.
"""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []
migration = MIGRATIONS.append


def schema_version() -> int:
    return len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations; return how many ran."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == len(MIGRATIONS):
        return 0
    from sendctl.storage.db import transaction

    with transaction(conn):
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "sendctl_migrations" not in tables:
            from sendctl.domain.errors import SendctlError

            raise SendctlError(
                "this SQLite file is not a sendctl database (it has other tables); it was left as it was"
            )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS sendctl_migrations (name TEXT PRIMARY KEY, applied_utc TEXT NOT NULL)"
        )
        done = {r[0] for r in conn.execute("SELECT name FROM sendctl_migrations")}
        if len(done) > len(MIGRATIONS) or version > len(MIGRATIONS):
            from sendctl.domain.errors import SendctlError

            raise SendctlError(
                "this database was written by a newer sendctl (schema version "
                f"{max(version, len(done))}, this one knows {len(MIGRATIONS)}); upgrade sendctl"
            )
        ran = 0
        for fn in MIGRATIONS:
            if fn.__name__ in done:
                continue
            fn(conn)
            conn.execute(
                "INSERT INTO sendctl_migrations (name, applied_utc) VALUES (?, ?)",
                (fn.__name__, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            ran += 1
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    return ran


def _script(conn: sqlite3.Connection, sql: str) -> None:
    # executescript() would COMMIT our transaction; run statement by statement instead.
    for stmt in sql.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)


# --- foundation (issue 2) -------------------------------------------------------------------


@migration
def m001_create_audit_log(conn):
    _script(
        conn,
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at_utc TEXT NOT NULL,
            officer TEXT NOT NULL,
            command TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_key TEXT NOT NULL,
            case_ref TEXT,
            action TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT
        );
        CREATE INDEX idx_audit_log_at ON audit_log(at_utc);
        CREATE INDEX idx_audit_log_entity ON audit_log(entity, entity_key);
        CREATE INDEX idx_audit_log_officer ON audit_log(officer);
        CREATE INDEX idx_audit_log_case ON audit_log(case_ref);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
        """,
    )


@migration
def m002_create_cases(conn):
    # case_ref is TEXT, kept exactly as the LA writes it ("00123" stays "00123").
    # year_group is TEXT: N1, N2, R, 1..14 (design §4). Dates are ISO text.
    _script(
        conn,
        """
        CREATE TABLE cases (
            case_ref TEXT PRIMARY KEY,
            upn TEXT,
            forename TEXT NOT NULL,
            surname TEXT NOT NULL,
            date_of_birth TEXT NOT NULL,
            setting TEXT,
            setting_type TEXT,
            out_of_county INTEGER NOT NULL DEFAULT 0 CHECK (out_of_county IN (0, 1)),
            year_group TEXT,
            primary_need TEXT,
            plan_type TEXT NOT NULL CHECK (plan_type IN ('statement', 'ehcp', 'sen_support')),
            plan_issued_on TEXT,
            caseworker TEXT,
            caseworker_email TEXT,
            created_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL
        );
        CREATE INDEX idx_cases_plan_type ON cases(plan_type);
        CREATE INDEX idx_cases_caseworker ON cases(caseworker);
        CREATE INDEX idx_cases_primary_need ON cases(primary_need);
        CREATE INDEX idx_cases_upn ON cases(upn);
        CREATE INDEX idx_cases_surname ON cases(surname COLLATE NOCASE)
        """,
    )


# --- case register (issue 3): add migrations below, named m1NN_... ------------------------

# --- statutory clocks (issue 4): m2NN_... ---------------------------------------------------

# --- High Needs Panel (issue 5): m3NN_... ---------------------------------------------------


@migration
def m301_create_panel_decisions(conn):
    # Append-only: a wrong decision is corrected by a new row with supersedes_id (one successor
    # each: the partial unique index). The code lists are frozen here as they shipped; the
    # natural-key index (case, meeting, request, outcome, cost) serves --case filters and the
    # import's duplicate check (domain/panel.py natural_key).
    _script(
        conn,
        """
        CREATE TABLE panel_decisions (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL REFERENCES cases(case_ref),
            meeting_on TEXT NOT NULL,
            request TEXT NOT NULL CHECK (request IN ('assessment', 'ehcp-issue', 'placement',
                'top-up', 'transport', 'care-package', 'personal-budget', 'post-16')),
            outcome TEXT NOT NULL CHECK (outcome IN ('agreed', 'agreed-with-conditions',
                'deferred', 'declined', 'referred')),
            annual_cost_pence INTEGER CHECK (annual_cost_pence IS NULL OR annual_cost_pence >= 0),
            placement_type TEXT CHECK (placement_type IS NULL OR placement_type IN ('mainstream',
                'resourced-provision', 'maintained-special', 'special-academy',
                'non-maintained-special', 'independent-special', 'fe-college',
                'specialist-post-16', 'alternative-provision')),
            provider TEXT,
            out_of_county INTEGER NOT NULL DEFAULT 0 CHECK (out_of_county IN (0, 1)),
            funder TEXT CHECK (funder IS NULL OR funder IN ('high-needs-block', 'general-fund',
                'health', 'social-care', 'joint')),
            starts_on TEXT,
            ends_on TEXT,
            note TEXT,
            supersedes_id INTEGER REFERENCES panel_decisions(id),
            recorded_utc TEXT NOT NULL,
            officer TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'record',
            CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
        );
        CREATE INDEX idx_panel_decisions_meeting ON panel_decisions(meeting_on);
        CREATE INDEX idx_panel_decisions_case_key ON panel_decisions(case_ref, meeting_on, request, outcome, annual_cost_pence);
        CREATE INDEX idx_panel_decisions_request ON panel_decisions(request, meeting_on);
        CREATE UNIQUE INDEX idx_panel_decisions_supersedes ON panel_decisions(supersedes_id)
            WHERE supersedes_id IS NOT NULL;
        CREATE TRIGGER panel_decisions_no_update BEFORE UPDATE ON panel_decisions
        BEGIN SELECT RAISE(ABORT, 'panel_decisions is append-only: record a new decision with --supersedes'); END;
        CREATE TRIGGER panel_decisions_no_delete BEFORE DELETE ON panel_decisions
        BEGIN SELECT RAISE(ABORT, 'panel_decisions is append-only: record a new decision with --supersedes'); END
        """,
    )


# --- funds and ledger (issue 6): m4NN_... ---------------------------------------------------

# --- deadline warnings (issue 7): m5NN_... --------------------------------------------------
