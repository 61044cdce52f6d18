"""Tables that fit the terminal: drop low-priority columns, then cut long names with … .

Only a table written to a terminal is fitted (cli/main.py sets the width); piped output and
``--wide`` keep every column and every character.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable

# The columns a narrow terminal loses first, in order; those not named are kept.
DROP_FIRST = (
    "archived", "created", "source", "email", "contract", "lost_reason", "tags", "idle_days",
    "probability", "active", "manager", "dept", "contact", "industry", "phone", "files", "next",
    "close", "customer_id",
)  # fmt: skip
# Long free text that is cut with … (by display width) when dropping columns is not enough.
SHRINK = ("name", "customer", "content", "focus", "goal", "needs", "text", "note", "reason",
          "contract/reason", "expression", "source", "tags")  # fmt: skip
GAP = 2  # the spaces between columns (render.table_lines)
MIN_CUT = 6  # a cut column keeps at least this many display columns (or its heading's width)


def fit_columns(
    keys: list[str], headers: list[str], columns: list[list[str]], width: int, measure: Callable[[str], int]
) -> tuple[list[int], list[list[str]]]:
    """The indexes of the columns kept, and the kept columns with long cells cut to fit ``width``
    (``measure``: a text's display width, render's)."""
    natural = [
        max(measure(h) + 2, max(map(measure, c), default=0)) for h, c in zip(headers, columns, strict=True)
    ]
    kept = list(range(len(keys)))

    def total() -> int:
        return sum(natural[i] for i in kept) + GAP * (len(kept) - 1)

    for key in DROP_FIRST:
        if total() <= width or len(kept) <= 2:
            break
        if key in keys and keys.index(key) in kept:
            kept.remove(keys.index(key))
    sizes = {i: natural[i] for i in kept}
    floors = {i: max(MIN_CUT, measure(headers[i]) + 2) for i in kept if keys[i] in SHRINK}
    excess = total() - width
    while excess > 0:
        shrinkable = [i for i in floors if sizes[i] > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=sizes.__getitem__)
        sizes[widest] -= 1
        excess -= 1
    return kept, [
        [cut(text, sizes[i], measure) for text in columns[i]] if i in floors else columns[i] for i in kept
    ]


def cut(text: str, width: int, measure: Callable[[str], int]) -> str:
    """``text`` in at most ``width`` display columns, ending in … when it was longer."""
    if measure(text) <= width:
        return text
    room, kept = width - 1, []  # … takes one column
    for char in text:
        room -= measure(char)
        if room < 0:
            break
        kept.append(char)
    return "".join(kept) + "…"


def terminal_width() -> int | None:
    """The width to fit tables to: $COLUMNS, else the terminal's; None when stdout is not a
    terminal (a pipe or a file gets every column, uncut)."""
    if not sys.stdout.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return shutil.get_terminal_size().columns
