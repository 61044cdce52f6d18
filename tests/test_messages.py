"""The message catalogues (salescrm/i18n.py): complete in zh_CN and en, compiled, and in use."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from salescrm.core.labels import CHANNELS, DEPARTMENTS, FORECASTS, ROLES, SIZES, STAGES, TASK_STATUSES, TIERS
from salescrm.i18n import CATALOGUES, LOCALE_DIR, t

PACKAGE = Path(__file__).resolve().parent.parent / "salescrm"
VOCABULARIES = (TIERS, STAGES, CHANNELS, DEPARTMENTS, ROLES, SIZES, TASK_STATUSES, FORECASTS)


def catalogue(lang: str, suffix: str = "po"):  # type: ignore[no-untyped-def]
    path = LOCALE_DIR / CATALOGUES[lang] / "LC_MESSAGES" / f"salescrm.{suffix}"
    with path.open("rb") as handle:
        return read_po(handle) if suffix == "po" else read_mo(handle)


def entries(lang: str) -> dict[tuple[str | None, str], str]:
    return {(m.context, m.id): m.string for m in catalogue(lang) if m.id}  # type: ignore[misc]


@pytest.mark.parametrize("lang", list(CATALOGUES))
def test_the_shipped_mo_is_the_po_compiled(lang: str) -> None:
    """``make messages`` was run after the last edit of the .po (a fresh clone needs no build)."""
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(lang))
    shipped = (LOCALE_DIR / CATALOGUES[lang] / "LC_MESSAGES" / "salescrm.mo").read_bytes()
    assert read_mo(io.BytesIO(shipped)).__dict__.keys() and {
        (m.context, m.id): m.string for m in read_mo(io.BytesIO(compiled.getvalue())) if m.id
    } == {(m.context, m.id): m.string for m in catalogue(lang, "mo") if m.id}, "run: make messages"


def test_both_languages_have_every_message_and_no_empty_one() -> None:
    zh, en = entries("zh"), entries("en")
    assert zh.keys() == en.keys()
    assert [key for key, text in {**zh, **en}.items() if not text] == []
    assert [key for key, text in zh.items() if text == key[1] and not key[1].isascii()] == []


def test_every_literal_message_in_the_code_is_in_the_catalogues() -> None:
    """What Babel extracts (``t(lang, "ctx", "key")`` and ``N_("ctx", "key")``) is translated."""
    found = {
        (context, message)
        for _, _, message, _, context in extract_from_dir(
            str(PACKAGE),
            method_map=[("**.py", "python")],
            keywords={"t": ((2, "c"), 3), "N_": ((1, "c"), 2), "Msg": (1,)},
        )
    }
    assert found, "the extraction found nothing: are the keywords right?"
    assert sorted(found - entries("zh").keys()) == []


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.kind)
def test_every_key_has_a_label_and_the_chinese_label_is_accepted_as_input(vocabulary) -> None:  # type: ignore[no-untyped-def]
    for key in vocabulary.keys:
        assert t("en", vocabulary.kind, key) == key
        shown = t("zh", vocabulary.kind, key)
        assert vocabulary.parse(shown) == key  # what a table shows can be typed back


def test_placeholders_agree_between_languages() -> None:
    import string

    zh, en = entries("zh"), entries("en")
    for key in zh:
        fields = [
            {name for _, name, _, _ in string.Formatter().parse(text) if name} for text in (zh[key], en[key])
        ]
        assert fields[0] == fields[1], key
