"""Help that helps: DATE/AMOUNT/REF/FILE metavars, no internal document references, whole
command summaries in every group, shell completion; one date type and one money type."""

import re

import pytest
import typer
from typer.testing import CliRunner

from sendctl.cli import app

INTERNAL = re.compile(r"design §|domain\.md|style\.md|HELPERS|\bissue \d+|§\d")
TYPE_NAMES = re.compile(r"<str>|<path>|<integer>|<float>|\{[a-z_]+\}")


def _all_commands():
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    out = []

    def walk(cmd, path):
        if not hasattr(cmd, "list_commands"):
            return
        for name in sorted(cmd.list_commands(ctx)):
            sub = cmd.get_command(ctx, name)
            out.append(path + [name])
            walk(sub, path + [name])

    walk(root, [])
    return out


def test_help_names_values_by_what_they_are_and_cites_no_internal_document(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()
    bad = []
    for path in [[], *_all_commands()]:
        text = runner.invoke(app, [*path, "--help"]).stdout
        for line in text.splitlines():
            if INTERNAL.search(line) or TYPE_NAMES.search(line):
                bad.append(f"sendctl {' '.join(path)}: {line.strip()}")
            if re.match(r"^  \S+\s{2,}.*\.\.\.$", line):  # a command's summary cut short
                bad.append(f"sendctl {' '.join(path)}: {line.strip()}")
    assert bad == []


def test_metavars_say_what_to_type():
    runner = CliRunner()
    post = runner.invoke(app, ["spend", "post", "--help"]).stdout
    assert "spend post [OPTIONS] FUND AMOUNT" in post
    assert "--date DATE" in post and "--description TEXT" in post
    show = runner.invoke(app, ["cases", "show", "--help"]).stdout
    assert "[OPTIONS] REF" in show and "--as-of DATE" in show
    assert "--output FILE" in runner.invoke(app, ["cases", "list", "--help"]).stdout
    assert "--db FILE" in runner.invoke(app, ["--help"]).stdout


def test_shell_completion_is_offered():
    out = CliRunner().invoke(app, ["--help"]).stdout
    assert "--install-completion" in out and "--show-completion" in out


@pytest.mark.parametrize(
    "args,flag",
    [
        (["deadlines", "--as-of", "31/02/2017"], "--as-of"),
        (["transfers", "start", "RCC-0001", "--date", "2017-13-01"], "--date"),
        (["panel", "list", "--from", "March 2017"], "--from"),
        (["audit", "--since", "yesterday"], "--since"),
    ],
)
def test_one_date_type_refuses_the_same_way_everywhere(run, args, flag):
    r = run(*args, expect=1)
    assert r.stderr.startswith(f"Error: {flag}: ") and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "args,flag",
    [
        (
            ["spend", "post", "reserve", "12.345", "--date", "2017-05-01", "--description", "x"],
            "AMOUNT",
        ),
        (
            [
                "funds",
                "add",
                "new-fund",
                "--name",
                "X",
                "--kind",
                "revenue",
                "--allocation",
                "lots",
            ],
            "--allocation",
        ),
    ],
)
def test_one_money_type_refuses_the_same_way_everywhere(run, args, flag):
    run("init")
    r = run(*args, expect=1)
    assert r.stderr.startswith(f"Error: {flag}: ") and "Traceback" not in r.stderr


def test_dates_in_either_spelling_reach_the_command(run):
    run("init")
    assert run.json("deadlines", "--as-of", "18/04/2017") == run.json(
        "deadlines", "--as-of", "2017-04-18"
    )
