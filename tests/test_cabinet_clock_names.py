"""The Cabinet report names each statutory clock as the `status` dashboard does, never by its
code (review_notice, la_transfer_out ...)."""

import re

from sendctl.domain.clocks import CLOCKS
from sendctl.render.dashboard import CLOCK_LABELS


def test_every_clock_has_a_name():
    assert set(CLOCKS) <= set(CLOCK_LABELS)


def test_the_clocks_table_shows_names_not_codes(run, tmp_path, db_path):
    run("demo", "--db", db_path)
    out = tmp_path / "update.html"
    run("report", "cabinet", "--as-of", "2018-03-31", "--output", out)
    text = out.read_text(encoding="utf-8")
    section = text[text.index("2. Statutory timescales") : text.index("<h2>3.")]
    cells = re.findall(r"<tr><td>([^<]*)</td>", section)
    names = {v.replace("&amp;", "&") for v in CLOCK_LABELS.values()}
    assert cells and set(cells) <= names, set(cells) - names
    assert "Review notice (2 wk before)" in cells and "Moved away: plan passed on" in cells
    for code in CLOCKS:
        assert f"<td>{code}</td>" not in section
