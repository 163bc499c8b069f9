"""A test per writer: every write that can change a ranking bumps the data version
(server.core.data_version), and the ranking a planner reads next has the new numbers; a
write that cannot change one, or one rolled back, leaves the version as it was.

Each write goes the way a user or the app makes it (sync push, management command, admin
form, API, service). The tests commit for real (transaction=True), as other processes
see a write: the count moves with the commit, and a rollback leaves it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from auditlog.context import disable_auditlog
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from server.campaigns.models import Campaign
from server.campaigns.services import response_submit, survey_answers_purge
from server.core.data_version import current_version
from server.core.municipality import seeded_municipality
from server.core.roles import ROLES
from server.inspections.models import Inspection
from server.inspections.services import Source, inspections_push
from server.planning.selectors import Ranking, RankingQuery, ranking_get
from server.prices.models import CostIndexYear
from server.prices.selectors import price_list_current
from server.schools.models import District
from surveys.questionnaire import load_questionnaire
from tests.server.campaigns.campaign_factories import add_responses, make_campaign
from tests.server.inspections.conftest import inspection_json, make_inspector
from tests.server.schools.conftest import EXAMPLES, example_districts, run  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PILLARS = ["condition", "experience", "equity"]


def ranking() -> Ranking:
    return ranking_get(RankingQuery())


def changed_by(write: Callable[[], object]) -> tuple[Ranking, Ranking]:
    """The ranking before and after `write`, which must have bumped the data version."""
    before, version = ranking(), current_version().key
    write()
    assert current_version().key != version, "the write left the data version as it was"
    after = ranking()
    assert after.version != before.version  # not the cached ranking of before
    return before, after


def unchanged_by(write: Callable[[], object]) -> None:
    """`write` bumped nothing: the version is the same and so is the (cached) ranking."""
    before, version = ranking(), current_version()
    write()
    assert current_version() == version
    assert ranking() is before


def roof_cost(r: Ranking, site: str) -> float:
    rows = r.ratings[(r.ratings["site"] == site) & (r.ratings["element"] == "roof")]
    (cost,) = rows["estimated_cost_sek"].tolist()
    return float(cost)


@pytest.fixture
def admin() -> Client:
    client = Client()
    client.force_login(User.objects.create_user(username="ada", is_staff=True, is_superuser=True))
    return client


def closed_campaign_for(site: Any, *, respondents: int = 6) -> Campaign:
    """A campaign of the site's unit that closed in 2025, with `respondents` answers."""
    campaign = make_campaign(unit=site.units.get(), open_now=False)
    add_responses(campaign, [2, 3], respondents)
    return campaign


# ---------------------------------------------------------------------------------------
# 1. A stored inspection


def test_a_new_inspection_ranks_a_site_never_inspected(city: dict[str, Any]) -> None:
    source = Source(inspector=make_inspector("ivar"))

    before, after = changed_by(
        lambda: inspections_push(raws=[inspection_json("okand", grade="D")], source=source)
    )

    assert not before.frame.at["okand", "inspected"]
    assert math.isnan(before.frame.at["okand", "condition"])
    assert after.frame.at["okand", "inspected"]
    assert after.frame.at["okand", "condition"] > 0
    assert after.frame.at["okand", "rank"] < before.frame.at["okand", "rank"]


def test_a_revised_inspection_replaces_the_site_s_condition(city: dict[str, Any]) -> None:
    stored = Inspection.objects.get(site__code="nya")  # rated A throughout
    revised = inspection_json("nya", uuid=str(stored.uuid), revision=stored.revision + 1, grade="D")
    results: list[Any] = []

    before, after = changed_by(
        lambda: results.extend(
            inspections_push(raws=[revised], source=Source(inspector=stored.inspector))
        )
    )

    assert [r.status for r in results] == ["updated"]
    assert after.frame.at["nya", "condition"] > before.frame.at["nya", "condition"]
    assert after.frame.at["nya", "fci"] > before.frame.at["nya", "fci"]


# ---------------------------------------------------------------------------------------
# 2. An import of schools and of districts


def test_an_import_of_schools_replaces_the_ranked_sites(
    city: dict[str, Any],
    example_districts: None,  # noqa: F811
) -> None:
    before, after = changed_by(lambda: run("import_schools", str(EXAMPLES / "schools.csv")))

    assert set(before.frame.index) == {"gamla", "nya", "okand"}
    assert len(after.frame) == 3 + 6  # the file's six sites join the city's
    assert {"gamla", "nya", "okand", "ekbackens-skola"} <= set(after.frame.index)
    assert after.frame.at["ekbackens-skola", "pupils"] == 312 + 240


def test_an_import_of_districts_renames_and_places_a_site_s_district(
    city: dict[str, Any],
) -> None:
    old = city["old"]
    # Known by its official number, as the file gives it: the import renames and places it.
    old.district = District.objects.create(
        code="ekbacken", name="Ekbacken förr", kind="district", official_code=101
    )
    old.save()

    before, after = changed_by(
        lambda: run(
            "import_districts",
            str(EXAMPLES / "districts.geojson"),
            "--name-property=namn",
            "--code-property=kod",
            "--parent-property=tillhor",
        )
    )

    assert before.frame.loc["gamla", ["district", "city_area"]].tolist() == ["Ekbacken förr", None]
    assert after.frame.loc["gamla", ["district", "city_area"]].tolist() == [
        "Ekbacken",
        "norra-exempelstad",
    ]


# ---------------------------------------------------------------------------------------
# 3. Prices and the construction-cost index


def prices_file(tmp_path: Path, sek: float, year: int) -> Path:
    path = tmp_path / "priser.csv"
    path.write_text(
        f"byggdel;betyg;kr per enhet;källa;prisår\nroof;D;{sek:g};Ramavtal (test);{year}\n",
        encoding="utf-8",
    )
    return path


def test_an_import_of_prices_reprices_the_ranked_costs(
    city: dict[str, Any], tmp_path: Path
) -> None:
    year = seeded_municipality().price_year
    sek = 3 * price_list_current().rate("roof", "D")
    path = prices_file(tmp_path, sek, year)

    before, after = changed_by(lambda: call_command("import_prices", str(path), verbosity=0))

    assert roof_cost(after, "gamla") == pytest.approx(10 * sek)  # 10 m² of roof, rated D
    assert roof_cost(before, "gamla") == pytest.approx(10 * sek / 3)
    assert after.frame.at["gamla", "fci"] > before.frame.at["gamla", "fci"]


def test_an_index_year_added_in_the_admin_brings_older_prices_to_the_plan_year(
    city: dict[str, Any], tmp_path: Path, admin: Client
) -> None:
    year = seeded_municipality().price_year
    sek = 2 * price_list_current().rate("roof", "D")
    call_command("import_prices", str(prices_file(tmp_path, sek, year - 1)), verbosity=0)
    CostIndexYear.objects.update_or_create(year=year, defaults={"value": 125.0, "source": "T"})
    CostIndexYear.objects.filter(year=year - 1).delete()  # the older year not indexed yet

    before, after = changed_by(
        lambda: admin.post(
            "/admin/prices/costindexyear/add/",
            {"year": year - 1, "value": "100", "source": "Byggkostnadsindex (test)"},
        )
    )

    assert CostIndexYear.objects.get(year=year - 1).value == 100
    assert roof_cost(before, "gamla") == pytest.approx(10 * sek)
    assert roof_cost(after, "gamla") == pytest.approx(10 * sek * 1.25)


# ---------------------------------------------------------------------------------------
# 4. An import of survey results


def test_an_import_of_survey_results_gives_a_site_its_experience(
    city: dict[str, Any], tmp_path: Path
) -> None:
    unit = city["old"].units.get()
    rows = [
        f"{unit.code};{unit.name};Elever åk 5;{area};{value};48"
        for area, value in [("Trygghet", "4,0"), ("Studiero", "3,5"), ("Skolgård", "2,5")]
    ]
    path = tmp_path / "skolenkaten.csv"
    header = "Skolenhetskod;Skolnamn;Respondentgrupp;Frågeområde;Index;Antal svar"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")

    before, after = changed_by(
        lambda: call_command("import_survey_results", str(path), verbosity=0)
    )

    assert not before.frame.at["gamla", "has_survey"]
    assert math.isnan(before.frame.at["gamla", "experience"])
    assert after.frame.at["gamla", "has_survey"]
    assert after.frame.at["gamla", "experience"] > 0


# ---------------------------------------------------------------------------------------
# 5. A campaign closing


def at(monkeypatch: pytest.MonkeyPatch, day: date, hour: time) -> None:
    """Django's clock (and so the Stockholm date) stopped at `hour` on `day`."""
    moment = datetime.combine(day, hour, tzinfo=STOCKHOLM)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_campaign_s_result_counts_the_day_after_it_closes_with_no_write(
    city: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = make_campaign(unit=city["new"].units.get())  # open now
    add_responses(campaign, [2, 3], 6)
    at(monkeypatch, campaign.closes_on, time(23, 59))
    before, version = ranking(), current_version()

    at(monkeypatch, campaign.closes_on + timedelta(days=1), time(0, 1))
    after = ranking()

    now = current_version()
    assert (now.number, now.changed_at) == (version.number, version.changed_at)  # no write
    assert now.key != version.key
    assert math.isnan(before.frame.at["nya", "experience"])
    assert after.frame.at["nya", "has_survey"]
    assert after.frame.at["nya", "experience"] > 0


def test_a_planner_moving_a_campaign_that_has_not_opened_into_the_past_closes_it(
    city: dict[str, Any], planner: Client
) -> None:
    site = city["new"]
    closed_campaign_for(site)  # Sept 2025: the group's result
    today = timezone.localdate()
    coming = make_campaign(
        unit=site.units.get(), opens_on=today + timedelta(5), closes_on=today + timedelta(20)
    )
    dates = {"opens_on": "2025-10-01", "closes_on": "2025-10-31"}

    before, after = changed_by(
        lambda: planner.patch(
            f"/api/v1/campaigns/{coming.code}", json.dumps(dates), content_type="application/json"
        )
    )

    assert Campaign.objects.get(pk=coming.pk).closes_on == date(2025, 10, 31)
    # Closed without answers, it is now the group's latest campaign: no result to rank by.
    assert before.frame.at["nya", "has_survey"]
    assert not after.frame.at["nya", "has_survey"]
    assert math.isnan(after.frame.at["nya", "experience"])


# ---------------------------------------------------------------------------------------
# 6. A changed site, unit or municipality setting


def test_a_larger_yard_lowers_a_site_s_equity_need(city: dict[str, Any]) -> None:
    site = city["new"]
    site.yard_area_m2 = 40_000

    before, after = changed_by(site.save)

    assert after.frame.at["nya", "yard_per_pupil"] > before.frame.at["nya", "yard_per_pupil"]
    assert after.frame.at["nya", "equity"] < before.frame.at["nya", "equity"]


def test_a_removed_site_leaves_the_ranking(city: dict[str, Any]) -> None:
    site = city["unknown"]
    site.removed_at = timezone.now()

    before, after = changed_by(site.save)

    assert "okand" in before.frame.index
    assert "okand" not in after.frame.index


def test_a_unit_s_higher_need_raises_its_site_s_equity(city: dict[str, Any]) -> None:
    unit = city["old"].units.get()
    unit.socioeconomic_need = 100.0
    unit.pupils = 600

    before, after = changed_by(unit.save)

    assert after.frame.at["gamla", "equity"] > before.frame.at["gamla", "equity"]
    assert after.frame.at["gamla", "pupils"] == 600


def test_a_raised_survey_threshold_suppresses_a_result(city: dict[str, Any], admin: Client) -> None:
    closed_campaign_for(city["new"], respondents=6)
    seed = seeded_municipality()
    form = {
        "name": seed.name,
        "center_lat": seed.center_lat or "",
        "center_lon": seed.center_lon or "",
        "zoom": seed.zoom,
        "price_year": seed.price_year,
        "survey_threshold": 7,
    }
    responses: list[Any] = []

    before, after = changed_by(
        lambda: responses.append(admin.post("/admin/core/municipalitysettings/add/", form))
    )

    assert responses[0].status_code == 302
    assert before.frame.at["nya", "has_survey"]
    assert not after.frame.at["nya", "has_survey"]  # 6 respondents, under 7


def test_a_threshold_floor_raised_in_the_environment_suppresses_a_result(
    city: dict[str, Any], settings: Settings
) -> None:
    """No write at all: a restart with a higher SKOLMILJO_SURVEY_THRESHOLD must not serve
    rankings cached with results that are now under it (the cache outlives the restart)."""
    closed_campaign_for(city["new"], respondents=6)
    before, version = ranking(), current_version()

    settings.SURVEY_SUPPRESSION_THRESHOLD = 7
    after = ranking()

    assert current_version().number == version.number
    assert after.version != before.version
    assert before.frame.at["nya", "has_survey"]
    assert not after.frame.at["nya", "has_survey"]


# ---------------------------------------------------------------------------------------
# 7. The purge of a closed campaign's answers


def test_the_purge_of_a_campaign_s_answers_takes_its_result_away(
    city: dict[str, Any], settings: Settings
) -> None:
    settings.RETAIN_SURVEY_ANSWERS_DAYS = 30
    closed_campaign_for(city["new"])
    purged: list[int] = []

    before, after = changed_by(lambda: purged.append(survey_answers_purge(now=timezone.now())))

    assert purged == [6]
    assert before.frame.at["nya", "has_survey"]
    assert not after.frame.at["nya", "has_survey"]


# ---------------------------------------------------------------------------------------
# 8. A backup restored


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_KEY = ""
    return Path(settings.MEDIA_ROOT)


def test_a_restore_changes_the_version_and_brings_the_ranking_back(
    city: dict[str, Any], media: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "skolmiljo.tar"
    first, version = ranking(), current_version().key
    call_command("backup", str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a new, empty installation
    with disable_auditlog():  # as migrate makes them
        for name in ROLES:
            Group.objects.create(name=name)
    emptied = current_version().key

    call_command("restore", str(archive), verbosity=0)

    assert current_version().key not in {version, emptied}
    restored = ranking()
    assert restored.version == current_version().key
    assert restored.frame[PILLARS].equals(first.frame[PILLARS])


# ---------------------------------------------------------------------------------------
# Writes that change no ranking, and writes undone


def test_a_saved_plan_bumps_nothing(city: dict[str, Any], planner: Client) -> None:
    params = {"name": "Plan A", "params": {"budget": 5_000_000, "years": 2, "start_year": 2027}}
    responses: list[Any] = []

    unchanged_by(
        lambda: responses.append(
            planner.post("/api/v1/plans", json.dumps(params), content_type="application/json")
        )
    )

    assert responses[0].status_code == 201


def test_an_answer_to_an_open_campaign_bumps_nothing(city: dict[str, Any]) -> None:
    campaign = make_campaign(unit=city["new"].units.get())  # open now
    items = load_questionnaire(campaign.questionnaire).items

    unchanged_by(
        lambda: response_submit(
            campaign=campaign, answers={item.code: 3 for item in items}, language="sv"
        )
    )

    assert campaign.responses.count() == 1


def test_a_rolled_back_write_leaves_the_version_as_it_was(city: dict[str, Any]) -> None:
    unit = city["old"].units.get()
    unit.socioeconomic_need = 100.0

    def write_then_fail() -> None:
        with transaction.atomic():
            unit.save()
            raise RuntimeError("the rest of the write failed")

    unchanged_by(lambda: pytest.raises(RuntimeError, write_then_fail))


def test_a_second_write_in_one_transaction_counts_after_a_ranking_read_between(
    city: dict[str, Any],
) -> None:
    unit, site = city["old"].units.get(), city["new"]

    with transaction.atomic():
        unit.socioeconomic_need = 100.0
        unit.save()
        between = ranking()
        site.yard_area_m2 = 40_000
        site.save()
        inside = ranking()

    assert inside.version != between.version  # not the ranking cached between the writes
    assert inside.frame.at["nya", "yard_per_pupil"] > between.frame.at["nya", "yard_per_pupil"]
    assert ranking().frame.at["nya", "yard_per_pupil"] == inside.frame.at["nya", "yard_per_pupil"]
