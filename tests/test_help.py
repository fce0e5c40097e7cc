"""Every command and group has help with an example; the root lists every group in one line each."""

import typer
from typer.testing import CliRunner

from sendctl.cli import app


def _tree():
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    out = []

    def walk(cmd, path):
        if not hasattr(cmd, "list_commands"):
            return
        for name in sorted(cmd.list_commands(ctx)):  # the root's groups load lazily
            sub = cmd.get_command(ctx, name)
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
    for name in root.list_commands(typer.Context(root)):
        line = next(x for x in listed.splitlines() if x.strip().startswith(name + " "))
        summary = line.strip()[len(name) :].strip()
        assert summary and not summary.endswith("..."), f"{name}: summary cut short: {summary!r}"


def test_new_commands_are_listed():
    res = CliRunner().invoke(app, ["--help"])
    for name in ("status", "demo", "audit", "report"):
        assert f"  {name} " in res.stdout
    res = CliRunner().invoke(app, ["report", "--help"])
    assert "sen2" in res.stdout


def test_static_summaries_match_the_real_commands():
    """The root lists lazy groups from a table (start-up time, issue 10): it must not drift."""
    from sendctl.cli import COMMANDS

    root, commands = _tree()
    top = {path[0]: cmd for path, cmd in commands if len(path) == 1}
    assert list(top) == sorted(COMMANDS)
    for name, (_module, _attribute, summary) in COMMANDS.items():
        real = top[name].get_short_help_str(limit=1000)
        assert summary == real, (
            f"{name}: COMMANDS in sendctl/cli/__init__.py says {summary!r}, the command {real!r}"
        )


def test_help_builds_no_command_group(monkeypatch):
    import subprocess
    import sys

    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    code = (
        "import sys, io, contextlib\n"
        "from sendctl.cli import app\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    app(['--help'], prog_name='sendctl')\n"
        "print(sorted(m for m in sys.modules if m.startswith('sendctl.cli.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['sendctl.cli._common']"
