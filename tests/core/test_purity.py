"""salescrm/core is pure: no files, processes, clock, environment or terminal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent.parent / "salescrm" / "core"
BANNED_MODULES = {
    "os",
    "pathlib",
    "yaml",
    "typer",
    "click",
    "subprocess",
    "shutil",
    "tabulate",
    "socket",
    "sys",
    "time",
}
BANNED_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("time", "time"),
}


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: p.name)
def test_core_module_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names = {(node.module or "").split(".")[0]}
        else:
            names = set()
        assert not names & BANNED_MODULES, f"{path.name}:{node.lineno} imports {names & BANNED_MODULES}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if isinstance(target, ast.Name):
                assert (target.id, node.func.attr) not in BANNED_CALLS, (
                    f"{path.name}:{node.lineno} reads the clock"
                )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("open", "print", "input"), (
                f"{path.name}:{node.lineno} calls {node.func.id}"
            )
