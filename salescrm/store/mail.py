"""Sending reminder digests by SMTP, with the user's own settings (store/user_settings.py).

Nothing here reads salescrm.yaml: a file every teammate can push to must not choose the
server a password is sent to, nor which variable holds it. Each recipient is one plain
address (``one_address``): a member e-mail with a comma, CR or LF is refused, not mailed.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from salescrm.core.errors import ConflictError, Msg, UsageError
from salescrm.core.shared_settings import is_one_address
from salescrm.store.user_settings import MailSettings, UserSettings

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Mailer:
    """The mail settings, checked, with the sender resolved (``mailer``)."""

    settings: MailSettings
    sender: str


def mailer(user: UserSettings) -> Mailer:
    """Checked settings, or a clear usage error before anything is sent."""
    settings = user.mail
    hint = f"set [mail] host, port and sender in {user.path} (or SALESCRM_SMTP_HOST …; docs/followups.md)"
    if not settings.host:
        raise UsageError(Msg("no mail server is set in your own settings"), hint=hint)
    if not 0 < settings.port < 65536:
        raise UsageError(Msg("mail port {port} is not a port number", port=settings.port), hint=hint)
    sender = settings.sender or settings.user
    if not sender or not is_one_address(sender):
        raise UsageError(Msg("the mail sender is not set to one e-mail address"), hint=hint)
    if settings.user and not settings.password:
        raise UsageError(
            Msg("a mail user is set but no password"),
            hint=Msg(
                "export SALESCRM_SMTP_PASSWORD, or set [mail] password in {path} (chmod 600)", path=user.path
            ),
        )
    return Mailer(settings, sender)


def send(mail: Mailer, to: str, subject: str, body: str) -> None:
    """Deliver one plain-text message; an unreachable or refusing server is a ConflictError (4)."""
    if not is_one_address(to):
        raise UsageError(
            Msg("{to!r} is not one e-mail address; not mailed", to=to), hint=Msg("fix it in salescrm.yaml")
        )
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = to
    message["Subject"] = subject
    # Date and Message-ID: without them spam filters score the digest and threads break. The
    # ID's domain is the sender's, not this machine's name (getfqdn can block, and says nothing).
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid("salescrm", domain=mail.sender.rpartition("@")[2])
    message.set_content(body)
    s = mail.settings
    try:
        with smtplib.SMTP(s.host or "", s.port, timeout=TIMEOUT_SECONDS) as server:
            if s.starttls:
                server.starttls(context=ssl.create_default_context())
            if s.user and s.password:
                server.login(s.user, s.password)
            server.send_message(message, to_addrs=[to])
    except (OSError, smtplib.SMTPException) as error:
        reason = str(error) or type(error).__name__
        raise ConflictError(
            Msg(
                "mail to {to} via {host}:{port} failed: {reason}",
                to=to,
                host=s.host,
                port=s.port,
                reason=reason,
            )
        ) from None
