"""Attachments: checking the user's file and choosing where its copy lives.

The copy goes to ``attachments/<customer>/<safe unique name>``; nothing of the
user's path survives, so no name can point outside the data directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from salescrm.core.errors import UsageError
from salescrm.core.followups import attachment_name
from salescrm.core.ids import check_customer_id
from salescrm.store.datadir import DataDir, Transaction


@dataclass(frozen=True)
class Attachment:
    source: Path
    target: Path
    relative: str  # attachments/CRM202405001/20240503-quote.pdf, as the record stores it


def check_attachment(text: str, max_mb: int) -> Path:
    """The user's file, refused when missing, a folder, a symbolic link, or too large."""
    path = Path(text).expanduser()
    if path.is_symlink():
        raise UsageError(
            f"attachment {text!r} is a symbolic link",
            hint="attach the file itself; salescrm does not follow links",
        )
    if not path.exists():
        raise UsageError(f"attachment {text!r} does not exist")
    if path.is_dir():
        raise UsageError(f"attachment {text!r} is a folder", hint="attach files one by one (or a .zip)")
    if not path.is_file():
        raise UsageError(f"attachment {text!r} is not a regular file")
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise UsageError(
            f"attachment {text!r} is {size / 1024 / 1024:.1f} MB; at most {max_mb} MB are allowed",
            hint="attachments.max_mb in salescrm.yaml sets the limit",
        )
    return path


def plan_attachments(datadir: DataDir, customer_id: str, sources: list[Path], on: date) -> list[Attachment]:
    """Where each file goes: a name not yet taken in the customer's attachment folder."""
    folder = datadir.attachments_dir / check_customer_id(customer_id)
    taken = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    planned = []
    for source in sources:
        name = attachment_name(source.name, on, taken)
        taken.append(name)
        planned.append(Attachment(source, folder / name, f"attachments/{folder.name}/{name}"))
    return planned


def copy_attachments(tx: Transaction, attachments: list[Attachment]) -> None:
    for attachment in attachments:
        tx.copy_in(attachment.source, attachment.target)
