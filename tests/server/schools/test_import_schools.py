from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from server.inspections.reference import reference_pull
from server.schools.models import SchoolUnit, Site
from tests.server.factories import make_site, make_unit
from tests.server.schools.conftest import EXAMPLES, run

pytestmark = pytest.mark.django_db
SCHOOLS = str(EXAMPLES / "schools.csv")
File = Callable[..., Path]


def stamps() -> dict[str, object]:
    return {
        **{f"site {c}": t for c, t in Site.objects.values_list("code", "updated_at")},
        **{f"unit {c}": t for c, t in SchoolUnit.objects.values_list("code", "updated_at")},
    }


def test_it_imports_the_example_file(example_districts: None) -> None:
    out = run("import_schools", SCHOOLS)

    units = {u.code: u for u in SchoolUnit.objects.select_related("site__district")}
    assert len(units) == 8  # ten rows: a gymnasieskola and a bad row are skipped
    # Two units on one skolhus are one site; a unit without one is its own site.
    assert units["91234501"].site == units["91234502"].site
    assert units["91234501"].site.code == "ekbackens-skola"
    assert units["91234503"].site.code == "91234503"
    assert Site.objects.count() == 6
    assert units["91234501"].site.lat == pytest.approx((59.3512 + 59.3516) / 2)
    assert units["91234505"].school_form == "anpassad_grundskola"
    assert (units["91234506"].years, units["91234506"].year_from, units["91234506"].year_to) == (
        "1,2,3",
        1,
        3,
    )
    assert units["91234501"].site.year_built == 1962
    assert units["91234501"].socioeconomic_need == 35
    assert not units["91234501"].need_synthetic
    assert "skipped line 10, skolform: school form 'Gymnasieskola'" in out
    assert "skipped line 11, årskurser: school years 'F–sex' are not written like" in out
    assert "Units were: 8 new" in out
    assert "1 site(s) need a position" in out


def test_it_converts_sweref_and_places_by_point_in_polygon_in_the_finest_district(
    example_districts: None,
) -> None:
    run("import_schools", SCHOOLS)

    site = SchoolUnit.objects.get(code="91234506").site  # x/y only, no område
    assert site.lat == pytest.approx(59.255, abs=1e-4)
    assert site.lon == pytest.approx(15.255, abs=1e-4)
    assert site.district is not None and site.district.code == "bruksdalen"  # not the city area
    assert SchoolUnit.objects.get(code="91234501").site.district.code == "ekbacken"  # type: ignore[union-attr]


def test_it_leaves_a_site_outside_every_district_without_one(schools_file: File) -> None:
    run("import_schools", str(schools_file("11111111;Fjällskolan;Grundskola;F-6;;67,85;20,22;")))

    assert Site.objects.get().district is None


def test_a_unit_without_position_needs_one_and_stays_off_the_tablets(
    example_districts: None,
) -> None:
    run("import_schools", SCHOOLS)
    inspector = User.objects.create_user("inga")

    site = SchoolUnit.objects.get(code="91234508").site
    pulled = reference_pull(inspector=inspector, cursor=None).sites
    assert (site.lat, site.lon) == (None, None)
    assert site.district is not None and site.district.code == "sjostaden"
    assert site.code not in {s.code for s in pulled}
    assert len(pulled) == 5
    assert all(isinstance(s.lat, float) and isinstance(s.lon, float) for s in pulled)


def test_a_site_without_district_goes_to_the_tablets_with_district_empty(
    schools_file: File,
) -> None:
    run("import_schools", str(schools_file("11111111;Fjällskolan;Grundskola;F-6;;67,85;20,22;")))

    pulled = reference_pull(inspector=User.objects.create_user("inga"), cursor=None).sites
    assert [(s.code, s.district) for s in pulled] == [("11111111", "")]


def test_a_second_run_changes_nothing_and_the_next_pull_is_empty(
    example_districts: None,
) -> None:
    run("import_schools", SCHOOLS)
    # Written an hour ago, beyond the pull's one-minute overlap.
    hour_ago = timezone.now() - timedelta(hours=1)
    Site.objects.update(updated_at=hour_ago)
    SchoolUnit.objects.update(updated_at=hour_ago)
    inspector = User.objects.create_user("inga")
    cursor = reference_pull(inspector=inspector, cursor=None).cursor
    before = stamps()

    out = run("import_schools", SCHOOLS)

    assert stamps() == before
    assert reference_pull(inspector=inspector, cursor=cursor).sites == []
    assert "Units were: 0 new, 0 changed, 0 restored, 0 removed" in out
    assert "Unchanged: 14." in out


def test_a_changed_row_updates_just_that_unit(schools_file: File) -> None:
    rows = (
        "11111111;Alfa;Grundskola;F-6;;59,30;15,10;",
        "22222222;Beta;Grundskola;7-9;;59,31;15,11;",
    )
    run("import_schools", str(schools_file(*rows)))
    before = stamps()

    out = run("import_schools", str(schools_file(rows[0], rows[1].replace("7-9", "6-9"))))

    after = stamps()
    assert [k for k in after if after[k] != before[k]] == ["unit 22222222"]
    assert SchoolUnit.objects.get(code="22222222").year_from == 6
    assert "changed unit 22222222: years: 7-9 → 6-9; year_from: 7 → 6" in out


def test_a_dry_run_prints_the_diff_and_writes_nothing(schools_file: File) -> None:
    run("import_schools", str(schools_file("11111111;Alfa;Grundskola;F-6;;59,30;15,10;")))
    before = stamps()

    out = run(
        "import_schools",
        str(
            schools_file(
                "11111111;Alfa skola;Grundskola;F-6;;59,30;15,10;",
                "22222222;Beta;Grundskola;7-9;;59,31;15,11;",
            )
        ),
        "--dry-run",
    )

    assert "changed unit 11111111: name: Alfa → Alfa skola" in out
    assert "new unit 22222222 (Beta)" in out
    assert "new site 22222222 (Beta)" in out
    assert "Dry run: nothing was written." in out
    assert stamps() == before
    assert SchoolUnit.objects.get().name == "Alfa"


def test_a_bad_row_is_reported_and_the_good_rows_go_in(schools_file: File) -> None:
    out = run(
        "import_schools",
        str(
            schools_file(
                "11111111;Alfa;Grundskola;F-6;;59,30;15,10;",
                "22222222;Beta;Grundskola;7-9;;95,0;15,11;",
                ";Gamma;Grundskola;7-9;;59,32;15,12;",
                "44444444;Delta;Grundskola;F-3;;59,33;;",
                "55555555;Epsilon;Grundskola;F-3;;59,34;15,14;",
            )
        ),
    )

    assert sorted(SchoolUnit.objects.values_list("code", flat=True)) == ["11111111", "55555555"]
    assert "skipped line 3, lat: position 95,0, 15,11 is not latitude" in out
    assert "skipped line 4, skolenhetskod: no unit code" in out
    assert "skipped line 5, lat: give both lat and lon, or neither" in out
    assert "Skipped rows: 3." in out


def test_a_file_without_a_key_column_is_refused_whole(schools_file: File) -> None:
    path = schools_file("Alfa;Grundskola;F-6", header="namn;skolform;årskurser")

    with pytest.raises(CommandError, match="no key column.*--column unit_code=HEADER"):
        run("import_schools", str(path))
    assert not SchoolUnit.objects.exists()


def test_it_reads_xlsx_with_english_and_named_headers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Schools of Exempelstad, 2026"])  # a title above the header
    sheet.append(["Skolenhet ID", "name", "school form", "years", "site", "lat", "lon", "pupils"])
    sheet.append([11111111, "Alfa", "Grundskola", "F-6", "Alfahuset", 59.3, 15.1, 212])
    sheet.append([22222222, "Beta", "Anpassad grundskola", "1-9", "Alfahuset", 59.3002, 15.1002, 9])
    path = tmp_path / "schools.xlsx"
    book.save(path)

    run("import_schools", str(path), "--column", "unit_code=Skolenhet ID")

    units = {u.code: u for u in SchoolUnit.objects.select_related("site")}
    assert set(units) == {"11111111", "22222222"}
    assert units["11111111"].pupils == 212
    assert units["11111111"].site == units["22222222"].site
    assert units["11111111"].site.name == "Alfahuset"


def test_remove_missing_marks_units_and_their_site_removed_and_a_return_restores_them(
    schools_file: File,
) -> None:
    both = (
        "11111111;Alfa;Grundskola;F-6;;59,30;15,10;",
        "22222222;Beta;Grundskola;7-9;;59,31;15,11;",
    )
    run("import_schools", str(schools_file(*both)))

    run("import_schools", str(schools_file(both[0])))
    assert SchoolUnit.objects.get(code="22222222").removed_at is None  # only with the option
    out = run("import_schools", str(schools_file(both[0])), "--remove-missing")

    beta = SchoolUnit.objects.select_related("site").get(code="22222222")
    assert beta.removed_at is not None and beta.site.removed_at is not None
    assert SchoolUnit.objects.get(code="11111111").removed_at is None
    assert "removed unit 22222222" in out and "removed site 22222222" in out
    pulled = reference_pull(inspector=User.objects.create_user("inga"), cursor=None).sites
    assert {s.code: s.removed for s in pulled} == {"11111111": False, "22222222": True}

    out = run("import_schools", str(schools_file(*both)))

    beta = SchoolUnit.objects.select_related("site").get(code="22222222")
    assert beta.removed_at is None and beta.site.removed_at is None
    assert "restored unit 22222222" in out


def test_remove_missing_spares_the_units_of_skipped_rows(schools_file: File) -> None:
    run("import_schools", str(schools_file("11111111;Alfa;Grundskola;F-6;;59,30;15,10;")))

    run(
        "import_schools",
        str(schools_file("11111111;Alfa;Grundskola;F-sex;;59,30;15,10;")),
        "--remove-missing",
    )

    assert SchoolUnit.objects.get().removed_at is None


def test_an_empty_cell_keeps_a_position_set_in_the_admin(schools_file: File) -> None:
    run("import_schools", str(schools_file("11111111;Alfa;Grundskola;F-6;;;;")))
    Site.objects.update(lat=59.3, lon=15.1)  # an administrator placed it on the map

    out = run("import_schools", str(schools_file("11111111;Alfa;Grundskola;F-6;;;;")))

    assert Site.objects.filter(lat=59.3, lon=15.1).count() == 1
    assert "need a position" not in out


def test_it_matches_an_existing_site_by_name_and_keeps_demo_style_slug_keys(
    schools_file: File,
) -> None:
    site = make_site(code="hus-7", name="Östra skolhuset")
    make_unit(code="ostra-skolan-f-6", site=site, name="Östra skolan F-6")

    run(
        "import_schools",
        str(schools_file("ostra-skolan-f-6;Östra skolan F–6;Grundskola;F-6;östra skolhuset;;;")),
    )

    unit = SchoolUnit.objects.get()
    assert unit.site == site and unit.name == "Östra skolan F–6"
    site.refresh_from_db()
    assert Site.objects.count() == 1
    assert site.name == "Östra skolhuset"


def test_moving_every_unit_off_a_site_is_noted(schools_file: File) -> None:
    run(
        "import_schools", str(schools_file("11111111;Alfa;Grundskola;F-6;Gamla huset;59,30;15,10;"))
    )

    out = run(
        "import_schools", str(schools_file("11111111;Alfa;Grundskola;F-6;Nya huset;59,31;15,11;"))
    )

    assert SchoolUnit.objects.get().site.code == "nya-huset"
    assert "changed unit 11111111: site: gamla-huset → nya-huset" in out
    assert "note file, site: site gamla-huset has no units left" in out


def test_a_new_unit_without_name_or_years_is_skipped_with_its_column(schools_file: File) -> None:
    out = run(
        "import_schools",
        str(
            schools_file("11111111;;Grundskola;F-6;;59,30;15,10;", "22222222;Beta;Grundskola;;;;;")
        ),
    )

    assert not SchoolUnit.objects.exists()
    assert "skipped line 2, skolenhetsnamn: a new unit needs a name" in out
    assert "skipped line 3, årskurser: a new unit needs its school years" in out
