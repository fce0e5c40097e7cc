"""Where every example generator writes: examples/NAME and the copy the package ships
(sendctl/demo_data/NAME, read by `sendctl demo` from an installed wheel). Both stay identical."""

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
PACKAGED = EXAMPLES.parent / "sendctl" / "demo_data"


def write_or_check(name: str, text: str, noun: str, argv: list[str]) -> int:
    """Write both copies, or with --check exit 1 when either differs from what the generator makes."""
    targets = [EXAMPLES / name, PACKAGED / name]
    if "--check" in argv:
        stale = [t for t in targets if not t.exists() or t.read_bytes() != text.encode("utf-8")]
        for t in targets:
            print(f"{t}: {'differs from the generator' if t in stale else 'up to date'}")
        return 1 if stale else 0
    for t in targets:
        t.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {targets[0]} and its packaged copy ({text.count(chr(10)) - 1} {noun})")
    return 0
