"""A migration is frozen text: it never imports live code (rules, code lists, SQL builders)
that may change after it shipped, so an old database upgraded later gets the schema that
migration meant."""

import ast
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent.parent / "sendctl" / "storage" / "migrations.py"


def test_migrations_import_no_live_code():
    tree = ast.parse(MIGRATIONS.read_text())
    bad = []
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef) and fn.name[:1] == "m" and fn.name[1:4].isdigit():
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    bad.append(f"{fn.name} line {node.lineno}")
    assert not bad, "migrations importing code: " + ", ".join(bad)
    for node in tree.body:  # module level: the standard library only
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("sendctl"), node.module
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith("sendctl") for a in node.names)
