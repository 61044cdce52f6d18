"""The pool's rules (salescrm.yaml ``pool:``): when an owner's customer goes back to the
pool (客户公海), how early the owner is warned, and how much a rep may claim.

The defaults below are the only place they are written down; ``salescrm init`` writes the
same values out, and ``salescrm pool rules`` shows the team's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from salescrm.core.errors import Msg
from salescrm.core.labels import TIERS
from salescrm.core.schema import Reader


@dataclass(frozen=True)
class RecycleRule:
    """A tier's recycle rule: back to the pool after this many days without a follow-up,
    or without a won deal (None: that clock never recycles)."""

    no_followup_days: int | None = None
    no_won_days: int | None = None

    @property
    def never(self) -> bool:
        return self.no_followup_days is None and self.no_won_days is None


DEFAULT_RECYCLE = {
    "VIP": RecycleRule(),
    "A": RecycleRule(),
    "B": RecycleRule(no_followup_days=60),
    "C": RecycleRule(no_followup_days=90, no_won_days=180),
}


@dataclass(frozen=True)
class PoolRules:
    """salescrm.yaml ``pool:``: recycle rules per tier, the warning, and claim limits."""

    recycle: dict[str, RecycleRule] = field(default_factory=lambda: dict(DEFAULT_RECYCLE))
    warn_days: int = 7  # the owner and their manager are warned this many days before
    max_customers: int = 100  # a rep owns at most this many customers (claims past it are refused)
    claims_per_day: int = 5  # a rep claims at most this many customers a day
    cooldown_days: int = 30  # a rep may not reclaim a customer they released this recently

    def rule(self, tier: str) -> RecycleRule:
        return self.recycle.get(tier, RecycleRule())


_DAYS = ("no_followup_days", "no_won_days")
_LIMITS = ("warn_days", "max_customers", "claims_per_day", "cooldown_days")


def pool_rules_from_data(r: Reader, section: dict[str, Any]) -> PoolRules:
    """The pool's rules: the defaults, with what ``section`` gives; negative days and
    unknown tiers are problems (the default is kept)."""
    defaults = PoolRules()
    with r.at("pool"):
        r.unknown_keys(section, {"recycle", *_LIMITS})
        limits = {name: _days(r, section, name, getattr(defaults, name)) for name in _LIMITS}
        recycle = dict(defaults.recycle)
        raw = section.get("recycle")
        with r.at("recycle"):
            tiers = r.mapping(raw, Msg("a mapping of tiers")) if raw is not None else {}
            for tier, rule in tiers.items():
                if tier not in TIERS.keys:
                    r.problem(
                        Msg(
                            "unknown tier {tier!r}; one of: {allowed}",
                            tier=tier,
                            allowed=", ".join(TIERS.keys),
                        ),
                        str(tier),
                    )
                    continue
                recycle[str(tier)] = _recycle_rule(r, str(tier), rule)
    return PoolRules(recycle=recycle, **limits)


def _recycle_rule(r: Reader, tier: str, raw: Any) -> RecycleRule:
    """``never`` (or null), or ``{no_followup_days: N, no_won_days: N}``."""
    if raw is None or raw == "never":
        return RecycleRule()
    with r.at(tier):
        rule = r.mapping(raw, Msg("never or a mapping of no_followup_days / no_won_days"))
        r.unknown_keys(rule, set(_DAYS))
        days = {name: _days(r, rule, name, None) if rule.get(name) is not None else None for name in _DAYS}
    return RecycleRule(**days)


def _days(r: Reader, d: dict[str, Any], key: str, default: Any) -> Any:
    value = r.whole(d, key, default if default is not None else 0)
    if value < 0:
        r.problem(Msg("must not be negative, found {value}", value=value), key)
        return default
    return value


def rules_data(rules: PoolRules) -> dict[str, Any]:
    """The rules as plain data (``pool rules -f json``, and what init writes)."""
    recycle = {
        tier: "never" if rule.never else {k: v for k, v in vars(rule).items() if v is not None}
        for tier, rule in rules.recycle.items()
    }
    return {"recycle": recycle, **{name: getattr(rules, name) for name in _LIMITS}}


# -- when a customer is due back (core/recycle.py; remind reads it from cached facts) ---


class Clock(NamedTuple):
    """The recycle clock that runs out first: ``followup`` or ``won``, its days, and the
    last follow-up or won deal it counted from (None: none yet)."""

    kind: str
    days: int
    last: date | None

    def text(self) -> str:
        """The clock in English (JSON, and what a release stores); tables say it in the
        reader's language (cli/digests.py)."""
        what = "follow-up" if self.kind == "followup" else "won deal"
        return f"no {what} for {self.days} days (last {self.last or 'none'})"


def recycle_due(rules: PoolRules, tier: str, taken: date, last_followup: date | None,
                won: date | None) -> tuple[date, Clock] | None:  # fmt: skip
    """(the day, why) a customer of ``tier`` taken on ``taken`` is due back in the pool:
    the earliest of its clocks (also what ``remind`` warns of, from its cached facts)."""
    rule = rules.rule(tier)
    clocks: list[tuple[date, Clock]] = []
    for kind, days, last in (
        ("followup", rule.no_followup_days, last_followup),
        ("won", rule.no_won_days, won),
    ):
        if days is not None:
            start = max(last, taken) if last else taken
            clocks.append((start + timedelta(days=days), Clock(kind, days, last)))
    return min(clocks, key=lambda clock: clock[0]) if clocks else None
