"""The server side of the tablet's live tests, and a tablet made of the app's own parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session, sessionmaker
from tcp_proxy import TcpProxy

from mobile.controllers.enroll import EnrollController
from mobile.controllers.inspection import InspectionController
from mobile.controllers.sites import SitesController
from mobile.i18n import translator_for
from mobile.store import close_store, init_store
from mobile.sync.api import SyncApi
from mobile.sync.engine import SyncReport, api_for_store, sync_run
from mobile.sync.retry import Backoff

FAST_BACKOFF = Backoff(base=0.01, cap=0.05, attempts=4)


@dataclass
class LiveSync:
    url: str
    proxy: TcpProxy
    inspector: Any

    @classmethod
    def create(cls, server_url: str) -> LiveSync:
        from django.contrib.auth.models import Group, User

        from server.core.roles import INSPECTOR
        from server.inspections.models import Assignment
        from server.schools.models import District
        from tests.server.factories import make_site, make_unit

        inspector = User.objects.create_user(username="inga", password="x")
        inspector.groups.add(Group.objects.get_or_create(name=INSPECTOR)[0])
        east = District.objects.create(code="ostra", name="Östra Göteborg", kind="district")
        west = District.objects.create(code="vastra", name="Västra Göteborg", kind="district")
        bergsjo = make_site(code="bergsjoskolan", name="Bergsjöskolan", district=east)
        make_unit(code="bergsjo-f6", name="Bergsjöskolan F–6", site=bergsjo)
        make_site(code="brackeskolan", name="Bräckeskolan", district=west)
        make_site(code="angeredsskolan", name="Angeredsskolan", district=east)
        Assignment.objects.create(inspector=inspector, site=bergsjo)
        parts = urlsplit(server_url)
        proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 80))
        return cls(url=proxy.url, proxy=proxy, inspector=inspector)

    def code(self) -> str:
        from server.accounts.services import enrollment_code_create

        return enrollment_code_create(user=self.inspector)[1]

    def colleague(self, username: str) -> LiveSync:
        """The same server, enrolling tablets for another inspector."""
        from django.contrib.auth.models import Group, User

        from server.core.roles import INSPECTOR

        other = User.objects.create_user(username=username, password="x")
        other.groups.add(Group.objects.get_or_create(name=INSPECTOR)[0])
        return LiveSync(url=self.url, proxy=self.proxy, inspector=other)

    def server_owners(self) -> dict[str, tuple[int, str]]:
        """{uuid: (revision, inspector)} of every inspection the server holds."""
        from server.inspections.models import Inspection

        return {
            str(uuid): (revision, username)
            for uuid, revision, username in Inspection.objects.values_list(
                "uuid", "revision", "inspector__username"
            )
        }

    def server_inspections(self) -> list[tuple[str, int, int]]:
        """(uuid, revision, ratings) of every inspection the server holds."""
        from django.db.models import Count

        from server.inspections.models import Inspection

        return sorted(
            (str(uuid), revision, n)
            for uuid, revision, n in Inspection.objects.annotate(n=Count("ratings")).values_list(
                "uuid", "revision", "n"
            )
        )


@dataclass
class Tablet:
    """A tablet made of the app's store, controllers and sync client (no window)."""

    data_dir: Path
    language: str = "sv"
    # Talk to a fake server (`fake_server.FakeServer.transport`) instead of the network.
    transport: httpx.BaseTransport | None = None
    session_factory: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.session_factory = init_store(self.data_dir / "skolmiljo.sqlite3")
        self.tr = translator_for(self.language)
        self.photos_dir = self.data_dir / "photos"
        self.enrolling = EnrollController(
            self.session_factory,
            self.tr,
            lambda url, token: SyncApi(url, token, transport=self.transport),
        )
        self.sites = SitesController(self.session_factory)
        self.inspections = InspectionController(
            self.session_factory, self.tr, photos_dir=self.photos_dir
        )

    def close(self) -> None:
        close_store(self.session_factory)

    def enroll(self, live: Any) -> str:
        """Enroll with a `LiveSync` or a `FakeServer` (anything with `url` and `code()`)."""
        return self.enrolling.enroll(server_url=live.url, code=live.code(), device_name="Platta 7")

    def sync(self, backoff: Backoff = FAST_BACKOFF, **kwargs: Any) -> SyncReport:
        api: SyncApi = api_for_store(self.session_factory, transport=self.transport)
        with api:
            return sync_run(
                self.session_factory,
                api,
                photos_dir=self.photos_dir,
                backoff=backoff,
                sleep=lambda _s: None,
                **kwargs,
            )

    def inspect(
        self, site: str, grades: dict[str, str], photo: Path | None = None, finish: bool = True
    ) -> str:
        uuid = self.inspections.start(site)
        photos = [self.inspections.import_photo(photo)] if photo else []
        for n, (element, grade) in enumerate(grades.items()):
            self.inspections.rate(
                uuid,
                element,
                grade=grade,
                urgency=2 if grade in "CD" else None,
                note=f"{element} {grade}",
                photos=photos if n == 0 else [],
            )
        if finish:
            self.inspections.finish(uuid)
        return uuid
