"""The lock is never opened through a link, nor blocks on a FIFO a commit could plant."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from salescrm.core.errors import DamagedError
from salescrm.store.links import refuse_links_on_the_way
from salescrm.store.lock import locked


def test_a_lock_that_is_a_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.write_bytes(b"keep me")
    lock = tmp_path / "data" / ".salescrm" / "lock"
    lock.parent.mkdir(parents=True)
    lock.symlink_to(target)
    with pytest.raises(DamagedError, match="is a symbolic link"), locked(lock, 1):
        pass
    assert target.read_bytes() == b"keep me"


def test_a_lock_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / ".salescrm").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(DamagedError, match="is a symbolic link"), locked(tmp_path / ".salescrm" / "lock", 1):
        pass
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_lock_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    os.mkfifo(lock)
    with pytest.raises(DamagedError, match="is not a regular file"), locked(lock, 1):
        pass


def test_a_regular_lock_counts_its_holders(tmp_path: Path) -> None:
    lock = tmp_path / ".salescrm" / "lock"
    with locked(lock, 1) as first:
        pass
    with locked(lock, 1) as second:
        pass
    assert (first, second) == (0, 1) and lock.stat().st_mode & 0o777 == 0o644


def test_writes_refuse_any_link_on_the_way(tmp_path: Path) -> None:
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "CRM202405001").symlink_to(tmp_path)
    with pytest.raises(DamagedError, match="attachments/CRM202405001 is a symbolic link"):
        refuse_links_on_the_way(tmp_path, tmp_path / "attachments" / "CRM202405001" / "a.pdf")
    refuse_links_on_the_way(
        tmp_path, tmp_path / "attachments" / "CRM202405002" / "a.pdf"
    )  # not there yet: fine
