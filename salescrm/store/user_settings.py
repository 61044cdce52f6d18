"""The user's own settings: what only the person running salescrm decides, never shared by git.

salescrm.yaml travels by git, so anyone who can push writes it; a setting there that names a
server, a secret, an environment variable or a command would let them send this user's
password or mail where they like. Those settings live here instead, in one small TOML file
in the user's config folder (``~/.config/salescrm/settings.toml`` on Linux), and in
environment variables with fixed names, which win over the file:

    [mail]                              # SALESCRM_SMTP_HOST, _PORT, _STARTTLS, _USER, _SENDER
    host = "smtp.example.com"
    port = 587
    starttls = true
    user = "crm-bot@example.com"
    sender = "crm-bot@example.com"
    password = "…"                      # or SALESCRM_SMTP_PASSWORD; the file must be 0600 then

    editor = "vim"                      # after $VISUAL and $EDITOR

A later section for team-chat webhooks (URLs and secrets) belongs here as ``[webhooks]``:
add its dataclass beside ``MailSettings`` and read it in ``load_user_settings``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from salescrm.core.errors import UsageError

SETTINGS_NAME = "settings.toml"
MAIL_VARIABLES = {  # environment variable → key of [mail]
    "SALESCRM_SMTP_HOST": "host",
    "SALESCRM_SMTP_PORT": "port",
    "SALESCRM_SMTP_STARTTLS": "starttls",
    "SALESCRM_SMTP_USER": "user",
    "SALESCRM_SMTP_SENDER": "sender",
    "SALESCRM_SMTP_PASSWORD": "password",
}
_MAIL_KEYS = set(MAIL_VARIABLES.values())


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server reminders are mailed through, as this user set it."""

    host: str | None = None
    port: int = 25
    starttls: bool = False
    user: str | None = None
    sender: str | None = None
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class UserSettings:
    """Everything the user's own settings file and variables hold."""

    path: Path  # where the file is (or would be): named in hints
    mail: MailSettings = field(default_factory=MailSettings)
    editor: str | None = None


def settings_path(environ: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/salescrm/settings.toml`` (platformdirs' user config folder)."""
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg, "salescrm", SETTINGS_NAME)
    from platformdirs import user_config_dir

    return Path(user_config_dir("salescrm"), SETTINGS_NAME)


def load_user_settings(environ: Mapping[str, str]) -> UserSettings:
    """The settings file (if any) with the fixed environment variables over it."""
    path = settings_path(environ)
    data = _read(path)
    unknown = set(data) - {"mail", "editor"}
    if unknown:
        _fail(path, f"unknown setting {sorted(unknown)[0]!r}; known: mail, editor")
    mail = data.get("mail", {})
    if not isinstance(mail, dict) or set(mail) - _MAIL_KEYS:
        _fail(path, f"[mail] holds only: {', '.join(sorted(_MAIL_KEYS))}")
    if mail.get("password") and _readable_by_others(path):
        _fail(path, "holds a password but others may read it", hint=f"chmod 600 {path}")
    for variable, key in MAIL_VARIABLES.items():
        if environ.get(variable):
            mail[key] = environ[variable]
    editor = data.get("editor")
    if editor is not None and not isinstance(editor, str):
        _fail(path, 'editor must be text, e.g. editor = "vim"')
    return UserSettings(path, _mail(path, mail), editor or None)


def _read(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        _fail(path, f"cannot be read: {error}")


def _mail(path: Path, mail: dict[str, Any]) -> MailSettings:
    try:
        port = int(mail.get("port", 25))
    except (TypeError, ValueError):
        _fail(path, f"mail port {mail.get('port')!r} is not a number")
    starttls = mail.get("starttls", False)
    if isinstance(starttls, str):
        starttls = starttls.strip().lower() in ("1", "true", "yes", "on")
    texts = {key: mail.get(key) for key in ("host", "user", "sender", "password")}
    for key, value in texts.items():
        if value is not None and not isinstance(value, str):
            _fail(path, f"mail {key} must be text")
    return MailSettings(port=port, starttls=bool(starttls), **texts)


def _readable_by_others(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def _fail(path: Path, problem: str, hint: str | None = None) -> NoReturn:
    raise UsageError(f"your settings file {path} {problem}", hint=hint or "see docs/followups.md (Mail)")
