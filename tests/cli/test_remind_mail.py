"""``salescrm remind --mail`` against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import email.utils
import os
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from salescrm.store.user_settings import settings_path

if TYPE_CHECKING:
    from tests.conftest import Crm

AS_OF = "2026-11-27"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """Keeps every message the server accepts; checks the one account it knows."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 OK"

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"crm-bot", b"s3cret")
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=inbox,
                            auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


def configure(port: int, host: str = "127.0.0.1", user: str | None = None) -> None:
    """The user's own settings file (never salescrm.yaml, which git shares)."""
    settings = settings_path(os.environ)
    settings.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[mail]", f'host = "{host}"', f"port = {port}", 'sender = "crm@example.com"']
    settings.write_text("\n".join([*lines, *([f'user = "{user}"'] if user else [])]) + "\n", "utf-8")


def overdue_team(crm: Crm) -> None:
    """zhang.wei: VIP cadence 19 days overdue and a task 5 days overdue, so li.na gets an escalation."""
    number = crm.add_customer("某某科技有限公司", "--tier", "VIP", "--at", "2026-11-01")
    crm.ok(
        f"followup plan {number} --due 2026-11-22 --via phone --focus 报价 --goal 确认价格 --at 2026-11-20"
    )


def test_mail_delivers_one_digest_per_owner(crm: Crm, smtp: tuple[int, Inbox]) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    port, inbox = smtp
    configure(port)
    overdue_team(crm)
    result = crm(["remind", "--mail", "--as-of", AS_OF], user=None)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert [to for to, _ in inbox.messages] == [["li.na@example.com"], ["zhang.wei@example.com"]]
    manager, rep = (message for _, message in inbox.messages)
    assert manager["From"] == "crm@example.com"
    for message in (manager, rep):  # RFC 5322 dates and IDs: spam filters and threads need them
        assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
        assert re.fullmatch(r"<[^@<>\s]+@example\.com>", message["Message-ID"])
    assert manager["Message-ID"] != rep["Message-ID"]
    assert manager["Subject"] == "salescrm 提醒 2026-11-27: 逾期 0, 待办 0, 上报 1"
    assert rep["Subject"] == "salescrm 提醒 2026-11-27: 逾期 2, 待办 0, 上报 0"
    body = rep.get_content()
    assert (
        body.startswith("张伟 (zhang.wei) — 提醒 2026-11-27\n\n逾期 (2)\n")
        and "逾期19天" in body
        and "逾期5天" in body
    )


def test_mail_for_one_owner_only(crm: Crm, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    configure(port)
    overdue_team(crm)
    crm.ok(["remind", "--mail", "--owner", "zhang.wei", "--as-of", AS_OF])
    assert [to for to, _ in inbox.messages] == [["zhang.wei@example.com"]]


def test_mail_logs_in_with_the_password_from_the_environment(
    crm: Crm, smtp: tuple[int, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, inbox = smtp
    configure(port, user="crm-bot")
    overdue_team(crm)
    missing = crm(["remind", "--mail", "--as-of", AS_OF])
    assert (missing.exit_code, missing.stderr.splitlines()[0]) == (
        2, "error: a mail user is set but no password")  # fmt: skip
    assert inbox.messages == []
    monkeypatch.setenv("SALESCRM_SMTP_PASSWORD", "s3cret")
    crm.ok(["remind", "--mail", "--as-of", AS_OF])
    assert inbox.logins == ["crm-bot", "crm-bot"] and len(inbox.messages) == 2


def test_an_unreachable_server_is_exit_4_and_every_owner_is_tried(crm: Crm) -> None:
    port = free_port()  # nothing listens there
    configure(port)
    overdue_team(crm)
    result = crm(["remind", "--mail", "--as-of", AS_OF])
    lines = result.stderr.splitlines()
    assert result.exit_code == 4 and result.stdout == ""
    assert lines[0].startswith(f"error: mail to li.na@example.com via 127.0.0.1:{port} failed: ")
    assert lines[1].startswith(f"error: mail to zhang.wei@example.com via 127.0.0.1:{port} failed: ")
    assert lines[2:] == [
        "error: 2 of 2 reminder mails could not be sent",
        "hint: check the mail settings in your own settings file and that the server is reachable",
    ]


def test_an_owner_without_e_mail_does_not_stop_the_others(crm: Crm, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    configure(port)
    crm.add_customer(
        "另一家公司", "--tier", "VIP", "--at", "2026-11-01", "--owner", "wang.fang", user="li.na"
    )
    overdue_team(crm)
    result = crm(["remind", "--mail", "--as-of", AS_OF])
    assert result.exit_code == 4
    assert (
        result.stderr.splitlines()[0]
        == "error: member 'wang.fang' has no e-mail; their reminders were not mailed"
    )
    assert [to for to, _ in inbox.messages] == [["li.na@example.com"], ["zhang.wei@example.com"]]


def test_missing_mail_settings_are_exit_2(crm: Crm) -> None:
    overdue_team(crm)
    result = crm(["remind", "--mail", "--as-of", AS_OF])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        "error: no mail server is set in your own settings",
    )


def test_nothing_due_sends_nothing(crm: Crm, smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    configure(port)
    result = crm(["remind", "--mail", "--as-of", AS_OF])
    assert (result.exit_code, result.stdout, result.stderr, inbox.messages) == (0, "", "", [])
