"""Rows → text: table (aligned for Chinese), json, csv, md.

Core report functions return rows (dicts); every listing goes through ``render``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import repeat
from operator import add, floordiv, sub
from typing import Any

import typer

from salescrm.core.errors import Msg
from salescrm.core.safe_text import is_safe, visible
from salescrm.formats.cells import safe_csv_cell
from salescrm.i18n import heading, t


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
    common = _COMMON_CELLS.get(type(value))  # one lookup for the usual types: listings run to 100,000 cells
    if common is not None:
        return common(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(cell(v) for v in value)
    return str(plain(value))


# ``cell`` of values of exactly these types (not subclasses), as its general branches give it.
_COMMON_CELLS: dict[type, Any] = {
    str: str,
    int: str,
    type(None): lambda value: "",
    Decimal: lambda value: f"{value:,}",
    date: date.isoformat,
}


def csv_cell(value: Any) -> str:
    """A value as a CSV field: amounts as plain numbers (a spreadsheet sums them), not "1,500,000"."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, tuple, set)):
        return ", ".join(csv_cell(v) for v in value)
    return cell(value)


@dataclass(frozen=True)
class Layout:
    """How this command's tables are laid out (set once per command by the root options)."""

    width: int | None = None  # fit tables to this many columns; None: never (piped, or --wide)
    wan: bool = False  # amounts in 万 (--wan, Chinese tables only)


LAYOUT = Layout()

# Columns whose Decimal values are money (--wan shows them in 万); percentages are not.
AMOUNT_COLUMNS = frozenset(
    {"amount", "target", "won", "gap", "pipeline_weighted", "weighted", "won_12m", "value",
     "Q1", "Q2", "Q3", "Q4", "contract_amount", "paid", "due_amount", "outstanding"}
)  # fmt: skip


def wan(value: Decimal) -> str:
    """An amount in 万 (ten thousands), to two decimals at most: 1,234,500 → 123.45万."""
    text = f"{(value / 10_000).quantize(Decimal('0.01')):,}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "万"


def to_json(data: Any) -> str:
    import json  # imported here, as csv below: a table needs neither

    return json.dumps(plain(data), ensure_ascii=False, indent=2) + "\n"


def json_list(items: Iterable[Any]) -> Iterator[str]:
    """``to_json(list(items))``, an item at a time (an export of every customer holds none of them)."""
    import json

    opening = "[\n  "
    for item in items:
        yield opening + json.dumps(plain(item), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        opening = ",\n  "
    yield "[]\n" if opening == "[\n  " else "\n]\n"  # JSON text never holds a raw line break


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
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([safe_csv_cell(csv_cell(row.get(c))) for c in columns])
        return out.getvalue()
    money, shown = _money_cell(lang), _cell_in(lang)
    keys = list(columns)
    cells = [list(map(money if c in AMOUNT_COLUMNS else shown, [row.get(c) for row in rows])) for c in keys]
    headers = [(headings or {}).get(c) or heading(c, lang) for c in keys]
    if fmt == Format.table and LAYOUT.width is not None and rows:
        from salescrm.cli.fit import fit_columns

        picked, cut = fit_columns(keys, headers, list(map(visible_cells, cells)), LAYOUT.width, _width)
        return columns_table(cut, [headers[i] for i in picked])
    if fmt == Format.table:
        return columns_table(cells, headers)
    return _tabulate([list(row) for row in zip(*cells, strict=True)], headers, fmt)


def _cell_in(lang: str) -> Any:
    """``cell`` with yes in the table's language."""
    yes = t(lang, "value", "yes")

    def shown(value: Any) -> str:
        common = _COMMON_CELLS.get(type(value))  # ``cell``'s own first step, a call less a cell
        if common is not None:
            return common(value)
        return yes if value is True else cell(value)

    return shown


def _money_cell(lang: str) -> Any:
    if not LAYOUT.wan:
        return cell
    if lang != "zh":
        from salescrm.core.errors import UsageError

        raise UsageError(
            Msg("--wan shows amounts in 万 in Chinese tables"), hint=Msg("use it with --lang zh")
        )
    return lambda value: wan(value) if isinstance(value, Decimal) else cell(value)


def table(body: list[list[str]], headers: Sequence[str], fmt: Format = Format.table) -> str:
    if fmt == Format.table and (not body or set(map(len, body)) == {len(headers)}):
        return columns_table([list(column) for column in zip(*body, strict=True)], headers)
    return _tabulate(body, headers, fmt)


def columns_table(columns: list[list[str]], headers: Sequence[str]) -> str:
    """``table`` of a body given column by column (as long a listing builds it fastest)."""
    return "\n".join(table_lines(columns, headers)) + "\n"


def table_lines(columns: list[list[str]], headers: Sequence[str]) -> list[str]:
    """The lines of ``columns_table``, for a caller that joins more text around them.

    tabulate's "simple" layout, exactly, ~20x faster on long listings (reminders of a whole
    team run to 25,000 rows): columns as wide as their widest cell in display width (a
    Chinese character counts two), headings two wider, lines right-trimmed. The work is done
    a column at a time in C loops (map, join), not by a Python call per cell.
    """
    heads = list(map(visible, headers))
    if not columns:
        columns = [[] for _ in heads]
    columns = [visible_cells(column) for column in columns]
    if any("\n" in "".join(column) for column in columns):  # multi-line cells: tabulate's layout
        text = _tabulate([list(row) for row in zip(*columns, strict=True)], heads, Format.table)
        return text[:-1].split("\n")
    # Each line is one join of: cell, its padding, "  ", cell, its padding, …, last cell; the
    # paddings are shared strings and the last column is never padded (lines are right-trimmed).
    pieces: list[Iterable[str]] = []
    heading_line, rule = [], []
    for i, (head, column) in enumerate(zip(heads, columns, strict=True)):
        cells = list(map(str.strip, column))
        widths = _widths(cells)
        head_width = _width(head)
        width = max(head_width + 2, max(widths, default=0))
        heading_line.append(head + " " * (width - head_width))
        rule.append("-" * width)
        if i:
            pieces.append(repeat("  "))
        pieces.append(cells)
        if i < len(heads) - 1:
            pads = [" " * n for n in range(width + 1)]
            pieces.append(map(pads.__getitem__, map(sub, repeat(width), widths)))
    rows = map("".join, zip(*pieces, strict=False))  # repeat() never ends
    if "" in cells:  # an empty last cell leaves the separator (and more) at the line's end
        rows = map(str.rstrip, rows)
    return ["  ".join(heading_line).rstrip(), "  ".join(rule), *rows]


def _tabulate(body: list[list[str]], headers: Sequence[str], fmt: Format) -> str:
    from tabulate import tabulate  # imported here: most commands never need it

    style = "pipe" if fmt == Format.md else "simple"
    body = [visible_cells(row) for row in body]
    headers = list(map(visible, headers))
    if fmt == Format.md:
        body = [[c.replace("|", "\\|").replace("\n", " ") for c in row] for row in body]
    return tabulate(body, headers=list(headers), tablefmt=style, disable_numparse=True) + "\n"


def visible_cells(cells: list[str]) -> list[str]:
    """Cells with control characters and bidi controls shown (core/safe_text.py): what a file
    brought by git holds must not reach the terminal. One search over the joined cells answers
    for a whole clean column; a cell keeps its line breaks (tabulate lays them out)."""
    if is_safe("".join(cells), multiline=True):
        return cells
    return [visible(c, multiline=True) for c in cells]


# Printable ASCII and the East Asian wide characters Chinese text uses (CJK ideographs and
# punctuation, full-width forms), each 3 bytes in UTF-8 and 2 columns in wcwidth (a test
# checks every one): a text of only these is as wide as (characters + UTF-8 bytes) / 2.
# Compiled on first use (~1 ms: its ranges are big), so English listings never pay for it.
_PLAIN_OR_WIDE = "[\x20-\x7e\u3000-\u3029\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]*"


def _plain_or_wide(text: str) -> bool:
    return re.fullmatch(_PLAIN_OR_WIDE, text) is not None  # re keeps the compiled pattern


def _widths(cells: list[str]) -> list[int]:
    """The display width of each cell, measuring a whole column at once where it can."""
    text = "".join(cells)
    if text.isascii():
        return list(map(len, cells))
    if _plain_or_wide(text):  # (characters + UTF-8 bytes) / 2, cell by cell
        return list(map(floordiv, map(add, map(len, cells), map(len, map(str.encode, cells))), repeat(2)))
    return list(map(_WIDTHS.__getitem__, cells))


def _width(text: str) -> int:
    """Display width as wcwidth counts it (tabulate's measure), or the length when it has none."""
    if text.isascii():
        return len(text)
    if _plain_or_wide(text):
        return (len(text) + len(text.encode())) // 2
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


class _Widths(dict[str, int]):
    """Display widths already measured: names, labels and dates repeat down a listing."""

    def __missing__(self, text: str) -> int:
        width = self[text] = _width(text)
        return width


_WIDTHS = _Widths()
