"""Customer names read from the head of their files, for shell completion: a written file
starts ``id: …`` then ``name: …`` (store/yamlio.py's fixed key order), so a name costs one
small read, not a parse, and no cache is opened."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

_HEAD_BYTES = 1024
_NAME = re.compile(r"^name: *(.*)$", re.MULTILINE)
_UNSHOWN = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")  # controls, bidi overrides


def names_from_heads(customers_dir: Path, numbers: Iterable[str]) -> dict[str, str]:
    """``number → name`` for each file whose head names it (a hand-edited file may not)."""
    found = {}
    for number in numbers:
        try:
            descriptor = os.open(customers_dir / f"{number}.yaml", os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        with os.fdopen(descriptor, "rb") as file:
            head = file.read(_HEAD_BYTES).decode("utf-8", "replace")
        match = _NAME.search(head)
        if match:
            found[number] = _UNSHOWN.sub("", match.group(1).strip().strip("'\""))
    return found
