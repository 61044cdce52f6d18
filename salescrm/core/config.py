"""The team's rules (salescrm.yaml) as one ``Config``, built from a plain dict.

Every number a rule uses is read from here; the defaults below are the only
place they are written down (``salescrm init`` writes the same values out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.errors import CrmError, Msg, NotFoundError, Problem, UsageError
from salescrm.core.labels import CHANNELS, DEPARTMENTS, FORECASTS, ROLES, STAGES, TIERS
from salescrm.core.pool_rules import PoolRules, pool_rules_from_data
from salescrm.core.roles import DEFAULT_PERMISSIONS, permissions_from_data, role_of
from salescrm.core.schema import Reader

DEFAULT_INDUSTRIES = [
    "IT服务",
    "制造业",
    "金融",
    "教育",
    "医疗",
    "零售",
    "政府",
    "房地产",
    "能源",
    "物流",
    "其他",
]
DEFAULT_SOURCES = ["行业展会", "线上推广", "客户转介绍", "电话营销", "官网咨询", "其他"]
DEFAULT_LOSS_REASONS = ["价格过高", "选择竞品", "需求取消", "预算不足", "联系中断"]
DEFAULT_VAGUE_PHRASES = [
    "客户有意向",
    "有意向",
    "再联系",
    "感觉不错",
    "还行",
    "待跟进",
    "interested",
    "will call back",
]


@dataclass
class Member:
    """A team member (salescrm.yaml: members)."""

    id: str
    name: str
    email: str | None = None
    dept: str = "sales"
    role: str = "rep"  # rep | manager | marketing | after-sales (core/roles.py)
    manager: str | None = None
    active: bool = True  # a deactivated member (a leaver) may no longer act


@dataclass(frozen=True)
class TierRule:
    """A customer tier: the won amount that reaches it, its follow-up cadence, birthday care."""

    name: str
    threshold: Decimal  # trailing-12-month won amount at which a customer reaches this tier
    cadence_days: int  # follow up at least this often
    birthday_care: bool = False  # remind of contacts' birthdays


@dataclass(frozen=True)
class StageRule:
    """An opportunity stage: its win probability, what leaving it requires, when a deal in it is stale."""

    name: str
    probability: Decimal  # default win probability, percent
    requires: tuple[str, ...] = ()  # what must be present before the stage can be left
    stale_days: int | None = None  # an open deal untouched this long is stale
    forecast: str | None = None  # the forecast category of an open deal in it (report forecast)


DEFAULT_TIERS = {
    "VIP": TierRule("VIP", Decimal(500_000), 7, birthday_care=True),
    "A": TierRule("A", Decimal(100_000), 14),
    "B": TierRule("B", Decimal(10_000), 30),
    "C": TierRule("C", Decimal(0), 90),
}
DEFAULT_STAGES = {
    # The forecast categories follow Salesforce's default ones (Pipeline, Best Case, Commit).
    "lead": StageRule("lead", Decimal(10), (), 30, "pipeline"),
    "needs_analysis": StageRule("needs_analysis", Decimal(25), ("needs_report",), 30, "pipeline"),
    "proposal": StageRule("proposal", Decimal(50), ("proposal",), 21, "best_case"),
    "negotiation": StageRule("negotiation", Decimal(75), ("decision_makers", "competitors"), 14, "commit"),
    "won": StageRule("won", Decimal(100)),
    "lost": StageRule("lost", Decimal(0)),
}
# What attainment counts: contracts signed in the period, or money collected in it (回款).
BASES = ("signed", "collected")
DEFAULT_ARTEFACTS = {"needs_report": "客户需求调研报告", "proposal": "解决方案建议书"}


@dataclass
class Config:
    """The team's salescrm.yaml: members, vocabularies, tier and stage rules, reminders.

    Nothing in it names a server, a secret, a variable or a command: git shares the file
    (core/shared_settings.py says what check refuses; mail settings are the user's own)."""

    team: str = "销售团队"
    currency: str = "CNY"
    locale: str = "zh_CN"
    timezone: str = "Asia/Shanghai"  # where the team's days begin and end (docs/reports.md)
    members: list[Member] = field(default_factory=list)
    industries: list[str] = field(default_factory=lambda: list(DEFAULT_INDUSTRIES))
    sources: list[str] = field(default_factory=lambda: list(DEFAULT_SOURCES))
    channels: list[str] = field(default_factory=lambda: CHANNELS.keys)  # follow-up channels in use
    tiers: dict[str, TierRule] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    stages: dict[str, StageRule] = field(default_factory=lambda: dict(DEFAULT_STAGES))
    artefacts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ARTEFACTS))
    loss_reasons: list[str] = field(default_factory=lambda: list(DEFAULT_LOSS_REASONS))
    vague_phrases: list[str] = field(default_factory=lambda: list(DEFAULT_VAGUE_PHRASES))
    min_note_length: int = 10
    strict_notes: bool = False
    birthday_days: int = 7
    escalate_after_days: int = 3
    tier_review_days: int = 7
    attachment_max_mb: int = 20
    autocommit: bool = True
    lock_timeout: int = 10
    targets: dict[str, Any] = field(default_factory=dict)  # read by salescrm.core.targets
    filters: dict[str, str] = field(default_factory=dict)
    last_tier_review: date | None = None  # the day `tier review --apply` last ran
    permissions: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_PERMISSIONS))
    name_similarity: int = 90  # a new customer's name this close (0-100) to another's is a warning
    # Which team chats (by name) each pushed digest goes to: "remind", "review". Only names:
    # the webhooks and secrets are each user's own settings (store/user_settings.py).
    push: dict[str, list[str]] = field(default_factory=dict)
    pool: PoolRules = field(default_factory=PoolRules)  # the public pool (客户公海): recycling, claims
    attainment_basis: str = "signed"  # signed | collected: what attainment counts (the team is paid on)

    @property
    def lang(self) -> str:
        return "zh" if self.locale.lower().startswith("zh") else "en"

    def member(self, member_id: str) -> Member:
        member = self.member_ids().get(member_id)
        if member is not None:
            return member
        known = ", ".join(m.id for m in self.members) or "none yet"
        raise NotFoundError(
            Msg("no such member {member_id!r}", member_id=member_id),
            hint=Msg("members: {known}; add one with: salescrm member add ID --name NAME", known=known),
        )

    def member_ids(self) -> dict[str, Member]:
        """The members by id: ``in`` is one look-up however large the team. Built once per list
        of members (validating a file asks for every owner and author, and rebuilding it each
        time made check quadratic on a 180,000-member salescrm.yaml)."""
        key = (id(self.members), len(self.members))
        cached = self.__dict__.get("_members_by_id")
        if cached is None or cached[0] != key:
            cached = (key, {m.id: m for m in reversed(self.members)})  # the first of an id wins
            self.__dict__["_members_by_id"] = cached
        by_id: dict[str, Member] = cached[1]
        return by_id

    def tier_rule(self, tier: str) -> TierRule:
        return self.tiers.get(tier, self.tiers[min(self.tiers, key=lambda t: self.tiers[t].threshold)])

    def stage_probability(self, stage: str) -> Decimal:
        rule = self.stages.get(stage)
        return rule.probability if rule else Decimal(0)


_TOP_KEYS = {
    "format", "team", "currency", "locale", "timezone", "members", "industries", "sources", "tiers", "stages",
    "artefacts", "loss_reasons", "notes", "reminders", "mail", "attachments", "git", "lock_timeout",
    "targets", "filters", "last_tier_review", "permissions", "duplicates", "channels", "push", "pool",
    "attainment_basis",
}  # fmt: skip
# "mail" stays a known key so old files load; no one reads it (check refuses it: core/shared_settings.py).


def config_from_data(data: Any, file: str = "salescrm.yaml") -> tuple[Config, list[Problem]]:
    """The Config of ``data`` (defaults for what is missing) and every problem found."""
    r = Reader(file)
    d = r.mapping(data if data is not None else {}, Msg("a mapping of settings"))
    r.unknown_keys(d, _TOP_KEYS)
    notes = _section(r, d, "notes")
    reminders = _section(r, d, "reminders")
    defaults = Config()
    config = Config(
        team=r.text(d, "team") or defaults.team,
        currency=r.text(d, "currency") or defaults.currency,
        locale=r.text(d, "locale") or defaults.locale,
        timezone=r.text(d, "timezone") or defaults.timezone,
        members=r.items(d, "members", lambda m: _member(r, m)),
        industries=r.texts(d, "industries") or defaults.industries,
        sources=r.texts(d, "sources") or defaults.sources,
        channels=_channels(r, r.texts(d, "channels")) or defaults.channels,
        tiers=_tiers(r, d) or defaults.tiers,
        stages=_stages(r, d),
        artefacts={str(k): str(v) for k, v in _section(r, d, "artefacts").items()} or defaults.artefacts,
        loss_reasons=r.texts(d, "loss_reasons") or defaults.loss_reasons,
        vague_phrases=_with(r, "notes", lambda: r.texts(notes, "vague_phrases")) or defaults.vague_phrases,
        min_note_length=_with(r, "notes", lambda: r.whole(notes, "min_length", defaults.min_note_length)),
        strict_notes=_with(r, "notes", lambda: r.flag(notes, "strict")),
        birthday_days=_with(r, "reminders", lambda: r.whole(reminders, "birthday_days", 7)),
        escalate_after_days=_with(r, "reminders", lambda: r.whole(reminders, "escalate_after_days", 3)),
        tier_review_days=_with(r, "reminders", lambda: r.whole(reminders, "tier_review_days", 7)),
        attachment_max_mb=_with(
            r, "attachments", lambda: r.whole(_section(r, d, "attachments"), "max_mb", 20)
        ),
        autocommit=_with(r, "git", lambda: _flag_default(r, _section(r, d, "git"), "autocommit", True)),
        lock_timeout=r.whole(d, "lock_timeout", defaults.lock_timeout),
        targets=_section(r, d, "targets"),
        filters={str(k): str(v) for k, v in _section(r, d, "filters").items()},
        last_tier_review=r.day(d, "last_tier_review"),
        permissions=permissions_from_data(r, _section(r, d, "permissions")),
        name_similarity=_similarity(r, _section(r, d, "duplicates")),
        push=_push(r, _section(r, d, "push")),
        pool=pool_rules_from_data(r, _section(r, d, "pool")),
        attainment_basis=_choice(r, d, "attainment_basis", list(BASES), "signed"),
    )
    _check_members(r, config)
    return config, r.problems


def _channels(r: Reader, texts: list[str]) -> list[str]:
    """The configured follow-up channels as keys (a label such as 微信 names its key)."""
    keys = []
    for i, text in enumerate(texts):
        try:
            keys.append(CHANNELS.parse(text))
        except CrmError as error:
            with r.at("channels"):
                r.problem(Msg("{message}; {hint}", message=error.message, hint=error.hint), i)
    return list(dict.fromkeys(keys))


PUSHED = ("remind", "review")  # the digests `--push` sends


def _push(r: Reader, d: dict[str, Any]) -> dict[str, list[str]]:
    """push: {remind: [销售一组], review: [销售一组, 管理层]}: chat names, nothing else."""
    with r.at("push"):
        for key in set(d) - set(PUSHED):  # a webhook here would let any pusher redirect the team's digests
            names = ", ".join(PUSHED)
            r.problem(Msg("unknown key {key!r}: push: names chats only ({names}); their webhooks and secrets "
                          "belong in each user's own settings", key=key, names=names), str(key))  # fmt: skip
        one = {key: [d[key]] for key in PUSHED if isinstance(d.get(key), str)}  # a single name
        return {key: one.get(key) or r.texts(d, key) for key in PUSHED if key in d}


def _with(r: Reader, key: str, read: Any) -> Any:
    with r.at(key):
        return read()


def _section(r: Reader, d: dict[str, Any], key: str) -> dict[str, Any]:
    value = d.get(key)
    if value is None:
        return {}
    with r.at(key):
        return r.mapping(value)


def _flag_default(r: Reader, d: dict[str, Any], key: str, default: bool) -> bool:
    return r.flag(d, key) if key in d else default


def _member(r: Reader, d: dict[str, Any]) -> Member:
    r.unknown_keys(d, {"id", "name", "email", "dept", "role", "manager", "active"})
    dept = _choice(r, d, "dept", DEPARTMENTS.keys, "sales")
    return Member(
        id=r.required_text(d, "id"),
        name=r.required_text(d, "name"),
        email=r.text(d, "email"),
        dept=dept,
        role=role_of(_choice(r, d, "role", ROLES.keys, "rep"), dept),
        manager=r.text(d, "manager"),
        active=_flag_default(r, d, "active", True),
    )


def _similarity(r: Reader, d: dict[str, Any]) -> int:
    with r.at("duplicates"):
        score = r.whole(d, "name_similarity", 90)
        if not 50 <= score <= 100:
            r.problem(Msg("name_similarity must be 50 to 100, found {score}", score=score), "name_similarity")
            return 90
        return score


def _choice(r: Reader, d: dict[str, Any], key: str, allowed: list[str], default: str) -> str:
    value = r.text(d, key) or default
    if value not in allowed:
        r.problem(
            Msg("unknown value {value!r}; one of: {allowed}", value=value, allowed=", ".join(allowed)), key
        )
        return default
    return value


def _check_members(r: Reader, config: Config) -> None:
    seen: set[str] = set()
    ids = config.member_ids()
    for index, member in enumerate(config.members):
        with r.at("members"), r.at(index):
            if member.id in seen:
                r.problem(Msg("member id {id!r} is used twice", id=member.id), "id")
            seen.add(member.id)
            if member.manager and member.manager not in ids:
                r.problem(f"manager {member.manager!r} is not a member", "manager")


def _tiers(r: Reader, d: dict[str, Any]) -> dict[str, TierRule]:
    section = _section(r, d, "tiers")
    tiers: dict[str, TierRule] = {}
    with r.at("tiers"):
        for name, raw in section.items():
            if name not in TIERS.keys:
                r.problem(f"unknown tier {name!r}; one of: {', '.join(TIERS.keys)}", str(name))
                continue
            with r.at(str(name)):
                rule = r.mapping(raw)
                default = DEFAULT_TIERS[name]
                tiers[name] = TierRule(
                    name,
                    r.amount(rule, "threshold") if "threshold" in rule else default.threshold,  # type: ignore[arg-type]
                    r.whole(rule, "cadence_days", default.cadence_days),
                    _flag_default(r, rule, "birthday_care", default.birthday_care),
                )
    # Highest threshold first: the order the tier review tries them in.
    return dict(sorted(tiers.items(), key=lambda item: item[1].threshold or 0, reverse=True))


def _stages(r: Reader, d: dict[str, Any]) -> dict[str, StageRule]:
    stages = dict(DEFAULT_STAGES)
    with r.at("stages"):
        for name, raw in _section(r, d, "stages").items():
            if name not in STAGES.keys:
                r.problem(f"unknown stage {name!r}; one of: {', '.join(STAGES.keys)}", str(name))
                continue
            with r.at(str(name)):
                rule = r.mapping(raw)
                default = DEFAULT_STAGES[name]
                probability = r.amount(rule, "probability")
                stale = rule.get("stale_days", default.stale_days)
                stages[name] = StageRule(
                    name,
                    default.probability if probability is None else probability,
                    tuple(r.texts(rule, "requires")) if "requires" in rule else default.requires,
                    r.whole(rule, "stale_days", 0) if stale is not None else None,
                    _forecast(r, rule, default),
                )
    return stages


def _forecast(r: Reader, rule: dict[str, Any], default: StageRule) -> str | None:
    """A stage's forecast category: one of FORECASTS (key or Chinese label); only open
    stages have one (a won deal counts as won, a lost one not at all)."""
    text = r.text(rule, "forecast")
    if text is None:
        return default.forecast
    if default.forecast is None:
        r.problem(f"stage {default.name!r} is closed: it has no forecast category", "forecast")
        return None
    try:
        return FORECASTS.parse(text)
    except UsageError:
        r.problem(f"unknown forecast category {text!r}; one of: {', '.join(FORECASTS.keys)}", "forecast")
        return default.forecast
