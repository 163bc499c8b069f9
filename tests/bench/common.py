"""Timing and set-up shared by the benchmarks."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    name: str
    seconds: float
    baseline_name: str
    baseline_seconds: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.baseline_seconds / self.seconds

    def line(self) -> str:
        digits = 1 if self.ratio >= 10 else 2  # 0.46x must not print as 0.5x
        return (
            f"{self.name}: {self.seconds * 1000:.1f} ms; baseline ({self.baseline_name}) "
            f"{self.baseline_seconds * 1000:.1f} ms; {self.ratio:.{digits}f}x faster"
            + (f" [{self.note}]" if self.note else "")
        )


@dataclass(frozen=True)
class Cost(Result):
    """A cost in multiples of a reference operation, where smaller is better (a ranking
    request as "times a plain site read"): printed as such, never as "faster"."""

    per: str = "the baseline"
    """The reference operation, in the line's "N times ..."."""

    def line(self) -> str:
        times = self.seconds / self.baseline_seconds
        return (
            f"{self.name}: {self.seconds * 1000:.1f} ms; baseline ({self.baseline_name}) "
            f"{self.baseline_seconds * 1000:.1f} ms; {times:.1f} times {self.per} "
            "(smaller is better)" + (f" [{self.note}]" if self.note else "")
        )


def median_of(fn: Callable[[], object], repeat: int) -> float:
    """The median of a few runs, for goals stated as a median (a click)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of a few runs: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def setup_django(database_url: str | None = None) -> Path:
    """Configure Django on a throw-away database (SQLite unless BENCH_DATABASE_URL says)."""
    workdir = Path(tempfile.mkdtemp(prefix="skolmiljo-bench-"))
    os.environ["SKOLMILJO_MODE"] = "test"
    os.environ["SKOLMILJO_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url or os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "server.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return workdir
