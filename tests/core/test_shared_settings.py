"""What the shared salescrm.yaml may hold, and the changes sync tells of (core, no disk)."""

from __future__ import annotations

import pytest

from salescrm.core.shared_settings import is_one_address, settings_changes, validate_shared_settings


@pytest.mark.parametrize(
    "address",
    ["zhang.wei@example.com", "li.na+crm@sub.example.cn"],
)
def test_one_address_is_accepted(address: str) -> None:
    assert is_one_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "a@x.com, b@y.com",
        "a@x.com;b@y.com",
        "a@x.com\r\nBcc: b@y.com",
        "张伟 <a@x.com>",
        "a@x.com b",
        "a.x.com",
        "",
    ],
)
def test_lists_names_and_line_breaks_are_refused(address: str) -> None:
    assert not is_one_address(address)


def test_servers_variables_and_commands_are_reported_with_their_keys() -> None:
    data = {
        "team": "销售团队",
        "mail": {"host": "smtp.evil.example", "password_env": "AWS_SECRET_ACCESS_KEY"},
        "reminders": {"hook_command": "curl evil", "birthday_days": 7},
        "webhooks": {"wecom": "https://evil.example"},
        "targets": {"host": {"2026": {"amount": 1}}},  # a member may be called host
        "filters": {"editor": "tier = B"},  # and a filter editor
        "members": [{"id": "zhang.wei", "email": "zhang.wei@example.com, thief@evil.example"}],
    }
    problems = validate_shared_settings(data)
    assert [p.keys for p in problems] == [
        ("mail", "host"),
        ("mail", "password_env"),
        ("webhooks",),
        ("reminders", "hook_command"),
        ("members", 0, "email"),
    ]
    assert problems[0].message.startswith("mail.host: a shared salescrm.yaml may not name a server")
    assert validate_shared_settings({"team": "x", "members": [{"id": "a", "email": "a@x.com"}]}) == []


def test_settings_changes_name_members_addresses_roles_and_rules() -> None:
    before = {"members": [{"id": "zhang.wei", "email": "z@x.com", "role": "rep"}], "tiers": {"A": 1}}
    after = {
        "members": [
            {"id": "zhang.wei", "email": "z@x.com, t@evil.example", "role": "manager"},
            {"id": "new.one"},
        ],
        "tiers": {"A": 2},
    }
    assert settings_changes(before, after) == [
        "salescrm.yaml: member zhang.wei's email z@x.com → z@x.com, t@evil.example",
        "salescrm.yaml: member zhang.wei's role rep → manager",
        "salescrm.yaml: member new.one added (no e-mail)",
        "salescrm.yaml: changed tiers",
    ]
    assert settings_changes(before, before) == []
