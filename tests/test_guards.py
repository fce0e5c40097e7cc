"""Never guess, never destroy: hostile or careless input is refused with exit 1 and the database
is left byte-for-byte as it was (hashed before and after every refusal)."""

import hashlib
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from sendctl.domain.dates import parse_date, parse_financial_year
from sendctl.domain.errors import SendctlError


def digest(path: Path) -> str | None:
    """The database and its journal files, hashed (None when there is no database)."""
    if not path.exists():
        return None
    h = hashlib.sha256()
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
        h.update(p.read_bytes() if p.exists() else b"")  # an empty -wal holds nothing
        h.update(b"\x00")
    return h.hexdigest()


@pytest.fixture
def unchanged(db_path):
    """`with unchanged(): run(..., expect=1)`: fails when the block changed the database."""

    @contextmanager
    def check():
        before = digest(db_path)
        yield
        assert digest(db_path) == before, "the database changed"

    return check


@pytest.fixture
def seeded(run):
    run("init")
    return run


# --- item 1: dates only in the README's spellings, day first -----------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2017-05-01", date(2017, 5, 1)),
        ("2017/05/01", date(2017, 5, 1)),  # a leading 4-digit year: year first, never 5 January
        ("2017.05.01", date(2017, 5, 1)),
        ("01/05/2017", date(2017, 5, 1)),
        ("1/5/2017", date(2017, 5, 1)),
        ("01-05-2017", date(2017, 5, 1)),
        ("1.5.2017", date(2017, 5, 1)),
        ("1 May 2017", date(2017, 5, 1)),
        ("01 May 2017", date(2017, 5, 1)),
        ("1st May 2017", date(2017, 5, 1)),
        ("1-May-2017", date(2017, 5, 1)),
        ("1 SEPT 2017", date(2017, 9, 1)),
    ],
)
def test_accepted_spellings(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text,why",
    [
        ("20170501", "ambiguous"),
        ("01052017", "ambiguous"),
        ("May 2017", "whole date"),
        ("2017-05", "whole date"),
        ("05/2017", "whole date"),
        ("2017", "whole date"),
        ("1 May 17", "year in full"),
        ("01/05/17", "year in full"),
        ("May 1 2017", "expected e.g."),  # month first: never
        ("Monday 1 May 2017", "expected e.g."),
        ("1 Mai 2017", "not a month"),
        ("0001-01-01", "between 1900 and 2100"),
        ("9999-12-31", "between 1900 and 2100"),
        ("31/12/9999", "between 1900 and 2100"),
    ],
)
def test_refused_spellings_say_why(text, why):
    with pytest.raises(SendctlError) as e:
        parse_date(text, "--date")
    assert e.value.message.startswith("--date: ") and why in e.value.message


def test_financial_years_out_of_range_are_refused():
    for text in ("0001-02", "9999-00", "2100-01"):
        with pytest.raises(SendctlError, match="between 1900"):
            parse_financial_year(text)


def test_year_first_date_through_the_cli(seeded):
    seeded("spend", "post", "reserve", "10", "--date", "2017/05/01", "--description", "x")
    assert seeded.json("spend", "list")[-1]["posted_on"] == "2017-05-01"


@pytest.mark.parametrize(
    "text", ["20170501", "May 2017", "2017-05", "2017", "01/05/17", "9999-01-01"]
)
def test_guessable_dates_are_refused_and_nothing_is_written(seeded, unchanged, text):
    with unchanged():
        r = seeded("spend", "post", "reserve", "10", "--date", text, "--description", "x", expect=1)
        assert "--date:" in r.stderr and "Traceback" not in r.stderr
        r = seeded(
            "cases",
            "add",
            "X1",
            "--forename",
            "A",
            "--surname",
            "B",
            "--dob",
            text,
            "--plan",
            "ehcp",
            expect=1,
        )
        assert "--dob:" in r.stderr and text not in r.stderr  # a date of birth is never echoed
        r = seeded("status", "--as-of", text, expect=1)
        assert "--as-of:" in r.stderr


def test_partial_date_in_a_file_is_refused_at_its_line(seeded, unchanged, tmp_path):
    f = tmp_path / "cases.csv"
    f.write_text(
        "case_ref,forename,surname,date_of_birth,plan_type\n"
        "A1,Ann,Bee,2010-01-01,ehcp\nA2,Cat,Dee,May 2010,ehcp\n",
        encoding="utf-8",
    )
    with unchanged():
        r = seeded("cases", "import", f, "--as-of", "2017-04-18", expect=1)
    assert ":3:" in r.stderr and "whole date" in r.stderr and "May 2010" not in r.stderr


# --- item 3: amounts above £1,000,000,000 refused everywhere -------------------------------------


def test_amount_bound_in_the_domain():
    from sendctl.domain.money import MAX_PENCE, parse_pence

    assert parse_pence("£1,000,000,000") == MAX_PENCE
    for text in ("1,000,000,000.01", "99999999999999999999", "9" * 40):
        with pytest.raises(SendctlError, match="more than £1,000,000,000.00"):
            parse_pence(text)
    with pytest.raises(SendctlError, match="more than"):
        parse_pence("-2000000000", allow_negative=True)


HUGE = "99999999999999999999"


def test_huge_amounts_are_refused_everywhere(seeded, unchanged, tmp_path):
    with unchanged():
        for args in (
            ("spend", "post", "reserve", HUGE, "--date", "2017-05-01", "--description", "x"),
            (
                "spend",
                "post",
                "reserve",
                "1000000000.01",
                "--date",
                "2017-05-01",
                "--description",
                "x",
            ),
            ("funds", "approve", "reserve", HUGE, "--ref", "R1", "--date", "2017-05-01"),
            ("funds", "add", "big", "--name", "Big", "--kind", "revenue", "--allocation", HUGE),
        ):
            r = seeded(*args, expect=1)
            assert "more than £1,000,000,000.00" in r.stderr and "Traceback" not in r.stderr
        spend = tmp_path / "spend.csv"
        spend.write_text(
            f"fund,date,amount,description\nreserve,2017-05-01,{HUGE},x\n", encoding="utf-8"
        )
        r = seeded("spend", "import", spend, expect=1)
        assert ":2:" in r.stderr and "more than" in r.stderr
        panel = tmp_path / "panel.csv"
        panel.write_text(
            "case_ref,meeting_date,request,outcome,annual_cost\n"
            f"RCC-0001,2017-05-01,top-up,agreed,{HUGE}\n",
            encoding="utf-8",
        )
        r = seeded("panel", "import", panel, expect=1)
        assert "more than" in r.stderr and "Traceback" not in r.stderr


# --- item 4: out-of-range numbers, codecs and settings exit 1, never 70 ---------------------------


@pytest.mark.parametrize(
    "args,message",
    [
        (("status", "--as-of", "0001-01-01"), "--as-of: the year must be between 1900 and 2100"),
        (("funds", "balances", "--as-of", "9999-12-31"), "--as-of: the year must be"),
        (("funds", "balances", "--fy", "9999-00"), "--fy: the year must be"),
        (("spend", "list", "--fy", "0001-02"), "--fy: the year must be"),
        (("deadlines", "--within", HUGE), "--within: days ahead must be from 0 to 3,660"),
        (("deadlines", "--within", "-1"), "--within:"),
        (("audit", "--limit", HUGE), "--limit: must be from 1 to 1,000,000,000"),
        (("audit", "--limit", "0"), "--limit:"),
        (("spend", "reverse", HUGE, "--reason", "x", "--date", "2017-05-01"), "ID: no such id"),
        (("spend", "settle", HUGE, "--date", "2017-05-01"), "ID: no such id"),
        (
            (
                "panel",
                "record",
                "RCC-0001",
                "--date",
                "2017-04-01",
                "--request",
                "top-up",
                "--outcome",
                "agreed",
                "--supersedes",
                HUGE,
            ),
            "--supersedes: no such id",
        ),
        (("placements", "end", HUGE, "--date", "2017-05-01", "--reason", "x"), "ID: no such id"),
        (("transfers", "void", HUGE, "--reason", "x"), "EVENT_ID: no such id"),
        (("reviews", "void", HUGE, "--reason", "x"), "EVENT_ID: no such id"),
        (("capital", "consult", "summary", "--consultation", HUGE), "--consultation: no such id"),
        (("assessments", "list", "--year", HUGE), "--year: must be a year from 1900 to 2100"),
        (("report", "sen2", "--year", "99999"), "--year: must be from 2014 to 2100"),
        (("spend", "list", "--period", "13"), "--period: must be from 1 to 12"),
        (("deadlines", "notify", "--within", "999"), "--within: must be from 0 to 366"),
    ],
)
def test_out_of_range_numbers_exit_1(seeded, unchanged, args, message):
    with unchanged():
        r = seeded(*args, expect=1)
    assert message in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "codec", ["rot13", "base64", "zlib", "hex", "utf-16", "undefined", "no-such-codec"]
)
def test_encodings_that_cannot_read_csv_are_refused(seeded, unchanged, tmp_path, codec):
    f = tmp_path / "spend.csv"
    f.write_text("fund,date,amount,description\nreserve,2017-05-01,10,x\n", encoding="utf-8")
    with unchanged():
        r = seeded("spend", "import", f, "--encoding", codec, expect=1)
    assert "--encoding:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("value", ["abc", "-5", "1e3", HUGE, "5000ms"])
def test_bad_busy_timeout_is_refused(seeded, unchanged, monkeypatch, value):
    monkeypatch.setenv("SENDCTL_BUSY_TIMEOUT_MS", value)
    with unchanged():
        r = seeded("status", expect=1)
        assert "SENDCTL_BUSY_TIMEOUT_MS: expected a whole number of milliseconds" in r.stderr
        seeded(
            "spend", "post", "reserve", "10", "--date", "2017-05-01", "--description", "x", expect=1
        )
    monkeypatch.setenv("SENDCTL_BUSY_TIMEOUT_MS", "250")
    seeded("status")


# --- item 10: never create on a read or a failure; refuse foreign files untouched ----------------


def test_reads_and_failed_writes_never_create_a_database(run, db_path):
    run("status", expect=1)
    run("cases", "list", expect=1)
    assert not db_path.exists()
    r = run(
        "spend", "post", "reserve", "10", "--date", "2017-05-01", "--description", "x", expect=1
    )
    assert "does not exist" in r.stderr
    assert not db_path.exists() and not list(db_path.parent.glob("test.db*"))


def test_a_failed_write_keeps_a_database_someone_else_wrote(run, db_path):
    run("init")
    run("spend", "post", "nosuch", "10", "--date", "2017-05-01", "--description", "x", expect=1)
    assert db_path.exists()


def test_empty_file_is_made_0600_before_data_goes_in(run, tmp_path, unchanged):
    import os
    import stat

    f = tmp_path / "empty.db"
    f.touch()
    os.chmod(f, 0o644)
    r = run("--db", f, "status", expect=1)  # a read: refused, the file untouched
    assert "an empty file" in r.stderr and f.stat().st_size == 0
    assert stat.S_IMODE(f.stat().st_mode) == 0o644
    run("--db", f, "init")
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert run.json("--db", f, "funds", "list")


def test_foreign_sqlite_is_refused_before_anything_changes(run, tmp_path):
    import sqlite3

    f = tmp_path / "other.sqlite"
    c = sqlite3.connect(f)
    c.execute("CREATE TABLE t (x)")
    c.execute("INSERT INTO t VALUES (1)")
    c.commit()
    c.close()
    before = digest(f)
    for args in (("init",), ("status",), ("cases", "list"), ("doctor",)):
        r = run("--db", f, *args, expect=None)
        assert r.exit_code in (1, 3) and "Traceback" not in r.stderr
    assert digest(f) == before
    assert not Path(f"{f}-wal").exists()
    assert sqlite3.connect(f).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_demo_force_replaces_only_a_demo_database(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    demo = tmp_path / "demo.db"
    run("--db", demo, "demo")  # the global --db names the demo file too
    assert demo.exists() and not (tmp_path / "sendctl-demo.db").exists()
    run("demo", "--db", demo, "--force")  # a demo over a demo: fine
    run(
        "--db",
        demo,
        "cases",
        "add",
        "ZZ1",
        "--forename",
        "A",
        "--surname",
        "B",
        "--dob",
        "2010-01-01",
        "--plan",
        "ehcp",
        "--as-of",
        "2017-04-18",
    )
    before = digest(demo)
    r = run("demo", "--db", demo, "--force", expect=1)
    assert "not replaced" in r.stderr and "'cases add'" in r.stderr
    assert digest(demo) == before
    # SENDCTL_DB (set by the test harness, like a real officer's environment) is never the
    # demo's file: without --db the demo goes to ./sendctl-demo.db
    run("demo")
    assert (tmp_path / "sendctl-demo.db").exists() and digest(demo) == before
    text = tmp_path / "notes.txt"
    text.write_text("my notes\n")
    r = run("demo", "--db", text, "--force", expect=1)
    assert "not a SQLite database" in r.stderr and text.read_text() == "my notes\n"


# --- item 11: read-only places, full disks, doctor's advice, a lost -wal -------------------------


def test_read_only_folder_reads_work_and_writes_say_why(run, db_path, monkeypatch):
    run("init")
    run("spend", "post", "reserve", "10", "--date", "2017-05-01", "--description", "x")
    before = digest(db_path)
    # as on a read-only mount: neither the file nor its folder can be written
    monkeypatch.setattr("sendctl.storage.db._folder_writable", lambda path: False)
    assert len(run.json("spend", "list")) == 2
    r = run("doctor")
    assert "restore" not in r.stderr
    r = run(
        "spend", "post", "reserve", "10", "--date", "2017-05-01", "--description", "y", expect=1
    )
    assert "read-only" in r.stderr and "nothing was written" in r.stderr
    assert digest(db_path) == before


def test_full_disk_is_named(run, db_path, monkeypatch):
    import errno

    run("init")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(db_path.parent / "out.csv"))

    monkeypatch.setattr("sendctl.render.formats.open_output", full)
    r = run("funds", "list", "--output", db_path.parent / "out.csv", expect=1)
    assert "out.csv: the disk is full" in r.stderr and "Traceback" not in r.stderr


def test_doctor_does_not_advise_restoring_a_busy_file(run, db_path):
    import sqlite3

    run("init")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = run("doctor", expect=None)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "restore" not in r.stderr


def test_doctor_detects_a_lost_wal(run, db_path):
    import os
    import sqlite3

    run("init")
    other = sqlite3.connect(db_path, isolation_level=None)  # a process still running
    other.execute("PRAGMA wal_autocheckpoint = 0")
    other.execute("UPDATE funds SET name = name || ' (renamed)' WHERE code = 'reserve'")
    os.unlink(f"{db_path}-wal")
    try:
        r = run("doctor", expect=3)
    finally:
        other.close()
    assert "-wal: missing" in r.stderr and "Stop every sendctl" in r.stderr
    assert "restore from" not in r.stderr


# --- item 9: --output and backup never destroy ---------------------------------------------------


def test_output_never_follows_a_symlink_or_writes_a_non_file(seeded, tmp_path):
    import os

    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    r = seeded("funds", "list", "--output", link, expect=1)
    assert "symbolic link" in r.stderr and target.read_text() == "keep me\n"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    seeded("funds", "list", "--output", dangling, expect=1)
    assert not (tmp_path / "nowhere.csv").exists()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = seeded("funds", "list", "--output", fifo, expect=1)  # would block forever if opened
    assert "not a regular file" in r.stderr


def test_output_keeps_the_mode_of_a_file_it_did_not_create(seeded, tmp_path):
    import os
    import stat

    mine = tmp_path / "shared.csv"
    mine.write_text("old\n")
    os.chmod(mine, 0o640)
    r = seeded("funds", "list", "--format", "csv", "--output", mine)
    assert stat.S_IMODE(mine.stat().st_mode) == 0o640
    assert "readable by others" in r.stderr and "reserve" in mine.read_text(encoding="utf-8-sig")
    new = tmp_path / "new.csv"
    seeded("funds", "list", "--format", "csv", "--output", new)
    assert stat.S_IMODE(new.stat().st_mode) == 0o600


def test_a_report_in_sections_keeps_every_section_in_its_output_file(seeded, tmp_path):
    out = tmp_path / "transfers.txt"
    seeded("transfers", "status", "--format", "plain", "--output", out, "--as-of", "2017-04-18")
    text = out.read_text()
    assert (
        "Statement-to-EHCP transfers as at 2017-04-18" in text
        and "Statements left, by month" in text
    )
    seeded("funds", "list", "--format", "plain", "--output", out)  # a new command starts afresh
    assert "Statement-to-EHCP" not in out.read_text()


def test_output_on_a_full_disk_names_the_file_and_removes_it(seeded, tmp_path, monkeypatch):
    import errno

    from sendctl.render import formats

    out = tmp_path / "full.csv"
    real_open = formats.open_output

    def full_disk(output, for_csv=False):
        f = real_open(output, for_csv)

        real = f.stream

        class Stream:
            closed = False

            def write(self, s):
                raise OSError(errno.ENOSPC, "No space left on device")

            def close(self):
                real.close()

        f.stream = Stream()
        return f

    monkeypatch.setattr(formats, "open_output", full_disk)
    r = seeded("funds", "list", "--format", "csv", "--output", out, expect=1)
    assert f"{out}: the disk is full" in r.stderr and not out.exists()


def test_backup_force_keeps_the_old_backup_when_the_copy_fails(seeded, tmp_path, monkeypatch):
    import sqlite3

    dest = tmp_path / "backup.db"
    seeded("backup", dest)
    before = digest(dest)

    from sendctl.services.session import Session

    real_connect = Session.connect

    class FullDisk:  # the live connection, whose copy runs out of space half-way
        def __init__(self, conn):
            self.conn = conn

        def __getattr__(self, name):
            return getattr(self.conn, name)

        def backup(self, target, *a, **k):
            target.execute("CREATE TABLE half (x)")
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(
        Session, "connect", lambda self, write=False: FullDisk(real_connect(self, write))
    )
    r = seeded("backup", dest, "--force", expect=1)
    assert "backup.db.partial: the disk is full" in r.stderr and "left as it was" in r.stderr
    assert digest(dest) == before and not (tmp_path / "backup.db.partial").exists()


# --- item 2 (postings): no ledger entry dated after today ---------------------------------------


def test_refuse_future_in_the_domain():
    from sendctl.domain.dates import refuse_future

    assert refuse_future(date(2017, 5, 1), date(2017, 5, 1)) == date(2017, 5, 1)
    with pytest.raises(SendctlError) as e:
        refuse_future(date(2107, 5, 1), date(2017, 5, 1))
    assert (
        e.value.problems[0].code == "future_date" and "2107-05-01 is after today" in e.value.message
    )


def test_postings_dated_after_today_are_refused(seeded, unchanged, tmp_path):
    future = date.today().replace(year=date.today().year + 1).isoformat()
    seeded(
        "spend", "post", "reserve", "100", "--date", "2017-05-01", "--description", "x", "--commit"
    )
    cid = seeded.json("spend", "list")[-1]["id"]
    with unchanged():
        for args in (
            ("spend", "post", "reserve", "10", "--date", future, "--description", "x"),
            ("funds", "approve", "reserve", "10", "--ref", "R2", "--date", future),
            ("spend", "settle", cid, "--date", future),
            ("spend", "reverse", cid, "--reason", "typo", "--date", future),
        ):
            r = seeded(*args, expect=1)
            assert "--date:" in r.stderr and "is after today" in r.stderr, args
        f = tmp_path / "spend.csv"
        f.write_text(
            f"fund,date,amount,description\nreserve,2017-05-02,10,ok\nreserve,{future},10,typo\n",
            encoding="utf-8",
        )
        r = seeded("spend", "import", f, expect=1)
        assert ":3:" in r.stderr and "is after today" in r.stderr


# --- item 5 (cases add/update): control characters and terminal escapes refused ------------------


def test_control_character_check_in_the_domain():
    from sendctl.domain.text import control_character

    assert control_character("Zoë Siân O'Brien-Smith\u00a0Jr") is None
    assert "ESC" in control_character("Ann\x1b[2J")
    assert "CSI" in control_character("Ann\x9b31m")
    assert "line break" in control_character("a\nb")
    assert "direction" in control_character("abc\u202edef")


@pytest.mark.parametrize(
    "bad", ["Ann\x1b[31mRed", "Ann\x1b]0;title\x07", "Ann\rBcc: x", "A\u202eB", "A\x00B"]
)
def test_cases_add_and_update_refuse_control_characters(seeded, unchanged, bad):
    seeded(
        "cases",
        "add",
        "C1",
        "--forename",
        "Ann",
        "--surname",
        "Bee",
        "--dob",
        "2010-01-01",
        "--plan",
        "ehcp",
        "--as-of",
        "2017-04-18",
    )
    with unchanged():
        r = seeded(
            "cases",
            "add",
            "C2",
            "--forename",
            bad,
            "--surname",
            "Bee",
            "--dob",
            "2010-01-01",
            "--plan",
            "ehcp",
            "--as-of",
            "2017-04-18",
            expect=1,
        )
        assert "--forename: contains" in r.stderr and bad not in r.stderr
        for flag in ("--surname", "--setting", "--caseworker"):
            r = seeded("cases", "update", "C1", flag, bad, "--as-of", "2017-04-18", expect=1)
            assert f"{flag}: contains" in r.stderr and "\x1b" not in r.stderr


# --- item 13: options before the subcommand are refused, never dropped ---------------------------


def test_deadlines_options_before_notify_are_refused(seeded, unchanged):
    with unchanged():
        r = seeded("deadlines", "--within", "0", "notify", "--dry-run", expect=1)
    assert "--within given before 'notify'" in r.stderr and r.stdout == ""
    seeded("deadlines", "notify", "--within", "0", "--dry-run")


# --- item 12: no silent empty answers -------------------------------------------------------------


@pytest.fixture
def register(seeded, tmp_path):
    f = tmp_path / "cases.csv"
    f.write_text(
        "case_ref,forename,surname,date_of_birth,plan_type,setting,primary_need,caseworker,caseworker_email\n"
        "RCC-0010,Zoë,Clark,2010-01-01,ehcp,Oakham Meadow Primary School,ASD,Tom Barker,tom.barker@x.example\n"
        "RCC-0011,Siân,Lloyd,2011-02-02,sen_support,Uppingham Ridge College,SLCN,Priya Shah,\n"
        "RCC-0012,Zoe,Plain,2011-02-02,ehcp,Uppingham Ridge College,SLCN,,\n",
        encoding="utf-8",
    )
    seeded("cases", "import", f, "--as-of", "2017-04-18")
    return seeded


def test_a_filter_matching_nobody_says_so_with_the_nearest(register):
    r = register("cases", "list", "--caseworker", "tom barkr", "--format", "json")
    assert (
        r.stdout.strip() == "[]"
        and "no case has the caseworker" in r.stderr
        and "Tom Barker" in r.stderr
    )
    r = register("cases", "list", "--setting", "Oakam")
    assert "no case has the setting 'Oakam'; nearest: Oakham Meadow Primary School" in r.stderr
    r = register("cases", "list", "--need", "VI")
    assert "no case has the primary need 'VI'" in r.stderr and "ASD" in r.stderr
    r = register("deadlines", "--caseworker", "Priya Sha", "--as-of", "2017-04-18")
    assert "nearest: Priya Shah" in r.stderr
    r = register("cases", "list", "--caseworker", "Priya Shah")  # a real match: no note
    assert "no case has" not in r.stderr


def test_a_mistyped_case_reference_suggests_the_right_one(register, unchanged):
    with unchanged():
        r = register("cases", "show", "rcc-0010", expect=1)
        assert "did you mean 'RCC-0010'?" in r.stderr
        r = register("cases", "show", "RCC-010", expect=1)
        assert "did you mean 'RCC-0010'?" in r.stderr
        r = register(
            "reviews",
            "record",
            "rcc-0011",
            "--meeting",
            "2017-03-01",
            "--decision",
            "keep",
            expect=1,
        )
        assert "did you mean 'RCC-0011'?" in r.stderr


def test_search_ignores_accents(register):
    refs = lambda *a: [c["case_ref"] for c in register.json("cases", "list", *a)]  # noqa: E731
    assert refs("--search", "zoe") == ["RCC-0010", "RCC-0012"]
    assert refs("--search", "Zoë") == ["RCC-0010", "RCC-0012"]
    assert refs("--search", "SIAN") == ["RCC-0011"]
    assert refs("--search", "zoe clark") == ["RCC-0010"]
