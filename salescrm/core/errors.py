"""Every error salescrm reports, each with the exit code of DESIGN §3.

Nothing below ``salescrm.cli`` prints or exits: it raises one of these and the
single handler in ``cli.main`` prints ``error: …`` / ``hint: …`` and exits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Self


class Msg(str):
    """A message in English that keeps its template and values, so that the edge can say it in
    the user's language (salescrm.i18n translates the template, then fills the values in).

    Example: str(Msg("no customer matches {text!r}", text="启明")) == "no customer matches '启明'"
    """

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Self:
        message = super().__new__(cls, template.format(**values))
        message.template, message.values = template, values
        return message


class Term(str):
    """A vocabulary key inside a message (a stage, a channel, a kind of record): English text
    here, the vocabulary's label where the edge says the message in another language.

    Example: Term("stage", "proposal", "proposal (方案制定)") reads 方案制定 in zh.
    """

    vocabulary: str
    key: str

    def __new__(cls, vocabulary: str, key: str, text: str | None = None) -> Term:
        term = super().__new__(cls, key if text is None else text)
        term.vocabulary, term.key = vocabulary, key
        return term


class Listed(str):
    """Words joined by ", " inside a message, each said in the reader's language at the edge."""

    parts: tuple[str, ...]

    def __new__(cls, parts: Sequence[str]) -> Listed:
        listed = super().__new__(cls, ", ".join(parts))
        listed.parts = tuple(parts)
        return listed


def message_data(message: object) -> object:
    """A message as plain data (the index stores problems): a Msg keeps its template and values,
    a Term its vocabulary and key, so that a problem read back is said in any language."""
    if isinstance(message, Listed):
        return {"listed": [message_data(part) for part in message.parts]}
    if isinstance(message, Term):
        return {"term": [message.vocabulary, message.key, str(message)]}
    if isinstance(message, Msg):
        return {"msg": message.template, "values": {k: message_data(v) for k, v in message.values.items()}}
    return message if isinstance(message, (int, float, Decimal, date, type(None))) else str(message)


def message_of(data: object) -> object:
    """The message ``message_data`` made ``data`` of."""
    if isinstance(data, dict) and "listed" in data:
        return Listed([str(message_of(part)) for part in data["listed"]])
    if isinstance(data, dict) and "term" in data:
        vocabulary, key, text = data["term"]
        return Term(vocabulary, key, text)
    if isinstance(data, dict) and "msg" in data:
        return Msg(data["msg"], **{k: message_of(v) for k, v in data["values"].items()})
    return data


class CrmError(Exception):
    """Base class: a message for the user, an optional hint, an exit code."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(CrmError):
    """Bad usage or bad input: a missing field, a bad date, a gate not met."""

    exit_code = 2


class NotFoundError(CrmError):
    """No such customer, opportunity, task or member."""

    exit_code = 3


class ConflictError(CrmError):
    """Locked by another writer, an ID taken, a duplicate, a merge needing a person."""

    exit_code = 4


class DamagedError(CrmError):
    """A data file is damaged: bad YAML, conflict markers, schema violation."""

    exit_code = 5


@dataclass(frozen=True)
class Problem:
    """One finding of a validation: where it is and what is wrong.

    ``keys`` is the path inside the document (``("followups", 3, "via")``) so the
    store can turn it into a line number without the core knowing about files.
    """

    file: str
    message: str
    line: int | None = None
    keys: tuple[str | int, ...] = ()
    severity: str = "error"  # error | warning: a warning leaves the record usable

    def __str__(self) -> str:
        from salescrm.core.safe_text import visible  # a file name or value can hold anything

        return visible(self.said)

    @property
    def said(self) -> Msg:
        """The problem as a message (English here; the edge says it in the reader's language)."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.severity == "warning":
            return Msg("{where}: warning: {message}", where=where, message=self.message)
        return Msg("{where}: {message}", where=where, message=self.message)
