"""Shell completion of values: customers with their names (more to come)."""

from __future__ import annotations

import typer


def customers(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return []
