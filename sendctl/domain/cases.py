"""The case register's rules: CSV headers, value normalisers, one row -> a validated case.

Pure: no I/O, no clock (the as-of date is a parameter), no printing. The UPN check letter is
computed by python-stdnum (`stdnum.gb.upn`), imported lazily so that `--help` stays light.

Everything here is built to be cheap per row (an import of 1,000,000 rows calls
`validate_case` 1,000,000 times): dictionary look-ups and fast date paths before any fallback.
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from sendctl.domain.dates import BadDate, check_year, parse_date
from sendctl.domain.text import control_character

# Fields of a case, in the order exports use (plus plan_issued_on, the review anchor).
FIELDS = (
    "case_ref",
    "upn",
    "forename",
    "surname",
    "date_of_birth",
    "setting",
    "setting_type",
    "out_of_county",
    "year_group",
    "primary_need",
    "plan_type",
    "plan_issued_on",
    "caseworker",
    "caseworker_email",
)
REQUIRED = ("case_ref", "forename", "surname", "date_of_birth", "plan_type")

# Header aliases (matched ignoring case, spaces, underscores and punctuation: ingest.csvfile).
ALIASES: dict[str, tuple[str, ...]] = {
    "case_ref": (
        "Ref",
        "Reference",
        "Case ref",
        "Case reference",
        "Case no",
        "Case number",
        "Case ID",
        "Child ID",
        "Child ref",
        "Child reference",
        "Person ID",
        "Client ID",
        "Young person ID",
        "ID",
    ),
    "upn": ("UPN", "Unique pupil number", "Pupil number"),
    "forename": (
        "First name",
        "Firstname",
        "Forenames",
        "Forename(s)",
        "Given name",
        "Legal forename",
        "Child forename",
    ),
    "surname": ("Last name", "Lastname", "Family name", "Legal surname", "Child surname"),
    "date_of_birth": ("DOB", "D.O.B.", "Date of birth", "Birth date", "Birthdate", "Born"),
    "setting": (
        "School",
        "School name",
        "Setting",
        "Setting name",
        "School/setting",
        "Establishment",
        "Establishment name",
        "Provider",
        "Placement",
        "Current setting",
        "Current school",
    ),
    "setting_type": (
        "Setting type",
        "School type",
        "Type of setting",
        "Establishment type",
        "Provision type",
        "Placement type",
    ),
    "out_of_county": (
        "Out of county",
        "OOC",
        "Out of area",
        "OOA",
        "Out of county placement",
        "Out of authority",
    ),
    "year_group": ("Year", "Year group", "NC year", "NCY", "National curriculum year"),
    "primary_need": (
        "Primary need",
        "Need",
        "Main need",
        "Primary SEN need",
        "Primary SEN type",
        "SEN type",
        "Need code",
    ),
    "plan_type": ("Plan", "Plan type", "SEN status", "SEN provision", "Provision"),
    "plan_issued_on": (
        "Plan date",
        "Plan issued",
        "Plan issued on",
        "Date plan issued",
        "EHCP date",
        "Statement date",
        "Plan issue date",
    ),
    "caseworker": (
        "Caseworker",
        "Case worker",
        "Case officer",
        "SEN officer",
        "Keyworker",
        "Key worker",
        "Lead officer",
    ),
    "caseworker_email": (
        "Caseworker email",
        "Caseworker e-mail",
        "Case worker email",
        "Case officer email",
        "Officer email",
        "SEN officer email",
    ),
}

# The DfE SEN type codes (school census and SEN2); NSA only for SEN support.
# DS (Down syndrome) joined DfE's SEN type list with the 2025 SEN2 collection; the return's
# checks refuse it in an earlier year's return (its code list had no DS).
NEED_CODES = (
    "SPLD",
    "MLD",
    "SLD",
    "PMLD",
    "SEMH",
    "SLCN",
    "HI",
    "VI",
    "MSI",
    "PD",
    "ASD",
    "DS",
    "OTH",
)
NSA = "NSA"
_NEED_NAMES = {
    "specificlearningdifficulty": "SPLD",
    "dyslexia": "SPLD",
    "moderatelearningdifficulty": "MLD",
    "severelearningdifficulty": "SLD",
    "profoundandmultiplelearningdifficulty": "PMLD",
    "socialemotionalandmentalhealth": "SEMH",
    "socialemotionalmentalhealth": "SEMH",
    "speechlanguageandcommunicationneeds": "SLCN",
    "speechlanguageandcommunicationneed": "SLCN",
    "hearingimpairment": "HI",
    "visualimpairment": "VI",
    "multisensoryimpairment": "MSI",
    "physicaldisability": "PD",
    "autisticspectrumdisorder": "ASD",
    "autism": "ASD",
    "autismspectrumdisorder": "ASD",
    "downsyndrome": "DS",
    "downssyndrome": "DS",
    "other": "OTH",
    "otherdifficultydisability": "OTH",
    "otherdifficultyordisability": "OTH",
    "sensupportbutnospecialistassessmentoftype": "NSA",
    "nospecialistassessment": "NSA",
}
NEED_LOOKUP = {c.lower(): c for c in NEED_CODES} | {"nsa": NSA} | _NEED_NAMES

PLAN_TYPES = ("statement", "ehcp", "sen_support")
# Keys are lower-case with everything but letters and digits removed.
PLAN_LOOKUP = {
    "statement": "statement",
    "statementofsen": "statement",
    "ssen": "statement",
    "statementofspecialeducationalneeds": "statement",
    "s": "statement",
    "stat": "statement",
    "ehcp": "ehcp",
    "ehcplan": "ehcp",
    "ehc": "ehcp",
    "e": "ehcp",
    "educationhealthandcareplan": "ehcp",
    "educationhealthcareplan": "ehcp",
    "sensupport": "sen_support",
    "k": "sen_support",
    "support": "sen_support",
    "sens": "sen_support",
}

_YES = {"y", "yes", "true", "1", "t", "x"}
_NO = {"", "n", "no", "false", "0", "f", "-"}

YEAR_GROUPS = ("N1", "N2", "R") + tuple(str(i) for i in range(1, 15))
_YEAR_LOOKUP = {g.lower(): g for g in YEAR_GROUPS} | {
    "reception": "R",
    "rec": "R",
    "yr": "R",
    "nursery1": "N1",
    "nursery2": "N2",
    "n": "N2",
    "nursery": "N2",
}
_YEAR_PREFIX = re.compile(r"^(?:ncy|nc)?\s*(?:year|yr|y)?\s*", re.I)

_KEY = re.compile(r"[^a-z0-9]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_TEXT = 200

UPN_ALPHA = "ABCDEFGHJKLMNPQRTUVWXYZ"  # no I, O or S
_UPN_VALUE = {c: i for i, c in enumerate(UPN_ALPHA)} | {str(d): d for d in range(10)}
_UPN_SHAPE = re.compile(r"[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]\Z")
_LA_KNOWN: dict[str, bool] = {}  # LA number -> stdnum knows it (asked once each)

_UPN_PROBLEMS = {
    "InvalidLength": "must be 13 characters",
    "InvalidFormat": "characters 2-12 must be digits and the last a digit or letter (not I, O or S)",
    "InvalidComponent": "characters 2-4 are not a known local authority number",
    "InvalidChecksum": "wrong check letter (character 1)",
}


# Personal data (no surnames, UPNs or dates of birth in messages): a problem with one of
# these fields names the field and the line or case reference, never the value itself.
PERSONAL_FIELDS = frozenset({"forename", "surname", "upn", "date_of_birth"})


class CaseProblem(ValueError):
    """One field's problem; `validate_case` collects them per row.

    `value` (echoed as "(got ...)") is dropped for PERSONAL_FIELDS.
    """

    def __init__(self, field: str, problem: str, value: str | None = None):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.value = None if field in PERSONAL_FIELDS else value


# --- single values ----------------------------------------------------------------------------


def normalise_plan_type(text: str) -> str:
    """'Statement', 'EHC Plan', 'SEN Support', 'K' ... -> statement | ehcp | sen_support.

    Raises:
        CaseProblem: for anything else (empty included: the plan type is required).
    """
    plan = PLAN_LOOKUP.get(_KEY.sub("", text.lower()))
    if plan is None:
        if not text:
            raise CaseProblem("plan_type", "required")
        raise CaseProblem(
            "plan_type", "not a plan type; expected statement, ehcp or sen_support", text
        )
    return plan


def normalise_need(text: str, plan_type: str | None) -> str | None:
    """A DfE SEN type code, upper-case ('asd' -> 'ASD'); empty -> None.

    Rule 23: SPLD, MLD, SLD, PMLD, SEMH, SLCN, HI, VI, MSI, PD, ASD, DS, OTH; NSA
    ("SEN support but no specialist assessment") only for SEN support.
    """
    if not text:
        return None
    code = NEED_LOOKUP.get(text.lower()) or NEED_LOOKUP.get(_KEY.sub("", text.lower()))
    if code is None:
        raise CaseProblem(
            "primary_need",
            f"not a DfE need code; expected one of {', '.join(NEED_CODES)} (or NSA)",
            text,
        )
    if code == NSA and plan_type is not None and plan_type != "sen_support":
        raise CaseProblem(
            "primary_need", "NSA (no specialist assessment) is only for SEN support", text
        )
    return code


def parse_flag(text: str, field: str = "out_of_county") -> bool:
    """Y/yes/true/1 -> True; N/no/false/0/empty -> False."""
    t = text.lower()
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise CaseProblem(field, "expected yes or no (Y/N, true/false, 1/0)", text)


def check_upn(text: str) -> str | None:
    """Validate a UPN with stdnum; return it compact and upper-case.

    Empty -> None (a UPN is optional). Permanent (13th character a digit) and temporary (a
    letter) numbers are both accepted.

    Speed: stdnum costs ~15 µs a call, too much for a million-row import. A well-formed UPN
    whose check letter is right (rule 22, computed below exactly as stdnum does) then depends
    only on whether stdnum knows its LA number, so stdnum is asked once per LA number and the
    answer kept. Anything else goes to stdnum for its verdict and the precise problem.
    """
    if not text:
        return None
    t = text.replace(" ", "").upper()
    if len(t) == 13 and _UPN_SHAPE.match(t):
        v = _UPN_VALUE
        total = (
            2 * v[t[1]]
            + 3 * v[t[2]]
            + 4 * v[t[3]]
            + 5 * v[t[4]]
            + 6 * v[t[5]]
            + 7 * v[t[6]]
            + 8 * v[t[7]]
            + 9 * v[t[8]]
            + 10 * v[t[9]]
            + 11 * v[t[10]]
            + 12 * v[t[11]]
            + 13 * v[t[12]]
        )
        if UPN_ALPHA[total % 23] == t[0]:
            la = t[1:4]
            known = _LA_KNOWN.get(la)
            if known is None:
                known = _LA_KNOWN[la] = _stdnum_is_valid(t)
            if known:
                return t
    from stdnum.exceptions import ValidationError

    try:
        return _stdnum_validate(t)
    except ValidationError as e:
        raise CaseProblem(
            "upn", _UPN_PROBLEMS.get(type(e).__name__, "not a valid UPN"), text
        ) from None


def _stdnum_is_valid(t: str) -> bool:
    from stdnum.gb import upn  # lazy: keeps stdnum out of start-up

    return upn.is_valid(t)


def _stdnum_validate(t: str) -> str:
    from stdnum.gb import upn  # lazy: keeps stdnum out of start-up

    return upn.validate(t)


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (used by examples and tests)."""
    from stdnum.gb import upn  # lazy: keeps stdnum out of start-up

    return upn.calc_check_digit(body)


def _date(text: str, field: str) -> date:
    # Fast path for ISO: date.fromisoformat alone would also take 20170418 and week dates.
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:
                return check_year(date.fromisoformat(text), field, text)
            except ValueError:
                pass
        return parse_date(text, field)
    except BadDate as e:
        raise CaseProblem(field, e.reason, text) from None


def academic_year_start(as_of: date) -> int:
    """The calendar year in which the academic year containing as_of began (1 September)."""
    return as_of.year if as_of.month >= 9 else as_of.year - 1


def year_group_for(dob: date, as_of: date) -> str | None:
    """National curriculum year from date of birth, for the academic year of as_of.

    England: the age on 31 August before the academic year starts decides the year group.
    Age 4 -> Reception, age N -> Year N-4 (so Year 1 at 5, Year 11 at 15, Year 13 at 17),
    age 3 -> N2, age 2 -> N1; younger, or older than Year 14 (age 18), -> None.
    """
    start = academic_year_start(as_of)
    age = start - dob.year - (1 if (dob.month, dob.day) > (8, 31) else 0)
    if age >= 5:
        return str(age - 4) if age - 4 <= 14 else None
    return {4: "R", 3: "N2", 2: "N1"}.get(age)


def normalise_year_group(text: str) -> str | None:
    """'Year 5', 'Y5', '5', 'R', 'Reception', 'N1' -> 5 / R / N1; empty -> None."""
    if not text:
        return None
    t = text.strip().lower()
    g = _YEAR_LOOKUP.get(t) or _YEAR_LOOKUP.get(_YEAR_PREFIX.sub("", t).replace(" ", ""))
    if g is None:
        raise CaseProblem("year_group", "expected N1, N2, R or 1-14", text)
    return g


def age_on(dob: date, day: date) -> int:
    """Completed years of age on a day."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _text(row: dict[str, Any], field: str, problems: list[CaseProblem]) -> str | None:
    v: str | None = row.get(field)
    if not v:
        return None
    if len(v) > MAX_TEXT:
        problems.append(CaseProblem(field, f"longer than {MAX_TEXT} characters", v))
        return None
    bad = control_character(v)
    if bad:
        problems.append(CaseProblem(field, bad))  # the value is not echoed: it may be a name
        return None
    return v


# --- a whole row --------------------------------------------------------------------------------


def validate_case(
    row: dict[str, Any], as_of: date, check_age: bool = True
) -> tuple[dict[str, Any] | None, list[CaseProblem]]:
    """Validate and normalise one case given as text fields (a CSV row or command options).

    Args:
        row: {field: stripped text}; absent fields count as empty.
        as_of: the date the register is as at: date of birth must be on or before it, the
            child 0-25 years old on it (inclusive), and the year group (when not given) is
            derived for its academic year.
        check_age: False skips the 0-25 check (an update that leaves the date of birth alone
            must not fail because the young person has since grown older).
    Returns:
        (case, problems): case holds every field of FIELDS (None for empty; out_of_county
        as 0/1; dates ISO) when problems is empty, else None.
    """
    problems: list[CaseProblem] = []
    get = row.get
    out: dict[str, Any] = {}

    ref = get("case_ref") or ""
    if not ref:
        problems.append(CaseProblem("case_ref", "required"))
    elif len(ref) > 50:
        problems.append(CaseProblem("case_ref", "longer than 50 characters", ref))
    elif not ref.isprintable():
        problems.append(
            CaseProblem("case_ref", control_character(ref) or "contains control characters")
        )
    out["case_ref"] = ref

    try:
        out["upn"] = check_upn(get("upn") or "")
    except CaseProblem as p:
        problems.append(p)

    for field in ("forename", "surname"):
        v = _text(row, field, problems)
        if v is None and not get(field):
            problems.append(CaseProblem(field, "required"))
        out[field] = v

    dob = None
    text = get("date_of_birth") or ""
    if not text:
        problems.append(CaseProblem("date_of_birth", "required"))
    else:
        try:
            dob = _date(text, "date_of_birth")
        except CaseProblem as p:
            problems.append(p)
        else:
            if check_age and dob > as_of:
                problems.append(
                    CaseProblem(
                        "date_of_birth",
                        f"in the future (the register is as at {as_of.isoformat()})",
                        text,
                    )
                )
                dob = None
            elif check_age and age_on(dob, as_of) > 25:
                problems.append(
                    CaseProblem(
                        "date_of_birth",
                        f"over 25 on {as_of.isoformat()}; the register covers ages 0-25 (use --as-of for an older register)",
                        text,
                    )
                )
                dob = None
    out["date_of_birth"] = dob.isoformat() if dob else None

    out["setting"] = _text(row, "setting", problems)
    out["setting_type"] = _text(row, "setting_type", problems)
    try:
        out["out_of_county"] = 1 if parse_flag(get("out_of_county") or "") else 0
    except CaseProblem as p:
        problems.append(p)

    plan = None
    try:
        plan = normalise_plan_type(get("plan_type") or "")
    except CaseProblem as p:
        problems.append(p)
    out["plan_type"] = plan

    try:
        out["primary_need"] = normalise_need(get("primary_need") or "", plan)
    except CaseProblem as p:
        problems.append(p)

    year = None
    try:
        year = normalise_year_group(get("year_group") or "")
    except CaseProblem as p:
        problems.append(p)
    if year is None and dob is not None:
        year = year_group_for(dob, as_of)
    out["year_group"] = year

    issued = None
    text = get("plan_issued_on") or ""
    if text:
        try:
            issued = _date(text, "plan_issued_on")
        except CaseProblem as p:
            problems.append(p)
        else:
            if plan == "sen_support":
                problems.append(
                    CaseProblem(
                        "plan_issued_on",
                        "SEN support has no plan; only statements and EHC plans have an issue date",
                        text,
                    )
                )
            elif issued > as_of:
                problems.append(
                    CaseProblem("plan_issued_on", f"after the as-of date {as_of.isoformat()}", text)
                )
            elif dob is not None and issued < dob:
                problems.append(CaseProblem("plan_issued_on", "before the date of birth", text))
    out["plan_issued_on"] = issued.isoformat() if issued else None

    out["caseworker"] = _text(row, "caseworker", problems)
    email = get("caseworker_email") or ""
    email_problem = control_character(email)
    if email_problem:
        problems.append(CaseProblem("caseworker_email", email_problem))
    elif email and not _EMAIL.match(email):
        problems.append(CaseProblem("caseworker_email", "not an e-mail address", email))
    out["caseworker_email"] = email.lower() or None

    if problems:
        return None, problems
    return out, problems


def changed_fields(
    before: dict[str, Any], after: dict[str, Any], fields: Iterable[str]
) -> list[str]:
    """The fields whose value differs between two case records (in `fields` order)."""
    return [f for f in fields if before.get(f) != after.get(f)]
