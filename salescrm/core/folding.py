"""Text as queries compare it: its own module, so that what only folds a value (the index
writing its columns) does not import the query language."""

from __future__ import annotations

import unicodedata
from typing import Any


def fold(value: Any) -> Any:
    """Text as queries compare it (full width, case and compatibility forms ignored)."""
    return unicodedata.normalize("NFKC", value).casefold() if isinstance(value, str) else value
