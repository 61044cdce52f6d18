"""CSV in and out, the way Chinese Excel reads and writes it.

Reading detects the encoding (UTF-8, UTF-8 with BOM, GB18030 — what Excel saves
on a Chinese Windows); writing uses UTF-8 with a BOM so Excel shows Chinese
correctly, and neutralises cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from salescrm.core.errors import Msg, UsageError
from salescrm.formats.cells import safe_csv_cell

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Table:
    """A CSV file read: its header and its rows, as text."""

    headers: list[str]
    rows: list[list[str]]


def read_table(path: Path) -> Table:
    """The header and rows of a CSV or XLSX file; a clear UsageError when it cannot be read."""
    if not path.is_file():
        raise UsageError(Msg("{path}: no such file", path=path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from salescrm.formats.xlsx import read_xlsx

        rows = read_xlsx(path)
    else:
        rows = _read_csv(path)
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UsageError(
            Msg("{path}: is empty", path=path),
            hint=Msg("the first row names the columns, e.g. 客户名称,联系人,电话"),
        )
    if len(rows) < 2:
        raise UsageError(Msg("{path}: has a header row but no leads", path=path))
    return Table([h.strip() for h in rows[0]], rows[1:])


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    text = decode(data, str(path))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def decode(data: bytes, name: str) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(
        Msg("{name}: cannot read its encoding (tried UTF-8 and GB18030)", name=name),
        hint=Msg("save it from Excel as 'CSV UTF-8' or as .xlsx"),
    )


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with every cell made safe; the caller writes it with a BOM."""
    return "".join(csv_lines(headers, rows))


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """``csv_text`` a line at a time, the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in itertools.chain([[str(h) for h in headers]], rows):
        writer.writerow([safe_csv_cell("" if value is None else str(value)) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM: Excel then opens Chinese text correctly."""
    return csv_text(headers, rows).encode("utf-8-sig")
