"""Changing a deal after the fact: ``opp set`` on an open deal, ``opp amend`` on a won one.

Each change is dated in the record (core/timeline.py), so that "as of" a day before it
still answers what was known then. A correction of a won deal's contract (``amend``) is
kept with the contract and does not move the win in time: the deal stays won on its
signed date, last month stays last month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.config import Config
from salescrm.core.errors import ConflictError, Msg, UsageError
from salescrm.core.labels import CLOSED_STAGES, FORECASTS
from salescrm.core.model import Opportunity
from salescrm.core.parse import When, as_datetime, day_of, parse_amount, parse_date, parse_percent, parse_text
from salescrm.core.stages import contract_key, parse_contract_number, stage_name
from salescrm.core.timeline import check_deal_order, record, refuse_before, refuse_future


def _parsers(config: Config, opened: date) -> dict[str, Callable[[str], Any]]:
    """How ``opp set`` reads each field it can change."""

    def close(text: str) -> date:
        day = parse_date(text, what="close date")
        refuse_before(day, opened, Msg("close date"), Msg("the deal"))
        return day

    return {
        "amount": lambda text: parse_amount(text),
        "close": close,
        "probability": lambda text: None if text.strip().lower() in ("", "default") else parse_percent(text),
        "owner": lambda text: config.member(text.strip()).id,
        "name": lambda text: parse_text(text, "name", 200),
        "forecast": lambda text: None if text.strip().lower() in ("", "default") else FORECASTS.parse(text),
    }


SETTABLE = ("amount", "close", "probability", "owner", "name", "forecast")


def set_fields(
    o: Opportunity, ref: str, assignments: list[str], by: str, at: When, config: Config
) -> list[str]:
    """Apply ``FIELD=VALUE`` assignments to an open deal at ``at``; returns the fields changed."""
    if o.stage in CLOSED_STAGES:
        raise UsageError(
            Msg(
                "{ref} is closed ({stage_name}); opp set changes open deals",
                ref=ref,
                stage_name=stage_name(o.stage),
            ),
            hint=Msg("correct a won deal's contract with: salescrm opp amend {ref} … --reason TEXT", ref=ref),
        )
    if not assignments:
        raise UsageError(
            Msg("nothing to set"),
            hint=Msg("e.g. salescrm opp set {ref} amount=260000 close=2026-12-31", ref=ref),
        )
    check_deal_order(o, ref, at)
    parsers = _parsers(config, o.created or day_of(at))
    values: dict[str, Any] = {}
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep:
            raise UsageError(
                Msg("bad assignment {assignment!r}", assignment=assignment),
                hint=Msg("write FIELD=VALUE, e.g. amount=260000"),
            )
        if name not in parsers:
            raise UsageError(
                Msg("field {name!r} cannot be set on a deal", name=name),
                hint=Msg("settable: {names}", names=", ".join(SETTABLE)),
            )
        values[name] = parsers[name](text)
    return [name for name, value in values.items() if record(o.changes, o, name, value, at, by)]


@dataclass(frozen=True)
class Amendment:
    """What ``opp amend`` corrects of a won deal's contract (None: unchanged)."""

    reason: str
    amount: Decimal | None = None
    number: str | None = None
    payment_terms: str | None = None
    signed: date | None = None


def amend(
    o: Opportunity,
    ref: str,
    change: Amendment,
    by: str,
    at: When,
    may_amend: bool,
    taken: dict[str, str],
) -> list[str]:
    """Correct a won deal's contract at ``at``, keeping each correction with the contract;
    returns the fields changed. Only the deal's owner or a manager (``may_amend``) may."""
    if o.stage != "won" or o.contract is None:
        raise UsageError(
            Msg(
                "{ref} is not won ({stage_name}); opp amend corrects a won deal's contract",
                ref=ref,
                stage_name=stage_name(o.stage),
            ),
            hint=Msg("change an open deal with: salescrm opp set {ref} FIELD=VALUE", ref=ref),
        )
    if not may_amend:
        raise UsageError(
            Msg(
                "only {owner} (the deal's owner) or a manager may amend {ref}; {by} is neither",
                owner=o.owner,
                ref=ref,
                by=by,
            )
        )
    reason = parse_text(change.reason, "--reason", 500)
    number = parse_contract_number(change.number) if change.number is not None else None
    values: dict[str, Any] = {
        "amount": change.amount,
        "number": number,
        "payment_terms": parse_text(change.payment_terms, "--payment-terms", 500)
        if change.payment_terms is not None
        else None,
        "signed": change.signed,
    }
    values = {name: value for name, value in values.items() if value is not None}
    if not values:
        raise UsageError(
            Msg("nothing to amend"), hint=Msg("give --amount, --contract, --payment-terms or --signed")
        )
    check_deal_order(o, ref, at)
    if change.signed is not None:
        refuse_future(change.signed, as_datetime(at), "--signed date")
        if o.created:
            refuse_before(change.signed, o.created, "--signed date", ref)
    holder = taken.get(contract_key(number)) if number is not None else None
    if holder and holder != ref:
        raise ConflictError(
            Msg("contract number {number} is already used by {holder}", number=number, holder=holder)
        )
    contract = o.contract
    return [n for n, v in values.items() if record(contract.amendments, contract, n, v, at, by, reason)]
