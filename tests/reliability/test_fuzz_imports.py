"""Hypothesis fuzzing of every import: random bytes and random mutations of a valid file.
Never a traceback or the bug exit (70); exit 0 or 1; on exit 1 the database is unchanged."""

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability.hostile import GOOD_ROW, HEADERS
from reliability.support import AS_OF, assert_no_traceback, fingerprint

EXAMPLES = 100  # per import and strategy: 3 imports x 2 strategies x 100 = 600 runs
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VALID = {
    "cases": HEADERS["cases"]
    + "".join(
        f"F-{i},,Ann,Example,2010-0{i}-01,School {i},Mainstream,N,ASD,ehcp,2015-01-01,W,w@x.example\n"
        for i in range(1, 5)
    ),
    "panel": HEADERS["panel"]
    + "".join(
        f"REL-00000{i},2017-01-0{i},top-up,agreed,{i}000.00,Provider {i},N\n" for i in range(1, 5)
    ),
    "spend": HEADERS["spend"]
    + "".join(
        f"big,2017-05-0{i},{i}0.00,actual,Payment {i},Supplier {i} Ltd,INV-{i}\n"
        for i in range(1, 5)
    ),
}
assert all(GOOD_ROW)  # same shapes as the hostile files

NASTY = st.sampled_from(
    [
        ",",
        '"',
        "\n",
        "\r",
        "\r\n",
        "\t",
        "=",
        "+",
        "-",
        "@",
        "\x00",
        "\ufeff",
        "é",
        "£",
        "\u202e",
        "'; DROP TABLE cases; --",
        "9" * 40,
        "-1",
        "0",
        "1e308",
        "NaN",
        "2017-02-30",
        "31/13/2017",
        "Y",
        "N",
        "maybe",
        " " * 3,
        "\\",
        "%s",
        "{0}",
        "x" * 300,
        "ehcp",
        "statement",
        "agreed",
    ]
)
MUTATION = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "dup_line", "drop_line", "blank_field"]),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.one_of(NASTY, st.text(max_size=6)),
)


def mutate(text: str, ops) -> str:
    for op, a, b, payload in ops:
        lines = text.split("\n")
        i = a % len(lines)
        line = lines[i]
        pos = b % (len(line) + 1)
        if op == "insert":
            lines[i] = line[:pos] + payload + line[pos:]
        elif op == "delete":
            lines[i] = line[:pos] + line[pos + 1 + len(payload) :]
        elif op == "replace":
            cells = line.split(",")
            cells[b % len(cells)] = payload
            lines[i] = ",".join(cells)
        elif op == "dup_line":
            lines.insert(i, line)
        elif op == "drop_line":
            del lines[i]
            if not lines:
                lines = [""]
        else:
            cells = line.split(",")
            cells[b % len(cells)] = ""
            lines[i] = ",".join(cells)
        text = "\n".join(lines)
    return text


@pytest.fixture
def template(run, tmp_path):
    db = tmp_path / "template.db"
    run("--db", db, "init")
    run(
        "--db",
        db,
        "funds",
        "add",
        "big",
        "--name",
        "Test",
        "--kind",
        "revenue",
        "--allocation",
        "£1,000,000",
    )
    f = tmp_path / "seed.csv"
    f.write_text(
        HEADERS["cases"]
        + "".join(
            f"REL-{i:06d},,Ann,Example,2010-01-01,S,T,N,ASD,ehcp,2015-01-01,W,w@x.example\n"
            for i in range(1, 6)
        )
    )
    run("--db", db, "cases", "import", f, "--as-of", AS_OF)
    return db, fingerprint(db)


class Trial:
    def __init__(self, run, template, tmp_path, kind):
        self.run, self.kind = run, kind
        self.src, self.before = template
        self.db = tmp_path / "fuzz.db"
        self.file = tmp_path / f"fuzz-{kind}.csv"
        self.outcomes = {0: 0, 1: 0}

    def __call__(self, data: bytes):
        for side in ("-wal", "-shm"):
            (self.db.parent / (self.db.name + side)).unlink(missing_ok=True)
        shutil.copy(self.src, self.db)
        self.file.write_bytes(data)
        args = ["--db", self.db, self.kind, "import", self.file]
        if self.kind == "cases":
            args += ["--as-of", AS_OF]
        r = self.run(*args, expect=None)
        assert r.exit_code in (0, 1), (r.exit_code, r.stderr[-2000:])
        assert_no_traceback(r.stderr)
        if r.exit_code == 1:
            assert r.stderr.startswith("Error: ") or "\nError: " in r.stderr, r.stderr[-500:]
            assert fingerprint(self.db) == self.before
        self.outcomes[r.exit_code] += 1


@pytest.mark.parametrize("kind", ["cases", "panel", "spend"])
def test_fuzz_random_bytes(run, template, tmp_path, kind):
    trial = Trial(run, template, tmp_path, kind)
    header = HEADERS[kind].encode()

    @FUZZ
    @given(st.one_of(st.binary(max_size=3000), st.binary(max_size=600).map(lambda b: header + b)))
    def check(data):
        trial(data)

    check()
    assert trial.outcomes[1] > 0


@pytest.mark.parametrize("kind", ["cases", "panel", "spend"])
def test_fuzz_row_mutations(run, template, tmp_path, kind):
    trial = Trial(run, template, tmp_path, kind)

    @FUZZ
    @given(st.lists(MUTATION, min_size=1, max_size=4), st.sampled_from(["utf-8", "cp1252"]))
    def check(ops, encoding):
        trial(mutate(VALID[kind], ops).encode(encoding, errors="replace"))

    check()
    print(f"fuzz {kind}: {trial.outcomes}")
