"""Customer ⇄ plain data (the dicts and lists YAML reads and writes).

Output is normalised so that ``git diff`` shows only real changes: a fixed key
order, sorted unique tags, optional values left out, amounts as exact decimals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salescrm.core.causes import Cause
from salescrm.core.errors import Msg, Problem
from salescrm.core.model import (
    Change,
    Contact,
    Contract,
    Customer,
    Feedback,
    FollowUp,
    Installment,
    LostClaim,
    MergedCustomer,
    Negotiation,
    Opportunity,
    Receipt,
    StageMove,
    Task,
    TierChange,
)
from salescrm.core.parse import format_when
from salescrm.core.schema import Reader

FORMAT = 1
CUSTOMER_KEYS = [
    "id",
    "name",
    "credit_code",
    "industry",
    "size",
    "source",
    "tags",
    "tier",
    "tier_pinned",
    "owner",
    "created",
    "first_contact",
    "needs",
    "archived",
    "aliases",
    "contacts",
    "tier_history",
    "tasks",
    "followups",
    "opportunities",
    "feedback",
    "changes",
    "lost_claims",
    "merged",
]

# The kind of value each field a Change records holds (of a customer, a deal, a contract).
CHANGE_KINDS = {
    "owner": "text",
    "archived": "flag",
    "aliases": "texts",  # customer merge: the numbers merged in
    "industry": "text",  # customer merge: what KEEP lacked, filled from DROP
    "size": "text",
    "credit_code": "text",
    "first_contact": "day",
    "name": "text",
    "amount": "amount",
    "close": "day",
    "probability": "amount",
    "number": "text",
    "payment_terms": "text",
    "signed": "day",
    "artefacts.": "text",  # artefacts.needs_report: the file attached
    "negotiation.": "texts",  # negotiation.competitors: the list after the change
    "forecast": "text",
    "due": "day",  # of a plan line
    "note": "text",
    "plan": "text",  # the plan line a receipt pays
    "ref": "text",
}


# -- reading -------------------------------------------------------------------


def customer_from_data(data: Any, file: str) -> tuple[Customer | None, list[Problem]]:
    """The customer in ``data``, or None when an error makes it unusable; all problems."""
    reader = Reader(file)
    document = reader.mapping(data, Msg("a customer mapping"))
    if not document:
        return None, reader.problems
    customer = _customer(reader, document)
    return (None if reader.errors else customer), reader.problems


def _customer(r: Reader, d: dict[str, Any]) -> Customer:
    return Customer(
        id=r.required_text(d, "id"),
        name=r.required_text(d, "name"),
        source=r.required_text(d, "source"),
        needs=r.required_text(d, "needs"),
        owner=_owner(r, d),
        created=r.day(d, "created", required=True) or date.min,
        tier=r.text(d, "tier") or "C",
        tier_pinned=r.flag(d, "tier_pinned"),
        industry=r.text(d, "industry"),
        size=r.text(d, "size"),
        tags=r.texts(d, "tags"),
        first_contact=r.day(d, "first_contact"),
        archived=r.flag(d, "archived"),
        credit_code=r.text(d, "credit_code"),
        aliases=r.texts(d, "aliases"),
        contacts=r.items(d, "contacts", lambda c: _contact(r, c)),
        tier_history=r.items(d, "tier_history", lambda c: _tier_change(r, c)),
        tasks=r.items(d, "tasks", lambda t: _task(r, t)),
        followups=r.items(d, "followups", lambda f: _followup(r, f)),
        opportunities=r.items(d, "opportunities", lambda o: _opportunity(r, o)),
        feedback=r.items(d, "feedback", lambda b: _feedback(r, b)),
        changes=_changes(r, d),
        lost_claims=r.items(d, "lost_claims", lambda c: _lost_claim(r, c)),
        merged=r.items(d, "merged", lambda m: _merged(r, m)),
        extra=r.unknown_keys(d, set(CUSTOMER_KEYS)),
    )


def _owner(r: Reader, d: dict[str, Any]) -> str:
    """The owner; ``owner: null`` is a customer in the pool (""), a missing key an error."""
    if "owner" not in d:
        r.problem(Msg("is required (owner: null for a customer in the pool)"), "owner")
    return r.text(d, "owner") or ""


def _lost_claim(r: Reader, d: dict[str, Any]) -> LostClaim:
    r.unknown_keys(d, {"at", "by", "winner", "won_at"})
    return LostClaim(
        at=r.when(d, "at", required=True) or date.min,
        by=r.required_text(d, "by"),
        winner=r.required_text(d, "winner"),
        won_at=r.when(d, "won_at", required=True) or date.min,
    )


def _merged(r: Reader, d: dict[str, Any]) -> MergedCustomer:
    r.unknown_keys(d, {"at", "by", "customer", "records", "contacts_before"})
    records = r.mapping(d.get("records") or {}, "a mapping of record ids")
    return MergedCustomer(
        at=r.when(d, "at", required=True) or date.min,
        by=r.required_text(d, "by"),
        customer=_customer(r, r.mapping(d.get("customer"), "the merged customer")),
        records={str(k): str(v) for k, v in records.items()},
        contacts_before=r.items(d, "contacts_before", lambda c: _contact(r, c)),
    )


def _changes(r: Reader, d: dict[str, Any]) -> list[Change]:
    return r.items(d, "changes", lambda c: _change(r, c))


def _change(r: Reader, d: dict[str, Any]) -> Change:
    r.unknown_keys(d, {"at", "by", "field", "from", "to", "cause", "reason"})
    name = r.required_text(d, "field")
    kind = CHANGE_KINDS.get(name.partition(".")[0] + "." if "." in name else name)
    if kind is None:
        r.problem(Msg("unknown field {name!r} in a change", name=name), "field")
    readers: dict[str, Callable[[dict[str, Any], str], Any]] = {
        "text": r.text, "amount": r.amount, "day": r.day, "flag": r.flag, "texts": r.texts,
    }  # fmt: skip
    read = readers[kind or "text"]
    old, new = read(d, "from"), read(d, "to")
    if name == "owner":  # null: the pool
        old, new = old or "", new or ""
    return Change(
        at=r.when(d, "at", required=True) or date.min,
        by=r.required_text(d, "by"),
        field=name,
        old=old,
        new=new,
        reason=_noted(r, d, "reason"),
    )


def _noted(r: Reader, d: dict[str, Any], key: str) -> str | None:
    """The note at ``key``; with a ``cause:`` beside it, the event and that note (core/causes.py)."""
    text = r.text(d, key)
    if d.get("cause") is None:
        return text
    with r.at("cause"):
        facts = r.mapping(d["cause"], Msg("a mapping with a kind"))
        kind = r.required_text(facts, "kind") if facts else None
        for name, value in facts.items():
            if isinstance(value, (dict, list)):
                r.problem(Msg("expected a plain value, found a mapping or list"), str(name))
                return text
    if not kind:
        return text
    return Cause(kind, {str(name): value for name, value in facts.items() if name != "kind"}, note=text)


def _contact(r: Reader, d: dict[str, Any]) -> Contact:
    r.unknown_keys(d, {"name", "title", "phone", "email", "birthday", "primary"})
    return Contact(
        name=r.required_text(d, "name"),
        title=r.text(d, "title"),
        phone=r.text(d, "phone"),
        email=r.text(d, "email"),
        birthday=r.text(d, "birthday"),
        primary=r.flag(d, "primary"),
    )


def _tier_change(r: Reader, d: dict[str, Any]) -> TierChange:
    return TierChange(
        at=r.day(d, "at", required=True) or date.min,
        from_tier=r.required_text(d, "from"),
        to_tier=r.required_text(d, "to"),
        reason=_noted(r, d, "reason") or "",
    )


def _task(r: Reader, d: dict[str, Any]) -> Task:
    r.unknown_keys(d, {"id", "due", "via", "focus", "goal", "owner", "status", "created", "closed", "cause",
                       "note", "changes"})  # fmt: skip
    return Task(
        id=r.required_text(d, "id"),
        due=r.when(d, "due", required=True) or date.min,
        via=r.required_text(d, "via"),
        focus=r.text(d, "focus") or "",
        goal=r.text(d, "goal") or "",
        owner=r.required_text(d, "owner"),
        status=r.text(d, "status") or "open",
        created=r.when(d, "created"),
        closed=r.when(d, "closed"),
        note=_noted(r, d, "note"),
        changes=_changes(r, d),
    )


def _followup(r: Reader, d: dict[str, Any]) -> FollowUp:
    r.unknown_keys(d, {"id", "at", "via", "by", "content", "attachments", "next", "task"})
    return FollowUp(
        id=r.required_text(d, "id"),
        at=r.when(d, "at", required=True) or date.min,
        via=r.required_text(d, "via"),
        by=r.required_text(d, "by"),
        content=r.required_text(d, "content"),
        attachments=r.texts(d, "attachments"),
        next=r.day(d, "next"),
        task=r.text(d, "task"),
    )


def _opportunity(r: Reader, d: dict[str, Any]) -> Opportunity:
    r.unknown_keys(d, _OPPORTUNITY_KEY_SET)
    with r.at("negotiation"):
        talks = r.mapping(d.get("negotiation") or {})
        negotiation = Negotiation(
            decision_makers=r.texts(talks, "decision_makers"),
            competitors=r.texts(talks, "competitors"),
            obstacles=r.texts(talks, "obstacles"),
            solutions=r.texts(talks, "solutions"),
        )
    contract = None
    if d.get("contract") is not None:
        with r.at("contract"):
            c = r.mapping(d["contract"])
            contract = _contract(r, c)
    with r.at("artefacts"):
        artefacts = {str(k): str(v) for k, v in r.mapping(d.get("artefacts") or {}).items()}
    return Opportunity(
        id=r.required_text(d, "id"),
        name=r.required_text(d, "name"),
        amount=r.amount(d, "amount", required=True) or Decimal(0),
        close=r.day(d, "close", required=True) or date.min,
        owner=r.required_text(d, "owner"),
        stage=r.text(d, "stage") or "lead",
        created=r.day(d, "created"),
        probability=r.amount(d, "probability"),
        stage_history=r.items(d, "stage_history", lambda m: _stage_move(r, m)),
        artefacts=artefacts,
        negotiation=negotiation,
        contract=contract,
        lost_reason=r.text(d, "lost_reason"),
        lost_note=r.text(d, "lost_note"),
        lost_to=r.text(d, "lost_to"),
        changes=_changes(r, d),
        forecast=r.text(d, "forecast"),
        plan=r.items(d, "plan", lambda p: _installment(r, p)),
        receipts=r.items(d, "receipts", lambda p: _receipt(r, p)),
    )


def _installment(r: Reader, d: dict[str, Any]) -> Installment:
    r.unknown_keys(d, {"id", "due", "amount", "at", "by", "note", "amendments"})
    return Installment(
        id=r.required_text(d, "id"),
        due=r.day(d, "due", required=True) or date.min,
        amount=r.amount(d, "amount", required=True) or Decimal(0),
        at=r.when(d, "at", required=True) or date.min,
        by=r.required_text(d, "by"),
        note=r.text(d, "note"),
        amendments=r.items(d, "amendments", lambda a: _change(r, a)),
    )


def _receipt(r: Reader, d: dict[str, Any]) -> Receipt:
    r.unknown_keys(d, {"id", "at", "amount", "by", "plan", "ref", "overpay", "amendments"})
    return Receipt(
        id=r.required_text(d, "id"),
        at=r.day(d, "at", required=True) or date.min,
        amount=r.amount(d, "amount", required=True) or Decimal(0),
        by=r.required_text(d, "by"),
        plan=r.text(d, "plan"),
        ref=r.text(d, "ref"),
        overpay=r.text(d, "overpay"),
        amendments=r.items(d, "amendments", lambda a: _change(r, a)),
    )


def _contract(r: Reader, c: dict[str, Any]) -> Contract:
    return Contract(
        number=r.required_text(c, "number"),
        amount=r.amount(c, "amount", required=True) or Decimal(0),
        payment_terms=r.text(c, "payment_terms") or "",
        signed=r.day(c, "signed", required=True) or date.min,
        amendments=r.items(c, "amendments", lambda a: _change(r, a)),
    )


_OPPORTUNITY_KEYS = [
    "id",
    "name",
    "amount",
    "close",
    "owner",
    "stage",
    "created",
    "probability",
    "stage_history",
    "artefacts",
    "negotiation",
    "contract",
    "lost_reason",
    "lost_note",
    "lost_to",
    "changes",
    "forecast",
    "plan",
    "receipts",
]
_OPPORTUNITY_KEY_SET = frozenset(_OPPORTUNITY_KEYS)


def _stage_move(r: Reader, d: dict[str, Any]) -> StageMove:
    contract = None
    if d.get("contract") is not None:
        with r.at("contract"):
            contract = _contract(r, r.mapping(d["contract"]))
    return StageMove(
        stage=r.required_text(d, "stage"),
        at=r.day(d, "at", required=True) or date.min,
        by=r.required_text(d, "by"),
        note=_noted(r, d, "note"),
        contract=contract,
        lost_reason=r.text(d, "lost_reason"),
        lost_to=r.text(d, "lost_to"),
        lost_note=r.text(d, "lost_note"),
    )


def _feedback(r: Reader, d: dict[str, Any]) -> Feedback:
    return Feedback(
        id=r.required_text(d, "id"),
        at=r.when(d, "at", required=True) or date.min,
        by=r.required_text(d, "by"),
        dept=r.text(d, "dept") or "",
        content=r.required_text(d, "content"),
        attachments=r.texts(d, "attachments"),
    )


# -- writing -------------------------------------------------------------------


def customer_to_data(customer: Customer) -> dict[str, Any]:
    """Plain data for ``customer`` in the fixed key order of the file format."""
    c = customer
    data: dict[str, Any] = {
        "id": c.id,
        "name": c.name,
        "credit_code": c.credit_code,
        "industry": c.industry,
        "size": c.size,
        "source": c.source,
        "tags": sorted(set(c.tags)),
        "tier": c.tier,
        "tier_pinned": c.tier_pinned,
        "owner": c.owner or None,
        "created": c.created,
        "first_contact": c.first_contact,
        "needs": c.needs,
        "archived": c.archived or None,
        "aliases": sorted(set(c.aliases)) or None,
        "contacts": [_compact(vars(contact)) for contact in c.contacts],
        "tier_history": [
            {"at": t.at, "from": t.from_tier, "to": t.to_tier, **_noted_data(t.reason, "reason")}
            for t in c.tier_history
        ],
        "tasks": [_task_data(t) for t in c.tasks],
        "followups": [_followup_data(f) for f in c.followups],
        "opportunities": [_opportunity_data(o) for o in c.opportunities],
        "feedback": [_compact({**vars(b), "at": _when(b.at)}) for b in c.feedback],
        "changes": _changes_data(c.changes),
        "lost_claims": [
            {**vars(lost), "at": _when(lost.at), "won_at": _when(lost.won_at)} for lost in c.lost_claims
        ]
        or None,  # fmt: skip
        "merged": [_merged_data(m) for m in c.merged] or None,
    }
    data = {k: v for k, v in data.items() if v is not None or k == "owner"}  # owner: null, the pool
    data.update(c.extra)
    return data


def _merged_data(m: MergedCustomer) -> dict[str, Any]:
    customer = {k: v for k, v in customer_to_data(m.customer).items() if v != []}
    return {"at": _when(m.at), "by": m.by, "customer": customer, "records": dict(sorted(m.records.items())),
            "contacts_before": [_compact(vars(contact)) for contact in m.contacts_before]}  # fmt: skip


def _when(moment: Any) -> Any:
    """A day stays a YAML date; a day and time is written ``2024-05-10T10:00``."""
    return format_when(moment) if isinstance(moment, datetime) else moment


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is not there: None, False, empty lists and mappings."""
    return {k: v for k, v in data.items() if v is not None and v is not False and v != [] and v != {}}


def _task_data(t: Task) -> dict[str, Any]:
    data = {**vars(t), "due": _when(t.due), "created": _when(t.created), "closed": _when(t.closed)}
    del data["note"], data["changes"]
    return _compact({**data, **_noted_data(t.note, "note"), "changes": _changes_data(t.changes)})


def _noted_data(note: str | None, key: str) -> dict[str, Any]:
    """A note as stored: an event (core/causes.py) as ``cause:`` with the user's words at ``key``."""
    if isinstance(note, Cause):
        return {"cause": note.data(), key: note.note} if note.note else {"cause": note.data()}
    return {key: note}


def _followup_data(f: FollowUp) -> dict[str, Any]:
    return _compact({**vars(f), "at": _when(f.at)})


def _changes_data(changes: list[Change]) -> list[dict[str, Any]] | None:
    return [_change_data(change) for change in changes] or None


def _change_data(c: Change) -> dict[str, Any]:
    # "from" and "to" stay even when empty: a probability set where there was none
    old, new = (c.old or None, c.new or None) if c.field == "owner" else (c.old, c.new)  # "": the pool
    data = {"at": _when(c.at), "by": c.by, "field": c.field, "from": old, "to": new}
    return {**data, **_noted_data(c.reason, "reason")} if c.reason else data


def _contract_data(c: Contract | None) -> dict[str, Any] | None:
    if c is None:
        return None
    data = {"number": c.number, "amount": c.amount, "payment_terms": c.payment_terms, "signed": c.signed}
    return {**data, "amendments": _changes_data(c.amendments)} if c.amendments else data


def _stage_move_data(m: StageMove) -> dict[str, Any]:
    data = {"stage": m.stage, "at": m.at, "by": m.by, **_noted_data(m.note, "note")}
    return _compact({**data, **vars(m), "note": data.get("note"), "contract": _contract_data(m.contract)})


def _opportunity_data(o: Opportunity) -> dict[str, Any]:
    talks = _compact(vars(o.negotiation))
    return _compact(
        {
            "id": o.id,
            "name": o.name,
            "amount": o.amount,
            "close": o.close,
            "owner": o.owner,
            "stage": o.stage,
            "created": o.created,
            "probability": o.probability,
            "stage_history": [_stage_move_data(m) for m in o.stage_history],
            "artefacts": dict(sorted(o.artefacts.items())),
            "negotiation": talks,
            "contract": _contract_data(o.contract),
            "lost_reason": o.lost_reason,
            "lost_note": o.lost_note,
            "lost_to": o.lost_to,
            "changes": _changes_data(o.changes),
            "forecast": o.forecast,
            "plan": [_installment_data(p) for p in o.plan],
            "receipts": [
                _compact({**vars(p), "amendments": _changes_data(p.amendments)}) for p in o.receipts
            ],
        }
    )


def _installment_data(p: Installment) -> dict[str, Any]:
    return _compact({**vars(p), "at": _when(p.at), "amendments": _changes_data(p.amendments)})
