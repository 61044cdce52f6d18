"""Spreadsheet-safe cells, shared by every CSV writer (formats and the CLI's ``-f csv``)."""

from __future__ import annotations

import re

# A spreadsheet runs a cell starting with one of these as a formula (DESIGN §6).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A phone number or a plain number: a sign, then digits and the separators phones use. No
# letter, no "(" after a name, no "=": it can call no function, so it is left as it is (a
# rejects file with "+86 138 0013 8000" can be fixed and imported again).
_NUMBER = re.compile(r"[+-][0-9][0-9 ()./-]*")


def safe_csv_cell(text: str) -> str:
    """Neutralise spreadsheet formulas: ``=1+1`` becomes ``'=1+1``; ``+86 21 5555 5678`` stays.

    Example: safe_csv_cell("=HYPERLINK(...)") == "'=HYPERLINK(...)"
    """
    if text.startswith(FORMULA_STARTS) and _NUMBER.fullmatch(text) is None:
        return f"'{text}"
    return text
