"""Reading the first sheet of an Excel workbook (openpyxl) as rows of text, within bounds.

An .xlsx file is a zip of XML, and whoever made it chose every byte: shared strings that
decompress from 2 MB to 2 GB, an XML entity that expands a billion-fold, a cell without
its type. Before openpyxl sees the file, the zip's declared sizes (Python's zipfile never
inflates a member past its declared size) are summed and capped, and any DTD is refused
(a workbook never needs one); rows are counted as they are read. Whatever openpyxl still
cannot read is a clear usage error (exit 2), never a crash.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from salescrm.core.errors import Msg, UsageError

if TYPE_CHECKING:
    from zipfile import ZipFile

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a 100,000-lead sheet unzips to ~60 MB
MAX_ROWS = 100_000
MAX_CELLS = 5_000_000  # a crafted dimension (A1:XFD1) would pad every row to 16,384 cells
HINT = Msg("open it in Excel and save it again as .xlsx, or as CSV UTF-8")


def read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl on a crafted file raises anything (ParseError …)
        raise _unreadable(path, error) from None
    try:
        sheet = workbook.active
        if sheet is None:
            return []
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # the file's own claim of its size is not trusted
        rows: list[list[str]] = []
        cells = 0
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
            if len(rows) == MAX_ROWS or cells > MAX_CELLS:
                raise UsageError(
                    Msg(
                        "{path}: has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells",
                        path=path,
                        MAX_ROWS=MAX_ROWS,
                        MAX_CELLS=MAX_CELLS,
                    ),
                    hint=Msg("split the sheet into several files and import each"),
                )
            rows.append([_text(value) for value in row])
        return rows
    except UsageError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl on a crafted file raises anything
        raise _unreadable(path, error) from None
    finally:
        workbook.close()


def _check_archive(path: Path) -> None:
    """Refuse, before parsing, a workbook too large unzipped or holding a DTD."""
    from zipfile import ZipFile

    try:
        with ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            if total > MAX_UNZIPPED_BYTES:
                raise UsageError(
                    Msg(
                        "{path}: unzips to {value:,} MB; an import is at most {value2} MB",
                        path=path,
                        value=total // 1024 // 1024,
                        value2=MAX_UNZIPPED_BYTES // 1024 // 1024,
                    ),
                    hint=Msg("split the sheet into several files, or save it as CSV UTF-8"),
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and _has_dtd(archive, member.filename):
                    raise UsageError(
                        Msg(
                            "{path}: {filename} declares XML entities (a DTD): a workbook needs none",
                            path=path,
                            filename=member.filename,
                        ),
                        hint=HINT,
                    )
    except UsageError:
        raise
    except Exception as error:  # noqa: BLE001 - zipfile on a crafted file: zlib.error, an encrypted member …
        raise _unreadable(path, error) from None


def _has_dtd(archive: ZipFile, name: str) -> bool:
    """Whether the XML member declares a document type (where entities are defined)."""
    with archive.open(name) as handle:
        tail = b""
        while chunk := handle.read(1024 * 1024):
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                return True
            tail = chunk[-16:]
    return False


def _unreadable(path: Path, error: BaseException) -> UsageError:
    reason = str(error) or type(error).__name__
    return UsageError(
        Msg("{path}: is not a readable Excel workbook ({reason})", path=path, reason=reason), hint=HINT
    )


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
