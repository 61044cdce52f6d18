"""``--help`` in the reader's language, for every command and group of the tree, and click's
usage errors too (cli/help_language.py).

The tree is walked here, so a new command is covered as soon as it is registered. In zh, what
is left of a help after its usage line, the commands of its examples, option names, metavars,
IDs, paths, quoted queries and the words a reader types as they are (vocabulary keys, formats)
may hold no English word; in en, what is left after its examples and the sample values it
gives ("e.g. 某某科技有限公司", "or 售后") holds no Chinese.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from salescrm.cli.main import app
from salescrm.core.customers import SETTABLE as PROFILE_FIELDS
from salescrm.core.deal_edits import SETTABLE as DEAL_FIELDS
from salescrm.core.labels import CHANNELS, DEPARTMENTS, FORECASTS, ROLES, SIZES, STAGES
from tests.conftest import Crm, Digest


def _paths(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    ctx = typer.Context(command, info_name=path[-1] if path else "salescrm")
    found = [path]
    for name in command.list_commands(ctx) if isinstance(command, typer.core.TyperGroup) else []:
        found += _paths(command.get_command(ctx, name), (*path, name))
    return found


PATHS = _paths(typer.main.get_command(app))
COMMAND_NAMES = {name for path in PATHS for name in path}
GROUPS = {path for path in PATHS if any(other[: len(path)] == path != other for other in PATHS)}
IDS = [" ".join(path) or "salescrm" for path in PATHS]

# What a reader types as it is (keys, fields, formats, choices), and names that are not words.
TYPED = {
    *(
        key
        for vocabulary in (STAGES, CHANNELS, DEPARTMENTS, ROLES, SIZES, FORECASTS)
        for key in vocabulary.keys
    ),
    *PROFILE_FIELDS,
    *DEAL_FIELDS,
    *COMMAND_NAMES,
    *("table", "json", "csv", "md", "html", "text", "ics", "sqlite", "vcard", "zh", "en", "me"),
    *("week", "month", "reason", "competitor", "customer", "member", "signed", "collected"),
    *("skip", "update", "round-robin", "even", "tomorrow", "default", "archived", "contact"),
    *("who", "author", "qiming", "qmkj"),
    *("salescrm", "git", "shell", "Excel", "Markdown", "vCard", "SQLite", "iCalendar", "pre-receive"),
}
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_NOT_WORDS = re.compile(
    r"(?<![\w-])--?[A-Za-z][\w-]*|<[^>]*>|'[^']*'|`+[^`]*`+|\"[^\"]*\"|[\x21-\x7e]*[\d./@=$%_*\\][\x21-\x7e]*"
    r"|\[(?:默认：|default: )[^\]]*\]"  # a default value is what the command uses, as it is
)


def _run(args: list[str], **env: str | None) -> Any:
    return CliRunner().invoke(app, args, env={"SALESCRM_LANG": None, "SALESCRM_DATA": None, **env})


@cache
def helps(lang: str) -> dict[tuple[str, ...], str]:
    found = {}
    for path in PATHS:
        result = _run(["--lang", lang, *path, "--help"])
        assert result.exit_code == 0, (path, result.stderr)
        found[path] = result.stdout
    return found


def _body(text: str) -> list[str]:
    """The help's paragraphs after its usage line."""
    return text.split("\n\n")[1:]


def english_words(text: str) -> list[str]:
    """The English words of a zh help that are neither typed as they are nor names."""
    words = []
    for paragraph in _body(text):
        paragraph = re.sub(
            r"^ *[a-z][\w|-]*(?=  )", "", paragraph, flags=re.MULTILINE
        )  # a command, a metavar
        line = " ".join(paragraph.split())
        if line.startswith("示例："):  # the commands are as typed; what is said around them is not
            line = " ".join(part for part in re.split(r"示例：|或：|（|）", line) if "salescrm" not in part)
        line = _NOT_WORDS.sub(" ", line)
        words += [word for word in re.findall(r"[A-Za-z][A-Za-z'-]*", line) if _is_word(word)]
    return words


def _is_word(word: str) -> bool:
    return len(word) > 1 and not word.isupper() and word not in TYPED


def chinese(text: str) -> list[str]:
    """The Chinese of an en help other than in its examples and the sample values it gives."""
    found = []
    for paragraph in _body(text):
        line = " ".join(paragraph.split())
        if line.startswith("Example:"):
            continue
        line = re.sub(r"(?:e\.g\.|such as|\(or)\s[^.;)]*|\[default: [^\]]*\]", " ", line)
        found += _CJK.findall(line)
    return found


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_the_chinese_help_has_no_english_word(path: tuple[str, ...]) -> None:
    text = helps("zh")[path]
    assert text.startswith("用法：salescrm")
    assert english_words(text) == [], text
    titles = re.findall(r"^(\S[^\n]*)：$", text, re.MULTILINE)
    assert titles and set(titles) <= {"参数", "选项", "命令"}, titles


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_the_english_help_has_no_chinese(path: tuple[str, ...]) -> None:
    text = helps("en")[path]
    assert text.startswith("Usage: salescrm")
    assert chinese(text) == [], text


@pytest.mark.parametrize("path", [path for path in PATHS if path not in GROUPS or not path], ids=str)
def test_every_command_help_has_an_example(path: tuple[str, ...]) -> None:
    """The contract: every command's help shows how it is typed (groups list their commands)."""
    command = " ".join(("salescrm", *path))
    for lang, example in (("en", "Example: "), ("zh", "示例：")):
        paragraphs = [" ".join(p.split()) for p in _body(helps(lang)[path])]
        assert any(p.startswith(example) and "salescrm" in p for p in paragraphs), (lang, command)


def test_the_checks_find_what_they_look_for() -> None:
    """The two checks see an untranslated paragraph and a stray Chinese label."""
    assert english_words("用法：salescrm x\n\n  Add a customer.\n\n选项：\n  --tier <str>  VIP | A") == [
        "Add"
    ]
    assert chinese("Usage: salescrm x\n\n  Close a deal as won (成交).\n\n  Example: salescrm 某某") == list(
        "成交"
    )
    assert chinese("Usage: x\n\n  The name, e.g. 某某科技有限公司.") == []


def test_every_help_text_is_in_both_catalogues() -> None:
    """What ``make messages`` extracts from the tree (cli/help_catalogue.py) is in the .po."""
    from babel.messages.pofile import read_po

    from salescrm.cli.help_catalogue import extract
    from salescrm.i18n import CATALOGUES, LOCALE_DIR

    found = {messages for _, _, messages, _ in extract(None, None, None, None)}
    assert len(found) > 300
    for lang in CATALOGUES.values():
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "salescrm.po").open("rb") as handle:
            catalogue = {(m.context, m.id) for m in read_po(handle) if m.string}
        assert sorted(found - catalogue) == [], lang


def test_the_language_of_help_comes_from_where_commands_take_it(
    crm: Crm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zh, en = "用法：salescrm customer add", "Usage: salescrm customer add"
    assert _run(["customer", "add", "--help", "--lang", "zh"]).stdout.startswith(zh)  # anywhere
    assert _run(["customer", "add", "--help"], SALESCRM_LANG="zh_CN").stdout.startswith(zh)
    assert _run(["--lang", "en", "customer", "add", "--help"], SALESCRM_LANG="zh").stdout.startswith(en)
    crm.lang = None  # the team's locale: zh_CN in salescrm.yaml
    assert crm("customer add --help").stdout.startswith(zh)
    assert crm("--help").stdout.startswith("用法：salescrm [OPTIONS]")
    monkeypatch.chdir(tmp_path)  # no data directory here or above: the system's language
    outside = _run(["--help"], LANG="zh_CN.UTF-8", LC_ALL=None)
    assert outside.stdout.startswith("用法：salescrm")
    assert _run(["--help"], LANG="en_US.UTF-8", LC_ALL=None).stdout.startswith("Usage: salescrm")


USAGE_ERRORS = [
    (["customer", "add", "某某公司", "--bogus"], "没有这个选项：--bogus", "No such option: --bogus"),
    (["customer", "show"], "缺少参数 'ID'。", "Missing argument 'ID'."),
    (["member", "list", "extra"], "多余的参数（extra）", "Got unexpected extra argument(s) (extra)"),
    (["customer", "shwo"], "没有这个命令 'shwo'。你是不是想用 'show'？", "No such command 'shwo'."),
    (["remind", "--within"], "选项 '--within' 需要一个值。", "Option '--within' requires an argument."),
]


@pytest.mark.parametrize(("args", "zh", "en"), USAGE_ERRORS, ids=lambda v: str(v)[:30])
def test_usage_errors_are_in_the_language(
    crm: Crm, digest: Digest, args: list[str], zh: str, en: str
) -> None:
    before = digest(crm.root)
    crm.lang = "zh"
    said = crm(args)
    assert (said.exit_code, said.stdout) == (2, "")
    assert said.stderr.splitlines()[0].startswith(f"error: {zh}"), said.stderr
    assert all(line.startswith("hint: 参见：salescrm") for line in said.stderr.splitlines()[1:]), said.stderr
    crm.lang = "en"
    said = crm(args)
    assert (said.exit_code, said.stdout) == (2, "")
    assert said.stderr.splitlines()[0].startswith(f"error: {en}"), said.stderr
    assert digest(crm.root) == before


def test_an_invalid_value_names_the_option_in_the_language(crm: Crm) -> None:
    crm.lang = "zh"
    said = crm("remind --within abc")
    assert said.exit_code == 2
    assert re.match(r"error: .*--within.* 的值无效：'abc' 不是有效的整数。", said.stderr), said.stderr


@given(st.text(alphabet="ab-1 客户公海，。（）：", max_size=120), st.integers(min_value=4, max_value=40))
def test_chinese_wrapping_keeps_every_character_and_fits_the_width(text: str, width: int) -> None:
    """A line is at most ``width`` columns unless it is one unbreakable token; it never ends in
    an opening mark nor starts with a closing one; nothing but spaces is added or lost."""
    from salescrm.cli.help_language import _TOKENS, _width_of, wrap

    text = re.sub(r"\s+(?=[，。）：])|(?<=（)\s+", "", text)  # marks written as Chinese writes them
    wrapped = wrap(text, width, "")
    assert "".join(wrapped.split()) == "".join(text.split())
    lines = wrapped.splitlines()
    for line in lines:
        assert _width_of(line) <= width or re.fullmatch(_TOKENS, line), (line, width)
    for line, following in zip(lines, lines[1:], strict=False):
        assert not line.endswith("（") and not following.startswith(("，", "。", "）", "：")), (
            line,
            following,
        )
