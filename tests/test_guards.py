"""Never guess, never destroy: hostile or careless input is refused with exit 1 and the database
is left byte-for-byte as it was (hashed before and after every refusal)."""

import hashlib
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from sendctl.domain.dates import parse_date, parse_financial_year
from sendctl.domain.errors import SendctlError


def digest(path: Path) -> str | None:
    """The database and its journal files, hashed (None when there is no database)."""
    if not path.exists():
        return None
    h = hashlib.sha256()
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()


@pytest.fixture
def unchanged(db_path):
    """`with unchanged(): run(..., expect=1)`: fails when the block changed the database."""

    @contextmanager
    def check():
        before = digest(db_path)
        yield
        assert digest(db_path) == before, "the database changed"

    return check


@pytest.fixture
def seeded(run):
    run("init")
    return run


# --- item 1: dates only in the README's spellings, day first -----------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2017-05-01", date(2017, 5, 1)),
        ("2017/05/01", date(2017, 5, 1)),  # a leading 4-digit year: year first, never 5 January
        ("2017.05.01", date(2017, 5, 1)),
        ("01/05/2017", date(2017, 5, 1)),
        ("1/5/2017", date(2017, 5, 1)),
        ("01-05-2017", date(2017, 5, 1)),
        ("1.5.2017", date(2017, 5, 1)),
        ("1 May 2017", date(2017, 5, 1)),
        ("01 May 2017", date(2017, 5, 1)),
        ("1st May 2017", date(2017, 5, 1)),
        ("1-May-2017", date(2017, 5, 1)),
        ("1 SEPT 2017", date(2017, 9, 1)),
    ],
)
def test_accepted_spellings(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text,why",
    [
        ("20170501", "ambiguous"),
        ("01052017", "ambiguous"),
        ("May 2017", "whole date"),
        ("2017-05", "whole date"),
        ("05/2017", "whole date"),
        ("2017", "whole date"),
        ("1 May 17", "year in full"),
        ("01/05/17", "year in full"),
        ("May 1 2017", "expected e.g."),  # month first: never
        ("Monday 1 May 2017", "expected e.g."),
        ("1 Mai 2017", "not a month"),
        ("0001-01-01", "between 1900 and 2100"),
        ("9999-12-31", "between 1900 and 2100"),
        ("31/12/9999", "between 1900 and 2100"),
    ],
)
def test_refused_spellings_say_why(text, why):
    with pytest.raises(SendctlError) as e:
        parse_date(text, "--date")
    assert e.value.message.startswith("--date: ") and why in e.value.message


def test_financial_years_out_of_range_are_refused():
    for text in ("0001-02", "9999-00", "2100-01"):
        with pytest.raises(SendctlError, match="between 1900"):
            parse_financial_year(text)


def test_year_first_date_through_the_cli(seeded):
    seeded("spend", "post", "reserve", "10", "--date", "2017/05/01", "--description", "x")
    assert seeded.json("spend", "list")[-1]["posted_on"] == "2017-05-01"


@pytest.mark.parametrize("text", ["20170501", "May 2017", "2017-05", "2017", "01/05/17", "9999-01-01"])
def test_guessable_dates_are_refused_and_nothing_is_written(seeded, unchanged, text):
    with unchanged():
        r = seeded("spend", "post", "reserve", "10", "--date", text, "--description", "x", expect=1)
        assert "--date:" in r.stderr and "Traceback" not in r.stderr
        r = seeded("cases", "add", "X1", "--forename", "A", "--surname", "B", "--dob", text,
                   "--plan", "ehcp", expect=1)
        assert "--dob:" in r.stderr and text not in r.stderr  # a date of birth is never echoed
        r = seeded("status", "--as-of", text, expect=1)
        assert "--as-of:" in r.stderr


def test_partial_date_in_a_file_is_refused_at_its_line(seeded, unchanged, tmp_path):
    f = tmp_path / "cases.csv"
    f.write_text("case_ref,forename,surname,date_of_birth,plan_type\n"
                 "A1,Ann,Bee,2010-01-01,ehcp\nA2,Cat,Dee,May 2010,ehcp\n", encoding="utf-8")
    with unchanged():
        r = seeded("cases", "import", f, "--as-of", "2017-04-18", expect=1)
    assert ":3:" in r.stderr and "whole date" in r.stderr and "May 2010" not in r.stderr
