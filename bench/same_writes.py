"""The sqlite3 shell writing what `sendctl cases import` writes on a first load, with no checks.

The import's goal is measured against the shell's `.import` of the file into a table of its
own (no key, no index, no audit, rollback journal). A first load into a sendctl database must
write more than that: the cases with their primary key and constraints, the secondary indexes
of `cases`, one audit row per case (and the audit log's indexes), the clock store's queue, all
in one transaction through the WAL. This script has the shell do exactly those writes in C,
with no Python and no validation at all: the least time any implementation can take to leave
the database as the import leaves it. `bench/run.py` times it beside the floor.

    python bench/same_writes.py TEMPLATE.db FILE.csv > script.sql
    cp TEMPLATE.db target.db && sqlite3 target.db ".read script.sql"

TEMPLATE.db is an empty database made by `sendctl init`; its own index and trigger definitions
are read, so the script follows the schema as it changes.
"""

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout beside bench/

from sendctl.domain.cases import FIELDS  # noqa: E402

OPTIONAL = {"upn", "setting", "setting_type", "year_group", "primary_need", "plan_issued_on"}
OPTIONAL |= {"caseworker", "caseworker_email"}
CLOCK_TRIGGER = "clocks_stale_case_insert"


def script(template: Path, csv_path: Path) -> str:
    conn = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"
        " AND sql IS NOT NULL ORDER BY name"
    ).fetchall()
    trigger = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (CLOCK_TRIGGER,)
    ).fetchone()
    conn.close()

    def value(f: str) -> str:
        if f == "out_of_county":
            return "(out_of_county IN ('Y', 'y', 'yes', '1', 'true'))"
        return f"NULLIF({f}, '')" if f in OPTIONAL else f

    cols = ", ".join(FIELDS)
    out = [
        "PRAGMA cache_size = -32768;",
        "BEGIN IMMEDIATE;",
        f"CREATE TEMP TABLE staged ({cols});",
        f".import --csv --skip 1 {csv_path} staged",
    ]
    out += [f'DROP INDEX "{name}";' for name, _ in indexes]
    if trigger:
        out.append(f"DROP TRIGGER {CLOCK_TRIGGER};")
    out += [
        f"INSERT INTO cases ({cols}, created_utc, updated_utc)"
        f" SELECT {', '.join(value(f) for f in FIELDS)}, 'now', 'now' FROM staged;",
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, case_ref, action)"
        " SELECT 'now', 'bench', 'cases import', 'case', case_ref, case_ref, 'create'"
        " FROM cases ORDER BY rowid;",
        "PRAGMA threads = 2;",
    ]
    out += [sql.strip() + ";" for _, sql in indexes]
    out.append(
        "INSERT OR IGNORE INTO clocks_stale (case_ref) SELECT case_ref FROM cases ORDER BY rowid;"
    )
    if trigger:
        out.append(trigger[0].strip() + ";")
    out += [
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, action)"
        " VALUES ('now', 'bench', 'cases import', 'case_import', 'file', 'import');",
        "COMMIT;",
    ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(script(Path(sys.argv[1]), Path(sys.argv[2])))
