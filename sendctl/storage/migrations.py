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


# --- foundation -------------------------------------------------------------------


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
    # year_group is TEXT: N1, N2, R, 1..14. Dates are ISO text.
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


# --- case register: add migrations below, named m1NN_... ------------------------


@migration
def m101_cases_caseworker_nocase(conn):
    # `cases list --caseworker` (and per-caseworker reports) match the name or the e-mail
    # ignoring case: `col = ? COLLATE NOCASE` can only use an index built with NOCASE.
    _script(
        conn,
        """
        CREATE INDEX idx_cases_caseworker_nocase ON cases(caseworker COLLATE NOCASE);
        CREATE INDEX idx_cases_caseworker_email_nocase ON cases(caseworker_email COLLATE NOCASE)
        """,
    )


# --- statutory clocks: m2NN_... ---------------------------------------------------


@migration
def m201_create_clocks(conn):
    # Due dates are computed from the rules when an event is recorded and stored (indexed), so
    # the deadline report is a range scan, not a Python object per case per clock.
    # case_ref is checked against cases on every write (no FK: cases are upserted by import).
    _script(
        conn,
        """
        CREATE TABLE transfers (
            case_ref TEXT PRIMARY KEY,
            notice_on TEXT NOT NULL,
            started_on TEXT NOT NULL,
            due_on TEXT NOT NULL,
            per_child_due_on TEXT NOT NULL,
            statutory_due_on TEXT NOT NULL,
            anchor TEXT NOT NULL CHECK (anchor IN ('start', 'notice')),
            draft_on TEXT,
            concluded_on TEXT,
            outcome TEXT CHECK (outcome IN ('ehcp_issued', 'no_plan', 'ceased')),
            cease_reason TEXT,
            created_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL,
            CHECK ((concluded_on IS NULL) = (outcome IS NULL))
        );
        CREATE INDEX idx_transfers_due_on ON transfers(due_on);
        CREATE INDEX idx_transfers_started_on ON transfers(started_on);
        CREATE INDEX idx_transfers_concluded_on ON transfers(concluded_on);
        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL,
            received_on TEXT NOT NULL,
            decision_due_on TEXT NOT NULL,
            no_plan_due_on TEXT NOT NULL,
            final_due_on TEXT NOT NULL,
            decided_on TEXT,
            decision TEXT CHECK (decision IN ('assess', 'refused')),
            draft_on TEXT,
            concluded_on TEXT,
            outcome TEXT CHECK (outcome IN ('refused', 'ehcp_issued', 'no_plan')),
            exception_reason TEXT,
            created_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL
        );
        CREATE INDEX idx_assessments_case ON assessments(case_ref, received_on);
        CREATE UNIQUE INDEX idx_assessments_one_open ON assessments(case_ref) WHERE concluded_on IS NULL;
        CREATE INDEX idx_assessments_decision_due ON assessments(decision_due_on);
        CREATE INDEX idx_assessments_no_plan_due ON assessments(no_plan_due_on);
        CREATE INDEX idx_assessments_final_due ON assessments(final_due_on);
        CREATE INDEX idx_assessments_concluded_on ON assessments(concluded_on);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL,
            meeting_on TEXT NOT NULL,
            decision_due_on TEXT NOT NULL,
            decision TEXT CHECK (decision IN ('keep', 'amend', 'cease')),
            decided_on TEXT,
            created_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL,
            UNIQUE (case_ref, meeting_on)
        );
        CREATE INDEX idx_reviews_decision_due ON reviews(decision_due_on);
        CREATE TABLE clock_events (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL,
            clock TEXT NOT NULL,
            event TEXT NOT NULL,
            event_on TEXT NOT NULL,
            detail TEXT,
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL
        );
        CREATE INDEX idx_clock_events_case ON clock_events(case_ref, event_on);
        CREATE TRIGGER clock_events_no_update BEFORE UPDATE ON clock_events
        BEGIN SELECT RAISE(ABORT, 'clock_events is append-only'); END;
        CREATE TRIGGER clock_events_no_delete BEFORE DELETE ON clock_events
        BEGIN SELECT RAISE(ABORT, 'clock_events is append-only'); END
        """,
    )


# The next annual review as the rules stood when m202 shipped (frozen: a change to the rules is
# a new migration that recreates the triggers and refills the table). Review at least every 12
# months from the plan's issue, then from the last review meeting (Children and Families Act 2014
# s.44); 6 months for a child under 5 on that anchor (the service's choice, within the Code of
# Practice's advice to review the plans of young children more often). A month is added the way
# dateutil adds it: the 31st plus one month is the last day of a shorter month.
_M202_REVIEW_INSERT = """INSERT INTO review_clocks (case_ref, anchor, anchor_on, due_on)
        SELECT r.case_ref, r.anchor, r.anchor_on, min(date(r.anchor_on, '+' || ((CASE WHEN min(date(r.date_of_birth, '+' || (60) || ' months'), date(r.date_of_birth, 'start of month', '+' || ((60) + 1) || ' months', '-1 day')) > r.anchor_on THEN 6 ELSE 12 END)) || ' months'), date(r.anchor_on, 'start of month', '+' || (((CASE WHEN min(date(r.date_of_birth, '+' || (60) || ' months'), date(r.date_of_birth, 'start of month', '+' || ((60) + 1) || ' months', '-1 day')) > r.anchor_on THEN 6 ELSE 12 END)) + 1) || ' months', '-1 day'))
        FROM (SELECT x.case_ref, x.date_of_birth,
                     CASE WHEN x.last_review > coalesce(x.plan_issued_on, '') THEN 'last review'
                          ELSE 'plan issued' END AS anchor,
                     max(coalesce(x.plan_issued_on, ''), coalesce(x.last_review, '')) AS anchor_on
              FROM (SELECT c.case_ref, c.date_of_birth, c.plan_issued_on,
                           (SELECT max(v.meeting_on) FROM reviews v WHERE v.case_ref = c.case_ref) AS last_review
                    FROM cases c
                    WHERE c.case_ref = {ref} AND c.plan_type IN ('ehcp', 'statement')
                    LIMIT -1 OFFSET 0) x
              LIMIT -1 OFFSET 0) r
        WHERE r.anchor_on != ''"""


@migration
def m202_create_review_clocks(conn):
    # The next annual review of every plan, kept current by triggers on cases and reviews, so
    # `deadlines` reads it by an indexed range instead of computing it per case.
    _script(
        conn,
        """
        CREATE TABLE review_clocks (
            case_ref TEXT PRIMARY KEY,
            anchor TEXT NOT NULL,
            anchor_on TEXT NOT NULL,
            due_on TEXT NOT NULL
        );
        CREATE INDEX idx_review_clocks_due_on ON review_clocks(due_on)
        """,
    )
    delete = "DELETE FROM review_clocks WHERE case_ref = NEW.case_ref"
    body = f"BEGIN {delete}; {_M202_REVIEW_INSERT.format(ref='NEW.case_ref')}; END"
    # trigger bodies hold several statements: run each CREATE on its own (not via _script)
    conn.execute(f"CREATE TRIGGER review_clocks_case_insert AFTER INSERT ON cases {body}")
    conn.execute(
        "CREATE TRIGGER review_clocks_case_update AFTER UPDATE OF plan_type, plan_issued_on,"
        f" date_of_birth ON cases {body}"
    )
    conn.execute("CREATE TRIGGER review_clocks_review_insert AFTER INSERT ON reviews " + body)
    conn.execute(
        "CREATE TRIGGER review_clocks_case_delete AFTER DELETE ON cases"
        " BEGIN DELETE FROM review_clocks WHERE case_ref = OLD.case_ref; END"
    )
    conn.execute(_M202_REVIEW_INSERT.format(ref="c.case_ref"))


# --- High Needs Panel: m3NN_... ---------------------------------------------------


@migration
def m301_create_panel_decisions(conn):
    # Append-only: a wrong decision is corrected by a new row with supersedes_id (one successor
    # each: the partial unique index). The code lists are frozen here as they shipped; the
    # natural-key index (case, meeting, request, outcome, cost) serves --case filters and the
    # import's duplicate check (domain/panel.py natural_key). The meeting_on index also carries
    # the summary's columns, so `panel summary` is an index-only scan (1M rows: ~1.5 s).
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
        CREATE INDEX idx_panel_decisions_meeting ON panel_decisions(meeting_on, request, outcome,
            out_of_county, annual_cost_pence);
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


# --- funds and ledger: m4NN_... ---------------------------------------------------


@migration
def m401_create_funds(conn):
    # a fund's allocation is fixed when it is added; a profile (capital) splits it by
    # financial year and must sum to it. Balances are never stored: see ledger_entries.
    _script(
        conn,
        """
        CREATE TABLE funds (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('revenue', 'capital')),
            allocation_pence INTEGER NOT NULL CHECK (allocation_pence > 0),
            created_utc TEXT NOT NULL
        );
        CREATE TABLE fund_profiles (
            fund TEXT NOT NULL REFERENCES funds(code),
            financial_year TEXT NOT NULL,
            amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
            PRIMARY KEY (fund, financial_year)
        )
        """,
    )


@migration
def m402_create_ledger_entries(conn):
    # Append-only: triggers refuse UPDATE and DELETE; a correction is a reversal.
    # effect/released_pence say which balance an entry moves (sendctl/domain/ledger.py), so
    # every balance is one SUM over indexed columns. One reversal per entry (unique index).
    # import_key: SHA-256 of the imported row's fields + occurrence number (re-import safe).
    _script(
        conn,
        """
        CREATE TABLE ledger_entries (
            id INTEGER PRIMARY KEY,
            fund TEXT NOT NULL REFERENCES funds(code),
            kind TEXT NOT NULL
                CHECK (kind IN ('actual', 'commitment', 'settlement', 'reversal', 'approval')),
            effect TEXT NOT NULL CHECK (effect IN ('spent', 'committed', 'approved')),
            posted_on TEXT NOT NULL,
            financial_year TEXT NOT NULL,
            period INTEGER NOT NULL CHECK (period BETWEEN 1 AND 14),
            amount_pence INTEGER NOT NULL,
            released_pence INTEGER NOT NULL DEFAULT 0,
            description TEXT NOT NULL,
            supplier TEXT,
            supplier_is_individual INTEGER NOT NULL DEFAULT 0 CHECK (supplier_is_individual IN (0, 1)),
            invoice_ref TEXT,
            category TEXT,
            cost_centre TEXT,
            account_code TEXT,
            reverses_id INTEGER REFERENCES ledger_entries(id),
            settles_id INTEGER REFERENCES ledger_entries(id),
            reason TEXT,
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL,
            import_key TEXT,
            CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL)),
            CHECK ((kind = 'settlement') = (settles_id IS NOT NULL))
        );
        CREATE INDEX idx_ledger_fund_posted ON ledger_entries(
            fund, posted_on, effect, amount_pence, released_pence);
        CREATE INDEX idx_ledger_fy_period ON ledger_entries(financial_year, period);
        CREATE INDEX idx_ledger_kind ON ledger_entries(kind);
        CREATE INDEX idx_ledger_fund_fy ON ledger_entries(
            fund, financial_year, effect, amount_pence, released_pence);
        CREATE UNIQUE INDEX idx_ledger_reverses ON ledger_entries(reverses_id)
            WHERE reverses_id IS NOT NULL;
        CREATE INDEX idx_ledger_settles ON ledger_entries(settles_id) WHERE settles_id IS NOT NULL;
        CREATE UNIQUE INDEX idx_ledger_import_key ON ledger_entries(import_key)
            WHERE import_key IS NOT NULL;
        CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only: post a reversal instead'); END;
        CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only: post a reversal instead'); END
        """,
    )


# --- deadline warnings: m5NN_... --------------------------------------------------


@migration
def m501_create_notifications_sent(conn):
    # One row per deadline per message the SMTP server accepted (idempotent per
    # recipient, case, clock, due date and day). The UNIQUE key leads with sent_on so "what
    # went out today" is an index range. Append-only: it is the record of what was sent.
    _script(
        conn,
        """
        CREATE TABLE notifications_sent (
            id INTEGER PRIMARY KEY,
            recipient TEXT NOT NULL,
            case_ref TEXT NOT NULL,
            clock TEXT NOT NULL,
            due_on TEXT NOT NULL,
            sent_on TEXT NOT NULL,
            sent_utc TEXT NOT NULL,
            UNIQUE (sent_on, recipient, case_ref, clock, due_on)
        );
        CREATE INDEX idx_notifications_sent_case ON notifications_sent(case_ref, clock);
        CREATE TRIGGER notifications_sent_no_update BEFORE UPDATE ON notifications_sent
        BEGIN SELECT RAISE(ABORT, 'notifications_sent is append-only'); END;
        CREATE TRIGGER notifications_sent_no_delete BEFORE DELETE ON notifications_sent
        BEGIN SELECT RAISE(ABORT, 'notifications_sent is append-only'); END
        """,
    )


# --- performance: m6NN_... -------------------------------------------------------


@migration
def m601_covering_report_indexes(conn):
    # Measured at 1,000,000 cases and ledger entries (bench/run.py; plans in README Performance).
    # Each index below is an older one with columns appended, so it serves every query the old
    # one did and the old one is dropped (one b-tree fewer per write):
    # - `funds balances` per financial year groups by (fund, financial_year) with
    #   posted_on < cutoff: idx_ledger_fund_fy lacked posted_on, so each entry cost a table
    #   look-up (1.9 s at 1M entries); with posted_on it is an index-only scan.
    # - `deadlines`: the transfer and review-decision branches filter on due dates that match
    #   most rows (most clocks are in the past), then test start/conclusion dates: covering
    #   indexes keep those tests in the index instead of a table look-up per row.
    _script(
        conn,
        """
        CREATE INDEX idx_ledger_fund_fy_posted ON ledger_entries(
            fund, financial_year, effect, amount_pence, released_pence, posted_on);
        DROP INDEX IF EXISTS idx_ledger_fund_fy;
        CREATE INDEX idx_transfers_due_cover ON transfers(
            due_on, started_on, concluded_on, draft_on, case_ref);
        DROP INDEX IF EXISTS idx_transfers_due_on;
        CREATE INDEX idx_reviews_decision_due_cover ON reviews(
            decision_due_on, meeting_on, decided_on, case_ref);
        DROP INDEX IF EXISTS idx_reviews_decision_due
        """,
    )


# --- capital programme, consultation, published plan: m20NN_... -------------------


@migration
def m2001_create_capital_projects(conn):
    # A capital project is costed and profiled by financial year against a capital fund. The
    # project row and its profile are fixed once written (a changed scheme is withdrawn and added
    # again, so what the plan said stays on record); its life is an append-only list of status
    # changes; spend is linked to it by ledger entry id (the ledger itself is not touched).
    _script(
        conn,
        """
        CREATE TABLE capital_projects (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            fund TEXT NOT NULL REFERENCES funds(code),
            cost_pence INTEGER NOT NULL CHECK (cost_pence > 0),
            setting TEXT NOT NULL,
            purpose TEXT NOT NULL,
            proposed_on TEXT NOT NULL,
            over_reason TEXT,
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL
        );
        CREATE TABLE capital_project_profiles (
            project_id INTEGER NOT NULL REFERENCES capital_projects(id),
            financial_year TEXT NOT NULL,
            amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
            PRIMARY KEY (project_id, financial_year)
        );
        CREATE TABLE capital_status_changes (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES capital_projects(id),
            status TEXT NOT NULL CHECK (status IN
                ('proposed', 'consulting', 'approved', 'in-delivery', 'complete', 'withdrawn')),
            changed_on TEXT NOT NULL,
            note TEXT,
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL
        );
        CREATE INDEX idx_capital_status_project ON capital_status_changes(project_id, changed_on, id);
        CREATE TABLE capital_project_spend (
            entry_id INTEGER PRIMARY KEY REFERENCES ledger_entries(id),
            project_id INTEGER NOT NULL REFERENCES capital_projects(id),
            recorded_utc TEXT NOT NULL
        );
        CREATE INDEX idx_capital_spend_project ON capital_project_spend(project_id);
        CREATE TRIGGER capital_projects_no_update BEFORE UPDATE ON capital_projects
        BEGIN SELECT RAISE(ABORT, 'capital_projects is append-only: withdraw the project and add it again'); END;
        CREATE TRIGGER capital_projects_no_delete BEFORE DELETE ON capital_projects
        BEGIN SELECT RAISE(ABORT, 'capital_projects is append-only: withdraw the project instead'); END;
        CREATE TRIGGER capital_project_profiles_no_update BEFORE UPDATE ON capital_project_profiles
        BEGIN SELECT RAISE(ABORT, 'capital_project_profiles is append-only'); END;
        CREATE TRIGGER capital_project_profiles_no_delete BEFORE DELETE ON capital_project_profiles
        BEGIN SELECT RAISE(ABORT, 'capital_project_profiles is append-only'); END;
        CREATE TRIGGER capital_status_changes_no_update BEFORE UPDATE ON capital_status_changes
        BEGIN SELECT RAISE(ABORT, 'capital_status_changes is append-only: record a new status'); END;
        CREATE TRIGGER capital_status_changes_no_delete BEFORE DELETE ON capital_status_changes
        BEGIN SELECT RAISE(ABORT, 'capital_status_changes is append-only: record a new status'); END;
        CREATE TRIGGER capital_project_spend_no_update BEFORE UPDATE ON capital_project_spend
        BEGIN SELECT RAISE(ABORT, 'capital_project_spend is append-only'); END;
        CREATE TRIGGER capital_project_spend_no_delete BEFORE DELETE ON capital_project_spend
        BEGIN SELECT RAISE(ABORT, 'capital_project_spend is append-only'); END
        """,
    )


# --- clock engine and case lifecycle ---------------------------------------------


@migration
def m203_case_lifecycle(conn):
    # A case has a lifecycle: the year group is derived from the date of birth for each as-of
    # date (a stored year group goes stale every 1 September), with an explicit offset for a
    # child educated out of year group; plans end (cessation, a move to another LA) and are
    # amended (the amended final plan meets a phase transfer). plan_events is append-only:
    # a correction is a 'void' row pointing at the event it cancels.
    _script(
        conn,
        """
        ALTER TABLE cases ADD COLUMN year_offset INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE cases ADD COLUMN stays_sixth_form INTEGER NOT NULL DEFAULT 0
            CHECK (stays_sixth_form IN (0, 1));
        CREATE TABLE plan_events (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL,
            event TEXT NOT NULL CHECK (event IN ('amended-final', 'end', 'move-out', 'move-in', 'void')),
            event_on TEXT NOT NULL,
            reason TEXT,
            detail TEXT,
            voids_id INTEGER REFERENCES plan_events(id),
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL
        );
        CREATE INDEX idx_plan_events_case ON plan_events(case_ref, event_on);
        CREATE TRIGGER plan_events_no_update BEFORE UPDATE ON plan_events
        BEGIN SELECT RAISE(ABORT, 'plan_events is append-only'); END;
        CREATE TRIGGER plan_events_no_delete BEFORE DELETE ON plan_events
        BEGIN SELECT RAISE(ABORT, 'plan_events is append-only'); END
        """,
    )
    # Stored year groups become offsets where they disagree with the date of birth, on the
    # day the row was written (the year group was true then). Frozen copy of the formula:
    # year = A - C - 5, A and C the academic years (from 1 September) of the day and the birth.
    labels = {"N1": -2, "N2": -1, "R": 0}

    def academic(iso: str) -> int:
        y, m = int(iso[0:4]), int(iso[5:7])
        return y if m >= 9 else y - 1

    rows = conn.execute(
        "SELECT case_ref, date_of_birth, year_group, substr(updated_utc, 1, 10) FROM cases"
        " WHERE year_group IS NOT NULL AND year_group != ''"
    ).fetchall()
    for ref, dob, stored, written in rows:
        number = labels.get(stored) if not str(stored).isdigit() else int(stored)
        if number is None or not dob or len(written or "") != 10:
            continue
        offset = number - (academic(written) - academic(dob) - 5)
        if offset:
            conn.execute("UPDATE cases SET year_offset = ? WHERE case_ref = ?", (offset, ref))


# --- SEN2 person-level return: m7NN_... ------------------------------------------


@migration
def m701_sen2_person_level(conn):
    # What the SEN2 return needs that no other table records. sen2_person holds special-category
    # personal data (sex, ethnicity, postcode, ULN): stored only because the return requires it.
    # sen2_requests: a request's return-only items; assessment_id links it to a live assessment
    # (its outcomes then come from that row, replayed to the census day); a row without one is a
    # request known only from a previous return (kept as received). plan = 1 marks the request
    # whose assessment led to the child's current plan. sen2_placements: named (in the plan) and
    # attended placements with their establishment identifiers. sen2_needs: ranked needs.
    _script(
        conn,
        """
        CREATE TABLE sen2_person (
            case_ref TEXT PRIMARY KEY,
            sex TEXT, ethnicity TEXT, postcode TEXT, uln TEXT, upn_unknown TEXT,
            updated_utc TEXT NOT NULL
        );
        CREATE TABLE sen2_requests (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL,
            assessment_id INTEGER UNIQUE REFERENCES assessments(id),
            received_on TEXT,
            request_source TEXT, rya TEXT,
            request_outcome TEXT, request_outcome_on TEXT,
            request_mediation TEXT, request_tribunal TEXT, exported TEXT,
            assessment_outcome TEXT, assessment_outcome_on TEXT,
            assessment_mediation TEXT, assessment_tribunal TEXT,
            other_mediation TEXT, other_tribunal TEXT, week20 TEXT,
            plan INTEGER NOT NULL DEFAULT 0 CHECK (plan IN (0, 1)),
            updated_utc TEXT NOT NULL
        );
        CREATE INDEX idx_sen2_requests_case ON sen2_requests(case_ref, received_on);
        CREATE TABLE sen2_plans (
            case_ref TEXT PRIMARY KEY,
            plan_res TEXT, plan_wbp TEXT, pb TEXT, oa TEXT, dp TEXT,
            cease_on TEXT, cease_reason TEXT, transfer_la TEXT,
            review_draft_on TEXT, phase_due_on TEXT, phase_final_on TEXT,
            updated_utc TEXT NOT NULL
        );
        CREATE TABLE sen2_placements (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('named', 'attended')),
            placement_rank TEXT NOT NULL,
            urn TEXT, ukprn TEXT, sen_setting TEXT, sen_setting_other TEXT,
            entry_on TEXT, leaving_on TEXT,
            sen_unit TEXT, resourced_provision TEXT, res TEXT, wbp TEXT,
            updated_utc TEXT NOT NULL
        );
        CREATE INDEX idx_sen2_placements_case ON sen2_placements(case_ref, kind, placement_rank);
        CREATE TABLE sen2_needs (
            case_ref TEXT NOT NULL,
            sen_type_rank TEXT NOT NULL CHECK (sen_type_rank IN ('1', '2')),
            sen_type TEXT NOT NULL,
            PRIMARY KEY (case_ref, sen_type_rank)
        );
        CREATE TABLE sen2_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)
        """,
    )


# --- finance exports: m17NN_... -------------------------------------------------------------


@migration
def m1701_fund_defaults_and_vat(conn):
    # A fund may carry the finance system's cost centre and account (subjective) code, used by
    # the export for a posting that has none of its own. A posting may record its VAT (pence;
    # NULL = not recorded, which is not the same as zero): the export then carries net, VAT and
    # gross. Adding nullable columns keeps every existing row as it was.
    _script(
        conn,
        """
        ALTER TABLE funds ADD COLUMN default_cost_centre TEXT;
        ALTER TABLE funds ADD COLUMN default_account_code TEXT;
        ALTER TABLE ledger_entries ADD COLUMN vat_pence INTEGER
        """,
    )


# --- placements and the high needs budget: m19NN_... -----------------------------


@migration
def m1901_create_placements(conn):
    # A placement is what an agreed panel decision with an annual cost and a start date commits.
    # Append-only: ending or correcting one is a new row whose replaces_id names the row it
    # replaces (one successor each: the partial unique index); "current" rows are those nobody
    # replaces, as at the successor's decided_on. A cancelled row (its decision superseded by
    # one that places nobody) replaces without placing. first_fy/last_fy and their pence are
    # the placement's cost split by financial year (pro rata by days, rounded so the years add
    # up to the whole), stored so that a year's commitment is a plain SUM over an index.
    _script(
        conn,
        """
        CREATE TABLE placements (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL REFERENCES cases(case_ref),
            decision_id INTEGER REFERENCES panel_decisions(id),
            provider TEXT,
            placement_type TEXT,
            out_of_county INTEGER NOT NULL DEFAULT 0 CHECK (out_of_county IN (0, 1)),
            funder TEXT,
            annual_cost_pence INTEGER NOT NULL CHECK (annual_cost_pence >= 0),
            starts_on TEXT NOT NULL,
            ends_on TEXT,
            first_fy TEXT NOT NULL,
            first_fy_pence INTEGER NOT NULL,
            last_fy TEXT,
            last_fy_pence INTEGER,
            cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
            action TEXT NOT NULL CHECK (action IN ('agreed', 'ended', 'superseded', 'cancelled')),
            replaces_id INTEGER REFERENCES placements(id),
            decided_on TEXT NOT NULL,
            reason TEXT,
            recorded_utc TEXT NOT NULL,
            officer TEXT NOT NULL,
            CHECK (ends_on IS NULL OR ends_on >= starts_on),
            CHECK ((last_fy IS NULL) = (ends_on IS NULL))
        );
        CREATE UNIQUE INDEX idx_placements_replaces ON placements(replaces_id)
            WHERE replaces_id IS NOT NULL;
        CREATE INDEX idx_placements_decision ON placements(decision_id);
        CREATE INDEX idx_placements_case ON placements(case_ref);
        CREATE INDEX idx_placements_years ON placements(first_fy, last_fy, funder, cancelled,
            decided_on, annual_cost_pence, first_fy_pence, last_fy_pence, out_of_county,
            placement_type);
        CREATE TRIGGER placements_no_update BEFORE UPDATE ON placements
        BEGIN SELECT RAISE(ABORT, 'placements is append-only: record an ending or a new decision'); END;
        CREATE TRIGGER placements_no_delete BEFORE DELETE ON placements
        BEGIN SELECT RAISE(ABORT, 'placements is append-only: record an ending or a new decision'); END
        """,
    )


@migration
def m1902_high_needs_fund_kind(conn):
    # A third kind of fund, `high-needs`: the high needs block of the Dedicated Schools Grant,
    # with a budget per financial year (kept in fund_profiles, summing to the allocation).
    # SQLite cannot change a CHECK with ALTER TABLE, and rebuilding `funds` would need foreign
    # keys off, which cannot be done inside the migrations' transaction. Widening a CHECK
    # changes nothing stored (every existing row still passes), so the stored definition is
    # edited in place: the procedure SQLite documents for such changes (ALTER TABLE, "making
    # other kinds of table schema changes"), then the schema version is bumped so every
    # connection re-reads it. Whatever columns later migrations add to funds are untouched.
    old = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'funds'"
    ).fetchone()[0]
    narrow = "CHECK (kind IN ('revenue', 'capital'))"
    if narrow not in old:
        raise RuntimeError("m1902: the funds table's kind CHECK is not the one expected")
    new = old.replace(narrow, "CHECK (kind IN ('revenue', 'capital', 'high-needs'))", 1)
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'funds'", (new,)
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    conn.execute("SELECT kind FROM funds LIMIT 1")  # the edited schema is re-read (and parsed) here


@migration
def m1903_create_high_needs_deficit(conn):
    # The carried-forward high needs deficit: the deficit brought forward into a financial year
    # ('opening', e.g. from the audited accounts), adjustments (+ adds to the deficit) and
    # write-offs (a reduction with the reference of the decision that funds it). Append-only:
    # a correction is a further adjustment.
    _script(
        conn,
        """
        CREATE TABLE high_needs_deficit (
            id INTEGER PRIMARY KEY,
            fund TEXT NOT NULL REFERENCES funds(code),
            kind TEXT NOT NULL CHECK (kind IN ('opening', 'adjustment', 'write-off')),
            financial_year TEXT NOT NULL,
            posted_on TEXT NOT NULL,
            amount_pence INTEGER NOT NULL,
            ref TEXT NOT NULL,
            reason TEXT,
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL,
            CHECK (kind != 'write-off' OR amount_pence <= 0),
            CHECK (kind != 'opening' OR amount_pence >= 0)
        );
        CREATE INDEX idx_high_needs_deficit_fy ON high_needs_deficit(fund, financial_year, kind);
        CREATE TRIGGER high_needs_deficit_no_update BEFORE UPDATE ON high_needs_deficit
        BEGIN SELECT RAISE(ABORT, 'high_needs_deficit is append-only: record an adjustment'); END;
        CREATE TRIGGER high_needs_deficit_no_delete BEFORE DELETE ON high_needs_deficit
        BEGIN SELECT RAISE(ABORT, 'high_needs_deficit is append-only: record an adjustment'); END
        """,
    )


@migration
def m2002_create_capital_consultation(conn):
    # The consultation on how the capital is spent keeps counts and short themes only: no name,
    # address or free text from a respondent is ever stored. Responses are append-only (a wrong
    # tally is corrected by a record of the opposite sign, so the history shows both). Plan notes
    # (what the consultation changed, the equality impact) are append-only too; the latest counts.
    _script(
        conn,
        """
        CREATE TABLE capital_consultations (
            id INTEGER PRIMARY KEY,
            fund TEXT NOT NULL REFERENCES funds(code),
            title TEXT NOT NULL,
            opens_on TEXT NOT NULL,
            closes_on TEXT NOT NULL CHECK (closes_on >= opens_on),
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL
        );
        CREATE TABLE capital_consultation_responses (
            id INTEGER PRIMARY KEY,
            consultation_id INTEGER NOT NULL REFERENCES capital_consultations(id),
            project_id INTEGER REFERENCES capital_projects(id),
            respondent_type TEXT NOT NULL
                CHECK (respondent_type IN ('parent', 'carer', 'school', 'young-person', 'other')),
            view TEXT NOT NULL CHECK (view IN ('support', 'oppose', 'comment')),
            theme TEXT,
            responses INTEGER NOT NULL CHECK (responses != 0),
            responded_on TEXT NOT NULL,
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL
        );
        CREATE INDEX idx_capital_responses_consultation ON capital_consultation_responses(
            consultation_id, responded_on);
        CREATE TABLE capital_plan_notes (
            id INTEGER PRIMARY KEY,
            fund TEXT NOT NULL REFERENCES funds(code),
            kind TEXT NOT NULL CHECK (kind IN ('outcome', 'equality')),
            text TEXT NOT NULL,
            noted_on TEXT NOT NULL,
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL
        );
        CREATE TRIGGER capital_consultations_no_update BEFORE UPDATE ON capital_consultations
        BEGIN SELECT RAISE(ABORT, 'capital_consultations is append-only'); END;
        CREATE TRIGGER capital_consultations_no_delete BEFORE DELETE ON capital_consultations
        BEGIN SELECT RAISE(ABORT, 'capital_consultations is append-only'); END;
        CREATE TRIGGER capital_consultation_responses_no_update BEFORE UPDATE ON capital_consultation_responses
        BEGIN SELECT RAISE(ABORT, 'capital_consultation_responses is append-only'); END;
        CREATE TRIGGER capital_consultation_responses_no_delete BEFORE DELETE ON capital_consultation_responses
        BEGIN SELECT RAISE(ABORT, 'capital_consultation_responses is append-only'); END;
        CREATE TRIGGER capital_plan_notes_no_update BEFORE UPDATE ON capital_plan_notes
        BEGIN SELECT RAISE(ABORT, 'capital_plan_notes is append-only: add a new note'); END;
        CREATE TRIGGER capital_plan_notes_no_delete BEFORE DELETE ON capital_plan_notes
        BEGIN SELECT RAISE(ABORT, 'capital_plan_notes is append-only: add a new note'); END
        """,
    )


@migration
def m1401_statutory_events(conn):
    """The further clocks' events (advice, representations, review steps, post-16 moves,
    re-assessments, appeals, Tribunal orders, personal budgets, plans moving in): append-only,
    corrected by 'void' rows."""
    _script(
        conn,
        """
        CREATE TABLE statutory_events (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL REFERENCES cases(case_ref),
            kind TEXT NOT NULL,
            event TEXT NOT NULL,
            event_on TEXT NOT NULL,
            ref_id INTEGER REFERENCES statutory_events(id),
            detail TEXT,
            voids_id INTEGER REFERENCES statutory_events(id),
            reason TEXT,
            officer TEXT NOT NULL,
            recorded_utc TEXT NOT NULL
        );
        CREATE INDEX idx_statutory_events_case ON statutory_events(case_ref, event_on);
        CREATE INDEX idx_statutory_events_kind ON statutory_events(kind, event);
        CREATE INDEX idx_statutory_events_voids ON statutory_events(voids_id);
        CREATE TRIGGER statutory_events_no_update BEFORE UPDATE ON statutory_events
        BEGIN SELECT RAISE(ABORT, 'statutory_events is append-only: void an event instead'); END;
        CREATE TRIGGER statutory_events_no_delete BEFORE DELETE ON statutory_events
        BEGIN SELECT RAISE(ABORT, 'statutory_events is append-only: void an event instead'); END
        """,
    )


@migration
def m204_transfer_statement_made_on(conn):
    # A final EHC plan overwrites the case's plan_issued_on; the statement's own date is kept on
    # its transfer so that a replay of a day before the transfer still sees the statement (and
    # its annual review). Existing transfers take it from the audit trail of that overwrite.
    _script(
        conn,
        """
        ALTER TABLE transfers ADD COLUMN statement_made_on TEXT;
        UPDATE transfers SET statement_made_on = (
            SELECT json_extract(a.before_json, '$.plan_issued_on') FROM audit_log a
            WHERE a.entity = 'case' AND a.entity_key = transfers.case_ref AND a.action = 'update'
              AND json_extract(a.after_json, '$.plan_type') = 'ehcp'
              AND json_extract(a.before_json, '$.plan_type') = 'statement'
            ORDER BY a.id LIMIT 1)
        WHERE outcome = 'ehcp_issued';
        UPDATE transfers SET statement_made_on = (
            SELECT c.plan_issued_on FROM cases c WHERE c.case_ref = transfers.case_ref)
        WHERE outcome IS NULL OR outcome != 'ehcp_issued'
        """,
    )


# --- for people who open the file in other tools (Datasette, sqlite-utils, DB Browser) ------------


@migration
def m2101_views_in_pounds(conn):
    # Read-only views with money in pounds (the tables keep integer pence, which sendctl always
    # formats itself) and each case reference beside its case's caseworker, setting and plan.
    # Individuals who are suppliers are redacted, as in the Transparency Code export. Frozen
    # text: the balance sums are those of the ledger as this migration shipped. A later
    # migration that rebuilds a table read here must drop these views first and recreate them
    # (SQLite checks views when a table is renamed).
    _script(
        conn,
        """
        CREATE VIEW ledger_in_pounds AS
        SELECT e.id, e.fund, f.name AS fund_name, e.kind, e.effect, e.posted_on,
               e.financial_year, e.period,
               round(e.amount_pence / 100.0, 2) AS amount_pounds,
               round(e.released_pence / 100.0, 2) AS released_pounds,
               e.description,
               CASE WHEN e.supplier_is_individual = 1 THEN 'REDACTED PERSONAL DATA'
                    ELSE e.supplier END AS supplier,
               e.invoice_ref, e.category, e.cost_centre, e.account_code,
               e.reverses_id, e.settles_id, e.officer, e.recorded_utc
        FROM ledger_entries e JOIN funds f ON f.code = e.fund;
        CREATE VIEW fund_balances_in_pounds AS
        SELECT f.code AS fund, f.name, f.kind,
               round(f.allocation_pence / 100.0, 2) AS allocation_pounds,
               round(s.approved / 100.0, 2) AS approved_pounds,
               round(coalesce(s.committed, 0) / 100.0, 2) AS committed_pounds,
               round(coalesce(s.spent, 0) / 100.0, 2) AS spent_pounds,
               round((f.allocation_pence - coalesce(s.spent, 0) - coalesce(s.committed, 0)) / 100.0, 2)
                   AS remaining_pounds
        FROM funds f LEFT JOIN (
            SELECT fund,
                   SUM(CASE WHEN effect = 'approved' THEN amount_pence END) AS approved,
                   COALESCE(SUM(CASE WHEN effect = 'spent' THEN amount_pence END), 0) AS spent,
                   COALESCE(SUM(CASE WHEN effect = 'committed' THEN amount_pence END), 0)
                       - COALESCE(SUM(released_pence), 0) AS committed
            FROM ledger_entries GROUP BY fund) s ON s.fund = f.code;
        CREATE VIEW panel_decisions_in_pounds AS
        SELECT d.id, d.case_ref, c.caseworker, c.setting, c.plan_type, d.meeting_on, d.request,
               d.outcome, round(d.annual_cost_pence / 100.0, 2) AS annual_cost_pounds,
               d.placement_type, d.provider, d.out_of_county, d.funder, d.starts_on, d.ends_on,
               d.supersedes_id,
               (SELECT s.id FROM panel_decisions s WHERE s.supersedes_id = d.id) AS superseded_by
        FROM panel_decisions d LEFT JOIN cases c ON c.case_ref = d.case_ref
        """,
    )


# --- derived tables retired ----------------------------------------------------------------------


@migration
def m205_drop_review_clocks(conn):
    # Every clock, the annual review among them, is computed from the case's history when it
    # is read; nothing reads review_clocks any more. Its triggers cost every insert and update
    # of a case a recomputation (an import of 200,000 cases paid about a second for it).
    _script(
        conn,
        """
        DROP TRIGGER IF EXISTS review_clocks_case_insert;
        DROP TRIGGER IF EXISTS review_clocks_case_update;
        DROP TRIGGER IF EXISTS review_clocks_review_insert;
        DROP TRIGGER IF EXISTS review_clocks_case_delete;
        DROP TABLE IF EXISTS review_clocks
        """,
    )


# --- SEN2 person-level return, continued ---------------------------------------------------------


@migration
def m702_assessment_withdrawn_and_move_la(conn):
    # A request or an assessment can be withdrawn before its decision (the SEN2 outcome W): the
    # assessment's outcome gains 'withdrawn'. Widening a CHECK changes nothing stored, so the
    # stored definition is edited in place as m1902 does for funds (SQLite's documented
    # procedure for such changes), then the schema version is bumped so connections re-read it.
    old = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'assessments'"
    ).fetchone()[0]
    narrow = "CHECK (outcome IN ('refused', 'ehcp_issued', 'no_plan'))"
    if narrow not in old:
        raise RuntimeError("m702: the assessments table's outcome CHECK is not the one expected")
    new = old.replace(
        narrow, "CHECK (outcome IN ('refused', 'ehcp_issued', 'no_plan', 'withdrawn'))", 1
    )
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'assessments'", (new,)
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    conn.execute("SELECT outcome FROM assessments LIMIT 1")  # the edited schema is re-read here
    # The other authority of a move (the LA a plan transferred in from: the return's TransferLA;
    # the LA it moved to) as its own column. Moves recorded before kept it only in the detail
    # text ("from LA 855; ...", "to LA 855"): it is copied out once, with the append-only guard
    # lifted for that copy alone.
    _script(
        conn,
        """
        ALTER TABLE plan_events ADD COLUMN la TEXT;
        DROP TRIGGER plan_events_no_update;
        UPDATE plan_events SET la = substr(detail, instr(detail, 'LA ') + 3, 3)
            WHERE event IN ('move-in', 'move-out') AND instr(detail, 'LA ') > 0
              AND substr(detail, instr(detail, 'LA ') + 3, 3) GLOB '[0-9][0-9][0-9]';
        CREATE TRIGGER plan_events_no_update BEFORE UPDATE ON plan_events
        BEGIN SELECT RAISE(ABORT, 'plan_events is append-only'); END
        """,
    )


# --- the clock store: the clock engine's output kept per case, for listings at scale -------------


@migration
def m1301_clock_store(conn):
    # A cache that sendctl itself keeps: for each case, the clocks the engine can give on any day from the case's latest event on (case_clocks, only those that
    # can be running: the listings never show the others), the transfer's state, and from which
    # day the stored form applies (clock_cases.valid_from). A write to any table a case's
    # clocks are computed from puts the case in clocks_stale (triggers, so no write path can
    # forget); sendctl recomputes the queued cases with the engine. clock_store.fingerprint
    # names the rules and engine that made the rows: another one recomputes everything.
    # Frozen text: every case starts queued; the computing is the running code's.
    _script(
        conn,
        """
        CREATE TABLE clocks_stale (case_ref TEXT PRIMARY KEY);
        CREATE TABLE clock_store (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            fingerprint TEXT NOT NULL
        );
        CREATE TABLE clock_cases (
            case_ref TEXT PRIMARY KEY,
            valid_from TEXT NOT NULL,
            transfer_state TEXT,
            transfer_outcome TEXT,
            transfer_due_on TEXT,
            transfer_concluded_on TEXT
        );
        CREATE INDEX idx_clock_cases_valid_from ON clock_cases(valid_from);
        CREATE INDEX idx_clock_cases_transfer ON clock_cases(transfer_state, transfer_outcome,
            valid_from, transfer_due_on, transfer_concluded_on) WHERE transfer_state IS NOT NULL;
        CREATE TABLE case_clocks (
            case_ref TEXT NOT NULL,
            seq INTEGER NOT NULL,
            clock TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            due_on TEXT NOT NULL,
            fixed_status TEXT,
            when_passed TEXT,
            anchor TEXT NOT NULL,
            anchor_on TEXT,
            detail TEXT NOT NULL,
            applies_from TEXT NOT NULL,
            applies_to TEXT NOT NULL,
            PRIMARY KEY (case_ref, seq)
        );
        CREATE INDEX idx_case_clocks_due ON case_clocks(due_on, applies_from, applies_to,
            when_passed, fixed_status, clock);
        INSERT INTO clocks_stale (case_ref) SELECT case_ref FROM cases;

        CREATE TRIGGER clocks_stale_case_insert AFTER INSERT ON cases
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_case_update AFTER UPDATE OF case_ref, date_of_birth, setting,
            setting_type, plan_type, plan_issued_on, year_offset, stays_sixth_form ON cases
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_case_delete AFTER DELETE ON cases
        BEGIN DELETE FROM case_clocks WHERE case_ref = OLD.case_ref; DELETE FROM clock_cases WHERE case_ref = OLD.case_ref; DELETE FROM clocks_stale WHERE case_ref = OLD.case_ref; END;

        CREATE TRIGGER clocks_stale_transfers_insert AFTER INSERT ON transfers
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_transfers_update AFTER UPDATE ON transfers
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_transfers_delete AFTER DELETE ON transfers
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); END;

        CREATE TRIGGER clocks_stale_assessments_insert AFTER INSERT ON assessments
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_assessments_update AFTER UPDATE ON assessments
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_assessments_delete AFTER DELETE ON assessments
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); END;

        CREATE TRIGGER clocks_stale_reviews_insert AFTER INSERT ON reviews
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_reviews_update AFTER UPDATE ON reviews
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_reviews_delete AFTER DELETE ON reviews
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); END;

        CREATE TRIGGER clocks_stale_plan_events_insert AFTER INSERT ON plan_events
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_plan_events_update AFTER UPDATE ON plan_events
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_plan_events_delete AFTER DELETE ON plan_events
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); END;

        CREATE TRIGGER clocks_stale_statutory_events_insert AFTER INSERT ON statutory_events
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_statutory_events_update AFTER UPDATE ON statutory_events
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (NEW.case_ref); END;
        CREATE TRIGGER clocks_stale_statutory_events_delete AFTER DELETE ON statutory_events
        BEGIN INSERT OR IGNORE INTO clocks_stale (case_ref) VALUES (OLD.case_ref); END
        """,
    )


@migration
def m703_placement_establishment(conn):
    # A panel decision, and the placement it makes, may name the establishment as the SEN2
    # return identifies it: a URN (6 digits) or UKPRN (8 digits), as text so that leading zeros
    # survive, or an SEN setting code when there is neither. The return's attended placements
    # (PlacementDetail) come from these rows with their start and end dates. Nullable columns:
    # every existing row stays as it was.
    _script(
        conn,
        """
        ALTER TABLE panel_decisions ADD COLUMN urn TEXT;
        ALTER TABLE panel_decisions ADD COLUMN ukprn TEXT;
        ALTER TABLE panel_decisions ADD COLUMN sen_setting TEXT;
        ALTER TABLE placements ADD COLUMN urn TEXT;
        ALTER TABLE placements ADD COLUMN ukprn TEXT;
        ALTER TABLE placements ADD COLUMN sen_setting TEXT
        """,
    )


@migration
def m704_sen2_item_history(conn):
    # The SEN2 return describes each child as they stood on census day, but the person items,
    # the primary need and the ranked needs are kept as current values. A change of
    # circumstances recorded with the day it took effect keeps the value it replaced here, so
    # a return for an earlier census day gives that value; a change recorded without a day is
    # a correction and holds for every return. Append-only, like the other histories.
    _script(
        conn,
        """
        CREATE TABLE sen2_item_history (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL,
            item TEXT NOT NULL,
            previous_value TEXT,
            effective_from TEXT NOT NULL,
            recorded_utc TEXT NOT NULL,
            officer TEXT NOT NULL
        );
        CREATE INDEX idx_sen2_item_history ON sen2_item_history (case_ref, effective_from);
        CREATE TRIGGER sen2_item_history_no_update BEFORE UPDATE ON sen2_item_history
        BEGIN SELECT RAISE(ABORT, 'sen2_item_history is append-only'); END;
        CREATE TRIGGER sen2_item_history_no_delete BEFORE DELETE ON sen2_item_history
        BEGIN SELECT RAISE(ABORT, 'sen2_item_history is append-only'); END;
        """,
    )


@migration
def m705_primary_need_is_rank_1(conn):
    # The return's rank-1 need is the child's primary need. A child loaded from a return keeps
    # it in sen2_needs as well; a later change of the primary need (cases update --need, an
    # import) must reach that row too, whichever command makes it.
    _script(
        conn,
        """
        CREATE TRIGGER cases_primary_need_to_rank_1 AFTER UPDATE OF primary_need ON cases
        WHEN NEW.primary_need IS NOT NULL AND NEW.primary_need != 'NSA'
        BEGIN UPDATE sen2_needs SET sen_type = NEW.primary_need
            WHERE case_ref = NEW.case_ref AND sen_type_rank = '1'; END;
        """,
    )


@migration
def m206_drop_unused_case_indexes(conn):
    # No query is served by these two: a name search is LIKE '%text%' (no index helps) and the
    # return sorts by surname in binary order, which a NOCASE index cannot give; the exact
    # caseworker index only gave the suggestions for a caseworker nobody has, which now read
    # the NOCASE one. Each costs every insert of a case, and a first load of 200,000 cases
    # about a quarter of a second apiece to build.
    _script(
        conn,
        """
        DROP INDEX IF EXISTS idx_cases_surname;
        DROP INDEX IF EXISTS idx_cases_caseworker
        """,
    )
