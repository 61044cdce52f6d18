"""Fuzz target: any bytes as an .xlsx lead list must read as rows or raise UsageError.

Run with ``make fuzz`` (FUZZ_SECONDS=60 by default; not in CI). A crash is any other
exception, or a run past libFuzzer's memory limit (-rss_limit_mb): the importer's bounds
(formats/xlsx.py: unzipped size, DTDs, rows and cells) must hold on whatever a file holds.
The corpus starts from a small real workbook (fuzz/corpus/xlsx).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from salescrm.core.errors import UsageError
    from salescrm.formats.xlsx import read_xlsx

FOLDER = Path(tempfile.mkdtemp(prefix="salescrm-fuzz-xlsx-"))


def test_one(data: bytes) -> None:
    path = FOLDER / "leads.xlsx"
    path.write_bytes(data)
    try:
        read_xlsx(path)
    except UsageError:
        pass
    finally:
        os.unlink(path)


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
