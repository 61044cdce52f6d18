"""The filter language: ``tier = B and followups(3m) > 5 and tag = 需求明确``.

Text → tokens → a tree (recursive descent, grammar in docs/query.md) → a
predicate over a customer, or over one of its opportunities. Every mistake is a
``QueryError`` that knows its column, so the command line can point at it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.deals import opened_on, probability, stage_on, won_between
from salescrm.core.errors import UsageError
from salescrm.core.labels import SIZES, STAGES, TIERS, Vocabulary
from salescrm.core.model import Customer, Opportunity
from salescrm.core.parse import day_of, parse_amount, parse_date
from salescrm.core.periods import window_start

FIELD_HINT = "see docs/query.md for the fields and the grammar"


class QueryError(UsageError):
    """A query that cannot be read; its message shows the query with a caret under ``column``."""

    def __init__(self, reason: str, expression: str, column: int, hint: str | None = None) -> None:
        self.reason = reason
        self.expression = expression
        self.column = column
        pointer = " " * _width(expression[:column]) + "^"
        super().__init__(f"bad query: {reason}\n  {expression}\n  {pointer}", hint=hint or FIELD_HINT)


def _width(text: str) -> int:
    """Terminal columns of ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# -- tokens -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    kind: str  # ( ) , op word string end
    text: str
    column: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<punct>[(),])
      | (?P<op>!=|>=|<=|=|>|<|~)
      | (?P<string>"[^"]*"|'[^']*')
      | (?P<word>[^\s()=!<>~,"']+)""",
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            quote = text[position] in "\"'"
            reason = "unclosed quote" if quote else f"unexpected character {text[position]!r}"
            raise QueryError(reason, text, position)
        kind = match.lastgroup or ""
        if kind == "punct":
            tokens.append(Token(match.group(), match.group(), position))
        elif kind == "string":
            tokens.append(Token("string", match.group()[1:-1], position))
        elif kind != "space":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# -- what a query is evaluated against ----------------------------------------------------
@dataclass(frozen=True)
class QueryContext:
    as_of: date
    me: str | None = None  # the acting member, for ``owner = me``
    stage_probability: Callable[[Opportunity], Decimal] | None = None


@dataclass(frozen=True)
class Subject:
    customer: Customer
    opportunity: Opportunity | None = None


Getter = Callable[[Subject, QueryContext, date | None], Any]


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | number | bool | date
    get: Getter
    level: str = "customer"  # customer | opportunity
    window: bool = False  # takes a duration: followups(3m)
    vocabulary: Vocabulary | None = None
    many: bool = False  # a list of values (tags): = means "has one equal to"


def _followups(s: Subject, ctx: QueryContext, start: date | None) -> int:
    return sum(
        1
        for f in s.customer.followups
        if (start is None or day_of(f.at) > start) and day_of(f.at) <= ctx.as_of
    )


def _won(s: Subject, ctx: QueryContext, start: date | None) -> Decimal:
    return won_between(s.customer, start or date.min, ctx.as_of)


def _days_since_contact(s: Subject, ctx: QueryContext, _: date | None) -> int:
    days = [day_of(f.at) for f in s.customer.followups if day_of(f.at) <= ctx.as_of]
    last = max(days, default=s.customer.first_contact or s.customer.created)
    return (ctx.as_of - last).days


def _opp(get: Callable[[Opportunity, Subject, QueryContext], Any]) -> Getter:
    return lambda s, ctx, _: None if s.opportunity is None else get(s.opportunity, s, ctx)


def _probability(o: Opportunity, s: Subject, ctx: QueryContext) -> Decimal | None:
    if ctx.stage_probability is not None:
        return ctx.stage_probability(o)
    return o.probability


def _customer(attribute: str) -> Getter:
    return lambda s, ctx, _: getattr(s.customer, attribute)


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("id", "text", _customer("id")),
        Field("name", "text", _customer("name")),
        Field("tier", "text", _customer("tier"), vocabulary=TIERS),
        Field("industry", "text", _customer("industry")),
        Field("owner", "text", _customer("owner")),
        Field("source", "text", _customer("source")),
        Field("needs", "text", _customer("needs")),
        Field("size", "text", _customer("size"), vocabulary=SIZES),
        Field("tag", "text", _customer("tags"), many=True),
        Field("archived", "bool", _customer("archived")),
        Field("pinned", "bool", _customer("tier_pinned")),
        Field("created", "date", _customer("created")),
        Field("days_since_contact", "number", _days_since_contact),
        Field("followups", "number", _followups, window=True),
        Field("won", "number", _won, window=True),
        Field(
            "stage",
            "text",
            _opp(lambda o, s, ctx: stage_on(o, s.customer, ctx.as_of)),
            "opportunity",
            vocabulary=STAGES,
        ),  # fmt: skip
        Field("amount", "number", _opp(lambda o, s, ctx: o.amount), "opportunity"),
        Field("close", "date", _opp(lambda o, s, ctx: o.close), "opportunity"),
        Field("probability", "number", _opp(_probability), "opportunity"),
        Field("opp_owner", "text", _opp(lambda o, s, ctx: o.owner), "opportunity"),
        Field("opened", "date", _opp(lambda o, s, ctx: opened_on(o, s.customer)), "opportunity"),
    )
}
FIELD_ALIASES = {"tags": "tag", "follow-ups": "followups", "跟进": "followups", "等级": "tier",
                 "行业": "industry", "负责人": "owner", "标签": "tag", "需求": "needs", "阶段": "stage",
                 "金额": "amount"}  # fmt: skip
ORDERED = (">", ">=", "<", "<=")
_TRUE = {"true": True, "yes": True, "是": True, "false": False, "no": False, "否": False}
_DURATION = re.compile(r"^(\d{1,4})([dwmy])$", re.IGNORECASE)


# -- the tree ------------------------------------------------------------------------------
class Node:
    def test(self, subject: Subject, ctx: QueryContext) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class And(Node):
    left: Node
    right: Node

    def test(self, subject: Subject, ctx: QueryContext) -> bool:
        return self.left.test(subject, ctx) and self.right.test(subject, ctx)


@dataclass(frozen=True)
class Or(Node):
    left: Node
    right: Node

    def test(self, subject: Subject, ctx: QueryContext) -> bool:
        return self.left.test(subject, ctx) or self.right.test(subject, ctx)


@dataclass(frozen=True)
class Not(Node):
    inner: Node

    def test(self, subject: Subject, ctx: QueryContext) -> bool:
        return not self.inner.test(subject, ctx)


ME = object()  # ``owner = me``: the acting member, known only when the query runs


@dataclass(frozen=True)
class Compare(Node):
    field: Field
    op: str  # = != > >= < <= ~ in notin
    values: tuple[Any, ...]
    window: tuple[int, str] | None = None

    def test(self, subject: Subject, ctx: QueryContext) -> bool:
        start = window_start(ctx.as_of, *self.window) if self.window else None
        actual = self.field.get(subject, ctx, start)
        values = [ctx.me if v is ME else v for v in self.values]
        if self.field.many:
            found = any(_matches(item, self.op, values) for item in actual)
            return not found if self.op in ("!=", "notin") else found
        if actual is None:
            return self.op in ("!=", "notin")
        if self.op in ("!=", "notin"):
            return not _matches(actual, "=", values)
        return _matches(actual, self.op, values)


def _fold(value: Any) -> Any:
    return unicodedata.normalize("NFKC", value).casefold() if isinstance(value, str) else value


def _matches(actual: Any, op: str, values: list[Any]) -> bool:
    actual = _fold(actual)
    if op in ("=", "in", "!=", "notin"):
        return any(actual == _fold(v) for v in values)
    if op == "~":
        return any(_fold(v) in actual for v in values)
    value = values[0]
    return bool({">": actual > value, ">=": actual >= value, "<": actual < value, "<=": actual <= value}[op])


# -- the parser ----------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0
        self.fields: set[str] = set()
        self.uses_me = False  # ``owner = me``: the caller must know who is acting

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.position + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.position += 1
        return token

    def fail(self, reason: str, token: Token, hint: str | None = None) -> QueryError:
        return QueryError(reason, self.text, token.column, hint)

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.fail("the query is empty", self.peek(), "e.g. tier = B and followups(3m) > 5")
        node = self.any_of()
        if self.peek().kind != "end":
            raise self.fail(f"unexpected {self.peek().text!r}; expected and, or, or the end", self.peek())
        return node

    def any_of(self) -> Node:
        node = self.all_of()
        while self.peek().is_word("or", "或"):
            self.take()
            node = Or(node, self.all_of())
        return node

    def all_of(self) -> Node:
        node = self.negation()
        while self.peek().is_word("and", "且"):
            self.take()
            node = And(node, self.negation())
        return node

    def negation(self) -> Node:
        if self.peek().is_word("not", "非"):
            self.take()
            return Not(self.negation())
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token.kind == "(":
            self.take()
            node = self.any_of()
            self.close(token)
            return node
        if token.kind == "word":
            return self.comparison()
        found = "the end" if token.kind == "end" else repr(token.text)
        raise self.fail(f"expected a field or '(', found {found}", token)

    def close(self, opening: Token) -> None:
        if self.peek().kind != ")":
            raise self.fail("unclosed parenthesis", opening, "add the missing ')'")
        self.take()

    def comparison(self) -> Node:
        name = self.take()
        found = FIELDS.get(FIELD_ALIASES.get(name.text, name.text.lower()))
        if found is None:
            raise self.fail(f"unknown field {name.text!r}", name, "fields: " + ", ".join(FIELDS))
        self.fields.add(found.name)
        window = self.duration(found) if self.peek().kind == "(" else None
        operator = self.peek()
        if operator.kind == "op":
            self.take()
            return Compare(found, operator.text, (self.value(found, operator, self.take()),), window)
        negated = operator.is_word("not") and self.peek(1).is_word("in")
        if operator.is_word("in") or negated:
            self.position += 2 if negated else 1
            values = self.value_list(found, operator)
            return Compare(found, "notin" if negated else "in", values, window)
        if found.kind == "bool":
            return Compare(found, "=", (True,), window)
        raise self.fail(f"expected an operator after {name.text} (= != > >= < <= ~ in)", operator)

    def duration(self, found: Field) -> tuple[int, str]:
        opening = self.take()
        if not found.window:
            raise self.fail(f"{found.name} takes no duration", opening)
        token = self.take()
        match = _DURATION.match(token.text) if token.kind == "word" else None
        if match is None:
            raise self.fail(
                f"bad duration {token.text!r}", token, "write a number and d, w, m or y: 30d, 2w, 3m, 1y"
            )
        self.close(opening)
        return int(match.group(1)), match.group(2).lower()

    def value_list(self, found: Field, operator: Token) -> tuple[Any, ...]:
        opening = self.take()
        if opening.kind != "(":
            raise self.fail("expected '(' after in, e.g. industry in (IT服务, 制造业)", opening)
        values = [self.value(found, operator, self.take())]
        while self.peek().kind == ",":
            self.take()
            values.append(self.value(found, operator, self.take()))
        self.close(opening)
        return tuple(values)

    def value(self, found: Field, operator: Token, token: Token) -> Any:
        if token.kind not in ("word", "string"):
            shown = "the end" if token.kind == "end" else repr(token.text)
            raise self.fail(f"expected a value after {found.name} {operator.text}, found {shown}", token)
        try:
            return self.typed(found, operator.text, token)
        except QueryError:
            raise
        except UsageError as error:
            raise self.fail(error.message, token, error.hint) from None

    def typed(self, found: Field, op: str, token: Token) -> Any:
        text = token.text
        if found.kind == "text":
            if op in ORDERED:
                raise self.fail(f"{found.name} is text: it cannot be compared with {op}", token)
            if found.name == "owner" and text.lower() == "me":
                self.uses_me = True
                return ME
            return found.vocabulary.parse(text) if found.vocabulary and op != "~" else text
        if op == "~":
            raise self.fail(f"~ (contains) works on text; {found.name} is a {found.kind}", token)
        if found.kind == "number":
            if token.kind == "string" or not re.match(r"^[\d０-９]", text):
                raise self.fail(f"{found.name} is a number; {text!r} is text", token)
            return parse_amount(text, f"number for {found.name}", allow_zero=True)
        if found.kind == "date":
            return parse_date(text, what=f"date for {found.name}")
        if text.lower() not in _TRUE or op not in ("=", "!="):
            raise self.fail(
                f"{found.name} is true or false: write `{found.name}` or `not {found.name}`", token
            )
        return _TRUE[text.lower()]


@dataclass(frozen=True)
class Query:
    text: str
    root: Node
    fields: frozenset[str] = field(default_factory=frozenset)
    uses_me: bool = False

    @property
    def uses_opportunity(self) -> bool:
        return any(FIELDS[name].level == "opportunity" for name in self.fields)

    def matches(self, customer: Customer, ctx: QueryContext) -> bool:
        """Does the customer match? Opportunity fields must hold for one and the same deal."""
        if self.uses_opportunity:
            return any(self.root.test(Subject(customer, o), ctx) for o in customer.opportunities)
        return self.root.test(Subject(customer), ctx)

    def matches_opportunity(self, customer: Customer, opportunity: Opportunity, ctx: QueryContext) -> bool:
        return self.root.test(Subject(customer, opportunity), ctx)

    def selects(self, customer: Customer, ctx: QueryContext) -> bool:
        """What ``query`` and ``export --where`` pick: archived customers only when it names ``archived``."""
        return (not customer.archived or "archived" in self.fields) and self.matches(customer, ctx)


def parse_query(text: str) -> Query:
    """A compiled query, or a QueryError pointing at the fault.

    Example: parse_query("tier = B and followups(3m) > 5 and tag = 需求明确")
    """
    parser = _Parser(text)
    root = parser.parse()
    return Query(text, root, frozenset(parser.fields), parser.uses_me)


def query_context(as_of: date, me: str | None, config: Any = None) -> QueryContext:
    """The context to run a query in; with a config, probability falls back to the stage's default."""
    if config is None:
        return QueryContext(as_of, me)
    return QueryContext(as_of, me, lambda o: probability(o, config))
