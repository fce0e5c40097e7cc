"""Pure message building: grouping, subject, table, privacy, header safety (design §6)."""

from datetime import UTC, date, datetime

import pytest

from sendctl.domain.errors import SendctlError
from sendctl.notify.email import (
    address_or_none,
    build_message,
    clean_address,
    days_text,
    plan_messages,
    sender_address,
    sent_key,
    subject,
)

AS_OF = date(2017, 4, 18)
SENDER = sender_address("SEND team <send@rutland.example>")


def row(ref, due, status, days, email="jo@rutland.example", clock="transfer", **extra):
    r = {
        "case_ref": ref,
        "forename": "Amy",
        "clock": clock,
        "due_on": due,
        "status": status,
        "days_left": days,
        "caseworker": "Jo",
        "caseworker_email": email,
    }
    r.update(extra)
    return r


ROWS = [
    row("R002", "2017-04-25", "due", 7),
    row("R001", "2017-04-10", "overdue", -8, clock="assessment_final"),
    row("R003", "2017-04-20", "due", 2, email="sam@rutland.example"),
    row("R004", "2017-04-19", "due", 1, email=None),
    row("R005", "2017-06-01", "upcoming", 44),
]


def test_subject_is_the_contract():
    assert subject(3, 1) == "[sendctl] 3 deadlines due, 1 overdue"


@pytest.mark.parametrize(
    "days,text",
    [
        (-1, "1 day overdue"),
        (-8, "8 days overdue"),
        (0, "due today"),
        (1, "1 day left"),
        (7, "7 days left"),
    ],
)
def test_days_text(days, text):
    assert days_text(days) == text


@pytest.mark.parametrize("good", ["a@b.org", "jo.smith+send@rutland.gov.uk", "x@localhost"])
def test_good_addresses(good):
    assert clean_address(f"  {good} ", "--to") == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "jo",
        "a@",
        "@b.org",
        "a b@c.org",
        "a@b.org, c@d.org",
        "Jo <a@b.org>",
        "a@b.org\r\nBcc: evil@x.org",
        "a@b.org\n",
        "a@b.org\x00",
        "jö@b.org",
    ],
)
def test_bad_addresses_refused(bad):
    assert address_or_none(bad) is None
    with pytest.raises(SendctlError, match="--to: not a single email address"):
        clean_address(bad, "--to")


def test_sender_with_display_name():
    assert SENDER.addr_spec == "send@rutland.example"
    assert SENDER.display_name == "SEND team"
    with pytest.raises(SendctlError, match="SENDCTL_SMTP_FROM"):
        sender_address("Evil\r\nBcc: x@y.org <send@rutland.example>")
    with pytest.raises(SendctlError, match="SENDCTL_SMTP_FROM"):
        sender_address("send@rutland.example\r\nBcc: x@y.org")


def test_plan_groups_by_email_sorts_and_routes_to_manager():
    plan = plan_messages(ROWS, "boss@rutland.example", set(), SENDER, AS_OF, 14)
    by = {o.recipient: o for o in plan.outgoing}
    assert sorted(by) == ["boss@rutland.example", "jo@rutland.example", "sam@rutland.example"]
    jo = by["jo@rutland.example"]
    assert [r["case_ref"] for r in jo.rows] == ["R001", "R002"]  # soonest first
    assert jo.message["Subject"] == "[sendctl] 1 deadlines due, 1 overdue"
    assert jo.message["To"] == "jo@rutland.example"
    assert [r["case_ref"] for r in by["boss@rutland.example"].rows] == ["R004"]
    assert plan.unrouted == [] and plan.already_sent == 0
    assert all(r["status"] != "upcoming" for o in plan.outgoing for r in o.rows)


def test_without_manager_the_rows_with_no_email_are_unrouted():
    plan = plan_messages(ROWS, None, set(), SENDER, AS_OF, 14)
    assert [r["case_ref"] for r in plan.unrouted] == ["R004"]
    assert len(plan.outgoing) == 2


def test_already_sent_rows_are_skipped_and_a_moved_clock_is_not():
    already = {sent_key("jo@rutland.example", ROWS[0]), sent_key("jo@rutland.example", ROWS[1])}
    plan = plan_messages(ROWS, None, already, SENDER, AS_OF, 14)
    assert [o.recipient for o in plan.outgoing] == ["sam@rutland.example"]
    assert plan.already_sent == 2
    moved = dict(ROWS[0], due_on="2017-04-26", days_left=8)
    plan = plan_messages([moved], None, already, SENDER, AS_OF, 14)
    assert [o.recipient for o in plan.outgoing] == ["jo@rutland.example"]


def test_body_has_summary_then_table_and_only_safe_fields():
    r = row(
        "00123",
        "2017-04-20",
        "due",
        2,
        surname="Zebedee-Surname",
        upn="A123456789012",
        date_of_birth="2009-01-02",
    )
    msg = build_message(
        "jo@rutland.example",
        [r, ROWS[1]],
        SENDER,
        AS_OF,
        14,
        sent_at=datetime(2017, 4, 18, 7, 0, tzinfo=UTC),
    )
    text = msg.as_string()
    body = msg.get_content()
    lines = body.splitlines()
    assert lines[0] == "As at 18 April 2017: 1 statutory deadline overdue and 1 due within 14 days."
    assert "case ref" in lines[2] and "forename" in lines[2] and "due date" in lines[2]
    assert lines[4].split()[0] == "R001" and "8 days overdue" in lines[4]
    assert lines[5].split()[0] == "00123" and "2 days left" in lines[5]  # leading zeros kept
    for secret in ("Zebedee", "A123456789012", "2009-01-02", "02/01/2009"):
        assert secret not in text
    assert msg.get_content_type() == "text/plain"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"] == "Tue, 18 Apr 2017 07:00:00 +0000"


def test_crlf_in_data_cannot_reach_a_header():
    evil = row(
        "R9\r\nBcc: evil@x.org",
        "2017-04-20",
        "due",
        2,
        forename="Amy\r\nBcc: evil@x.org\r\n\r\nfake body",
        email="jo@rutland.example\r\nBcc: evil@x.org",
    )
    plan = plan_messages([evil], "boss@rutland.example", set(), SENDER, AS_OF, 14)
    # the unusable caseworker email is not used: the warning goes to the manager
    assert [o.recipient for o in plan.outgoing] == ["boss@rutland.example"]
    assert len(plan.rerouted) == 1
    msg = plan.outgoing[0].message
    head = msg.as_string().split("\n\n", 1)[0]
    assert "evil" not in head and "Bcc" not in head
    assert set(msg.keys()) == {
        "Subject",
        "From",
        "To",
        "Message-ID",
        "Auto-Submitted",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    }
    body = msg.get_content()
    assert "\r" not in body
    assert "Amy Bcc: evil@x.org fake body" in body  # flattened onto its table row
    with pytest.raises(SendctlError):
        build_message("jo@x.org\r\nBcc: evil@x.org", [evil], SENDER, AS_OF, 14)


def test_non_ascii_forename_survives_the_transfer_encoding():
    from email import message_from_bytes, policy

    msg = build_message(
        "jo@rutland.example", [row("R1", "2017-04-20", "due", 2, forename="Zoë")], SENDER, AS_OF, 14
    )
    assert msg["Content-Transfer-Encoding"] == "quoted-printable"
    back = message_from_bytes(msg.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert "Zoë" in back.get_content()


@pytest.mark.parametrize("manager", [None, "boss@rutland.example", "Sam@rutland.example"])
def test_streamed_plan_gives_the_same_messages_one_recipient_at_a_time(manager):
    """Rows grouped by recipient_order (as deadline_rows gives them to `deadlines notify`):
    the same messages, recipients, rows and counts as plan_messages over the rows in any
    order, although only one recipient's rows are held at a time."""
    from sendctl.notify.email import StreamedPlan, recipient_order

    emails = [
        "jo@rutland.example",
        "Jo@Rutland.example",  # the same person, typed differently
        "sam@rutland.example",
        None,
        "",
        "not an address",
        "a@b.example, c@d.example",
        "zed@rutland.example",
    ]
    rows = [
        row(
            f"R{i:03d}",
            f"2017-04-{10 + i % 15:02d}",
            ("due", "overdue", "upcoming")[i % 3],
            1,
            email=emails[i % len(emails)],
            clock=("transfer", "annual_review")[i % 2],
        )
        for i in range(60)
    ]
    already = {sent_key("sam@rutland.example", rows[2])}
    want = plan_messages(rows, manager, already, SENDER, AS_OF, 14)
    order = recipient_order({r["caseworker_email"] for r in rows}, manager)
    grouped = sorted(
        rows, key=lambda r: (order[r["caseworker_email"]], r["due_on"], r["case_ref"], r["clock"])
    )
    got = StreamedPlan(grouped, manager, already, SENDER, AS_OF, 14)
    messages = list(got.outgoing())
    assert [(o.recipient, o.rows) for o in messages] == [
        (o.recipient, o.rows) for o in want.outgoing
    ]
    assert [o.message.get_content() for o in messages] == [
        o.message.get_content() for o in want.outgoing
    ]
    assert (got.messages, got.rows, got.already_sent) == (
        len(want.outgoing),
        sum(len(o.rows) for o in want.outgoing),
        want.already_sent,
    )
    assert sorted(r["case_ref"] for r in got.unrouted) == sorted(
        r["case_ref"] for r in want.unrouted
    )
    assert sorted(r["case_ref"] for r in got.rerouted) == sorted(
        r["case_ref"] for r in want.rerouted
    )
