"""Files as they really arrive, through the real CLI: damaged or mixed encodings, control
characters, files without their header row, LibreOffice and Excel dialects, old line ends,
standard input and pipes. A refused file leaves the database byte for byte as it was."""

import hashlib
import os
import threading
from pathlib import Path

import pytest

AS_OF = ("--as-of", "2017-04-18")
HEADER = "case_ref,forename,surname,date_of_birth,plan_type,primary_need\n"
ROWS = [
    "00123,Zoë,Example,14/02/2010,ehcp,ASD\n",
    "00124,Tom,Sample,01/09/2008,ehcp,MLD\n",
    "00125,Amy,Other,05/05/2011,sen_support,\n",
]


def _bytes(db: Path) -> str:
    h = hashlib.sha256()
    for p in (db, Path(f"{db}-wal")):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def seeded(run, db_path, tmp_path):
    """A database holding one case, closed: every refusal must leave its bytes alone."""
    f = tmp_path / "seed.csv"
    f.write_text(HEADER + "00099,Seed,Case,01/01/2010,ehcp,ASD\n", encoding="utf-8")
    run("cases", "import", f, *AS_OF)
    return db_path


def _refused(run, db, path, *expected, kind="cases"):
    before = _bytes(db)
    args = [kind, "import", path] + (list(AS_OF) if kind == "cases" else [])
    for dry in ([], ["--dry-run"]):
        r = run(*args, *dry, expect=1)
        for text in expected:
            assert text in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert _bytes(db) == before
    return r.stderr


def _refs(run):
    return [c["case_ref"] for c in run.json("cases", "list")]


# --- encodings ------------------------------------------------------------------------------


def test_utf8_with_bom_and_one_bad_byte_is_refused_at_that_line(run, seeded, tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes(
        b"\xef\xbb\xbf"
        + HEADER.encode()
        + ROWS[1].encode()
        + b"00126,Ren\xe9e,X,01/01/2010,ehcp,ASD\n"
    )
    err = _refused(run, seeded, f, "bom.csv:3: not valid UTF-8 (byte b'\\xe9')", "byte-order mark")
    assert "Renée" not in err and "RenÃ" not in err


def test_utf8_letters_then_a_bad_byte_never_switch_to_cp1252(run, seeded, tmp_path):
    f = tmp_path / "mixed.csv"
    f.write_bytes((HEADER + ROWS[0] + ROWS[1]).encode() + b"00126,Ren\xe9e,X,01/01/2010,ehcp,ASD\n")
    _refused(run, seeded, f, "mixed.csv:4: not valid UTF-8", "UTF-8 text on line 2")


def test_cp1252_then_a_utf8_line_is_refused(run, seeded, tmp_path):
    f = tmp_path / "mixed2.csv"
    f.write_bytes(HEADER.encode() + b"00126,Ren\xe9e,X,01/01/2010,ehcp,ASD\n" + ROWS[0].encode())
    _refused(run, seeded, f, "mixed2.csv:3: this line is UTF-8 but line 2 was Windows-1252")


def test_plain_cp1252_file_still_imports(run, seeded, tmp_path):
    f = tmp_path / "win.csv"
    f.write_bytes(HEADER.encode() + b"00126,Ren\xe9e,X,01/01/2010,ehcp,ASD\n")
    r = run("cases", "import", f, *AS_OF)
    assert "cp1252" in r.stderr
    assert run.json("cases", "show", "00126")["case"]["forename"] == "Renée"


# --- control characters -------------------------------------------------------------------------


@pytest.mark.parametrize("evil", ["\x1b[2J\x1b[31mZoe", "Zo\x9b31me", "Zo\x07e", "Zoe\x7f"])
def test_control_characters_in_a_field_are_refused(run, seeded, tmp_path, evil):
    f = tmp_path / "ctl.csv"
    f.write_text(
        "Ref,First name,Surname,DOB,Plan,Need\n"
        + ROWS[1]
        + f"00126,{evil},X,01/01/2010,ehcp,ASD\n",
        encoding="utf-8",
    )
    err = _refused(run, seeded, f, "ctl.csv:3: First name: contains a control character")
    assert "\x1b" not in err and "\x9b" not in err and "\x07" not in err


def test_control_characters_refused_in_panel_and_spend_files(run, seeded, tmp_path):
    run("init")
    panel = tmp_path / "panel.csv"
    panel.write_text(
        "case_ref,meeting_on,request,outcome,note\n"
        "00099,05/01/2017,top-up,agreed,\x1b]0;owned\x07\n",
        encoding="utf-8",
    )
    _refused(run, seeded, panel, "panel.csv:2: note: contains a control character", kind="panel")
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "fund,date,amount,description\nreserve,01/05/2017,10.00,Tea\x1b[8m\n", encoding="utf-8"
    )
    _refused(
        run, seeded, spend, "spend.csv:2: description: contains a control character", kind="spend"
    )


# --- no row data in messages -------------------------------------------------------------------


def test_a_file_without_its_header_row_does_not_echo_the_first_child(run, seeded, tmp_path):
    f = tmp_path / "noheader.csv"
    f.write_text("".join(ROWS), encoding="utf-8")
    err = _refused(
        run, seeded, f, "noheader.csv:1: missing required column(s)", "header row missing"
    )
    for secret in ("Zoë", "Example", "14/02/2010", "00123"):
        assert secret not in err, err


# --- dialects and line ends ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,data",
    [
        ("semicolon", (HEADER + "".join(ROWS)).replace(",", ";")),
        ("tab", (HEADER + "".join(ROWS)).replace(",", "\t")),
        ("excel-sep", "sep=;\n" + (HEADER + "".join(ROWS)).replace(",", ";")),
        ("mac-cr", (HEADER + "".join(ROWS)).replace("\n", "\r")),
        ("ctrl-z", (HEADER + "".join(ROWS)).replace("\n", "\r\n") + "\x1a"),
        ("ctrl-z-no-newline", HEADER + "".join(ROWS).rstrip("\n") + "\x1a"),
    ],
)
def test_real_exports_import(run, db_path, tmp_path, name, data):
    f = tmp_path / f"{name}.csv"
    f.write_bytes(data.encode("utf-8"))
    run("cases", "import", f, *AS_OF)
    assert _refs(run) == ["00123", "00124", "00125"]
    assert run.json("cases", "show", "00125")["case"]["plan_type"] == "sen_support"


def test_semicolon_file_with_quoted_commas_and_cr_line_numbers(run, seeded, tmp_path):
    # LibreOffice quotes a cell holding the delimiter; a bad date on the 4th line of a CR file
    data = (
        "case_ref;forename;surname;date_of_birth;plan_type;setting\r"
        '00130;Ann;"Smith, Jr";01/01/2010;ehcp;"A; B School"\r'
        "00131;Bob;Jones;01/01/2011;ehcp;\r"
        "00132;Cy;Lee;31/02/2011;ehcp;\r"
    )
    f = tmp_path / "lo.csv"
    f.write_bytes(data.encode())
    _refused(run, seeded, f, "lo.csv:4: date_of_birth: not a real date")
    f.write_bytes(data.replace("31/02", "28/02").encode())
    run("cases", "import", f, *AS_OF)
    case = run.json("cases", "show", "00130")["case"]
    assert (case["surname"], case["setting"]) == ("Smith, Jr", "A; B School")


def test_excel_sep_line_counts_in_line_numbers(run, seeded, tmp_path):
    f = tmp_path / "sep.csv"
    f.write_text(
        "sep=,\n" + HEADER + ROWS[1] + "00126,Bad,Date,2010-13-01,ehcp,ASD\n", encoding="utf-8"
    )
    _refused(run, seeded, f, "sep.csv:4: date_of_birth:")


# --- standard input and pipes ------------------------------------------------------------------


def test_dash_reads_standard_input(run, db_path):
    r = run("cases", "import", "-", *AS_OF, input=(HEADER + "".join(ROWS)).encode())
    assert "3 added" in r.stderr
    assert _refs(run) == ["00123", "00124", "00125"]


def test_standard_input_errors_name_stdin(run, seeded):
    before = _bytes(seeded)
    r = run(
        "cases", "import", "-", *AS_OF, input=HEADER + "00126,A,B,not a date,ehcp,ASD\n", expect=1
    )
    assert "<stdin>:2: date_of_birth:" in r.stderr
    assert _bytes(seeded) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_read_not_called_empty(run, db_path, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as w:
            w.write((HEADER + "".join(ROWS)).encode())

    t = threading.Thread(target=feed)
    t.start()
    try:
        r = run("cases", "import", fifo, *AS_OF)
    finally:
        t.join(timeout=10)
    assert "3 added" in r.stderr
    assert _refs(run) == ["00123", "00124", "00125"]


def test_a_c1_control_split_across_the_read_chunks_is_found(run, seeded, tmp_path, monkeypatch):
    import sendctl.ingest.csvfile as csvfile

    monkeypatch.setattr(csvfile, "CHUNK", 64)
    head = (HEADER + ROWS[1]).encode()
    pad = 64 - len(head) % 64 - 1  # put \xc2 as the last byte of a chunk, \x9b first of the next
    row = b"00126," + b"A" * (pad - 6 + 64) + b"\xc2\x9b2J,X,01/01/2010,ehcp,ASD\n"
    f = tmp_path / "split.csv"
    f.write_bytes(head + row)
    data = f.read_bytes()
    i = data.index(b"\xc2\x9b")
    assert (i + 1) % 64 == 0  # the pair straddles a chunk boundary
    _refused(run, seeded, f, "split.csv:3: forename: contains a control character")
