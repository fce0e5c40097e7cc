"""High Needs Panel decisions: the code lists, validation, and the summary maths.

Pure: no I/O, no clock. Storage turns a validated Decision into a row; the CLI and the
importer feed text through the same parse_* functions, so "Agreed with conditions" in a CSV
and `--outcome agreed-with-conditions` on the command line mean the same thing.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

from sendctl.domain.dates import parse_date
from sendctl.domain.errors import SendctlError
from sendctl.domain.money import check_pence, parse_pence
from sendctl.domain.problems import InvalidValue, invalid

# the panel meets fortnightly here ("after each fortnightly panel").
MEETING_CADENCE_DAYS = 14


class Request(str, Enum):
    """What the panel was asked to decide."""

    assessment = "assessment"
    ehcp_issue = "ehcp-issue"
    placement = "placement"
    top_up = "top-up"
    transport = "transport"
    care_package = "care-package"
    personal_budget = "personal-budget"
    post_16 = "post-16"


class Outcome(str, Enum):
    """What the panel decided."""

    agreed = "agreed"
    agreed_with_conditions = "agreed-with-conditions"
    deferred = "deferred"
    declined = "declined"
    referred = "referred"


class PlacementType(str, Enum):
    """Kind of setting placed in (the place-plus funding model)."""

    mainstream = "mainstream"
    resourced_provision = "resourced-provision"
    maintained_special = "maintained-special"
    special_academy = "special-academy"
    non_maintained_special = "non-maintained-special"
    independent_special = "independent-special"
    fe_college = "fe-college"
    specialist_post_16 = "specialist-post-16"
    alternative_provision = "alternative-provision"


class Funder(str, Enum):
    """Who pays (high-needs block of the DSG, general fund for transport, ...)."""

    high_needs_block = "high-needs-block"
    general_fund = "general-fund"
    health = "health"
    social_care = "social-care"
    joint = "joint"


# Outcomes that commit money: "agreed amended/with conditions" is still an agreement (§6).
AGREED = (Outcome.agreed.value, Outcome.agreed_with_conditions.value)
# Requests that place a child somewhere; post-16/19+ placements are placements too (§6).
PLACEMENT_REQUESTS = (Request.placement.value, Request.post_16.value)

# Wordings seen in panel minutes and spreadsheets, beyond the codes themselves. Keys are
# normalised with _squash (lower case, letters and digits only).
_ALIASES: dict[type[Enum], dict[str, str]] = {
    Request: {
        "assess": "assessment",
        "ehcneedsassessment": "assessment",
        "needsassessment": "assessment",
        "requestforassessment": "assessment",
        "statutoryassessment": "assessment",
        "ehcp": "ehcp-issue",
        "issueehcp": "ehcp-issue",
        "ehcpissued": "ehcp-issue",
        "issueplan": "ehcp-issue",
        "ehcplan": "ehcp-issue",
        "changeofplacement": "placement",
        "placementchange": "placement",
        "topupfunding": "top-up",
        "topup": "top-up",
        "homeschooltransport": "transport",
        "hometoschooltransport": "transport",
        "jointcarepackage": "care-package",
        "carepackage": "care-package",
        "directpayment": "personal-budget",
        "post16placement": "post-16",
        "post19": "post-16",
        "post19placement": "post-16",
    },
    Outcome: {
        "approved": "agreed",
        "agree": "agreed",
        "agreedamended": "agreed-with-conditions",
        "agreedwithamendments": "agreed-with-conditions",
        "agreedwithcondition": "agreed-with-conditions",
        "conditional": "agreed-with-conditions",
        "approvedwithconditions": "agreed-with-conditions",
        "defer": "deferred",
        "deferredforinformation": "deferred",
        "deferredformoreinformation": "deferred",
        "decline": "declined",
        "refused": "declined",
        "notagreed": "declined",
        "rejected": "declined",
        "refer": "referred",
        "referredtohealth": "referred",
        "referredtosocialcare": "referred",
    },
    PlacementType: {
        "mainstreamschool": "mainstream",
        "senunit": "resourced-provision",
        "unit": "resourced-provision",
        "resourcedprovisioninmainstream": "resourced-provision",
        "maintainedspecialschool": "maintained-special",
        "specialacademyfreeschool": "special-academy",
        "specialfreeschool": "special-academy",
        "nonmaintainedspecialschool": "non-maintained-special",
        "nmss": "non-maintained-special",
        "independent": "independent-special",
        "independentspecialschool": "independent-special",
        "iss": "independent-special",
        "fe": "fe-college",
        "furthereducationcollege": "fe-college",
        "spi": "specialist-post-16",
        "specialistpost16institution": "specialist-post-16",
        "independentspecialistcollege": "specialist-post-16",
        "ap": "alternative-provision",
        "pru": "alternative-provision",
    },
    Funder: {
        "hnb": "high-needs-block",
        "highneeds": "high-needs-block",
        "dsg": "high-needs-block",
        "dsghighneedsblock": "high-needs-block",
        "gf": "general-fund",
        "ccg": "health",
        "nhs": "health",
        "csc": "social-care",
        "childrenssocialcare": "social-care",
        "jointfunded": "joint",
        "tripartite": "joint",
    },
}

_LABELS: dict[type[Enum], str] = {
    Request: "request type",
    Outcome: "outcome",
    PlacementType: "placement type",
    Funder: "funder",
}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _lookup(kind: type[Enum]) -> dict[str, str]:
    table = {_squash(m.value): m.value for m in kind}
    table.update(_ALIASES.get(kind, {}))
    return table


_LOOKUPS = {kind: _lookup(kind) for kind in _LABELS}


def choices(kind: type[Enum]) -> str:
    """The valid codes, comma-separated (for help text and error messages)."""
    return ", ".join(m.value for m in kind)


def parse_code(kind: type[Enum], text: str, field: str) -> str:
    """Turn user text into a code of `kind`: "Agreed with conditions" -> "agreed-with-conditions".

    Matching ignores case, spaces and punctuation and knows common wordings (_ALIASES).

    Raises:
        SendctlError: naming the field and listing the valid codes.
    """
    code = _LOOKUPS[kind].get(_squash(text or ""))
    if code is None:
        raise SendctlError(
            f"{field}: unknown {_LABELS[kind]} {text!r}; expected one of: {choices(kind)}"
        )
    return code


def parse_optional_code(kind: type[Enum], text: str | None, field: str) -> str | None:
    if text is None or not str(text).strip():
        return None
    return parse_code(kind, str(text), field)


_YES = {"y", "yes", "true", "1", "ooc", "outofcounty", "x"}
_NO = {"", "n", "no", "false", "0", "incounty", "none"}


def parse_yes_no(text: str | None, field: str) -> bool:
    """CSV flags: yes/no, y/n, true/false, 1/0; blank is no."""
    value = _squash(text or "")
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise SendctlError(f"{field}: expected yes or no (got {text!r})")


@dataclass(frozen=True)
class Decision:
    """One validated panel decision (dates and codes normalised, money in pence)."""

    case_ref: str
    meeting_on: date
    request: str
    outcome: str
    annual_cost_pence: int | None = None
    placement_type: str | None = None
    provider: str | None = None
    out_of_county: bool = False
    funder: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str | None = None
    supersedes_id: int | None = None
    # the establishment, for the SEN2 return's placement items: its URN (6 digits) or UKPRN
    # (8 digits), kept as text so leading zeros survive, or an SEN setting code without either
    urn: str | None = None
    ukprn: str | None = None
    sen_setting: str | None = None

    def as_row(self) -> dict[str, Any]:
        """Column values for storage (dates as ISO text, the flag as 0/1)."""
        # Built by hand: dataclasses.asdict deep-copies, ~80 µs a row on a large import.
        return {
            "case_ref": self.case_ref,
            "meeting_on": self.meeting_on.isoformat(),
            "request": self.request,
            "outcome": self.outcome,
            "annual_cost_pence": self.annual_cost_pence,
            "placement_type": self.placement_type,
            "provider": self.provider,
            "out_of_county": int(self.out_of_county),
            "funder": self.funder,
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
            "note": self.note,
            "supersedes_id": self.supersedes_id,
            "urn": self.urn,
            "ukprn": self.ukprn,
            "sen_setting": self.sen_setting,
        }

    def natural_key(self) -> tuple[Any, ...]:
        """What makes two decisions "the same" for import de-duplication."""
        return natural_key(
            self.case_ref,
            self.meeting_on.isoformat(),
            self.request,
            self.outcome,
            self.annual_cost_pence,
        )


def natural_key(
    case_ref: str, meeting_on: str, request: str, outcome: str, annual_cost_pence: int | None
) -> tuple[Any, ...]:
    return (case_ref, meeting_on, request, outcome, annual_cost_pence)


def _as_date(value: object, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return parse_date(str(value), field)


def _as_pence(value: object, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise SendctlError(f"{field}: not an amount of money (got {value!r})")
    if isinstance(value, int):
        if value < 0:
            raise SendctlError(f"{field}: must not be negative (got {value})")
        return check_pence(value, field)
    return parse_pence(str(value), field)


def _text(value: object) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


FIELDS = (
    "case_ref",
    "meeting_on",
    "request",
    "outcome",
    "annual_cost_pence",
    "placement_type",
    "provider",
    "out_of_county",
    "funder",
    "starts_on",
    "ends_on",
    "note",
    "supersedes_id",
    "urn",
    "ukprn",
    "sen_setting",
)


def _establishment(fields: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """URN (6 digits), UKPRN (8 digits, starting 1) and SEN setting code, checked as text;
    an SEN setting is the return's way to say there is no URN or UKPRN."""
    from sendctl.domain.sen2 import SEN_SETTING

    urn, ukprn = _text(fields.get("urn")), _text(fields.get("ukprn"))
    setting = _text(fields.get("sen_setting"))
    if urn is not None and not re.fullmatch(r"[0-9]{6}", urn):
        raise invalid("urn", "invalid", "expected a 6-digit URN (the GIAS establishment number)")
    if ukprn is not None and not re.fullmatch(r"1[0-9]{7}", ukprn):
        raise invalid("ukprn", "invalid", "expected an 8-digit UKPRN starting 1")
    if setting is not None:
        setting = setting.upper()
        if setting not in SEN_SETTING:
            raise invalid("sen_setting", "invalid", f"expected one of {', '.join(SEN_SETTING)}")
        if urn or ukprn:
            raise invalid("sen_setting", "invalid", "only for a placement without a URN or UKPRN")
    return urn, ukprn, setting


def _checked(field: str, parse: Callable[..., Any], *args: Any) -> Any:
    """parse(*args, field), its refusal turned into a Problem about `field`."""
    try:
        return parse(*args, field)
    except InvalidValue:
        raise
    except SendctlError as e:
        raise invalid(field, "invalid", e.message.removeprefix(f"{field}: ")) from None


def make_decision(fields: dict[str, Any]) -> Decision:
    """Validate raw fields (text, dates or codes) into a Decision.

    Args:
        fields: case_ref, meeting_on, request, outcome and optionally annual_cost_pence (int
            pence or money text such as "£52,000"), placement_type, provider, out_of_county
            (bool or yes/no text), funder, starts_on, ends_on, note, supersedes_id.
    Returns:
        The Decision.
    Raises:
        InvalidValue: on the first problem (unknown code, bad date, negative cost, end before
            start, missing required field), as a Problem about the domain field.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise SendctlError(f"unknown decision field(s): {', '.join(sorted(unknown))}")
    case_ref = _text(fields.get("case_ref"))
    if not case_ref:
        raise invalid("case_ref", "required", "required")
    for req in ("meeting_on", "request", "outcome"):
        if fields.get(req) in (None, ""):
            raise invalid(req, "required", "required")
    meeting_on = _checked("meeting_on", _as_date, fields["meeting_on"])
    starts_on = _checked("starts_on", _as_date, fields.get("starts_on"))
    ends_on = _checked("ends_on", _as_date, fields.get("ends_on"))
    if starts_on and ends_on and ends_on < starts_on:
        raise invalid(
            "ends_on",
            "bad_range",
            f"the end ({ends_on.isoformat()}) is before the start ({starts_on.isoformat()})",
        )
    ooc = fields.get("out_of_county", False)
    if not isinstance(ooc, bool):
        ooc = _checked("out_of_county", parse_yes_no, None if ooc is None else str(ooc))
    outcome = _checked("outcome", parse_code, Outcome, str(fields["outcome"]))
    annual_cost = _checked("annual_cost_pence", _as_pence, fields.get("annual_cost_pence"))
    if outcome == Outcome.declined.value and annual_cost is not None:
        # Nothing was agreed, so nothing is committed: a cost here would read as spending.
        raise invalid(
            "annual_cost_pence",
            "cost_on_declined",
            "a declined decision carries no cost (record the cost asked for in the note)",
        )
    supersedes = fields.get("supersedes_id")
    if supersedes is not None and (
        isinstance(supersedes, bool) or not isinstance(supersedes, int) or supersedes < 1
    ):
        raise invalid("supersedes_id", "invalid", f"expected a decision id (got {supersedes!r})")
    urn, ukprn, sen_setting = _establishment(fields)
    return Decision(
        case_ref=case_ref,
        meeting_on=meeting_on,
        request=_checked("request", parse_code, Request, str(fields["request"])),
        outcome=outcome,
        annual_cost_pence=annual_cost,
        placement_type=_checked(
            "placement_type", parse_optional_code, PlacementType, fields.get("placement_type")
        ),
        provider=_text(fields.get("provider")),
        out_of_county=ooc,
        funder=_checked("funder", parse_optional_code, Funder, fields.get("funder")),
        starts_on=starts_on,
        ends_on=ends_on,
        note=_text(fields.get("note")),
        supersedes_id=supersedes,
        urn=urn,
        ukprn=ukprn,
        sen_setting=sen_setting,
    )


# --- summary maths -----------------------------------------------------------------------------


def share_pct(part: int | None, whole: int | None) -> float | None:
    """part as a percentage of whole, to 1 dp; None when there is nothing to share out."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def next_meeting_on(
    last_meeting_on: date | None, as_of: date, cadence_days: int = MEETING_CADENCE_DAYS
) -> date | None:
    """The next fortnightly panel: last + 14 days, rolled forward a fortnight at a time until
    it is on or after as_of (a panel due today is still "next")."""
    if last_meeting_on is None:
        return None
    nxt = last_meeting_on + timedelta(days=cadence_days)
    if nxt < as_of:
        steps = -(-(as_of - nxt).days // cadence_days)  # ceiling division: no loop over years
        nxt += timedelta(days=steps * cadence_days)
    return nxt


COUNT_FIELDS = (
    "decisions",
    *(o.value.replace("-", "_") for o in Outcome),
    "agreed_annual_cost_pence",
    "placements_agreed",
    "out_of_county_agreed",
    "out_of_county_cost_pence",
)


def roll_up(groups: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Summary lines per meeting, per request type (all of them, zeros too) and in total.

    Args:
        groups: SQL's counts per (meeting_on, request): dicts with those two keys and
            COUNT_FIELDS, in meeting order. A few hundred a year, never one per decision.
    Returns:
        summary_row dicts: `by` "meeting" (in date order), then "request", then one "total".
    """
    meetings: dict[str, dict[str, Any]] = {}
    requests: dict[str, dict[str, Any]] = {r.value: {} for r in Request}
    total: dict[str, Any] = {}
    for g in groups:
        for acc in (
            meetings.setdefault(g["meeting_on"], {}),
            requests.setdefault(g["request"], {}),
            total,
        ):
            for f in COUNT_FIELDS:
                acc[f] = acc.get(f, 0) + (g.get(f) or 0)
    return (
        [summary_row("meeting", m, c) for m, c in sorted(meetings.items())]
        + [summary_row("request", r, c) for r, c in requests.items()]
        + [summary_row("total", "all", total)]
    )


def summary_row(by: str, group: str, counts: dict[str, Any]) -> dict[str, Any]:
    """One summary line from SQL counts: fills zeros and the out-of-county share."""
    row: dict[str, Any] = {"by": by, "group": group}
    row["decisions"] = counts.get("decisions") or 0
    for o in Outcome:
        key = o.value.replace("-", "_")
        row[key] = counts.get(key) or 0
    row["agreed_annual_cost_pence"] = counts.get("agreed_annual_cost_pence") or 0
    row["placements_agreed"] = counts.get("placements_agreed") or 0
    row["out_of_county_agreed"] = counts.get("out_of_county_agreed") or 0
    row["out_of_county_cost_pence"] = counts.get("out_of_county_cost_pence") or 0
    row["out_of_county_share_pct"] = share_pct(
        row["out_of_county_agreed"], row["placements_agreed"]
    )
    return row


# --- CSV import --------------------------------------------------------------------------------

# Canonical column -> header aliases (matching ignores case, spaces and punctuation, so
# "Annual cost (£)" is "annualcost"). The canonical names are accepted too.
CSV_ALIASES: dict[str, tuple[str, ...]] = {
    "case_ref": ("Ref", "Child ID", "Child ref", "Case", "Case reference", "Reference"),
    "meeting_on": ("Date", "Meeting date", "Panel date", "Meeting", "Panel", "Date of panel"),
    "request": ("Request", "Request type", "Type", "Type of request"),
    "outcome": ("Decision", "Outcome", "Panel decision", "Result"),
    "annual_cost": ("Cost", "Annual cost", "Amount", "Cost per year", "Agreed cost"),
    "placement_type": ("Placement type", "Placement", "Provision type", "Setting type"),
    "provider": ("Provider", "Setting", "School", "Placement name", "Provider name"),
    "out_of_county": ("Out of county", "OOC", "Out of area"),
    "funder": ("Funder", "Funding", "Funded by", "Funding source"),
    "starts_on": ("Start", "Start date", "Starts", "From"),
    "ends_on": ("End", "End date", "Ends", "To"),
    "note": ("Note", "Notes", "Comments", "Comment"),
    "urn": ("URN", "School URN", "Establishment URN"),
    "ukprn": ("UKPRN", "Provider UKPRN"),
    "sen_setting": ("SEN setting", "SENsetting", "SEN2 setting"),
}
CSV_REQUIRED = frozenset({"case_ref", "meeting_on", "request", "outcome"})
