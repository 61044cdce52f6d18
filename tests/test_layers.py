"""The layers import downwards only: core ← store/formats ← cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from salescrm.formats.cells import safe_csv_cell

PACKAGE = Path(__file__).resolve().parent.parent / "salescrm"
LOWER_LAYERS = sorted([*(PACKAGE / "formats").rglob("*.py"), *(PACKAGE / "store").rglob("*.py")])


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


@pytest.mark.parametrize("path", LOWER_LAYERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_formats_and_store_never_import_the_cli(path: Path) -> None:
    upward = {name for name in _imported_modules(path) if name.startswith("salescrm.cli")}
    assert not upward, f"{path.name} imports {upward}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138 0013 8000", "+86 138 0013 8000"),  # a phone can call no function: left as typed
        ("+86-21-5555-5678", "+86-21-5555-5678"),
        ("+86 (21) 5555.5678", "+86 (21) 5555.5678"),
        ("-5", "-5"),
        ("+1+1", "'+1+1"),
        ("-SUM(A1)", "'-SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3*A1", "'-2+3*A1"),
        ("+", "'+"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("王经理", "王经理"),
        ("1=1", "1=1"),
        ("", ""),
    ],
)
def test_safe_csv_cell_quotes_only_formula_starts(text: str, expected: str) -> None:
    assert safe_csv_cell(text) == expected
