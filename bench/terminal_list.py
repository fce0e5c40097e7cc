#!/usr/bin/env python3
"""How long `sendctl cases list` takes to draw the 420-case demo register on a terminal.

    python bench/terminal_list.py            # 7 runs at 120 and at 80 columns
    python bench/terminal_list.py --runs 15

The command runs in a pseudo-terminal (120x40, then 80x24) that is read as fast as it is
written, with colour on, as a person would see it. The pager is left out (--no-pager): with
`less -FRX` the time until the first screen is the same, and less then waits for a key.
Goal: under 0.5 s (median wall time, start-up included). Prints one markdown table.
"""

import argparse
import fcntl
import os
import platform
import pty
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

GOAL = 0.5
BIN = Path(sys.executable).parent
SENDCTL = str(BIN / "sendctl") if (BIN / "sendctl").exists() else shutil.which("sendctl")


def on_pty(cmd: list[str], env: dict, cols: int, rows: int) -> tuple[float, int]:
    """(wall seconds, lines drawn) for cmd with stdout on a pseudo-terminal cols x rows."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    chunks: list[bytes] = []

    def drain():
        while True:
            try:
                b = os.read(master, 65536)
            except OSError:
                return
            if not b:
                return
            chunks.append(b)

    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    th = threading.Thread(target=drain)
    th.start()
    p.wait()
    wall = time.perf_counter() - t
    th.join()
    os.close(master)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}: {b''.join(chunks)[-400:]!r}")
    return wall, b"".join(chunks).count(b"RCC-")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if not SENDCTL:
        raise SystemExit("sendctl is not installed in this environment")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.db")
        env = dict(os.environ, SENDCTL_OFFICER="bench", TERM="xterm-256color")
        for var in ("NO_COLOR", "SENDCTL_DB", "COLUMNS", "LINES", "PAGER"):
            env.pop(var, None)
        subprocess.run([SENDCTL, "demo", "--db", db], env=env, check=True, capture_output=True)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
            f"{args.runs} runs each, interleaved\n"
        )
        print("| terminal | rows drawn | median s | min s | goal |")
        print("|---|---|---|---|---|")
        sizes = [(120, 40), (80, 24)]
        times: dict = {s: [] for s in sizes}
        lines = {}
        for _ in range(args.runs):
            for cols, rows in sizes:
                wall, n = on_pty(
                    [SENDCTL, "--db", db, "cases", "list", "--no-pager"], env, cols, rows
                )
                times[(cols, rows)].append(wall)
                lines[(cols, rows)] = n
            t = time.perf_counter()
            subprocess.run(
                [SENDCTL, "--db", db, "cases", "list"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            times.setdefault("pipe", []).append(time.perf_counter() - t)
        for size, ts in times.items():
            med = statistics.median(ts)
            if size == "pipe":
                print(
                    f"| none (a pipe: plain text, for comparison) | 420 | {med:.3f} | {min(ts):.3f} | |"
                )
                continue
            verdict = "met" if med < GOAL else "MISSED"
            print(
                f"| {size[0]}x{size[1]} pseudo-terminal, colour | {lines[size]} | {med:.3f} | "
                f"{min(ts):.3f} | < {GOAL} s: {verdict} |"
            )


if __name__ == "__main__":
    main()
