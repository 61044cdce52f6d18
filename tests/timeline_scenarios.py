"""Random team histories for the timeline properties (issue 17), played through the command line.

A scenario is a list of dated events: customers created, follow-ups planned, logged and done,
feedback, tier changes, owner changes, a merge of two customers, deals moving through their stages (won, lost, reopened, edited and
amended where the CLI has ``opp set`` / ``opp amend``), several of them on one day. Events are
applied in date order, ties in the order they were generated; every date is in the past
(2026-01-01 … 2026-11-30, the machine's today being later).

``build(root, events)`` plays them into a data directory. A scenario cut at a day D keeps the
events dated ≤ D: a prefix of the sorted list, so numbers and references agree with the full
history. Only the command line is used, so the tests do not depend on internal signatures.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command

from salescrm.cli.main import app
from tests.conftest import Crm, add_members

FIRST_DAY = date(2026, 1, 1)
LAST_DAY = date(2026, 11, 30)  # every event is in the past: today is 2026-12-02 or later
MANAGER = "li.na"
REPS = ("zhang.wei", "wang.fang")
AFTER_SALES = "zhao.svc"


# -- what the command line offers (introspected, so the tests run on main before and after the fix)


def _walk(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            yield from _walk(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


@functools.cache
def cli_commands() -> dict[str, Any]:
    """Every command of the CLI by its full name (``report pipeline``), as click builds it."""
    return dict(_walk(get_command(app)))


def has_command(name: str) -> bool:
    return name in cli_commands()


def takes_option(name: str, option: str) -> bool:
    """Whether command ``name`` exists and takes ``option`` (``--as-of``, ``--at``)."""
    command = cli_commands().get(name)
    return command is not None and any(option in p.opts for p in command.params)


# -- events --------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Event:
    """One command line, dated. ``@c0``, ``@c0d1``, ``@c0t2`` in ``args`` stand for the customer,
    deal or task a previous event created (its printed reference); ``name`` names what this
    event creates, if anything."""

    day: date
    user: str
    args: tuple[str, ...]
    name: str | None = None

    def __repr__(self) -> str:
        return f"{self.day} [{self.user}] salescrm {' '.join(self.args)}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis prints a failing scenario so
        printer.text(repr(self))


def ordered(events: list[Event]) -> list[Event]:
    """In date order; ties keep the order they were generated in (sorted() is stable)."""
    return sorted(events, key=lambda e: e.day)


def cut(events: list[Event], day: date) -> list[Event]:
    """The events dated on or before ``day``: a prefix of the ordered list."""
    return [e for e in ordered(events) if e.day <= day]


def describe(events: list[Event]) -> str:
    return "\n".join(repr(e) for e in ordered(events))


# -- generating them -----------------------------------------------------------------------

STEP_DAYS = st.sampled_from([0, 0, 0, 1, 2, 5, 9, 20, 45])  # many ties: moves on the same day
INDUSTRIES = ("IT服务", "制造业", "教育")
TIERS = ("VIP", "A", "B", "C")
REASONS = ("价格过高", "选择竞品", "预算不足")


@dataclass
class _Deal:
    symbol: str
    owner: str
    stage: str = "lead"
    lost_from: str = "lead"  # a lost deal reopens at the stage it was lost from
    negotiated: bool = False
    contracts: int = 0
    planned: bool = False  # its payment plan is made (once a contract)
    paid: bool = False  # money planned or received against it: it is no longer reopened


@dataclass
class _Story:
    """One customer's history as it is generated: its own day cursor, deals and open tasks."""

    index: int
    owner: str
    day: date
    artefact: Path  # a file to attach where a stage's gate asks for a document
    events: list[Event] = field(default_factory=list)
    deals: list[_Deal] = field(default_factory=list)
    open_tasks: list[str] = field(default_factory=list)
    tasks: int = 0

    @property
    def symbol(self) -> str:
        return f"@c{self.index}"

    def add(self, user: str, *args: str, name: str | None = None) -> None:
        self.events.append(Event(self.day, user, tuple(args), name))


def _at(command: str, day: date) -> tuple[str, ...]:
    """``--at DAY`` when ``command`` takes it (else the event is dated by the scenario only)."""
    return ("--at", day.isoformat()) if takes_option(command, "--at") else ()


def _customer_add(s: _Story, tier: str, industry: str) -> None:
    s.add(
        s.owner, "customer", "add", f"测试客户{s.index}有限公司", "--source", "2026年春季行业展会",
        "--contact", "王经理", "--phone", f"1380000{s.index:04d}", "--needs", "需要采购50台办公电脑",
        "--tier", tier, "--industry", industry, "--owner", s.owner, "--at", s.day.isoformat(),
        name=s.symbol,
    )  # fmt: skip


def _followup(draw: Any, s: _Story) -> None:
    kind = draw(st.sampled_from(["log", "log", "plan", "done", "feedback", "tier"]))
    if kind == "log":
        extra = ("--next", (s.day + timedelta(days=draw(st.sampled_from([3, 14])))).isoformat())
        s.add(s.owner, "followup", "log", s.symbol, "--via", "phone", "--at", s.day.isoformat(),
              "--content", "客户确认下月采购20台服务器,预算已批", *(extra if draw(st.booleans()) else ()))  # fmt: skip
    elif kind == "plan":
        due = s.day + timedelta(days=draw(st.sampled_from([0, 2, 10, 40])))
        s.tasks += 1
        task = f"{s.symbol}t{s.tasks}"
        s.add(s.owner, "followup", "plan", s.symbol, "--due", f"{due.isoformat()}T10:00", "--via", "visit",
              "--focus", "演示样机", "--goal", "确认配置", *_at("followup plan", s.day), name=task)  # fmt: skip
        s.open_tasks.append(task)
    elif kind == "done" and s.open_tasks:
        s.add(s.owner, "followup", "done", s.open_tasks.pop(0), "--note", "已演示样机,客户确认配置",
              "--at", s.day.isoformat())  # fmt: skip
    elif kind == "feedback":
        s.add(AFTER_SALES, "feedback", "add", s.symbol, "--content", "两台电脑屏幕闪烁,已换货",
              "--at", s.day.isoformat())  # fmt: skip
    elif kind == "tier":
        tier = draw(st.sampled_from(TIERS))
        s.add(MANAGER, "customer", "set", s.symbol, f"tier={tier}", *_at("customer set", s.day))


def _new_deal(draw: Any, s: _Story) -> None:
    deal = _Deal(f"{s.symbol}d{len(s.deals) + 1}", draw(st.sampled_from(REPS)))
    s.deals.append(deal)
    amount = draw(st.sampled_from(["8000", "50000", "120000", "600000"]))
    close = s.day + timedelta(days=draw(st.sampled_from([10, 60, 200])))
    chance = ("--probability", "40") if draw(st.booleans()) else ()
    s.add(s.owner, "opp", "add", s.symbol, "--name", f"设备采购{deal.symbol[1:]}", "--amount", amount,
          "--close", close.isoformat(), "--owner", deal.owner, "--at", s.day.isoformat(), *chance,
          name=deal.symbol)  # fmt: skip


FORWARD = {"lead": "needs_analysis", "needs_analysis": "proposal", "proposal": "negotiation"}
ARTEFACT_TO_LEAVE = {"needs_analysis": "needs_report", "proposal": "proposal"}


def _choices(deal: _Deal) -> list[str]:
    """The moves ``deal`` allows in its stage, the likelier ones more than once."""
    if deal.stage in ("won", "lost"):
        amend = deal.stage == "won" and has_command("opp amend") and not deal.planned  # below a plan: refused
        pay = deal.stage == "won" and has_command("pay receive")
        money = [*([] if deal.planned else ["plan", "plan"]), "receive", "receive"]
        reopen = [] if deal.paid else ["reopen"]
        return [*reopen, *(["amend", "amend"] if amend else []), *(money if pay else [])]
    if deal.stage == "negotiation":
        choices = ["won", "won", "won", "lost"] if deal.negotiated else ["negotiate"]
    else:
        choices = ["forward", "forward", "forward", "forward", "lost"]
    if deal.stage != "lead":
        choices.append("back")
    if has_command("opp set"):
        choices.append("set")
    return choices


def _forward(draw: Any, s: _Story, deal: _Deal) -> None:
    target = FORWARD[deal.stage]
    needed = ARTEFACT_TO_LEAVE.get(deal.stage)
    attach = ("--artefact", f"{needed}={s.artefact}") if needed else ()
    chance = ("--probability", "60") if draw(st.integers(0, 3)) == 0 else ()  # a judgement for this stage
    s.add(deal.owner, "opp", "stage", deal.symbol, target, *attach, *chance, "--at", s.day.isoformat())
    deal.stage = target
    if target == "negotiation" and not deal.negotiated and draw(st.integers(0, 3)):
        _negotiate(draw, s, deal)  # most deals record their negotiation on the day they reach it


def _back(draw: Any, s: _Story, deal: _Deal) -> None:
    target = "lead" if deal.stage == "needs_analysis" else "needs_analysis"
    s.add(
        deal.owner, "opp", "stage", deal.symbol, target, "--reason", "客户需求变更", "--at", s.day.isoformat()
    )
    deal.stage = target


def _negotiate(draw: Any, s: _Story, deal: _Deal) -> None:
    s.add(deal.owner, "opp", "negotiate", deal.symbol, "--decision-maker", "李总", "--competitor", "竞品X")
    deal.negotiated = True


def _won(draw: Any, s: _Story, deal: _Deal) -> None:
    deal.contracts += 1
    amount = draw(st.sampled_from(["9000", "48000", "110000", "520000"]))
    s.add(deal.owner, "opp", "won", deal.symbol, "--contract", f"HT-{deal.symbol[1:]}-{deal.contracts}",
          "--amount", amount, "--payment-terms", "30%预付,验收后30天付清", "--signed", s.day.isoformat())  # fmt: skip
    deal.stage = "won"
    deal.planned = False
    if has_command("pay plan") and draw(st.integers(0, 2)):  # most plans are made the day the deal is won
        _plan(draw, s, deal)


def _plan(draw: Any, s: _Story, deal: _Deal) -> None:
    split = draw(st.sampled_from(["30%@signed,70%@+30d", "100%@+10d", "50%@signed,50%@+60d"]))
    s.add(deal.owner, "pay", "plan", deal.symbol, "--split", split, "--at", s.day.isoformat())
    deal.planned = deal.paid = True
    if draw(st.booleans()):  # the first money often comes on the day the plan is made
        _receive(draw, s, deal)


def _receive(draw: Any, s: _Story, deal: _Deal) -> None:
    amount = draw(st.sampled_from(["1000", "2700"]))  # never more than a contract owes, but to be sure:
    s.add(deal.owner, "pay", "receive", deal.symbol, "--amount", amount, "--at", s.day.isoformat(),
          "--overpay", "--reason", "客户预付")  # fmt: skip
    deal.paid = True


def _lost(draw: Any, s: _Story, deal: _Deal) -> None:
    reason = draw(st.sampled_from(REASONS))
    s.add(deal.owner, "opp", "lost", deal.symbol, "--reason", reason, "--at", s.day.isoformat())
    deal.lost_from, deal.stage = deal.stage, "lost"


def _reopen(draw: Any, s: _Story, deal: _Deal) -> None:
    s.add(deal.owner, "opp", "reopen", deal.symbol, "--reason", "客户重新启动采购", "--at", s.day.isoformat())
    deal.stage = "negotiation" if deal.stage == "won" else deal.lost_from


def _set(draw: Any, s: _Story, deal: _Deal) -> None:
    change = draw(st.sampled_from(["amount=90000", "probability=80", "close=2026-12-31", "owner=wang.fang"]))
    s.add(deal.owner, "opp", "set", deal.symbol, change, "--at", s.day.isoformat())
    if change.startswith("owner="):
        deal.owner = change.removeprefix("owner=")


def _amend(draw: Any, s: _Story, deal: _Deal) -> None:
    amount = draw(st.sampled_from(["47000", "130000"]))
    s.add(MANAGER, "opp", "amend", deal.symbol, "--amount", amount, "--reason", "合同金额更正",
          "--at", s.day.isoformat())  # fmt: skip


MOVES = {
    "forward": _forward, "back": _back, "negotiate": _negotiate, "won": _won, "lost": _lost,
    "reopen": _reopen, "set": _set, "amend": _amend, "plan": _plan, "receive": _receive,
}  # fmt: skip


def _deal_step(draw: Any, s: _Story, deal: _Deal) -> None:
    """One valid next move of ``deal``, drawn from what its stage allows."""
    MOVES[draw(st.sampled_from(_choices(deal)))](draw, s, deal)


@st.composite
def _story(draw: Any, index: int, artefact: Path) -> list[Event]:
    created = draw(st.dates(FIRST_DAY, date(2026, 10, 31)))
    story = _Story(index, draw(st.sampled_from(REPS)), created, artefact)
    _customer_add(story, draw(st.sampled_from(TIERS)), draw(st.sampled_from(INDUSTRIES)))
    for _ in range(draw(st.integers(0, 16))):
        story.day += timedelta(days=draw(STEP_DAYS))
        if story.day > LAST_DAY:
            break
        kind = draw(st.sampled_from(["deal", "deal", "deal", "deal", "followup"]))
        if kind == "followup":
            _followup(draw, story)
        elif not story.deals or draw(st.integers(0, 7)) == 0:
            _new_deal(draw, story)
        else:
            deal = draw(st.sampled_from(story.deals))
            _deal_step(draw, story, deal)
    _owner_change(draw, story)
    return story.events


def _owner_change(draw: Any, s: _Story) -> None:
    """The story may end with the customer released to the pool (and claimed by the other
    rep) or transferred by the manager: recorded when played (today, after every cut), so
    "as of" any day undoes them, with the tasks they cancelled and the deals they moved."""
    ending = draw(st.sampled_from(["", "", "release", "claim", "transfer"]))
    other = REPS[1 - REPS.index(s.owner)]
    if ending in ("release", "claim") and has_command("pool release"):
        s.add(s.owner, "pool", "release", s.symbol, "--reason", "客户暂无采购计划")
        if ending == "claim":
            s.add(other, "pool", "claim", s.symbol)
    elif ending == "transfer" and has_command("customer transfer"):
        s.add(MANAGER, "customer", "transfer", s.symbol, "--to", other, "--reason", "区域调整")


@st.composite
def scenarios(draw: Any, artefact: Path) -> list[Event]:
    """A few customers' histories, merged in date order (ties: generation order)."""
    events: list[Event] = []
    stories = draw(st.integers(1, 3))
    for index in range(stories):
        events += draw(_story(index, artefact))
    if stories > 1 and has_command("customer merge") and draw(st.integers(0, 2)) == 0:
        # the manager merges the second customer into the first: recorded when played (today),
        # so "as of" any day before shows the two apart, each with its own records
        last = max(e.day for e in events)
        events.append(Event(last, MANAGER, ("customer", "merge", "@c0", "@c1")))
    return ordered(events)


@st.composite
def scenario_and_cut(draw: Any, artefact: Path) -> tuple[list[Event], date]:
    """A scenario and a cut day D drawn from its event days (or the day before one)."""
    events = draw(scenarios(artefact))
    day = draw(st.sampled_from(sorted({e.day for e in events})))
    if draw(st.integers(0, 3)) == 0:
        day -= timedelta(days=1)
    return events, day


# -- playing them --------------------------------------------------------------------------


def new_team(root: Path) -> Crm:
    """A data directory (no git) with the conftest team: a manager, two reps, after-sales."""
    crm = Crm(root)
    crm.ok(["init", str(root), "--team", "测试团队", "--no-git"], user=None)
    add_members(crm)
    return crm


def play(crm: Crm, events: list[Event], names: dict[str, str]) -> None:
    """Run ``events`` in order, each as its own member; ``names`` maps ``@…`` to references."""
    for event in events:
        args = [names.get(a, a) for a in event.args]
        result = crm(args, user=event.user)
        assert result.exit_code == 0, f"scenario step failed ({result.exit_code}): {event}\n{result.stderr}"
        if event.name:
            names[event.name] = result.stdout.strip()


@dataclass
class Histories:
    """The same team twice: ``full`` with every event, ``cut`` with those dated ≤ ``day``."""

    full: Crm
    cut: Crm
    day: date


class Builder:
    """Builds (and remembers, per scenario and cut) the two data directories a test compares."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = new_team(folder / "template").root
        self.artefact = folder / "需求调研报告.pdf"
        self.artefact.write_bytes(b"%PDF-1.4 report\n")
        self.built: dict[tuple[tuple[Event, ...], date], Histories] = {}

    def histories(self, events: list[Event], day: date) -> Histories:
        key = (tuple(events), day)
        if key not in self.built:
            self.built[key] = self._build(events, day)
        return self.built[key]

    def _build(self, events: list[Event], day: date) -> Histories:
        number = len(self.built)
        cut_root = self.folder / f"cut{number}"
        full_root = self.folder / f"full{number}"
        shutil.copytree(self.template, cut_root)
        names: dict[str, str] = {}
        before = cut(events, day)
        play(Crm(cut_root), before, names)
        # The full history is the cut one plus what came after: copying keeps every byte the two
        # share (a task's creation minute, say) the same.
        shutil.copytree(cut_root, full_root)
        play(Crm(full_root), ordered(events)[len(before) :], names)
        return Histories(Crm(full_root, user=MANAGER), Crm(cut_root, user=MANAGER), day)


@contextlib.contextmanager
def isolated_builder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builder]:
    """A Builder for a test module, its commands run under a temporary home (as conftest's
    autouse fixture does for each test): the template team is made once per module."""
    home = tmp_path_factory.mktemp("builder-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        env.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        env.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        yield Builder(tmp_path_factory.mktemp("timeline"))


# A modest, reproducible run: derandomized, so CI and every test draw the same scenarios (and a
# scenario built for one test is reused by the next through Builder's memory).
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def each_scenario(builder: Builder, check: Callable[[Histories, list[Event]], None]) -> None:
    """Run ``check`` on the histories of every drawn scenario and cut day; hypothesis shrinks
    a failing one to a small scenario."""

    @PROPERTY
    @given(scenario_and_cut(builder.artefact))
    def run(drawn: tuple[list[Event], date]) -> None:
        events, day = drawn
        check(builder.histories(events, day), events)

    run()
