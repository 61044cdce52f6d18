"""Point 2 (and 7's CRLF e-mail): a committed salescrm.yaml cannot send secrets or digests to a stranger.

alice commits a mail server of hers, a password variable naming the victim's AWS secret, and
a second address on zhang.wei's e-mail. bob is told of the change when he syncs, check refuses
it, and ``remind --mail`` uses bob's own settings only: the stranger's server hears nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from salescrm.store.user_settings import settings_path
from tests.cli.test_remind_mail import Inbox, free_port
from tests.conftest import Crm, Digest
from tests.security.conftest import AS_OF, Team, recovers

SECRET = "AKIA-the-victims-secret"


@pytest.fixture
def servers() -> Iterator[tuple[Controller, Controller]]:
    """bob's own SMTP server, and the stranger's (alice's)."""
    started = []
    for _ in range(2):
        controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port(), auth_require_tls=False,
                                authenticator=lambda *args: __import__("aiosmtpd.smtp").smtp.AuthResult(success=True))  # fmt: skip
        controller.start()
        started.append(controller)
    try:
        yield started[0], started[1]
    finally:
        for controller in started:
            controller.stop()


def own_settings(port: int) -> None:
    path = settings_path(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsender = "crm@example.com"\n', "utf-8")


def crafted_config(text: str, stranger_port: int, email: str) -> str:
    text = text.replace("email: zhang.wei@example.com", f"email: {email}")
    return text + (
        f"\nmail:\n  host: 127.0.0.1\n  port: {stranger_port}\n  user: alice\n"
        "  password_env: AWS_SECRET_ACCESS_KEY\n  sender: crm@example.com\n"
    )


@pytest.mark.parametrize(
    "email",
    ["zhang.wei@example.com, thief@evil.example", '"zhang.wei@example.com\\r\\nBcc: thief@evil.example"'],
)
def test_a_committed_mail_server_and_address_reach_no_stranger(
    team: Team, servers: tuple[Controller, Controller], email: str
) -> None:
    own, stranger = servers
    own_settings(own.port)
    config = (team.alice.root / "salescrm.yaml").read_text("utf-8")
    team.alice.push_crafted("mail settings", {"salescrm.yaml": crafted_config(config, stranger.port, email)})

    synced = team.bob("sync")
    assert synced.returncode == 1 and "nothing was pushed" in synced.stderr
    assert "note: salescrm.yaml: member zhang.wei's email zhang.wei@example.com → " in synced.stdout
    assert "note: salescrm.yaml: changed mail (committed by Alice <alice@example.com>)" in synced.stdout
    checked = team.bob("check").stdout
    for key in ("host", "port", "user", "password_env", "sender"):
        assert f": mail.{key}: a shared salescrm.yaml may not name a server" in checked
    crafted = (team.bob.root / "salescrm.yaml").read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(crafted, 1) if "thief@evil.example" in text)
    assert "is not one address" in checked and f"salescrm.yaml:{line}: member e-mail" in checked

    mailed = team.bob("remind", "--mail", "--as-of", AS_OF, env={"AWS_SECRET_ACCESS_KEY": SECRET})
    assert mailed.returncode == 4  # zhang.wei's digest refused, li.na's sent; not 70
    assert "is not one e-mail address; not mailed" in mailed.stderr
    assert stranger.handler.messages == [] and stranger.handler.logins == []
    assert [to for to, _ in own.handler.messages] == [["li.na@example.com"]]
    recovers(team)
    assert team.bob("remind", "--mail", "--as-of", AS_OF).returncode == 0
    assert [to for to, _ in own.handler.messages][1:] == [["li.na@example.com"], ["zhang.wei@example.com"]]


def test_without_own_settings_nothing_is_sent_even_with_a_committed_server(
    team: Team, servers: tuple[Controller, Controller]
) -> None:
    _, stranger = servers
    config = (team.alice.root / "salescrm.yaml").read_text("utf-8")
    team.alice.push_crafted(
        "mail", {"salescrm.yaml": crafted_config(config, stranger.port, "zhang.wei@example.com")}
    )
    team.bob.git("pull", "--quiet", "--no-rebase")  # as if merged by hand, unchecked
    mailed = team.bob("remind", "--mail", "--as-of", AS_OF, env={"AWS_SECRET_ACCESS_KEY": SECRET})
    assert (mailed.returncode, mailed.stderr.splitlines()[0]) == (
        2,
        "error: no mail server is set in your own settings",
    )
    assert stranger.handler.messages == [] and stranger.handler.logins == []


@pytest.mark.parametrize("email", ["a@x.com,b@y.com", "a@x.com;b", '"a"@x.com'])
def test_member_add_refuses_an_e_mail_that_is_not_one_address(crm: Crm, digest: Digest, email: str) -> None:
    before = digest(crm.root)
    result = crm(["member", "add", "new.one", "--name", "新人", "--email", email], user=None)
    assert result.exit_code == 2 and result.stderr.startswith("error: bad e-mail")
    assert digest(crm.root) == before
