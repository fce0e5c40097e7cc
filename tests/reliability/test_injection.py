"""Injection (issue 9): SQL text in every filter, formula cells in every CSV export, CR/LF
towards email headers, path tricks in --output and backup. None has an effect beyond its field."""

import csv
import io
import os
import sqlite3

import pytest
from notify_support import SmtpServer, Store

from reliability.support import AS_OF, assert_no_traceback, fingerprint

SQL_TEXT = [
    "' OR '1'='1",
    "x'; DROP TABLE cases; --",
    '" OR 1=1 --',
    "REL-000001' --",
    "%",
    "_",
    "\\",
    "*",
    "') UNION SELECT name, sql FROM sqlite_master --",
    "1; DELETE FROM audit_log",
]
FORMULA = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def data(run, db_path, monkeypatch):
    """Cases, a transfer, a panel decision and spend whose text fields start like formulas."""
    run("init")
    run("funds", "add", "big", "--name", "Test", "--kind", "revenue", "--allocation", "£100,000")
    f = db_path.with_name("cases.csv")
    rows = [
        "case_ref,forename,surname,date_of_birth,plan_type,setting,setting_type,caseworker,"
        "caseworker_email"
    ]
    for i, v in enumerate(FORMULA, 1):
        q = '"' + v.replace('"', '""') + '"'
        rows.append(f"REL-00000{i},{q},{q},2009-0{i}-02,statement,{q},{q},{q},cw{i}@x.example")
    f.write_text("\n".join(rows) + "\n", newline="")
    run("cases", "import", f, "--as-of", AS_OF)
    run("transfers", "start", "REL-000001", "--date", "2016-12-20")
    for i, v in enumerate(FORMULA, 1):
        run(
            "panel",
            "record",
            f"REL-00000{i}",
            "--date",
            "2017-01-05",
            "--request",
            "top-up",
            "--outcome",
            "agreed",
            "--provider",
            v,
            "--note",
            v,
            "--annual-cost",
            "100",
        )
        run(
            "--officer",
            v,
            "spend",
            "post",
            "big",
            "10",
            "--date",
            "2017-05-02",
            "--description",
            v,
            "--supplier",
            v,
            "--invoice",
            v,
        )
    return db_path


FILTERS = [
    ("cases", "list", "--search"),
    ("cases", "list", "--caseworker"),
    ("cases", "list", "--need"),
    ("cases", "list", "--setting"),
    ("panel", "list", "--case"),
    ("panel", "list", "--request"),
    ("panel", "list", "--outcome"),
    ("audit", "--case"),
    ("audit", "--officer"),
    ("audit", "--entity"),
    ("spend", "list", "--fund"),
    ("spend", "list", "--fy"),
    ("spend", "export", "--fund"),
    ("deadlines", "--caseworker"),
    ("transfers", "list", "--caseworker"),
    ("cases", "show"),
    ("funds", "balances", "--fy"),
    ("audit", "--since"),
    ("panel", "list", "--date"),
]


@pytest.mark.parametrize("cmd", FILTERS, ids=[" ".join(c) for c in FILTERS])
def test_sql_text_in_filters_matches_nothing_and_changes_nothing(run, data, cmd):
    before = fingerprint(data)
    for text in SQL_TEXT:
        args = [*cmd, text]
        if cmd[-1] != "show" and cmd[:2] != ("spend", "export"):
            args += ["--format", "json"]
        if cmd[:2] == ("deadlines", "--caseworker"):
            args += ["--as-of", AS_OF]
        r = run(*args, expect=None)
        assert r.exit_code in (0, 1), (args, r.exit_code, r.stderr)
        assert_no_traceback(r.stderr)
        if r.exit_code == 0:
            if cmd[:2] == ("spend", "export"):
                assert len(r.stdout.strip().splitlines()) == 1, args  # the header only
            else:
                assert r.stdout.strip() in ("[]", ""), (args, r.stdout[:300])
        else:
            low = r.stderr.lower()
            assert r.stderr.startswith("Error: "), r.stderr
            for leak in (
                "syntax error",
                "unrecognized token",
                "no such column",
                "operationalerror",
            ):
                assert leak not in low, r.stderr
    assert fingerprint(data) == before


EXPORTS = [
    ("cases", "list"),
    ("panel", "list"),
    ("spend", "list"),
    ("spend", "export"),
    ("deadlines", "--all", "--as-of", AS_OF),
    ("audit",),
    ("transfers", "list"),
]


@pytest.mark.parametrize(
    "cmd", EXPORTS, ids=[c[0] + " " + c[1] if len(c) > 1 else c[0] for c in EXPORTS]
)
def test_no_csv_export_cell_starts_a_formula(run, data, tmp_path, cmd):
    out = tmp_path / "export.csv"
    args = [*cmd, "--output", out] + ([] if cmd[:2] == ("spend", "export") else ["--format", "csv"])
    run(*args)
    text = out.read_text(encoding="utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert len(cells) > 10
    seen = 0
    for c in cells:
        if c[:1] in ("=", "+", "@", "\t", "\r"):
            raise AssertionError(f"{cmd}: formula cell {c!r}")
        if c.startswith("-"):
            float(c.replace(",", ""))  # only a negative number may start with '-'
        # listings guard with an apostrophe; the finance export with a leading space (no
        # apostrophe shows in a spreadsheet; sendctl/render/typed_csv.py says why)
        if c[:1] in ("'", " ") and c[1:2] in ("=", "+", "-", "@", "\t", "\r"):
            seen += 1
    assert seen, f"{cmd}: the test data should reach this export"


# --- CR/LF towards email headers ----------------------------------------------------------------


def test_crlf_never_reaches_an_email_header(run, data, db_path, monkeypatch):
    evil = "\r\nBcc: evil@evil.example\r\nSubject: pwned"
    r = run("cases", "update", "REL-000001", "--caseworker-email", "cw@x.example" + evil, expect=1)
    assert "--caseworker-email" in r.stderr
    # data that got in some other way (an older version, a hand edit)
    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE cases SET caseworker_email = ?, forename = ?, caseworker = ? "
        "WHERE case_ref = 'REL-000001'",
        ("cw1@x.example" + evil, "Ann" + evil, "Jo" + evil),
    )
    conn.commit()
    conn.close()
    with SmtpServer(Store()) as server:
        server.env(monkeypatch)
        r = run("deadlines", "notify", "--as-of", AS_OF, "--to", "boss@x.example" + evil, expect=1)
        assert "--to" in r.stderr and server.messages == []
        monkeypatch.setenv("SENDCTL_SMTP_FROM", "SEND <send@x.example>" + evil)
        r = run("deadlines", "notify", "--as-of", AS_OF, "--to", "boss@x.example", expect=1)
        assert "SENDCTL_SMTP_FROM" in r.stderr and server.messages == []
        monkeypatch.setenv("SENDCTL_SMTP_FROM", "SEND <send@x.example>")
        run("deadlines", "notify", "--as-of", AS_OF, "--to", "boss@x.example", expect=None)
        assert server.messages
        for _from, rcpts, msg, raw in server.messages:
            head = raw.split(b"\r\n\r\n", 1)[0].lower()
            assert b"evil" not in head and b"pwned" not in head
            assert all("evil" not in r for r in rcpts)
            assert len(msg.get_all("Subject")) == 1 and msg["Bcc"] is None


# --- path tricks ----------------------------------------------------------------------------------


def _paths(tmp_path, db_path):
    os.symlink(db_path, tmp_path / "link-to-db.csv")
    os.symlink(tmp_path / "missing" / "x.csv", tmp_path / "dangling.csv")
    (tmp_path / "afolder").mkdir()
    return {
        "folder": tmp_path / "afolder",
        "missing folder": tmp_path / "missing" / "out.csv",
        "the database": db_path,
        "its WAL": db_path.with_name(db_path.name + "-wal"),
        "symlink to the database": tmp_path / "link-to-db.csv",
        "dangling symlink": tmp_path / "dangling.csv",
    }


@pytest.mark.parametrize(
    "cmd",
    [("cases", "list", "--format", "csv"), ("spend", "export"), ("audit", "--format", "json")],
    ids=lambda c: " ".join(c),
)
def test_output_path_tricks_are_refused(run, data, db_path, tmp_path, cmd):
    before = fingerprint(data)
    # a live WAL beside the database, as while another sendctl works
    holder = sqlite3.connect(db_path)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("SELECT count(*) FROM cases").fetchone()
    try:
        for what, p in _paths(tmp_path, db_path).items():
            size = p.stat().st_size if p.exists() else None
            r = run(*cmd, "--output", p, expect=1)
            assert r.stderr.startswith("Error: --output"), (what, r.stderr)
            assert_no_traceback(r.stderr)
            assert (p.stat().st_size if p.exists() else None) == size, what
        assert fingerprint(data) == before
        # `../` is just a path: it writes there and nowhere else
        sub = tmp_path / "sub"
        sub.mkdir()
        os.chdir(sub)
        run(*cmd, "--output", "../up.csv")
        assert (tmp_path / "up.csv").stat().st_size > 0
    finally:
        holder.close()
    assert fingerprint(data) == before


def test_backup_path_tricks_are_refused(run, data, db_path, tmp_path):
    before = fingerprint(data)
    for what, p in _paths(tmp_path, db_path).items():
        for force in ([], ["--force"]):
            r = run("backup", p, *force, expect=1)
            assert r.stderr.startswith("Error: backup"), (what, r.stderr)
            assert_no_traceback(r.stderr)
    assert fingerprint(data) == before
    sub = tmp_path / "sub"
    sub.mkdir()
    os.chdir(sub)
    run("backup", "../copy.db")
    assert fingerprint(tmp_path / "copy.db") == before
