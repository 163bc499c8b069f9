"""Run one sync of the tablet store in `argv[1]` in its own process, printing progress.

`test_mobile_sync_kill` starts this and kills it with SIGKILL mid-sync.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mobile.store import close_store, init_store
from mobile.sync.engine import api_for_store, sync_run
from mobile.sync.retry import Backoff


def main(data_dir: Path) -> None:
    factory = init_store(data_dir / "skolmiljo.sqlite3")

    def progress(phase: str, done: int, total: int) -> None:
        print(f"{phase} {done} {total}", flush=True)

    with api_for_store(factory) as api:
        report = sync_run(
            factory,
            api,
            photos_dir=data_dir / "photos",
            backoff=Backoff(base=0.01, cap=0.05, attempts=3),
            progress=progress,
        )
    print(f"done {sorted(report.statuses.items())}", flush=True)
    close_store(factory)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
