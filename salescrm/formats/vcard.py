"""Contacts as vCard 3.0 (vobject): one card per contact, the customer as its organisation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from salescrm.core.model import Customer


def vcards(customers: Iterable[Customer]) -> Iterator[str]:
    """The customers' contacts' cards, one at a time."""
    import vobject

    for customer in customers:
        for index, contact in enumerate(customer.contacts, start=1):
            card = vobject.vCard()
            card.add("uid").value = f"{customer.id}-contact{index}@salescrm"
            card.add("n").value = vobject.vcard.Name(family=contact.name)
            card.add("fn").value = contact.name
            card.add("org").value = [customer.name]
            if contact.title:
                card.add("title").value = contact.title
            if contact.phone:
                card.add("tel").value = contact.phone
            if contact.email:
                card.add("email").value = contact.email
            if contact.birthday and len(contact.birthday) == 10:
                card.add("bday").value = contact.birthday
            card.add("note").value = f"{customer.id} {customer.name}"
            yield card.serialize()
