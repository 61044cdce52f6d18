"""A customer's history, read from the commit messages salescrm writes.

Every write commits with ``salescrm <command>: <records> (by <member>)``; other
commits (a hand edit, a merge) are shown with their subject as they are. The member in
a message is whoever the committer said they were (``--as``, ``$SALESCRM_USER``): a
convenience, not proof, so git's own author is shown beside it (SECURITY.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUBJECT = re.compile(r"^salescrm (?P<command>[^:]+): (?P<records>.*) \(by (?P<member>[^()]+)\)$")


@dataclass(frozen=True)
class Change:
    """One commit that touched a customer's file, as ``customer history`` shows it."""

    when: str  # "2024-05-03 10:00", the committer's local time
    who: str
    command: str
    records: str
    author: str = ""  # git's author of the commit: what the committer's git was set to


def change_of(iso_time: str, author: str, subject: str) -> Change:
    """One commit as a Change: the member and command from our message, else git's author."""
    when = iso_time[:16].replace("T", " ")
    match = _SUBJECT.match(subject.strip())
    if match:
        return Change(when, match["member"], match["command"], match["records"], author)
    return Change(when, author, "git", subject.strip(), author)
