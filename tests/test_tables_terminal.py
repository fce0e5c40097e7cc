"""Every table command drawn on a (forced) colour terminal 80 and 120 columns wide: no line is
wider than the terminal, and every reference, date and amount of the JSON output is either
shown whole or its column is left out, never cut or split across lines."""

import json
import re

import pytest
from typer.testing import CliRunner

from sendctl.cli import app
from sendctl.render.formats import Column
from sendctl.render.tables import days_phrase, layout, row_urgency

AS_OF = "2017-04-18"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
REF = re.compile(r"^RCC-\d{4}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONEY = re.compile(r"^-?£[\d,]+\.\d{2}$")

# always whole on the row's line, even at 80 columns
ESSENTIAL = {
    "case_ref",
    "due_on",
    "remaining_pence",
    "amount_pence",
    "annual_cost_pence",
    "posted_on",
    "meeting_on",
    "received_on",
    "agreed_annual_cost_pence",
    "allocation_pence",
    "at_utc",
}
TABLE_COMMANDS = [
    ["cases", "list"],
    ["transfers", "list", "--as-of", AS_OF],
    ["deadlines", "--as-of", AS_OF, "--all"],
    ["assessments", "list", "--as-of", AS_OF],
    ["panel", "list"],
    ["panel", "summary"],
    ["funds", "list"],
    ["funds", "balances", "--as-of", AS_OF],
    ["spend", "list"],
    ["audit", "--limit", "50"],
    ["report", "sen2", "--year", "2016"],
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("screens") / "demo.db"
    r = CliRunner().invoke(
        app,
        ["demo", "--db", str(path)],
        catch_exceptions=False,
        env={"SENDCTL_OFFICER": "tester", "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    return path


@pytest.fixture
def terminal(monkeypatch):
    """stdout is a colour terminal of the given width (FORCE_COLOR, COLUMNS)."""

    def at(width: int):
        monkeypatch.setattr("sendctl.render.formats.stdout_is_terminal", lambda: True)
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("TERM", "xterm-256color")
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("COLUMNS", str(width))

    return at


def _data_lines(lines: list[str]) -> list[str]:
    """The lines of the table rows: after each header rule, up to the next table's title."""
    rules = [i for i, line in enumerate(lines) if line and set(line) <= {"─", " "}]
    out = []
    for k, i in enumerate(rules):
        end = rules[k + 1] - 2 if k + 1 < len(rules) else len(lines)
        out += [x for x in lines[i + 1 : end] if not x.startswith("Left out at")]
    return out


def _json_rows(args, out: str):
    rows = json.loads(out)
    if args[:2] == ["panel", "summary"]:  # drawn as two tables: by meeting, by request type
        total = [r for r in rows if r["by"] == "total"]
        rows = (
            [r for r in rows if r["by"] == "meeting"]
            + total
            + [r for r in rows if r["by"] == "request"]
            + total
        )
    return rows


def _whole(v) -> bool:
    return isinstance(v, str) and bool(REF.match(v) or DATE.match(v) or MONEY.match(v))


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_table_fits_and_keeps_values_whole(demo, terminal, monkeypatch, width, args):
    monkeypatch.setenv("SENDCTL_DB", str(demo))
    runner = CliRunner()
    machine = runner.invoke(app, [*args, "--format", "json"], catch_exceptions=False)
    assert machine.exit_code == 0, machine.stderr
    rows = _json_rows(args, machine.stdout)
    assert rows, "the demo should give every listing some rows"
    terminal(width)
    drawn = runner.invoke(app, args, catch_exceptions=False)
    assert drawn.exit_code == 0, drawn.stderr
    assert "\x1b[" in drawn.stdout, "a colour terminal gets colour"
    text = ANSI.sub("", drawn.stdout)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    data = _data_lines(lines)
    assert len(data) == len(rows), "one line a row: nothing wraps"
    keys = {k for r in rows for k, v in r.items() if _whole(v)}
    for key in sorted(keys):
        pairs = [(r[key], line) for r, line in zip(rows, data, strict=True) if _whole(r[key])]
        there = [v in line for v, line in pairs]
        if key in ESSENTIAL:
            assert all(there), f"{key} must always be shown whole ({width} columns)"
        # a column left out (or not meant for people): not even the start of a value is there
        for (v, line), ok in zip(pairs, there, strict=True):
            assert ok or not re.search(re.escape(v[:-3]) + r"\S*…", line), f"{key}: {v} cut: {line}"


def test_narrow_terminal_names_what_it_left_out(demo, terminal, monkeypatch):
    monkeypatch.setenv("SENDCTL_DB", str(demo))
    terminal(80)
    text = ANSI.sub("", CliRunner().invoke(app, ["cases", "list"]).stdout)
    note = text.strip().splitlines()[-1]
    assert note == "Left out at 80 columns: setting, OOC (--format plain shows all)."
    terminal(200)
    assert "Left out" not in CliRunner().invoke(app, ["cases", "list"]).stdout


def test_deadline_rows_read_as_spoken_and_coloured(demo, terminal, monkeypatch, run):
    monkeypatch.setenv("SENDCTL_DB", str(demo))
    rows = run.json("deadlines", "--as-of", AS_OF)
    late = next(r for r in rows if r["status"] == "overdue" and r["days_left"] < -1)
    soon = next(r for r in rows if r["status"] == "due" and r["days_left"] > 1)
    terminal(120)
    out = CliRunner().invoke(app, ["deadlines", "--as-of", AS_OF], catch_exceptions=False).stdout
    lines = out.splitlines()
    overdue = next(x for x in lines if late["case_ref"] in x and late["due_on"] in x)
    assert f"{-late['days_left']} days overdue" in overdue and overdue.startswith("\x1b[31m")
    due = next(x for x in lines if soon["case_ref"] in x and soon["due_on"] in x)
    assert f"due in {soon['days_left']} days" in due and due.startswith("\x1b[33m")
    monkeypatch.setenv("NO_COLOR", "1")
    plain = CliRunner().invoke(app, ["deadlines", "--as-of", AS_OF], catch_exceptions=False).stdout
    assert "\x1b[" not in plain and f"{-late['days_left']} days overdue" in plain


def test_off_a_terminal_no_colour_and_numbers_stay(demo, monkeypatch, run):
    monkeypatch.setenv("SENDCTL_DB", str(demo))
    late = next(r for r in run.json("deadlines", "--as-of", AS_OF) if r["status"] == "overdue")
    out = CliRunner().invoke(app, ["deadlines", "--as-of", AS_OF], catch_exceptions=False).stdout
    assert "\x1b[" not in out and "overdue" in out
    line = next(
        x for x in out.splitlines() if x.startswith(late["case_ref"]) and late["due_on"] in x
    )
    assert (
        f" {late['days_left']} " in f" {line} "
    )  # plain text keeps the number for scripts and the README


@pytest.mark.parametrize(
    "days,words",
    [
        (-166, "166 days overdue"),
        (-1, "1 day overdue"),
        (0, "due today"),
        (1, "due in 1 day"),
        (2, "due in 2 days"),
        (None, ""),
    ],
)
def test_days_phrase(days, words):
    assert days_phrase(days) == words


def test_urgency_from_status_or_days():
    assert row_urgency({"status": "overdue", "days_left": 3}) == "overdue"
    assert row_urgency({"status": "upcoming", "days_left": 3}) is None
    assert row_urgency({"days_left": -1}) == "overdue"
    assert row_urgency({"days_left": 14}) == "due"
    assert row_urgency({"days_left": 15}) is None
    assert row_urgency({"days_left": None}) is None


def test_layout_shrinks_text_before_dropping_and_never_drops_the_first_column():
    cols = [
        Column("case_ref", kind="code"),
        Column("note"),
        Column("due_on", priority=2),
        Column("extra", priority=3),
    ]
    cells = [["RCC-0001", "a long free-text note " * 3, "2017-04-18", "x" * 30]]
    shown, widths, dropped = layout(cols, cells, 60)  # fits once the note shrinks
    assert (
        dropped == []
        and widths == [8, 8 + 60 - 46, 10, 8 + 0]
        or widths[1] + widths[3] == 60 - 8 - 10 - 6
    )
    shown, widths, dropped = layout(cols, cells, 35)  # too narrow even then: the extra goes
    assert dropped == [3] and shown == [0, 1, 2] and widths == [8, 35 - 8 - 10 - 4, 10]
    shown, widths, dropped = layout(cols, cells, 10)
    assert shown == [0] and dropped == [1, 2, 3]
