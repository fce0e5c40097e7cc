"""`validate_case` for the many rows of one file, remembering its answer for each value.

A register repeats most of its values: a few plan types, need codes and year groups, some
thousands of dates of birth, settings and caseworkers. `RowChecker.check` asks the rules of
sendctl.domain.cases once per distinct value of a field (each answer is what that rule gives for
that text, so the result is the one validate_case gives) and keeps only the cross-field checks
and the UPN check per row. It gives the values of an accepted row and never a message: for a row
it does not accept, the caller asks `validate_case`, which either accepts it (then with the same
values) or says what is wrong. tests/test_case_rows.py checks the two agree on random rows.

Pure: no I/O, no clock (the as-of date is a parameter).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from sendctl.domain.cases import _EMAIL as _EMAIL_SHAPE
from sendctl.domain.cases import (
    FIELDS,
    MAX_TEXT,
    CaseProblem,
    _date,
    age_on,
    check_upn,
    normalise_need,
    normalise_plan_type,
    normalise_year_group,
    parse_flag,
    year_group_for,
)
from sendctl.domain.text import control_character

MAX_REMEMBERED = 50_000  # values per field; then that field's memory starts again (bounded)
_NO = object()  # "this value is refused" in a memory (None is a value)

(
    _REF,
    _UPN,
    _FORENAME,
    _SURNAME,
    _DOB,
    _SETTING,
    _SETTING_TYPE,
    _OOC,
    _YEAR,
    _NEED,
    _PLAN,
    _ISSUED,
    _CASEWORKER,
    _EMAIL,
) = range(len(FIELDS))


def _refused(rule: Callable[[str], Any]) -> Callable[[str], Any]:
    """rule, with a CaseProblem turned into _NO."""

    def ask(text: str) -> Any:
        try:
            return rule(text)
        except CaseProblem:
            return _NO

    return ask


class _Memo(dict[Any, Any]):
    """The answers of one rule, by text: `memo[text]` (a plain dict look-up once answered; at
    most MAX_REMEMBERED kept)."""

    def __init__(self, rule: Callable[[Any], Any]):
        super().__init__()
        self.rule = rule

    def __missing__(self, text: Any) -> Any:
        if len(self) >= MAX_REMEMBERED:
            self.clear()
        value = self[text] = self.rule(text)
        return value


def _plain_text(text: str) -> Any:
    """An optional free-text field as validate_case keeps it (None when empty)."""
    if not text:
        return None
    if len(text) > MAX_TEXT or control_character(text):
        return _NO
    return text


def _email(text: str) -> Any:
    if not text:
        return None
    if control_character(text) or not _EMAIL_SHAPE.match(text):
        return _NO
    return text.lower()


class RowChecker:
    """Check rows of one file against the case rules as at `as_of`.

    A row is a tuple of the FIELDS' cells, in that order, stripped; a field the file has no
    column for is the empty string (validate_case reads a missing field as empty).
    """

    def __init__(self, as_of: date):
        self._as_of_iso = as_of.isoformat()

        def birth(text: str) -> Any:
            # a date of birth as validate_case accepts it: (ISO, year group it gives)
            try:
                dob = _date(text, "date_of_birth")
            except CaseProblem:
                return _NO
            if dob > as_of or age_on(dob, as_of) > 25:
                return _NO
            return dob.isoformat(), year_group_for(dob, as_of)

        def issued(text: str) -> Any:
            try:
                return _date(text, "plan_issued_on").isoformat()
            except CaseProblem:
                return _NO

        self._name = _Memo(lambda t: t if t and _plain_text(t) is t else _NO)
        self._text = _Memo(_plain_text)
        self._birth = _Memo(birth)
        self._issued = _Memo(issued)
        self._flag = _Memo(_refused(lambda t: 1 if parse_flag(t) else 0))
        self._plan = _Memo(_refused(normalise_plan_type))
        self._need = _Memo(_refused(lambda key: normalise_need(key[0], key[1])))
        self._year = _Memo(_refused(normalise_year_group))
        self._email = _Memo(_email)

    def check(self, row: tuple[str, ...]) -> tuple[Any, ...] | None:
        """The values validate_case gives the row, in FIELDS order; None when this checker
        does not accept it (validate_case then decides, and explains any problem)."""
        ref = row[_REF]
        if not ref or len(ref) > 50 or not ref.isprintable():
            return None
        upn = None
        if row[_UPN]:
            try:
                upn = check_upn(row[_UPN])
            except CaseProblem:
                return None
        forename = self._name[row[_FORENAME]]
        surname = self._name[row[_SURNAME]]
        birth = self._birth[row[_DOB]]
        setting = self._text[row[_SETTING]]
        setting_type = self._text[row[_SETTING_TYPE]]
        ooc = self._flag[row[_OOC]]
        plan = self._plan[row[_PLAN]]
        caseworker = self._text[row[_CASEWORKER]]
        email = self._email[row[_EMAIL]]
        if (
            forename is _NO
            or surname is _NO
            or birth is _NO
            or setting is _NO
            or setting_type is _NO
            or ooc is _NO
            or plan is _NO
            or caseworker is _NO
            or email is _NO
        ):
            return None
        dob, derived_year = birth
        need = None
        if row[_NEED]:
            need = self._need[(row[_NEED], plan)]
            if need is _NO:
                return None
        year = derived_year
        if row[_YEAR]:
            year = self._year[row[_YEAR]]
            if year is _NO:
                return None
        issued = None
        if row[_ISSUED]:
            issued = self._issued[row[_ISSUED]]
            # ISO text compares as the dates do
            if issued is _NO or plan == "sen_support" or issued > self._as_of_iso or issued < dob:
                return None
        return (
            ref,
            upn,
            forename,
            surname,
            dob,
            setting,
            setting_type,
            ooc,
            year,
            need,
            plan,
            issued,
            caseworker,
            email,
        )
