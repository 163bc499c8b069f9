from __future__ import annotations

from pathlib import Path

import pytest

from server.demo import synthetic
from server.demo.reference import read_sites
from shared.catalogue import load_catalogue

DATA = Path(__file__).resolve().parents[3] / "data" / "goteborg"


def test_it_gives_each_site_the_same_values_whatever_else_is_in_the_city() -> None:
    sites = read_sites(DATA)
    catalogue = load_catalogue()
    site = sites[10]

    alone = synthetic.inspections_for_site(
        site, synthetic.site_attributes(site, "nordost", 7), catalogue, 7
    )
    again = synthetic.inspections_for_site(
        site, synthetic.site_attributes(site, "nordost", 7), catalogue, 7
    )
    other_seed = synthetic.site_attributes(site, "nordost", 8)

    assert alone == again
    assert other_seed != synthetic.site_attributes(site, "nordost", 7)


def test_it_gives_centrum_less_yard_per_pupil_than_nordost() -> None:
    sites = read_sites(DATA)

    def median_yard(area: str) -> float:
        values = sorted(
            synthetic.site_attributes(s, area, 1).yard_area_m2 / s.pupils
            for s in sites
            if s.pupils > 200
        )
        return values[len(values) // 2]

    assert median_yard("centrum") < 30 < median_yard("nordost")


def test_it_keeps_need_and_newly_arrived_share_in_range() -> None:
    units = [u for s in read_sites(DATA) for u in s.units]

    needs = [synthetic.unit_need(u, "nordost", 3) for u in units]

    assert all(2 <= n.socioeconomic_need <= 98 for n in needs)
    assert all(0 <= n.newly_arrived_share <= 0.6 for n in needs)


@pytest.fixture(scope="module")
def city() -> dict[str, list[synthetic.SyntheticInspection]]:
    """The demo city's inspections with the default seed, generated once for these tests."""
    catalogue = load_catalogue()
    return {
        site.code: synthetic.inspections_for_site(
            site, synthetic.site_attributes(site, "nordost", 2026), catalogue, 2026
        )
        for site in read_sites(DATA)
    }


def test_it_puts_urgency_1_only_on_elements_that_can_carry_a_safety_defect(
    city: dict[str, list[synthetic.SyntheticInspection]],
) -> None:
    catalogue = load_catalogue()
    ratings = [r for inspections in city.values() for i in inspections for r in i.ratings]

    urgent = {r.element for r in ratings if r.urgency == 1}
    other_d = {r.urgency for r in ratings if r.grade == "D"} - {1}

    assert urgent and all(catalogue.element(code).safety_relevant for code in urgent)
    assert other_d == {2, 3}
    assert all(r.grade == "D" for r in ratings if r.urgency == 1)


def test_it_makes_a_plausible_share_of_safety_defects(
    city: dict[str, list[synthetic.SyntheticInspection]],
) -> None:
    catalogue = load_catalogue()
    safety_d = [
        r
        for inspections in city.values()
        for i in inspections
        for r in i.ratings
        if r.grade == "D" and catalogue.element(r.element).safety_relevant
    ]
    # What the dashboard counts: sites whose newest finished rating of something is urgency 1.
    act_now = 0
    for inspections in city.values():
        newest = {
            (r.element, r.location): r.urgency
            for i in inspections
            if i.finished_at is not None
            for r in i.ratings
        }
        act_now += 1 in newest.values()

    share = sum(r.urgency == 1 for r in safety_d) / len(safety_d)
    assert 0.08 <= share <= 0.22
    assert 10 <= act_now <= 25  # of 138 sites: some to act on now, not most
