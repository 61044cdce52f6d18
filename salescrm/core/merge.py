"""Three-way merge of one customer file's plain data (what ``core.records`` reads and writes).

Two teammates change the same customer on two clones; git hands the merge driver
the common ancestor (base), our version and theirs. Lists of records merge item
by item — tasks, follow-ups, opportunities and feedback by ``id``, contacts by
``name``, histories and plain lists by their content — and scalars merge three-way:
changed on one side wins, changed identically counts once, changed differently is
a conflict a person must settle. New items that took the same id on both sides
(both logged ``F3``) are both kept: theirs keeps the id (it may already be
shared), ours moves to the next free one, and our references to it follow.

A won deal's plan lines (``P1``) and receipts (``R1``) merge by id too: identical entries
count once; two different entries both sides numbered alike are both kept, and the one
recorded later (a plan line's ``at``, a receipt's day, then its content, so that either
clone merging gives the same file) moves to the next free id, with that side's receipts
that pay a moved plan line. The totals may then exceed the contract: ``check`` names it
and ``remind`` tells the manager (core/validate.py, core/reminders.py).

Two claims of one customer from the pool (客户公海) on two clones are settled, not left
to a person: the earlier claim (by its recorded moment, then by member id) wins, the other
side's claim (the owner it took and the deals and tasks that came with it) is undone, and
the customer records the lost claim so its maker is told (``sync``, ``remind``). Nothing
else of the losing side is lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from salescrm.core.ids import next_item_id

# Lists whose items carry an identity, and the key that holds it.
KEYED_LISTS = {"tasks": "id", "followups": "id", "opportunities": "id", "feedback": "id", "contacts": "name"}
# Lists whose ids may be renumbered, and the references to them (list, field) inside the customer.
RENUMBERABLE = {"tasks": "T", "followups": "F", "opportunities": "O", "feedback": "B"}
REFERENCES = {"tasks": [("followups", "task")]}
# A deal's payment lists (inside each of ``opportunities``): list → id letter.
PAYMENT_LISTS = {"plan": "P", "receipts": "R"}
_MISSING = object()


@dataclass
class MergeResult:
    """A three-way merge of one customer file: the merged data, and what could not be merged."""

    data: dict[str, Any]
    conflicts: list[str] = field(default_factory=list)  # "name: ours '甲', theirs '乙'"
    renumbered: list[str] = field(default_factory=list)  # "followups F2 → F3"
    settled: list[str] = field(default_factory=list)  # "wang.fang's claim lost to zhang.wei's (earlier)"

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge_customer(base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]) -> MergeResult:
    """Merge ``ours`` and ``theirs`` against ``base`` (None when both sides created the file).

    On a conflict the result holds our value there, so it is still a whole, valid record.
    """
    result = MergeResult({})
    ours = _renumber_clashes(base or {}, ours, theirs, result)
    ours, theirs = _renumber_payments(base or {}, ours, theirs, result)
    ours, theirs = _settle_claims(base or {}, ours, theirs, result)
    result.data = _merge_mapping(base or {}, ours, theirs, "", result.conflicts)
    return result


# -- ids both sides took for different new items ------------------------------------


def _renumber_clashes(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], result: MergeResult
) -> dict[str, Any]:
    ours = _copy(ours)
    for key, kind in RENUMBERABLE.items():
        base_ids = {_ident(item, "id") for item in _items(base, key)}
        theirs_by_id = {_ident(item, "id"): item for item in _items(theirs, key)}
        taken = base_ids | set(theirs_by_id) | {_ident(item, "id") for item in _items(ours, key)}
        moves: dict[str, str] = {}
        for item in _items(ours, key):
            item_id = _ident(item, "id")
            if item_id in base_ids or item_id not in theirs_by_id or theirs_by_id[item_id] == item:
                continue
            new_id = next_item_id(kind, taken)
            taken.add(new_id)
            moves[item_id] = new_id
            item["id"] = new_id
            result.renumbered.append(f"our {key} {item_id} → {new_id}")
        for list_key, ref_field in REFERENCES.get(key, []):
            for item in _items(ours, list_key):
                if item.get(ref_field) in moves:
                    item[ref_field] = moves[item[ref_field]]
    return ours


def _renumber_payments(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], result: MergeResult
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Plan lines and receipts both sides added to one deal under one id: the later moves."""
    ours, theirs = _copy(ours), _copy(theirs)
    base_deals = {_ident(o, "id"): o for o in _items(base, "opportunities")}
    theirs_deals = {_ident(o, "id"): o for o in _items(theirs, "opportunities")}
    for mine in _items(ours, "opportunities"):
        deal_id = _ident(mine, "id")
        other = theirs_deals.get(deal_id)
        if other is None:
            continue
        before = base_deals.get(deal_id, {})
        for key, kind in PAYMENT_LISTS.items():
            for side, old, new in _payment_clashes(before, mine, other, key, kind):
                line = "our" if side is mine else "their"
                result.renumbered.append(f"{line} {key} {deal_id}-{old} → {deal_id}-{new} (recorded later)")
                if key == "plan":
                    _follow_plan_line(side, old, new)
    return ours, theirs


def _payment_clashes(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], key: str, kind: str
) -> list[tuple[dict[str, Any], str, str]]:
    """Renumber in place the later of each two different new ``key`` items sharing an id;
    returns (the deal it was in, old id, new id) for each."""
    base_ids = {_ident(item, "id") for item in _items(base, key)}
    mine = {_ident(item, "id"): item for item in _items(ours, key)}
    other = {_ident(item, "id"): item for item in _items(theirs, key)}
    taken = base_ids | set(mine) | set(other)
    moved = []
    for item_id in sorted(set(mine) & set(other) - base_ids, key=_id_number):
        if mine[item_id] == other[item_id]:
            continue
        later, deal = max(
            (mine[item_id], ours), (other[item_id], theirs), key=lambda pair: _recorded(pair[0])
        )
        new_id = next_item_id(kind, taken)
        taken.add(new_id)
        later["id"] = new_id
        moved.append((deal, item_id, new_id))
    return moved


def _recorded(item: dict[str, Any]) -> tuple[str, str]:
    """When a plan line or receipt was recorded, then its content: a total order."""
    return str(item.get("at", "")).replace(" ", "T"), _canonical(item)


def _follow_plan_line(deal: dict[str, Any], old: str, new: str) -> None:
    """The deal's receipts that pay plan line ``old``, and their amendments of it, follow it."""
    for receipt in _items(deal, "receipts"):
        if receipt.get("plan") == old:
            receipt["plan"] = new
        for change in receipt.get("amendments") or []:
            if isinstance(change, dict) and change.get("field") == "plan":
                for end in ("from", "to"):
                    if change.get(end) == old:
                        change[end] = new


def _id_number(item_id: str) -> tuple[int, str]:
    return (int(item_id[1:]), item_id) if item_id[1:].isdigit() else (10**9, item_id)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _ident(item: Any, key: str) -> str:
    return str(item.get(key)) if isinstance(item, dict) else _canonical(item)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


# -- two claims of one customer from the pool ------------------------------------------


def _settle_claims(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], result: MergeResult
) -> tuple[dict[str, Any], dict[str, Any]]:
    """When both sides claimed the pooled customer for different members: undo the later
    claim on its side, and record it as lost on the other (the winner's) side."""
    if (
        base.get("owner")
        or not ours.get("owner")
        or not theirs.get("owner")
        or ours["owner"] == theirs["owner"]
    ):
        return ours, theirs
    mine, other = _claim_of(base, ours), _claim_of(base, theirs)
    if mine is None or other is None:
        return ours, theirs
    if (str(mine["at"]), str(mine["to"])) <= (str(other["at"]), str(other["to"])):
        winner, loser = ours, _undo_claim(base, theirs, other)
        won, lost = mine, other
    else:
        winner, loser = _undo_claim(base, ours, mine), theirs
        won, lost = other, mine
    winner = _copy(winner)
    entry = {"at": lost["at"], "by": lost["to"], "winner": won["to"], "won_at": won["at"]}
    winner["lost_claims"] = [*(winner.get("lost_claims") or []), entry]
    result.settled.append(f"{lost['to']}'s claim lost to {won['to']}'s, made earlier ({won['at']})")
    return (winner, loser) if winner["owner"] == ours["owner"] else (loser, winner)


def _claim_of(base: dict[str, Any], side: dict[str, Any]) -> dict[str, Any] | None:
    """The side's claim from the pool: its latest new change of owner to its owner now."""
    known = {_canonical(c) for c in base.get("changes") or []}
    claims = [
        c for c in side.get("changes") or []
        if isinstance(c, dict) and c.get("field") == "owner" and not c.get("from")
        and c.get("to") == side.get("owner") and _canonical(c) not in known
    ]  # fmt: skip
    return claims[-1] if claims else None


def _undo_claim(base: dict[str, Any], side: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
    """``side`` without its claim: the owner, and the deals and tasks the claim moved, as in
    ``base``; the dated changes that recorded them, gone."""
    undone = _copy(side)
    undone["owner"] = base.get("owner")
    undone["changes"] = [c for c in undone.get("changes") or [] if c != claim] or None
    if undone["changes"] is None:
        del undone["changes"]
    for key in ("opportunities", "tasks"):
        before = {_ident(item, "id"): item for item in _items(base, key)}
        for item in _items(undone, key):
            old = before.get(_ident(item, "id"))
            moved = [c for c in item.get("changes") or [] if _same_move(c, claim)]
            if old is None or not moved:
                continue
            item["owner"] = old.get("owner")
            item["changes"] = [c for c in item["changes"] if c not in moved]
            if not item["changes"]:
                del item["changes"]
    return undone


def _same_move(change: Any, claim: dict[str, Any]) -> bool:
    """Whether ``change`` moved a deal or task to the claimer with the claim."""
    if not isinstance(change, dict) or change.get("field") != "owner":
        return False
    return (change.get("at"), change.get("to")) == (claim["at"], claim["to"])


# -- the merge itself ----------------------------------------------------------------


def _merge_value(base: Any, ours: Any, theirs: Any, path: str, conflicts: list[str]) -> Any:
    if _same(ours, theirs):
        return ours
    if _same(base, ours):
        return theirs
    if _same(base, theirs):
        return ours
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return _merge_mapping(base if isinstance(base, dict) else {}, ours, theirs, path, conflicts)
    if isinstance(ours, list) and isinstance(theirs, list):
        return _merge_list(base if isinstance(base, list) else [], ours, theirs, path, conflicts)
    conflicts.append(f"{path}: ours {_show(ours)}, theirs {_show(theirs)}")
    return ours


def _merge_mapping(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], path: str, conflicts: list[str]
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in _union(list(ours), list(theirs)):
        value = _merge_value(
            base.get(key, _MISSING),
            ours.get(key, _MISSING),
            theirs.get(key, _MISSING),
            f"{path}.{key}" if path else str(key),
            conflicts,
        )
        if value is not _MISSING:
            merged[key] = value
    return merged


def _merge_list(
    base: list[Any], ours: list[Any], theirs: list[Any], path: str, conflicts: list[str]
) -> list[Any]:
    """Item by item: by the list's identity key, else by content (a set merge keeping order)."""
    name = path.rsplit(".", 1)[-1]
    key = KEYED_LISTS.get(name) if path == name else None
    if path.startswith("opportunities[") and path.count(".") == 1 and name in PAYMENT_LISTS:
        key = "id"  # a deal's plan lines and receipts

    def identity(item: Any) -> str:
        return _ident(item, key) if key and isinstance(item, dict) else _canonical(item)

    base_by = {identity(i): i for i in base}
    ours_by = {identity(i): i for i in ours}
    theirs_by = {identity(i): i for i in theirs}
    merged = []
    for ident in _union(list(ours_by), list(theirs_by)):
        value = _merge_value(
            base_by.get(ident, _MISSING),
            ours_by.get(ident, _MISSING),
            theirs_by.get(ident, _MISSING),
            f"{path}[{ident}]" if key else path,
            conflicts,
        )
        if value is not _MISSING:
            merged.append(value)
    return _in_id_order(merged) if key == "id" else merged


def _in_id_order(items: list[Any]) -> list[Any]:
    """``F1, F3, F2`` → ``F1, F2, F3``: both clones end with the same file."""

    return sorted(
        items, key=lambda item: _id_number(str(item.get("id", "")) if isinstance(item, dict) else "")
    )


def _union(first: list[Any], second: list[Any]) -> list[Any]:
    return list(dict.fromkeys([*first, *second]))


def _same(a: Any, b: Any) -> bool:
    if a is _MISSING or b is _MISSING:
        return a is b
    return bool(a == b) and type(a) is type(b)


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(removed)"
    text = value if isinstance(value, str) else _canonical(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")
