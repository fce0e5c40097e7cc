"""The SEN2 person-level return: census day, code lists, element mapping, offline checks.

Everything about the return's shape lives here, in ONE place. Items marked UNVERIFIED were not
confirmed against the DfE technical specification/XSD for the collection year (only open
readers of real COLLECT files were available): each is one line to change once confirmed.

The in-memory model of one child (built by services.sen2 from the register, or read back from
a file by ingest.sen2_xml) is plain dicts keyed by the field names below:

    person  = {fields of PERSON..., "case_ref", "requests": [request, ...]}
    request = {fields of REQUESTS..., "assessment": assessment | None, "active_plans": ap | None}
    assessment = {fields of ASSESSMENT..., "named_plan": plan | None}
    plan    = {fields of NAMED_PLAN..., "plan_detail": [placement, ...]}
    ap      = {fields of ACTIVE_PLANS..., "placement_detail": [...], "sen_need": [...]}

Values are text exactly as they go in the XML (dates ISO, indicators "0"/"1"), or None (the
element is left out).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sendctl.domain.cases import NEED_CODES

# --- census (survey) day ---------------------------------------------------------------------

# The survey day is fixed by DfE each year. Known days that are not the third Thursday of
# January (the usual pattern) are listed here; add the next year's day when DfE publishes it.
SURVEY_DAYS = {2021: date(2021, 1, 14)}


def census_date(year: int) -> date:
    """The survey day of the January `year` collection: DfE's published day when it differs
    from the pattern, else the third Thursday of January (15 Jan 2026, 21 Jan 2027)."""
    if year in SURVEY_DAYS:
        return SURVEY_DAYS[year]
    first = date(year, 1, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


def reference_start(year: int) -> date:
    """First day of the reference period of the `year` collection (1 January of the year before):
    flows (requests, assessments, new and ceased plans, reviews) are counted from here."""
    return date(year - 1, 1, 1)


# --- code lists ------------------------------------------------------------------------------

SEX = ("M", "F")  # UNVERIFIED whether U is allowed in SEN2
GENDER_CURRENT = {"M": "1", "F": "2"}  # collections up to 2023 sent GenderCurrent instead of Sex
ETHNICITY_MAIN = (
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
)
# Extended codes seen in real returns (accepted on input, kept as given).
ETHNICITY_EXTENDED = (
    "WENG WSCO WWEL WNIR WCOR WOWB WALB WBOS WCRO WGRE WGRK WGRC WITA WKOS WPOR WSER WTUR WTUK WTUC "
    "WEUR WEEU WWEU WOTW WROG WROR WROO MWAP MWAI MWAO MAOE MABL MACH MBOE MBCH MCOE MWOE MWCH MOTM "
    "AMPK AKPA AOPK AAFR AKAO ANEP ASNL ASLT ASRO AOTA ABRI AWEL BANN BCON BGHA BNGN BSLN BSOM BSUD "
    "BAOF BEUR BNAM BOTB BBRI BWEL CHKC CMAL CSNG CTWN COCH OAFG ORAB OARA OEGY OFIL OIRN OIRQ OJPN "
    "OKOR OKRD OLAM OLEB OLIB OMAL OMRC OPOL OTHA OVIE OYEM OOEG"
).split()
ETHNICITY = ETHNICITY_MAIN + tuple(ETHNICITY_EXTENDED)
UPN_UNKNOWN = ("UN1", "UN2", "UN3", "UN5", "UN8", "UN9", "UN10")
REQUEST_SOURCE = {
    "1": "young person or parent",
    "2": "school or other education setting",
    "3": "health care professional",
    "4": "social care professional",
    "5": "other",
}
OUTCOMES = {
    "Y": "yes",
    "N": "no",
    "A": "decision yet to be made",
    "W": "withdrawn",
    "H": "historical (decided before the reference period)",
}
REVIEW_OUTCOME = {"A": "amend", "C": "cease", "M": "maintain"}
# our annual-review decisions -> ReviewOutcome
REVIEW_DECISION_CODE = {"amend": "A", "cease": "C", "keep": "M"}
SEN_SETTING = ("OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO")
RESIDENTIAL = {"A": "38 to 51 weeks", "B": "52 weeks"}
# UNVERIFIED: DfE's letters for work-based placements were not seen; one code per published
# category until the XSD is read.
WORK_BASED = {"AP": "apprenticeship", "SI": "supported internship", "TR": "traineeship"}
DIRECT_PAYMENTS = ("0", "1")  # UNVERIFIED: DP's code list was not seen; sent as an indicator
CEASE_REASON = {
    "1": "reached maximum age",
    "2": "needs met without a plan",
    "3": "moved on to higher education",
    "4": "moved on to paid employment",
    "5": "transferred to another LA in England",
    "6": "no longer wishes to engage in education or training",
    "7": "moved outside England",
    "8": "deceased",
    "9": "other",
}
# the return's SEN type codes are the DfE's list the register records (DS from 2025)
SEN_TYPE = NEED_CODES
INDICATOR = ("0", "1")


def codes_for(item: str, year: int) -> tuple[str, ...]:
    """The codes allowed for a coded item in the `year` collection (code lists change)."""
    if item == "sen_type":
        return SEN_TYPE if year >= 2025 else tuple(c for c in SEN_TYPE if c != "DS")
    if item == "sen_setting":
        return SEN_SETTING if year >= 2025 else tuple(c for c in SEN_SETTING if c != "OTH")
    return CODED[item]


CODED: dict[str, tuple[str, ...]] = {
    "sex": SEX,
    "ethnicity": ETHNICITY,
    "upn_unknown": UPN_UNKNOWN,
    "request_source": tuple(REQUEST_SOURCE),
    "request_outcome": tuple(OUTCOMES),
    "assessment_outcome": tuple(OUTCOMES),
    "review_outcome": tuple(REVIEW_OUTCOME),
    "sen_setting": SEN_SETTING,
    "plan_res": tuple(RESIDENTIAL),
    "res": tuple(RESIDENTIAL),
    "plan_wbp": tuple(WORK_BASED),
    "wbp": tuple(WORK_BASED),
    "dp": DIRECT_PAYMENTS,
    "cease_reason": tuple(CEASE_REASON),
    "sen_type": SEN_TYPE,
    "placement_rank": ("1", "2"),
    "sen_type_rank": ("1", "2"),
}

# --- element mapping: (XML element, our field, first collection year, last year) -------------
# Order follows the collection's own export column order (UNVERIFIED against the XSD order).
# Spellings UNVERIFIED against the XSD: PostCode, PlanWBP/WBP, SENsetting/SENsettingOther,
# ReviewDraft, PhaseTransferDueDate, PhaseTransferFinalDate.

Item = tuple[str, str, int, int]
ALWAYS = (2023, 9999)
FIRST_COLLECTION = ALWAYS[0]  # the first person-level return: the January 2023 census


def check_person_level(collection: int) -> None:
    """Refuse a person-level return (its XML, or a comparison with one) for a collection
    before the first: those collections were made of totals, and no item of the return
    existed, so a file would hold children with nothing in them."""
    from sendctl.domain.problems import invalid

    if collection < FIRST_COLLECTION:
        raise invalid(
            "year",
            "before_person_level",
            f"the {collection} collection had no person-level return (it began with the"
            f" January {FIRST_COLLECTION} collection, --year {FIRST_COLLECTION - 1}); the figures,"
            " --check and --explain work for any year",
        )


PERSON: tuple[Item, ...] = (
    ("Surname", "surname", *ALWAYS),
    ("Forename", "forename", *ALWAYS),
    ("PersonBirthDate", "date_of_birth", *ALWAYS),
    ("GenderCurrent", "gender_current", 2023, 2023),
    ("Sex", "sex", 2024, 9999),
    ("Ethnicity", "ethnicity", *ALWAYS),
    ("PostCode", "postcode", *ALWAYS),
    ("UPN", "upn", *ALWAYS),
    ("UniqueLearnerNumber", "uln", *ALWAYS),
    ("UPNunknown", "upn_unknown", *ALWAYS),
)
REQUESTS: tuple[Item, ...] = (
    ("ReceivedDate", "received_on", *ALWAYS),
    ("RequestSource", "request_source", 2025, 9999),
    ("RYA", "rya", *ALWAYS),
    ("RequestOutcomeDate", "request_outcome_on", *ALWAYS),
    ("RequestOutcome", "request_outcome", *ALWAYS),
    ("RequestMediation", "request_mediation", *ALWAYS),
    ("RequestTribunal", "request_tribunal", *ALWAYS),
    ("Exported", "exported", *ALWAYS),
)
ASSESSMENT: tuple[Item, ...] = (
    ("AssessmentOutcome", "assessment_outcome", *ALWAYS),
    ("AssessmentOutcomeDate", "assessment_outcome_on", *ALWAYS),
    ("AssessmentMediation", "assessment_mediation", *ALWAYS),
    ("AssessmentTribunal", "assessment_tribunal", *ALWAYS),
    ("OtherMediation", "other_mediation", *ALWAYS),
    ("OtherTribunal", "other_tribunal", *ALWAYS),
    ("Week20", "week20", *ALWAYS),
)
NAMED_PLAN: tuple[Item, ...] = (
    ("StartDate", "start_on", *ALWAYS),
    ("PlanRes", "plan_res", *ALWAYS),
    ("PlanWBP", "plan_wbp", *ALWAYS),
    ("PB", "pb", *ALWAYS),
    ("OA", "oa", *ALWAYS),
    ("DP", "dp", *ALWAYS),
    ("CeaseDate", "cease_on", *ALWAYS),
    ("CeaseReason", "cease_reason", *ALWAYS),
)
_ESTAB: tuple[Item, ...] = (
    ("URN", "urn", *ALWAYS),
    ("UKPRN", "ukprn", *ALWAYS),
    ("SENsetting", "sen_setting", *ALWAYS),
    ("SENsettingOther", "sen_setting_other", *ALWAYS),
    ("PlacementRank", "placement_rank", *ALWAYS),
)
PLAN_DETAIL: tuple[Item, ...] = _ESTAB + (
    ("SENunitIndicator", "sen_unit", *ALWAYS),
    ("ResourcedProvisionIndicator", "resourced_provision", *ALWAYS),
)
ACTIVE_PLANS: tuple[Item, ...] = (
    ("TransferLA", "transfer_la", *ALWAYS),
    ("ReviewMeeting", "review_meeting_on", 2024, 9999),
    ("ReviewOutcome", "review_outcome", 2024, 9999),
    ("ReviewDraft", "review_draft_on", 2025, 9999),
    ("PhaseTransferDueDate", "phase_due_on", 2025, 9999),
    ("PhaseTransferFinalDate", "phase_final_on", 2025, 9999),
    ("LastReview", "last_review_on", *ALWAYS),
)
PLACEMENT_DETAIL: tuple[Item, ...] = _ESTAB + (
    ("EntryDate", "entry_on", *ALWAYS),
    ("LeavingDate", "leaving_on", *ALWAYS),
    ("SENunitIndicator", "sen_unit", *ALWAYS),
    ("ResourcedProvisionIndicator", "resourced_provision", *ALWAYS),
    ("RES", "res", 2024, 9999),
    ("WBP", "wbp", 2024, 9999),
)
SEN_NEED: tuple[Item, ...] = (
    ("SENtype", "sen_type", *ALWAYS),
    ("SENtypeRank", "sen_type_rank", *ALWAYS),
)

# module name -> (XML element, items, child modules as (key in the dict, module name, repeats))
MODULES: dict[str, tuple[str, tuple[Item, ...], tuple[tuple[str, str, bool], ...]]] = {
    "person": ("Person", PERSON, (("requests", "requests", True),)),
    "requests": (
        "Requests",
        REQUESTS,
        (("assessment", "assessment", False), ("active_plans", "active_plans", False)),
    ),
    "assessment": ("Assessment", ASSESSMENT, (("named_plan", "named_plan", False),)),
    "named_plan": ("NamedPlan", NAMED_PLAN, (("plan_detail", "plan_detail", True),)),
    "plan_detail": ("PlanDetail", PLAN_DETAIL, ()),
    "active_plans": (
        "ActivePlans",
        ACTIVE_PLANS,
        (("placement_detail", "placement_detail", True), ("sen_need", "sen_need", True)),
    ),
    "placement_detail": ("PlacementDetail", PLACEMENT_DETAIL, ()),
    "sen_need": ("SENneed", SEN_NEED, ()),
}
# Accepted on input besides the names above (other readers' spellings; matched ignoring case).
INPUT_ALIASES = {"planwpb": "PlanWBP", "wpb": "WBP", "postcode": "PostCode"}

# LA-level items: a Designated Medical / Clinical / Social Care Officer in place (DSCO from the
# 2025 collection). UNVERIFIED: their XML element names and their place (sendctl writes them in
# <Header>, after <Source>: the collection's export keeps them in its header table) and their
# codes (sendctl writes the values DfE publishes, Yes / No / Recruiting).
HEADER_OFFICERS: tuple[Item, ...] = (
    ("DMO", "dmo", *ALWAYS),
    ("DCO", "dco", *ALWAYS),
    ("DSCO", "dsco", 2025, 9999),
)
OFFICER_VALUES = {"yes": "Yes", "no": "No", "recruiting": "Recruiting"}


def officers_for(year: int) -> tuple[tuple[str, str], ...]:
    """(element, field) of the LA-level officer items the `year` collection carries."""
    return tuple((el, f) for el, f, y0, y1 in HEADER_OFFICERS if y0 <= year <= y1)


HEADER_COLLECTION = "SEN2"  # UNVERIFIED: the value DfE's XSD expects
HEADER_SOURCE_LEVEL = "L"  # UNVERIFIED: "L" (local authority) by analogy with other returns
SOFTWARE_CODE = "sendctl"


def items_for(module: str, year: int) -> tuple[tuple[str, str], ...]:
    """(element, field) pairs of a module that the `year` collection carries, in order."""
    return tuple((el, f) for el, f, y0, y1 in MODULES[module][1] if y0 <= year <= y1)


# Fields that are special-category personal data: never echoed in a message, a log or an e-mail.
PERSONAL = frozenset(
    {
        "surname",
        "forename",
        "date_of_birth",
        "upn",
        "uln",
        "sex",
        "gender_current",
        "ethnicity",
        "postcode",
        "upn_unknown",
    }
)


# --- identifiers -----------------------------------------------------------------------------

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # no I, O or S
_UPN_RE = re.compile(r"[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]\Z")
_LA_RANGES = (
    "001-005 201-213 301-320 330-336 340-344 350-359 370-373 380-384 390-394 420 660-681 701-708 "
    "800-803 805-808 810-813 815 816 820-823 825 826 830 831 835-841 845 846 850-852 855-857 860 "
    "861 865-896 908 909 916 919 921 925 926 928 929 931 933 935-938 940-943"
)


def _expand(ranges: str) -> frozenset[str]:
    out: set[str] = set()
    for part in ranges.split():
        lo, _, hi = part.partition("-")
        out.update(f"{n:03d}" for n in range(int(lo), int(hi or lo) + 1))
    return frozenset(out)


# School census rule 1530's LA numbers plus later reorganisations (838-839 Dorset and BCP,
# 940-943 the Northamptonshire, Cumbria and North Yorkshire unitaries): data, to extend.
LA_CODES = _expand(_LA_RANGES)


def upn_check_letter(upn: str) -> str:
    """Check letter of a UPN's characters 2-13: weights 2..13, sum mod 23 (a letter in position
    13 counts as its place in the letter table)."""
    total = 0
    for weight, ch in enumerate(upn[1:13], start=2):
        total += weight * (int(ch) if ch.isdigit() else UPN_LETTERS.index(ch))
    return UPN_LETTERS[total % 23]


def uln_valid(uln: str) -> bool:
    """ULN: 10 digits; weights 10..2 on the first nine; 10 - (sum mod 11) is the tenth (mod 11 = 0
    is never valid)."""
    if not re.fullmatch(r"[0-9]{10}", uln):
        return False
    r = sum(int(d) * w for d, w in zip(uln[:9], range(10, 1, -1), strict=True)) % 11
    return r != 0 and int(uln[9]) == 10 - r


# --- offline checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # "E" error: would block submission; "Q" query: needs an explanation
    text: str


# sendctl's own rule codes (S2-xx), NOT DfE's numbers (DfE's rule texts were not available).
RULES = {
    r.code: r
    for r in (
        Rule(
            "S2-01",
            "E",
            "UPN is 13 characters: a letter, 11 digits, a digit or letter (never I, O, S)",
        ),
        Rule("S2-02", "E", "UPN check letter (character 1) is right"),
        Rule("S2-03", "E", "UPN characters 2-4 are a known LA number"),
        Rule("S2-04", "Q", "UPN is not used by another child in the return"),
        Rule("S2-05", "E", "ULN is 10 digits with a valid check digit"),
        Rule("S2-06", "E", "UPN, ULN or a reason the UPN is unknown is given"),
        Rule("S2-07", "E", "UPN-unknown reason is UN1, UN2, UN3, UN5, UN8, UN9 or UN10"),
        Rule("S2-10", "E", "surname, forename, date of birth, sex and ethnicity are given"),
        Rule("S2-11", "E", "every coded item is in its code list for the collection year"),
        Rule("S2-12", "E", "every date is a real date written YYYY-MM-DD"),
        Rule("S2-13", "E", "every indicator is 0 or 1"),
        Rule("S2-14", "E", "header: year, survey day and LA code are the collection's"),
        Rule("S2-15", "Q", "born on or before survey day and aged 0-24 on 31 August before it"),
        Rule(
            "S2-16",
            "Q",
            "the LA-level items DMO and DCO (and DSCO from 2025) are recorded: sen2 officers",
        ),
        Rule("S2-20", "E", "request outcome date is on or after the request was received"),
        Rule("S2-21", "E", "assessment outcome date is on or after the request and its decision"),
        Rule("S2-22", "E", "cease date on or after plan start; leaving date on or after entry"),
        Rule("S2-23", "E", "review decision and draft dates on or after the review meeting"),
        Rule("S2-24", "E", "no date is after survey day"),
        Rule("S2-25", "Q", "completed work dated before the reference period is coded H"),
        Rule("S2-26", "Q", "a plan that ceased before the reference period is not returned"),
        Rule("S2-30", "E", "request outcome Y or N has a date; A, W, H have none"),
        Rule("S2-31", "E", "an assessment follows only a request outcome Y (or H)"),
        Rule("S2-32", "E", "assessment outcome N has a date; A, W, H have none"),
        Rule("S2-33", "E", "a named plan follows only an assessment outcome Y or H"),
        Rule("S2-34", "E", "named plan has a start date; cease date and cease reason go together"),
        Rule("S2-35", "E", "each placement gives a URN, a UKPRN or an SEN setting"),
        Rule("S2-36", "Q", "each placement gives the SEN unit and resourced provision indicators"),
        Rule("S2-37", "E", "placement ranks are 1 or 2, not repeated, with a rank 1"),
        Rule("S2-38", "E", "at most two needs, ranks 1 and 2 not repeated, with a rank 1"),
        Rule(
            "S2-39",
            "Q",
            "a plan active on survey day has a placement open that day and a primary need",
        ),
        Rule("S2-41", "Q", "only one request has a plan active on survey day"),
        Rule("S2-42", "Q", "transfer LA is a known LA code and not our own"),
        Rule("S2-43", "Q", "a review outcome has its meeting and decision dates"),
        Rule(
            "S2-44",
            "Q",
            "SEN setting OTH/NIEO or cease reason 9: COLLECT will ask for an explanation",
        ),
    )
}


@dataclass(frozen=True)
class Failure:
    rule: str
    severity: str
    case_ref: str
    field: str
    message: str  # never carries a personal value


def _date(v: str | None) -> date | None:
    if v is None:
        return None
    try:
        return date.fromisoformat(v) if len(v) == 10 else None
    except ValueError:
        return None


def check_person(p: dict[str, Any], year: int, lea: str | None = None) -> Iterator[Failure]:
    """Every offline rule on one child. The duplicate-UPN rule (S2-04) needs the whole return:
    the caller counts UPNs."""
    ref = p.get("case_ref") or "?"
    census, ref0 = census_date(year), reference_start(year)

    def fail(code: str, field: str, message: str) -> Failure:
        r = RULES[code]
        return Failure(code, r.severity, ref, field, message)

    # identifiers
    upn, uln, unk = p.get("upn"), p.get("uln"), p.get("upn_unknown")
    if upn:
        if not _UPN_RE.match(upn):
            yield fail("S2-01", "upn", RULES["S2-01"].text)
        else:
            if upn_check_letter(upn) != upn[0]:
                yield fail("S2-02", "upn", "wrong check letter (character 1)")
            if upn[1:4] not in LA_CODES:
                yield fail("S2-03", "upn", "characters 2-4 are not a known LA number")
    if uln and not uln_valid(uln):
        yield fail("S2-05", "uln", RULES["S2-05"].text)
    if not (upn or uln or unk):
        yield fail("S2-06", "upn", "no UPN, no ULN and no reason the UPN is unknown")
    if unk and unk not in UPN_UNKNOWN:
        yield fail("S2-07", "upn_unknown", RULES["S2-07"].text)
    needed = (
        "surname",
        "forename",
        "date_of_birth",
        "sex" if year >= 2024 else "gender_current",
        "ethnicity",
    )
    for f in needed:
        if not p.get(f):
            yield fail("S2-10", f, "missing")
    dob = _date(p.get("date_of_birth"))
    if dob:
        aug31 = date(census.year - 1, 8, 31)
        age = aug31.year - dob.year - ((aug31.month, aug31.day) < (dob.month, dob.day))
        if dob > census or not 0 <= age <= 24:
            yield fail(
                "S2-15", "date_of_birth", "born after survey day or aged outside 0-24 on 31 August"
            )

    # every item of every module: codes, dates, indicators, nothing after survey day
    for module, rec in walk(p):
        for _el, f in items_for(module, year):
            v = rec.get(f)
            if v is None:
                continue
            if f in CODED and v not in codes_for(f, year):
                shown = "" if f in PERSONAL else f" (got {v!r})"
                yield fail("S2-11", f, f"not in the {year} code list{shown}")
            elif f.endswith("_on") or f == "date_of_birth":
                d = _date(v)
                if d is None:
                    yield fail("S2-12", f, "not a date written YYYY-MM-DD")
                elif d > census and f not in (
                    "date_of_birth",
                    "phase_due_on",
                ):  # a due date may lie ahead
                    yield fail("S2-24", f, f"after survey day {census.isoformat()}")
            elif f in INDICATORS and v not in INDICATOR:
                yield fail("S2-13", f, f"expected 0 or 1 (got {v!r})")

    active_requests = 0
    for rq in p.get("requests", []):
        recv = _date(rq.get("received_on"))
        ro, rod = rq.get("request_outcome"), _date(rq.get("request_outcome_on"))
        if ro in ("Y", "N") and not rq.get("request_outcome_on"):
            yield fail("S2-30", "request_outcome_on", f"missing for request outcome {ro}")
        if ro in ("A", "W", "H") and rq.get("request_outcome_on"):
            yield fail("S2-30", "request_outcome_on", f"given for request outcome {ro}")
        if recv and rod and rod < recv:
            yield fail("S2-20", "request_outcome_on", "before the request was received")
        if rod and rod < ref0 and ro in ("Y", "N"):
            yield fail("S2-25", "request_outcome", f"decided before {ref0.isoformat()}: code H")
        a = rq.get("assessment")
        if a is not None and ro not in ("Y", "H"):
            yield fail("S2-31", "assessment", f"an assessment after request outcome {ro}")
        if a is None and ro == "Y":
            yield fail("S2-31", "assessment", "request outcome Y but no assessment")
        if a is None:
            continue
        ao, aod = a.get("assessment_outcome"), _date(a.get("assessment_outcome_on"))
        if ao == "N" and not aod:
            yield fail("S2-32", "assessment_outcome_on", "missing for assessment outcome N")
        if ao in ("A", "W", "H") and a.get("assessment_outcome_on"):
            yield fail("S2-32", "assessment_outcome_on", f"given for assessment outcome {ao}")
        if aod and ((recv and aod < recv) or (rod and aod < rod)):
            yield fail("S2-21", "assessment_outcome_on", "before the request or its decision")
        if aod and aod < ref0 and ao in ("Y", "N"):
            yield fail("S2-25", "assessment_outcome", f"decided before {ref0.isoformat()}: code H")
        plan = a.get("named_plan")
        if plan is not None and ao not in ("Y", "H"):
            yield fail("S2-33", "named_plan", f"a named plan after assessment outcome {ao}")
        if plan is None:
            if rq.get("active_plans") is not None:
                yield fail("S2-33", "active_plans", "active plan details without a named plan")
            continue
        start, cease = _date(plan.get("start_on")), _date(plan.get("cease_on"))
        if not plan.get("start_on"):
            yield fail("S2-34", "start_on", "named plan without a start date")
        if bool(plan.get("cease_on")) != bool(plan.get("cease_reason")):
            yield fail("S2-34", "cease_reason", "cease date and cease reason must go together")
        if start and cease and cease < start:
            yield fail("S2-22", "cease_on", "before the plan started")
        if cease and cease < ref0:
            yield fail("S2-26", "cease_on", f"ceased before {ref0.isoformat()}: leave it out")
        if plan.get("cease_reason") == "9":
            yield fail("S2-44", "cease_reason", "reason 9 (other): prepare an explanation")
        yield from _placements(fail, plan.get("plan_detail", []), "plan_detail")
        active = start is not None and start <= census and (cease is None or cease > census)
        ap = rq.get("active_plans")
        if active:
            active_requests += 1
        if ap is None:
            if active:
                yield fail(
                    "S2-39", "active_plans", "plan active on survey day without active plan details"
                )
            continue
        places = ap.get("placement_detail", [])
        for pl in places:
            e, lv = _date(pl.get("entry_on")), _date(pl.get("leaving_on"))
            if e and lv and lv < e:
                yield fail("S2-22", "leaving_on", "before the entry date")
        open_on_census = [
            pl
            for pl in places
            if (_date(pl.get("entry_on")) or date.min) <= census
            and (_date(pl.get("leaving_on")) or date.max) >= census
        ]
        # placements attended one after another may each be rank 1: ranks are checked among
        # those open on survey day
        yield from _placements(fail, places, "placement_detail", ranked=open_on_census)
        needs = ap.get("sen_need", [])
        ranks = [n.get("sen_type_rank") for n in needs]
        if len(needs) > 2 or len(set(ranks)) != len(ranks) or (needs and "1" not in ranks):
            yield fail("S2-38", "sen_type_rank", "at most two needs, ranks 1 and 2, one rank 1")
        if active and not open_on_census:
            yield fail("S2-39", "placement_detail", "no placement open on survey day")
        if active and "1" not in ranks:
            yield fail("S2-39", "sen_type", "no primary (rank 1) need")
        meet = _date(ap.get("review_meeting_on"))
        for f in ("last_review_on", "review_draft_on"):
            d = _date(ap.get(f))
            if meet and d and d < meet:
                yield fail("S2-23", f, "before the review meeting")
        if ap.get("review_outcome") and not (
            ap.get("review_meeting_on") and ap.get("last_review_on")
        ):
            yield fail("S2-43", "review_outcome", "outcome without meeting and decision dates")
        tla = ap.get("transfer_la")
        if tla and (tla not in LA_CODES or tla == lea):
            yield fail("S2-42", "transfer_la", f"not another LA's code (got {tla!r})")
    if active_requests > 1:
        yield fail(
            "S2-41", "requests", f"{active_requests} requests with a plan active on survey day"
        )


def _placements(
    fail: Callable[[str, str, str], Failure],
    places: list[dict[str, Any]],
    module: str,
    ranked: list[dict[str, Any]] | None = None,
) -> Iterator[Failure]:
    for pl in places:
        if not (pl.get("urn") or pl.get("ukprn") or pl.get("sen_setting")):
            yield fail("S2-35", "urn", f"{module}: no URN, UKPRN or SEN setting")
        elif pl.get("sen_unit") is None or pl.get("resourced_provision") is None:
            yield fail(
                "S2-36",
                "sen_unit",
                f"{module}: SEN unit / resourced provision indicators not given",
            )
        if pl.get("sen_setting") in ("OTH", "NIEO"):
            yield fail(
                "S2-44", "sen_setting", f"SEN setting {pl['sen_setting']}: prepare an explanation"
            )
    ranked = places if ranked is None else ranked
    ranks = [pl.get("placement_rank") for pl in ranked]
    if ranked and (
        len(set(ranks)) != len(ranks) or "1" not in ranks or any(r not in ("1", "2") for r in ranks)
    ):
        yield fail(
            "S2-37",
            "placement_rank",
            f"{module}: ranks must be 1 or 2, not repeated, with a rank 1",
        )


INDICATORS = frozenset(
    {
        "rya",
        "request_mediation",
        "request_tribunal",
        "assessment_mediation",
        "assessment_tribunal",
        "other_mediation",
        "other_tribunal",
        "week20",
        "pb",
        "oa",
        "sen_unit",
        "resourced_provision",
    }
)


def walk(p: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(module, record) for the person and every record under it, in document order."""

    def visit(module: str, rec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        yield module, rec
        for key, child, repeats in MODULES[module][2]:
            v = rec.get(key)
            if v is None:
                continue
            for r in v if repeats else [v]:
                yield from visit(child, r)

    yield from visit("person", p)


def check_header(header: dict[str, Any], year: int, lea: str | None) -> Iterator[Failure]:
    if header.get("year") != str(year):
        yield Failure(
            "S2-14", "E", "(header)", "year", f"expected {year} (got {header.get('year')!r})"
        )
    if header.get("reference_date") != census_date(year).isoformat():
        yield Failure(
            "S2-14",
            "E",
            "(header)",
            "reference_date",
            f"expected survey day {census_date(year).isoformat()}",
        )
    if lea and header.get("lea") != lea:
        yield Failure(
            "S2-14", "E", "(header)", "lea", f"expected {lea} (got {header.get('lea')!r})"
        )


# --- the mapping: our records -> one child's return (replayed to survey day) ------------------


@dataclass
class CaseData:
    """What the register holds about one child, as rows (dicts) read by storage.sen2."""

    case: dict[str, Any]
    person: dict[str, Any] | None = None
    assessments: list[dict[str, Any]] | None = (
        None  # assessments rows received on or before survey day
    )
    requests: list[dict[str, Any]] | None = None  # sen2_requests rows
    plan: dict[str, Any] | None = None  # sen2_plans row
    placements: list[dict[str, Any]] | None = None  # sen2_placements rows
    needs: list[dict[str, Any]] | None = None  # sen2_needs rows
    review: dict[str, Any] | None = (
        None  # the last reviews row with a meeting on or before survey day
    )
    ended: dict[str, Any] | None = (
        None  # {"cease_on", "cease_reason", "transfer_la", "amended_finals"} from plan events
    )
    # census day of the latest return imported, for a child whose plan items came from one
    imported_census: str | None = None
    # placements made by agreed panel decisions that name the establishment (URN, UKPRN or an
    # SEN setting), started by census day, each in its latest version (its end date replayed)
    linked_placements: list[dict[str, Any]] | None = None


# The SEN2 indicators a placement type settles: resourced provision is its own type; a SEN
# unit is a class within a mainstream school, so no other type is one (mainstream: not known).
def _indicators(placement_type: str | None) -> dict[str, str | None]:
    if placement_type is None:
        return {"sen_unit": None, "resourced_provision": None}
    return {
        "sen_unit": None if placement_type == "mainstream" else "0",
        "resourced_provision": "1" if placement_type == "resourced-provision" else "0",
    }


def _from_placements(d: CaseData, census: str) -> list[dict[str, Any]]:
    """The panel's placements as the return's placements: each is attended from its start to
    its end (PlacementDetail); the one open on census day is also the setting the plan names
    (PlanDetail) unless the named setting was recorded otherwise. Rank 1 unless another
    placement open on census day already holds it (then 2)."""
    linked = d.linked_placements or []
    if not linked:
        return []
    own = d.placements or []

    def open_on(r: dict[str, Any], start: str, end: str) -> bool:
        return (r.get(start) or "") <= census and (r.get(end) or "9") >= census

    taken = {
        r["placement_rank"]
        for r in own
        if r["kind"] == "attended" and open_on(r, "entry_on", "leaving_on")
    }
    out: list[dict[str, Any]] = []
    named = any(r["kind"] == "named" for r in own)
    recorded = {
        (r.get("urn"), r.get("ukprn"), r.get("sen_setting"), r.get("entry_on")): r
        for r in own
        if r["kind"] == "attended"
    }
    for p in linked:
        same = recorded.get((p["urn"], p["ukprn"], p["sen_setting"], p["starts_on"]))
        if same is not None:
            # the same placement recorded for the return itself (its indicators): the end
            # date is the placement's
            if same.get("leaving_on") is None:
                same["leaving_on"] = p["ends_on"]
            continue
        item = {
            "urn": p["urn"],
            "ukprn": p["ukprn"],
            "sen_setting": p["sen_setting"],
            "sen_setting_other": None,
            **_indicators(p["placement_type"]),
            "res": None,
            "wbp": None,
        }
        is_open = open_on(p, "starts_on", "ends_on")
        rank = "1"
        if is_open:
            rank = "2" if "1" in taken else "1"
            taken.add(rank)
        out.append(
            {
                **item,
                "kind": "attended",
                "placement_rank": rank,
                "entry_on": p["starts_on"],
                "leaving_on": p["ends_on"],
            }
        )
        if is_open and not named and rank == "1":
            out.append(
                {
                    **item,
                    "kind": "named",
                    "placement_rank": "1",
                    "entry_on": None,
                    "leaving_on": None,
                }
            )
    return out


def _phase_transfer(
    c: dict[str, Any],
    plan_row: dict[str, Any],
    ended: dict[str, Any],
    census: str,
    imported_census: str | None = None,
) -> dict[str, str | None]:
    """PhaseTransferDueDate and PhaseTransferFinalDate of an active plan.

    The due date is the date SEND Regs 2014 reg 18 names for the amended plan naming the next
    setting ("before 15 February" of the transfer year, "before 31 March" from secondary school
    to post-16; UNVERIFIED whether DfE wants that date or the last lawful day before it) for
    the phase transfer of the academic year of census day, else of the year before (a transfer
    due in the reference year). The final date is the first amended final plan issued from
    1 September of that academic year up to census day (`reviews amend REF --final DATE`).
    Items that came from an imported return are kept as received: recorded values always, and
    their absence when the return generated is the imported one's collection (or earlier)."""
    recorded = {
        "phase_due_on": plan_row.get("phase_due_on"),
        "phase_final_on": _upto(plan_row.get("phase_final_on"), census),
    }
    if recorded["phase_due_on"] or recorded["phase_final_on"]:
        return recorded
    if imported_census and census <= imported_census:
        return recorded  # the imported return's collection (or an earlier one): as received
    from sendctl.domain.engine import academic_year, phase_transfer_for

    dob = _date(c.get("date_of_birth"))
    if dob is None:
        return {"phase_due_on": None, "phase_final_on": None}
    day = date.fromisoformat(census)
    for as_of in (day, day.replace(year=day.year - 1)):
        found = phase_transfer_for(
            dob,
            as_of,
            c.get("year_offset") or 0,
            f"{c.get('setting') or ''} {c.get('setting_type') or ''}",
            bool(c.get("stays_sixth_form")),
        )
        if found is None:
            continue
        due = found[0] + timedelta(days=1)  # the engine gives the last lawful day, "before" it
        window = date(academic_year(as_of), 9, 1).isoformat()
        finals = [f for f in ended.get("amended_finals") or [] if window <= f <= census]
        return {"phase_due_on": due.isoformat(), "phase_final_on": min(finals, default=None)}
    return {"phase_due_on": None, "phase_final_on": None}


# our assessment outcomes -> AssessmentOutcome
_ASSESS_OUTCOME = {"ehcp_issued": "Y", "no_plan": "N"}
_ZERO_REQUEST = ("rya", "request_mediation", "request_tribunal")
_ZERO_ASSESS = ("assessment_mediation", "assessment_tribunal", "other_mediation", "other_tribunal")


def _upto(v: str | None, day: str) -> str | None:
    """The date if it had happened by `day` (ISO text compare), else None: the replay."""
    return v if v and v <= day else None


def _request_from_assessment(
    a: dict[str, Any], s: dict[str, Any] | None, census: str
) -> dict[str, Any]:
    s = s or {}
    rq = {
        "received_on": a["received_on"],
        "request_source": s.get("request_source"),
        "exported": s.get("exported"),
        "_assessment_id": a["id"],
        "_plan": s.get("plan", 0),
    }
    for f in _ZERO_REQUEST:
        rq[f] = s.get(f) or "0"
    # what the clocks recorded (up to census day) comes first; an outcome kept from a previous
    # return fills in what they do not know
    decided = _upto(a["decided_on"], census)
    withdrawn = _upto(a["concluded_on"], census) if a["outcome"] == "withdrawn" else None
    if withdrawn:
        rq["_withdrawn_on"] = withdrawn  # not in the return (W carries no date); for inclusion
    if decided:
        rq["request_outcome"] = "Y" if a["decision"] == "assess" else "N"
        rq["request_outcome_on"] = decided
    elif withdrawn:
        # withdrawn before the decision whether to assess: W, without a date
        rq["request_outcome"], rq["request_outcome_on"] = "W", None
    elif s.get("request_outcome"):
        rq["request_outcome"], rq["request_outcome_on"] = (
            s["request_outcome"],
            s.get("request_outcome_on"),
        )
    else:
        rq["request_outcome"], rq["request_outcome_on"] = "A", None
    if rq["request_outcome"] in ("Y", "H") and (
        a["decision"] == "assess" or s.get("assessment_outcome")
    ):
        asm = {f: s.get(f) or "0" for f in _ZERO_ASSESS}
        concluded = _upto(a["concluded_on"], census)
        if concluded and a["outcome"] in _ASSESS_OUTCOME:
            asm["assessment_outcome"], asm["assessment_outcome_on"] = (
                _ASSESS_OUTCOME[a["outcome"]],
                concluded,
            )
        elif withdrawn:
            # withdrawn before the decision whether to issue a plan: W, without a date
            asm["assessment_outcome"], asm["assessment_outcome_on"] = "W", None
        elif s.get("assessment_outcome"):
            asm["assessment_outcome"] = s["assessment_outcome"]
            asm["assessment_outcome_on"] = s.get("assessment_outcome_on")
        elif _upto(a["draft_on"], census):
            asm["assessment_outcome"], asm["assessment_outcome_on"] = (
                "Y",
                None,
            )  # issuing, plan pending
        else:
            asm["assessment_outcome"], asm["assessment_outcome_on"] = "A", None
        asm["week20"] = s.get("week20") or ("1" if a["exception_reason"] else "0")
        asm["_issued"] = asm["assessment_outcome"] == "Y" and bool(asm["assessment_outcome_on"])
        rq["assessment"] = asm
    return rq


def _request_from_row(s: dict[str, Any]) -> dict[str, Any]:
    """A request known only from a previous return, as received."""
    rq = {f: s.get(f) for _, f, *_ in REQUESTS}
    rq["_plan"] = s.get("plan", 0)
    if s.get("assessment_outcome"):
        asm = {f: s.get(f) for _, f, *_ in ASSESSMENT}
        asm["_issued"] = asm["assessment_outcome"] in ("Y", "H")
        rq["assessment"] = asm
    return rq


def _historic(rq: dict[str, Any], ref0: str) -> None:
    """Work decided before the reference period is reported as H, without its date."""
    if rq.get("request_outcome") in ("Y", "N") and (rq.get("request_outcome_on") or "9") < ref0:
        rq["request_outcome"], rq["request_outcome_on"] = "H", None
        for f in _ZERO_REQUEST:
            rq[f] = None
    a = rq.get("assessment")
    if (
        a
        and a.get("assessment_outcome") in ("Y", "N")
        and (a.get("assessment_outcome_on") or "9") < ref0
    ):
        a["assessment_outcome"], a["assessment_outcome_on"] = "H", None
        for f in _ZERO_ASSESS + ("week20",):
            a[f] = None


def _pending(rq: dict[str, Any]) -> bool:
    a = rq.get("assessment")
    return rq.get("request_outcome") == "A" or bool(
        a
        and (
            a.get("assessment_outcome") == "A"
            or (a.get("assessment_outcome") == "Y" and not a.get("assessment_outcome_on"))
        )
    )


def build_person(d: CaseData, year: int) -> dict[str, Any] | None:
    """One child's return for the `year` collection, as the register stood on survey day
    (anything dated after it is treated as not yet happened). None: the child is not returned."""
    census = census_date(year).isoformat()
    ref0 = reference_start(year).isoformat()
    c = d.case
    sp = d.person or {}
    p = {
        "case_ref": c["case_ref"],
        "surname": c["surname"],
        "forename": c["forename"],
        "date_of_birth": c["date_of_birth"],
        "sex": sp.get("sex"),
        "gender_current": GENDER_CURRENT.get(sp.get("sex") or ""),
        "ethnicity": sp.get("ethnicity"),
        "postcode": sp.get("postcode"),
        "upn": c.get("upn") or None,
        "uln": sp.get("uln"),
        "upn_unknown": sp.get("upn_unknown"),
    }

    extras = {s["assessment_id"]: s for s in d.requests or [] if s.get("assessment_id") is not None}
    requests = [
        _request_from_assessment(a, extras.get(a["id"]), census) for a in d.assessments or []
    ]
    requests += [
        _request_from_row(s)
        for s in d.requests or []
        if s.get("assessment_id") is None and (s.get("received_on") or "") <= census
    ]
    for rq in requests:
        _historic(rq, ref0)

    # the plan, replayed: in force from its start until the day it ceased
    plan_row = d.plan or {}
    ended = d.ended or {}
    start = _upto(c.get("plan_issued_on"), census) if c.get("plan_type") == "ehcp" else None
    cease_on = _upto(ended.get("cease_on") or plan_row.get("cease_on"), census)
    cease_reason = (ended.get("cease_reason") or plan_row.get("cease_reason")) if cease_on else None
    plan_returned = bool(start) and (cease_on is None or cease_on >= ref0)
    active = bool(start) and (cease_on is None or cease_on > census)
    if plan_returned:
        carrier = next((r for r in requests if r.get("_plan")), None)
        if carrier is None:
            issued = [
                r for r in requests if r.get("assessment", {}) and r["assessment"].get("_issued")
            ]
            carrier = issued[-1] if issued else None
        if carrier is None:
            carrier = {
                "received_on": None,
                "request_outcome": "H",
                "assessment": {"assessment_outcome": "H"},
            }
            requests.insert(0, carrier)
        if carrier.get("assessment") is None:
            carrier["assessment"] = {"assessment_outcome": "H"}
        places = sorted(
            (d.placements or []) + _from_placements(d, census),
            key=lambda r: (r["kind"], r["placement_rank"], r.get("entry_on") or ""),
        )
        carrier["assessment"]["named_plan"] = {
            "start_on": start,
            **{f: plan_row.get(f) for f in ("plan_res", "plan_wbp", "pb", "oa", "dp")},
            "cease_on": cease_on,
            "cease_reason": cease_reason,
            "plan_detail": [
                {f: pl.get(f) for _, f, *_ in PLAN_DETAIL} for pl in places if pl["kind"] == "named"
            ],
        }
        if active:
            rv = d.review or {}
            decided = _upto(rv.get("decided_on"), census)
            attended = [
                pl
                for pl in places
                if pl["kind"] == "attended"
                and (pl.get("entry_on") or "") <= census
                and (pl.get("leaving_on") or "9") >= ref0
            ]
            needs = {n["sen_type_rank"]: n["sen_type"] for n in d.needs or []}
            if "1" not in needs and c.get("primary_need") in SEN_TYPE:
                needs["1"] = c["primary_need"]
            carrier["active_plans"] = {
                # TransferLA: a plan transferred in during the reference year (or since)
                "transfer_la": (
                    ended.get("transfer_la") if (ended.get("moved_in_on") or "") >= ref0 else None
                )
                or plan_row.get("transfer_la"),
                "review_meeting_on": rv.get("meeting_on"),
                "review_outcome": REVIEW_DECISION_CODE.get(rv.get("decision") or "")
                if decided
                else None,
                "review_draft_on": _upto(plan_row.get("review_draft_on"), census),
                **_phase_transfer(c, plan_row, ended, census, d.imported_census),
                "last_review_on": decided,
                "placement_detail": [
                    {
                        **{f: pl.get(f) for _, f, *_ in PLACEMENT_DETAIL},
                        "leaving_on": _upto(pl.get("leaving_on"), census),
                    }
                    for pl in attended
                ],
                "sen_need": [{"sen_type": needs[r], "sen_type_rank": r} for r in sorted(needs)],
            }

    kept = [
        rq
        for rq in requests
        if rq.get("assessment", {})
        and rq["assessment"].get("named_plan") is not None
        or _pending(rq)
        or (rq.get("received_on") or "") >= ref0
        or (rq.get("request_outcome_on") or "") >= ref0
        or ((rq.get("assessment") or {}).get("assessment_outcome_on") or "") >= ref0
        or (rq.get("_withdrawn_on") or "") >= ref0
    ]
    if not kept:
        return None
    for rq in kept:
        rq.setdefault("assessment", None)
        rq.setdefault("active_plans", None)
        for k in ("_plan", "_assessment_id", "_withdrawn_on"):
            rq.pop(k, None)
        if rq["assessment"] is not None:
            rq["assessment"].pop("_issued", None)
            rq["assessment"].setdefault("named_plan", None)
    kept.sort(key=lambda r: r.get("received_on") or "")
    p["requests"] = kept
    return p


# --- recording the return's items (cases update, imports) -------------------------------------

_YES_NO = {"1": "1", "0": "0", "y": "1", "n": "0", "yes": "1", "no": "0", "true": "1", "false": "0"}
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}\Z")
ITEM_KINDS = {
    "sex": "code",
    "ethnicity": "code",
    "postcode": "postcode",
    "uln": "uln",
    "upn_unknown": "code",
    "request_source": "code",
    "rya": "flag",
    "plan_res": "code",
    "plan_wbp": "code",
    "pb": "flag",
    "oa": "flag",
    "dp": "code",
    "transfer_la": "la",
    "urn": "urn",
    "ukprn": "ukprn",
    "sen_setting": "code",
    "sen_setting_other": "text",
    "placement_from": "date",
    "sen_unit": "flag",
    "resourced_provision": "flag",
    "res": "code",
    "wbp": "code",
    "secondary_need": "need",
    "sen_type": "need",
}


def clean_item(field: str, text: str) -> tuple[str | None, str | None]:
    """(value, problem) for one item given as text; "" clears it. A problem never repeats a
    personal value."""
    t = text.strip()
    if t == "":
        return None, None
    kind = ITEM_KINDS[field]
    if kind == "code":
        v = t.upper()
        allowed = CODED[field]
        if v not in allowed:
            listed = ", ".join(allowed) if len(allowed) < 15 else "the DfE list"
            return None, f"expected one of {listed}"
        return v, None
    if kind == "need":
        v = t.upper()
        return (v, None) if v in SEN_TYPE else (None, f"expected one of {', '.join(SEN_TYPE)}")
    if kind == "flag":
        flag = _YES_NO.get(t.lower())
        return (flag, None) if flag else (None, "expected yes or no (1 or 0)")
    if kind == "postcode":
        v = re.sub(r"\s+", " ", t.upper())
        return (v, None) if _POSTCODE.match(v) else (None, "expected a UK postcode like LE15 6HP")
    if kind == "uln":
        return (
            (t, None)
            if uln_valid(t)
            else (None, "expected a 10-digit ULN with a valid check digit")
        )
    if kind == "la":
        return (t, None) if t in LA_CODES else (None, "expected a 3-digit DfE local authority code")
    if kind == "urn":
        return (t, None) if re.fullmatch(r"[0-9]{6}", t) else (None, "expected a 6-digit URN")
    if kind == "ukprn":
        return (
            (t, None)
            if re.fullmatch(r"1[0-9]{7}", t)
            else (None, "expected an 8-digit UKPRN starting 1")
        )
    if kind == "date":
        from sendctl.domain.dates import BadDate, parse_date

        try:
            return parse_date(t, field).isoformat(), None
        except BadDate:
            return None, "expected a date like 01/09/2025 or 2025-09-01"
    return (t[:200], None)


# --- comparing two returns -------------------------------------------------------------------


def flatten(p: dict[str, Any], year: int) -> dict[str, str]:
    """One child as {element path: value} with the items of the `year` collection, e.g.
    "Requests[1]/Assessment/Week20": "0"."""
    out: dict[str, str] = {}

    def visit(module: str, rec: dict[str, Any], prefix: str) -> None:
        for el, f in items_for(module, year):
            v = rec.get(f)
            if v not in (None, ""):
                out[f"{prefix}{el}"] = v
        for key, child, repeats in MODULES[module][2]:
            v = rec.get(key)
            if v is None:
                continue
            el = MODULES[child][0]
            if repeats:
                for i, r in enumerate(v, 1):
                    visit(child, r, f"{prefix}{el}[{i}]/")
            else:
                visit(child, v, f"{prefix}{el}/")

    visit("person", p, "")
    return out


def match_key(p: dict[str, Any]) -> tuple[Any, ...]:
    """How the same child is found in two returns: UPN, else ULN, else name and date of birth."""
    if p.get("upn"):
        return ("upn", p["upn"])
    if p.get("uln"):
        return ("uln", p["uln"])
    return (
        "name",
        (p.get("surname") or "").lower(),
        (p.get("forename") or "").lower(),
        p.get("date_of_birth"),
    )


_PERSONAL_ELEMENTS = {el for el, f, *_ in PERSON if f in PERSONAL}


def compare_child(
    last: dict[str, Any], now: dict[str, Any], year: int
) -> list[tuple[str, str | None, str | None]]:
    """(path, last value, value now) for every item of the `year` collection that differs;
    personal items say only that they changed."""
    a, b = flatten(last, year), flatten(now, year)
    rows = []
    for path in sorted(set(a) | set(b), key=lambda k: (k.count("/"), k)):
        if a.get(path) != b.get(path):
            if path in _PERSONAL_ELEMENTS:
                rows.append(
                    (
                        path,
                        "(recorded)" if a.get(path) else None,
                        "(changed)" if b.get(path) else None,
                    )
                )
            else:
                rows.append((path, a.get(path), b.get(path)))
    return rows


# Optional case-import columns for the return's person items (headers matched like the others).
PERSON_ALIASES: dict[str, tuple[str, ...]] = {
    "sex": ("Sex", "Gender", "Legal sex"),
    "ethnicity": ("Ethnicity", "Ethnic group", "Ethnic origin", "Ethnicity code"),
    "postcode": ("Postcode", "Post code", "Home postcode"),
    "uln": ("ULN", "Unique learner number"),
    "upn_unknown": ("UPN unknown", "UPN unknown reason", "UPNunknown"),
}
