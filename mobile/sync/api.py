"""The sync endpoints over HTTP, with the shared wire types; errors become `AppError`s."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import httpx
import pydantic

from mobile.sync.batches import push_body
from shared.errors import AppError, ErrorPayload
from shared.sync import EnrollIn, EnrollOut, ReceivedPushOut, ReceivedPushResult, ReferenceOut

API_PREFIX: Final = "/api/v1"
TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)


def error_from_response(response: httpx.Response) -> AppError:
    """The server's error payload as the exception it stands for (any status)."""
    try:
        payload = ErrorPayload.model_validate_json(response.content)
    except pydantic.ValidationError:
        payload = ErrorPayload(code="http_error", message=f"HTTP {response.status_code}")
    return AppError.from_payload(response.status_code, payload)


class SyncApi:
    """One server, one device token. Not thread-safe: one per worker thread."""

    def __init__(
        self,
        server_url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(
            base_url=server_url.rstrip("/") + API_PREFIX,
            headers=headers,
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SyncApi:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def _checked(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def enroll(self, *, code: str, device_name: str) -> EnrollOut:
        body = EnrollIn(code=code, device_name=device_name).model_dump_json()
        response = self._client.post(
            "/devices/enroll", content=body, headers={"Content-Type": "application/json"}
        )
        return EnrollOut.model_validate_json(self._checked(response).content)

    def reference(self, cursor: str | None) -> ReferenceOut:
        params = {"cursor": cursor} if cursor else {}
        response = self._client.get("/sync/reference", params=params)
        return ReferenceOut.model_validate_json(self._checked(response).content)

    def photo_put(self, sha256: str, data: bytes) -> None:
        response = self._client.put(
            f"/photos/{sha256}", content=data, headers={"Content-Type": "image/jpeg"}
        )
        self._checked(response)

    def push(self, payloads: Sequence[str]) -> list[ReceivedPushResult]:
        """Push inspections already in wire JSON (as the outbox keeps them), in order.

        Read leniently: a status this tablet does not know comes back as it is (the
        caller treats it as refused) instead of failing the whole batch's answer.
        """
        response = self._client.post(
            "/sync/inspections",
            content=push_body(payloads),
            headers={"Content-Type": "application/json"},
        )
        results = ReceivedPushOut.model_validate_json(self._checked(response).content).results
        if len(results) != len(payloads):
            raise AppError(f"the server answered {len(results)} results for {len(payloads)}")
        return results
