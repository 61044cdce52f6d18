"""The help texts of every command, for the catalogue: a Babel extraction method.

Help texts are docstrings and ``help=`` values, some built at import (a shared option's help);
what a reader sees is the loaded command tree, so ``make messages`` takes them from there
(babel.cfg maps this file to ``extract``), each paragraph a message of the ``help`` context.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def commands(command: Any, ctx: Any = None) -> Iterator[tuple[Any, Any]]:
    """Every command and group of the tree under ``command``, each with a context of its own,
    the groups first."""
    import typer

    ctx = ctx or typer.Context(command, info_name="salescrm")
    yield command, ctx
    for name in getattr(command, "list_commands", lambda _: [])(ctx):
        child = command.get_command(ctx, name)
        yield from commands(child, typer.Context(child, info_name=name, parent=ctx))


def help_texts(command: Any, ctx: Any) -> Iterator[str]:
    """The help texts one command shows: its own, and each option's and argument's."""
    from salescrm.cli.help_language import paragraphs

    yield from paragraphs(command.help)
    yield from paragraphs(command.short_help)
    for param in command.get_params(ctx):
        yield from paragraphs(getattr(param, "help", None))


def root() -> Any:
    """The ``salescrm`` command with every command loaded."""
    import typer.main

    from salescrm.cli.main import app

    return typer.main.get_command(app)


def extract(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel's extraction interface: every help paragraph as ``N_("help", text)``."""
    found = {text for command, ctx in commands(root()) for text in help_texts(command, ctx)}
    for text in sorted(found):
        yield 0, "N_", ("help", text), []
