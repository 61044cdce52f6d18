"""``remind --push`` and ``report review --push`` against a local stand-in for 企业微信, 钉钉 and 飞书."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from salescrm.store import push as push_module
from salescrm.store.user_settings import settings_path
from tests.cli.chat_server import SECRETS, ChatServer, serve
from tests.cli.test_remind_mail import AS_OF, overdue_team

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Crm, Digest


@pytest.fixture
def chats() -> Iterator[ChatServer]:
    state = ChatServer()
    httpd = serve(state)
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def configure(server: ChatServer, names: dict[str, str] | None = None, mode: int = 0o600,
              **overrides: dict[str, str]) -> Path:  # fmt: skip
    """[webhooks.NAME] per service in the user's own settings (names: service → chat name)."""
    names = names or {"wecom": "企微群", "dingtalk": "钉钉群", "feishu": "飞书群"}
    lines = []
    for service, name in names.items():
        table = {"service": service, "url": server.url(service), **overrides.get(service, {})}
        if service in SECRETS:
            table.setdefault("secret", SECRETS[service])
        lines += [f'[webhooks."{name}"]', *(f'{k} = "{v}"' for k, v in table.items() if v)]
    path = settings_path(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    path.chmod(mode)
    return path


def leaked(text: str) -> bool:
    return any(secret in text for secret in ("wecom-KEY", "ding-TOKEN", "feishu-HOOK", *SECRETS.values()))


def test_remind_push_reaches_all_three_services_in_their_formats(crm: Crm, chats: ChatServer) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    configure(chats)
    overdue_team(crm)
    result = crm(["remind", "--push", "--as-of", AS_OF])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert chats.bad_signatures == []
    # the team's two digests (the manager's escalation, the rep's overdue work): two messages each
    assert [len(chats.of(s)) for s in ("wecom", "dingtalk", "feishu")] == [2, 2, 2]
    wecom, ding, feishu = chats.of("wecom")[0], chats.of("dingtalk")[0], chats.of("feishu")[0]
    assert wecom.body["msgtype"] == "markdown" and wecom.query == {"key": "wecom-KEY"}
    content = wecom.body["markdown"]["content"]
    assert content.startswith("### 李娜 (li.na) — 提醒 2026-11-27\n**上报:团队逾期任务 (1)**\n> ")
    assert (
        ding.body["msgtype"] == "markdown"
        and ding.body["markdown"]["title"] == "李娜 (li.na) — 提醒 2026-11-27"
    )
    assert ding.body["markdown"]["text"] == content  # the same Markdown, with DingTalk's title beside it
    assert set(ding.query) == {"access_token", "timestamp", "sign"}
    post = feishu.body["content"]["post"]["zh_cn"]
    assert feishu.body["msg_type"] == "post" and post["title"] == "李娜 (li.na) — 提醒 2026-11-27"
    assert post["content"][0] == [{"tag": "text", "text": "上报:团队逾期任务 (1)"}]


def test_each_digest_is_one_message_and_lines_carry_the_items(crm: Crm, chats: ChatServer) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    configure(chats, {"wecom": "企微群"})
    overdue_team(crm)
    crm.ok(["remind", "--push", "--as-of", AS_OF])
    manager, rep = (r.body["markdown"]["content"] for r in chats.of("wecom"))
    assert manager.splitlines()[0].startswith("### 李娜") and rep.splitlines()[0].startswith("### 张伟")
    assert "逾期5天" in rep and "逾期19天" in rep and "**逾期 (2)**" in rep


def test_fixed_environment_variables_name_chats_after_their_service(
    crm: Crm, chats: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESCRM_DINGTALK_WEBHOOK", chats.url("dingtalk"))
    monkeypatch.setenv("SALESCRM_DINGTALK_SECRET", SECRETS["dingtalk"])
    overdue_team(crm)
    crm.ok(["remind", "--push", "--owner", "zhang.wei", "--as-of", AS_OF])
    assert len(chats.of("dingtalk")) == 1 and chats.bad_signatures == []


def test_salescrm_yaml_chooses_the_chat_by_name(crm: Crm, chats: ChatServer) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    configure(chats)
    with (crm.root / "salescrm.yaml").open("a", encoding="utf-8") as handle:
        handle.write("push:\n  remind: [飞书群]\n  review: 钉钉群\n")
    overdue_team(crm)
    crm.ok(["remind", "--push", "--as-of", AS_OF])
    assert {r.service for r in chats.received} == {"feishu"}
    chats.received.clear()
    crm.ok(["report", "review", "--push", "--period", "2026-11", "--as-of", AS_OF])
    (review,) = chats.received
    assert review.service == "dingtalk" and review.body["markdown"]["title"] == "测试团队 · 销售复盘 2026-11"
    assert "| " in review.body["markdown"]["text"]  # the pack's tables, as Markdown


def test_a_failing_chat_is_reported_and_the_others_still_get_theirs(crm: Crm, chats: ChatServer) -> None:
    configure(chats)
    chats.answers = {"wecom": (500, {}), "dingtalk": (200, {"errcode": 310000, "errmsg": "sign not match"})}
    overdue_team(crm)
    result = crm(["remind", "--push", "--as-of", AS_OF])
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: push to team chat '企微群' (企业微信) failed: HTTP 500",
        "error: push to team chat '钉钉群' (钉钉) failed: error code 310000: sign not match",
        "error: 2 of 3 team chats did not get the remind digest",
        "hint: check the chat's webhook and secret in your own settings and that it is reachable",
    ]
    assert len(chats.of("feishu")) == 2 and not leaked(result.stderr)


def test_a_chat_that_does_not_answer_times_out(
    crm: Crm, chats: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push_module, "TIMEOUT_SECONDS", 0.3)
    configure(chats, {"feishu": "飞书群", "wecom": "企微群"})
    chats.answers = {"feishu": "hang"}
    overdue_team(crm)
    result = crm(["remind", "--push", "--owner", "zhang.wei", "--as-of", AS_OF])
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == "error: push to team chat '飞书群' (飞书) failed: timed out"
    assert len(chats.of("wecom")) == 1


def test_a_long_digest_is_split_under_the_wecom_limit(crm: Crm, chats: ChatServer) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    configure(chats, {"wecom": "企微群", "feishu": "飞书群"})
    number = crm.add_customer("某某科技有限公司", "--at", "2026-11-01")
    for day in range(1, 61):
        crm.ok(f"followup plan {number} --due 2026-11-22 --via phone --focus 报价{day:02d}{'很长的说明' * 10} "
               f"--goal 确认价格 --at 2026-11-20")  # fmt: skip
    crm.ok(["remind", "--push", "--owner", "zhang.wei", "--as-of", AS_OF])
    parts = [r.body["markdown"]["content"] for r in chats.of("wecom")]
    assert len(parts) > 1 and all(len(p.encode()) <= 4096 for p in parts)
    assert [p.splitlines()[0] for p in parts] == [
        f"### 张伟 (zhang.wei) — 提醒 2026-11-27 ({i}/{len(parts)})" for i in range(1, len(parts) + 1)
    ]
    items = [line for p in parts for line in p.splitlines()[1:] if line.startswith("> ")]
    assert len(items) == 60  # every task, once, in order
    assert len(chats.of("feishu")) == 1  # 飞书 takes ~20 KB: one message


def test_nothing_due_pushes_nothing(crm: Crm, chats: ChatServer) -> None:
    configure(chats)
    result = crm(["remind", "--push", "--as-of", AS_OF])
    assert (result.exit_code, result.stdout, result.stderr, chats.received) == (0, "", "", [])


@pytest.mark.parametrize(
    ("names", "overrides", "yaml", "message"),
    [
        (
            {"wecom": "企微群"},
            {"wecom": {"url": "http://example.com/cgi-bin/webhook/send?key=wecom-KEY"}},
            "",
            "error: team chat '企微群' (企业微信): the webhook must be an https:// address",
        ),
        (
            {"dingtalk": "钉钉群"},
            {"dingtalk": {"secret": ""}},
            "",
            "error: team chat '钉钉群' (钉钉): no signing secret is set",
        ),
        (
            {"feishu": "飞书群"},
            {"feishu": {"secret": ""}},
            "",
            "error: team chat '飞书群' (飞书): no signing secret is set",
        ),
        (
            {"feishu": "飞书群"},
            {},
            "push:\n  remind: [管理层]\n",
            "error: team chat '管理层' (push: in salescrm.yaml) is not set in your own settings",
        ),
        ({}, {}, "", "error: no team chat is set in your own settings"),
    ],
)
def test_bad_chat_settings_are_exit_2_and_send_nothing(
    crm: Crm, chats: ChatServer, digest: Digest, names: dict[str, str], overrides: dict[str, dict[str, str]],
    yaml: str, message: str,
) -> None:  # fmt: skip
    if names:
        configure(chats, names, **overrides)
    with (crm.root / "salescrm.yaml").open("a", encoding="utf-8") as handle:
        handle.write(yaml)
    overdue_team(crm)
    before = digest(crm.root)
    result = crm(["remind", "--push", "--as-of", AS_OF])
    assert (result.exit_code, result.stdout, result.stderr.splitlines()[0]) == (2, "", message)
    assert chats.received == [] and digest(crm.root) == before and not leaked(result.stderr)


def test_a_webhook_in_the_shared_salescrm_yaml_is_refused(crm: Crm, chats: ChatServer) -> None:
    configure(chats)
    with (crm.root / "salescrm.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"push:\n  remind: [企微群]\n  webhook: {chats.url('wecom')}\n")
    result = crm(["remind", "--push", "--as-of", AS_OF])
    assert (result.exit_code, chats.received) == (5, [])  # the team file is damaged until fixed
    assert result.stderr.splitlines()[0].endswith(
        "push.webhook: unknown key 'webhook': push: names chats only (remind, review); "
        "their webhooks and secrets belong in each user's own settings"
    )
    checked = crm(["check"])
    assert checked.exit_code == 1 and "push.webhook: unknown key" in checked.stdout


def test_a_settings_file_with_webhooks_others_can_read_is_refused(crm: Crm, chats: ChatServer) -> None:
    path = configure(chats, mode=0o644)
    overdue_team(crm)
    result = crm(["remind", "--push", "--as-of", AS_OF])
    assert result.exit_code == 2 and chats.received == []
    assert result.stderr.splitlines() == [
        f"error: your settings file {path} holds webhooks but others may read it",
        f"hint: chmod 600 {path}",
    ]
