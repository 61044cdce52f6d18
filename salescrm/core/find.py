"""Finding a customer as a rep thinks of it: by number, a fragment of its name, its name in
full pinyin or initials (``qmkj`` → 上海启明科技有限公司), a contact's name or a phone fragment.

``keys_of`` is a plain function of a ``Customer`` (the cache keeps its result as the ``find``
summary, so a search decodes no record); ``search`` filters the keys by substring and ranks
the hits with rapidfuzz; ``choose`` turns the hits into the one customer a command works on.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from salescrm.core.errors import Msg, NotFoundError, UsageError
from salescrm.core.ids import check_customer_id
from salescrm.core.model import Customer

SHOWN = 8  # hits named in an "ambiguous" error; the rest are counted
_KEEP = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]")  # what a key or query is compared on
_PHONE = re.compile(r"^[\d\s()+\-]+$")
_MIN_PHONE_DIGITS = 3  # fewer digits match far too many numbers
# A number typed in full (CRM + 9 digits or more), or mangled (CRM-2024…, CRM²⁰²⁴…), or a
# path: checked as a number, never searched (``../CRM202405001`` must not find CRM202405001).
_NUMBER_LIKE = re.compile(r"^CRM(\d{9,}|[^A-Z\d].*)$|[/\\\x00-\x1f\x7f]", re.IGNORECASE | re.DOTALL)


class SearchKeys(NamedTuple):
    """What ``find`` compares a query with, of one customer (all normalised: casefolded,
    without spaces and punctuation; phones as digits)."""

    id: str
    name: str  # as written, for display
    tier: str
    owner: str
    plain: str  # the name normalised
    spelled: str  # full pinyin: shanghaiqimingkejiyouxiangongsi
    initials: str  # shqmkjyxgs
    contacts: list[str]
    phones: list[str]


class Hit(NamedTuple):
    keys: SearchKeys
    score: float
    exact: bool  # the query is a whole key (number, name, pinyin or initials), not a fragment


def normalise(text: str) -> str:
    return _KEEP.sub("", text.casefold())


def spell(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of ``text``; letters and digits outside Chinese are kept whole
    in both (``IBM中国`` → ``ibmzhongguo``, ``ibmzg``)."""
    full, initials = [], []
    for piece in _pinyin().lazy_pinyin(text, errors=_kept):
        if piece.startswith("\0"):
            kept = normalise(piece[1:])
            full.append(kept)
            initials.append(kept)
        else:
            full.append(piece)
            initials.append(piece[:1])
    return "".join(full), "".join(initials)


def _kept(chunk: str) -> str:
    return "\0" + chunk


@functools.cache
def _pinyin() -> Any:
    """pypinyin's ``lazy_pinyin`` as it reads by default, remembering the pinyin of each
    Chinese word it segments a text into: names share words (有限公司, 科技, 北京), and a first
    run spells 10,000 of them (pypinyin copies and restyles each word's readings every time).
    Imported here: a command given a number never loads its dictionaries."""
    from collections.abc import Callable

    from pypinyin.constants import RE_HANS, Style
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    class Remembering(UltimateConverter):
        known: dict[tuple[str, Style, bool, bool], list[list[str]]] = {}

        def convert(
            self,
            words: str,
            style: Style,
            heteronym: bool,
            errors: Callable[[str], str] | str,
            strict: bool = True,
            **kwargs: Any,
        ) -> list[list[str]]:
            if errors is not _kept or kwargs or not RE_HANS.match(words):
                return super().convert(words, style, heteronym, errors, strict=strict, **kwargs)
            key = (words, style, heteronym, strict)
            found = self.known.get(key)
            if found is None:
                found = super().convert(words, style, heteronym, errors, strict=strict)
                if len(self.known) < _REMEMBERED_WORDS:
                    self.known[key] = [list(readings) for readings in found]
                return found
            return [list(readings) for readings in found]

    return Pinyin(Remembering())


_REMEMBERED_WORDS = 100_000


def keys_of(customer: Customer) -> SearchKeys:
    spelled, initials = spell(customer.name)
    return SearchKeys(
        customer.id,
        customer.name,
        customer.tier,
        customer.owner,
        normalise(customer.name),
        spelled,
        initials,
        [normalise(c.name) for c in customer.contacts],
        [re.sub(r"\D", "", c.phone) for c in customer.contacts if c.phone],
    )


def keys_to_data(keys: SearchKeys) -> list[Any]:
    return list(keys)


def keys_from_data(data: list[Any]) -> SearchKeys:
    return SearchKeys(*data)


def as_number(text: str) -> str | None:
    """``text`` as a customer number when it is meant as one (a bad one is an error), or None
    when it is something to search for."""
    if _NUMBER_LIKE.search(text.strip()):
        return check_customer_id(text)
    return None


def _query(text: str) -> tuple[str, str | None]:
    """(the query normalised, its digits when it reads as a phone fragment)."""
    wanted = normalise(text)
    if not wanted:
        raise UsageError(
            Msg("nothing to search for in {text!r}", text=text),
            hint=Msg("give a number, part of a name, its pinyin or initials (qmkj), or part of a phone"),
        )
    digits = re.sub(r"\D", "", text)
    is_phone = bool(_PHONE.match(text.strip())) and len(digits) >= _MIN_PHONE_DIGITS
    return wanted, digits if is_phone else None


def _fields(keys: SearchKeys, wanted: str, digits: str | None) -> list[str]:
    """The keys of one customer that hold the query."""
    found = [
        value
        for value in (keys.id.casefold(), keys.plain, keys.spelled, keys.initials, *keys.contacts)
        if wanted in value
    ]
    if digits:
        found += [phone for phone in keys.phones if digits in phone]
    return found


def search(text: str, candidates: list[SearchKeys]) -> list[Hit]:
    """Every customer whose number, name, pinyin, initials, contacts or phones hold ``text``,
    best first: whole keys, then by rapidfuzz's similarity of the query to the key it is in
    (a fragment that is most of a name ranks above one that is a small part), then by number."""
    from rapidfuzz import fuzz

    wanted, digits = _query(text)
    hits = []
    for keys in candidates:
        found = _fields(keys, wanted, digits)
        if found:
            exact = wanted in (keys.id.casefold(), keys.plain, keys.spelled, keys.initials)
            score = max(fuzz.ratio(wanted, value) for value in found)
            hits.append(Hit(keys, 100.0 if exact else score, exact))
    hits.sort(key=lambda hit: (-hit.score, hit.keys.id))
    return hits


def closest(text: str, candidates: list[SearchKeys]) -> SearchKeys | None:
    """The customer whose name (or its pinyin) is most like ``text``, for a hint after no hit."""
    from rapidfuzz import fuzz, process

    wanted = normalise(text)
    if not wanted or not candidates:
        return None
    names = {i: f"{k.plain} {k.spelled} {k.initials}" for i, k in enumerate(candidates)}
    best = process.extractOne(wanted, names, scorer=fuzz.partial_ratio, score_cutoff=75)
    return None if best is None else candidates[best[2]]


def listed(hits: list[Hit]) -> str:
    """``CRM202405001 上海启明科技有限公司, …`` (and how many more)."""
    named = ", ".join(f"{hit.keys.id} {hit.keys.name}" for hit in hits[:SHOWN])
    more = len(hits) - SHOWN
    return named + (f", … +{more}" if more > 0 else "")


def choose(text: str, candidates: list[SearchKeys]) -> str:
    """The number of the one customer ``text`` names: the only hit, or the only whole-key hit.
    Several: an error listing them (exit 2); none: not found (exit 3)."""
    hits = search(text, candidates)
    exact = [hit for hit in hits if hit.exact]
    if len(exact) == 1:
        return exact[0].keys.id
    if len(hits) == 1:
        return hits[0].keys.id
    if hits:
        raise UsageError(
            Msg(
                "{text!r} matches {count} customers: {listed}",
                text=text,
                count=len(hits),
                listed=listed(hits),
            ),
            hint=Msg("give the customer number, or more of the name (salescrm find lists them)"),
        )
    raise no_match(text, candidates)


def no_match(text: str, candidates: list[SearchKeys]) -> NotFoundError:
    """The error for a query nothing matches, with the closest name as a hint."""
    near = closest(text, candidates)
    hint = Msg("did you mean {number} {name}?", number=near.id, name=near.name) if near else None
    return NotFoundError(
        Msg("no customer matches {text!r}", text=text),
        hint=hint or Msg("search with: salescrm find TEXT (a name, pinyin, initials or phone)"),
    )
