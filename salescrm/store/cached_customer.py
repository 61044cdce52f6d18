"""Customers rebuilt from the cache: the profile at once, each long list when first used.

Apart from the cache (``store/cache.py``) so that a command reading only summaries never
imports the model's dataclasses (~5 ms): only ``RecordCache.load`` needs these.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from salescrm.core.model import Customer
from salescrm.store.cache import LAZY  # imported by the cache's load(), once the cache is
from salescrm.store.index_file import unpack

if TYPE_CHECKING:
    from salescrm.store.cache import Entry


@functools.cache
def _builders() -> tuple[Callable[[Any], Customer], dict[str, Callable[[Any], Any]]]:
    """What rebuilds a customer's head and each long list from the cache's data."""
    from salescrm.core.rebuild import builder, field_builder

    return builder(Customer, frozenset(LAZY)), {key: field_builder(Customer, key) for key in LAZY}


class CachedCustomer(Customer):
    """A Customer from the cache: its long lists are decoded when first used."""

    def __getattr__(self, name: str) -> Any:
        parts = self.__dict__.get("_parts")
        if parts is None or name not in LAZY:
            raise AttributeError(name)
        try:
            value = _builders()[1][name](unpack(parts.part(name))) if name in parts.parts else []
        except Exception:  # a damaged cache: read the file itself instead
            value = getattr(self.__dict__["_reload"](), name)
        setattr(self, name, value)
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Customer):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Customer))

    __hash__ = None  # type: ignore[assignment]


def customer_of(entry: Entry, reload: Any) -> Customer:
    customer: Customer = _builders()[0](entry.head())
    customer.__class__ = CachedCustomer
    customer.__dict__["_parts"] = entry
    customer.__dict__["_reload"] = reload
    for key in LAZY:
        if key not in entry.parts:
            setattr(customer, key, [])
    return customer
