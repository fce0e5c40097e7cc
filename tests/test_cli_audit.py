import sqlite3


def _add(db_path, rows):
    c = sqlite3.connect(db_path)
    c.executemany(
        "INSERT INTO audit_log (at_utc, officer, command, entity, entity_key, case_ref, action)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    c.commit()
    c.close()


def test_audit_filters_newest_first(run, db_path):
    run("init", "--no-funds")
    _add(
        db_path,
        [
            ("2017-04-01T09:00:00+00:00", "amy", "cases add", "case", "R1", "R1", "create"),
            (
                "2017-04-10T09:00:00+00:00",
                "ben",
                "panel record",
                "panel_decision",
                "7",
                "R1",
                "create",
            ),
            ("2017-04-12T09:00:00+00:00", "amy", "cases update", "case", "R2", "R2", "update"),
        ],
    )
    rows = run.json("audit")
    assert [r["entity_key"] for r in rows][:3] == ["R2", "7", "R1"]
    assert [r["entity_key"] for r in run.json("audit", "--officer", "amy")] == ["R2", "R1"]
    assert [r["entity_key"] for r in run.json("audit", "--case", "R1")] == ["7", "R1"]
    assert [r["entity_key"] for r in run.json("audit", "--since", "05/04/2017")] == ["R2", "7"]
    assert [r["entity_key"] for r in run.json("audit", "--entity", "panel_decision")] == ["7"]
    assert run.json("audit", "--case", "' OR 1=1 --") == []


def test_audit_bad_since_is_bad_input(run):
    run("init", "--no-funds")
    r = run("audit", "--since", "yesterday", expect=1)
    assert "--since" in r.stderr
