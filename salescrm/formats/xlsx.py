"""Reading the first sheet of an Excel workbook (openpyxl) as rows of text."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from salescrm.core.errors import UsageError


def read_xlsx(path: Path) -> list[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise UsageError(
            f"{path}: is not a readable Excel workbook ({error})",
            hint="open it in Excel and save it again as .xlsx, or as CSV UTF-8",
        ) from None
    try:
        sheet = workbook.active
        if sheet is None:
            return []
        return [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _text(value: object) -> str:
    """A cell as the text a person typed: phone numbers stored as numbers lose no digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat(" ", "minutes")
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
