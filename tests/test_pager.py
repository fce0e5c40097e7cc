"""Long listings on a terminal go through $PAGER (else less -FRX); never on a pipe or with
--no-pager. The terminal is a real pseudo-terminal; the pager a script that records its input."""

import os
import pty
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from sendctl.cli import app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("pager") / "demo.db"
    r = CliRunner().invoke(
        app,
        ["demo", "--db", str(path)],
        catch_exceptions=False,
        env={"SENDCTL_OFFICER": "tester", "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    return path


@pytest.fixture
def pager(tmp_path, monkeypatch, demo):
    """PAGER = a script copying what it is given to tmp_path/paged.txt."""
    script = tmp_path / "pager.py"
    record = tmp_path / "paged.txt"
    script.write_text(
        textwrap.dedent(f"""
        import sys
        with open({str(record)!r}, "a", encoding="utf-8") as f:
            f.write(sys.stdin.read())
    """)
    )
    monkeypatch.setenv("PAGER", f"{sys.executable} {script}")
    monkeypatch.setenv("SENDCTL_DB", str(demo))
    return record


def _on_pty(*args) -> str:
    """Run sendctl with stdout on a pseudo-terminal; return what reached the terminal."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sendctl", *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    return b"".join(chunks).decode("utf-8", "replace")


def test_terminal_listing_goes_through_the_pager(pager):
    shown = _on_pty("cases", "list")
    paged = pager.read_text(encoding="utf-8")
    assert "RCC-0001" in paged and "RCC-0420" in paged  # the whole register, drawn as a table
    assert "ref " in paged.splitlines()[1]
    assert "RCC-0001" not in shown


def test_no_pager_prints_straight_to_the_terminal(pager):
    shown = _on_pty("cases", "list", "--no-pager")
    assert not pager.exists()
    assert "RCC-0420" in shown


def test_pager_cat_or_empty_means_none(pager, monkeypatch):
    monkeypatch.setenv("PAGER", "cat")
    assert "RCC-0420" in _on_pty("cases", "list")
    assert not pager.exists()


def test_never_on_a_pipe(pager):
    r = subprocess.run(
        [sys.executable, "-m", "sendctl", "cases", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert not pager.exists()
    assert "RCC-0420" in r.stdout and "\x1b[" not in r.stdout


def test_everything_a_listing_prints_goes_through_one_pager(pager):
    """cases show prints a record, headings and tables: all of it in the pager, in order."""
    shown = _on_pty("cases", "show", "RCC-0223", "--as-of", "2017-04-18")
    paged = pager.read_text(encoding="utf-8")
    assert paged.index("Case RCC-0223") < paged.index("Clocks") < paged.index("History")
    assert "RCC-0223" not in shown


def test_a_command_that_asks_is_never_paged(pager, tmp_path):
    """restore asks before replacing the database: its question is on the terminal."""
    assert (
        "--no-pager"
        not in subprocess.run(
            [sys.executable, "-m", "sendctl", "restore", "--help"], capture_output=True, text=True
        ).stdout
    )
