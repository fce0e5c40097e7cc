"""README's "A day in the service" walkthrough stays true: every `$ sendctl ...` line of its
code blocks runs, in order, against a fresh demo database in a temporary folder, exits with its
documented code (`# exit N`, else 0), and every output line shown under it (other than `...`)
appears in what it printed. The fresh-machine commands at the top name real commands."""

import re
import shlex
import shutil
from pathlib import Path

from typer.testing import CliRunner

from sendctl.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def walkthrough() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- section: status -->")
    end = text.find("<!-- section:", start + 1)
    return text[start : end if end != -1 else None]


def steps(section: str) -> list[tuple[str, int, list[str]]]:
    """(command line, expected exit code, output lines shown) in README order."""
    out: list[tuple[str, int, list[str]]] = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                cmd = line[2:]
                code = 0
                m = re.search(r"\s+#\s*exit\s+(\d+)\s*$", cmd)
                if m:
                    code = int(m.group(1))
                    cmd = cmd[: m.start()]
                out.append((cmd.strip(), code, []))
            elif out and line.strip() and line.strip() != "...":
                out[-1][2].append(line)
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_walkthrough_commands_and_outputs(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    found = steps(walkthrough())
    assert len(found) >= 15
    ran = 0
    for cmd, code, shown in found:
        words = shlex.split(cmd)
        if words[0] == "export":
            for assignment in words[1:]:
                key, _, value = assignment.partition("=")
                monkeypatch.setenv(key, value)
            continue
        assert words[0] == "sendctl", cmd
        r = runner.invoke(app, words[1:], catch_exceptions=False)
        assert r.exit_code == code, (
            f"{cmd}\nexited {r.exit_code}, README says {code}\n{r.stdout}\n{r.stderr}"
        )
        printed = _norm(r.stdout + "\n" + r.stderr)
        for line in shown:
            assert _norm(line) in printed, (
                f"{cmd}\nREADME shows a line it did not print:\n{line}\n---\n{r.stdout}\n{r.stderr}"
            )
        ran += 1
    assert ran >= 13
    assert (tmp_path / "sendctl-demo.db").exists() and (tmp_path / "p01.csv").exists()


def test_walkthrough_covers_the_day():
    cmds = " ".join(c for c, _, _ in steps(walkthrough()))
    for part in (
        "demo",
        "status",
        "cases import",
        "transfers record",
        "deadlines",
        "panel summary",
        "spend post",
        "funds balances",
        "spend export",
        "report sen2",
        "audit",
    ):
        assert f" {part}" in f" {cmds}".replace("sendctl ", " "), part


def test_fresh_machine_commands_exist():
    text = README.read_text(encoding="utf-8")
    top = text[: text.index("## Where the database lives")]
    assert "pip install . && sendctl demo --force" in top
    assert "pip install '.[test]' && python -m pytest -q" in top
    r = CliRunner().invoke(app, ["demo", "--help"])
    assert r.exit_code == 0 and "--force" in r.stdout


def first_steps() -> list[str]:
    """The shell lines of the README's first code block (first steps on a fresh machine)."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, flags=re.S)[1]
    return [line for line in block.splitlines() if line.strip()]


def test_first_steps_work_as_written_in_a_fresh_folder(tmp_path):
    """Run the README's first steps with bash in an empty folder, with an empty home (no
    database anywhere): only the install is left out, it is this environment's own."""
    import os
    import subprocess
    import sys

    lines = first_steps()
    assert lines[0].startswith("python3 -m venv .venv && ") and lines[0].endswith(
        "&& sendctl demo --force"
    )
    script = "\n".join(["set -e", "sendctl demo --force", *lines[1:]])
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "sendctl").exists(), "the sendctl command is installed with the package"
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "SENDCTL_OFFICER": "first-steps",
        "COLUMNS": "100",
    }
    r = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, f"README first steps failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    assert "no database here" not in r.stdout + r.stderr
    assert f"export SENDCTL_DB={work / 'sendctl-demo.db'}" in r.stdout  # the demo says how
    assert "sendctl status as at 2017-04-18" in r.stdout and "verdict: healthy" in r.stdout
    assert {n for n in os.listdir(work) if not n.endswith(("-wal", "-shm"))} == {"sendctl-demo.db"}
    assert not list(home.rglob("*.db"))  # nothing written to the per-user database
