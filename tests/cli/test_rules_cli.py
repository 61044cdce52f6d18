"""Who may do what, at the command line: each rule refuses a rep (exit 2, naming who may,
nothing written) and lets a manager through."""

from __future__ import annotations

import pytest

from tests.conftest import Crm, Digest


@pytest.fixture
def team(crm: Crm) -> Crm:
    crm.ok(["member", "add", "liu.yang", "--name", "刘洋", "--dept", "marketing"], user="li.na")
    return crm


def refused(crm: Crm, digest: Digest, command: list[str], user: str, rule: str) -> str:
    before = digest(crm.root)
    result = crm(command, user=user)
    assert result.exit_code == 2, result.stderr
    first, hint = result.stderr.splitlines()
    assert first.startswith(f"error: {user} may not ") and f"rule {rule} allows: " in first, first
    assert hint.startswith("hint: ask one who may: ")
    assert digest(crm.root) == before
    return result.stderr


def test_only_managers_set_targets(team: Crm, digest: Digest) -> None:
    stderr = refused(team, digest, ["target", "set", "zhang.wei", "--year", "2026", "--amount", "1"],
                     "zhang.wei", "config.targets")  # fmt: skip
    assert stderr == (
        "error: zhang.wei may not set targets (salescrm.yaml); rule config.targets allows: manager\n"
        "hint: ask one who may: li.na\n"
    )
    team.ok(["target", "set", "zhang.wei", "--year", "2026", "--amount", "1"], user="li.na")


def test_only_managers_change_members(team: Crm, digest: Digest) -> None:
    refused(team, digest, ["member", "add", "new.one", "--name", "新人"], "zhang.wei", "config.members")
    refused(team, digest, ["member", "deactivate", "wang.fang"], "zhang.wei", "config.members")
    team.ok(["member", "add", "new.one", "--name", "新人"], user="li.na")


def test_only_managers_apply_tier_reviews(team: Crm, digest: Digest) -> None:
    refused(team, digest, ["tier", "review", "--apply"], "zhang.wei", "config.tier_review")
    assert team(["tier", "review"], user="zhang.wei").exit_code == 0  # looking is for everyone
    team.ok(["tier", "review", "--apply"], user="li.na")


def test_a_rep_changes_only_their_own_customers(team: Crm, digest: Digest) -> None:
    mine = team.add_customer("某某科技有限公司")
    for command in (
        ["customer", "set", mine, "industry=制造业"],
        ["customer", "tag", mine, "+急需采购"],
        ["followup", "log", mine, "--via", "phone", "--content", "客户确认下月采购20台电脑"],
        ["opp", "add", mine, "--name", "电脑采购", "--amount", "1000", "--close", "2030-01-01"],
        ["customer", "archive", mine],
    ):
        refused(team, digest, command, "wang.fang", "customer.change")
    team.ok(["customer", "set", mine, "industry=制造业"])  # the owner
    team.ok(["customer", "set", mine, "industry=金融"], user="li.na")  # a manager


def test_a_rep_adds_customers_for_themselves_and_marketing_adds_leads_for_anyone(
    team: Crm, digest: Digest
) -> None:
    add = ["customer", "add", "某某科技有限公司", "--source", "展会", "--contact", "王经理",
           "--phone", "13800001111", "--needs", "需要采购50台办公电脑", "--owner", "wang.fang"]  # fmt: skip
    refused(team, digest, add, "zhang.wei", "customer.add")
    refused(team, digest, add, "zhao.svc", "customer.add")
    assert team.ok(add, user="liu.yang").strip().startswith("CRM")


def test_after_sales_adds_feedback_to_anyones_customer(team: Crm, digest: Digest) -> None:
    mine = team.add_customer("某某科技有限公司")
    refused(team, digest, ["feedback", "add", mine, "--content", "两台电脑屏幕闪烁,已换货"], "wang.fang",
            "feedback.add")  # fmt: skip
    team.ok(["feedback", "add", mine, "--content", "两台电脑屏幕闪烁,已换货"], user="zhao.svc")
    refused(team, digest, ["customer", "set", mine, "needs=换货"], "zhao.svc", "customer.change")


def test_only_managers_transfer_customers(team: Crm, digest: Digest) -> None:
    mine = team.add_customer("某某科技有限公司")
    refused(team, digest, ["customer", "set", mine, "owner=wang.fang"], "zhang.wei", "customer.owner")
    team.ok(["customer", "set", mine, "owner=wang.fang"], user="li.na")


def test_a_closed_deal_is_amended_by_its_owner_or_a_manager(team: Crm, digest: Digest) -> None:
    mine = team.add_customer("某某科技有限公司")
    ref = team.ok(
        ["opp", "add", mine, "--name", "电脑采购", "--amount", "1000", "--close", "2030-01-01"]
    ).strip()
    team.ok(["opp", "lost", ref, "--reason", "预算不足"])
    stderr = refused(team, digest, ["opp", "reopen", ref, "--reason", "预算已批"], "wang.fang",
                     "deal.amend_closed")  # fmt: skip
    assert "hint: ask one who may: li.na, zhang.wei" in stderr
    team.ok(["opp", "reopen", ref, "--reason", "预算已批"])


def test_only_managers_skip_stages(team: Crm, digest: Digest) -> None:
    mine = team.add_customer("某某科技有限公司")
    ref = team.ok(
        ["opp", "add", mine, "--name", "电脑采购", "--amount", "1000", "--close", "2030-01-01"]
    ).strip()
    assert team(["opp", "stage", ref, "proposal", "--force", "--reason", "老客户"]).exit_code == 2
    team.ok(["opp", "stage", ref, "proposal", "--force", "--reason", "老客户"], user="li.na")


def test_a_deactivated_member_may_not_act(team: Crm, digest: Digest) -> None:
    mine = team.add_customer("某某科技有限公司")
    assert team.ok(["member", "deactivate", "zhang.wei"], user="li.na") == "zhang.wei deactivated\n"
    before = digest(team.root)
    result = team(["customer", "set", mine, "industry=制造业"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: zhang.wei is deactivated and may not act ({mine})\n")
    assert digest(team.root) == before
    assert '"active": false' in team.ok("member list -f json")
    team.ok(["member", "deactivate", "zhang.wei", "--undo"], user="li.na")
    team.ok(["customer", "set", mine, "industry=制造业"])


def test_anyone_saves_filters(team: Crm) -> None:
    team.ok(["filter", "save", "甲", "tier = A"], user="wang.fang")


def test_the_team_rewrites_the_rules_in_salescrm_yaml(team: Crm, digest: Digest) -> None:
    path = team.root / "salescrm.yaml"
    path.write_text(path.read_text() + "permissions:\n  customer.change: [manager]\n", "utf-8")
    mine = team.add_customer("某某科技有限公司")
    refused(team, digest, ["customer", "set", mine, "industry=制造业"], "zhang.wei", "customer.change")


def test_marketing_and_after_sales_carry_no_targets(team: Crm, digest: Digest) -> None:
    before = digest(team.root)
    for member in ("liu.yang", "zhao.svc"):
        result = team(["target", "set", member, "--year", "2026", "--amount", "1"], user="li.na")
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: {member} is ") and "only reps and managers" in result.stderr
    assert digest(team.root) == before
    attainment = team.ok(["report", "attainment", "--period", "2026", "-f", "csv"])
    assert "liu.yang" not in attainment and "zhao.svc" not in attainment and "zhang.wei" in attainment
