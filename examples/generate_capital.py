"""Write examples/capital.csv: the SEND capital programme of the demo, in date order.

The £500,000 special provision capital (profiled 2018-19 to 2020-21) is planned as five
projects in May 2017, consulted on with parents, carers, schools and young people in June and
July 2017 (counts and themes only: no respondent is named), one project is withdrawn after the
consultation and the rest approved, with the plan's outcome and equality impact notes.

Deterministic (no randomness): run `python examples/generate_capital.py` to rebuild the file
and its packaged copy; `--check` exits 1 when either differs. `sendctl demo` loads it with the
capital services (the same checks as `sendctl capital ...`). Settings are the demo's; the
projects are illustrative.

Columns: record (project | status | consultation | response | note), date, project, and
  project:      cost, profile, setting, purpose
  status:       status, text (the note)
  consultation: date_to, text (the title)
  response:     respondent_type, view, theme, count
  note:         kind (outcome | equality), text
"""

import csv
import io
import sys

from _output import write_or_check

FIELDS = [
    "record",
    "date",
    "project",
    "cost",
    "profile",
    "setting",
    "purpose",
    "status",
    "date_to",
    "respondent_type",
    "view",
    "theme",
    "count",
    "kind",
    "text",
]

AUTISM = "Autism resourced provision, Uppingham"
SENSORY = "Sensory room, Oakham Meadow"
ACCESS = "Accessible classrooms and wheelchair storage"
NURTURE = "SEMH nurture base, Casterton"
EARLY = "Specialist equipment for early years settings"

PROJECTS = [
    (
        AUTISM,
        "240000.00",
        "2018-19=110000.00,2019-20=130000.00",
        "Uppingham Ridge College",
        "Extend the resourced provision by 12 places for autistic pupils, so that fewer travel out of county",
    ),
    (
        SENSORY,
        "36000.00",
        "2018-19=36000.00",
        "Oakham Meadow Primary School",
        "A sensory room and quiet space for pupils with sensory and physical needs",
    ),
    (
        ACCESS,
        "90000.00",
        "2020-21=90000.00",
        "Rutland Heights Academy",
        "Widen two classrooms for pupils using mobility aids and build covered wheelchair storage",
    ),
    (
        NURTURE,
        "100000.00",
        "2020-21=100000.00",
        "Casterton Vale College",
        "A nurture base for pupils with social, emotional and mental health needs",
    ),
    (
        EARLY,
        "30000.00",
        "2019-20=30000.00",
        "Rutland Water Pre-school",
        "Specialist seating and mobility equipment for early years settings",
    ),
]

# (date, respondent type, view, project or "", theme, count)
RESPONSES = [
    ("2017-06-12", "parent", "support", AUTISM, "places near home", 14),
    ("2017-06-12", "parent", "comment", AUTISM, "transport", 6),
    ("2017-06-14", "school", "support", AUTISM, "staff training", 3),
    ("2017-06-19", "young-person", "support", SENSORY, "quiet space", 5),
    ("2017-06-19", "parent", "support", SENSORY, "sensory needs", 8),
    ("2017-06-26", "school", "support", ACCESS, "mobility", 4),
    ("2017-06-26", "carer", "support", ACCESS, "mobility", 3),
    ("2017-07-03", "parent", "support", NURTURE, "emotional wellbeing", 9),
    ("2017-07-03", "school", "comment", NURTURE, "exclusions", 2),
    ("2017-07-10", "school", "oppose", EARLY, "already funded", 4),
    ("2017-07-10", "parent", "comment", EARLY, "already funded", 3),
    ("2017-07-17", "carer", "comment", "", "transport", 4),
    ("2017-07-24", "other", "comment", "", "short breaks", 2),
    ("2017-07-28", "young-person", "support", "", "places near home", 3),
]


def rows():
    out = []

    def add(record, date, **kw):
        out.append({"record": record, "date": date, **kw})

    for name, cost, profile, setting, purpose in PROJECTS:
        add(
            "project",
            "2017-05-15",
            project=name,
            cost=cost,
            profile=profile,
            setting=setting,
            purpose=purpose,
        )
    add(
        "consultation",
        "2017-06-05",
        date_to="2017-07-28",
        text="Consultation on the SEND capital plan with parents, carers, schools and young people",
    )
    for name, *_ in PROJECTS:
        add("status", "2017-06-05", project=name, status="consulting")
    for day, rtype, view, project, theme, count in RESPONSES:
        add(
            "response",
            day,
            project=project,
            respondent_type=rtype,
            view=view,
            theme=theme,
            count=str(count),
        )
    add(
        "status",
        "2017-08-10",
        project=EARLY,
        status="withdrawn",
        text="Schools and parents said the equipment is already funded through the early years inclusion fund",
    )
    add(
        "note",
        "2017-08-10",
        kind="outcome",
        text="Most responses supported more places close to home for autistic pupils and a sensory room. Schools "
        "and parents told us the early years equipment is already paid for by the early years inclusion fund, "
        "so that project was withdrawn and its £30,000 kept for later needs. Parents asked about transport: "
        "the autism places are planned at Uppingham so that fewer children travel out of county.",
    )
    add(
        "note",
        "2017-09-01",
        kind="equality",
        text="The plan adds places for children with autism, sensory, physical and social, emotional and mental "
        "health needs in Rutland's own schools, in both the east and the west of the county. No group is "
        "disadvantaged by it; children placed out of county today could return nearer home.",
    )
    for name in (AUTISM, SENSORY, ACCESS):
        add(
            "status",
            "2017-09-12",
            project=name,
            status="approved",
            text="Cabinet 12 September 2017",
        )
    add("status", "2018-01-16", project=NURTURE, status="approved", text="Cabinet 16 January 2018")
    add("status", "2018-04-10", project=AUTISM, status="in-delivery", text="Design fees ordered")
    return out


def render() -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    for r in rows():
        w.writerow({f: r.get(f, "") for f in FIELDS})
    return buf.getvalue()


if __name__ == "__main__":
    sys.exit(write_or_check("capital.csv", render(), "capital records", sys.argv[1:]))
