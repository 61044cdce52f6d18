"""What makes two customers the same company (查重): names, phones and e-mails as compared,
the 统一社会信用代码, and the matches between customers — exact (refused) and close (a warning).

A company's name is written many ways: 珠海横琴科技, 珠海横琴科技有限公司, 横琴科技（珠海）有限公司,
ＡＢＣ 科技 (full width). ``normal_company`` reduces each to one key: width, case, spaces,
punctuation and brackets ignored, the legal-form suffix (有限公司, 股份有限公司, 集团 …) and a
leading province or city left out — unless what remains is only a generic word (朝阳科技
stays itself: 科技 alone names no one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from itertools import combinations, combinations_with_replacement
from math import comb
from typing import TYPE_CHECKING, NamedTuple

from salescrm.core.errors import Listed, Msg, Term, UsageError
from salescrm.core.places import PLACES

if TYPE_CHECKING:  # the cache reads identities on every write: the model is imported where used
    from salescrm.core.model import Customer

# Longest first: 股份有限公司 before 有限公司 before 公司.
_LEGAL_FORM_TEXT = """
股份有限公司 有限责任公司 有限公司 集团有限公司 集团股份有限公司 集团 公司 总公司
coltd co ltd limited inc corp corporation company group
"""
_LEGAL_FORMS = sorted(
    _LEGAL_FORM_TEXT.split(),
    key=len,
    reverse=True,
)
_GENERIC = re.compile(
    "科技|技术|实业|贸易|商贸|电子|信息|网络|软件|投资|发展|建设|工程|物流|医药|教育|咨询|服务|制造|"
    "设备|能源|控股|传媒|文化|管理|智能|数据|系统|工业|企业|商务|国际|中国|银行|保险|证券"
)
_BRACKETED = re.compile(r"[(\[{<]([^)\]}>]*)[)\]}>]")  # after NFKC: （） 【】 are ( ) [ ]
_NOT_NAME = re.compile(r"[\s\W_]+")


def normal_company(text: str) -> str:
    """A company name as compared for duplicates."""
    value = unicodedata.normalize("NFKC", text).casefold().replace("【", "[").replace("】", "]")
    # A bracketed place (某某科技（北京）有限公司) is where the company sits: left out like a
    # leading one; any other bracket keeps its words.
    value = _BRACKETED.sub(lambda m: "" if _strip_place(m.group(1).strip()) == "" else m.group(1), value)
    value = _NOT_NAME.sub("", value)
    for _ in range(2):  # 集团 … 有限公司: two forms at most
        value = next((value[: -len(f)] for f in _LEGAL_FORMS if value.endswith(f) and len(value) > len(f)),
                     value)  # fmt: skip
    for _ in range(2):  # 广东省深圳市…: a province, then a city
        rest = _strip_place(value)
        if len(_GENERIC.sub("", rest)) < 2:
            break
        value = rest
    return value


def _strip_place(text: str) -> str:
    place = next((p for p in _PLACES_BY_FIRST.get(text[:1], ()) if text.startswith(p)), "")
    return text[len(place) :]


def _by_first_character(places: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The places grouped by their first character, each group in the order given (longest
    first): a name is compared with the few places that can start it, not all 3,220 (that
    took ~3 ms a customer in `check`)."""
    groups: dict[str, list[str]] = {}
    for place in places:
        groups.setdefault(place[0], []).append(place)
    return {first: tuple(group) for first, group in groups.items()}


_PLACES_BY_FIRST = _by_first_character(PLACES)


def normal_phone(text: str) -> str:
    """Digits only, without the country code (+86, 0086); a landline keeps its leading 0
    (+86 21 5555 5678 is 021-5555-5678)."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    if len(digits) > 11 and digits.startswith(("0086", "86")):
        digits = digits.removeprefix("00").removeprefix("86")
        if not digits.startswith(("0", "1")):
            digits = "0" + digits
    return digits


def normal_email(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


# -- 统一社会信用代码 --------------------------------------------------------------------


def parse_credit_code(text: str) -> str:
    """A 统一社会信用代码 (unified social credit code): 18 characters, digits and capitals
    but I, O, S, V and Z, the last a check character; spaces and dashes are dropped."""
    from stdnum.cn import uscc
    from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

    value = re.sub(r"[\s-]+", "", unicodedata.normalize("NFKC", text))
    hint = "it is 18 digits and capital letters, printed on the business licence (营业执照)"
    if any(c.islower() for c in value):
        raise UsageError(
            Msg("bad credit code {text!r}: lowercase letters are not allowed", text=text), hint=hint
        )
    try:
        return str(uscc.validate(value))
    except InvalidLength:
        raise UsageError(
            Msg("bad credit code {text!r}: {count} characters, not 18", text=text, count=len(value)),
            hint=hint,
        ) from None
    except InvalidChecksum:
        raise UsageError(
            Msg("bad credit code {text!r}: the check character is wrong", text=text),
            hint=Msg("a character is mistyped: compare it with the licence"),
        ) from None
    except ValidationError:
        raise UsageError(
            Msg("bad credit code {text!r}: only digits and capitals other than I, O, S, V, Z", text=text),
            hint=hint,
        ) from None


# -- identities and matches ----------------------------------------------------------------


class Identity(NamedTuple):
    """What makes two customers the same: normalised name, phones, e-mails, credit code;
    and the numbers merged into it (aliases). A tuple: a write's duplicate check builds
    10,000 of them, straight from the cache's rows."""

    customer_id: str
    name: str
    phones: Collection[str]  # a frozenset when computed here, a list when read from the cache
    emails: Collection[str]
    credit_code: str = ""
    aliases: Collection[str] = ()


def identity_of(customer: Customer) -> Identity:
    return Identity(
        customer.id,
        normal_company(customer.name),
        frozenset(normal_phone(c.phone) for c in customer.contacts if c.phone),
        frozenset(normal_email(c.email) for c in customer.contacts if c.email),
        customer.credit_code or "",
        tuple(customer.aliases),
    )


def identity_row(customer: Customer) -> list[object]:
    """The identity as plain data, for an index to keep (sorted: the same customer, the same row)."""
    i = identity_of(customer)
    return [i.customer_id, i.name, sorted(i.phones), sorted(i.emails), i.credit_code, sorted(i.aliases)]


# What matched, most telling first: the order find_duplicate names a match in.
MATCH_ORDER = ("credit code", "name", "phone", "e-mail")


def find_duplicate(candidate: Customer | Identity, existing: Iterable[Identity]) -> tuple[str, str] | None:
    """(number, what matched) of the first existing customer that ``candidate`` repeats."""
    mine = candidate if isinstance(candidate, Identity) else identity_of(candidate)
    for other in existing:
        what = same_keys(mine, other)
        if what:
            return other.customer_id, what[0]
    return None


def same_keys(mine: Identity, other: Identity) -> list[str]:
    """What ``mine`` and ``other`` share (credit code, name, phone, e-mail), in MATCH_ORDER."""
    if other.customer_id == mine.customer_id:
        return []
    found = []
    if mine.credit_code and mine.credit_code == other.credit_code:
        found.append("credit code")
    if mine.name and mine.name == other.name:
        found.append("name")
    if other.phones and not frozenset(mine.phones).isdisjoint(other.phones):
        found.append("phone")
    if other.emails and not frozenset(mine.emails).isdisjoint(other.emails):
        found.append("e-mail")
    return found


CONTAINED = 90  # the similarity of a name inside a longer one (横琴科技, 横琴科技发展)


def similarity(a: str, b: str) -> float:
    """How alike two normalised names are, 0-100: rapidfuzz's ratio (edits), and at least
    ``CONTAINED`` when one holds the other — a company often drops a word of its name."""
    from rapidfuzz import fuzz

    score = fuzz.ratio(a, b)
    return max(score, CONTAINED) if a and b and (a in b or b in a) else score


def close_name(mine: Identity, names: Sequence[tuple[str, str]], threshold: int) -> tuple[str, float] | None:
    """(number, score) of the customer whose normalised name (of ``names``: number, name) is
    most like ``mine``'s, when their ``similarity`` reaches ``threshold``. Candidates are
    found in C (rapidfuzz over 10,000 names: about a millisecond) and by substring, then scored."""
    from rapidfuzz import fuzz, process

    numbers, texts = zip(*names, strict=True) if names else ((), ())  # C speed: 10,000 pairs
    if not mine.name:
        return None
    found = process.extract(mine.name, texts, scorer=fuzz.ratio, score_cutoff=threshold, limit=2)
    candidates = [at for _, _, at in found]  # two: one may be the customer itself
    if threshold <= CONTAINED:
        candidates += [i for i, text in enumerate(texts) if text and (mine.name in text or text in mine.name)]
    scored = sorted(
        (-similarity(mine.name, texts[i]), numbers[i]) for i in candidates if numbers[i] != mine.customer_id
    )  # best first, then the lowest number
    if not scored or -scored[0][0] < threshold:
        return None
    return scored[0][1], round(-scored[0][0], 1)


class Pair(NamedTuple):
    """Two customers that are likely one company, and why."""

    first: str
    second: str
    reasons: tuple[str, ...]  # what they share, or "similar name (93)"


def likely_pairs(identities: list[Identity], threshold: int | None) -> list[Pair]:
    """Every pair sharing a key, and every pair of names at least ``threshold`` alike (None:
    shared keys only), sorted by number. Keys are grouped first (linear); names are compared pairwise in
    rapidfuzz (C++), as ``close_name`` compares them."""
    shared: dict[tuple[str, str], list[str]] = {}
    for what, keys_of in (
        ("credit code", lambda i: [i.credit_code] if i.credit_code else []),
        ("name", lambda i: [i.name] if i.name else []),
        ("phone", lambda i: i.phones),
        ("e-mail", lambda i: i.emails),
    ):
        holders: dict[str, list[str]] = {}
        for i in identities:
            for key in keys_of(i):
                holders.setdefault(key, []).append(i.customer_id)
        for numbers in holders.values():
            for a, b in _pairs(sorted(set(numbers))):
                reasons = shared.setdefault((a, b), [])
                if what not in reasons:
                    reasons.append(what)
    for a, b, score in _similar_names(identities, threshold) if threshold is not None else []:
        if (a, b) not in shared:
            shared[(a, b)] = [f"similar name ({score:.0f})"]
    return [Pair(a, b, tuple(reasons)) for (a, b), reasons in sorted(shared.items())]


def pair_text(pair: Pair) -> Msg:
    """``CRM…002 and CRM…005 may be one company (same name, phone)``."""
    keys = [r for r in pair.reasons if not r.startswith("similar")]
    why: list[str] = (
        [Msg("same {keys}", keys=Listed([Term("duplicate key", k) for k in keys]))] if keys else []
    )
    for reason in pair.reasons:
        if reason.startswith("similar name ("):
            why.append(Msg("similar name ({score})", score=reason[len("similar name (") : -1]))
        elif reason not in keys:
            why.append(reason)
    return Msg("{first} and {second} may be one company ({why})", first=pair.first, second=pair.second,
               why=Listed(why))  # fmt: skip


def _pairs(numbers: list[str]) -> Iterable[tuple[str, str]]:
    return ((a, b) for index, a in enumerate(numbers) for b in numbers[index + 1 :])


def _similar_names(identities: list[Identity], threshold: int) -> list[tuple[str, str, float]]:
    """Pairs of different names at least ``threshold`` alike (``similarity``). Not all pairs
    are scored (50 million at 10,000 customers, 5 s): only those close by edits
    (``_close_by_edits``) and names inside others (``_containing``). Both are exact: a pair
    they leave out cannot reach the threshold (tests/core/test_identity.py compares them
    with every pair)."""
    holders: dict[str, list[str]] = {}
    for number, name in sorted((i.customer_id, i.name) for i in identities if i.name):
        holders.setdefault(name, []).append(number)
    names = sorted(holders)
    candidates = _close_by_edits(names, threshold)
    if threshold <= CONTAINED:
        candidates |= _containing(names)
    found: list[tuple[str, str, float]] = []
    for first, second in candidates:
        score = similarity(names[first], names[second])
        if score >= threshold:
            found += [
                (min(a, b), max(a, b), score) for a in holders[names[first]] for b in holders[names[second]]
            ]
    return sorted(found)


# Building one key (a subsequence of a name) costs about as much as rapidfuzz scoring this
# many pairs in C: the cheaper way is taken for each pair of name lengths.
_PAIRS_PER_KEY = 4


def _close_by_edits(names: list[str], threshold: int) -> set[tuple[int, int]]:
    """Pairs of ``names`` whose rapidfuzz ratio reaches ``threshold``, blocked by length.

    The ratio of a and b is 200·LCS / (len a + len b), LCS the longest common subsequence:
    it reaches t exactly when a and b share a subsequence of ``common`` = ⌈t·(len a + len b)/200⌉
    characters. So for each pair of lengths, names are keyed by their subsequences of that
    length (横琴科技发展 and 横琴技术发展 both hold 横琴发展 …): names sharing a key are the
    pairs, and no other pair is. At 90 two names of 15 characters need 14 in common: 15 keys
    a name. When keys would cost more than scoring every pair of the two lengths (long names,
    a low threshold), rapidfuzz scores every pair instead."""
    from rapidfuzz import fuzz, process

    by_length: dict[int, list[int]] = {}
    for index, name in enumerate(names):
        by_length.setdefault(len(name), []).append(index)
    pairs: set[tuple[int, int]] = set()
    for short, long in combinations_with_replacement(sorted(by_length), 2):
        common = -(-threshold * (short + long) // 200)  # ⌈t·(short + long)/200⌉ in whole numbers
        if common > short:
            continue  # too far apart in length to be alike
        first, second = by_length[short], by_length[long]
        keys = len(first) * comb(short, common) + (len(second) * comb(long, common) if short != long else 0)
        if keys * _PAIRS_PER_KEY < len(first) * len(second):
            pairs |= _sharing_subsequence(names, first, second, common)
            continue
        for index in first:
            others = [i for i in second if i > index] if short == long else second
            scored = process.extract(names[index], [names[i] for i in others], scorer=fuzz.ratio,
                                     score_cutoff=threshold, limit=None)  # fmt: skip
            pairs.update(_ordered(index, others[at]) for _, _, at in scored)
    return pairs


def _sharing_subsequence(
    names: list[str], first: list[int], second: list[int], length: int
) -> set[tuple[int, int]]:
    """Pairs of a name of ``first`` and one of ``second`` (the same list: pairs within it)
    that share a subsequence of ``length`` characters."""
    holding: dict[str, list[int]] = {}
    for index in second:
        for key in {"".join(chars) for chars in combinations(names[index], length)}:
            holding.setdefault(key, []).append(index)
    pairs: set[tuple[int, int]] = set()
    if first is second:
        for holders in holding.values():
            pairs.update(combinations(holders, 2))  # indices in order: each pair once, sorted
        return pairs
    for index in first:
        for key in {"".join(chars) for chars in combinations(names[index], length)}:
            pairs.update(_ordered(index, other) for other in holding.get(key, ()))
    return pairs


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _containing(names: list[str]) -> set[tuple[int, int]]:
    """Pairs of ``names`` where one holds the other (横琴科技, 横琴科技发展): each name's
    substrings looked up among the names (names are short)."""
    at = {name: index for index, name in enumerate(names)}
    pairs: set[tuple[int, int]] = set()
    for index, name in enumerate(names):
        inside = {name[i:j] for i in range(len(name)) for j in range(i + 1, len(name) + 1)} - {name}
        pairs.update(_ordered(index, at[part]) for part in inside if part in at)
    return pairs


def refuse_duplicate(number: str, owner: str, what: str) -> None:
    """Stop a write that would add customer ``number`` (owned by ``owner``) again: its number
    and owner only — a rep may not read another's customer, but must know whom to ask."""
    from salescrm.core.errors import ConflictError

    raise ConflictError(
        Msg(
            "customer {number} (owner {owner}) has the same {what}",
            number=number,
            owner=owner,
            what=Term("duplicate key", what),
        ),
        hint=Msg(
            "ask {owner} about it; if this really is another company, add --allow-duplicate", owner=owner
        ),
    )
