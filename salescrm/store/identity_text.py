"""The identity file's search text: every customer's duplicate-check keys, a line each.

``customer add`` checks the new customer's name, phones and e-mails against every other
customer's. At 10,000 customers, unpacking and comparing 10,000 identities cost ~15 ms; finding
the new customer's three to five keys in one text costs well under one. A line is
``<kind><key>\\x1f<file's stem>[\\x1f<number, when not the stem>]`` — kind ``i`` for the
normalised name (every usable customer has this line), ``c`` for the credit code, ``p`` for a
phone, ``e`` for an e-mail, ``a`` for a number merged into the customer (found by ``alias_of``,
never a duplicate) — and the text (UTF-8) is a newline, then each line followed by one. The
first match is the one ``core.identity.find_duplicate`` names: the customer first in file
order, and within it what matched in ``MATCH_ORDER``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from salescrm.core.identity import MATCH_ORDER

if TYPE_CHECKING:
    from salescrm.core.identity import Identity

NAME, CREDIT, PHONE, EMAIL, ALIAS = "i", "c", "p", "e", "a"
_WHAT = {CREDIT: "credit code", NAME: "name", PHONE: "phone", EMAIL: "e-mail"}
_RANK_OF_WHAT = {what: MATCH_ORDER.index(what) for what in _WHAT.values()}
_RANK = {kind: _RANK_OF_WHAT[what] for kind, what in _WHAT.items()}
EMPTY = b"\n"
_FOLDER, _SUFFIX = "customers/", ".yaml"  # every file is customers/<stem>.yaml (store/scan.py)


def _escaped(text: str) -> str:
    """A key or file name as the text holds it: no newline, no separator."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\x1f", "\\u")


def _stem(file: str) -> str:
    return _escaped(file.removeprefix(_FOLDER).removesuffix(_SUFFIX))


def lines_of(file: str, row: list[Any] | None) -> bytes:
    """The lines of one customer file (a row of the cache: ``core.identity.identity_row``;
    None for a file that is not usable), in UTF-8. The number is left out when it is the
    file's stem."""
    if row is None:
        return b""
    number, name, phones, emails, *more = row  # more: credit code and aliases, when known
    credit_code, aliases = [*more, "", []][:2]
    stem = _stem(file)
    tail = f"\x1f{stem}\n" if _escaped(number) == stem else f"\x1f{stem}\x1f{_escaped(number)}\n"
    keys = [NAME + name, *(PHONE + p for p in phones), *(EMAIL + e for e in emails)]
    keys += [CREDIT + credit_code] if credit_code else []
    keys += [ALIAS + a for a in aliases]
    return "".join(_escaped(key) + tail for key in keys).encode()


def text_of(rows: Iterable[tuple[str, list[Any] | None]]) -> bytes:
    return EMPTY + b"".join(lines_of(file, row) for file, row in rows)


def without(text: bytes, files: Iterable[str]) -> bytes:
    """``text`` without the lines of ``files``."""
    spans = [span for f in set(files) if (span := _block(text, _stem(f).encode())) is not None]
    if not spans:
        return text
    kept, last = [], 0
    for start, end in sorted(spans):
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return b"".join(kept)


def _block(text: bytes, stem: bytes) -> tuple[int, int] | None:
    """Where the lines of the file ``stem`` lie (from the newline before the first to the last's
    end): a file's lines lie together. Searched from the end, where the newest are added."""
    needle = b"\x1f" + stem
    at = text.rfind(needle)
    while at >= 0 and text[at + len(needle) : at + len(needle) + 1] not in (b"\n", b"\x1f"):
        at = text.rfind(needle, 0, at)  # a longer stem that starts with this one
    if at < 0:
        return None
    end = text.index(b"\n", at)
    start = text.rindex(b"\n", 0, at)
    while (before := text.rfind(b"\n", 0, start)) >= 0 and _of(text[before + 1 : start], stem):
        start = before
    return start, end


def _of(line: bytes, stem: bytes) -> bool:
    parts = line.split(b"\x1f")
    return len(parts) > 1 and parts[1] == stem


def _split(line: str) -> tuple[str, str, str]:
    """A line's key, file and number."""
    key, stem, *number = line.split("\x1f")
    return key, _FOLDER + _unescaped(stem) + _SUFFIX, _unescaped(number[0] if number else stem)


def first_match(text: bytes, mine: Identity) -> tuple[str, str, str] | None:
    """(file, number, what matched) of the first customer in ``text`` that ``mine`` repeats."""
    keys = ([NAME + mine.name] if mine.name else []) + [PHONE + p for p in mine.phones]
    keys += [EMAIL + e for e in mine.emails] + ([CREDIT + mine.credit_code] if mine.credit_code else [])
    best: tuple[tuple[str, int], str, str] | None = None
    for key in keys:
        needle = ("\n" + _escaped(key) + "\x1f").encode()
        at = text.find(needle)
        while at >= 0:  # every occurrence: a key may repeat (--allow-duplicate), in any order
            end = text.index(b"\n", at + 1)
            _, file, number = _split(text[at + 1 : end].decode())
            rank = (file, _RANK[key[0]])
            if best is None or rank < best[0]:
                best = (rank, number, _WHAT[key[0]])
            at = text.find(needle, end)
    return None if best is None else (best[0][0], best[1], best[2])


def precedence(match: tuple[str, str, str]) -> tuple[str, int]:
    """Which of two matches (file, number, what matched) ``find_duplicate`` names first."""
    file, _, what = match
    return file, _RANK_OF_WHAT[what]


def identities_of(text: bytes) -> list[tuple[str, Identity]]:
    """Each customer's file and identity, in file order (what the lines say)."""
    from salescrm.core.identity import Identity

    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    for line in text.decode().split("\n"):
        if not line:
            continue
        key, file, number = _split(line)
        found.setdefault((file, number), {}).setdefault(key[0], []).append(_unescaped(key[1:]))
    return sorted(
        (
            file,
            Identity(
                number,
                _one(keys, NAME),
                keys.get(PHONE, []),
                keys.get(EMAIL, []),
                _one(keys, CREDIT),
                tuple(keys.get(ALIAS, ())),
            ),
        )  # fmt: skip
        for (file, number), keys in found.items()
    )


_NAME_LINE = re.compile("\ni([^\x1f\n]*)\x1f([^\x1f\n]*)(?:\x1f([^\n]*))?")  # leaves each line's \n


def names_of(text: bytes) -> list[tuple[str, str]]:
    """(number, normalised name) of every customer in ``text``: the close-name check's input,
    found by one regular expression (every line holding keys would cost ten times more)."""
    return [
        (_unescaped(number or stem), _unescaped(name))
        for name, stem, number in _NAME_LINE.findall(text.decode())
    ]


def _one(keys: dict[str, list[str]], kind: str) -> str:
    return keys[kind][0] if kind in keys else ""


def alias_owner(text: bytes, number: str) -> str | None:
    """The number of the customer that ``number`` was merged into, if any."""
    at = text.find(("\n" + ALIAS + _escaped(number) + "\x1f").encode())
    if at < 0:
        return None
    return _split(text[at + 1 : text.index(b"\n", at + 1)].decode())[2]


def _unescaped(text: str) -> str:
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "u": "\x1f"}.get(m.group(1), m.group(1)), text)
