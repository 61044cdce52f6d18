"""Team-chat messages (formats/chat.py): every part fits its service's limit and nothing is lost."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.formats.chat import LIMITS, SERVICES, ChatLine, ChatMessage, requests, split_message

lines = st.lists(
    st.builds(
        ChatLine,
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
        st.sampled_from(["heading", "item", "markdown"]),
    ),  # fmt: skip
    max_size=120,
)


def _size(part: ChatMessage, service: str) -> int:
    (request,) = requests(part, service, "secret", 1_700_000_000_000)
    body = request.body
    if service == "wecom":
        return len(body["markdown"]["content"].encode())
    if service == "dingtalk":
        return len(body["markdown"]["text"].encode())
    return len(json.dumps(body["content"]["post"]["zh_cn"], ensure_ascii=False).encode())


@settings(max_examples=60, deadline=None)
@given(lines, st.sampled_from(SERVICES), st.integers(1, 4000))
def test_parts_fit_the_limit_and_keep_every_line_in_order(
    body: list[ChatLine], service: str, wide: int
) -> None:
    body = [*body, ChatLine("长" * wide)]  # one line alone may pass the limit: it is cut
    message = ChatMessage("张伟 (zhang.wei) — 提醒 2026-11-27", tuple(body))
    parts = split_message(message, service)
    assert all(_size(part, service) <= LIMITS[service] for part in parts)
    joined = [line for part in parts for line in part.lines]
    assert len(joined) == len(body)
    for original, sent in zip(body, joined, strict=True):
        assert sent == original or (sent.text.endswith("…") and original.text.startswith(sent.text[:-1]))
    if len(parts) > 1:
        assert [p.title for p in parts] == [
            f"{message.title} ({i}/{len(parts)})" for i in range(1, len(parts) + 1)
        ]
    else:
        assert parts[0].title == message.title


def test_user_text_cannot_make_markdown() -> None:
    message = ChatMessage("标题", (ChatLine('**假**<font color="warning">[链接](http://x)</font>'),))
    (request,) = requests(message, "wecom", None, 0)
    content = request.body["markdown"]["content"]
    assert content == '### 标题\n> \\*\\*假\\*\\*\\<font color="warning"\\>\\[链接\\](http://x)\\</font\\>'
