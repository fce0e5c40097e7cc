"""sendctl demo: build a database from examples/ through the real code paths, then a first view.

Later issues extend build_demo with their own examples (clocks, panel, spend).
"""

from pathlib import Path

DEMO_AS_OF = "2017-04-18"  # the Cabinet report's date: the register as at April 2017


def examples_dir() -> Path:
    """examples/ of a source checkout (also found from an editable install)."""
    d = Path(__file__).resolve().parents[2] / "examples"
    if not (d / "cases.csv").is_file():
        from sendctl.domain.errors import SendctlError

        raise SendctlError(
            f"examples not found at {d}: the demo needs a source checkout of sendctl",
            hint="clone the repository and run 'pip install .' (or 'pip install -e .') from it",
        )
    return d


def build_demo(path: Path, as_of: str | None) -> None:
    """Create a fresh demo database at path (replacing any old one), load examples, show it."""
    import typer

    from sendctl.cli._common import as_of_date, info, state
    from sendctl.cli.admin import init
    from sendctl.cli.cases import run_import
    from sendctl.storage.cases import counts_by_plan

    examples = examples_dir()
    day = as_of_date(as_of or DEMO_AS_OF)
    path = Path(path)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if p.exists():
            p.unlink()

    st = state()
    st.close()
    st.db_path = path
    init(no_funds=False)
    conn = st.connect(write=True)

    cases_csv = examples / "cases.csv"
    res, _ = run_import(conn, st.actor(), cases_csv, day)
    info(f"Imported {cases_csv.name}: {res.added:,} cases as at {day.isoformat()}")

    counts = counts_by_plan(conn)
    labels = {"statement": "statements (to transfer)", "ehcp": "EHC plans", "sen_support": "SEN support"}
    typer.echo(f"Demo database: {path}  (as at {day.isoformat()})")
    typer.echo(f"Cases: {sum(counts.values()):,}")
    for plan in ("statement", "ehcp", "sen_support"):
        typer.echo(f"  {labels[plan]:<26}{counts.get(plan, 0):>5,}")
    import shlex

    first = conn.execute(
        "SELECT case_ref FROM cases WHERE plan_type = 'statement' ORDER BY case_ref LIMIT 1"
    ).fetchone()
    db = f"--db {shlex.quote(str(path))}"
    typer.echo("\nTry next:")
    typer.echo(f"  sendctl {db} cases list --plan statement")
    typer.echo(f"  sendctl {db} cases list --search smith")
    if first:
        typer.echo(f"  sendctl {db} cases show {shlex.quote(first[0])} --as-of {day.isoformat()}")
