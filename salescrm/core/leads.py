"""Marketing's lead lists → customers: column mapping, row checks, duplicates.

The rows come in as text (``formats.csvio`` / ``formats.xlsx`` read the file);
every row is checked as ``customer add`` checks its input and ends as added,
updated (merged into a duplicate), or rejected with its reason: as a duplicate
(skipped) or as invalid. Nothing here writes: the caller saves the plan in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from salescrm.core.config import Config
from salescrm.core.customers import NewCustomer, build_customer, parse_tag
from salescrm.core.errors import CrmError, Msg, Term, UsageError
from salescrm.core.identity import Identity, close_name, find_duplicate, identity_of
from salescrm.core.ids import next_customer_id
from salescrm.core.model import Customer

FIELDS = ("name", "contact", "title", "phone", "email", "source", "industry", "needs", "tags", "size",
          "owner", "birthday", "credit_code")  # fmt: skip
REQUIRED = ("name", "source", "contact", "needs")
_HEADERS = {
    "name": "客户名称 客户名 客户 公司名称 公司 企业名称 单位名称 "
    "name company customer customername companyname",
    "contact": "联系人 联系人姓名 姓名 contact contactname",
    "title": "职位 职务 title jobtitle position",
    "phone": "电话 手机 手机号 手机号码 联系电话 联系方式 phone mobile tel telephone",
    "email": "邮箱 电子邮件 电子邮箱 email mail",
    "source": "来源 线索来源 渠道 source leadsource",
    "industry": "行业 所属行业 industry",
    "needs": "需求 客户需求 需求描述 needs need requirement requirements demand",
    "tags": "标签 tags tag",
    "size": "规模 企业规模 size",
    "owner": "负责人 owner",
    "birthday": "生日 birthday",
    "credit_code": "统一社会信用代码 社会信用代码 信用代码 creditcode uscc",
}
HEADER_FIELDS = {alias: name for name, aliases in _HEADERS.items() for alias in aliases.split()}
_TAG_SPLIT = re.compile(r"[,，;；、/|]+")


def normal_header(text: str) -> str:
    return re.sub(r"[\s_\-:：*]+", "", text).casefold()


def map_columns(headers: Sequence[str], overrides: Sequence[str]) -> dict[int, str]:
    """Column index → field: known headers map by themselves, ``--map COLUMN=FIELD`` wins."""
    columns = {
        i: HEADER_FIELDS[normal_header(h)] for i, h in enumerate(headers) if normal_header(h) in HEADER_FIELDS
    }
    for override in overrides:
        column, sep, wanted = override.partition("=")
        if not sep:
            raise UsageError(
                Msg("bad --map {override!r}", override=override),
                hint=Msg("write COLUMN=FIELD, e.g. --map 公司全称=name"),
            )
        if wanted.strip() not in FIELDS:
            raise UsageError(
                Msg("--map {override!r}: unknown field {value!r}", override=override, value=wanted.strip()),
                hint=Msg("fields: {names}", names=", ".join(FIELDS)),
            )
        matches = [i for i, h in enumerate(headers) if h.strip() == column.strip()]
        if not matches:
            raise UsageError(
                Msg(
                    "--map {override!r}: the file has no column {value!r}",
                    override=override,
                    value=column.strip(),
                ),
                hint=Msg("its columns: {names}", names=", ".join(headers)),
            )
        columns[matches[0]] = wanted.strip()
    if "name" not in columns.values():
        raise UsageError(
            Msg("no column names the customer"),
            hint=Msg("name it 客户名称 or name, or map it: --map COLUMN=name"),
        )
    return columns


@dataclass
class LeadOptions:
    """How an import turns marketing's rows into customers."""

    created: date
    owners: list[str]  # one owner, or the reps to deal rows to in turn
    source: str | None = None  # for rows without one
    tags: list[str] = field(default_factory=list)
    on_duplicate: str = "skip"  # skip | update
    force: bool = False  # import a row whose name is only close to a customer's


REJECTED = ("duplicate", "invalid")


@dataclass
class Outcome:
    """What became of one row of a lead import."""

    row: int  # the line in the file (the header is line 1)
    cells: list[str]
    status: str  # added | updated | duplicate | invalid (the last two: rejected)
    reason: str = ""
    customer_id: str | None = None


@dataclass
class ImportPlan:
    """A lead import worked out before anything is written: each row's outcome, the customers."""

    outcomes: list[Outcome] = field(default_factory=list)
    added: list[Customer] = field(default_factory=list)
    updated: list[Customer] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rejected(self) -> list[Outcome]:
        """The rows not imported: duplicates skipped and invalid rows (the rejects file)."""
        return [o for o in self.outcomes if o.status in REJECTED]


def plan_import(
    rows: Sequence[Sequence[str]],
    columns: dict[int, str],
    existing: Sequence[Customer],
    options: LeadOptions,
    config: Config,
) -> ImportPlan:
    """What importing ``rows`` does; empty rows are passed over."""
    if options.on_duplicate not in ("skip", "update"):
        raise UsageError(
            Msg("bad --on-duplicate {on_duplicate!r}", on_duplicate=options.on_duplicate),
            hint=Msg("use skip or update"),
        )
    tags = [parse_tag(t) for t in options.tags]
    plan = ImportPlan()
    by_id = {c.id: c for c in existing}
    identities: list[Identity] = [identity_of(c) for c in existing]
    names = [(i.customer_id, i.name) for i in identities]
    taken = set(by_id)
    for number, cells in enumerate(rows, start=2):
        values = _values(cells, columns)
        if not any(values.values()):
            continue
        outcome = Outcome(number, list(cells), "invalid")
        plan.outcomes.append(outcome)
        try:
            owner = options.owners[len(plan.added) % len(options.owners)]
            candidate = _candidate(values, options, tags, owner, config)
        except CrmError as error:
            outcome.reason = error.message
            continue
        duplicate = find_duplicate(candidate, identities)
        if duplicate:
            _duplicate(plan, outcome, candidate, duplicate, by_id, options.on_duplicate)
            continue
        near = None if options.force else close_name(identity_of(candidate), names, config.name_similarity)
        if near:
            where = _where(plan, near[0], by_id)
            outcome.status, outcome.customer_id = "duplicate", near[0]
            outcome.reason = Msg("close name to {where} ({score}/100); --force imports it", where=where,
                                 score=f"{near[1]:.0f}")  # fmt: skip
            continue
        candidate.id = next_customer_id(options.created, taken)
        taken.add(candidate.id)
        by_id[candidate.id] = candidate
        identities.append(identity_of(candidate))
        names.append((candidate.id, identities[-1].name))
        plan.added.append(candidate)
        outcome.status, outcome.customer_id = "added", candidate.id
    return plan


def _values(cells: Sequence[str], columns: dict[int, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for index, name in columns.items():
        text = cells[index].strip() if index < len(cells) and cells[index] else ""
        if text and name == "tags" and values.get(name):
            values[name] += f",{text}"
        elif text and not values.get(name):
            values[name] = text
    return values


def _candidate(
    values: dict[str, str], options: LeadOptions, tags: list[str], owner: str, config: Config
) -> Customer:
    values.setdefault("source", options.source or "")
    missing = [name for name in REQUIRED if not values.get(name)]
    if not (values.get("phone") or values.get("email")):
        missing.append("phone or email")
    if missing:
        raise UsageError(Msg("missing {names}", names=", ".join(missing)))
    row_tags = [t.strip() for t in _TAG_SPLIT.split(values.get("tags", "")) if t.strip()]
    new = NewCustomer(
        name=values["name"],
        source=values["source"],
        contact=values["contact"],
        phone=values.get("phone"),
        email=values.get("email"),
        needs=values["needs"],
        industry=values.get("industry"),
        title=values.get("title"),
        tags=[*row_tags, *tags],
        size=values.get("size"),
        birthday=values.get("birthday"),
        credit_code=values.get("credit_code"),
    )
    if values.get("owner"):
        owner = config.member(values["owner"]).id
    return build_customer(new, "CRM000001001", options.created, owner, config)


def _duplicate(
    plan: ImportPlan,
    outcome: Outcome,
    candidate: Customer,
    duplicate: tuple[str, str],
    by_id: dict[str, Customer],
    on_duplicate: str,
) -> None:
    number, what = duplicate
    made_here = _made_here(plan, number)
    outcome.customer_id = number
    if on_duplicate == "skip":
        outcome.status, outcome.reason = (
            "duplicate",
            Msg(
                "duplicate: same {what} as {where}",
                what=Term("duplicate key", what),
                where=_where(plan, number, by_id),
            ),  # fmt: skip
        )
        return
    where = Msg("{number} (row {row} of this file)", number=number, row=made_here) if made_here else number
    target = by_id[number]
    merge_lead(target, candidate)
    if not made_here and all(target is not c for c in plan.updated):
        plan.updated.append(target)
    outcome.status = "updated"
    outcome.reason = Msg("merged into {where} (same {what})", where=where, what=Term("duplicate key", what))


def _made_here(plan: ImportPlan, number: str) -> int | None:
    return next((o.row for o in plan.outcomes if o.customer_id == number and o.status == "added"), None)


def _where(plan: ImportPlan, number: str, by_id: dict[str, Customer]) -> str:
    """The customer a row repeats: its number and owner only (a rep may not read another's
    customer, but must know whom to ask), or the row of this file that added it."""
    made_here = _made_here(plan, number)
    if made_here:
        return Msg("{number} (row {row} of this file)", number=number, row=made_here)
    return Msg("{number} (owner {owner})", number=number, owner=by_id[number].owner)


def merge_lead(target: Customer, lead: Customer) -> None:
    """Add what the lead knows and the customer lacks: tags, a new contact, empty fields."""
    target.tags = sorted(set(target.tags) | set(lead.tags))
    names = {c.name for c in target.contacts}
    for contact in lead.contacts:
        if contact.name not in names:
            target.contacts.append(type(contact)(**{**vars(contact), "primary": False}))
    target.industry = target.industry or lead.industry
    target.size = target.size or lead.size


def round_robin_owners(config: Config) -> list[str]:
    """The sales reps, in the order salescrm.yaml lists them."""
    reps = [m.id for m in config.members if m.dept == "sales" and m.role == "rep"]
    if not reps:
        raise UsageError(
            Msg("--assign round-robin: the team has no sales reps"), hint=Msg("add one: salescrm member add")
        )
    return reps
