"""Bringing an outside file into ``attachments/<customer>/`` (copied when the transaction applies)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from salescrm.core.errors import UsageError
from salescrm.store.datadir import Transaction

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def attach(tx: Transaction, customer_id: str, source: Path, day: date) -> str:
    """Queue ``source`` for copying; returns its path relative to the data directory."""
    if source.is_symlink():  # a link could point anywhere, e.g. ~/.ssh: attach the file itself
        raise UsageError(f"--attach {source}: is a symbolic link", hint="attach the file it points to")
    if not source.is_file():
        raise UsageError(f"--attach {source}: no such file")
    limit = tx.datadir.config.attachment_max_mb
    if source.stat().st_size > limit * 1024 * 1024:
        raise UsageError(
            f"--attach {source}: is larger than {limit} MB",
            hint="raise attachments.max_mb in salescrm.yaml, or attach a smaller file",
        )
    folder = tx.datadir.attachments_dir / customer_id
    stem = _UNSAFE.sub("_", source.stem).strip("._") or "file"
    suffix = _UNSAFE.sub("", source.suffix)
    queued = {target for _, target in tx._copies}
    name, n = f"{day:%Y%m%d}-{stem}{suffix}", 2
    while (folder / name).exists() or folder / name in queued:
        name, n = f"{day:%Y%m%d}-{stem}-{n}{suffix}", n + 1
    tx.copy_in(source, folder / name)
    return f"attachments/{customer_id}/{name}"
