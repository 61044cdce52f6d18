"""The filter language: ``tier = B and followups(3m) > 5 and tag = 需求明确``.

Text → tokens → a tree (recursive descent, grammar in docs/query.md) → a
predicate over a customer's ``listrows.Row`` (what the cache keeps for lists), or over
one of its deals; a whole Customer is tested through its row. Every mistake is a
``QueryError`` that knows its column, so the command line can point at it.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.errors import Msg, UsageError
from salescrm.core.folding import fold
from salescrm.core.labels import SIZES, STAGES, TIERS, Vocabulary
from salescrm.core.listrows import AnyDeal, Row, row_of
from salescrm.core.model import Customer
from salescrm.core.parse import parse_amount, parse_date
from salescrm.core.periods import window_start

FIELD_HINT = Msg("see docs/query.md for the fields and the grammar")


MAX_NESTING = 32  # parentheses and ``not`` around one comparison
MAX_TERMS = 200  # comparisons in one query
LIMIT_HINT = Msg("split the query, or write it with fewer parentheses")


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
    """A piece of a query's text, and the column it starts at (for error messages)."""

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
    """What a query is evaluated against besides the data: the day, the acting member."""

    as_of: date
    me: str | None = None  # the acting member, for ``owner = me``
    stage_probability: Callable[[str], Decimal] | None = None  # a stage's default probability

    @property
    def day(self) -> int:
        return self.as_of.toordinal()


@dataclass(frozen=True)
class Subject:
    """A customer's row, and one of its deals when the query asks about deals."""

    row: Row
    deal: AnyDeal | None = None


Getter = Callable[[Subject, QueryContext, date | None], Any]


@dataclass(frozen=True)
class Field:
    """A name a query can use, and how to read it off a customer or an opportunity."""

    name: str
    kind: str  # text | number | bool | date
    get: Getter
    level: str = "customer"  # customer | opportunity
    window: bool = False  # takes a duration: followups(3m)
    vocabulary: Vocabulary | None = None
    many: bool = False  # a list of values (tags): = means "has one equal to"


def _after(start: date | None) -> int:
    """The ordinal of a window's start (the day before it): 0, before every day, for none."""
    return start.toordinal() if start is not None else 0


def _followups(s: Subject, ctx: QueryContext, start: date | None) -> int:
    return s.row.followups_between(_after(start), ctx.day)


def _won(s: Subject, ctx: QueryContext, start: date | None) -> Decimal:
    return s.row.won_between(_after(start), ctx.day)


def _days_since_contact(s: Subject, ctx: QueryContext, _: date | None) -> int:
    return ctx.day - s.row.last_contact(ctx.day)


def _opp(get: Callable[[AnyDeal, QueryContext], Any]) -> Getter:
    return lambda s, ctx, _: None if s.deal is None else get(s.deal, ctx)


def _probability(d: AnyDeal, ctx: QueryContext) -> Decimal | None:
    if d.probability is not None:
        return Decimal(d.probability)
    return ctx.stage_probability(d.stage) if ctx.stage_probability is not None else None


def _row(attribute: str) -> Getter:
    return lambda s, ctx, _: getattr(s.row, attribute)


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("id", "text", _row("id")),
        Field("name", "text", _row("name")),
        Field("tier", "text", _row("tier"), vocabulary=TIERS),
        Field("industry", "text", _row("industry")),
        Field("owner", "text", _row("owner")),
        Field("source", "text", _row("source")),
        Field("needs", "text", _row("needs")),
        Field("size", "text", _row("size"), vocabulary=SIZES),
        Field("tag", "text", _row("tags"), many=True),
        Field("archived", "bool", _row("archived")),
        Field("pinned", "bool", _row("tier_pinned")),
        Field("created", "date", _row("created_day")),
        Field("days_since_contact", "number", _days_since_contact),
        Field("followups", "number", _followups, window=True),
        Field("won", "number", _won, window=True),
        Field("stage", "text", _opp(lambda d, ctx: d.stage_on(ctx.day)), "opportunity", vocabulary=STAGES),
        Field("amount", "number", _opp(lambda d, ctx: Decimal(d.amount)), "opportunity"),
        Field("close", "date", _opp(lambda d, ctx: date.fromordinal(d.close)), "opportunity"),
        Field("probability", "number", _opp(_probability), "opportunity"),
        Field("opp_owner", "text", _opp(lambda d, ctx: d.owner), "opportunity"),
        Field("opened", "date", _opp(lambda d, ctx: date.fromordinal(d.opened)), "opportunity"),
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
    """Both sides hold."""

    left: Node
    right: Node

    def test(self, subject: Subject, ctx: QueryContext) -> bool:
        return self.left.test(subject, ctx) and self.right.test(subject, ctx)


@dataclass(frozen=True)
class Or(Node):
    """Either side holds."""

    left: Node
    right: Node

    def test(self, subject: Subject, ctx: QueryContext) -> bool:
        return self.left.test(subject, ctx) or self.right.test(subject, ctx)


@dataclass(frozen=True)
class Not(Node):
    """The inner condition does not hold."""

    inner: Node

    def test(self, subject: Subject, ctx: QueryContext) -> bool:
        return not self.inner.test(subject, ctx)


ME = object()  # ``owner = me``: the acting member, known only when the query runs


@dataclass(frozen=True)
class Compare(Node):
    """A field compared with values: ``tier = VIP``, ``followups(3m) < 2``."""

    field: Field
    op: str  # = != > >= < <= ~ in notin
    values: tuple[Any, ...]
    window: tuple[int, str] | None = None

    def test(self, subject: Subject, ctx: QueryContext) -> bool:
        start = _window_start(ctx.as_of, *self.window) if self.window else None
        actual = self.field.get(subject, ctx, start)
        values = _folded(self.values, ctx.me)
        if self.field.many:
            found = any(_matches(item, self.op, values) for item in actual)
            return not found if self.op in ("!=", "notin") else found
        if actual is None:
            return self.op in ("!=", "notin")
        if self.op in ("!=", "notin"):
            return not _matches(actual, "=", values)
        return _matches(actual, self.op, values)


@functools.lru_cache(maxsize=64)
def _window_start(as_of: date, amount: int, unit: str) -> date:
    return window_start(as_of, amount, unit)  # the same for every customer of a run


_fold = fold


def _folded(values: tuple[Any, ...], me: str | None) -> tuple[Any, ...]:
    """A comparison's values, folded once a run (``me`` stands for the acting member)."""
    # keyed by the values' types too: (True,) == (Decimal(1),) == (1,) as keys, and a cache
    # keyed by value alone handed `archived` a Decimal that SQLite cannot bind
    return _folded_typed(values, tuple(map(type, values)), me)


@functools.lru_cache(maxsize=256)
def _folded_typed(values: tuple[Any, ...], types: tuple[type, ...], me: str | None) -> tuple[Any, ...]:
    return tuple(_fold(me if v is ME else v) for v in values)


_ORDER: dict[str, Callable[[Any, Any], bool]] = {">": operator.gt, ">=": operator.ge, "<": operator.lt,
                                                 "<=": operator.le}  # fmt: skip


def _matches(actual: Any, op: str, values: tuple[Any, ...]) -> bool:
    """``actual op values``, with ``values`` already folded."""
    actual = _fold(actual)
    if op in ("=", "in", "!=", "notin"):
        return actual in values
    if op == "~":
        return any(v in actual for v in values)
    return _ORDER[op](actual, values[0])


# -- the parser ----------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0
        self.fields: set[str] = set()
        self.uses_me = False  # ``owner = me``: the caller must know who is acting
        self.depth = 0  # parentheses and ``not`` open around the current token
        self.terms = 0  # comparisons so far: and/or chains nest as deep as they are long

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
            self.enter()
            node = Not(self.negation())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token.kind == "(":
            self.enter()
            node = self.any_of()
            self.close(token)
            self.depth -= 1
            return node
        if token.kind == "word":
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise self.fail(f"more than {MAX_TERMS} comparisons in one query", token, LIMIT_HINT)
            return self.comparison()
        found = "the end" if token.kind == "end" else repr(token.text)
        raise self.fail(f"expected a field or '(', found {found}", token)

    def enter(self) -> Token:
        """Take a ``(`` or ``not``; a query nested deeper than anyone writes is refused (exit 2)
        rather than parsed or evaluated into a RecursionError (a saved filter comes by git)."""
        token = self.take()
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"nested more than {MAX_NESTING} levels deep", token, LIMIT_HINT)
        return token

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
    """A parsed query: its text, its tree, and the fields it uses."""

    text: str
    root: Node
    fields: frozenset[str] = field(default_factory=frozenset)
    uses_me: bool = False

    @functools.cached_property
    def uses_opportunity(self) -> bool:
        return any(FIELDS[name].level == "opportunity" for name in self.fields)

    def matches_row(self, row: Row, ctx: QueryContext) -> bool:
        """Does the customer match? Opportunity fields must hold for one and the same deal."""
        if self.uses_opportunity:
            return any(self.root.test(Subject(row, deal), ctx) for deal in row.deals)
        return self.root.test(Subject(row), ctx)

    def selects_row(self, row: Row, ctx: QueryContext) -> bool:
        """What ``query`` and ``export --where`` pick: archived customers only when it names ``archived``."""
        return (not row.archived or "archived" in self.fields) and self.matches_row(row, ctx)

    def row_of(self, customer: Customer) -> Row:
        """The row of ``customer``, decoding only the lists this query reads."""
        followups = not self.fields.isdisjoint(("followups", "days_since_contact"))
        return row_of(customer, followups, self.uses_opportunity or "won" in self.fields, packed=False)

    def matches(self, customer: Customer, ctx: QueryContext) -> bool:
        return self.matches_row(self.row_of(customer), ctx)

    def matches_deal(self, row: Row, deal: AnyDeal, ctx: QueryContext) -> bool:
        """Does one deal of the customer ``row`` match (customer fields read from ``row``)?"""
        return self.root.test(Subject(row, deal), ctx)

    def selects(self, customer: Customer, ctx: QueryContext) -> bool:
        return self.selects_row(self.row_of(customer), ctx)


# What a query needs of a customer's profile, for the index to leave out the others before
# any row is read: (field, "in" | "contains", folded values) — the field's folded value is one
# of the values, or holds one of them. Only tier, owner, name and archived are asked about.
Test = tuple[str, str, tuple[Any, ...]]
_NARROWED = frozenset({"tier", "owner", "name", "archived"})


def narrowing(query: Query, ctx: QueryContext, hide_archived: bool = True) -> list[Test]:
    """Tests every customer ``query.selects_row`` picks passes (a superset: the query still
    decides): the comparisons of those fields joined by ``and`` at the top of the query.
    Without ``hide_archived``, for ``query.matches_row``/``matches_deal``: archived customers too."""
    hidden = hide_archived and "archived" not in query.fields
    tests: list[Test] = [("archived", "in", (False,))] if hidden else []
    pending, found = [query.root], []
    while pending:
        node = pending.pop()
        if isinstance(node, And):
            pending += [node.left, node.right]
        elif isinstance(node, Compare) and node.field.name in _NARROWED and node.window is None:
            found.append(node)
    for node in found:
        values = _folded(node.values, ctx.me)
        if any(v is None for v in values):
            continue
        if node.op in ("=", "in"):
            tests.append((node.field.name, "in", values))
        elif node.op == "~" and node.field.name == "name":
            tests.append(("name", "contains", values))
    return tests


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
    return QueryContext(as_of, me, config.stage_probability)
