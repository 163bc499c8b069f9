"""The site list: one aggregate query per page against the naive per-site loop it replaces."""

from __future__ import annotations

from tests.bench.common import Result, best_of

SITES = 5_000


def _populate() -> None:
    from server.schools.models import District, SchoolUnit, Site

    if Site.objects.filter(district__code="bench").count() >= SITES:
        return
    area = District.objects.create(code="bench-area", name="Bench area", kind="city_area")
    district = District.objects.create(code="bench", name="Bench", kind="district", parent=area)
    sites = Site.objects.bulk_create(
        Site(code=f"s{n}", name=f"Skola {n:05d}", district=district, lat=57.7, lon=11.9)
        for n in range(SITES)
    )
    SchoolUnit.objects.bulk_create(
        SchoolUnit(
            code=f"u{n}-{k}",
            name=f"Enhet {n}-{k}",
            school_form="grundskola",
            years="F–6",
            year_from=0,
            year_to=6,
            pupils=100 + k,
            site=site,
        )
        for n, site in enumerate(sites)
        for k in range(2)
    )


def run() -> list[Result]:
    from server.schools.models import Site
    from server.schools.schemas import SiteOut
    from server.schools.selectors import site_list

    _populate()

    def aggregated() -> list[dict[str, object]]:
        return [SiteOut.from_orm(s).dict() for s in site_list(district="bench")]

    def naive() -> list[dict[str, object]]:
        rows = []
        for site in Site.objects.filter(district__code="bench"):
            units = list(site.units.all())
            rows.append(
                {
                    "code": site.code,
                    "district": site.district.code,
                    "city_area": site.district.parent.code if site.district.parent else None,
                    "pupils": sum(u.pupils or 0 for u in units),
                    "unit_count": len(units),
                }
            )
        return rows

    assert len(aggregated()) == len(naive()) == SITES
    return [
        Result(
            name=f"site list with pupils and districts, {SITES} sites",
            seconds=best_of(aggregated, 3),
            baseline_name="per-site queries",
            baseline_seconds=best_of(naive, 3),
        )
    ]
