"""Spreadsheet-safe cells, shared by every CSV writer (formats and the CLI's ``-f csv``)."""

from __future__ import annotations

# A spreadsheet runs a cell starting with one of these as a formula (DESIGN §6).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(text: str) -> str:
    """Neutralise spreadsheet formulas: ``=1+1`` becomes ``'=1+1``.

    Example: safe_csv_cell("=HYPERLINK(...)") == "'=HYPERLINK(...)"
    """
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
