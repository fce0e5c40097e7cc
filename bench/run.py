#!/usr/bin/env python3
"""Issue 10's benchmarks, side by side in one run: prints ONE markdown table (plus the machine).

    python bench/run.py            # full: 1k, 200k and 1M imports; reports at 1M (~10-15 min)
    python bench/run.py --quick    # 1k and 200k only; reports at 200k (~3 min)

Each figure is the median wall time of several runs of a fresh subprocess (the 1M imports run
once: they are the heavy ones), with the peak resident memory of that process (/usr/bin/time
ru_maxrss). Runs of one group are interleaved (A B C A B C ...) so that load from other
processes on the machine spreads over all of them. Ratios are to the floor of each group:
the sqlite3 shell's `.import` of the same file for imports, `python -c "import typer"` for
start-up; reports and the terminal listing have absolute goals (1 s, 0.5 s).

Inputs come from bench/generate.py (made here when missing) under bench/out/ (git-ignored).
"""

import argparse
import fcntl
import os
import platform
import pty
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import same_writes  # noqa: E402

BIN = Path(sys.executable).parent
PY = sys.executable
SENDCTL = str(BIN / "sendctl") if (BIN / "sendctl").exists() else shutil.which("sendctl")
SQLITE_UTILS = (
    str(BIN / "sqlite-utils") if (BIN / "sqlite-utils").exists() else shutil.which("sqlite-utils")
)
SQLITE3 = shutil.which("sqlite3")
AS_OF = "2017-04-18"
DEMO = OUT / "demo.db"

ENV = dict(os.environ, SENDCTL_OFFICER="bench", NO_COLOR="1")
ENV.pop("SENDCTL_DB", None)
# As installed for users (pip compiles .pyc at install; an editable checkout writes __pycache__
# on first run). This sandbox sets PYTHONDONTWRITEBYTECODE, which makes every run recompile all
# of sendctl (~8,000 lines, tens of ms) while typer's own .pyc files are used: not comparable.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
TIME = "/usr/bin/time"  # peak RSS of the command itself (-f %M), not of this forked parent


class Result:
    def __init__(self, times, rss_kb, lines=None, note=""):
        self.times = times
        self.rss_kb = rss_kb
        self.lines = lines
        self.note = note

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024


def run_once(
    cmd: list[str], tty: bool = False, count_lines: bool = False
) -> tuple[float, int, int | None]:
    """Run cmd; return (wall seconds, peak RSS KB, stdout lines). stdout to /dev/null unless
    counting lines (a pipe) or tty (a pseudo-terminal 120x40 that is drained as it is written).

    Peak memory comes from /usr/bin/time -f %M: a child forked from this Python process would
    report this process's RSS as its own peak (Linux keeps the high-water mark across exec)."""
    lines = None
    rss_file = OUT / ".rss"
    cmd = [TIME, "-f", "%M", "-o", str(rss_file), *cmd]
    if tty:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = dict(ENV, TERM="xterm-256color")
        env.pop("NO_COLOR", None)
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        chunks = []

        def drain():
            while True:
                try:
                    b = os.read(master, 65536)
                except OSError:
                    return
                if not b:
                    return
                chunks.append(b)

        th = threading.Thread(target=drain)
        th.start()
        p.wait()
        wall = time.perf_counter() - t
        th.join()
        os.close(master)
        lines = b"".join(chunks).count(b"\n")
    else:
        t = time.perf_counter()
        p = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE if count_lines else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=ENV,
        )
        if count_lines:
            lines = 0
            for chunk in iter(lambda: p.stdout.read(1 << 16), b""):
                lines += chunk.count(b"\n")
        err = p.stderr.read()
        p.wait()
        wall = time.perf_counter() - t
        if p.returncode not in (0, 3):
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {err.decode()[-600:]}")
    return wall, int(rss_file.read_text().split()[-1]), lines


def measure(cases: dict[str, tuple[list[str], dict]], runs: int, before=None) -> dict[str, Result]:
    """Interleave `runs` rounds over every named command; before(name) is called (untimed)
    before each run (e.g. to delete the database the import will create)."""
    res: dict[str, Result] = {name: Result([], []) for name in cases}
    for _ in range(runs):
        for name, (cmd, opts) in cases.items():
            if before:
                before(name)
            wall, rss, lines = run_once(cmd, **opts)
            res[name].times.append(wall)
            res[name].rss_kb.append(rss)
            res[name].lines = lines
    return res


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- the groups --------------------------------------------------------------------------------

ROWS: list[dict] = []  # the table


def add(group, what, rows, res: Result, floor: Result | None, goal: str, ok: bool | None, note=""):
    ROWS.append(
        {
            "group": group,
            "what": what,
            "rows": rows,
            "runs": len(res.times),
            "median": res.median,
            "peak": res.peak_mb,
            "ratio": (res.median / floor.median) if floor else None,
            "goal": goal,
            "ok": ok,
            "note": note or res.note,
        }
    )


def bench_imports(n: int, runs: int, with_sqlite_utils: bool) -> None:
    csv_path = generate.write_csv(n)
    names = ("shell", "same", "python", "sendctl", "sqlite_utils")
    dbs = {k: OUT / f"import_{k}.db" for k in names}
    # the same writes as a first load, done by the shell with no checks (bench/same_writes.py)
    template = OUT / "import_template.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{template}{suffix}").unlink(missing_ok=True)
    subprocess.run([SENDCTL, "--db", str(template), "-q", "init"], check=True, env=ENV)
    same_sql = OUT / "same_writes.sql"
    same_sql.write_text(same_writes.script(template, csv_path))

    def fresh(name):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{dbs[name]}{suffix}").unlink(missing_ok=True)
        if name == "same":
            shutil.copyfile(template, dbs[name])

    cases = {
        "shell": ([SQLITE3, str(dbs["shell"]), f".import --csv {csv_path} cases"], {}),
        "same": ([SQLITE3, str(dbs["same"]), f".read {same_sql}"], {}),
        "python": ([PY, str(HERE / "baseline_csv.py"), str(csv_path), str(dbs["python"])], {}),
        "sendctl": (
            [
                SENDCTL,
                "--db",
                str(dbs["sendctl"]),
                "-q",
                "cases",
                "import",
                str(csv_path),
                "--as-of",
                AS_OF,
            ],
            {},
        ),
    }
    log(f"imports of {n:,} rows x {runs}")
    r = measure(cases, runs, before=fresh)
    # the import really happened: all rows there
    got = sqlite3.connect(dbs["sendctl"]).execute("SELECT count(*) FROM cases").fetchone()[0]
    assert got == n, (got, n)
    floor = r["shell"]
    add("import", "sqlite3 shell `.import` (floor)", n, floor, floor, "floor", None)
    add(
        "import",
        "sqlite3 shell writing what a first load writes, no checks (`bench/same_writes.py`)",
        n,
        r["same"],
        floor,
        "",
        None,
        note="the least any import can take: keys, indexes, audit rows, clock queue, WAL",
    )
    add("import", "python csv + executemany, 1 transaction", n, r["python"], floor, "", None)
    big = n >= 200_000
    ok = r["sendctl"].median <= 3 * floor.median
    mem_ok = r["sendctl"].peak_mb < 150
    add(
        "import",
        "`sendctl cases import` (full validation)",
        n,
        r["sendctl"],
        floor,
        "<= 3x; < 150 MB" if big else "",
        (ok and mem_ok) if big else None,
    )
    if big:
        # the same file again over the register it just loaded: every row compared, none
        # written (the row-by-row path that plans added / updated / unchanged)
        log(f"re-import of the same {n:,} rows x 1")
        again = measure({"again": cases["sendctl"]}, 1)["again"]
        add(
            "import",
            "`sendctl cases import` again over it (re-import: all unchanged)",
            n,
            again,
            floor,
            "",
            None,
        )
    if with_sqlite_utils and SQLITE_UTILS:
        log(f"sqlite-utils insert --csv of {n:,} rows (once)")
        fresh("sqlite_utils")
        su = measure(
            {
                "su": (
                    [
                        SQLITE_UTILS,
                        "insert",
                        str(dbs["sqlite_utils"]),
                        "cases",
                        str(csv_path),
                        "--csv",
                    ],
                    {},
                )
            },
            1,
        )["su"]
        add("import", "`sqlite-utils insert --csv` (run once)", n, su, floor, "", None)
    for name in dbs:
        fresh(name)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{template}{suffix}").unlink(missing_ok=True)
    dbs["same"].unlink(missing_ok=True)
    same_sql.unlink(missing_ok=True)


def bench_startup(runs: int) -> None:
    if True:  # rebuilt every run: the demo grows with the features
        subprocess.run(
            [SENDCTL, "demo", "--db", str(DEMO), "--force"],
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ref = (
        sqlite3.connect(DEMO)
        .execute(
            "SELECT case_ref FROM cases WHERE plan_type = 'statement' ORDER BY case_ref LIMIT 1"
        )
        .fetchone()[0]
    )
    db = ["--db", str(DEMO)]
    cases = {
        "pass": ([PY, "-c", "pass"], {}),
        "typer": ([PY, "-c", "import typer"], {}),
        "help": ([SENDCTL, "--help"], {}),
        "deadlines": ([SENDCTL, *db, "deadlines", "--as-of", AS_OF], {}),
        "balances": ([SENDCTL, *db, "funds", "balances", "--as-of", AS_OF], {}),
        "show": ([SENDCTL, *db, "cases", "show", ref, "--as-of", AS_OF], {}),
    }
    log(f"start-up and everyday commands on the 420-case demo x {runs}")
    r = measure(cases, runs)
    floor = r["typer"]
    add("start-up", "`python -c pass`", None, r["pass"], floor, "", None)
    add("start-up", '`python -c "import typer"` (floor)', None, floor, floor, "floor", None)
    add(
        "start-up",
        "`sendctl --help`",
        None,
        r["help"],
        floor,
        "<= 1x",
        r["help"].median <= floor.median,
    )
    for key, label in (
        ("deadlines", "`sendctl deadlines` (demo)"),
        ("balances", "`sendctl funds balances` (demo)"),
        ("show", f"`sendctl cases show {ref}` (demo)"),
    ):
        add("start-up", label, 420, r[key], floor, "<= 1.5x", r[key].median <= 1.5 * floor.median)

    log(f"cases list on a pseudo-terminal x {runs}")
    # --no-pager: less would wait for a key on the pseudo-terminal (bench/terminal_list.py)
    t = measure({"list": ([SENDCTL, *db, "cases", "list", "--no-pager"], {"tty": True})}, runs)[
        "list"
    ]
    add(
        "terminal",
        "`sendctl cases list --no-pager` (demo, on a pty)",
        420,
        t,
        None,
        "< 0.5 s",
        t.median < 0.5,
        note=f"{t.lines} lines drawn",
    )


REPORTS = [
    ("deadlines", ["deadlines", "--as-of", AS_OF]),
    ("transfers status", ["transfers", "status", "--as-of", AS_OF]),
    ("panel summary", ["panel", "summary", "--as-of", AS_OF]),
    ("funds balances", ["funds", "balances", "--as-of", AS_OF]),
    ("spend export (one month)", ["spend", "export", "--fy", "2016-17", "--period", "6"]),
]


def has_command(args: list[str]) -> bool:
    """Whether this sendctl has the command (panel/transfers landed while issue 10 was worked on)."""
    group = subprocess.run([SENDCTL, "--help"], capture_output=True, text=True, env=ENV).stdout
    if f"  {args[0]} " not in group:
        return False
    if len(args) > 1 and not args[1].startswith("-"):
        sub = subprocess.run(
            [SENDCTL, args[0], "--help"], capture_output=True, text=True, env=ENV
        ).stdout
        return f"  {args[1]} " in sub
    return True


def bench_reports(n: int, runs: int) -> None:
    path = generate.write_db(n)
    # untimed: migrate forward (a database generated before a new migration), refresh the
    # planner's statistics, and warm the page cache as a day's first command would
    sys.path.insert(0, str(HERE.parent))
    from sendctl.storage.db import connect

    conn = connect(path)
    from sendctl.storage.clock_store import refresh

    refresh(conn)  # the clock store, as `sendctl clocks refresh` (bench/clocks.py times it)
    conn.execute("ANALYZE")
    conn.close()
    conn = sqlite3.connect(path)
    ledger = conn.execute("SELECT count(*) FROM ledger_entries").fetchone()[0]
    panel = conn.execute("SELECT count(*) FROM panel_decisions").fetchone()[0]
    conn.close()
    cases = {}
    notes = {}
    for label, args in REPORTS:
        if not has_command(args):
            notes[label] = "skipped: command not in this sendctl"
            continue
        cases[label] = ([SENDCTL, "--db", str(path), *args], {"count_lines": True})
    log(f"reports at {n:,} cases, {ledger:,} ledger entries, {panel:,} panel decisions x {runs}")
    r = measure(cases, runs)
    for label, _ in REPORTS:
        if label in notes:
            ROWS.append(
                {
                    "group": "report",
                    "what": f"`{label}`",
                    "rows": n,
                    "runs": 0,
                    "median": None,
                    "peak": None,
                    "ratio": None,
                    "goal": "< 1 s",
                    "ok": None,
                    "note": notes[label],
                }
            )
            continue
        res = r[label]
        add(
            "report",
            f"`sendctl {label}`",
            n,
            res,
            None,
            "< 1 s",
            res.median < 1.0,
            note=f"{res.lines:,} lines out",
        )


# --- output ------------------------------------------------------------------------------------


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    total = mem[1].split()[1] if len(mem) > 1 else "?"
    return (
        f"Machine: `nproc` {len(os.sched_getaffinity(0))}, {cpu or 'unknown CPU'}, "
        f"{total} RAM (`free -h`); Python {platform.python_version()}, SQLite {sqlite3.sqlite_version} "
        f"(shell {subprocess.run([SQLITE3, '--version'], capture_output=True, text=True).stdout.split()[0]}); "
        f"{platform.system()} {platform.release()}; load average at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}."
    )


def table() -> str:
    out = [
        "| group | what | rows | runs | median s | peak MB | ratio to floor | goal | met | note |",
        "|---|---|---:|---:|---:|---:|---:|---|:-:|---|",
    ]
    for r in ROWS:
        out.append(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                r["group"],
                r["what"],
                f"{r['rows']:,}" if r["rows"] else "",
                r["runs"] or "",
                f"{r['median']:.3f}" if r["median"] is not None else "-",
                f"{r['peak']:.0f}" if r["peak"] is not None else "-",
                f"{r['ratio']:.2f}x" if r["ratio"] is not None else "",
                r["goal"],
                {True: "yes", False: "**no**", None: ""}[r["ok"]],
                r["note"],
            )
        )
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="1,000 and 200,000 rows only (reports at 200,000)"
    )
    ap.add_argument(
        "--runs",
        type=int,
        default=5,
        help="runs per import/report measurement (default 5; 200k: 3)",
    )
    ap.add_argument(
        "--startup-runs", type=int, default=15, help="runs per start-up measurement (default 15)"
    )
    ap.add_argument("--only", choices=("imports", "startup", "reports"), help="run one group")
    a = ap.parse_args(argv)
    # sqlite-utils is optional (pip install 'sendctl[browse]'): its row is left out without it
    for tool, name in ((SENDCTL, "sendctl"), (SQLITE3, "sqlite3")):
        if not tool:
            sys.exit(f"{name} not found on PATH or beside {PY}")
    OUT.mkdir(exist_ok=True)
    big = 200_000 if a.quick else 1_000_000
    t0 = time.perf_counter()
    if a.only in (None, "startup"):
        bench_startup(a.startup_runs)
    if a.only in (None, "imports"):
        bench_imports(1_000, a.runs, with_sqlite_utils=True)
        bench_imports(200_000, max(1, min(a.runs, 3)), with_sqlite_utils=True)
    if a.only in (None, "reports"):
        bench_reports(big, max(1, min(a.runs, 3)))
    if a.only in (None, "imports") and not a.quick:
        # the heavy ones, once, at the end (sqlite-utils would take ~3 minutes: not run)
        bench_imports(1_000_000, 1, with_sqlite_utils=False)
    log(f"bench took {time.perf_counter() - t0:.0f} s")
    print(table())
    print()
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
