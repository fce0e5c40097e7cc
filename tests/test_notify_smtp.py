"""SMTP settings (environment, config.ini, errors) and the sender against a real local server."""

from datetime import date

import pytest
from notify_support import SmtpServer, Store, free_port

from sendctl.domain.errors import SendctlError
from sendctl.notify.email import plan_messages, sender_address
from sendctl.notify.smtp import load_settings, send_all

BASE = {"SENDCTL_SMTP_HOST": "mail.rutland.example", "SENDCTL_SMTP_FROM": "send@rutland.example"}


def test_minimal_settings_and_port_defaults():
    s = load_settings(BASE)
    assert (s.host, s.port, s.security, s.user) == ("mail.rutland.example", 25, "none", None)
    assert load_settings({**BASE, "SENDCTL_SMTP_STARTTLS": "yes"}).port == 587
    assert load_settings({**BASE, "SENDCTL_SMTP_SSL": "1"}).port == 465
    assert (
        load_settings({**BASE, "SENDCTL_SMTP_SSL": "1", "SENDCTL_SMTP_PORT": "2465"}).port == 2465
    )


@pytest.mark.parametrize("missing", ["SENDCTL_SMTP_HOST", "SENDCTL_SMTP_FROM"])
def test_missing_setting_is_named(missing):
    env = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(SendctlError, match=f"SMTP setting {missing} is not set"):
        load_settings(env)


def test_user_without_password_is_named_and_password_never_shown():
    with pytest.raises(SendctlError, match="SENDCTL_SMTP_PASSWORD is not set"):
        load_settings({**BASE, "SENDCTL_SMTP_USER": "send"})
    s = load_settings({**BASE, "SENDCTL_SMTP_USER": "send", "SENDCTL_SMTP_PASSWORD": "s3cret-pw"})
    assert "s3cret-pw" not in repr(s) and "s3cret-pw" not in str(s)


@pytest.mark.parametrize(
    "key,value,match",
    [
        ("SENDCTL_SMTP_PORT", "smtp", "SENDCTL_SMTP_PORT: expected a port number"),
        ("SENDCTL_SMTP_PORT", "70000", "SENDCTL_SMTP_PORT: expected a port number"),
        ("SENDCTL_SMTP_STARTTLS", "maybe", "SENDCTL_SMTP_STARTTLS: expected yes/no"),
        ("SENDCTL_SMTP_FROM", "not an address", "SENDCTL_SMTP_FROM: not a single email address"),
    ],
)
def test_bad_settings_are_named(key, value, match):
    with pytest.raises(SendctlError, match=match):
        load_settings({**BASE, key: value})


def test_starttls_and_ssl_together_refused():
    with pytest.raises(SendctlError, match="both on"):
        load_settings({**BASE, "SENDCTL_SMTP_STARTTLS": "1", "SENDCTL_SMTP_SSL": "1"})


def test_config_file_in_app_folder_and_env_wins(tmp_path):
    (tmp_path / "config.ini").write_text(
        "[smtp]\nhost = mail.config.example\nport = 2525\nfrom = SEND <send@config.example>\n"
        "user = send\npassword = pw%with%percent\nSENDCTL_SMTP_STARTTLS = yes\n"
    )
    s = load_settings({}, tmp_path)
    assert (s.host, s.port, s.security, s.user, s.password) == (
        "mail.config.example",
        2525,
        "starttls",
        "send",
        "pw%with%percent",
    )
    assert str(s.sender) == "SEND <send@config.example>"
    s = load_settings({"SENDCTL_SMTP_HOST": "mail.env.example"}, tmp_path)
    assert s.host == "mail.env.example" and s.port == 2525
    (tmp_path / "config.ini").write_text("[smtp]\nhost = mail.config.example\n")
    with pytest.raises(SendctlError, match="SENDCTL_SMTP_FROM is not set") as e:
        load_settings({}, tmp_path)
    assert "config.ini" in e.value.hint


def _outgoing(*emails):
    rows = [
        {
            "case_ref": f"R{i}",
            "forename": "Amy",
            "clock": "transfer",
            "due_on": "2017-04-20",
            "status": "due",
            "days_left": 2,
            "caseworker_email": e,
        }
        for i, e in enumerate(emails)
    ]
    return plan_messages(
        rows, None, set(), sender_address("send@rutland.example"), date(2017, 4, 18), 14
    ).outgoing


def test_sends_each_message_separately_and_reports_refusals():
    with SmtpServer(Store(refuse=["sam@rutland.example"])) as server:
        settings = load_settings(
            {**BASE, "SENDCTL_SMTP_HOST": "127.0.0.1", "SENDCTL_SMTP_PORT": str(server.port)}
        )
        sent = []
        failures = send_all(
            settings,
            _outgoing("jo@rutland.example", "sam@rutland.example", "al@rutland.example"),
            sent.append,
        )
    assert [o.recipient for o in sent] == ["al@rutland.example", "jo@rutland.example"]
    assert [(m[0], m[1]) for m in server.messages] == [
        ("send@rutland.example", ["al@rutland.example"]),
        ("send@rutland.example", ["jo@rutland.example"]),
    ]
    assert len(failures) == 1
    text = str(failures[0])
    assert text.startswith(f"sam@rutland.example: not sent via 127.0.0.1:{server.port}: ")
    assert "550" in text


def test_server_down_fails_every_recipient_with_host_and_port():
    port = free_port()
    settings = load_settings(
        {**BASE, "SENDCTL_SMTP_HOST": "127.0.0.1", "SENDCTL_SMTP_PORT": str(port)}
    )
    sent = []
    failures = send_all(
        settings, _outgoing("jo@rutland.example", "sam@rutland.example"), sent.append
    )
    assert sent == []
    assert [f.recipient for f in failures] == ["jo@rutland.example", "sam@rutland.example"]
    assert all(f"127.0.0.1:{port}" in str(f) and "connection refused" in str(f) for f in failures)


def test_login_refused_is_reported_without_the_password():
    with SmtpServer(Store(), auth=("send", "right-pw")) as server:
        settings = load_settings(
            {
                **BASE,
                "SENDCTL_SMTP_HOST": "127.0.0.1",
                "SENDCTL_SMTP_PORT": str(server.port),
                "SENDCTL_SMTP_USER": "send",
                "SENDCTL_SMTP_PASSWORD": "wrong-pw",
            }
        )
        sent = []
        failures = send_all(settings, _outgoing("jo@rutland.example"), sent.append)
        assert sent == [] and len(failures) == 1
        assert "login refused (535" in str(failures[0]) and "wrong-pw" not in str(failures[0])
        ok = load_settings(
            {
                **BASE,
                "SENDCTL_SMTP_HOST": "127.0.0.1",
                "SENDCTL_SMTP_PORT": str(server.port),
                "SENDCTL_SMTP_USER": "send",
                "SENDCTL_SMTP_PASSWORD": "right-pw",
            }
        )
        assert send_all(ok, _outgoing("jo@rutland.example"), sent.append) == []
        assert len(sent) == 1 and len(server.messages) == 1


def test_example_crontab_notifies_on_weekdays_and_backs_up_nightly():
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "examples" / "crontab").read_text()
    lines = [
        x
        for x in text.splitlines()
        if x.strip() and not x.startswith("#") and "=" not in x.split()[0]
    ]
    assert len(lines) == 2
    notify, backup = (line.split(None, 5) for line in lines)
    assert notify[:5] == ["0", "7", "*", "*", "1-5"]
    assert (
        "deadlines notify" in notify[5]
        and "--db " in notify[5]
        and ">>/var/log/sendctl/" in notify[5]
    )
    assert backup[2:5] == ["*", "*", "*"] and " backup " in backup[5] and "--db " in backup[5]
    assert ">>/var/log/sendctl/" in backup[5]
    for line in lines:
        assert not re.search(r"(?<!\\)%", line)  # cron turns a bare % into a newline
    assert "Logs:" in text


class _DataRefusedFor(Store):
    """Accepts RCPT but answers 451 to the DATA of one recipient's message."""

    def __init__(self, who):
        super().__init__()
        self.who = who

    async def handle_DATA(self, server, session, envelope):
        if self.who in envelope.rcpt_tos:
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


def test_a_refused_message_does_not_stop_the_others():
    with SmtpServer(_DataRefusedFor("jo@rutland.example")) as server:
        settings = load_settings(
            {**BASE, "SENDCTL_SMTP_HOST": "127.0.0.1", "SENDCTL_SMTP_PORT": str(server.port)}
        )
        sent = []
        failures = send_all(
            settings,
            _outgoing("al@rutland.example", "jo@rutland.example", "sam@rutland.example"),
            sent.append,
        )
    assert [o.recipient for o in sent] == ["al@rutland.example", "sam@rutland.example"]
    assert [f.recipient for f in failures] == ["jo@rutland.example"]
    assert "451" in failures[0].reason


def test_config_file_readable_by_others_with_a_password_is_warned(tmp_path):
    from sendctl.notify.smtp import config_file_warning

    cfg = tmp_path / "config.ini"
    cfg.write_text("[smtp]\npassword = x\n")
    cfg.chmod(0o644)
    assert "chmod 600" in config_file_warning(tmp_path)
    cfg.chmod(0o600)
    assert config_file_warning(tmp_path) is None
