"""Documentation that cannot rot: every command has help with an example and a README row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from salescrm.cli.main import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def _commands(group: Any, prefix: str = "") -> list[tuple[str, object]]:
    """(name, callback) of every command, walked from the click group the app builds."""
    found: list[tuple[str, object]] = []
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command.callback))
    return found


COMMANDS = _commands(get_command(app))


def test_there_are_commands() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"init", "check", "customer add", "member list", "report review", "filter save"} <= names
    assert len(names) >= 47  # every command the README lists


@pytest.mark.parametrize(("name", "callback"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_with_an_example(name: str, callback: object) -> None:
    doc = getattr(callback, "__doc__", None) or ""
    assert doc.strip(), f"salescrm {name} has no help text"
    assert "Example: salescrm" in doc or "Example: " in doc, f"salescrm {name} help has no example"


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"salescrm {name}" in README, f"README lacks salescrm {name}"
