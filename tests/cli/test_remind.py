"""``salescrm remind``: the figures of the issue's "Done when", checked through the CLI."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from tests.conftest import Crm, Digest

AS_OF = "2026-11-27"


def remind_json(crm: Crm, *args: str, user: str | None = "default") -> dict[str, Any]:
    out = crm.ok(["remind", "--as-of", AS_OF, "-f", "json", *args], user=user)
    if not out:
        return {}
    return {o["owner"]: {k: [(r["reference"], r["days"]) for r in v] for k, v in o.items()
                         if isinstance(v, list) and v} for o in json.loads(out)["owners"]}  # fmt: skip


@pytest.mark.parametrize(
    ("tier", "created", "section", "days"),
    [
        ("VIP", "2026-11-20", "today", 0),  # last contacted 7 days ago
        ("VIP", "2026-11-19", "overdue", 1),  # 8 days ago: 1 day overdue
        ("C", "2026-08-29", "today", 0),  # 90 days ago
    ],
)
def test_cadence_by_tier_is_exact(crm: Crm, tier: str, created: str, section: str, days: int) -> None:
    number = crm.add_customer("某某科技有限公司", "--tier", tier, "--at", created)
    assert remind_json(crm) == {"zhang.wei": {section: [(number, days)]}}


def test_nothing_due_prints_zero_bytes_and_exits_0(crm: Crm) -> None:
    crm.add_customer("某某科技有限公司", "--tier", "B", "--at", "2026-10-29")  # 29 days ago: not yet due
    for args in ([], ["--all"], ["--fail-on-overdue"], ["-f", "json"], ["-f", "ics"]):
        result = crm(["remind", "--as-of", AS_OF, *args])
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_fail_on_overdue_exits_1(crm: Crm) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    crm.add_customer("某某科技有限公司", "--tier", "VIP", "--at", "2026-11-19")
    result = crm(["remind", "--as-of", AS_OF, "--fail-on-overdue"])
    assert result.exit_code == 1 and "逾期1天" in result.stdout
    due_today = crm(["remind", "--as-of", "2026-11-26", "--fail-on-overdue"])
    assert due_today.exit_code == 0 and "今天" in due_today.stdout


def test_an_overdue_task_escalates_to_the_manager_and_done_removes_it(crm: Crm) -> None:
    number = crm.add_customer("某某科技有限公司", "--tier", "C", "--at", "2026-11-01")
    crm.ok(
        f"followup plan {number} --due 2026-11-24T10:00 --via visit --focus 演示样机 --goal 确认配置 --at 2026-11-20"
    )
    task = f"{number}-T1"
    assert remind_json(crm, "--all") == {"zhang.wei": {"overdue": [(task, 3)]}}  # 3 days: not yet escalated
    assert remind_json(crm, "--all", "--as-of", "2026-11-28") == {
        "li.na": {"escalated": [(task, 4)]},
        "zhang.wei": {"overdue": [(task, 4)]},
    }
    assert remind_json(crm, "--owner", "li.na", "--as-of", "2026-11-28") == {
        "li.na": {"escalated": [(task, 4)]}
    }
    crm.ok(f"followup done {task} --at 2026-11-28T09:00")
    assert remind_json(crm, "--all", "--as-of", "2026-11-28") == {}
    assert remind_json(crm, "--all", "--as-of", "2026-11-27") == {"zhang.wei": {"overdue": [(task, 3)]}}


@pytest.mark.parametrize(
    ("tier", "birthday", "listed"),
    [("VIP", "12-04", True), ("VIP", "12-05", False), ("B", "12-04", False)],
)
def test_birthdays_seven_days_ahead_for_vip_only(crm: Crm, tier: str, birthday: str, listed: bool) -> None:
    number = crm.add_customer(
        "某某科技有限公司", "--tier", tier, "--at", "2026-11-26", "--birthday", birthday
    )
    assert remind_json(crm) == ({"zhang.wei": {"birthdays": [(number, -7)]}} if listed else {})


def test_all_groups_by_owner_in_plain_text(crm: Crm) -> None:
    mine = crm.add_customer("某某科技有限公司", "--tier", "VIP", "--at", "2026-11-19")
    theirs = crm.add_customer(
        "另一家公司", "--tier", "A", "--at", "2026-11-10", "--owner", "wang.fang", user="li.na"
    )
    crm.ok(
        f"followup plan {theirs} --due 2026-11-22 --via 电话 --focus 报价 --goal 确认价格 --owner wang.fang --at 2026-11-20",
        user="wang.fang",
    )
    out = crm.ok(["--lang", "en", "remind", "--all", "--within", "3", "--as-of", AS_OF])
    assert "\x1b[" not in out
    assert out == (
        "李娜 (li.na) — reminders for 2026-11-27\n"
        "\n"
        "Escalated: your team's tasks overdue (1)\n"
        "reference        customer    what                                due         when\n"
        "---------------  ----------  ----------------------------------  ----------  --------------\n"
        f"{theirs}-T1  另一家公司  [wang.fang] phone 报价 -> 确认价格  2026-11-22  5 days overdue\n"
        "\n"
        "王芳 (wang.fang) — reminders for 2026-11-27\n"
        "\n"
        "Overdue (1)\n"
        "reference        customer    what                    due         when\n"
        "---------------  ----------  ----------------------  ----------  --------------\n"
        f"{theirs}-T1  另一家公司  phone 报价 -> 确认价格  2026-11-22  5 days overdue\n"
        "\n"
        "张伟 (zhang.wei) — reminders for 2026-11-27\n"
        "\n"
        "Overdue (1)\n"
        "reference     customer          what                                       due         when\n"
        "------------  ----------------  -----------------------------------------  ----------  -------------\n"
        f"{mine}  某某科技有限公司  VIP every 7 days, last contact 2026-11-19  2026-11-26  1 day overdue\n"
    )


def test_the_acting_member_sees_only_their_own(crm: Crm) -> None:
    crm.add_customer(
        "另一家公司", "--tier", "VIP", "--at", "2026-11-01", "--owner", "wang.fang", user="li.na"
    )
    assert crm.ok(["remind", "--as-of", AS_OF]) == ""
    assert "另一家公司" in crm.ok(["remind", "--as-of", AS_OF], user="wang.fang")


def test_archived_customers_are_left_out(crm: Crm) -> None:
    number = crm.add_customer("某某科技有限公司", "--tier", "VIP", "--at", "2026-11-01")
    crm.ok(f"customer archive {number} --at 2026-11-26")
    assert crm.ok(["remind", "--all", "--as-of", AS_OF]) == ""


def test_a_stale_deal_is_listed(crm: Crm) -> None:
    number = crm.add_customer("某某科技有限公司", "--tier", "C", "--at", "2026-11-01")
    path = crm.root / "customers" / f"{number}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["opportunities"] = [{
        "id": "O1", "name": "年度办公设备采购", "amount": 250000, "close": "2027-03-01", "owner": "zhang.wei",
        "stage": "negotiation", "stage_history": [{"stage": "negotiation", "at": "2026-11-12", "by": "zhang.wei"}],
    }]  # fmt: skip
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert remind_json(crm) == {"zhang.wei": {"stale": [(f"{number}-O1", 15)]}}
    assert remind_json(crm, "--as-of", "2026-11-26") == {}  # 14 days: the limit, not past it
    crm.ok(f"followup log {number} --via phone --content 客户确认预算25万,下周签约 --at 2026-11-25")
    assert remind_json(crm) == {}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ("--within -1", 2, "error: --within -1: 提前天数不能为负数"),
        ("--within -1 --lang en", 2, "error: --within -1: days ahead cannot be negative"),
        ("--as-of 2024-02-30", 2, "error: bad --as-of date '2024-02-30'"),
        ("--owner li.na --all", 2, "error: --owner 与 --all 不能同时使用"),
        ("--owner nobody", 3, "error: no such member 'nobody'"),
        (
            "-f xml",
            2,
            "error: Invalid value for '-f' / '--format': 'xml' is not one of 'text', 'json', 'ics'.",
        ),
    ],
)
def test_bad_input_is_a_clear_error(crm: Crm, digest: Digest, args: str, code: int, message: str) -> None:
    crm.lang = "en" if message.isascii() else None  # Chinese messages: the team's zh_CN
    before = digest(crm.root)
    result = crm(f"remind {args}")
    assert (result.exit_code, result.stderr.splitlines()[0], result.stdout) == (code, message, "")
    assert digest(crm.root) == before


def test_a_command_holds_what_it_loaded_until_the_next_command_starts(crm: Crm) -> None:
    """Freeing remind's facts and digests as it returns would only slow the exit (cli/context.hold);
    a process running many commands (these tests) lets one command's data go when the next starts."""
    from salescrm.cli import context
    from salescrm.core import reminders

    crm.add_customer("某某科技有限公司", "--tier", "VIP", "--at", "2026-11-01")
    crm.ok(["remind", "--all", "--as-of", AS_OF])
    found = [v for v in context._held if isinstance(v, reminders.Due)]
    digests = [
        v
        for v in context._held
        if isinstance(v, dict) and all(isinstance(d, reminders.Digest) for d in v.values())
    ]
    assert [len(d.cadence) + len(d.rare) + len(d.whole) for d in found] == [1]  # the one customer
    assert [list(d) for d in digests] == [["zhang.wei"]]
    crm.ok(["customer", "list"])
    assert not any(isinstance(v, dict | reminders.Due) for v in context._held)
