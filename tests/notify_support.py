"""A real SMTP server for the notify tests: aiosmtpd's Controller on 127.0.0.1, a free port."""

import socket
from email import message_from_bytes, policy

import pytest

aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Store:
    """Keeps every accepted message; refuses RCPT for addresses in `refuse` with 550."""

    def __init__(self, refuse=()):
        self.refuse = {a.lower() for a in refuse}
        self.messages = []  # (envelope_from, [rcpt], EmailMessage, raw bytes)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = message_from_bytes(raw, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg, raw))
        return "250 Message accepted"

    def to(self, addr):
        return [m for m in self.messages if addr in m[1]]


class SmtpServer:
    def __init__(self, handler, auth=None):
        self.handler = handler
        self.port = free_port()
        kw = {}
        if auth is not None:
            user, password = auth

            def authenticator(server, session, envelope, mechanism, data):
                ok = (
                    isinstance(data, LoginPassword)
                    and data.login == user.encode()
                    and data.password == password.encode()
                )
                return AuthResult(success=ok, handled=False)  # False: the server sends 535

            kw = {"authenticator": authenticator, "auth_require_tls": False}
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **kw)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages

    def env(self, monkeypatch, **extra):
        monkeypatch.setenv("SENDCTL_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SENDCTL_SMTP_PORT", str(self.port))
        monkeypatch.setenv("SENDCTL_SMTP_FROM", "SEND team <send@rutland.example>")
        for k, v in extra.items():
            monkeypatch.setenv(f"SENDCTL_SMTP_{k.upper()}", v)
