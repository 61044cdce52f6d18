"""Creating and changing customer profiles: the rules behind ``salescrm customer …``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypeVar

from salescrm.core.causes import Cause
from salescrm.core.config import Config
from salescrm.core.errors import ConflictError, Msg, NotFoundError, UsageError
from salescrm.core.identity import parse_credit_code
from salescrm.core.labels import SIZES, TIERS
from salescrm.core.model import Contact, Customer, TierChange
from salescrm.core.parse import (
    parse_birthday,
    parse_date,
    parse_email,
    parse_phone,
    parse_text,
)
from salescrm.core.timeline import record, refuse_future


@dataclass
class NewCustomer:
    """What ``customer add`` was given, before any checks."""

    name: str | None = None
    source: str | None = None
    contact: str | None = None
    phone: str | None = None
    email: str | None = None
    needs: str | None = None
    industry: str | None = None
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    tier: str | None = None
    owner: str | None = None
    size: str | None = None
    birthday: str | None = None
    credit_code: str | None = None


def build_customer(new: NewCustomer, customer_id: str, created: date, owner: str, config: Config) -> Customer:
    """A checked Customer, or a UsageError naming every missing field at once."""
    missing = [
        option
        for option, value in (
            ("NAME", new.name),
            ("--source", new.source),
            ("--contact", new.contact),
            ("--phone or --email", new.phone or new.email),
            ("--needs", new.needs),
        )
        if not (value and value.strip())
    ]
    if missing:
        raise UsageError(
            Msg(
                "missing required field{value}: {names}",
                value="s" if len(missing) > 1 else "",
                names=", ".join(missing),
            )
        )
    if owner:  # "": straight into the pool (import leads --pool)
        config.member(owner)
    contact = Contact(
        name=parse_text(new.contact, "contact name", 100),
        title=parse_text(new.title, "contact title", 100) if new.title else None,
        phone=parse_phone(new.phone) if new.phone else None,
        email=parse_email(new.email) if new.email else None,
        birthday=parse_birthday(new.birthday) if new.birthday else None,
        primary=True,
    )
    return Customer(
        id=customer_id,
        name=parse_text(new.name, "name", 200),
        source=parse_text(new.source, "source", 200),
        needs=parse_text(new.needs, "needs", 5000, multiline=True),
        owner=owner,
        created=created,
        first_contact=created,
        credit_code=parse_credit_code(new.credit_code) if new.credit_code else None,
        tier=TIERS.parse(new.tier) if new.tier else "C",
        industry=parse_industry(new.industry, config) if new.industry else None,
        size=SIZES.parse(new.size) if new.size else None,
        tags=sorted({parse_tag(tag) for tag in new.tags}),
        contacts=[contact],
    )


def parse_industry(text: str, config: Config) -> str:
    value = text.strip()
    if value not in config.industries:
        raise UsageError(
            Msg("unknown industry {text!r}", text=text),
            hint=Msg("choose one of: {names}", names=", ".join(config.industries)),
        )
    return value


def parse_tag(text: str) -> str:
    tag = parse_text(text, "tag", 50)
    if "," in tag or tag.startswith(("+", "-")):
        raise UsageError(Msg("bad tag {text!r}: no commas, and no leading + or -", text=text))
    return tag


SETTABLE = (
    "name",
    "credit_code",
    "industry",
    "size",
    "source",
    "needs",
    "tier",
    "tier_pinned",
    "owner",
    "first_contact",
)


def set_field(customer: Customer, assignment: str, config: Config, by: str, now: datetime) -> str:
    """Apply ``FIELD=VALUE`` to ``customer`` at ``now``; returns the field name. A new tier
    or owner is dated in the record's history (core/timeline.py)."""
    name, sep, value = assignment.partition("=")
    name = name.strip()
    if not sep:
        raise UsageError(
            Msg("bad assignment {assignment!r}", assignment=assignment),
            hint=Msg("write FIELD=VALUE, e.g. industry=制造业"),
        )
    if name not in SETTABLE:
        raise UsageError(
            Msg("field {name!r} cannot be set", name=name),
            hint=Msg("settable fields: {names}", names=", ".join(SETTABLE)),
        )
    if name == "tier":
        new_tier = TIERS.parse(value)
        if new_tier != customer.tier:
            customer.tier_history.append(
                TierChange(now.date(), customer.tier, new_tier, Cause("set_by", {"member": by}))
            )
        customer.tier = new_tier
    elif name == "tier_pinned":
        customer.tier_pinned = _yes_no(value)
    elif name == "owner":
        record(customer.changes, customer, "owner", config.member(value.strip()).id, now, by)
    elif name == "industry":
        customer.industry = parse_industry(value, config) if value.strip() else None
    elif name in ("size", "credit_code"):  # may be cleared
        parse = SIZES.parse if name == "size" else parse_credit_code
        setattr(customer, name, parse(value) if value.strip() else None)
    elif name == "first_contact":
        first = parse_date(value, what="first_contact")
        refuse_future(first, now, "first_contact")
        customer.first_contact = first
    else:
        limit = 5000 if name == "needs" else 200
        setattr(customer, name, parse_text(value, name, limit, multiline=name == "needs"))
    return name


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "yes", "1", "on", "是"):
        return True
    if value in ("false", "no", "0", "off", "否"):
        return False
    raise UsageError(Msg("bad value {text!r}: write true or false", text=text))


def change_tags(customer: Customer, changes: list[str]) -> None:
    """``+TAG`` adds, ``-TAG`` removes, a bare ``TAG`` adds."""
    tags = set(customer.tags)
    for change in changes:
        if change.startswith("-"):
            tags.discard(parse_text(change[1:], "tag", 50))
        else:
            tags.add(parse_tag(change.removeprefix("+")))
    customer.tags = sorted(tags)


def add_contact(customer: Customer, contact: Contact) -> None:
    """Add ``contact``; a customer's contacts are told apart by name, so a second of the same
    name is refused (``contact set`` changes the one there is)."""
    if any(other.name == contact.name for other in customer.contacts):
        raise ConflictError(
            Msg("{id} already has a contact called {name!r}", id=customer.id, name=contact.name),
            hint=Msg(
                "change that one: salescrm customer contact {id} set --name {name} …; or tell "
                "them apart, e.g. --name 陈老板（采购）",
                id=customer.id,
                name=contact.name,
            ),
        )
    if contact.primary:
        for other in customer.contacts:
            other.primary = False
    elif not customer.contacts:
        contact.primary = True
    customer.contacts.append(contact)


def build_contact(
    name: str,
    title: str | None,
    phone: str | None,
    email: str | None,
    birthday: str | None,
    primary: bool,
) -> Contact:
    if not (phone or email):
        raise UsageError(Msg("a contact needs --phone or --email"))
    return Contact(
        name=parse_text(name, "contact name", 100),
        title=parse_text(title, "contact title", 100) if title else None,
        phone=parse_phone(phone) if phone else None,
        email=parse_email(email) if email else None,
        birthday=parse_birthday(birthday) if birthday else None,
        primary=primary,
    )


def update_contact(
    customer: Customer,
    name: str,
    title: str | None,
    phone: str | None,
    email: str | None,
    birthday: str | None,
    primary: bool,
) -> None:
    """Change the contact called ``name``; only the options given change."""
    matches = [c for c in customer.contacts if c.name == name.strip()]
    if not matches:
        known = ", ".join(c.name for c in customer.contacts)
        raise NotFoundError(
            Msg("{id} has no contact {name!r}", id=customer.id, name=name),
            hint=Msg("its contacts: {known}", known=known),
        )
    if len(matches) > 1:
        raise UsageError(
            Msg(
                "{id} has {count} contacts called {value!r}: which one is unclear",
                id=customer.id,
                count=len(matches),
                value=name.strip(),
            ),
            hint=Msg("rename one first in the file: salescrm customer edit {id}", id=customer.id),
        )
    contact = matches[0]
    if title is not None:
        contact.title = parse_text(title, "contact title", 100)
    if phone is not None:
        contact.phone = parse_phone(phone)
    if email is not None:
        contact.email = parse_email(email)
    if birthday is not None:
        contact.birthday = parse_birthday(birthday)
    if primary:
        for other in customer.contacts:
            other.primary = other is contact


@dataclass(frozen=True)
class CustomerFilter:
    """``customer list``'s options: each one given narrows the list."""

    tier: str | None = None
    owner: str | None = None
    tag: str | None = None
    industry: str | None = None
    source: str | None = None
    archived: bool = False  # include archived customers


class Listed(Protocol):
    """What ``filter_customers`` reads: a Customer, or its ``listrows.Row``."""

    @property
    def id(self) -> str: ...
    @property
    def tier(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def industry(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def archived(self) -> bool: ...


L = TypeVar("L", bound=Listed)


def filter_customers(customers: Iterable[L], wanted: CustomerFilter, config: Config) -> list[L]:
    tier = TIERS.parse(wanted.tier) if wanted.tier else None
    industry = parse_industry(wanted.industry, config) if wanted.industry else None
    chosen = []
    for c in customers:
        if (
            (c.archived and not wanted.archived)
            or (tier and c.tier != tier)
            or (wanted.owner and c.owner != wanted.owner)
            or (wanted.tag and wanted.tag not in c.tags)
            or (industry and c.industry != industry)
            or (wanted.source and wanted.source not in c.source)
        ):
            continue
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.id)
