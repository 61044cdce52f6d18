"""``customer merge KEEP DROP``: two records of one company become one.

KEEP takes DROP's contacts, tasks, follow-ups, deals and feedback (each given the next free
id of its kind in KEEP, references following), its tags, and what KEEP leaves blank; DROP's
attachments move to KEEP's folder. DROP's number (and the numbers merged into DROP before)
becomes an alias of KEEP, recorded as a dated change, so ``show`` and ``log`` still find it.
Nothing here touches a file: ``merge_customers`` returns the merged record and the
attachment moves for the store to make.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime

from salescrm.core.causes import Cause
from salescrm.core.errors import Msg, UsageError
from salescrm.core.ids import next_item_id
from salescrm.core.model import Contact, Customer, MergedCustomer
from salescrm.core.timeline import record


@dataclass
class Merged:
    """The merged KEEP, and each attachment to move (from, to: paths in the data directory)."""

    customer: Customer
    moves: list[tuple[str, str]] = field(default_factory=list)


def refuse_merge(keep: Customer, drop: Customer) -> None:
    if keep.id == drop.id:
        raise UsageError(
            Msg("cannot merge {id} with itself", id=keep.id), hint=Msg("name two different customers")
        )
    if keep.archived:
        raise UsageError(
            Msg("{id} is archived: merge into a customer in use", id=keep.id),
            hint=Msg(
                "bring it back first (salescrm customer archive {id} --undo), or keep the other one",
                id=keep.id,
            ),
        )


def merge_customers(
    keep: Customer, drop: Customer, by: str, now: datetime, present: Collection[str] = ()
) -> Merged:
    """KEEP with DROP merged into it (neither argument is changed); ``present``: the files
    in KEEP's attachments folder, which a moved attachment must not replace."""
    refuse_merge(keep, drop)
    merged = replace(
        keep,
        contacts=list(keep.contacts),
        tasks=list(keep.tasks),
        followups=list(keep.followups),
        opportunities=list(keep.opportunities),
        feedback=list(keep.feedback),
        changes=list(keep.changes),
        tags=sorted(set(keep.tags) | set(drop.tags)),
        industry=keep.industry or drop.industry,
        size=keep.size or drop.size,
        credit_code=keep.credit_code or drop.credit_code,
        first_contact=min((d for d in (keep.first_contact, drop.first_contact) if d), default=None),
    )
    result = Merged(merged)
    paths = _Paths(drop.id, keep.id, result, set(present))
    for contact in drop.contacts:
        _merge_contact(merged, contact, drop.id)
    tasks = _new_ids("T", [t.id for t in merged.tasks], [t.id for t in drop.tasks])
    merged.tasks += [replace(t, id=tasks[t.id]) for t in drop.tasks]
    followups = _new_ids("F", [f.id for f in merged.followups], [f.id for f in drop.followups])
    merged.followups += [
        replace(
            f,
            id=followups[f.id],
            task=tasks.get(f.task, f.task) if f.task else None,
            attachments=[paths.move(p) for p in f.attachments],
        )  # fmt: skip
        for f in drop.followups
    ]
    deals = _new_ids("O", [o.id for o in merged.opportunities], [o.id for o in drop.opportunities])
    merged.opportunities += [
        replace(o, id=deals[o.id], artefacts={k: paths.move(v) for k, v in o.artefacts.items()})
        for o in drop.opportunities
    ]
    feedback = _new_ids("B", [b.id for b in merged.feedback], [b.id for b in drop.feedback])
    merged.feedback += [
        replace(b, id=feedback[b.id], attachments=[paths.move(p) for p in b.attachments])
        for b in drop.feedback
    ]
    aliases = sorted({*keep.aliases, drop.id, *drop.aliases})
    why = Cause("merged", {"number": drop.id})
    record(merged.changes, merged, "aliases", aliases, now, by, why)
    for name in ("industry", "size", "credit_code", "first_contact"):  # dated: "as of" undoes them
        filled, merged_value = getattr(keep, name), getattr(merged, name)
        setattr(merged, name, filled)
        record(merged.changes, merged, name, merged_value, now, by, why)
    records = {**tasks, **followups, **deals, **feedback}
    profile = replace(drop, tasks=[], followups=[], opportunities=[], feedback=[])
    merged.merged = [
        *keep.merged,
        MergedCustomer(now, by, profile, {new: old for old, new in records.items()}, list(keep.contacts)),
    ]
    return result


def _merge_contact(merged: Customer, contact: Contact, drop_id: str) -> None:
    """A contact of the same name fills what KEEP's lacks; one whose phone or e-mail differs
    is kept beside it, named apart (contacts are unique by name)."""
    same = next((c for c in merged.contacts if c.name == contact.name), None)
    if same is None:
        merged.contacts.append(replace(contact, primary=False))
        return
    clashes = any(
        getattr(same, key) and getattr(contact, key) and getattr(same, key) != getattr(contact, key)
        for key in ("phone", "email")
    )
    if clashes:
        merged.contacts.append(replace(contact, name=f"{contact.name}（{drop_id}）", primary=False))
        return
    at = merged.contacts.index(same)
    merged.contacts[at] = replace(
        same, **{k: getattr(same, k) or getattr(contact, k) for k in ("title", "phone", "email", "birthday")}
    )


def _new_ids(kind: str, taken: list[str], incoming: list[str]) -> dict[str, str]:
    """DROP's item ids → the next free ids of KEEP, in order."""
    found, used = {}, list(taken)
    for item in incoming:
        found[item] = next_item_id(kind, used)
        used.append(found[item])
    return found


@dataclass
class _Paths:
    """DROP's attachments move to KEEP's folder; a name KEEP has already gets DROP's number."""

    drop: str
    keep: str
    result: Merged
    taken: set[str] = field(default_factory=set)

    def move(self, path: str) -> str:
        prefix = f"attachments/{self.drop}/"
        if not path.startswith(prefix):
            return path
        moved = dict(self.result.moves)
        if path in moved:
            return moved[path]
        name = path.removeprefix(prefix)
        target = f"attachments/{self.keep}/{name}"
        if target in self.taken or _named_by(self.result.customer, target):
            target = f"attachments/{self.keep}/{self.drop}-{name}"
        self.taken.add(target)
        self.result.moves.append((path, target))
        return target


def _named_by(customer: Customer, path: str) -> bool:
    return any(
        path in f.attachments for f in customer.followups
    ) or any(path in b.attachments for b in customer.feedback) or any(
        path in o.artefacts.values() for o in customer.opportunities
    )  # fmt: skip
