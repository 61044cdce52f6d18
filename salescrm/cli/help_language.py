"""``--help`` in the reader's language, translated where it is printed.

The help texts stay English literals in the code (docstrings, ``help=``); each paragraph of
them is a message of the ``help`` context in the catalogue (``make messages`` collects them
from the loaded command tree: cli/help_catalogue.py). Every command renders its help through a
``HelpContext``, whose formatter translates what click writes: the usage prefix, the section
titles, the help text, each option's help and its ``[default: …]`` / ``[required]``, and the
commands' one-line summaries (made from the translated help, cut by display width). English
is printed as click prints it.

click's usage errors ("No such option: --x") are English sentences built before they are
raised; ``usage_error`` matches them against their templates and says them in the language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import typer
from typer._click.formatting import HelpFormatter, wrap_text  # typer bundles its own click

from salescrm.i18n import N_, translations

HELP = "help"  # the catalogue context of help texts
HELP_SESSION = "salescrm.help_session"  # ctx.meta: the root's own --help comes before its callback

# What click and typer write around the help texts (typer passes the titles through gettext,
# the usage prefix and the bracketed notes are fixed English).
N_("help", "Usage: ")
N_("help", "Options")
N_("help", "Arguments")
N_("help", "Commands")
N_("help", "{title}:")
N_("help", "default: {default}")
N_("help", "required")


def word(text: str, lang: str) -> str:
    """One of the words above, or a help paragraph, in ``lang``."""
    return text if lang == "en" else translations(lang).pgettext(HELP, text)


EXAMPLE = "Example: "  # an example is a line of its own, and a message of its own


def _parts(paragraph: str) -> list[str]:
    """A paragraph's messages: the paragraph, or each of its examples."""
    return re.split(r"\n(?=Example: )", paragraph) if paragraph.startswith(EXAMPLE) else [paragraph]


def in_language(text: str, lang: str) -> str:
    """A help text in ``lang``, message by message (paragraphs, examples)."""
    if lang == "en" or not text:
        return text
    return "\n\n".join("\n".join(word(part, lang) for part in _parts(p)) for p in text.split("\n\n"))


def paragraphs(text: str | None) -> list[str]:
    """The catalogue messages of a help text (what ``in_language`` looks up)."""
    return [part for paragraph in (text or "").split("\n\n") if paragraph for part in _parts(paragraph)]


def reader_language(ctx: typer.Context) -> str:
    """The language of the command line (--lang, $SALESCRM_LANG, salescrm.yaml, $LANG), as the
    root command knows it; English when it cannot be known (help never fails on it)."""
    from salescrm.cli.context import Session

    root = ctx.find_root()
    session = root.obj if root.obj is not None else root.meta.get(HELP_SESSION)
    try:
        return str(session.lang) if isinstance(session, Session) else "en"
    except Exception:  # an unknown $SALESCRM_LANG: that error belongs to the command, not to help
        return "en"


class HelpContext(typer.Context):
    """A command's context whose help is written in the reader's language."""

    def make_formatter(self) -> HelpFormatter:
        return TranslatingFormatter(self, width=self.terminal_width, max_width=self.max_content_width)


def adopt(command: Any) -> None:
    """``command`` and every command under it print their help in the reader's language (the
    way click documents to change a command's context: its ``context_class``)."""
    command.context_class = HelpContext
    for child in getattr(command, "commands", {}).values():
        adopt(child)


_NOTES = re.compile(r"(?:^|  )\[([^\[\]]+)\]$")  # typer's "  [default: C; required]"
_NOTE_WORDS = {"required": "required", "default: ": "default: {default}"}


class TranslatingFormatter(HelpFormatter):
    """click's help formatter, saying each text in the reader's language; Chinese is wrapped
    by display width, a line may break between any two Chinese characters."""

    def __init__(self, ctx: typer.Context, **sizes: Any) -> None:
        super().__init__(**sizes)
        self.ctx, self.lang, self.section_title = ctx, reader_language(ctx), ""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, word("Usage: ", self.lang) if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.section_title = heading
        title = word("{title}:", self.lang).format(title=word(heading, self.lang))
        self.write(f"{'':>{self.current_indent}}{title}\n")

    def write_text(self, text: str) -> None:
        """The help text in the language; each example on lines of its own, broken only at
        spaces and by display width (a command to copy, holding Chinese values)."""
        indent, width = " " * self.current_indent, self.width - self.current_indent
        said = []
        for paragraph in text.split("\n\n"):
            lines = []
            for part in _parts(paragraph):
                if part.startswith(EXAMPLE):
                    lines.append(wrap(word(part, self.lang), width, indent, whole_words=True))
                elif self.lang == "en":  # as click writes it
                    lines.append(
                        wrap_text(
                            part,
                            self.width,
                            initial_indent=indent,
                            subsequent_indent=indent,
                            preserve_paragraphs=True,
                        )
                    )
                else:
                    lines.append(wrap(word(part, self.lang), width, indent))
            said.append("\n".join(lines))
        self.write("\n\n".join(said) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        if self.lang == "en":
            return super().write_dl(rows, col_max, col_spacing)
        if self.section_title == "Commands":
            limit = self.width - 6 - max(len(name) for name, _ in rows)
            rows = [(name, self._summary(name, limit)) for name, _ in rows]
        else:
            rows = [(term, self._described(text)) for term, text in rows]
        first = min(max(len(term) for term, _ in rows), col_max) + col_spacing
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if len(term) > first - col_spacing:
                self.write("\n" + " " * (first + self.current_indent))
            else:
                self.write(" " * (first - len(term)))
            lines = wrap(text, max(self.width - first - 2, 10), "").splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first + self.current_indent}}{line}\n")

    def _summary(self, name: str, limit: int) -> str:
        """A subcommand's one line: the first sentence of its translated help, cut to fit."""
        from salescrm.cli.fit import cut

        command = self.ctx.command.get_command(self.ctx, name)  # type: ignore[attr-defined]
        text = command.short_help or (command.help or "").split("\n\n")[0]
        first = re.split(r"(?<=[。！？])|(?<=\.)\s", in_language(text, self.lang).replace("\n", " "))[0]
        return cut(first, limit, _width_of)

    def _described(self, text: str) -> str:
        """An option's help and its bracketed notes, each said in the language."""
        notes = _NOTES.search(text)
        if notes is None:
            return in_language(text, self.lang)
        said = []
        for note in notes.group(1).split("; "):
            for start, template in _NOTE_WORDS.items():
                if note.startswith(start):
                    value = note[len(start) :]
                    said.append(word(template, self.lang).format(default=value))
                    break
            else:
                said.append(note)
        help_text = in_language(text[: notes.start()], self.lang)
        return f"{help_text}  [{'; '.join(said)}]" if help_text else f"[{'; '.join(said)}]"


_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_OPENING, _CLOSING = "（《「『“‘【", "，。；：、）》」』”’】！？…"
# A token is one Chinese character or a run of other characters, with the opening marks before
# it and the closing marks after it (a line never ends in "（" nor starts with "，").
# Patterns as text: re compiles them on first use, not when a command that never wraps starts.
_TOKENS = rf"\s+|[{_OPENING}]*(?:[{_CJK}]|[^\s{_CJK}{_OPENING}{_CLOSING}]+)[{_CLOSING}]*"
_WORDS = r"\s+|\S+"


@cache
def _char_width(char: str) -> int:
    from wcwidth import wcwidth

    return max(wcwidth(char), 0)


def _width_of(text: str) -> int:
    return len(text) if text.isascii() else sum(map(_char_width, text))


def wrap(text: str, width: int, indent: str, whole_words: bool = False) -> str:
    """``text`` in lines of at most ``width`` display columns after ``indent``, paragraph by
    paragraph; lines break at spaces and, unless ``whole_words`` (a command line, to copy),
    between Chinese characters. A word longer than a line stays whole."""
    return "\n\n".join(
        _wrap_paragraph(paragraph, width, indent, whole_words) for paragraph in text.split("\n\n")
    )


def _wrap_paragraph(text: str, width: int, indent: str, whole_words: bool) -> str:
    lines: list[str] = []
    line = ""
    for token in _tokens(" ".join(text.split()), whole_words):
        if token == " ":
            if line:
                line += " "
            continue
        if line and _width_of(line + token) > width:
            lines.append(line.rstrip())
            line = ""
        line += token
    lines.append(line.rstrip())
    return "\n".join(indent + line for line in lines)


def _tokens(text: str, whole_words: bool) -> Iterator[str]:
    for match in re.finditer(_WORDS if whole_words else _TOKENS, text):
        token = match.group()
        yield " " if token.isspace() else token


# click's usage errors, as click words them (the values are quoted names and typed words).
USAGE_ERRORS = (
    N_("usage", "No such option: {option}"),
    N_("usage", "{message} (Possible options: {options})"),
    N_("usage", "No such command {name}."),
    N_("usage", "No such command {name}. Did you mean {suggestions}?"),
    N_("usage", "Missing command."),
    N_("usage", "Missing argument {name}."),
    N_("usage", "Missing option {name}."),
    N_("usage", "Missing parameter {name}."),
    N_("usage", "Got unexpected extra argument(s) ({arguments})"),
    N_("usage", "Invalid value for {name}: {message}"),
    N_("usage", "Invalid value: {message}"),
    N_("usage", "{value} is not a valid {kind}."),
    N_("usage", "{value} is not in the range {range}."),
    N_("usage", "{value} is not a valid boolean. Recognized values: {states}"),
    N_("usage", "{value} does not match the formats {formats}."),
    N_("usage", "Option {option} does not take a value."),
    N_("usage", "Option {option} requires an argument."),
    N_("usage", "Option {option} requires {count} arguments."),
    N_("usage", "see: {command} --help"),
)
N_("usage", "integer")  # the kinds of value click names in "is not a valid …"
N_("usage", "float")
N_("usage", "int")
N_("usage", "datetime")


@cache
def _usage_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Each template as a pattern that takes its fields back out, the longest first (the most
    particular: "No such command 'x'. Did you mean …" before "No such command 'x'.")."""
    patterns = []
    for template in sorted(USAGE_ERRORS, key=len, reverse=True):
        pieces = re.split(r"\{(\w+)\}", template)
        pattern = "".join(
            re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)" for i, piece in enumerate(pieces)
        )
        patterns.append((re.compile(pattern + r"\Z", re.DOTALL), template))
    return patterns


def usage_error(text: str, lang: str) -> str:
    """One of click's usage errors (or a part of one) in ``lang``; other text as it is."""
    if lang == "en":
        return text
    catalogue = translations(lang)
    for pattern, template in _usage_patterns():
        found = pattern.match(text)
        if found:
            values = {name: usage_error(value, lang) for name, value in found.groupdict().items()}
            return catalogue.pgettext("usage", template).format(**values)
    return catalogue.pgettext("usage", text)
