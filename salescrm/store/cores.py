"""Work spread over every core, for reading many customer files (the index and ``check``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from salescrm.core.config import Config

if TYPE_CHECKING:
    from salescrm.store.datadir import DataDir

PARALLEL_FROM = 200  # files to parse before the work is spread over the cores
T = TypeVar("T")


def count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def on_every_core(
    work: Callable[[str, list[str], Config], list[T]], datadir: DataDir, names: list[str], config: Config
) -> Iterable[T]:
    """``work(root, some names, config)`` in worker processes over every core, chunk by chunk
    as they finish (libyaml holds the GIL: threads would not help); reports progress."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    workers = count()
    size = max(20, min(250, len(names) // (workers * 8)))
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    done = 0
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(work, str(datadir.root), chunk, config) for chunk in chunks]
        for future in as_completed(futures):
            results = future.result()
            done += len(results)
            if datadir.progress:
                datadir.progress(done, len(names))
            yield from results
