"""Python's cyclic garbage collector around bursts of allocation."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for a bounded burst of allocation.

    Validating a push batch makes some 100,000 small objects, which sets off full
    collections that walk every object of the process (Django, pandas, ...) several
    times per batch: a third of the push's time in `make bench`. The work inside is
    bounded (MAX_PUSH_BATCH records), reference counting still frees everything that is
    not a cycle, and the collector resumes, on its usual schedule, when the block ends.
    Pausing is process-wide, so keep the block short; a block that started with the
    collector already off leaves it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
