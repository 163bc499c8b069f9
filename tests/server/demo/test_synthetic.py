from __future__ import annotations

from pathlib import Path

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
