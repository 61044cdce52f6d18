"""The cache's index layout: a table of contents, then columns unpacked one at a time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import msgpack
import pytest

from salescrm.store.index_file import IndexFile, index_bytes


def test_columns_come_back_as_written_and_one_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "index"
    columns = {"names": ["a", "b"], "stats": [1, 2, 3, 4, 5, 6, 7, 8], "summary:x": [b"\x01", None]}
    path.write_bytes(index_bytes({"format": 6, "day": date(2026, 11, 27)}, columns))
    index = IndexFile(path)
    assert index.header == {"format": 6, "day": date(2026, 11, 27)}
    assert index.column("summary:x", 2) == [b"\x01", None]
    assert list(index._columns) == ["summary:x"]  # the others are not unpacked
    assert index.all_columns() == columns
    with pytest.raises(ValueError, match="wrong number"):
        IndexFile(path).column("names", 3)
    with pytest.raises(KeyError):
        index.column("summary:y")


def test_amounts_and_dates_travel_as_extension_types(tmp_path: Path) -> None:
    path = tmp_path / "index"
    path.write_bytes(index_bytes({}, {"amounts": [Decimal("99999.99"), date(2024, 2, 29)]}))
    assert IndexFile(path).column("amounts") == [Decimal("99999.99"), date(2024, 2, 29)]


@pytest.mark.parametrize(
    "damage", [b"", b"SCIX", b"SCIX\x00\x00\x00\x09\x80", b"\x80\x81", b"SCIX\xff\xff\xff\xff"]
)
def test_anything_else_is_refused(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "index"
    path.write_bytes(damage)
    with pytest.raises((ValueError, msgpack.UnpackException)):  # the cache is then rebuilt
        IndexFile(path)


def test_a_column_pointing_outside_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index"
    data = index_bytes({}, {"names": ["a"] * 100})
    path.write_bytes(data[:-50])
    with pytest.raises(ValueError, match="outside"):
        IndexFile(path).column("names")
