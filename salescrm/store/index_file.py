"""The cache's files in msgpack: values with dates and amounts, and the index's layout.

msgpack holds maps, lists, strings and numbers; dates, date-times and amounts travel as
extension types. Nothing in it can run code, whoever wrote it.

The index is a header and columns (one list per field, one value per customer file),
each column packed on its own behind a table of contents::

    b"SCIX" | length of the table (4 bytes, big-endian) | table | column | column | …

The table is ``{"header": {...}, "columns": {name: [offset, length]}}``. The file is
mapped, not read: a command unpacks the table and the columns it uses — ``remind`` reads
names, stat keys, problems and its own summary, not the 10 MB of the others.
"""

from __future__ import annotations

import mmap
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgpack

MAGIC = b"SCIX"
_DATE, _DATETIME, _DECIMAL = 1, 2, 3


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return msgpack.ExtType(_DATETIME, value.isoformat().encode())
    if isinstance(value, date):
        return msgpack.ExtType(_DATE, value.isoformat().encode())
    if isinstance(value, Decimal):
        return msgpack.ExtType(_DECIMAL, str(value).encode())
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(code: int, data: bytes) -> Any:
    text = data.decode()
    if code == _DATE:
        return date.fromisoformat(text)
    if code == _DATETIME:
        return datetime.fromisoformat(text)
    if code == _DECIMAL:
        return Decimal(text)
    raise ValueError(f"unknown extension type {code}")


def pack(value: Any) -> bytes:
    return msgpack.packb(value, default=_encode, use_bin_type=True)


def unpack(data: bytes | memoryview, tuples: bool = False) -> Any:
    """``data`` decoded (``tuples``: arrays as tuples, for read-only rows)."""
    return msgpack.unpackb(data, ext_hook=_decode, raw=False, strict_map_key=False, use_list=not tuples)


def map_file(path: Path) -> memoryview:
    """A file mapped read-only (an empty file: an empty view)."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return memoryview(b"")
        return memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))


class PackedItems(list[bytes | None]):
    """A column given as its values each packed already: written without packing them
    again (a msgpack array is its header followed by its items)."""

    def blob(self) -> bytes:
        items = [b"\xc0" if item is None else item for item in self]  # None: msgpack nil
        return b"".join([b"\xdd", len(items).to_bytes(4, "big"), *items])


class BytesInPieces(list[bytes]):
    """A bytes column given in pieces: packed as one msgpack bin without joining them."""

    def pieces(self) -> list[bytes]:
        return [b"\xc6" + sum(map(len, self)).to_bytes(4, "big"), *self]  # bin 32: any length


def index_bytes(header: dict[str, Any], columns: dict[str, Any]) -> bytes:
    """The index file's content: ``header`` and each column packed on its own (offsets in
    the table count from the end of the table)."""
    return b"".join(index_pieces(header, columns))


def index_pieces(header: dict[str, Any], columns: dict[str, Any]) -> list[bytes]:
    """``index_bytes`` as pieces, for a writer that writes them without joining them."""
    blobs = [
        value.pieces()
        if isinstance(value, BytesInPieces)
        else [value.blob() if isinstance(value, PackedItems) else pack(value)]
        for value in columns.values()
    ]
    where, offset = {}, 0
    for name, pieces in zip(columns, blobs, strict=True):
        size = sum(map(len, pieces))
        where[name] = [offset, size]
        offset += size
    table = pack({"header": header, "columns": where})
    return [MAGIC, len(table).to_bytes(4, "big"), table, *(piece for pieces in blobs for piece in pieces)]


class IndexFile:
    """An index file, mapped: its header at once, each column when first asked for.
    Raises ValueError (or a msgpack error) for anything that is not such a file."""

    def __init__(self, path: Path) -> None:
        self.view = map_file(path)
        if self.view[: len(MAGIC)] != MAGIC:
            raise ValueError("not a salescrm index")
        size = int.from_bytes(self.view[len(MAGIC) : len(MAGIC) + 4], "big")
        self._base = len(MAGIC) + 4 + size
        table = unpack(self.view[len(MAGIC) + 4 : self._base]) if self._base <= len(self.view) else None
        if not (isinstance(table, dict) and "header" in table and "columns" in table):
            raise ValueError("not a salescrm index")
        self.header: dict[str, Any] = table["header"]
        self._where: dict[str, list[int]] = table["columns"]
        self._columns: dict[str, Any] = {}
        self.records: tuple[Path, memoryview] | None = None  # the records file it names, mapped
        if not isinstance(self.header, dict) or not isinstance(self._where, dict):
            raise ValueError("not a salescrm index")

    def column(self, name: str, length: int | None = None, tuples: bool = False) -> Any:
        """One column, unpacked once; ``length``: how many values it must hold; ``tuples``:
        its rows' arrays as tuples (the column itself stays a list)."""
        if name not in self._columns:
            value = unpack(self.blob(name), tuples)
            if tuples and isinstance(value, tuple):
                value = list(value)
            if length is not None and (not isinstance(value, list) or len(value) != length):
                raise ValueError(f"column {name} holds the wrong number of values")
            self._columns[name] = value
        return self._columns[name]

    def packed_items(self, name: str, length: int) -> list[bytes]:
        """A list column's values each still packed, cut apart without decoding them."""
        data = self.blob(name)
        unpacker = msgpack.Unpacker(raw=False, max_buffer_size=len(data) + 1)
        unpacker.feed(data)
        if unpacker.read_array_header() != length:
            raise ValueError(f"column {name} holds the wrong number of values")
        items = []
        for _ in range(length):
            start = unpacker.tell()
            unpacker.skip()
            items.append(bytes(data[start : unpacker.tell()]))
        return items

    def blob(self, name: str) -> memoryview:
        """One column as it lies in the file, packed."""
        offset, size = self._where[name]
        start = self._base + offset
        if not (offset >= 0 and size >= 0 and start + size <= len(self.view)):
            raise ValueError(f"column {name} lies outside the index")
        return self.view[start : start + size]

    def all_columns(self) -> dict[str, Any]:
        return {name: self.column(name) for name in self._where}
