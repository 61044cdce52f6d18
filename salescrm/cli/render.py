"""Rows → text: table (aligned for Chinese), json, csv, md.

Core report functions return rows (dicts); every listing goes through ``render``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

import typer

from salescrm.core.labels import heading
from salescrm.formats.cells import safe_csv_cell


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


# The -f/--format option of every listing and report (DESIGN §3).
FORMAT_OPTION = typer.Option(Format.table, "-f", "--format", help="table | json | csv | md")


def plain(value: Any) -> Any:
    """A JSON-ready value: exact amounts as numbers, dates as ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value


def cell(value: Any) -> str:
    """A value as a table cell: amounts with thousands separators, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(cell(v) for v in value)
    return str(plain(value))


def to_json(data: Any) -> str:
    return json.dumps(plain(data), ensure_ascii=False, indent=2) + "\n"


def render(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: Format,
    lang: str = "en",
    headings: Mapping[str, str] | None = None,
) -> str:
    """``rows`` in ``fmt``; json and csv keep the English keys, table and md show ``heading``
    (or the caller's ``headings`` for a column whose meaning differs in that listing)."""
    if fmt == Format.json:
        return to_json(list(rows))
    if fmt == Format.csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([safe_csv_cell(cell(row.get(c))) for c in columns])
        return out.getvalue()
    return table(
        [[cell(row.get(c)) for c in columns] for row in rows],
        [(headings or {}).get(c) or heading(c, lang) for c in columns],
        fmt,
    )


def table(body: list[list[str]], headers: Sequence[str], fmt: Format = Format.table) -> str:
    if fmt == Format.table and not any("\n" in c for row in body for c in row):
        return _simple_table(body, headers)
    from tabulate import tabulate  # imported here: most commands never need it

    style = "pipe" if fmt == Format.md else "simple"
    if fmt == Format.md:
        body = [[c.replace("|", "\\|").replace("\n", " ") for c in row] for row in body]
    return tabulate(body, headers=list(headers), tablefmt=style, disable_numparse=True) + "\n"


def _simple_table(body: list[list[str]], headers: Sequence[str]) -> str:
    """tabulate's "simple" layout, exactly, ~20x faster on long listings (reminders of a
    whole team run to thousands of rows): columns as wide as their widest cell in display
    width (a Chinese character counts two), headings two wider, lines right-trimmed."""
    rows = [[c.strip() for c in row] for row in body]
    heads = list(headers)
    widths = [_width(h) + 2 for h in heads]
    for row in rows:
        for i, c in enumerate(row):
            w = _width(c)
            if w > widths[i]:
                widths[i] = w
    lines = [_line(heads, widths), "  ".join("-" * w for w in widths)]
    lines += [_line(row, widths) for row in rows]
    return "\n".join(lines) + "\n"


def _line(cells: Sequence[str], widths: list[int]) -> str:
    return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=False)).rstrip()


@lru_cache(maxsize=65536)
def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)
