"""Documentation that cannot rot: every command has help with an example and a README row."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from salescrm.cli.main import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def _commands(group: typer.Typer, prefix: str = "") -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for command in group.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
        found.append((f"{prefix}{name}", command.callback))
    for sub in group.registered_groups:
        found += _commands(sub.typer_instance, f"{prefix}{sub.name} ")  # type: ignore[arg-type]
    return found


COMMANDS = _commands(app)


def test_there_are_commands() -> None:
    assert {"init", "check", "customer add", "member list"} <= {name for name, _ in COMMANDS}


@pytest.mark.parametrize(("name", "callback"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_with_an_example(name: str, callback: object) -> None:
    doc = getattr(callback, "__doc__", None) or ""
    assert doc.strip(), f"salescrm {name} has no help text"
    assert "Example: salescrm" in doc or "Example: " in doc, f"salescrm {name} help has no example"


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"salescrm {name}" in README, f"README lacks salescrm {name}"
