"""What the shared salescrm.yaml may hold, and what changed in it: git carries data, never authority.

Anyone who can push writes salescrm.yaml. So it may not name a server to connect to, a
secret or an environment variable to read, or a command to run (those are the user's own
settings, store/user_settings.py); ``validate_shared_settings`` reports any such key, and
every member e-mail that is not exactly one address (a list, a name, CR/LF would copy a
digest to a stranger or break the mail). ``settings_changes`` tells the person syncing
which members' addresses and roles, and which rules, an incoming commit changes.
"""

from __future__ import annotations

import re
from typing import Any

from salescrm.core.errors import Problem

# Keys that choose where something connects, what it reads or what it runs.
_FORBIDDEN_KEYS = {
    "host",
    "port",
    "url",
    "command",
    "password",
    "secret",
    "token",
    "editor",
    "webhook",
    "webhooks",
}
_FORBIDDEN_ENDINGS = ("_env", "_host", "_url", "_command", "_password", "_secret", "_token")
_FREE_NAMES = {"targets", "filters"}  # their keys are member ids and filter names, not settings
_ONE_ADDRESS = re.compile(r"[^\s@,;:<>()\[\]\"'\\]+@[^\s@,;:<>()\[\]\"'\\]+")
_MEMBER_FIELDS = ("email", "role", "dept", "manager")
SHOWN_CHANGES = 20  # member changes named one by one; then a count
OWN_SETTINGS = "your own settings file (see docs/followups.md, Mail)"


def is_one_address(text: str) -> bool:
    """Whether ``text`` is exactly one plain address: no list, no display name, no CR/LF."""
    return _ONE_ADDRESS.fullmatch(text) is not None


def validate_shared_settings(data: Any, file: str = "salescrm.yaml") -> list[Problem]:
    """Every key of salescrm.yaml that only a user's own settings may hold, and every member
    e-mail that is not one address; each with its keys (the store finds the line)."""
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    mail = data.get("mail")
    if mail:  # the whole section moved: a shared file may not choose where mail goes
        for key in list(mail) if isinstance(mail, dict) else [None]:
            where: tuple[str | int, ...] = ("mail", str(key)) if key is not None else ("mail",)
            problems.append(Problem(file, _moved(".".join(map(str, where))), keys=where))
    for path, key in _walk_keys(data, ()):
        if path[0] != "mail" and _forbidden(key):
            problems.append(Problem(file, _moved(".".join(map(str, path))), keys=path))
    members = data.get("members")
    for index, member in enumerate(members if isinstance(members, list) else []):
        email = member.get("email") if isinstance(member, dict) else None
        if isinstance(email, str) and not is_one_address(email):
            problems.append(
                Problem(
                    file,
                    f"member e-mail {email!r} is not one address (no lists, names, spaces or line breaks)",
                    keys=("members", index, "email"),
                )
            )
    return problems


def _moved(name: str) -> str:
    return (
        f"{name}: a shared salescrm.yaml may not name a server, a secret, a variable or a "
        f"command; remove it and set it in {OWN_SETTINGS}"
    )


def _forbidden(key: Any) -> bool:
    name = str(key).lower()
    return name in _FORBIDDEN_KEYS or name.endswith(_FORBIDDEN_ENDINGS)


def _walk_keys(value: Any, keys: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, key) of every mapping key, without descending into free-named sections."""
    found: list[tuple[tuple[Any, ...], Any]] = []
    stack = [(value, keys)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                found.append(((*path, key), key))
                if not (len(path) == 0 and key in _FREE_NAMES):
                    stack.append((child, (*path, key)))
        elif isinstance(node, list):
            stack.extend((child, (*path, i)) for i, child in enumerate(node))
    return found


def settings_changes(before: Any, after: Any) -> list[str]:
    """What ``after`` changes of members' addresses, roles and managers, and of the rules."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    changes = _member_changes(_members(before), _members(after))
    if len(changes) > SHOWN_CHANGES:
        more = len(changes) - SHOWN_CHANGES
        changes = [*changes[:SHOWN_CHANGES], f"salescrm.yaml: and {more} more changes to members"]
    rules = [
        str(key) for key in {**before, **after} if key != "members" and before.get(key) != after.get(key)
    ]
    if rules:
        changes.append(f"salescrm.yaml: changed {', '.join(rules)}")
    return changes


def _members(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    members = data.get("members")
    items = members if isinstance(members, list) else []
    return {str(m.get("id")): m for m in items if isinstance(m, dict)}


def _member_changes(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[str]:
    changes = []
    for member_id, new in after.items():
        old = before.get(member_id)
        if old is None:
            fields = ", ".join(f"{k} {new.get(k)}" for k in _MEMBER_FIELDS if new.get(k))
            changes.append(f"salescrm.yaml: member {member_id} added ({fields or 'no e-mail'})")
            continue
        for key in _MEMBER_FIELDS:
            if old.get(key) != new.get(key):
                changes.append(f"salescrm.yaml: member {member_id}'s {key} {old.get(key)} → {new.get(key)}")
    changes += [
        f"salescrm.yaml: member {member_id} removed" for member_id in before if member_id not in after
    ]
    return changes
