"""Planned follow-ups (tasks) and follow-up records: the rules behind ``salescrm followup …``.

Everything here works on a Customer in memory; the caller reads it inside a
transaction and saves it, so a refused change never reaches a file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from salescrm.core.config import Config
from salescrm.core.errors import Msg, NotFoundError, UsageError
from salescrm.core.ids import next_item_id, parse_reference
from salescrm.core.labels import CHANNELS
from salescrm.core.model import Customer, FollowUp, Task
from salescrm.core.parse import When, as_datetime, day_of, format_when, parse_text
from salescrm.core.timeline import refuse_before

GOOD_NOTE = "a good note holds the need, the numbers and the customer's own words"
GOOD_NOTE_EXAMPLE = "客户确认下月采购30台,预算25万,原话:“价格再降3%就签”"


# -- tasks ---------------------------------------------------------------------


@dataclass
class NewTask:
    """A follow-up task to plan (``followup plan``)."""

    due: When
    via: str
    focus: str
    goal: str
    owner: str


def plan_task(customer: Customer, new: NewTask, config: Config, created: When) -> Task:
    """Add a planned follow-up to ``customer``; returns it (its id is the next ``T``)."""
    refuse_before(created, customer.created, "--at date", customer.id)
    task = Task(
        id=next_item_id("T", (t.id for t in customer.tasks)),
        due=new.due,
        via=CHANNELS.parse(new.via),
        focus=parse_text(new.focus, "--focus", 500),
        goal=parse_text(new.goal, "--goal", 500),
        owner=config.member(new.owner.strip()).id,
        created=created,
    )
    customer.tasks.append(task)
    return task


def task_item(customer: Customer, reference: str) -> str:
    """The task id (``T3``) of ``reference``: ``CRM…-T3`` of this customer, or a bare ``T3``."""
    text = reference.strip().upper()
    if re.fullmatch(r"T\d{1,6}", text):
        return f"T{int(text[1:])}"
    ref = parse_reference(text, "T")
    if ref.customer != customer.id:
        raise UsageError(
            Msg(
                "task {ref} belongs to customer {customer}, not {id}",
                ref=ref,
                customer=ref.customer,
                id=customer.id,
            ),
            hint=Msg("name one of {id}'s own tasks (salescrm followup list {id})", id=customer.id),
        )
    return ref.item


def find_task(customer: Customer, item: str) -> Task:
    for task in customer.tasks:
        if task.id == item:
            return task
    raise NotFoundError(
        Msg("no such task {id}-{item}", id=customer.id, item=item),
        hint=Msg("its tasks: salescrm followup list {id}", id=customer.id),
    )


def close_task(task: Task, customer_id: str, status: str, at: When, note: str | None) -> None:
    """Mark an open task done or cancelled; a closed task stays as it was closed."""
    if task.status != "open":
        raise UsageError(
            Msg(
                "task {customer_id}-{id} is already {status} ({format_when})",
                customer_id=customer_id,
                id=task.id,
                status=task.status,
                format_when=format_when(task.closed or task.due),
            ),
            hint=Msg("a closed task cannot be closed again; plan a new one with: salescrm followup plan"),
        )
    if task.created is not None:
        refuse_before(
            at, day_of(task.created), "--at date", Msg("task {ref}", ref=f"{customer_id}-{task.id}")
        )
    task.status = status
    task.closed = at
    task.note = note


# -- records -------------------------------------------------------------------


@dataclass
class NewRecord:
    """A follow-up that happened, to log (``followup log``)."""

    at: When
    via: str
    by: str
    content: str
    next: date | None = None
    task: str | None = None  # a task reference; logging closes it
    attachments: list[str] = field(default_factory=list)  # relative paths, already safe


def log_followup(customer: Customer, new: NewRecord) -> FollowUp:
    """Add a follow-up record; ``new.task`` (an open task of this customer) is closed by it."""
    content = parse_text(new.content, "--content", 5000, multiline=True)
    refuse_before(new.at, customer.created, "--at date", customer.id)
    if new.next is not None and new.next < day_of(new.at):
        raise UsageError(
            Msg(
                "--next {next} is before the follow-up itself ({format_when})",
                next=new.next,
                format_when=format_when(new.at),
            ),
            hint=Msg("the next follow-up comes after this one"),
        )
    record = FollowUp(
        id=next_item_id("F", (f.id for f in customer.followups)),
        at=new.at,
        via=CHANNELS.parse(new.via),
        by=new.by,
        content=content,
        attachments=list(new.attachments),
        next=new.next,
    )
    if new.task:
        task = find_task(customer, task_item(customer, new.task))
        close_task(task, customer.id, "done", new.at, f"{customer.id}-{record.id}")
        record.task = task.id
    customer.followups.append(record)
    return record


# -- concrete notes --------------------------------------------------------------


def vague_note(content: str, config: Config) -> str | None:
    """Why ``content`` is too vague to be a useful record, or None when it is concrete."""
    text = unicodedata.normalize("NFKC", content).strip()
    lowered = text.casefold()
    for phrase in config.vague_phrases:
        if phrase and unicodedata.normalize("NFKC", phrase).casefold() in lowered:
            return f"vague note: it says {phrase!r}"
    if len(text) < config.min_note_length:
        return f"short note: {len(text)} characters, fewer than {config.min_note_length}"
    return None


def check_note(content: str, config: Config, strict: bool) -> str | None:
    """The warning to show for a vague note; with ``strict`` a vague note is refused."""
    reason = vague_note(content, config)
    if reason is None:
        return None
    if strict or config.strict_notes:
        raise UsageError(
            Msg("{reason}; {GOOD_NOTE}", reason=reason, GOOD_NOTE=GOOD_NOTE),
            hint=Msg("for example: {GOOD_NOTE_EXAMPLE}", GOOD_NOTE_EXAMPLE=GOOD_NOTE_EXAMPLE),
        )
    return f"{reason}; {GOOD_NOTE}, e.g. {GOOD_NOTE_EXAMPLE}"


# -- listing ---------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    """``followup list``'s options: each one given narrows the list."""

    owner: str | None = None
    open_only: bool = False  # only open tasks
    since: date | None = None
    vague_in: Config | None = None  # given: only records whose note is vague under its rules


def followup_rows(customers: Iterable[Customer], wanted: ListFilter) -> list[dict[str, object]]:
    """Plans and records of ``customers`` as rows, oldest first."""
    if wanted.vague_in is not None:
        return vague_rows(customers, wanted, wanted.vague_in)
    rows: list[dict[str, object]] = []
    for c in customers:
        items: list[tuple[str, When, str, str, str, str]] = [
            (f"{c.id}-{t.id}", t.due, "plan", t.via, t.owner, t.status) for t in c.tasks
        ]
        texts = {f"{c.id}-{t.id}": t.focus for t in c.tasks}
        if not wanted.open_only:
            items += [(f"{c.id}-{f.id}", f.at, "record", f.via, f.by, "") for f in c.followups]
            texts.update({f"{c.id}-{f.id}": f.content for f in c.followups})
        for reference, when, kind, via, owner, status in items:
            if (
                (wanted.open_only and status != "open")
                or (wanted.owner and owner != wanted.owner)
                or (wanted.since and day_of(when) < wanted.since)
            ):
                continue
            rows.append({"ref": reference, "customer": c.name, "kind": kind, "when": when, "via": via,
                         "owner": owner, "status": status, "text": texts[reference]})  # fmt: skip
    return _oldest_first(rows)


def vague_rows(customers: Iterable[Customer], wanted: ListFilter, config: Config) -> list[dict[str, object]]:
    """The records whose note ``vague_note`` finds vague, with why, oldest first: the notes to
    make concrete after the fact."""
    rows: list[dict[str, object]] = []
    for c in customers:
        for f in c.followups:
            why = vague_note(f.content, config)
            if (
                why is None
                or (wanted.owner and f.by != wanted.owner)
                or (wanted.since and day_of(f.at) < wanted.since)
            ):
                continue
            ref = f"{c.id}-{f.id}"
            row = {"ref": ref, "customer": c.name, "kind": "record", "when": f.at, "via": f.via}
            rows.append(row | {"owner": f.by, "status": "", "text": f.content, "vague": why})
    return _oldest_first(rows)


def _oldest_first(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return sorted(rows, key=lambda row: (as_datetime(row["when"]), row["ref"]))  # type: ignore[arg-type]
