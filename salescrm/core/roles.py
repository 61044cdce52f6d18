"""Roles and the permissions table of salescrm.yaml (``permissions:``): who may do what.

A permission names an action (``customer.change``, ``config.targets`` …) and who may take
it: roles (manager, rep, marketing, after-sales), ``owner`` (the member who owns the
customer, or the deal, the action touches) or ``everyone``. The defaults below are the
only place they are written down; a team changes them in salescrm.yaml.
``core/rules.py`` decides which actions a change is and whether the acting member may.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salescrm.core.errors import Msg
from salescrm.core.labels import ROLES

if TYPE_CHECKING:
    from salescrm.core.config import Member
    from salescrm.core.schema import Reader

OWNER, EVERYONE = "owner", "everyone"
SELLING_ROLES = ("rep", "manager")  # the roles that own customers, carry targets and show in attainment
NON_SELLING_DEPTS = ("marketing", "after-sales")

# action: (who may by default, what it is, as "MEMBER may not …" says it)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "customer.add": (("manager", "marketing", OWNER), "add a customer"),
    "customer.change": (("manager", OWNER), "change the customer"),
    "customer.delete": (("manager",), "delete the customer"),
    "customer.owner": (("manager",), "change the customer's owner (transfer it)"),
    "pool.add": (("manager", "marketing"), "add a customer to the pool"),
    "pool.claim": (("manager", OWNER), "claim a customer from the pool"),  # owner: who claims it
    "pool.release": (("manager", OWNER), "release the customer to the pool"),
    "pool.reclaim": (("manager",), "reclaim a customer within the cool-down after releasing it"),
    "pool.settle": (("manager",), "give a claimed customer to the teammate who claimed it first"),
    "customer.tier": (("manager", OWNER), "change the customer's tier"),
    "customer.merge": (("manager",), "merge customers"),  # both records: KEEP's and DROP's
    "feedback.add": (("manager", OWNER, "after-sales", "marketing"), "add feedback"),
    "deal.change": (("manager", OWNER), "change the deal"),  # owner: the customer's or the deal's
    "deal.force_stage": (("manager",), "skip pipeline stages"),
    "deal.amend_closed": (("manager", OWNER), "change a closed (won or lost) deal"),
    "pay.record": (("manager", OWNER), "record a payment plan or receipt"),  # of a won deal
    "pay.amend": (("manager",), "amend a payment plan line or receipt"),
    "config.members": (("manager",), "change the team's members"),
    "config.targets": (("manager",), "set targets"),
    "config.tier_review": (("manager",), "apply a tier review"),
    "config.pool": (("manager",), "change the pool's rules"),
    "config.filters": ((EVERYONE,), "change the saved filters"),
    "config.settings": (("manager",), "change the team's rules in salescrm.yaml"),
}
DEFAULT_PERMISSIONS: dict[str, tuple[str, ...]] = {action: who for action, (who, _) in ACTIONS.items()}
WHO = (*ROLES.keys, OWNER, EVERYONE)


def role_of(role: str | None, dept: str) -> str:
    """A member's role: ``role`` when given, else (and for ``rep``) what their department
    makes them — a marketing or after-sales member is never a sales rep."""
    chosen = role or "rep"
    return dept if chosen == "rep" and dept in NON_SELLING_DEPTS else chosen


def sells(member: Member) -> bool:
    """Whether ``member`` owns customers and carries targets (a rep or a manager)."""
    return member.role in SELLING_ROLES


def require_seller(member: Member) -> None:
    """Refuse a target for a member who does not sell (marketing, after-sales)."""
    if not sells(member):
        from salescrm.core.errors import UsageError

        raise UsageError(
            Msg("{id} is {role}: only reps and managers carry targets", id=member.id, role=member.role),
            hint=Msg("marketing and after-sales members are not in attainment either"),
        )


def what(action: str) -> str:
    return ACTIONS[action][1] if action in ACTIONS else action


def permissions_from_data(r: Reader, section: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The permissions table: the defaults, with the actions ``section`` names replaced."""
    permissions = dict(DEFAULT_PERMISSIONS)
    with r.at("permissions"):
        for action, raw in section.items():
            if action not in ACTIONS:
                allowed = ", ".join(ACTIONS)
                r.problem(
                    Msg("unknown action {action!r}; one of: {allowed}", action=action, allowed=allowed),
                    str(action),
                )
                continue
            who = [raw] if isinstance(raw, str) else r.texts(section, str(action))
            unknown = [w for w in who if w not in WHO]
            if unknown:
                r.problem(
                    Msg("unknown role {role!r}; one of: {allowed}", role=unknown[0], allowed=", ".join(WHO)),
                    str(action),
                )
                continue
            permissions[str(action)] = tuple(who)
    return permissions
