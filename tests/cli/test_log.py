"""``salescrm log CUSTOMER``: who did what to one customer, from git."""

from __future__ import annotations

import json

from salescrm.core.history import Change, change_of
from tests.conftest import Crm


def test_log_lists_commands_newest_first(git_crm: Crm) -> None:
    number = git_crm.add_customer("某某科技有限公司", "--at", "2024-05-03")
    git_crm.ok(["customer", "set", number, "industry=制造业"], user="li.na")
    git_crm.ok(["feedback", "add", number, "--content", "屏幕闪烁"], user="zhao.svc")
    rows = json.loads(git_crm.ok(["log", number, "-f", "json"]))
    assert [(r["who"], r["command"], r["records"]) for r in rows] == [
        ("zhao.svc", "feedback add", f"{number}-B1"),
        ("li.na", "customer set", f"{number} industry"),
        ("zhang.wei", "customer add", number),
    ]
    assert all(len(r["when"]) == 16 for r in rows)


def test_commit_messages_of_others_are_shown_as_they_are() -> None:
    assert change_of("2024-05-03T10:00:00+08:00", "Zhang Wei", "fix typo by hand") == Change(
        "2024-05-03 10:00", "Zhang Wei", "git", "fix typo by hand", "Zhang Wei"
    )
    assert change_of(
        "2024-05-03T10:00:00+08:00", "x <x@y>", "salescrm sync: renumber A → B (by wang.fang)"
    ) == Change("2024-05-03 10:00", "wang.fang", "sync", "renumber A → B", "x <x@y>")


def test_log_errors(git_crm: Crm) -> None:
    result = git_crm(["log", "CRM209901001"])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (3, "error: no such customer CRM209901001")
    result = git_crm(["log", "../etc"])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: bad customer number '../etc'")


def test_log_outside_git(crm: Crm) -> None:
    number = crm.add_customer("某某科技有限公司")
    result = crm(["log", number])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        f"error: {crm.root} is not a git repository, so there is no history",
    )
