"""Team-chat messages: one text as each group bot documents it, split to its size limit, signed.

Three services, each with its own documented shape (docs/push.md lists the pages):

- 企业微信 group bot: ``{"msgtype": "markdown", "markdown": {"content": …}}``, content at most
  4096 bytes of UTF-8; the webhook URL's ``key`` is the only credential.
- 钉钉 custom robot: ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; its 加签
  setting signs ``timestamp`` (milliseconds) + "\\n" + secret with HMAC-SHA256 keyed by the
  secret, base64, sent as the ``timestamp`` and ``sign`` query parameters (URL-encoded).
- 飞书 custom bot: ``{"msg_type": "post", "content": {"post": {"zh_cn": {"title", "content"}}}}``
  with ``timestamp`` (seconds) and ``sign`` in the body; its signature is HMAC-SHA256 keyed by
  timestamp + "\\n" + secret over an empty message, base64. A request body is at most 20 KB.

Nothing here opens a connection or reads a clock: the caller passes the timestamp
(store/push.py sends).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SERVICES = ("wecom", "dingtalk", "feishu")
SERVICE_NAMES = {"wecom": "企业微信", "dingtalk": "钉钉", "feishu": "飞书"}
SIGNED = ("dingtalk", "feishu")  # the services whose bots this program signs for
# Bytes of one message's text (WeCom: its documented limit; DingTalk and Feishu: the 20 KB
# request, less room for the JSON around the text and the escapes of quotes and newlines).
LIMITS = {"wecom": 4096, "dingtalk": 18_000, "feishu": 18_000}
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#"})


@dataclass(frozen=True)
class ChatLine:
    """One line of a message: a heading, an item of user data, or Markdown made by salescrm."""

    text: str
    kind: str = "item"  # heading | item | markdown


@dataclass(frozen=True)
class ChatMessage:
    """A digest or a review as a chat receives it: a title and its lines."""

    title: str
    lines: tuple[ChatLine, ...]


@dataclass(frozen=True)
class Request:
    """One POST: the query parameters to add to the webhook URL and the JSON body."""

    query: dict[str, str]
    body: dict[str, Any]


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")); URL-encoded by the sender."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: base64(HMAC-SHA256(key="timestamp\\nsecret", empty message))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def markdown_line(line: ChatLine) -> str:
    if line.kind == "markdown":
        return line.text
    escaped = line.text.translate(_MARKDOWN_SPECIAL)
    return f"**{escaped}**" if line.kind == "heading" else f"> {escaped}"


def _markdown(title: str, lines: list[ChatLine]) -> str:
    return "\n".join([f"### {title.translate(_MARKDOWN_SPECIAL)}", *map(markdown_line, lines)])


def _feishu_content(lines: list[ChatLine]) -> list[list[dict[str, str]]]:
    return [[{"tag": "text", "text": line.text}] for line in lines]


def _feishu_size(title: str, lines: list[ChatLine]) -> str:
    return json.dumps({"title": title, "content": _feishu_content(lines)}, ensure_ascii=False)


_MEASURES: dict[str, Callable[[str, list[ChatLine]], str]] = {
    "wecom": _markdown,
    "dingtalk": _markdown,
    "feishu": _feishu_size,
}


def split_message(message: ChatMessage, service: str) -> list[ChatMessage]:
    """The message in parts that each fit the service's limit, titled "(1/3)" … when split.
    A single line longer than the limit is cut at the limit (by bytes, on a character)."""
    limit, measure = LIMITS[service], _MEASURES[service]
    room = limit - len(b" (99/99)")  # the part numbers added below
    parts: list[list[ChatLine]] = [[]]
    for line in message.lines:
        line = _fit(line, message.title, room, measure)
        if parts[-1] and len(measure(message.title, [*parts[-1], line]).encode()) > room:
            parts.append([])
        parts[-1].append(line)
    if len(parts) == 1:
        return [ChatMessage(message.title, tuple(parts[0]))]
    count = len(parts)
    return [ChatMessage(f"{message.title} ({i}/{count})", tuple(p)) for i, p in enumerate(parts, 1)]


def _fit(line: ChatLine, title: str, room: int, measure: Callable[[str, list[ChatLine]], str]) -> ChatLine:
    text = line.text
    while text and len(measure(title, [ChatLine(text, line.kind)]).encode()) > room:
        excess = len(measure(title, [ChatLine(text, line.kind)]).encode()) - room
        text = text[: max(0, len(text) - max(1, excess // 3))]  # a character is 1 to 3 bytes here
    return line if text == line.text else ChatLine(text[:-1] + "…", line.kind)


def requests(message: ChatMessage, service: str, secret: str | None, now_ms: int) -> list[Request]:
    """The POSTs that deliver ``message`` to one chat of ``service``, in order."""
    if service not in SERVICES:
        raise ValueError(f"unknown chat service {service!r}")
    return [_request(part, service, secret, now_ms) for part in split_message(message, service)]


def _request(part: ChatMessage, service: str, secret: str | None, now_ms: int) -> Request:
    lines = list(part.lines)
    if service == "wecom":
        return Request({}, {"msgtype": "markdown", "markdown": {"content": _markdown(part.title, lines)}})
    if service == "dingtalk":
        query = {"timestamp": str(now_ms), "sign": dingtalk_sign(secret, now_ms)} if secret else {}
        body = {
            "msgtype": "markdown",
            "markdown": {"title": part.title, "text": _markdown(part.title, lines)},
        }
        return Request(query, body)
    post = {"zh_cn": {"title": part.title, "content": _feishu_content(lines)}}
    body = {"msg_type": "post", "content": {"post": post}}
    if secret:
        seconds = now_ms // 1000
        body = {"timestamp": str(seconds), "sign": feishu_sign(secret, seconds), **body}
    return Request({}, body)


def delivery_error(service: str, answer: Any) -> str | None:
    """The error a service's JSON answer reports, or None when it took the message
    (WeCom and DingTalk: ``errcode`` 0; Feishu: ``code`` 0, older bots ``StatusCode`` 0)."""
    if not isinstance(answer, dict):
        return "the answer is not a JSON object"
    if service == "feishu":
        code = answer.get("code", answer.get("StatusCode"))
        text = answer.get("msg", answer.get("StatusMessage"))
    else:
        code, text = answer.get("errcode"), answer.get("errmsg")
    if code == 0:
        return None
    return f"error code {code}: {text}" if code is not None else "the answer has no error code"
