"""``customer edit``: $EDITOR on the YAML, checked on save, reopened on error (like crontab -e)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import typer

from salescrm.cli.context import Session
from salescrm.core.errors import CrmError, Msg, UsageError
from salescrm.core.model import Customer
from salescrm.core.records import customer_from_data, customer_to_data
from salescrm.core.validate import validate_customer
from salescrm.i18n import say
from salescrm.store.yamlio import dump_text, line_of, load_text


def edit_customer(s: Session, customer: Customer) -> Customer | None:
    """The edited customer, or None when the file was left unchanged."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or _own_editor() or "vi"
    original = dump_text(customer_to_data(customer))
    with tempfile.TemporaryDirectory(prefix="salescrm-edit-") as folder:
        path = Path(folder) / f"{customer.id}.yaml"
        path.write_text(original, encoding="utf-8")
        while True:
            result = subprocess.run([*shlex.split(editor), str(path)], check=False)
            if result.returncode != 0:
                raise UsageError(Msg("the editor ({editor}) failed; nothing was changed", editor=editor))
            text = path.read_text(encoding="utf-8")
            if text == original:
                print(say(Msg("no changes"), s.lang), file=sys.stderr)
                return None
            try:
                return _checked(s, customer.id, text)
            except CrmError as error:
                print(f"error: {error.message}", file=sys.stderr)
                if not (sys.stdin.isatty() and typer.confirm("Edit again?", default=True, err=True)):
                    kept = rescue(s, customer.id, text)
                    raise UsageError(
                        Msg("the edit was not valid; nothing was changed"),
                        hint=Msg(
                            "your edit is kept in {kept}: fix it there and copy it back with EDITOR='cp "
                            "{kept}' salescrm customer edit {id}",
                            kept=kept,
                            id=customer.id,
                        ),
                    ) from None


def rescue(s: Session, customer_id: str, text: str) -> Path:
    """Keep an edit that could not be saved in the data directory's git-ignored
    ``.salescrm/rescue/`` (a new file, never through a link), so no typing is lost."""
    from datetime import datetime

    folder = s.datadir.local_dir / "rescue"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    for attempt in range(100):
        path = folder / f"{customer_id}-{stamp}{f'-{attempt}' if attempt else ''}.yaml"
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        return path
    raise UsageError(
        Msg("too many rescue files for {customer_id} in {folder}", customer_id=customer_id, folder=folder)
    )


def _own_editor() -> str | None:
    """The editor of the user's own settings (never of salescrm.yaml, which git shares)."""
    from salescrm.store.user_settings import load_user_settings

    return load_user_settings(os.environ).editor


def _checked(s: Session, customer_id: str, text: str) -> Customer:
    name = f"customers/{customer_id}.yaml"
    customer, problems = customer_from_data(load_text(text, name), name)
    if customer is not None:
        problems += validate_customer(customer, s.config, name)
        if customer.id != customer_id:
            raise UsageError(
                Msg(
                    "{name}: the customer number cannot change ({customer_id} → {id})",
                    name=name,
                    customer_id=customer_id,
                    id=customer.id,
                )
            )
    errors = [p for p in problems if p.severity == "error"]
    if errors or customer is None:
        first = errors[0]
        line = line_of(text, first.keys)
        raise UsageError(
            Msg("{name}:{line}: {message}", name=name, line=line, message=first.message)
            if line
            else str(first)
        )
    return customer
