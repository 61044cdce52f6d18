"""The rulebook: which actions a change is, and whether the acting member may take them.

One function answers for the command line (``store/datadir.py``: every customer saved and
every salescrm.yaml written) and for ``salescrm verify`` (every file a commit changed, read
before and after, under the rules of the parent commit): ``customer_breaches`` and
``config_breaches`` return the breaches, empty when the change is allowed. The permissions
themselves are data (``Config.permissions``, defaults in ``core/roles.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import timedelta

from salescrm.core.config import Config, Member
from salescrm.core.errors import Listed, Msg, Term, UsageError
from salescrm.core.labels import CLOSED_STAGES, OPEN_STAGES
from salescrm.core.model import Customer, Opportunity
from salescrm.core.parse import day_of
from salescrm.core.roles import EVERYONE, OWNER, what

# The owner of a record that cannot be read (a damaged file): no member, so that only those
# whose role allows (managers) may change it; never "" (the pool, which claims may take).
UNREADABLE = "(unreadable)"


@dataclass(frozen=True)
class Action:
    """One thing a change does: its permission name, the record, and who owns that record."""

    name: str
    record: str
    owners: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Breach:
    """An action the member may not take, and who may."""

    member: str
    action: Action
    allowed: tuple[str, ...]  # the permission's roles / owner / everyone
    reason: str = ""  # set when the member may not act at all (unknown, deactivated)

    def __str__(self) -> str:
        return str(self.message())

    def message(self) -> Msg:
        """What the member may not do and who may, to be said in the reader's language."""
        if self.reason:
            return Msg("{member} {reason} ({record})", member=self.member, reason=Msg(self.reason),
                       record=self.action.record)  # fmt: skip
        owners = ", ".join(sorted(self.action.owners)) or "none"
        who = [
            Msg("the owner ({owners})", owners=owners) if w == OWNER else Term("role", w)
            for w in self.allowed
        ]
        return Msg(
            "{member} may not {what} ({record}); rule {rule} allows: {who}",
            member=self.member,
            what=Term("action", self.action.name, what(self.action.name)),
            record=self.action.record,
            rule=self.action.name,
            who=Listed(who) if who else Msg("nobody"),
        )

    def key(self) -> tuple[str, str]:
        return self.action.name, self.action.record


# -- what a change does ------------------------------------------------------------------


def customer_actions(
    before: Customer | None,
    after: Customer | None,
    cooldown_days: int = 0,
    merged_into: Customer | None = None,
) -> list[Action]:
    """The actions that turn ``before`` into ``after`` (None: the file is new, or gone —
    into ``merged_into`` when that customer now holds its number as an alias);
    ``cooldown_days``: the pool's cool-down (a claim of what one released this recently)."""
    if before is None:
        if after is None:
            return []
        return [Action("customer.add" if after.owner else "pool.add", after.id, frozenset({after.owner}))]
    owners = frozenset({before.owner})
    if after is None:
        merged = merged_into is not None and before.id in merged_into.aliases
        return [Action("customer.merge" if merged else "customer.delete", before.id, owners)]
    names = []
    if set(after.aliases) - set(before.aliases):
        names.append("customer.merge")
    if before.owner != after.owner:
        owner_action = _owner_action(before, after, cooldown_days)
        found_owner = [Action(name, before.id, _owner_of(name, before, after)) for name in owner_action]
        if "pool.claim" in owner_action:  # what comes with a claim (deals, tasks) is the claimer's
            owners = frozenset({after.owner})
    else:
        found_owner = []
    if _tier(before) != _tier(after):
        names.append("customer.tier")
    old_feedback = {f.id for f in before.feedback}
    if any(f.id not in old_feedback for f in after.feedback):
        names.append("feedback.add")
    found = found_owner + [Action(name, before.id, owners) for name in names]
    closed = {o.id: o for o in before.opportunities if o.stage in CLOSED_STAGES}
    found += _deal_actions(before, after, closed, owners)
    # deals on both sides are judged by _deal_actions (a deal's owner may work it)
    covered = {o.id for o in before.opportunities} & {o.id for o in after.opportunities} | closed.keys()
    if _rest(before, covered, old_feedback) != _rest(after, covered, old_feedback):
        found.append(Action("customer.change", before.id, owners))
    return found


def _owner_action(before: Customer, after: Customer, cooldown_days: int) -> list[str]:
    """A claim from the pool (and, within the cool-down of one's own release, a reclaim), a
    release to it, a claim that a teammate's earlier one settled (core/merge.py), or a
    transfer."""
    from salescrm.core.pool import POOL, owner_changes

    if before.owner == POOL:
        claims = [c for c in owner_changes(after) if c.new == after.owner]
        releases = [c for c in owner_changes(before) if c.old == after.owner and c.new == POOL]
        # a claim not dated (a hand edit) of what one released counts as within the cool-down
        since = day_of(claims[-1].at) - day_of(releases[-1].at) if claims and releases else None
        if releases and (since is None or since < timedelta(cooldown_days)):
            return ["pool.claim", "pool.reclaim"]
        return ["pool.claim"]
    if after.owner == POOL:
        return ["pool.release"]
    settled = {(lost.by, lost.winner) for lost in after.lost_claims} - {
        (lost.by, lost.winner) for lost in before.lost_claims
    }
    if (before.owner, after.owner) in settled:
        return ["pool.settle"]  # the winner's claim, brought by the merge of the two
    return ["customer.owner"]


def _owner_of(action: str, before: Customer, after: Customer) -> frozenset[str]:
    """Who counts as the owner for an owner action: the claimer for a claim, nobody for a
    settled claim (only a merge brings it: verify's merge rule), else the owner before."""
    if action in ("pool.claim", "pool.reclaim"):
        return frozenset({after.owner})
    return frozenset() if action == "pool.settle" else frozenset({before.owner})


def _tier(customer: Customer) -> tuple[object, ...]:
    return customer.tier, customer.tier_pinned, customer.tier_history


def _deal_actions(
    before: Customer, after: Customer, closed: dict[str, Opportunity], owners: frozenset[str]
) -> list[Action]:
    """Closed deals changed (or gone), open deals changed (their owner may), open deals moved
    past a stage, and payments recorded or amended (judged apart from the deal)."""
    now = {o.id: o for o in after.opportunities}
    found = [
        Action("deal.amend_closed", f"{before.id}-{opp_id}", owners | {old.owner})
        for opp_id, old in closed.items()
        if opp_id not in now or _unpaid(now[opp_id]) != _unpaid(old)
    ]
    found += [
        Action(name, f"{before.id}-{old.id}", owners | {old.owner})
        for old in before.opportunities
        if old.id in now
        for name in _payment_actions(old, now[old.id])
    ]
    earlier = {o.id: o for o in before.opportunities}
    found += [
        Action("deal.change", f"{before.id}-{o.id}", owners | {earlier[o.id].owner})
        for o in after.opportunities
        if o.id in earlier and o.id not in closed and _unpaid(o) != _unpaid(earlier[o.id])
    ]
    found += [
        Action("deal.force_stage", f"{before.id}-{o.id}", owners)
        for o in after.opportunities
        if o.id in earlier and _skips(earlier[o.id], o)
    ]
    return found


def _unpaid(deal: Opportunity) -> Opportunity:
    """The deal without its payments (``pay.record`` and ``pay.amend`` judge those)."""
    return replace(deal, plan=[], receipts=[])


def _payment_actions(before: Opportunity, after: Opportunity) -> list[str]:
    """``pay.record`` when plan lines or receipts were added, ``pay.amend`` when one that
    was there changed or went. Every earlier entry still there under another id is only a
    renumbering (what sync's merge does when two clones took one id: core/merge.py)."""
    if _unchanged_but_numbers(before, after):
        added = len(after.plan) > len(before.plan) or len(after.receipts) > len(before.receipts)
        return ["pay.record"] if added else []
    names = []
    for old_items, new_items in ((before.plan, after.plan), (before.receipts, after.receipts)):
        old: dict[str, object] = {item.id: item for item in old_items}
        new: dict[str, object] = {item.id: item for item in new_items}
        if new.keys() - old.keys():
            names.append("pay.record")
        if any(new.get(key) != item for key, item in old.items()):
            names.append("pay.amend")
    return list(dict.fromkeys(names))


def _unchanged_but_numbers(before: Opportunity, after: Opportunity) -> bool:
    """Whether every plan line and receipt of ``before`` is in ``after``, ids aside (a
    receipt's plan line by its content, so that it may move with it)."""
    for deal in (before, after):
        if len({p.id for p in deal.plan}) != len(deal.plan):
            return False
    old, new = _payment_contents(before), _payment_contents(after)
    return all(new.count(item) >= old.count(item) for item in old)


def _payment_contents(deal: Opportunity) -> list[object]:
    lines = {p.id: replace(p, id="") for p in deal.plan}
    receipts = [(replace(r, id="", plan=None), lines.get(r.plan or "", r.plan)) for r in deal.receipts]
    return [*lines.values(), *receipts]


def _skips(before: Opportunity, after: Opportunity) -> bool:
    """Whether ``after`` moved forward past a stage (a forced skip)."""
    if before.stage not in OPEN_STAGES or after.stage not in OPEN_STAGES:
        return False
    return OPEN_STAGES.index(after.stage) > OPEN_STAGES.index(before.stage) + 1


def _rest(customer: Customer, deals: set[str], feedback_ids: set[str]) -> Customer:
    """``customer`` without what the other actions cover: owner, tier, feedback added
    (feedback edited or removed stays), and the ``deals`` judged on their own."""
    return replace(
        customer,
        owner="",
        aliases=[],
        tier="",
        tier_pinned=False,
        tier_history=[],
        feedback=[f for f in customer.feedback if f.id in feedback_ids],
        opportunities=[o for o in customer.opportunities if o.id not in deals],
    )


_CONFIG_ACTIONS = {
    "members": "config.members",
    "targets": "config.targets",
    "filters": "config.filters",
    "last_tier_review": "config.tier_review",
    "pool": "config.pool",
}


def config_actions(before: Config, after: Config) -> list[Action]:
    """The actions that turn the team's settings ``before`` into ``after``."""
    names: dict[str, None] = {}
    for f in fields(Config):
        if getattr(before, f.name) != getattr(after, f.name):
            names[_CONFIG_ACTIONS.get(f.name, "config.settings")] = None
    return [Action(name, "salescrm.yaml") for name in names]


# -- whether the member may --------------------------------------------------------------


def breaches(member_id: str, config: Config, actions: list[Action]) -> list[Breach]:
    """The actions ``member_id`` may not take under ``config``'s permissions. A team with
    no active manager has no rulebook yet (a new data directory): everything is allowed."""
    if not actions or not any(m.role == "manager" and m.active for m in config.members):
        return []
    member = next((m for m in config.members if m.id == member_id), None)
    if member is None or not member.active:
        reason = "is not a member of the team" if member is None else "is deactivated and may not act"
        return [Breach(member_id, actions[0], (), reason)]
    found = []
    for action in actions:
        allowed = config.permissions.get(action.name, ())
        if not may(member, allowed, action):
            found.append(Breach(member_id, action, allowed))
    return found


def may(member: Member, allowed: tuple[str, ...], action: Action) -> bool:
    return EVERYONE in allowed or member.role in allowed or (OWNER in allowed and member.id in action.owners)


def customer_breaches(
    member_id: str,
    config: Config,
    before: Customer | None,
    after: Customer | None,
    merged_into: Customer | None = None,
) -> list[Breach]:
    """What ``member_id`` may not do of the change ``before`` → ``after``, under ``config``."""
    actions = customer_actions(before, after, config.pool.cooldown_days, merged_into)
    return breaches(member_id, config, actions)


def config_breaches(member_id: str, before: Config, after: Config) -> list[Breach]:
    """What ``member_id`` may not do of the change of salescrm.yaml, under the rules ``before``."""
    return breaches(member_id, before, config_actions(before, after))


def who_may(config: Config, breach: Breach) -> list[str]:
    """The active members who may take the breached action (to name in an error's hint)."""
    return [m.id for m in config.members if m.active and may(m, breach.allowed, breach.action)]


def unrestricted(member_id: str, config: Config) -> bool:
    """Whether every permission allows ``member_id`` whatever the record (a manager, under
    the defaults): their changes need not be read before and after."""
    if not any(m.role == "manager" and m.active for m in config.members):
        return True
    member = next((m for m in config.members if m.id == member_id and m.active), None)
    return member is not None and all(
        EVERYONE in allowed or member.role in allowed for allowed in config.permissions.values()
    )


def refuse(config: Config, found: list[Breach]) -> None:
    """Stop a command whose change breaks a rule (exit 2), naming who may make it."""
    if found:
        breach = found[0]
        members = who_may(config, breach)
        raise UsageError(
            breach.message(),
            hint=Msg("ask one who may: {names}", names=", ".join(members))
            if members
            else Msg("no active member may"),
        )
