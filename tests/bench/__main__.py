"""Run every benchmark module: ``python -m tests.bench [name ...]``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

from tests.bench.common import setup_django


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    setup_django()
    print(
        f"Running {len(names)} benchmark module(s); ratios compare against a baseline "
        "measured in the same run."
    )
    for name in names:
        started = time.monotonic()
        module = importlib.import_module(f"tests.bench.{name}")
        print(f"\n== {name} ==")
        for result in module.run():
            print("  " + result.line())
        print(f"  ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
