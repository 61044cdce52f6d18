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

    [webhooks.销售一组]                  # a team chat, by the name salescrm.yaml's push: uses
    service = "dingtalk"                # wecom | dingtalk | feishu
    url = "https://oapi.dingtalk.com/robot/send?access_token=…"
    secret = "SEC…"                     # the bot's 加签 / signature secret (DingTalk, Feishu)

A chat named after its service comes from fixed variables too: SALESCRM_WECOM_WEBHOOK;
SALESCRM_DINGTALK_WEBHOOK and _SECRET; SALESCRM_FEISHU_WEBHOOK and _SECRET. A webhook URL is
itself a credential (WeCom's key is in it), so a file holding one must be 0600 as well.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from salescrm.core.errors import Msg, UsageError

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
CHAT_SERVICES = ("wecom", "dingtalk", "feishu")
CHAT_VARIABLES = {  # environment variable → (chat, key); the chat is named after its service
    "SALESCRM_WECOM_WEBHOOK": ("wecom", "url"),
    "SALESCRM_DINGTALK_WEBHOOK": ("dingtalk", "url"),
    "SALESCRM_DINGTALK_SECRET": ("dingtalk", "secret"),
    "SALESCRM_FEISHU_WEBHOOK": ("feishu", "url"),
    "SALESCRM_FEISHU_SECRET": ("feishu", "secret"),
}
_CHAT_KEYS = {"service", "url", "secret"}


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
class ChatSettings:
    """One team chat's group bot: where its webhook is and the secret it signs with."""

    name: str
    service: str  # wecom | dingtalk | feishu
    url: str = field(repr=False)  # holds the bot's key or token: never printed
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class UserSettings:
    """Everything the user's own settings file and variables hold."""

    path: Path  # where the file is (or would be): named in hints
    mail: MailSettings = field(default_factory=MailSettings)
    editor: str | None = None
    chats: dict[str, ChatSettings] = field(default_factory=dict)


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
    unknown = set(data) - {"mail", "editor", "webhooks"}
    if unknown:
        _fail(path, f"unknown setting {sorted(unknown)[0]!r}; known: mail, editor, webhooks")
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
    return UserSettings(
        path, _mail(path, mail), editor or None, _chats(path, data.get("webhooks", {}), environ)
    )


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


def _chats(path: Path, webhooks: Any, environ: Mapping[str, str]) -> dict[str, ChatSettings]:
    """[webhooks.NAME] tables, then the fixed variables (which win) for the chats named by service."""
    if not isinstance(webhooks, dict) or not all(isinstance(t, dict) for t in webhooks.values()):
        _fail(path, "[webhooks] holds one table per chat, e.g. [webhooks.销售一组]", hint=_CHAT_HINT)
    if webhooks and _readable_by_others(path):
        _fail(path, "holds webhooks but others may read it", hint=f"chmod 600 {path}")
    tables = {str(name): dict(table) for name, table in webhooks.items()}
    for variable, (name, key) in CHAT_VARIABLES.items():
        if environ.get(variable):
            tables.setdefault(name, {"service": name})[key] = environ[variable]
    chats = {}
    for name, table in tables.items():
        if set(table) - _CHAT_KEYS:
            _fail(path, f"[webhooks.{name}] holds only: service, url, secret", hint=_CHAT_HINT)
        service, url, secret = table.get("service"), table.get("url"), table.get("secret")
        if service not in CHAT_SERVICES:
            _fail(
                path, f"[webhooks.{name}] service must be one of: {', '.join(CHAT_SERVICES)}", hint=_CHAT_HINT
            )
        if not isinstance(url, str) or not url or (secret is not None and not isinstance(secret, str)):
            _fail(path, f"[webhooks.{name}] needs url (and secret) as text", hint=_CHAT_HINT)
        chats[name] = ChatSettings(name, service, url, secret or None)
    return chats


_CHAT_HINT = Msg("see docs/push.md")


def _readable_by_others(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def _fail(path: Path, problem: str, hint: str | None = None) -> NoReturn:
    raise UsageError(
        Msg("your settings file {path} {problem}", path=path, problem=problem),
        hint=hint or Msg("see docs/followups.md (Mail)"),
    )
