"""Rules for team members."""

from __future__ import annotations

import re

from salescrm.core.config import Config, Member
from salescrm.core.errors import ConflictError, Msg, UsageError
from salescrm.core.labels import DEPARTMENTS, ROLES
from salescrm.core.parse import parse_email, parse_text
from salescrm.core.roles import role_of
from salescrm.core.shared_settings import is_one_address

MEMBER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


def _one_address(text: str) -> str:
    """An e-mail mail can be sent to alone: no list, no name, no quotes (core/shared_settings.py)."""
    email = parse_email(text)
    if not is_one_address(email):
        raise UsageError(
            Msg("bad e-mail {text!r}: give one address", text=text), hint=Msg("write it as name@example.com")
        )
    return email


def new_member(
    member_id: str,
    name: str | None,
    email: str | None,
    dept: str,
    role: str,
    manager: str | None,
    config: Config,
) -> Member:
    if not MEMBER_ID.match(member_id):
        raise UsageError(
            Msg("bad member id {member_id!r}", member_id=member_id),
            hint=Msg("lower-case letters, digits, '.', '_' and '-', e.g. zhang.wei"),
        )
    if member_id in config.member_ids():
        raise ConflictError(Msg("member {member_id!r} exists already", member_id=member_id))
    if not name:
        raise UsageError(Msg("missing required field: --name"))
    member = Member(
        id=member_id,
        name=parse_text(name, "name", 100),
        email=_one_address(email) if email else None,
        dept=DEPARTMENTS.parse(dept),
        role=role_of(ROLES.parse(role), DEPARTMENTS.parse(dept)),
        manager=config.member(manager).id if manager else None,
    )
    if member.email and any(
        m.email and m.email.casefold() == member.email.casefold() for m in config.members
    ):
        raise ConflictError(Msg("another member has the e-mail {email}", email=member.email))
    return member


def set_active(config: Config, member_id: str, active: bool) -> int:
    """The position in salescrm.yaml's members of ``member_id``, to be made ``active`` (or
    not); refused when nothing would change or no active manager would remain."""
    if not member_id.strip():
        raise UsageError(
            Msg("MEMBER must not be empty"), hint=Msg("e.g. salescrm member deactivate chen.jie")
        )
    member = config.member(member_id)
    if member.active == active:
        raise UsageError(
            Msg("{member_id} is active already", member_id=member_id)
            if active
            else Msg("{member_id} is deactivated already", member_id=member_id)
        )
    managers = [m for m in config.members if m.role == "manager" and m.active]
    if not active and managers == [member]:
        raise UsageError(
            Msg("{member_id} is the last active manager", member_id=member_id),
            hint=Msg("make another member a manager first"),
        )
    return config.members.index(member)
