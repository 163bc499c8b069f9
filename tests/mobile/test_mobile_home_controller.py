"""What the home screen is told: `HomeController.summary` and `home_view`."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker
from store_factories import inspection_create, site_create

from mobile.controllers.home import HomeController, HomeSummary, home_view
from mobile.i18n import translator_for
from mobile.store import InspectionState, SettingKey, setting_set


def test_it_summarises_a_fresh_device(session_factory: sessionmaker[Session]) -> None:
    summary = HomeController(session_factory).summary()

    assert summary.enrolled is False
    assert summary.server_url is None
    assert summary.site_count == 0
    assert dict(summary.inspections_by_state) == dict.fromkeys(InspectionState, 0)
    assert summary.waiting_to_sync == 0


def test_it_summarises_an_enrolled_device_with_inspections(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        setting_set(session, SettingKey.SERVER_URL, "https://skolmiljo.example.se")
        setting_set(session, SettingKey.DEVICE_TOKEN, "token")
        site = site_create(session)
        site_create(session)
        site_create(session, removed=True)
        for state in [
            InspectionState.DRAFT,
            InspectionState.WAITING,
            InspectionState.WAITING,
            InspectionState.SENDING,
            InspectionState.WAITING_PHOTOS,
            InspectionState.SYNCED,
            InspectionState.REFUSED,
        ]:
            inspection_create(session, site=site, state=state)

    summary = HomeController(session_factory).summary()

    assert summary.enrolled is True
    assert summary.server_url == "https://skolmiljo.example.se"
    assert summary.site_count == 2
    assert summary.inspections_by_state[InspectionState.WAITING] == 2
    assert summary.inspections_by_state[InspectionState.SYNCED] == 1
    # Drafts are not finished and refused ones need the inspector: neither waits.
    assert summary.waiting_to_sync == 4


def test_it_does_not_count_an_empty_token_as_enrolled(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        setting_set(session, SettingKey.DEVICE_TOKEN, "")

    assert HomeController(session_factory).summary().enrolled is False


def _summary(*, enrolled: bool, waiting: int, sites: int) -> HomeSummary:
    counts = dict.fromkeys(InspectionState, 0) | {InspectionState.WAITING: waiting}
    return HomeSummary(
        enrolled=enrolled,
        server_url="https://skolmiljo.example.se" if enrolled else None,
        site_count=sites,
        inspections_by_state=counts,
    )


@pytest.mark.parametrize(
    ("lang", "enrolled", "waiting", "sites", "expected"),
    [
        (
            "sv",
            False,
            0,
            0,
            (
                "Inte ansluten till någon server",
                "Inga inspektioner väntar på att skickas",
                "Inga skolor på surfplattan ännu",
            ),
        ),
        (
            "sv",
            True,
            1,
            1,
            (
                "Ansluten till https://skolmiljo.example.se",
                "1 inspektion väntar på att skickas",
                "1 skola på surfplattan",
            ),
        ),
        (
            "sv",
            True,
            3,
            12,
            (
                "Ansluten till https://skolmiljo.example.se",
                "3 inspektioner väntar på att skickas",
                "12 skolor på surfplattan",
            ),
        ),
        (
            "en",
            True,
            3,
            1,
            (
                "Connected to https://skolmiljo.example.se",
                "3 inspections waiting to sync",
                "1 school on this tablet",
            ),
        ),
    ],
)
def test_it_words_the_summary_for_the_screen(
    lang: str, enrolled: bool, waiting: int, sites: int, expected: tuple[str, str, str]
) -> None:
    view = home_view(
        _summary(enrolled=enrolled, waiting=waiting, sites=sites), translator_for(lang)
    )

    assert (view.enrollment, view.waiting, view.sites) == expected
    # Connecting is always possible (again, after a revoked token); choosing needs sites.
    assert (view.can_connect, view.can_choose_site) == (True, sites > 0)


def test_it_says_when_the_server_refused_the_tablet() -> None:
    summary = HomeSummary(
        enrolled=True,
        server_url="https://skolmiljo.example.se",
        site_count=3,
        inspections_by_state=dict.fromkeys(InspectionState, 0),
        auth_error="Unknown or revoked device token: enroll the tablet again.",
    )

    view = home_view(summary, translator_for("sv"))

    assert view.enrollment == (
        "https://skolmiljo.example.se godtar inte längre surfplattan: anslut igen"
    )
