"""sendctl.storage.cases directly: the bulk path keeps the schema intact."""

from datetime import date

from sendctl.services.refusals import ProblemList
from sendctl.storage.audit import Actor
from sendctl.storage.cases import import_cases, list_cases
from sendctl.storage.db import connect, transaction

AS_OF = date(2017, 4, 18)
ACTOR = Actor("tester", "test")


def _rows(n, bad_at=None):
    for i in range(n):
        yield (
            i + 2,
            {
                "case_ref": f"B{i:05d}",
                "forename": "A",
                "surname": f"S{i}",
                "date_of_birth": "2010-01-01" if i != bad_at else "2030-01-01",
                "plan_type": "ehcp",
                "primary_need": "ASD",
                "caseworker": "Priya Shah",
            },
        )


def _indexes(conn):
    return sorted(
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"
        )
    )


def test_bulk_load_rebuilds_indexes(tmp_path):
    conn = connect(tmp_path / "b.db", create=True)
    before = _indexes(conn)
    with transaction(conn):
        res = import_cases(
            conn,
            ACTOR,
            _rows(1200),
            {
                "case_ref",
                "forename",
                "surname",
                "date_of_birth",
                "plan_type",
                "primary_need",
                "caseworker",
            },
            AS_OF,
            bulk=True,
            source="big.csv",
        )
    assert (res.added, res.rows) == (1200, 1200)
    # one "create" audit row per case, in file order, then the import's summary row
    audit = conn.execute("SELECT entity, entity_key, action FROM audit_log ORDER BY id").fetchall()
    assert [tuple(r) for r in audit[:-1]] == [("case", f"B{i:05d}", "create") for i in range(1200)]
    assert tuple(audit[-1])[2] == "import"
    assert _indexes(conn) == before
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(list(list_cases(conn, caseworker="PRIYA SHAH"))) == 1200
    plan = " ".join(
        r[3]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM cases WHERE caseworker = ? COLLATE NOCASE", ("x",)
        )
    )
    assert "idx_cases_caseworker_nocase" in plan


def test_refused_bulk_load_leaves_schema_and_data(tmp_path):
    conn = connect(tmp_path / "b.db", create=True)
    before = _indexes(conn)
    errors = ProblemList()
    try:
        with transaction(conn):
            import_cases(
                conn,
                ACTOR,
                _rows(1200, bad_at=1100),
                {"case_ref", "forename", "surname", "date_of_birth", "plan_type"},
                AS_OF,
                errors=errors,
                bulk=True,
            )
            if errors.count:
                raise RuntimeError("refused")
    except RuntimeError:
        (p,) = errors.problems
        assert (p.line, p.field) == (1102, "date_of_birth") and p.message.startswith(
            "in the future"
        )
    else:
        raise AssertionError("expected the import to be refused")
    assert _indexes(conn) == before
    assert conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 0
