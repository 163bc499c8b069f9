"""What the home screen shows: enrollment, sites on the tablet, inspections to sync."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy.orm import Session, sessionmaker

from mobile.i18n import Translator
from mobile.store import (
    PENDING_STATES,
    InspectionState,
    SettingKey,
    inspection_count_by_state,
    setting_get,
    site_count,
)


@dataclass(frozen=True, slots=True)
class HomeSummary:
    enrolled: bool
    server_url: str | None
    site_count: int
    inspections_by_state: Mapping[InspectionState, int]
    # Why the server refused this tablet's token, if it did: syncing has stopped.
    auth_error: str | None = None

    @property
    def waiting_to_sync(self) -> int:
        """Finished inspections the server has not acknowledged yet."""
        return sum(self.inspections_by_state[state] for state in PENDING_STATES)


@dataclass(frozen=True, slots=True)
class HomeView:
    """The home screen's changing texts, already translated."""

    enrollment: str
    waiting: str
    sites: str
    can_connect: bool = True
    # Sites come with enrollment; without any there is nothing to choose.
    can_choose_site: bool = False


class HomeController:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def summary(self) -> HomeSummary:
        with self._session_factory() as session:
            token = setting_get(session, SettingKey.DEVICE_TOKEN)
            return HomeSummary(
                enrolled=bool(token),
                server_url=setting_get(session, SettingKey.SERVER_URL),
                site_count=site_count(session),
                inspections_by_state=MappingProxyType(inspection_count_by_state(session)),
                auth_error=setting_get(session, SettingKey.AUTH_ERROR),
            )


def home_view(summary: HomeSummary, tr: Translator) -> HomeView:
    if summary.enrolled and summary.auth_error:
        enrollment = tr("home.refused", server=summary.server_url or "?")
    elif summary.enrolled:
        enrollment = tr("home.enrolled", server=summary.server_url or "?")
    else:
        enrollment = tr("home.not_enrolled")
    return HomeView(
        enrollment=enrollment,
        waiting=tr.plural("home.waiting", summary.waiting_to_sync),
        sites=tr.plural("home.sites", summary.site_count),
        can_choose_site=summary.site_count > 0,
    )
