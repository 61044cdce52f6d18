"""Every word salescrm shows, in the user's language: one gettext catalogue per language.

The catalogues are ``salescrm/locale/<lang>/LC_MESSAGES/salescrm.po`` (the source a translator
edits), compiled with Babel to the ``.mo`` files beside them (``make messages``; both are
shipped, so a fresh clone runs without a build step, and a test fails when a ``.mo`` is older
than its ``.po``). Each message has a context (``stage``, ``heading``, ``review`` …) and a key;
code asks ``t(lang, context, key)``. The vocabularies' keys (stages, channels …) are the keys
of their contexts, so a label is ``label("stage", "won", lang)``.

Errors and hints are ``core.errors.Msg`` (an English text that keeps its template and values,
so the core stays free of catalogues); ``say`` translates them at the edge, without a context.
Babel extracts the literal calls (keywords ``t:2c,3``, ``N_:1c,2`` and ``Msg``); keys chosen at run
time (a column, a stage) come from the contexts the catalogue lists (tests/test_messages.py
checks every vocabulary key and every column heading is there).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "salescrm"
LOCALE_DIR = Path(__file__).with_name("locale")
CATALOGUES = {"zh": "zh_CN", "en": "en"}  # --lang → the catalogue's folder


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English when there is none)."""
    folder = CATALOGUES.get(lang, "en")
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[folder], fallback=True)


def t(lang: str, context: str, key: str, **values: Any) -> str:
    """The text of ``key`` in ``context`` in ``lang``, with ``{name}`` fields filled in; the key
    itself when the catalogue has no text for it."""
    text = translations(lang).pgettext(context, key)
    return text.format(**values) if values else text


def say(message: str, lang: str) -> str:
    """A message (core.errors.Msg) in ``lang``: its template translated, then its values filled
    in (a value that is a message or a core.errors.Term said in ``lang`` too); any other text as
    it is."""
    if lang == "en":
        return str(message)
    parts = getattr(message, "parts", None)
    if parts is not None:  # a core.errors.Listed
        return ", ".join(say(part, lang) for part in parts)
    vocabulary = getattr(message, "vocabulary", None)
    if vocabulary is not None:  # a core.errors.Term
        return t(lang, vocabulary, getattr(message, "key", ""))
    template = getattr(message, "template", None)
    if template is None:
        return str(message)
    values = {name: say(value, lang) if isinstance(value, str) else value
              for name, value in getattr(message, "values", {}).items()}  # fmt: skip
    return translations(lang).gettext(template).format(**values)


def N_(context: str, key: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Marks a message for extraction where its text is looked up later; returns the key."""
    return key


def label(vocabulary: str, key: str, lang: str) -> str:
    """A vocabulary key's label (``label("stage", "won", "zh")`` → 成交)."""
    return t(lang, vocabulary, key)


def heading(column: str, lang: str) -> str:
    """A listing's column heading (JSON and CSV keep the key)."""
    return t(lang, "heading", column)


def figure(name: str, lang: str) -> str:
    """A report's key figure (``lead_to_won_pct`` → 线索成交率%); a column heading when not its own."""
    text = t(lang, "figure", name)
    return heading(name, lang) if text == name else text
