"""Masking personal data for files that leave the team (``export --redact``)."""

from __future__ import annotations

import copy

from salescrm.core.model import Customer


def mask_name(name: str) -> str:
    """``王经理`` → ``王*理``, ``王芳`` → ``王*``."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``: the first three and last four digits stay."""
    positions = [i for i, ch in enumerate(phone) if ch.isdigit()]
    keep = set(positions[:3] + positions[-4:]) if len(positions) >= 8 else set(positions[-2:])
    return "".join("*" if i in positions and i not in keep else ch for i, ch in enumerate(phone))


def mask_email(email: str) -> str:
    """``wang@example.com`` → ``w***@example.com``."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def redacted(customer: Customer) -> Customer:
    """A copy of ``customer`` whose contacts' names, titles, phones and e-mails are masked
    (a birthday in a calendar names its holder by name, title and phone)."""
    masked = copy.deepcopy(customer)
    for contact in masked.contacts:
        contact.name = mask_name(contact.name)
        contact.title = mask_name(contact.title) if contact.title else contact.title
        contact.phone = mask_phone(contact.phone) if contact.phone else None
        contact.email = mask_email(contact.email) if contact.email else None
    return masked
