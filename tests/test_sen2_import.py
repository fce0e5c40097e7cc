"""`cases import-sen2`: a previous return into an empty register, the same return out again
(round trip), every code list covered, and bad files refused with nothing written."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sendctl.domain import sen2 as S

FIXTURE = Path(__file__).parent / "fixtures" / "sen2_2026.xml"


def _flat(el, path=""):
    here = f"{path}/{el.tag}"
    kids = list(el)
    if not kids:
        return [(here, el.text)]
    return [x for k in kids for x in _flat(k, here)]


def _without_datetime(items):
    """Without the generation time and the generating sendctl's release (its version)."""
    return [(p, t) for p, t in items if not p.endswith(("/DateTime", "/Release"))]


@pytest.fixture
def imported(run):
    run("init", "--no-funds")
    r = run("cases", "import-sen2", FIXTURE)
    assert "imported 22 children (22 added, 0 refreshed), 25 requests" in r.stderr
    return run


def test_round_trip_is_identical_element_by_element(imported, tmp_path):
    out = tmp_path / "again.xml"
    imported("report", "sen2", "--year", 2025, "--xml", out)  # LA code kept from the file's header
    want = _without_datetime(_flat(ET.parse(FIXTURE).getroot()))
    got = _without_datetime(_flat(ET.parse(out).getroot()))
    assert got == want
    # and byte for byte, apart from the generation time
    strip = re.compile(r"<DateTime>[^<]*</DateTime>|<Release>[^<]*</Release>")
    assert strip.sub("", out.read_text()) == strip.sub("", FIXTURE.read_text())
    # a second generation from the imported register gives the same file again
    imported("cases", "import-sen2", out)
    again = tmp_path / "third.xml"
    imported("report", "sen2", "--year", 2025, "--xml", again)
    assert strip.sub("", again.read_text()) == strip.sub("", out.read_text())


def test_the_fixture_covers_every_module_and_code_list():
    items = _flat(ET.parse(FIXTURE).getroot())
    seen: dict[str, set] = {}
    for path, text in items:
        seen.setdefault(path.split("/")[-1], set()).add(text)
    modules = {p.split("/")[-2] for p, _ in items}
    assert {m[0] for m in S.MODULES.values()} - {"Person"} <= modules
    want = {
        "Sex": S.SEX,
        "UPNunknown": S.UPN_UNKNOWN,
        "RequestSource": S.REQUEST_SOURCE,
        "RequestOutcome": S.OUTCOMES,
        "AssessmentOutcome": S.OUTCOMES,
        "ReviewOutcome": S.REVIEW_OUTCOME,
        "SENsetting": S.SEN_SETTING,
        "PlanRes": S.RESIDENTIAL,
        "RES": S.RESIDENTIAL,
        "PlanWBP": S.WORK_BASED,
        "WBP": S.WORK_BASED,
        "DP": S.DIRECT_PAYMENTS,
        "CeaseReason": S.CEASE_REASON,
        "SENtype": S.SEN_TYPE,
        "PlacementRank": ("1", "2"),
        "SENtypeRank": ("1", "2"),
        "Week20": ("0", "1"),
        "RYA": ("0", "1"),
    }
    for element, codes in want.items():
        assert set(codes) <= seen[element], (element, set(codes) - seen[element])
    assert set(S.ETHNICITY_MAIN) <= seen["Ethnicity"]
    for element in (
        "UKPRN",
        "URN",
        "UniqueLearnerNumber",
        "TransferLA",
        "ReviewDraft",
        "PhaseTransferDueDate",
        "PhaseTransferFinalDate",
        "SENsettingOther",
        "Exported",
        "LeavingDate",
        "OtherTribunal",
    ):
        assert element in seen, element


def test_import_checks_and_explains(imported):
    rows = imported.json("report", "sen2", "--year", 2025, "--check")
    assert {r["kind"] for r in rows} == {"query"}  # OTH, NIEO and reason 9 need an explanation
    figures = {
        r["figure"]: r["value"]
        for r in imported.json("report", "sen2", "--year", 2025)
        if r["section"].startswith("sen2_")
    }
    assert figures["caseload"] == 9 and figures["new_plans"] == 1
    assert figures["requests_withdrawn"] == 1 and figures["requests_not_decided"] == 1
    assert [figures[f"ceased_reason_{c}"] for c in range(1, 10)] == [1] * 9
    assert figures["plans_issued"] == 1 and figures["plans_issued_ex"] == 0  # the exception case
    # the imported open request runs its clocks like any other
    rows = imported.json("deadlines", "--as-of", "2026-01-15", "--within", "400")
    assert any(r["clock"].startswith("assessment") for r in rows)


def test_refresh_is_idempotent(imported):
    r = imported("cases", "import-sen2", FIXTURE)
    assert "(0 added, 22 refreshed)" in r.stderr
    assert len(imported.json("cases", "list")) == 22


def _bad(tmp_path, text, name="bad.xml"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "<Root><Header/></Root>",
            "bad.xml:1: not a SEN2 return: the root element is <Root>, expected <Message>",
        ),
        (
            "<Message>\n<Persons>\n<Person>\n<Requests>\n<Nonsense>1</Nonsense>",
            "bad.xml:5: Message/Persons/Person/Requests/Nonsense: unknown element",
        ),
        (
            "<Message><Persons><Person><Surname>A</Surname><Surname>B</Surname></Person></Persons></Message>",
            "Message/Persons/Person/Surname: given twice",
        ),
        (
            "<Message><Persons><Person><Requests><Assessment/><Assessment/></Requests></Person></Persons></Message>",
            "Message/Persons/Person/Requests/Assessment: only one <Assessment> is allowed here",
        ),
        (
            "<Message><Persons><Person>\n<Forename><B>x</B></Forename>",
            "bad.xml:2: Message/Persons/Person/Forename/B: <B> inside an item that holds a value",
        ),
        ("<Message><Persons><Person>", "bad.xml:1: not well-formed XML"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY x "y">]>\n<Message/>',
            "a document type declaration is not allowed",
        ),
        ("not xml at all", "bad.xml:1: not well-formed XML"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(run, tmp_path, text, message):
    run("init", "--no-funds")
    head = (
        "<Message><Header><CollectionDetails><Year>2026</Year><ReferenceDate>2026-01-15</ReferenceDate>"
        "</CollectionDetails></Header>"
    )
    good = FIXTURE.read_text()
    # a good child first, on the same line: the refusal must roll it back
    child = re.sub(r">\s+<", "><", good[good.index("<Person>") : good.index("</Person>") + 9])
    text = text.replace("<Message><Persons>", head + "<Persons>" + child, 1)
    r = run("cases", "import-sen2", _bad(tmp_path, text), expect=1)
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert run.json("cases", "list") == []


def test_bad_values_are_refused_without_echoing_personal_data(run, tmp_path):
    run("init", "--no-funds")
    text = (
        FIXTURE.read_text()
        .replace("<Sex>F</Sex>", "<Sex>Q</Sex>", 1)
        .replace(
            "<ReceivedDate>2025-01-06</ReceivedDate>", "<ReceivedDate>06/01/2025</ReceivedDate>", 1
        )
    )
    r = run("cases", "import-sen2", _bad(tmp_path, text), expect=1)
    assert "Person/Sex: not in the SEN2 code list" in r.stderr
    assert "Requests/ReceivedDate: expected a date YYYY-MM-DD (got '06/01/2025')" in r.stderr
    assert "'Q'" not in r.stderr and "nothing was imported" in r.stderr
    assert run.json("cases", "list") == []


def test_dry_run_writes_nothing(run):
    run("init", "--no-funds")
    r = run("cases", "import-sen2", FIXTURE, "--dry-run")
    assert "would import 22 children" in r.stderr
    assert run.json("cases", "list") == []


def test_a_structure_error_late_in_a_long_file_rolls_back_what_was_written(run, tmp_path):
    run("init", "--no-funds")
    good = FIXTURE.read_text()
    people = good[good.index("<Persons>") + 9 : good.index("</Persons>")]
    # the same 22 children under other surnames and without identifiers, 4 times: > 64 KB read
    copies = []
    for n in range(4):
        c = re.sub(r"<UPN>[^<]*</UPN>", "<UPNunknown>UN8</UPNunknown>", people)
        c = re.sub(r"<UniqueLearnerNumber>[^<]*</UniqueLearnerNumber>", "", c)
        copies.append(c.replace("<Surname>Child", f"<Surname>Copy{n}"))
    text = good.replace(people, "".join(copies) + "<Person><Surname>X</Surname><Bogus/></Person>\n")
    assert len(text) > 64 * 1024
    r = run("cases", "import-sen2", _bad(tmp_path, text), expect=1)
    assert "Message/Persons/Person/Bogus: unknown element" in r.stderr
    assert run.json("cases", "list") == []


def test_an_imported_open_assessment_moves_on_with_the_clocks(imported, tmp_path):
    ref = next(c["case_ref"] for c in imported.json("cases", "list") if c["surname"] == "Child22")
    imported("assessments", "record", ref, "draft-issued", "--date", "2025-12-01")
    imported("assessments", "record", ref, "final-issued", "--date", "2026-01-12")
    out = tmp_path / "r.xml"
    imported("report", "sen2", "--year", 2025, "--xml", out)
    child = next(
        p for p in ET.parse(out).getroot().find("Persons") if p.findtext("Surname") == "Child22"
    )
    assert child.findtext("Requests/Assessment/AssessmentOutcomeDate") == "2026-01-12"
    assert child.findtext("Requests/Assessment/NamedPlan/StartDate") == "2026-01-12"


# --- the collection system's CSV tables (COLLECT's "Blade" export) ---------------------------

_TABLES = {
    "Person": "person",
    "Requests": "requests",
    "Assessment": "assessment",
    "NamedPlan": "namedplan",
    "PlanDetail": "plandetail",
    "ActivePlans": "activeplans",
    "PlacementDetail": "placementdetail",
    "SENneed": "senneed",
}
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _blade_value(text):
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}:\d{2}))?", text or "")
    if not m:
        return text or ""
    return f"{m.group(1)}-{_MONTHS[int(m.group(2)) - 1]}-{m.group(3)} {m.group(4) or '00:00:00'}"


def _to_blade(xml_path, folder, stamp="10-02-2026"):
    """The return as COLLECT's Blade export: one CSV per module, rows joined by keys, written
    in reverse order with the order column saying the real one; 0/1 indicators as false/true."""
    import csv

    root = ET.parse(xml_path).getroot()
    rows: dict[str, list[dict]] = {"sen2": [], **{t: [] for t in _TABLES.values()}}
    head = {"sen2tableid": "1", "NativeId": "1", "sen2orderseqcolumn": "1", "sourceid": "1"}
    for el in root.iter():
        if el.tag in (
            "Collection",
            "Year",
            "ReferenceDate",
            "SourceLevel",
            "LEA",
            "SoftwareCode",
            "Release",
            "SerialNo",
            "DateTime",
        ):
            head[el.tag.lower()] = _blade_value(el.text)
    rows["sen2"].append(head)
    ids = iter(range(100, 100000))

    def visit(el, parent_table, parent_id):
        table = _TABLES[el.tag]
        tid = str(next(ids))
        row = {
            f"{table}tableid": tid,
            "NativeId": tid,
            "sourceid": "1",
            f"{table}orderseqcolumn": str(len(rows[table]) + 1),
            f"{parent_table}tableid": parent_id,
        }
        for k in el:
            if len(k) == 0 and k.tag not in _TABLES:
                v = _blade_value(k.text)
                if k.tag in ("Week20", "RYA"):
                    v = {"1": "true", "0": "false"}[v]
                row[k.tag.lower()] = v
        rows[table].append(row)
        for k in el:
            if k.tag in _TABLES:
                visit(k, table, tid)

    for p in root.find("Persons"):
        visit(p, "sen2", "1")
    paths = []
    for table, rs in rows.items():
        cols = list(dict.fromkeys(c for r in rs for c in r))
        path = folder / f"Blade-Export_{stamp}_{table}.csv"
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, cols)
            w.writeheader()
            w.writerows(reversed(rs))
        paths.append(path)
    return paths


def test_blade_csv_tables_import_to_the_same_return_as_the_xml(run, tmp_path):
    folder = tmp_path / "blade"
    folder.mkdir()
    _to_blade(FIXTURE, folder)
    run("init", "--no-funds")
    r = run("cases", "import-sen2", folder)
    assert "imported 22 children (22 added, 0 refreshed), 25 requests" in r.stderr
    out = tmp_path / "from-csv.xml"
    run("report", "sen2", "--year", 2025, "--xml", out)
    strip = re.compile(r"<DateTime>[^<]*</DateTime>|<Release>[^<]*</Release>")
    assert strip.sub("", out.read_text()) == strip.sub("", FIXTURE.read_text())
    # the files named one by one are the same set; importing it again changes nothing
    r = run("cases", "import-sen2", *sorted(folder.iterdir()))
    assert "9 files: imported 22 children (0 added, 22 refreshed)" in r.stderr
    again = tmp_path / "again.xml"
    run("report", "sen2", "--year", 2025, "--xml", again)
    assert strip.sub("", again.read_text()) == strip.sub("", out.read_text())


def _break(path, line, column, value):
    import csv

    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    rows[line - 1][rows[0].index(column)] = value
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        (
            "requests",
            "receiveddate",
            "31/02/2025",
            "receiveddate: expected a date like 2022-Sep-28",
        ),
        ("assessment", "week20", "maybe", "week20: expected 1 or 0"),
        (
            "senneed",
            "activeplanstableid",
            "999999",
            "activeplanstableid: no activeplans row with this key",
        ),
        ("requests", "requestoutcome", "Q", "requestoutcome: not in the SEN2 code list (got 'Q')"),
        ("person", "personbirthdate", "2013-02-30", "personbirthdate: expected a date"),
    ],
)
def test_blade_problem_names_file_line_and_column_and_nothing_is_written(
    run, tmp_path, table, column, value, message
):
    folder = tmp_path / "blade"
    folder.mkdir()
    _to_blade(FIXTURE, folder)
    path = folder / f"Blade-Export_10-02-2026_{table}.csv"
    _break(path, 3, column, value)
    run("init", "--no-funds")
    r = run("cases", "import-sen2", folder, expect=1)
    assert f"{path.name}:3: {message}" in r.stderr, r.stderr
    assert "nothing was imported" in r.stderr and "Traceback" not in r.stderr
    assert "2013-02-30" not in r.stderr  # a date of birth is never echoed
    assert run.json("cases", "list") == []


def test_blade_set_refused_when_a_file_is_not_a_table_or_the_person_table_is_missing(run, tmp_path):
    folder = tmp_path / "blade"
    folder.mkdir()
    paths = _to_blade(FIXTURE, folder)
    run("init", "--no-funds")
    odd = folder / "notes.csv"
    odd.write_text("a,b\n1,2\n")
    r = run("cases", "import-sen2", folder, expect=1)
    assert "notes.csv: not a SEN2 Blade table" in r.stderr
    odd.unlink()
    person = next(p for p in paths if p.name.endswith("_person.csv"))
    r = run("cases", "import-sen2", *[p for p in paths if p != person], expect=1)
    assert "_person.csv: table missing" in r.stderr
    assert run.json("cases", "list") == []


def test_a_return_with_gender_current_keeps_the_sex(run, tmp_path):
    old = tmp_path / "old.xml"
    text = FIXTURE.read_text()
    text = text.replace("<Sex>M</Sex>", "<GenderCurrent>1</GenderCurrent>")
    text = text.replace("<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>")
    assert "<Sex>" not in text
    old.write_text(text)
    run("init", "--no-funds")
    run("cases", "import-sen2", old)
    out = tmp_path / "again.xml"
    run("report", "sen2", "--year", 2025, "--xml", out)
    assert [p.findtext("Sex") for p in ET.parse(out).getroot().find("Persons")] == [
        p.findtext("Sex") for p in ET.parse(FIXTURE).getroot().find("Persons")
    ]


def test_blade_dry_run_writes_nothing(run, tmp_path):
    folder = tmp_path / "blade"
    folder.mkdir()
    _to_blade(FIXTURE, folder)
    run("init", "--no-funds")
    r = run("cases", "import-sen2", folder, "--dry-run")
    assert "would import 22 children (22 added, 0 refreshed), 25 requests" in r.stderr
    assert run.json("cases", "list") == []
