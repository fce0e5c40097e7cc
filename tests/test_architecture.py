"""Imports flow one way (style.md §2), and start-up stays light (style.md §4)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "sendctl"

# layer -> layers it may import (besides itself)
ALLOWED = {
    "domain": set(),
    "ingest": {"domain"},
    "storage": {"domain"},
    "render": {"domain"},
    "notify": {"domain", "render"},
    "services": {"domain", "ingest", "storage", "notify"},
    "cli": {"domain", "ingest", "storage", "render", "notify", "services"},
}

# Command modules whose orchestration has not yet moved into services/ (this list only shrinks).
CLI_NOT_YET_ON_SERVICES: set[str] = set()


def _touches_storage(path: Path) -> list[str]:
    """Imports of sendctl.storage and transaction calls in one module."""
    found = [f"imports {m}" for m in _imports(path) if m.startswith("sendctl.storage")]
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "transaction":
                found.append(f"calls transaction() on line {node.lineno}")
    return found


def test_commands_go_through_services():
    """A command parses, calls one service, renders: it never opens a transaction or runs
    SQL itself."""
    offenders = {f.name: _touches_storage(f) for f in (PKG / "cli").glob("*.py")}
    bad = {n: v for n, v in offenders.items() if v and n not in CLI_NOT_YET_ON_SERVICES}
    assert not bad, bad
    done = sorted(n for n in CLI_NOT_YET_ON_SERVICES if not offenders.get(n))
    assert not done, f"now on services: remove {done} from CLI_NOT_YET_ON_SERVICES"


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name


def test_imports_flow_one_way():
    bad = []
    for layer, allowed in ALLOWED.items():
        for f in (PKG / layer).rglob("*.py"):
            for mod in _imports(f):
                parts = mod.split(".")
                if parts[0] != "sendctl" or len(parts) < 2:
                    continue
                target = parts[1]
                if target in ALLOWED and target != layer and target not in allowed:
                    bad.append(f"{f.relative_to(PKG)} imports {mod}")
    assert not bad, "\n".join(bad)


def test_domain_does_no_io():
    banned = {"sqlite3", "typer", "rich", "smtplib", "subprocess", "socket"}
    for f in (PKG / "domain").rglob("*.py"):
        for mod in _imports(f):
            assert mod.split(".")[0] not in banned, f"{f.name} imports {mod}"
        text = f.read_text()
        for call in ("date.today(", "datetime.now(", "print(", "open("):
            assert call not in text, f"{f.name} calls {call}"


# issue 10: the root help, a group's help (its callback and module top) and --version.
@pytest.mark.parametrize(
    "args", [["--help"], ["cases", "--help"], ["deadlines", "--help"], ["--version"]]
)
def test_help_loads_nothing_heavy(args):
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sendctl", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    loaded = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    heavy = {
        "sqlite_utils",
        "rich.table",
        "rich.console",
        "dateutil.parser",
        "tabulate",
        "pydantic",
        "sqlite3",
        "stdnum",
    }
    assert not (loaded & heavy), loaded & heavy
