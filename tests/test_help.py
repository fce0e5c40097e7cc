"""Every command and group has help with an example; the root lists every group in one line each."""

import typer
from typer.testing import CliRunner

from sendctl.cli import app


def _tree():
    root = typer.main.get_command(app)
    out = []

    def walk(cmd, path):
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            out.append((path + [name], sub))
            walk(sub, path + [name])

    walk(root, [])
    return root, out


def test_every_command_help_has_an_example():
    runner = CliRunner()
    _, commands = _tree()
    assert len(commands) > 30
    missing = []
    for path, _cmd in commands:
        res = runner.invoke(app, [*path, "--help"], catch_exceptions=False)
        assert res.exit_code == 0, (path, res.stdout, res.stderr)
        if "Example" not in res.stdout:
            missing.append(" ".join(path))
    assert missing == [], f"--help without an Example: {missing}"


def test_root_help_lists_every_group_with_a_whole_summary(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    root, commands = _tree()
    res = CliRunner().invoke(app, ["--help"])
    assert res.exit_code == 0
    listed = res.stdout.split("Commands:")[1]
    for name in root.commands:
        line = next(x for x in listed.splitlines() if x.strip().startswith(name + " "))
        summary = line.strip()[len(name):].strip()
        assert summary and not summary.endswith("..."), f"{name}: summary cut short: {summary!r}"


def test_new_commands_are_listed():
    res = CliRunner().invoke(app, ["--help"])
    for name in ("status", "demo", "audit", "report"):
        assert f"  {name} " in res.stdout
    res = CliRunner().invoke(app, ["report", "--help"])
    assert "sen2" in res.stdout
