"""The tablet app: start-up with 10,000 stored ratings, and syncing a full day's outbox.

1. Start-up: open the store, list the sites and open an inspection's checklist, with
   10,000 ratings stored (400 inspections x 25), against the same on an empty store.
2. Sync: 500 inspections x 25 ratings + 1 photo each, from a tablet store through the
   real sync client to the real server on a local port (photos PUT, pushes in
   batches of 200), against the server-side bulk limit measured in the same run: the
   same rows bulk-inserted unvalidated (bench_sync's bulk path) plus the photo files
   written straight to disk.

`BENCH_MOBILE_INSPECTIONS` makes the sync part smaller for a quick run.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import tempfile
import threading
import time
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bench.common import Result, best_of

STARTUP_INSPECTIONS = 400  # x 25 elements = 10,000 ratings
SYNC_INSPECTIONS = int(os.environ.get("BENCH_MOBILE_INSPECTIONS", "500"))
T0 = datetime(2025, 9, 1, 8, tzinfo=UTC)


def _reference(n_sites: int, assigned: int = 5) -> Any:
    from shared.catalogue import load_catalogue
    from shared.sync import CatalogueRef, ReferenceOut, SiteRef

    return ReferenceOut(
        cursor="bench",
        sites=[
            SiteRef(
                code=f"bench-{n}",
                name=f"Skola {n:03d}",
                district="Bench",
                lat=57.7,
                lon=11.9,
                units=[],
            )
            for n in range(n_sites)
        ],
        catalogue=CatalogueRef.from_catalogue(load_catalogue()),
        assignments=[f"bench-{n}" for n in range(assigned)],
    )


def _photo_bytes(n: int) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (320, 240), ((n * 7) % 256, (n * 13) % 256, (n * 29) % 256))
    image.putpixel((n % 320, (n // 320) % 240), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _fill_store(
    path: Path, *, n_inspections: int, site_codes: list[str], photos_dir: Path | None
) -> list[str]:
    """A tablet store with finished inspections (each in the outbox) rating every element."""
    import hashlib

    from mobile.store import (
        CatalogueElement,
        Inspection,
        InspectionState,
        Photo,
        Rating,
        close_store,
        init_store,
    )
    from mobile.store.outbox import outbox_add
    from shared.catalogue import load_catalogue

    version = load_catalogue().version
    factory = init_store(path)
    uuids = []
    with factory.begin() as session:
        elements = session.query(CatalogueElement).order_by(CatalogueElement.position).all()
        codes = [e.code for e in elements]
        # A lump-sum element is the whole site: its quantity is 1, never 12.
        lump_sums = {e.code for e in elements if e.unit == "site"}
        for n in range(n_inspections):
            inspection = Inspection(
                uuid=str(uuidlib.uuid4()),
                site_code=site_codes[n % len(site_codes)],
                catalogue_version=version,
                state=InspectionState.WAITING,
                started_at=T0 + timedelta(hours=3 * n),
                finished_at=T0 + timedelta(hours=3 * n + 2),
            )
            photo = None
            if photos_dir is not None:
                data = _photo_bytes(n)
                sha = hashlib.sha256(data).hexdigest()
                (photos_dir / f"{sha}.jpg").write_bytes(data)
                photo = Photo(sha256=sha, path=f"{sha}.jpg", taken_at=T0, size=len(data))
                session.add(photo)
            inspection.ratings = [
                Rating(
                    element=code,
                    location="",
                    grade="ABCD"[(n + k) % 4],
                    note="Bench",
                    quantity=1.0 if code in lump_sums else 12.0,
                    observed_at=T0 + timedelta(hours=3 * n, minutes=k),
                    lat=57.7,
                    lon=11.9,
                    accuracy_m=5.0,
                    photos=[photo] if photo is not None and k == 0 else [],
                )
                for k, code in enumerate(codes)
            ]
            session.add(inspection)
            uuids.append(inspection.uuid)
        session.flush()
        for inspection in session.query(Inspection):
            outbox_add(session, inspection)
    close_store(factory)
    return uuids


def _prepared_store(workdir: Path, name: str, n_sites: int) -> Path:
    from mobile.store import close_store, init_store
    from mobile.store.reference import reference_apply

    path = workdir / name / "skolmiljo.sqlite3"
    factory = init_store(path)
    with factory.begin() as session:
        reference_apply(session, _reference(n_sites))
    close_store(factory)
    return path


def _startup(path: Path, uuid: str | None) -> None:
    from mobile.controllers.inspection import InspectionController
    from mobile.controllers.sites import SitesController
    from mobile.i18n import translator_for
    from mobile.store import close_store, init_store

    factory = init_store(path)
    SitesController(factory).sites()
    controller = InspectionController(factory, translator_for("sv"), photos_dir=path.parent)
    controller.checklist(uuid or controller.start("bench-0"))
    close_store(factory)


def _bench_startup(workdir: Path) -> Result:
    full = _prepared_store(workdir, "full", 50)
    uuids = _fill_store(
        full,
        n_inspections=STARTUP_INSPECTIONS,
        site_codes=[f"bench-{n}" for n in range(50)],
        photos_dir=None,
    )
    empty = _prepared_store(workdir, "empty", 50)
    _startup(empty, None)  # warm imports and the catalogue cache
    full_s = best_of(lambda: _startup(full, uuids[-1]), repeat=7)
    empty_s = best_of(lambda: _startup(empty, None), repeat=7)
    return Result(
        f"app start-up (store, site list, one checklist) with {STARTUP_INSPECTIONS * 25:,} ratings",
        full_s,
        "the same on an empty store",
        empty_s,
        "a ratio near 1 means stored ratings cost start-up nothing",
    )


class _Server:
    """The Django app served on a local port from a thread, like a small production host."""

    def __init__(self) -> None:
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.core.wsgi import get_wsgi_application

        class Quiet(WSGIRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

        class NoDelay(ThreadedWSGIServer):  # type: ignore[misc]
            # As production servers (gunicorn, uvicorn) do: wsgiref writes headers and
            # body in separate sends, and Nagle plus delayed ACKs would add ~40 ms to
            # every request, measuring the loopback rather than the sync.
            def get_request(self) -> Any:
                conn, address = super().get_request()
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return conn, address

        self.httpd = NoDelay(("127.0.0.1", 0), Quiet, allow_reuse_address=True)
        self.httpd.set_app(get_wsgi_application())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _clear_server() -> None:
    from server.inspections.models import Inspection, Photo

    Inspection.objects.all().delete()
    for photo in Photo.objects.all():
        photo.file.delete(save=False)
    Photo.objects.all().delete()


def _bench_sync(workdir: Path) -> list[Result]:
    from django.contrib.auth.models import Group, User

    from mobile.controllers.enroll import EnrollController
    from mobile.i18n import translator_for
    from mobile.store import InspectionState, close_store, init_store
    from mobile.sync.engine import api_for_store, sync_run
    from server.accounts.services import enrollment_code_create
    from server.inspections.models import Inspection
    from server.schools.models import District, Site
    from tests.bench.bench_sync import bulk_insert

    district, _ = District.objects.get_or_create(code="bench-mobile", name="Bench", kind="district")
    site, _ = Site.objects.get_or_create(
        code="bench-mobile-site",
        defaults={"name": "Bench", "district": district, "lat": 57.7, "lon": 11.9},
    )
    user, _ = User.objects.get_or_create(username="bench-tablet")
    user.groups.add(Group.objects.get_or_create(name="inspector")[0])
    server = _Server()
    try:
        master = workdir / "tablet" / "skolmiljo.sqlite3"
        factory = init_store(master)
        EnrollController(factory, translator_for("sv")).enroll(
            server_url=server.url, code=enrollment_code_create(user=user)[1], device_name="Bench"
        )
        close_store(factory)
        photos_dir = master.parent / "photos"
        photos_dir.mkdir()
        _fill_store(
            master, n_inspections=SYNC_INSPECTIONS, site_codes=[site.code], photos_dir=photos_dir
        )

        def one_sync() -> float:
            _clear_server()
            run_dir = Path(tempfile.mkdtemp(dir=workdir))
            shutil.copy(master, run_dir / master.name)
            factory = init_store(run_dir / master.name)
            started = time.perf_counter()
            with api_for_store(factory) as api:
                report = sync_run(factory, api, photos_dir=photos_dir)
            elapsed = time.perf_counter() - started
            assert report.statuses == {"created": SYNC_INSPECTIONS}, report
            assert report.photos_uploaded == SYNC_INSPECTIONS
            with factory() as session:
                from mobile.store import inspection_count_by_state

                assert (
                    inspection_count_by_state(session)[InspectionState.SYNCED] == SYNC_INSPECTIONS
                )
            close_store(factory)
            assert Inspection.objects.count() == SYNC_INSPECTIONS
            return elapsed

        records = _server_records(master, site.code)
        photo_files = [p.read_bytes() for p in sorted(photos_dir.iterdir())]

        def limit() -> float:
            _clear_server()
            target = Path(tempfile.mkdtemp(dir=workdir))
            started = time.perf_counter()
            bulk_insert(records, site=site, user=user)
            for n, data in enumerate(photo_files):
                (target / f"{n}.jpg").write_bytes(data)
            return time.perf_counter() - started

        pairs = [(one_sync(), limit()) for _ in range(2)]
        sync_s, limit_s = min(p[0] for p in pairs), min(p[1] for p in pairs)
        _clear_server()
    finally:
        server.stop()
    n_ratings = SYNC_INSPECTIONS * 25
    return [
        Result(
            f"tablet sync, {SYNC_INSPECTIONS} inspections x 25 ratings + 1 photo each, over HTTP",
            sync_s,
            "the same rows bulk-inserted unvalidated + photo files written (the limit)",
            limit_s,
            f"{n_ratings / sync_s:,.0f} ratings/s end to end; "
            "a ratio below 1 means slower than the limit",
        )
    ]


def _server_records(store: Path, site_code: str) -> list[dict[str, Any]]:
    """The outbox's payloads as bench_sync's bulk path takes them."""
    import json

    from mobile.store import OutboxEntry, close_store, init_store

    factory = init_store(store)
    with factory() as session:
        payloads = [
            json.loads(e.payload) for e in session.query(OutboxEntry).order_by(OutboxEntry.id)
        ]
    close_store(factory)
    for record in payloads:
        record["site"] = site_code
    return payloads


def run() -> list[Result]:
    import logging

    # One log line per request would be timed too.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    workdir = Path(tempfile.mkdtemp(prefix="skolmiljo-bench-mobile-"))
    try:
        return [_bench_startup(workdir), *_bench_sync(workdir)]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
