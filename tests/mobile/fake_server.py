"""The sync API as an `httpx.MockTransport`: for answers the real server never gives.

A test decides how pushes are judged (`judge`) and how large a body may be
(`max_body`); every request is kept, so a test can count what the client sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from shared.catalogue import load_catalogue
from shared.sync import CatalogueRef, ReferenceOut, SiteRef

Judge = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
SITES = ("bergsjoskolan", "brackeskolan")


def all_created(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"uuid": r["uuid"], "status": "created"} for r in records]


@dataclass
class FakeServer:
    judge: Judge = all_created
    max_body: int | None = None
    inspector: str = "inga"
    url: str = "http://skolmiljo.test"
    requests: list[httpx.Request] = field(default_factory=list)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def code(self) -> str:
        return "ABCD-EFGH"

    def pushes(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/sync/inspections")]

    def pushed_uuids(self) -> list[list[str]]:
        """The UUIDs of each push the server took (not answered 413), in order."""
        return [
            [r["uuid"] for r in json.loads(request.content)["inspections"]]
            for request in self.pushes()
            if self.max_body is None or len(request.content) <= self.max_body
        ]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/api/v1")
        if path == "/devices/enroll":
            now = datetime.now(UTC).isoformat()
            token = f"token-{self.inspector}"
            return httpx.Response(
                200, json={"token": token, "inspector": self.inspector, "server_time": now}
            )
        if path == "/sync/reference":
            return httpx.Response(200, content=_reference().model_dump_json())
        if path.startswith("/photos/"):
            return httpx.Response(201, json={"sha256": path[8:], "size": 1, "content_type": "x"})
        if path == "/sync/inspections":
            if self.max_body is not None and len(request.content) > self.max_body:
                message = f"The body is {len(request.content)} bytes; the limit is {self.max_body}"
                return httpx.Response(413, json={"code": "too_large", "message": message})
            records = json.loads(request.content)["inspections"]
            return httpx.Response(200, json={"results": self.judge(records)})
        return httpx.Response(404, json={"code": "not_found", "message": path})


def _reference() -> ReferenceOut:
    return ReferenceOut(
        cursor="1",
        sites=[
            SiteRef(code=code, name=code.title(), district="Östra", lat=57.7, lon=12.0, units=[])
            for code in SITES
        ],
        catalogue=CatalogueRef.from_catalogue(load_catalogue()),
        assignments=[SITES[0]],
    )
