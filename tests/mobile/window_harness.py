"""Real-window tests of the Kivy app: an Xvfb display and one subprocess per test.

A Kivy App cannot start twice in one process, so each test runs a driver script
(`drivers/*.py`, built on `window_driver.py`) in a fresh Python with its own
`KIVY_HOME`, data folder and report file, on a private Xvfb display that Mesa renders
in software. The test then reads the JSON report and the screenshots.

Screenshots are also copied to `$SKOLMILJO_TEST_OUTPUT/screenshots/` (default
`<repo>/test-output/screenshots/`) for people and CI artefacts to look at.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[2]
TESTS_DIR = Path(__file__).resolve().parent
DRIVERS_DIR = TESTS_DIR / "drivers"
TEST_OUTPUT_VARIABLE = "SKOLMILJO_TEST_OUTPUT"
SCREEN = "1280x800x24"
XVFB_START_SECONDS = 15.0
DRIVER_TIMEOUT_SECONDS = 90.0


class WindowTestError(AssertionError):
    """The window subprocess failed; the message carries its report and log."""


def output_root() -> Path:
    """Where screenshots are published: `$SKOLMILJO_TEST_OUTPUT` or `<repo>/test-output`."""
    configured = os.environ.get(TEST_OUTPUT_VARIABLE, "").strip()
    return Path(configured) if configured else REPO_ROOT / "test-output"


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


class Xvfb:
    """A private X display: `Xvfb -displayfd` picks a free number and reports it."""

    def __init__(self, executable: str, screen: str = SCREEN) -> None:
        self.executable = executable
        self.screen = screen
        self.display = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> str:
        read_end, write_end = os.pipe()
        # Open for the whole life of Xvfb, closed in stop().
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            [self.executable, "-displayfd", str(write_end), "-screen", "0", self.screen]
            + ["-nolisten", "tcp"],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        os.close(write_end)
        try:
            self.display = ":" + self._read_display_number(read_end)
        except BaseException:
            self.stop()
            raise
        finally:
            os.close(read_end)
        return self.display

    def _read_display_number(self, read_end: int) -> str:
        ready, _, _ = select.select([read_end], [], [], XVFB_START_SECONDS)
        number = os.read(read_end, 64).decode().strip() if ready else ""
        if not number.isdigit():
            raise RuntimeError(f"Xvfb did not start: {self._log_text()}")
        return number

    def _log_text(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-2000:]

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None


@dataclass
class DriverRun:
    """What one window subprocess reported."""

    report: dict[str, Any]
    screenshots: dict[str, Path] = field(default_factory=dict)
    log: str = ""


class WindowHarness:
    """Runs driver scripts for one test, in `work_dir`, on `display`."""

    def __init__(self, display: str, work_dir: Path, language: str = "sv") -> None:
        self.display = display
        self.work_dir = work_dir
        self.language = language
        self.data_dir = work_dir / "data"
        self.screenshot_dir = work_dir / "screenshots"
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def environment(self, report_path: Path) -> dict[str, str]:
        # Built from scratch: nothing of the developer's desktop, locale or Kivy
        # settings leaks into the test.
        home = self.work_dir / "home"
        home.mkdir(exist_ok=True)
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "DISPLAY": self.display,
            "LANGUAGE": self.language,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(TESTS_DIR)]),
            "PYTHONDONTWRITEBYTECODE": "1",
            "KIVY_NO_ARGS": "1",
            "KIVY_HOME": str(self.work_dir / "kivy-home"),
            "KIVY_WINDOW": "sdl2",
            "KIVY_GL_BACKEND": "sdl2",
            "KIVY_NO_FILELOG": "1",
            # Mesa's llvmpipe: the same pixels with or without a GPU on the machine.
            "LIBGL_ALWAYS_SOFTWARE": "1",
            "SKOLMILJO_MOBILE_DATA": str(self.data_dir),
            "SKOLMILJO_WINDOW_SCREENSHOTS": str(self.screenshot_dir),
            "SKOLMILJO_WINDOW_REPORT": str(report_path),
        }

    def run(self, driver: str, *args: str, env: dict[str, str] | None = None) -> DriverRun:
        """Run `drivers/<driver>.py` with `args` (and extra `env`); fail with its log
        unless it succeeds."""
        report_path = self.work_dir / f"{driver}-report.json"
        report_path.unlink(missing_ok=True)
        try:
            completed = subprocess.run(
                [sys.executable, str(DRIVERS_DIR / f"{driver}.py"), *args],
                env=self.environment(report_path) | (env or {}),
                cwd=self.work_dir,
                capture_output=True,
                text=True,
                timeout=DRIVER_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired as timeout:
            raise WindowTestError(f"{driver} ran over {DRIVER_TIMEOUT_SECONDS} s") from timeout
        log = completed.stdout + completed.stderr
        report: dict[str, Any] = json.loads(report_path.read_text()) if report_path.exists() else {}
        if completed.returncode != 0 or not report or "error" in report:
            raise WindowTestError(
                f"{driver} exited with {completed.returncode}\n"
                f"error: {report.get('error', '(no report)')}\nlog (tail):\n{log[-4000:]}"
            )
        screenshots = {
            name: self.screenshot_dir / filename
            for name, filename in report.get("screenshots", {}).items()
        }
        self._publish(screenshots.values())
        return DriverRun(report=report, screenshots=screenshots, log=log)

    def _publish(self, screenshots: Iterable[Path]) -> None:
        published = output_root() / "screenshots"
        published.mkdir(parents=True, exist_ok=True)
        for path in screenshots:
            if path.exists():
                shutil.copy2(path, published / path.name)
