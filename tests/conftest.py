"""Shared fixtures: a fresh data directory per test, and a runner for the CLI.

An autouse fixture points salescrm at temporary homes so no test touches real
data, the user's cache or their git identity.
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typer.testing
from typer.testing import CliRunner

from salescrm.cli.main import app

# Turning the Typer app into its click command takes ~35 ms and gives the same command every
# time: build it once, not for each of the thousands of CLI runs in the tests.
setattr(typer.testing, "_get_command", functools.cache(typer.testing._get_command))  # noqa: B010

MEMBERS = [
    [
        "li.na",
        "--name",
        "李娜",
        "--role",
        "manager",
        "--dept",
        "management",
        "--email",
        "li.na@example.com",
    ],
    ["zhang.wei", "--name", "张伟", "--manager", "li.na", "--email", "zhang.wei@example.com"],
    ["wang.fang", "--name", "王芳", "--manager", "li.na"],
    ["zhao.svc", "--name", "赵强", "--dept", "after-sales"],
]


def team_today() -> date:
    """Today where the test team works (its default zone, Asia/Shanghai): what "today" is to salescrm."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # the user's own settings
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    smtp = ("SALESCRM_SMTP_HOST", "SALESCRM_SMTP_PORT", "SALESCRM_SMTP_USER", "SALESCRM_SMTP_SENDER",
            "SALESCRM_SMTP_PASSWORD", "SALESCRM_SMTP_STARTTLS")  # fmt: skip
    chats = ("SALESCRM_WECOM_WEBHOOK", "SALESCRM_DINGTALK_WEBHOOK", "SALESCRM_DINGTALK_SECRET",
             "SALESCRM_FEISHU_WEBHOOK", "SALESCRM_FEISHU_SECRET")  # fmt: skip
    for name in ("SALESCRM_DATA", "SALESCRM_USER", "SALESCRM_LANG", "EDITOR", "VISUAL", *smtp, *chats):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class Crm:
    """Runs ``salescrm`` commands against one data directory."""

    root: Path
    user: str | None = "zhang.wei"
    # Tests read as an English reader (SALESCRM_LANG=en); None: the team's locale (zh_CN), as
    # a Chinese team sees it (the language tests: tests/cli/test_language.py, test_every_word.py).
    lang: str | None = "en"

    def __call__(
        self, command: str | list[str], user: str | None = "default", input: str | None = None
    ) -> Result:
        args = shlex.split(command) if isinstance(command, str) else list(command)
        acting = self.user if user == "default" else user
        env = {"SALESCRM_DATA": str(self.root)}
        if acting:
            env["SALESCRM_USER"] = acting
        if self.lang:
            env["SALESCRM_LANG"] = self.lang
        result = CliRunner().invoke(app, args, env=env, input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    def ok(self, command: str | list[str], **kwargs: object) -> str:
        result = self(command, **kwargs)  # type: ignore[arg-type]
        assert result.exit_code == 0, f"{command!r} failed ({result.exit_code}): {result.stderr}"
        return result.stdout

    def add_customer(self, name: str, *extra: str, user: str | None = "default") -> str:
        args = ["customer", "add", name, "--source", "2024年春季行业展会", "--contact", "王经理",
                "--needs", "需要采购50台办公电脑", *extra]  # fmt: skip
        if "--phone" not in extra and "--email" not in extra:
            args += ["--phone", f"1380000{abs(hash(name)) % 10000:04d}"]
        return self.ok(args, user=user).strip()


def add_members(runner: Crm) -> None:
    """The manager adds herself (a team without a manager has no rules yet), then the rest."""
    for index, member in enumerate(MEMBERS):
        runner.ok(["member", "add", *member], user=None if index == 0 else "li.na")


@pytest.fixture
def crm(tmp_path: Path) -> Crm:
    """A data directory (no git, for speed) with a manager, two reps and after-sales."""
    runner = Crm(tmp_path / "team")
    runner.ok(["init", str(runner.root), "--team", "测试团队", "--no-git"], user=None)
    add_members(runner)
    return runner


@pytest.fixture
def git_crm(tmp_path: Path) -> Crm:
    runner = Crm(tmp_path / "team")
    runner.ok(["init", str(runner.root), "--team", "测试团队"], user=None)
    add_members(runner)
    return runner


def tree_digest(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (but .git and .salescrm) with its content: compare before/after."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and ".salescrm" not in p.parts
    }


Digest = Callable[[Path], dict[str, bytes]]


@pytest.fixture
def digest() -> Digest:
    return tree_digest
