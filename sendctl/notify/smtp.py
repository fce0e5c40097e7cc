"""SMTP settings and the sender.

Settings come from the environment (SENDCTL_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM,
_STARTTLS, _SSL), else from `config.ini` in the app folder, section `[smtp]`, with the keys
`host`, `port`, `user`, `password`, `from`, `starttls`, `ssl` (the full SENDCTL_SMTP_* names
are accepted there too). The environment wins key by key. The password is never printed:
not in errors, not in repr().

The sender sends each message in its own SMTP transaction and reports failures per recipient
with host:port; `on_sent` is called only after the server accepted a message, so the caller
records exactly what went and the next run retries the rest.
"""

import configparser
import os
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import NamedTuple

from sendctl.domain.errors import SendctlError
from sendctl.notify.email import Outgoing, sender_address

KEYS = ("host", "port", "user", "password", "from", "starttls", "ssl")
CONFIG_NAME = "config.ini"
TIMEOUT_S = 30.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_name(key: str) -> str:
    return f"SENDCTL_SMTP_{key.upper()}"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: Address
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    security: str = "none"  # none | starttls | ssl
    source: str = "environment"  # where the settings came from, for messages

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def __str__(self) -> str:  # safe to print: no password
        auth = f" as {self.user}" if self.user else ""
        return f"{self.where} ({self.security}){auth}, from {self.sender}"


def _read_config(app_dir: Path | None) -> tuple[dict[str, str], Path | None]:
    if app_dir is None:
        return {}, None
    path = Path(app_dir) / CONFIG_NAME
    if not path.is_file():
        return {}, None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise SendctlError(f"{path}: cannot read the settings ({first})") from None
    if not parser.has_section("smtp"):
        return {}, path
    values = {}
    for k, v in parser.items("smtp"):
        k = k.lower()
        if k.startswith("sendctl_smtp_"):
            k = k[len("sendctl_smtp_") :]
        if k in KEYS:
            values[k] = v.strip()
    return values, path


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise SendctlError(
        f"{name}: expected yes/no, true/false, on/off or 1/0 (got {value.strip()[:20]!r})"
    )


def load_settings(
    env: Mapping[str, str] | None = None, app_dir: Path | None = None
) -> SmtpSettings:
    """Resolve the SMTP settings; a missing or bad one is a SendctlError naming it.

    Args:
        env: the environment (default os.environ).
        app_dir: the folder holding config.ini (the CLI passes typer.get_app_dir("sendctl")).
    """
    env = os.environ if env is None else env
    config, path = _read_config(app_dir)

    def get(key: str) -> tuple[str | None, str]:
        name = env_name(key)
        value = env.get(name)
        if value is not None and value.strip() != "":
            return value.strip(), name
        if key in config and config[key] != "":
            return config[key], f"{key} in [smtp] of {path}"
        return None, name

    where_hint = (
        f"set it in the environment or as `KEY = value` under [smtp] in "
        f"{Path(app_dir) / CONFIG_NAME if app_dir else 'config.ini in the app folder'}"
    )

    def need(key: str) -> tuple[str, str]:
        value, name = get(key)
        if value is None:
            raise SendctlError(
                f"SMTP setting {env_name(key)} is not set", hint=f"{where_hint}, or use --dry-run"
            )
        return value, name

    host, _ = need("host")
    if any(c.isspace() for c in host) or "/" in host:
        raise SendctlError(f"{env_name('host')}: not a host name (got {host[:60]!r})")
    from_text, from_name = need("from")
    sender = sender_address(from_text, from_name)
    starttls_v, starttls_name = get("starttls")
    ssl_v, ssl_name = get("ssl")
    starttls, use_ssl = _flag(starttls_v, starttls_name), _flag(ssl_v, ssl_name)
    if starttls and use_ssl:
        raise SendctlError(
            f"{env_name('starttls')} and {env_name('ssl')} are both on: choose one "
            "(STARTTLS for port 587, SSL for port 465)"
        )
    security = "ssl" if use_ssl else "starttls" if starttls else "none"
    port_v, port_name = get("port")
    if port_v is None:
        port = {"ssl": 465, "starttls": 587}.get(security, 25)
    else:
        if not port_v.isdigit() or not 0 < int(port_v) < 65536:
            raise SendctlError(f"{port_name}: expected a port number 1-65535 (got {port_v[:20]!r})")
        port = int(port_v)
    user, _ = get("user")
    password, _ = get("password")
    if user and password is None:
        raise SendctlError(
            f"SMTP setting {env_name('password')} is not set (needed because "
            f"{env_name('user')} is)",
            hint=where_hint,
        )
    if password and not user:
        raise SendctlError(
            f"SMTP setting {env_name('user')} is not set (needed because "
            f"{env_name('password')} is)",
            hint=where_hint,
        )
    source = "environment" if path is None else f"environment and {path}"
    return SmtpSettings(host, port, sender, user, password, security, source)


def config_file_warning(app_dir: Path | None) -> str | None:
    """A warning when config.ini holds a password yet others can read the file."""
    if app_dir is None:
        return None
    path = Path(app_dir) / CONFIG_NAME
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & 0o077 and "password" in path.read_text(encoding="utf-8", errors="replace").lower():
        return f"{path} holds an SMTP password and is readable by others: run chmod 600 {path}"
    return None


class Failure(NamedTuple):
    recipient: str
    where: str  # host:port
    reason: str

    def __str__(self) -> str:
        return f"{self.recipient}: not sent via {self.where}: {self.reason}"


def _reason(e: BaseException) -> str:
    """One line about the failure; never the password (smtplib does not echo it)."""
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {_text(msg)}" for code, msg in e.recipients.values()]
        return "recipient refused (" + "; ".join(codes) + ")"
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return f"login refused ({e.smtp_code} {_text(e.smtp_error)})"
    if isinstance(e, smtplib.SMTPSenderRefused):
        return f"sender {e.sender} refused ({e.smtp_code} {_text(e.smtp_error)})"
    if isinstance(e, smtplib.SMTPResponseException):
        return f"server said {e.smtp_code} {_text(e.smtp_error)}"
    if isinstance(e, smtplib.SMTPNotSupportedError):
        return f"server does not support it ({e})"
    if isinstance(e, smtplib.SMTPServerDisconnected):
        return f"connection closed ({e})" if str(e) else "connection closed"
    if isinstance(e, ssl.SSLError):
        return f"TLS failed ({e.reason or e})"
    if isinstance(e, socket.gaierror):
        return f"unknown host ({e.strerror or e})"
    if isinstance(e, TimeoutError | socket.timeout):
        return f"no answer within {TIMEOUT_S:g} s"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused (is the mail server running on that port?)"
    if isinstance(e, OSError):
        return f"cannot connect ({e.strerror or e})"
    return f"{type(e).__name__}: {e}"


def _text(b) -> str:
    if isinstance(b, bytes):
        b = b.decode("utf-8", "replace")
    return " ".join(str(b).split())[:200]


def _open(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_S, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
    try:
        smtp.ehlo_or_helo_if_needed()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except BaseException:
        _close(smtp)
        raise
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        try:
            smtp.close()
        except OSError:
            pass


def send_all(
    settings: SmtpSettings,
    outgoing: Iterable[Outgoing],
    on_sent: Callable[[Outgoing], None],
    connect: Callable[[SmtpSettings], smtplib.SMTP] = _open,
) -> list[Failure]:
    """Send each message separately over one connection (reconnecting after a drop).

    `on_sent(item)` runs right after the server accepted that message (the caller records it
    then, one commit per message). Returns the failures, one per recipient not reached.
    If connecting or logging in fails, the remaining messages fail with that reason (one
    connection attempt per run: no hammering a server that is down).
    """
    failures: list[Failure] = []
    smtp = None
    fatal: str | None = None
    try:
        for item in outgoing:
            if fatal is not None:
                failures.append(Failure(item.recipient, settings.where, fatal))
                continue
            if smtp is None:
                try:
                    smtp = connect(settings)
                except (smtplib.SMTPException, OSError) as e:
                    fatal = _reason(e)
                    failures.append(Failure(item.recipient, settings.where, fatal))
                    continue
            try:
                refused = smtp.send_message(
                    item.message, from_addr=settings.sender.addr_spec, to_addrs=[item.recipient]
                )
            except smtplib.SMTPRecipientsRefused as e:
                failures.append(Failure(item.recipient, settings.where, _reason(e)))
                continue
            except (smtplib.SMTPServerDisconnected, OSError) as e:
                failures.append(Failure(item.recipient, settings.where, _reason(e)))
                _close(smtp)
                smtp = None  # try a fresh connection for the next message
                continue
            except smtplib.SMTPException as e:
                failures.append(Failure(item.recipient, settings.where, _reason(e)))
                _reset(smtp)
                continue
            if refused:  # one recipient per message, so this is that one
                code, text = next(iter(refused.values()))
                failures.append(
                    Failure(
                        item.recipient, settings.where, f"recipient refused ({code} {_text(text)})"
                    )
                )
                continue
            on_sent(item)
    finally:
        _close(smtp)
    return failures


def _reset(smtp: smtplib.SMTP) -> None:
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        pass
