"""Reading the review pack back: the cells of each section's table, from the HTML and the Markdown."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Tables(HTMLParser):
    """Section id → the rows of its table (header row first), as cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.section = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.section = dict(attrs).get("id") or ""
        elif tag == "tr":
            self.tables.setdefault(self.section, []).append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[self.section][-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def html_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def markdown_tables(markdown: str) -> list[list[list[str]]]:
    """Every pipe table (header row first, separator row dropped); asserts each has its separator."""
    tables: list[list[list[str]]] = []
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("|") or (i and lines[i - 1].startswith("|")):
            continue
        columns = len(_cells(line))
        assert lines[i + 1] == "|" + "---|" * columns, f"no header separator under {line}"
        rows = [line]
        for following in lines[i + 2 :]:
            if not following.startswith("|"):
                break
            rows.append(following)
        tables.append([_cells(row) for row in rows])
        assert all(len(row) == columns for row in tables[-1])
    return tables


def _cells(row: str) -> list[str]:
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)[1:-1]]
