from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.campaigns.models import Answer, Campaign, Response
from server.inspections.services import Source, inspections_push
from server.planning.loading import load_experience, load_ratings, load_sites
from tests.server.factories import make_city_area, make_district, make_site, make_unit
from tests.server.inspections.conftest import inspection_json, make_inspector

pytestmark = pytest.mark.django_db


def answer(unit: Any, group: str, values: list[int | None], respondents: int) -> None:
    campaign = Campaign.objects.create(
        code=f"C{unit.pk}{group[:2]}",
        questionnaire="pupils",
        unit=unit,
        respondent_group=group,
        opens_on=date(2026, 10, 1),
        closes_on=date(2026, 11, 1),
    )
    for _ in range(respondents):
        response = Response.objects.create(
            campaign=campaign, submitted_on=date(2026, 10, 5), language="sv"
        )
        Answer.objects.bulk_create(
            Answer(response=response, item=f"i{n}", index="toilets", value=v)
            for n, v in enumerate(values)
        )


def test_it_weights_need_by_pupils_over_a_site_s_units() -> None:
    site = make_site(code="s1", district=make_district(parent=make_city_area(code="nordost")))
    make_unit(site=site, pupils=300, socioeconomic_need=80.0, newly_arrived_share=0.2)
    make_unit(
        site=site,
        pupils=100,
        socioeconomic_need=40.0,
        newly_arrived_share=None,
        school_form="anpassad_grundskola",
    )

    frame = load_sites()

    row = frame.loc["s1"]
    assert row["pupils"] == 400
    assert row["socioeconomic_need"] == pytest.approx((300 * 80 + 100 * 40) / 400)
    assert row["newly_arrived_share"] == pytest.approx(0.2)
    assert row["school_forms"] == "anpassad_grundskola,grundskola"
    assert row["city_area"] == "nordost"


def test_it_filters_sites_by_city_area_and_school_form() -> None:
    area = make_city_area(code="hisingen")
    inside = make_unit(
        site=make_site(district=make_district(parent=area)), school_form="anpassad_grundskola"
    )
    make_unit()

    assert list(load_sites(district="hisingen").index) == [inside.site.code]
    assert list(load_sites(school_form="anpassad_grundskola").index) == [inside.site.code]


def test_it_loads_the_newest_ratings_of_the_chosen_sites() -> None:
    site, other = make_site(), make_site()
    inspector = make_inspector()
    inspections_push(
        raws=[
            inspection_json(site.code, grade="D", n_ratings=3),
            inspection_json(other.code, grade="A", n_ratings=3),
        ],
        source=Source(inspector=inspector),
    )

    frame = load_ratings(site_ids=[site.id])

    assert len(frame) == 3
    assert set(frame["grade"]) == {"D"}
    assert set(frame["site"]) == {site.code}


def test_it_leaves_out_groups_below_the_suppression_threshold(settings: Any) -> None:
    settings.SURVEY_SUPPRESSION_THRESHOLD = 5
    site = make_site(code="s2")
    unit = make_unit(site=site, pupils=200)
    answer(unit, "pupils", [3, 3, 0, None], respondents=5)  # mean of 3,3,0 = 2 -> 6.67
    answer(unit, "parents", [0, 0], respondents=4)  # suppressed: 4 < 5

    frame = load_experience(site_ids=[site.id])

    assert frame.to_dict("records") == [
        {"site": "s2", "group": "pupils", "index_mean": pytest.approx(20 / 3), "respondents": 5}
    ]


def test_it_shrinks_a_small_school_toward_the_city_mean() -> None:
    big_site, small_site, third_site = (
        make_site(code="big"),
        make_site(code="small"),
        make_site(code="third"),
    )
    big = make_unit(site=big_site, pupils=500)
    small = make_unit(site=small_site, pupils=40)
    third = make_unit(site=third_site, pupils=300)
    answer(big, "pupils", [3, 3], respondents=40)  # 10.0
    answer(third, "pupils", [1, 2], respondents=30)  # 5.0
    # The small school's five answer 0, 1, 0, 1, 0 -> scores 0, 3.33, 0, 3.33, 0: mean 1.33.
    campaign = Campaign.objects.create(
        code="SMALL1",
        questionnaire="pupils",
        unit=small,
        respondent_group="pupils",
        opens_on=date(2026, 10, 1),
        closes_on=date(2026, 11, 1),
    )
    for value in (0, 1, 0, 1, 0):
        response = Response.objects.create(
            campaign=campaign, submitted_on=date(2026, 10, 5), language="sv"
        )
        Answer.objects.create(response=response, item="i0", index="toilets", value=value)

    frame = load_experience(site_ids=[big_site.id, small_site.id, third_site.id]).set_index("site")

    raw_small, city_mean = 4 / 3, (10.0 + 5.0 + 4 / 3) / 3
    assert raw_small < frame.loc["small", "index_mean"] < city_mean
    shift_small = frame.loc["small", "index_mean"] - raw_small
    shift_big = abs(frame.loc["big", "index_mean"] - 10.0)
    assert shift_small > shift_big
