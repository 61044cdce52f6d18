"""Shell completion of values (``salescrm --install-completion``): customers with their
names, opportunity and task references, members, stages, channels, industries and saved
filters. Completion must answer in well under 150 ms at 10,000 customers: customer numbers
come from the listing of customers/ and names from the head of at most ``NAMED`` files; no
cache is opened. A value with a Chinese label is offered both ways (``negotiation`` and
``商务谈判``): the command line takes either, and the shell keeps those that start with what
is typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer  # typer reads the completion functions' annotations

if TYPE_CHECKING:
    from salescrm.cli.context import Session

NAMED = 50  # candidates that get their name beside them; more are listed by number alone
Candidates = list[tuple[str, str]]


def _session(ctx: Any) -> Session:
    """A session from the global options typed so far (completion runs no command callback)."""
    from salescrm.cli.context import Session

    params = ctx.find_root().params
    return Session(params.get("data"), params.get("as_member"), params.get("lang"))


def _quietly(complete: Any) -> Any:
    """A completion never prints an error into the shell: no data directory, no candidates."""

    def run(ctx: typer.Context, incomplete: str) -> Candidates:
        try:
            return complete(_session(ctx), incomplete)
        except Exception:
            return []

    run.__doc__ = complete.__doc__
    return run


def _customers(s: Session, incomplete: str) -> Candidates:
    """Numbers starting with what is typed, each with its name. (Shells and typer keep only
    candidates that start with the typed word, so a name cannot complete to its number:
    ``salescrm find`` and the CUSTOMER argument itself take names.)"""
    prefix = incomplete.strip().upper()
    return _named(s, [n for n in s.datadir.customer_ids() if n.startswith(prefix)])


def _named(s: Session, numbers: list[str]) -> Candidates:
    if len(numbers) > NAMED:
        return [(n, "") for n in numbers]
    from salescrm.store.file_heads import names_from_heads

    names = names_from_heads(s.datadir.customers_dir, numbers)
    return [(n, names.get(n, "")) for n in numbers]


def _references(kind: str) -> Any:
    """Opportunity (O) or task (T) references: the customer first, then its items."""

    def complete(s: Session, incomplete: str) -> Candidates:
        number, dash, _ = incomplete.upper().partition("-")
        if not dash:
            return [(f"{n}-{kind}", name) for n, name in _customers(s, incomplete)]
        customer = s.datadir.read_customer(number)
        items = customer.opportunities if kind == "O" else [t for t in customer.tasks if t.status == "open"]
        found = [(f"{customer.id}-{item.id}", getattr(item, "name", None) or item.focus) for item in items]  # type: ignore[union-attr]
        return [(ref, text) for ref, text in found if ref.startswith(incomplete.upper())]

    complete.__doc__ = f"{'Opportunity' if kind == 'O' else 'Open task'} references."
    return _quietly(complete)


customers = _quietly(_customers)
opportunities = _references("O")
tasks = _references("T")


@_quietly
def members(s: Session, incomplete: str) -> Candidates:
    """Member ids with their names (``me`` too)."""
    found = [(m.id, m.name) for m in s.config.members]
    return [(i, n) for i, n in [("me", ""), *found] if i.startswith(incomplete)]


def _vocabulary(of: Any, labels_too: bool = True) -> Any:
    def complete(s: Session, incomplete: str) -> Candidates:
        pairs = of(s)
        both = [*pairs, *((label, key) for key, label in pairs if labels_too and label and label != key)]
        return [(value, text) for value, text in both if value.startswith(incomplete)]

    return _quietly(complete)


def _labelled(vocabulary: str, keys: Any) -> Any:
    def pairs(s: Session) -> list[tuple[str, str]]:
        from salescrm.core import labels

        words = getattr(labels, vocabulary)
        return [(key, words.label(key, "zh")) for key in keys(s, words)]

    return pairs


stages = _vocabulary(_labelled("STAGES", lambda s, words: words.keys))
channels = _vocabulary(_labelled("CHANNELS", lambda s, words: s.config.channels))
industries = _vocabulary(lambda s: [(name, "") for name in s.config.industries])
saved_filters = _vocabulary(lambda s: list(s.config.filters.items()), labels_too=False)  # name, its query
