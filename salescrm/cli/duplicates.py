"""The duplicate check of a new customer (查重) on the command line: the store's identities,
the core's matching (core/identity.py), and the warning a close name gets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salescrm.cli.context import warn
from salescrm.core.errors import ConflictError, Msg

if TYPE_CHECKING:
    from salescrm.cli.context import Session
    from salescrm.core.model import Customer


def refuse_duplicates(s: Session, candidate: Customer, exact: bool = True, close: bool = True) -> None:
    """Stop adding ``candidate`` when a customer on file has its credit code, name, phone or
    e-mail (``exact``), or a name at least ``duplicates.name_similarity`` alike (``close``).
    Only the other customer's number and owner are named: they say whom to ask, and show
    nothing a rep may not read."""
    from salescrm.core.identity import close_name, identity_of, refuse_duplicate

    mine = identity_of(candidate)
    found, names = s.datadir.duplicate_and_names(mine, names=close)
    if exact and found is not None:
        number, what = found
        refuse_duplicate(number, s.datadir.read_customer(number).owner, what)
    if close and (near := close_name(mine, names, s.config.name_similarity)) is not None:
        number, score = near
        owner = s.datadir.read_customer(number).owner
        warn(f"{candidate.name!r} is close to the name of customer {number} (owner {owner}): {score:.0f}/100")
        raise ConflictError(
            Msg(
                "not added: {name!r} may be customer {number} (owner {owner})",
                name=candidate.name,
                number=number,
                owner=owner,
            ),
            hint=Msg("ask {owner}; if it is another company, add --force", owner=owner),
        )
