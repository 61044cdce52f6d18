"""Sending reminder digests by SMTP, with the settings in salescrm.yaml.

The password never lives in a file git shares: the config names an environment
variable and only that variable is read.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

from salescrm.core.config import MailSettings
from salescrm.core.errors import ConflictError, UsageError

TIMEOUT_SECONDS = 20
SETTINGS_HINT = "set mail.host, mail.port and mail.sender in salescrm.yaml (see docs/followups.md)"


@dataclass(frozen=True)
class Mailer:
    """The mail settings, checked, with the sender and the password resolved (``mailer``)."""

    settings: MailSettings
    sender: str
    password: str | None


def mailer(settings: MailSettings, environ: Mapping[str, str]) -> Mailer:
    """Checked settings, or a clear usage error before anything is sent."""
    if not settings.host:
        raise UsageError("mail.host is not set in salescrm.yaml", hint=SETTINGS_HINT)
    if not 0 < settings.port < 65536:
        raise UsageError(f"mail.port {settings.port} is not a port number", hint=SETTINGS_HINT)
    sender = settings.sender or settings.user
    if not sender or "@" not in sender:
        raise UsageError("mail.sender is not set to an e-mail address in salescrm.yaml", hint=SETTINGS_HINT)
    password = None
    if settings.user:
        name = settings.password_env
        password = environ.get(name) if name else None
        if not password:
            raise UsageError(
                f"mail.user is set but the password variable ${name or 'mail.password_env'} is empty",
                hint="export the password in the variable mail.password_env names (never in the file)",
            )
    return Mailer(settings, sender, password)


def send(mail: Mailer, to: str, subject: str, body: str) -> None:
    """Deliver one plain-text message; an unreachable or refusing server is a ConflictError (4)."""
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    s = mail.settings
    try:
        with smtplib.SMTP(s.host or "", s.port, timeout=TIMEOUT_SECONDS) as server:
            if s.starttls:
                server.starttls(context=ssl.create_default_context())
            if s.user and mail.password:
                server.login(s.user, mail.password)
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        reason = str(error) or type(error).__name__
        raise ConflictError(f"mail to {to} via {s.host}:{s.port} failed: {reason}") from None
