"""Enrolling the tablet: server address + one-time code (typed, or the QR code's URI)."""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy.orm import Session, sessionmaker

from mobile.i18n import Translator
from mobile.store import SettingKey, setting_get, setting_set
from mobile.store.reference import reference_apply
from mobile.sync.api import SyncApi
from mobile.sync.engine import requeue_not_owner
from shared.errors import AppError, ErrorDetail, InvalidInput, TooManyRequests, Unauthorized

ApiFactory = Callable[[str, str | None], SyncApi]


def _default_api(server_url: str, token: str | None) -> SyncApi:
    return SyncApi(server_url, token)


@dataclass(frozen=True)
class Enrollment:
    server_url: str
    code: str


def enrollment_parse(server_url: str, code: str) -> Enrollment:
    """What the inspector typed or scanned: a `skolmiljo://enroll?server=..&code=..` URI
    in either field stands for both."""
    for text in (code, server_url):
        if text.strip().startswith("skolmiljo://"):
            query = parse_qs(urlsplit(text.strip()).query)
            return Enrollment(
                server_url=query.get("server", [""])[0].strip().rstrip("/"),
                code=query.get("code", [""])[0].strip(),
            )
    server = server_url.strip().rstrip("/")
    if server and "://" not in server:
        server = "https://" + server
    return Enrollment(server_url=server, code=code.strip())


class EnrollController:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        tr: Translator,
        api_factory: ApiFactory = _default_api,
    ) -> None:
        self._session_factory = session_factory
        self._tr = tr
        self._api_factory = api_factory

    def defaults(self) -> tuple[str, str]:
        """The server address and device name to offer in the form."""
        with self._session_factory() as session:
            server = setting_get(session, SettingKey.SERVER_URL) or ""
            name = setting_get(session, SettingKey.DEVICE_NAME) or platform.node() or "Platta"
        return server, name

    def enroll(self, *, server_url: str, code: str, device_name: str) -> str:
        """Enroll and pull the reference data; returns the inspector's user name.

        Raises InvalidInput (field by field) for what the inspector must correct; the
        message is translated. Inspections already on the tablet are kept; those refused
        as another inspector's wait to be sent again (under this inspector, if theirs).
        """
        enrollment = enrollment_parse(server_url, code)
        details = []
        if not enrollment.server_url.startswith(("http://", "https://")):
            details.append(ErrorDetail(field="server_url", message=self._tr("enroll.need_server")))
        if not enrollment.code:
            details.append(ErrorDetail(field="code", message=self._tr("enroll.need_code")))
        if not device_name.strip():
            details.append(ErrorDetail(field="device_name", message=self._tr("enroll.need_name")))
        if details:
            raise InvalidInput(details[0].message, details)
        try:
            with self._api_factory(enrollment.server_url, None) as api:
                enrolled = api.enroll(code=enrollment.code, device_name=device_name.strip())
            with self._api_factory(enrollment.server_url, enrolled.token) as api:
                reference = api.reference(None)
        except Unauthorized as refused:
            message = self._tr("enroll.code_refused", reason=refused.message)
            raise InvalidInput(message, [ErrorDetail(field="code", message=message)]) from None
        except TooManyRequests:
            message = self._tr("enroll.too_many")
            raise InvalidInput(message, [ErrorDetail(field="code", message=message)]) from None
        except (httpx.TransportError, httpx.InvalidURL):
            message = self._tr("enroll.unreachable", server=enrollment.server_url)
            raise InvalidInput(
                message, [ErrorDetail(field="server_url", message=message)]
            ) from None
        except AppError as error:
            message = self._tr("enroll.failed", reason=error.message)
            raise InvalidInput(message, [ErrorDetail(field="", message=message)]) from None
        with self._session_factory.begin() as session:
            previous = setting_get(session, SettingKey.SERVER_URL)
            if previous != enrollment.server_url:
                setting_set(session, SettingKey.REFERENCE_CURSOR, None)
            setting_set(session, SettingKey.SERVER_URL, enrollment.server_url)
            setting_set(session, SettingKey.DEVICE_TOKEN, enrolled.token)
            setting_set(session, SettingKey.DEVICE_NAME, device_name.strip())
            setting_set(session, SettingKey.INSPECTOR, enrolled.inspector)
            setting_set(session, SettingKey.AUTH_ERROR, None)
            reference_apply(session, reference)
            # What was refused as another inspector's may be this one's: try it again.
            requeue_not_owner(session)
        return enrolled.inspector
