"""`deadlines notify` through the CLI against a real SMTP server (aiosmtpd on 127.0.0.1).

The clocks here come from a stand-in `deadline_rows` (same contract as
sendctl.storage.clocks.deadline_rows) so every failure mode can be set up exactly;
test_notify_e2e.py runs the same command on clocks made by the real transfers/assessments
commands.
"""

import sqlite3
import sys
import types
from datetime import date
from pathlib import Path

import pytest
from notify_support import SmtpServer, Store, free_port

from sendctl.storage.db import connect

FIXTURE = Path(__file__).parent / "fixtures" / "notify_cases.sql"
AS_OF = "2017-04-18"
JO, SAM, BOSS = "jo.walsh@rutland.example", "sam.patel@rutland.example", "boss@rutland.example"
SECRETS = (
    "Surname",
    "A8202001001",
    "2006-03-14",
    "2005-07-21",
    "2004-11-02",
    "2007-01-30",
    "2006-09-09",
    "14/03/2006",
)


def load_cases(db_path):
    conn = connect(db_path, create=True)
    conn.executescript(FIXTURE.read_text())
    conn.close()


@pytest.fixture
def clocks(db_path, monkeypatch):
    """case_ref -> (clock, due_on); served by a stand-in deadline_rows joined to `cases`."""
    load_cases(db_path)
    table = {
        "T001": ("transfer", "2017-04-23"),  # Jo, due in 5 days
        "T002": ("transfer", "2017-04-15"),  # Jo, 3 days overdue
        "T003": ("assessment_final", "2017-04-28"),  # Sam, due in 10 days
        "T004": ("transfer", "2017-04-20"),  # no caseworker email: the manager
        "T005": ("annual_review", "2017-04-25"),  # CR/LF in forename and email
        "T006": ("transfer", "2017-09-01"),  # outside the window
    }

    def deadline_rows(conn, as_of, within=14, clock=None, caseworker=None, email_order=None):
        people = {
            r["case_ref"]: dict(r)
            for r in conn.execute(
                "SELECT case_ref, forename, caseworker, caseworker_email FROM cases"
            )
        }
        out = []
        for ref, (kind, due) in table.items():
            days = (date.fromisoformat(due) - as_of).days
            status = "overdue" if days < 0 else "due" if days <= within else "upcoming"
            p = people[ref]
            if caseworker and p["caseworker"] != caseworker:
                continue
            out.append(
                {
                    "case_ref": ref,
                    "forename": p["forename"],
                    "clock": kind,
                    "due_on": due,
                    "status": status,
                    "days_left": days,
                    "caseworker": p["caseworker"],
                    "caseworker_email": p["caseworker_email"],
                }
            )
        if email_order is not None:  # grouped by recipient, as deadline_rows gives them
            return iter(
                sorted(out, key=lambda r: (email_order.get(r["caseworker_email"], -1), r["due_on"]))
            )
        return iter(sorted(out, key=lambda r: r["due_on"]))

    fake = types.ModuleType("sendctl.storage.clocks")
    fake.deadline_rows = deadline_rows
    monkeypatch.setitem(sys.modules, "sendctl.storage.clocks", fake)
    return table


@pytest.fixture
def server(monkeypatch):
    with SmtpServer(Store()) as s:
        s.env(monkeypatch)
        yield s


def sent_table(db_path):
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT recipient, case_ref, clock, due_on, sent_on FROM notifications_sent"
        " ORDER BY recipient, case_ref"
    ).fetchall()
    conn.close()
    return rows


def by_recipient(server):
    out = {}
    for _from, rcpts, msg, _raw in server.messages:
        assert len(rcpts) == 1
        out.setdefault(rcpts[0], []).append(msg)
    return out


def refs_in(msg):
    return [line.split()[0] for line in msg.get_content().splitlines()[4:] if line.startswith("T")]


def test_one_message_per_caseworker_and_the_manager(run, clocks, server, db_path):
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    assert r.stdout == ""
    assert r.stderr.splitlines()[-1] == "sent 3 message(s) covering 5 deadline(s); 0 failed"
    msgs = by_recipient(server)
    assert sorted(msgs) == [BOSS, JO, SAM]
    jo = msgs[JO][0]
    assert jo["Subject"] == "[sendctl] 1 deadlines due, 1 overdue"
    assert jo["To"] == JO and jo["From"] == "SEND team <send@rutland.example>"
    assert refs_in(jo) == ["T002", "T001"]  # soonest (most overdue) first
    assert "3 days overdue" in jo.get_content() and "5 days left" in jo.get_content()
    assert refs_in(msgs[SAM][0]) == ["T003"]
    # T004 has no caseworker email; T005's email carries CR/LF, so it is unusable: both to --to
    assert refs_in(msgs[BOSS][0]) == ["T004", "T005"]
    assert "not a usable address; its deadlines go to boss@rutland.example" in r.stderr
    assert "T006" not in "".join(m.get_content() for ms in msgs.values() for m in ms)
    assert [(x[0], x[1]) for x in sent_table(db_path)] == [
        (BOSS, "T004"),
        (BOSS, "T005"),
        (JO, "T001"),
        (JO, "T002"),
        (SAM, "T003"),
    ]
    assert {x[4] for x in sent_table(db_path)} == {AS_OF}


def test_privacy_no_surname_upn_or_dob_in_any_message(run, clocks, server):
    run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    assert len(server.messages) == 3
    for _f, _r, _m, raw in server.messages:
        text = raw.decode("utf-8", "replace")
        for secret in SECRETS:
            assert secret not in text


def test_crlf_in_data_cannot_inject_headers(run, clocks, server):
    run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    rcpts = {r for _f, rs, _m, _raw in server.messages for r in rs}
    assert "evil@attacker.example" not in rcpts and rcpts == {BOSS, JO, SAM}
    for _f, _r, msg, raw in server.messages:
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert b"evil" not in head and b"Bcc" not in head
        assert msg["Bcc"] is None
    boss = by_recipient(server)[BOSS][0].get_content()
    assert "Eve Bcc: evil@attacker.example" in boss  # harmless text on its own table row


def test_second_run_same_day_sends_nothing_new(run, clocks, server, db_path):
    run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    assert r.stderr.splitlines()[-1] == (
        "sent 0 message(s) covering 0 deadline(s); 0 failed (5 already sent today)"
    )
    assert len(server.messages) == 3 and len(sent_table(db_path)) == 5
    # the next day everything still running is sent again
    run("deadlines", "notify", "--as-of", "2017-04-19", "--to", BOSS)
    assert len(server.messages) == 6 and len(sent_table(db_path)) == 10


def test_a_new_or_changed_clock_is_sent_the_same_day(run, clocks, server, db_path):
    run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    clocks["T001"] = ("transfer", "2017-04-24")  # the date moved
    clocks["T006"] = ("assessment_decision", "2017-04-21")  # a new clock inside the window
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
    assert "sent 1 message(s) covering 2 deadline(s); 0 failed (4 already sent today)" in r.stderr
    new = server.messages[-1][2]
    assert server.messages[-1][1] == [JO] and refs_in(new) == ["T006", "T001"]
    assert new["Subject"] == "[sendctl] 2 deadlines due, 0 overdue"


def test_refused_recipient_fails_exits_1_and_is_retried_next_run(run, clocks, monkeypatch, db_path):
    with SmtpServer(Store(refuse=[SAM])) as s:
        s.env(monkeypatch)
        r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, expect=1)
        assert f"Error: {SAM}: not sent via 127.0.0.1:{s.port}: recipient refused (550" in r.stderr
        assert "sent 2 message(s) covering 4 deadline(s); 1 failed" in r.stderr
        assert "Error: 1 of 3 message(s) not sent via 127.0.0.1:" in r.stderr
        assert "next run retries them" in r.stderr
        assert sorted({x[0] for x in sent_table(db_path)}) == [BOSS, JO]  # nothing for Sam
    with SmtpServer(Store()) as s:
        s.env(monkeypatch)
        r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
        assert [m[1] for m in s.messages] == [[SAM]]
        assert refs_in(s.messages[0][2]) == ["T003"]
    assert len(sent_table(db_path)) == 5


def test_server_down_reports_each_recipient_records_nothing(run, clocks, monkeypatch, db_path):
    port = free_port()
    monkeypatch.setenv("SENDCTL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SENDCTL_SMTP_PORT", str(port))
    monkeypatch.setenv("SENDCTL_SMTP_FROM", "send@rutland.example")
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, expect=1)
    for who in (BOSS, JO, SAM):
        assert f"{who}: not sent via 127.0.0.1:{port}: connection refused" in r.stderr
    assert "sent 0 message(s) covering 0 deadline(s); 3 failed" in r.stderr
    assert sent_table(db_path) == []
    with SmtpServer(Store()) as s:  # back up: the next run sends everything
        s.env(monkeypatch)
        run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
        assert len(s.messages) == 3
    assert len(sent_table(db_path)) == 5


def test_login_refused_never_prints_the_password(run, clocks, monkeypatch, db_path):
    with SmtpServer(Store(), auth=("send", "right-pw")) as s:
        s.env(monkeypatch, user="send", password="Wr0ng-Passw0rd")
        r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, expect=1)
        assert f"not sent via 127.0.0.1:{s.port}: login refused (535" in r.stderr
        assert "Wr0ng-Passw0rd" not in r.stderr + r.stdout
        assert s.messages == [] and sent_table(db_path) == []


def test_dry_run_prints_and_sends_and_records_nothing(run, clocks, server, db_path):
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, "--dry-run")
    assert r.stdout.count("Subject: [sendctl] ") == 3
    assert f"To: {JO}" in r.stdout and "T002" in r.stdout
    assert (
        "dry run: would send 3 message(s) covering 5 deadline(s); nothing sent or recorded"
        in r.stderr
    )
    assert server.messages == [] and sent_table(db_path) == []
    for secret in SECRETS:
        assert secret not in r.stdout


def test_dry_run_needs_no_settings(run, clocks, db_path):
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, "-n")
    assert r.stdout.count("Subject: ") == 3 and "From: sendctl@localhost" in r.stdout
    assert "SENDCTL_SMTP_HOST is not set" in r.stderr


def test_missing_setting_is_a_clear_error_and_nothing_is_recorded(
    run, clocks, db_path, monkeypatch
):
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, expect=1)
    assert "Error: SMTP setting SENDCTL_SMTP_HOST is not set" in r.stderr
    assert "config.ini" in r.stderr and "--dry-run" in r.stderr
    monkeypatch.setenv("SENDCTL_SMTP_HOST", "127.0.0.1")
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS, expect=1)
    assert "Error: SMTP setting SENDCTL_SMTP_FROM is not set" in r.stderr
    assert sent_table(db_path) == []


def test_settings_from_config_file_in_app_folder(run, clocks, tmp_path, db_path):
    with SmtpServer(Store()) as s:
        app_dir = tmp_path / "config" / "sendctl"  # typer.get_app_dir under XDG_CONFIG_HOME
        app_dir.mkdir(parents=True)
        (app_dir / "config.ini").write_text(
            f"[smtp]\nhost = 127.0.0.1\nport = {s.port}\nfrom = send@rutland.example\n"
        )
        run("deadlines", "notify", "--as-of", AS_OF, "--to", BOSS)
        assert len(s.messages) == 3 and s.messages[0][0] == "send@rutland.example"


def test_without_to_the_unaddressed_deadlines_fail_the_run(run, clocks, server, db_path):
    r = run("deadlines", "notify", "--as-of", AS_OF, expect=1)
    assert sorted(by_recipient(server)) == [JO, SAM]  # the rest still go
    assert "no caseworker email and no --to for case(s) T004, T005" in r.stderr
    assert "Error: 2 deadline(s) had nobody to send them to" in r.stderr


def test_caseworker_filter_and_bad_to(run, clocks, server):
    run("deadlines", "notify", "--as-of", AS_OF, "--caseworker", "Jo Walsh")
    assert [m[1] for m in server.messages] == [[JO]]
    r = run("deadlines", "notify", "--as-of", AS_OF, "--to", "boss@x.org\r\nBcc: e@x.org", expect=1)
    assert "Error: --to: not a single email address" in r.stderr
    r = run("deadlines", "notify", "--within", "-1", expect=1)  # a refused value: exit 1
