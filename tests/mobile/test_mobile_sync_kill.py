"""kill -9 the app mid-sync, restart it: the server ends with each inspection exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_sync import LiveSync, Tablet
from photo_files import camera_jpeg
from sqlalchemy import select

from mobile.store import Inspection, InspectionState, OutboxEntry, Photo

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parents[1]
GRADES = {"roof": "C", "facade": "B", "windows_doors": "A", "play_equipment": "D"}


@pytest.fixture
def tablet(tmp_path: Path) -> Iterator[Tablet]:
    tablet = Tablet(tmp_path / "tablet")
    yield tablet
    tablet.close()


def _start_child(tablet: Tablet) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), str(TESTS_DIR)]))
    return subprocess.Popen(
        [sys.executable, str(TESTS_DIR / "sync_child.py"), str(tablet.data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def _kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


def _local(tablet: Tablet) -> tuple[list[InspectionState], int]:
    with tablet.session_factory() as session:
        states = list(session.scalars(select(Inspection.state)))
        unacked = session.scalars(select(OutboxEntry).where(OutboxEntry.acked_at.is_(None))).all()
        return states, len(unacked)


def test_it_resumes_after_kill_9_and_the_server_holds_each_inspection_once(
    live: LiveSync, tablet: Tablet, tmp_path: Path
) -> None:
    from server.inspections.models import Photo as ServerPhoto

    tablet.enroll(live)
    first = [
        tablet.inspect(
            site, GRADES, photo=camera_jpeg(tmp_path / f"{n}.jpg", colour=(n * 40, 9, 9))
        )
        for n, site in enumerate(["bergsjoskolan", "brackeskolan", "angeredsskolan"] * 2)
    ]

    # 1. Killed after the server committed the push, before the tablet heard the answer.
    live.proxy.hold_push_response = True
    child = _start_child(tablet)
    assert live.proxy.push_committed.wait(60), child.communicate()[0]
    _kill(child)
    live.proxy.hold_push_response = False
    live.proxy.release.set()

    assert len(live.server_inspections()) == 6
    states, unacked = _local(tablet)
    assert unacked == 6  # nothing acknowledged, so nothing forgotten
    assert set(states) == {InspectionState.SENDING}  # as the killed process left them

    # 2. More work, killed after the photo uploads, before the push.
    second = [
        tablet.inspect(
            "bergsjoskolan",
            GRADES,
            photo=camera_jpeg(tmp_path / f"b{n}.jpg", colour=(n * 40, 99, 200)),
        )
        for n in range(4)
    ]
    child = _start_child(tablet)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("photos "):
            break
    _kill(child)

    # 3. Restarted: it finishes what was left, and nothing is stored twice.
    child = _start_child(tablet)
    output, _ = child.communicate(timeout=60)
    assert child.returncode == 0, output
    assert "done" in output

    expected = sorted((uuid, 1, len(GRADES)) for uuid in first + second)
    assert live.server_inspections() == expected
    with tablet.session_factory() as session:
        local_photos = set(session.scalars(select(Photo.sha256)))
    assert len(local_photos) == 10
    assert set(ServerPhoto.objects.values_list("sha256", flat=True)) == local_photos
    states, unacked = _local(tablet)
    assert (set(states), unacked) == ({InspectionState.SYNCED}, 0)
