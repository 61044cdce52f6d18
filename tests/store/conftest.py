"""Fixtures of the store's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from salescrm.store import index


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed for the index, in order."""
    parsed: list[str] = []
    real = index.read_row

    def counting(root: Path, name: str, config: object, summarise: bool = True) -> object:
        parsed.append(name)
        return real(root, name, config, summarise)  # type: ignore[arg-type]

    monkeypatch.setattr(index, "read_row", counting)
    return parsed
