"""The review pack as Markdown: pipe tables and short lists to paste into WeCom, DingTalk or Feishu."""

from __future__ import annotations

from salescrm.core.review import ReviewPack
from salescrm.core.safe_text import visible
from salescrm.formats.chat import ChatLine, ChatMessage
from salescrm.formats.review_sections import (
    Section,
    key_figures,
    period_line,
    review_sections,
    text,
    title_line,
)


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ") or " "


def pipe_table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-style pipe table with its header separator row."""
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _section(section: Section) -> str:
    parts = [f"## {section.title}"]
    parts += [f"> {note}" for note in section.notes if note]
    parts.append(pipe_table(section.headers, section.rows) if section.rows else f"- {section.empty}")
    return "\n\n".join(parts)


def review_markdown(pack: ReviewPack, lang: str = "zh") -> str:
    """The whole pack: title, key figures as a list, then one table per section.

    Example: review_markdown(review_pack(...), "zh").startswith("# 华东销售一部 · 销售复盘 2026-11")
    """
    figures = "\n".join(f"- **{label}**: {value}" for label, value in key_figures(pack, lang))
    head = (
        f"# {title_line(pack, lang)}\n\n{period_line(pack, lang)}\n\n## {text('figures', lang)}\n\n{figures}"
    )
    body = "\n\n".join(_section(s) for s in review_sections(pack, lang))
    return visible(f"{head}\n\n{body}\n", multiline=True)  # names and notes came by git


def review_message(pack: ReviewPack, lang: str = "zh") -> ChatMessage:
    """The pack for a team chat: its title, then the Markdown's lines (blank lines dropped)."""
    title, *lines = review_markdown(pack, lang).splitlines()
    return ChatMessage(title.removeprefix("# "), tuple(ChatLine(line, "markdown") for line in lines if line))
