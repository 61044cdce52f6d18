"""The pipeline state machine: lead → needs_analysis → proposal → negotiation → won | lost.

Each stage has a gate: what must be present before the stage can be left
(``config.stages[stage].requires``). A name there is an artefact (a file such as
``needs_report`` in ``opportunity.artefacts``), except ``decision_makers`` and
``competitors``, which refer to the negotiation record. Every function here
changes the Opportunity it is given, or raises a CrmError and changes nothing;
the caller saves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from salescrm.core.causes import Cause
from salescrm.core.config import Config
from salescrm.core.errors import ConflictError, Msg, Term, UsageError
from salescrm.core.labels import CLOSED_STAGES, OPEN_STAGES, STAGES
from salescrm.core.model import Contract, Opportunity, StageMove
from salescrm.core.parse import parse_text
from salescrm.core.timeline import check_deal_order, latest_deal_event, record, refuse_before

if TYPE_CHECKING:
    from salescrm.core.dealrows import DealRows

# Gate names that refer to the negotiation record, with the option that fills them.
NEGOTIATION_ITEMS = {
    "decision_makers": ("决策人", "--decision-maker NAME"),
    "competitors": ("竞争对手", "--competitor NAME"),
}


def stage_name(stage: str) -> Term:
    """``proposal (方案制定)``: how errors name a stage (方案制定 in zh)."""
    return Term("stage", stage, f"{stage} ({STAGES.label(stage, 'zh')})")


# -- gates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """One thing a gate lacks, and the option that supplies it."""

    name: str
    label: str
    option: str

    @property
    def is_negotiation(self) -> bool:
        return self.name in NEGOTIATION_ITEMS

    def __str__(self) -> str:
        return f"{self.name} ({self.label}; give {self.option})"


def missing_to_leave(o: Opportunity, stage: str, config: Config) -> list[Missing]:
    """What ``o`` still lacks before it may leave ``stage``."""
    rule = config.stages.get(stage)
    missing = []
    for name in rule.requires if rule else ():
        if name in NEGOTIATION_ITEMS:
            label, option = NEGOTIATION_ITEMS[name]
            if not getattr(o.negotiation, name):
                missing.append(Missing(name, label, option))
        elif name not in o.artefacts:
            missing.append(Missing(name, config.artefacts.get(name, name), f"--artefact {name}=FILE"))
    return missing


def check_gate(o: Opportunity, ref: str, config: Config, command: str) -> None:
    """Refuse to leave the current stage while its gate is not met, naming each gap.

    ``command`` is the command line that was refused, for the hint.
    """
    missing = missing_to_leave(o, o.stage, config)
    if not missing:
        return
    files = [m.option for m in missing if not m.is_negotiation]
    talks = [m.option for m in missing if m.is_negotiation]
    hints = []
    if files:
        hints.append(f"attach on the way: {command} {' '.join(files)}")
    if talks:
        hints.append(f"record them first: salescrm opp negotiate {ref} {' '.join(talks)}")
    raise UsageError(
        Msg(
            "{ref} cannot leave {stage_name}: missing {names}",
            ref=ref,
            stage_name=stage_name(o.stage),
            names=", ".join(str(m) for m in missing),
        ),
        hint="; ".join(hints),
    )


def artefact_names(config: Config) -> list[str]:
    """Every artefact a gate can ask for: the configured ones and any other named by a stage."""
    names = dict.fromkeys(config.artefacts)
    for rule in config.stages.values():
        names.update(dict.fromkeys(n for n in rule.requires if n not in NEGOTIATION_ITEMS))
    return list(names)


def parse_artefact_name(text: str, config: Config) -> str:
    """An artefact name from its key or its label (``needs_report`` or ``客户需求调研报告``)."""
    wanted = unicodedata.normalize("NFKC", text).strip()
    for name in artefact_names(config):
        if wanted.lower() == name.lower() or wanted == config.artefacts.get(name):
            return name
    known = ", ".join(
        f"{n} ({config.artefacts[n]})" if n in config.artefacts else n for n in artefact_names(config)
    )
    raise UsageError(Msg("unknown artefact {text!r}", text=text), hint=Msg("artefacts: {known}", known=known))


# -- moves ---------------------------------------------------------------------------


def refuse_closed(o: Opportunity, ref: str) -> None:
    if o.stage in CLOSED_STAGES:
        raise UsageError(
            Msg("{ref} is closed ({stage_name}); it cannot change", ref=ref, stage_name=stage_name(o.stage)),
            hint=Msg("reopen it first: salescrm opp reopen {ref} --reason TEXT", ref=ref),
        )


def check_date(o: Opportunity, ref: str, at: date) -> None:
    """A move happens on or after the deal's last event and not before the deal was opened
    (the command line has refused a moment in the future: core/timeline.refuse_future)."""
    if o.created:
        refuse_before(at, o.created, Msg("date"), ref)
    check_deal_order(o, ref, at)


def _set_probability(o: Opportunity, chance: Decimal | None, at: date, by: str) -> None:
    """A move resets the deal's own probability: dated, so that "as of" before it undoes it."""
    record(o.changes, o, "probability", chance, at, by)


@dataclass(frozen=True)
class Move:
    """What ``opp stage`` asks for."""

    target: str
    by: str
    at: date
    note: str | None = None
    reason: str | None = None
    force: bool = False
    is_manager: bool = False
    probability: Decimal | None = None


def move_stage(o: Opportunity, ref: str, move: Move, config: Config) -> None:
    """One step forward through a met gate, any steps back with a reason, or a
    manager's forced skip with a reason (the current stage's gate still applies:
    stages skipped were never entered, so their gates do not)."""
    refuse_closed(o, ref)
    if move.target in CLOSED_STAGES:
        command = "won OPP --contract NUMBER …" if move.target == "won" else "lost OPP --reason REASON"
        raise UsageError(
            Msg("{ref} is closed with its own command", ref=ref),
            hint=Msg("use: salescrm opp {command}", command=command),
        )
    if move.force and not move.is_manager:
        raise UsageError(Msg("only a manager may --force a move; {by} is not one", by=move.by))
    here, there = OPEN_STAGES.index(o.stage), OPEN_STAGES.index(move.target)
    if there == here:
        raise UsageError(Msg("{ref} is already in {stage_name}", ref=ref, stage_name=stage_name(o.stage)))
    notes = [move.reason, move.note]
    if there < here and not move.reason:
        raise UsageError(
            Msg(
                "moving {ref} back from {stage} to {target} needs a reason",
                ref=ref,
                stage=Term("stage", o.stage),
                target=Term("stage", move.target),
            ),
            hint=Msg("salescrm opp stage {ref} {target} --reason TEXT", ref=ref, target=move.target),
        )
    if there > here + 1:
        if not (move.force and move.reason):
            raise UsageError(
                Msg(
                    "{ref} cannot skip from {stage} to {target}; the next stage is {item}",
                    ref=ref,
                    stage=Term("stage", o.stage),
                    target=Term("stage", move.target),
                    item=Term("stage", OPEN_STAGES[here + 1]),
                ),
                hint=Msg("move one stage at a time; a manager may skip with --force --reason TEXT"),
            )
        notes.insert(0, "skipped " + ", ".join(OPEN_STAGES[here + 1 : there]))
    if there > here:
        check_gate(o, ref, config, f"salescrm opp stage {ref} {move.target}")
    check_date(o, ref, move.at)
    o.stage = move.target
    _set_probability(o, move.probability, move.at, move.by)  # an override judges one stage
    o.stage_history.append(StageMove(move.target, move.at, move.by, _joined(notes)))


def _joined(notes: list[str | None]) -> str | None:
    return "; ".join(n for n in notes if n) or None


# -- won -------------------------------------------------------------------------------

# Letters (Chinese too: 合同, 第, 号), digits, - / . # and the brackets Chinese contract numbers
# use: HT〔2026〕101号, HT-2026-101, 合同2026第101号. Checked after width normalising (ＨＴ is HT).
_CONTRACT_NUMBER = re.compile(r"^\w[\w\-/.#()\[\]〔〕【】〖〗［］（）]{0,49}$")
# Brackets that are one number's same bracket written another way (after NFKC: （ is already ().
_BRACKETS = str.maketrans("〔【〖［[〕】〗］]", "((((()))))")


def parse_contract_number(text: str) -> str:
    """A contract number as the team writes it, trimmed (HT〔2026〕101号 stays so)."""
    value = (text or "").strip()
    if not _CONTRACT_NUMBER.match(unicodedata.normalize("NFKC", value)):
        raise UsageError(
            Msg("bad contract number {text!r}", text=text),
            hint=Msg(
                "a letter or digit first, then letters, digits, brackets and - / . # (at most "
                "50), e.g. HT-2024-031 or HT〔2026〕101号"
            ),
        )
    return value


def contract_key(number: str) -> str:
    """Contract numbers compare without case, width or bracket style: HT-2024-031 and
    ht-2024-031 are one, and so are HT〔2026〕101号, HT[2026]101号 and ＨＴ（2026）101号."""
    return unicodedata.normalize("NFKC", number).translate(_BRACKETS).casefold()


def taken_contracts(customers: Iterable[DealRows]) -> dict[str, str]:
    """Every contract number in use (as ``contract_key``) → the opportunity holding it, from
    each customer's deal rows (``core/dealrows.rows_of``: a write reads them from the index,
    not every customer's record)."""
    taken: dict[str, str] = {}
    for customer in customers:
        for deal in customer.deals:
            if deal.contract:
                taken.setdefault(contract_key(deal.contract), f"{customer.id}-{deal.id}")
    return taken


def win(o: Opportunity, ref: str, contract: Contract, by: str, taken: dict[str, str], config: Config) -> None:
    """Close ``o`` as won with ``contract``: only from negotiation, with its gate met,
    and with a contract number no other opportunity holds."""
    refuse_closed(o, ref)
    if o.stage != "negotiation":
        raise UsageError(
            Msg(
                "{ref} is in {stage_name}; only a deal in negotiation (商务谈判) can be won",
                ref=ref,
                stage_name=stage_name(o.stage),
            ),
            hint=Msg("move it on first: salescrm opp stage {ref} NEXT-STAGE", ref=ref),
        )
    check_gate(o, ref, config, f"salescrm opp won {ref}")
    holder = taken.get(contract_key(contract.number))
    if holder:
        raise ConflictError(
            Msg(
                "contract number {number} is already used by {holder}", number=contract.number, holder=holder
            ),
            hint=Msg("a contract number is used once in the whole data directory"),
        )
    day = _win_day(o, ref, contract.signed)
    o.stage = "won"
    o.contract = contract
    _set_probability(o, None, day, by)
    o.stage_history.append(StageMove("won", day, by, Cause("contract", {"number": contract.number})))


def _win_day(o: Opportunity, ref: str, signed: date) -> date:
    """The day the win counts from. A deal reopened to be won again may carry its true signed
    date back to the close that was reopened (the reopen's cause); its move is then dated
    with the reopen, so that what was true before the reopen stays true."""
    latest = latest_deal_event(o, annotations=False)
    moves = o.stage_history
    reopened = len(moves) >= 2 and moves[-2].stage in CLOSED_STAGES and moves[-1].stage in OPEN_STAGES
    if latest is not None and signed < latest and reopened and signed >= moves[-2].at:
        if o.created:
            refuse_before(signed, o.created, "--signed date", ref)
        return latest
    check_date(o, ref, signed)
    return signed


# -- lost ------------------------------------------------------------------------------


def loss_reason(reason: str | None, other: str | None, config: Config) -> str:
    """One of the configured loss reasons, or the free text of ``--other``."""
    choices = ", ".join(config.loss_reasons)
    if reason and other:
        raise UsageError(Msg("give --reason or --other, not both"))
    if other:
        return parse_text(other, "--other reason", 200)
    if not reason or not reason.strip():
        raise UsageError(
            Msg("a lost deal needs its reason: --reason REASON or --other TEXT"),
            hint=Msg("reasons: {choices}", choices=choices),
        )
    wanted = unicodedata.normalize("NFKC", reason).strip().casefold()
    for known in config.loss_reasons:
        if unicodedata.normalize("NFKC", known).casefold() == wanted:
            return known
    raise UsageError(
        Msg("unknown loss reason {reason!r}", reason=reason),
        hint=Msg("reasons: {choices}; or give --other TEXT", choices=choices),
    )


@dataclass(frozen=True)
class Loss:
    """What ``opp lost`` records."""

    reason: str
    by: str
    at: date
    competitor: str | None = None
    note: str | None = None


def lose(o: Opportunity, ref: str, loss: Loss) -> None:
    """Close ``o`` as lost, from any open stage."""
    refuse_closed(o, ref)
    check_date(o, ref, loss.at)
    o.stage = "lost"
    o.lost_reason = loss.reason
    o.lost_note = loss.note
    o.lost_to = loss.competitor
    if loss.competitor and loss.competitor not in o.negotiation.competitors:
        competitors = [*o.negotiation.competitors, loss.competitor]
        record(o.changes, o, "negotiation.competitors", competitors, loss.at, loss.by)
    _set_probability(o, None, loss.at, loss.by)
    o.stage_history.append(StageMove("lost", loss.at, loss.by, _joined([loss.reason, loss.note])))


# -- reopen ----------------------------------------------------------------------------


def reopen(o: Opportunity, ref: str, reason: str, by: str, at: date) -> str:
    """Bring a closed deal back to the open stage it was closed from; returns that stage.

    The contract or loss moves from the deal to the move that closed it: the deal holds
    neither while open, and "as of" a day it stood closed still finds them there.
    """
    if o.stage not in CLOSED_STAGES:
        raise UsageError(
            Msg(
                "{ref} is open ({stage_name}); only a won or lost deal can be reopened",
                ref=ref,
                stage_name=stage_name(o.stage),
            )
        )
    if o.plan or o.receipts:  # the money stays with the contract it was planned and paid against
        raise UsageError(
            Msg(
                "{ref} has a payment plan or receipts; a won deal with money against it is not reopened",
                ref=ref,
            ),
            hint=Msg("a manager corrects the contract: salescrm opp amend {ref} … --reason R", ref=ref),
        )
    check_date(o, ref, at)
    if o.stage_history and o.stage_history[-1].stage == o.stage:
        closing = o.stage_history[-1]
        closing.contract = o.contract
        closing.lost_reason, closing.lost_note, closing.lost_to = o.lost_reason, o.lost_note, o.lost_to
    opened = [m.stage for m in o.stage_history if m.stage in OPEN_STAGES]
    back_to = opened[-1] if opened else ("negotiation" if o.stage == "won" else "lead")
    was = (
        {"was": "won", "contract": o.contract.number}
        if o.contract
        else {"was": "lost", "reason": o.lost_reason}
    )
    o.stage = back_to
    o.contract = None
    o.lost_reason = o.lost_note = o.lost_to = None
    o.stage_history.append(StageMove(back_to, at, by, Cause("reopened", was, note=reason)))
    return back_to
