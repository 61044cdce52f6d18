"""Posting messages to team chats' group bots, with the user's own webhook settings.

The chats a digest goes to are named by salescrm.yaml (``push:``) or, without it, every chat
the user set up; their URLs and secrets come only from the user's settings
(store/user_settings.py). A webhook URL carries the bot's key, so neither it nor a secret
is ever put into a message: errors name the chat and its service.
"""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from salescrm.core.errors import ConflictError, Msg, UsageError
from salescrm.formats.chat import SERVICE_NAMES, SIGNED, ChatMessage, delivery_error, requests
from salescrm.store.user_settings import ChatSettings, UserSettings

TIMEOUT_SECONDS = 10


def chosen_chats(user: UserSettings, names: list[str] | None) -> list[ChatSettings]:
    """The chats to push to, each checked, or a usage error before anything is sent."""
    hint = f"set [webhooks.NAME] service, url and secret in {user.path} (docs/push.md)"
    if names is None:
        if not user.chats:
            raise UsageError(Msg("no team chat is set in your own settings"), hint=hint)
        names = list(user.chats)
    chats = []
    for name in names:
        chat = user.chats.get(name)
        if chat is None:
            raise UsageError(
                Msg("team chat {name!r} (push: in salescrm.yaml) is not set in your own settings", name=name),
                hint=hint,
            )
        check_chat(chat, hint)
        chats.append(chat)
    return chats


def check_chat(chat: ChatSettings, hint: str) -> None:
    """https only (plain http to this machine's loopback, for tests); a secret where the bot signs."""
    where = f"team chat {chat.name!r} ({SERVICE_NAMES[chat.service]})"
    parts = urllib.parse.urlsplit(chat.url)
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
        raise UsageError(Msg("{where}: the webhook must be an https:// address", where=where), hint=hint)
    if not parts.hostname:
        raise UsageError(Msg("{where}: the webhook address has no host", where=where), hint=hint)
    if chat.service in SIGNED and not chat.secret:
        raise UsageError(Msg("{where}: no signing secret is set", where=where), hint=hint)


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def push(chat: ChatSettings, message: ChatMessage, now_ms: int) -> int:
    """Post the message (in as many parts as its size needs); the number of parts sent.
    A refusal, a timeout or an error in the answer is a ConflictError naming the chat."""
    parts = requests(message, chat.service, chat.secret, now_ms)
    for request in parts:
        url = _with_query(chat.url, request.query)
        data = json.dumps(request.body, ensure_ascii=False).encode("utf-8")
        problem = _post(url, data, lambda answer: delivery_error(chat.service, answer))
        if problem:
            where = f"team chat {chat.name!r} ({SERVICE_NAMES[chat.service]})"
            raise ConflictError(
                Msg("push to {where} failed: {scrub}", where=where, scrub=_scrub(problem, chat))
            )
    return len(parts)


def _with_query(url: str, query: dict[str, str]) -> str:
    if not query:
        return url
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + urllib.parse.urlencode(query)


def _post(url: str, data: bytes, problem_in: Callable[[object], str | None]) -> str | None:
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(1 << 20)
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return str(reason) or type(error).__name__
    try:
        return problem_in(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError):
        return "the answer is not JSON"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A bot answers where it was asked: a redirect is a failure, never followed elsewhere."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _scrub(text: str, chat: ChatSettings) -> str:
    """A reason never repeats the URL (it holds the key) nor the secret."""
    for secret in (chat.url, chat.secret):
        if secret:
            text = text.replace(secret, "…")
    return text
