"""Shell completion (``salescrm --install-completion``): values from the data directory."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from salescrm.cli.main import app
from tests.conftest import Crm


def complete(crm: Crm, line: str) -> list[str]:
    """What bash is offered for the last word of ``line`` (a trailing space: a new word)."""
    words = line.split(" ")
    env = {"_SALESCRM_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1),
           "SALESCRM_DATA": str(crm.root)}  # fmt: skip
    result = CliRunner().invoke(app, [], env=env, prog_name="salescrm")
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


def complete_fish(crm: Crm, line: str) -> list[str]:
    """What fish is offered, each ``value<TAB>help``."""
    env = {"_SALESCRM_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": line,
           "_TYPER_COMPLETE_FISH_ACTION": "get-args", "SALESCRM_DATA": str(crm.root)}  # fmt: skip
    return CliRunner().invoke(app, [], env=env, prog_name="salescrm").stdout.splitlines()


@pytest.fixture
def team(crm: Crm) -> Crm:
    crm.add_customer("上海启明科技有限公司", "--at", "2024-05-03")
    crm.add_customer("启明星辰信息技术", "--at", "2024-05-04")
    crm.add_customer("杭州云帆电子商务有限公司", "--at", "2024-06-01")
    crm.ok(["opp", "add", "CRM202405001", "--name", "二期项目", "--amount", "1000", "--close", "2099-01-01"])
    crm.ok(["followup", "plan", "CRM202405001", "--due", "2099-01-05", "--via", "微信", "--focus", "报价讲解",
            "--goal", "拿到确认单"])  # fmt: skip
    crm.ok(["filter", "save", "高潜客户", "tier = B"])
    return crm


def test_customer_numbers_complete_with_their_names(team: Crm) -> None:
    assert complete(team, "salescrm customer show CRM202405") == ["CRM202405001", "CRM202405002"]
    assert complete_fish(team, "salescrm followup log CRM2024") == [
        "CRM202405001\t上海启明科技有限公司", "CRM202405002\t启明星辰信息技术", "CRM202406001\t杭州云帆电子商务有限公司"
    ]  # fmt: skip
    assert complete(team, "salescrm opp list --customer CRM202406") == ["CRM202406001"]


def test_references_complete_from_the_customer(team: Crm) -> None:
    assert complete_fish(team, "salescrm opp show CRM202405001-") == ["CRM202405001-O1\t二期项目"]
    assert complete(team, "salescrm opp stage CRM202406") == ["CRM202406001-O"]
    assert complete_fish(team, "salescrm followup done CRM202405001-T") == ["CRM202405001-T1\t报价讲解"]


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("salescrm --as zh", ["zhang.wei", "zhao.svc"]),
        ("salescrm opp list --owner w", ["wang.fang"]),
        ("salescrm opp stage CRM202405001-O1 ne", ["needs_analysis", "negotiation"]),
        ("salescrm opp stage CRM202405001-O1 商", ["商务谈判"]),
        ("salescrm followup log CRM202405001 --via 企", ["企业微信"]),
        ("salescrm followup plan CRM202405001 --via we", ["wechat", "wecom"]),
        ("salescrm customer list --industry 制", ["制造业"]),
        ("salescrm query --saved 高", ["高潜客户"]),
        ("salescrm filter delete ", ["高潜客户"]),
    ],
)
def test_members_stages_channels_industries_and_filters_complete(
    team: Crm, line: str, offered: list[str]
) -> None:
    assert complete(team, line) == offered


def test_completion_without_a_data_directory_offers_nothing(crm: Crm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert complete(Crm(tmp_path / "none"), "salescrm customer show CRM") == []


def test_the_completion_script_is_there_for_each_shell(crm: Crm) -> None:
    shown = CliRunner().invoke(app, ["--show-completion"], env={"SHELL": "/bin/bash"}, prog_name="salescrm")
    assert "complete -o default -F _salescrm_completion salescrm" in shown.stdout
    for shell, marker in (
        ("zsh", "compdef _salescrm_completion salescrm"),
        ("fish", "complete --command salescrm"),
    ):
        script = CliRunner().invoke(
            app, [], env={"_SALESCRM_COMPLETE": f"source_{shell}"}, prog_name="salescrm"
        )
        assert marker in script.stdout, (shell, script.stdout)
