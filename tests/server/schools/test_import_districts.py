from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from server.schools.models import District
from tests.server.schools.conftest import EXAMPLES, run

pytestmark = pytest.mark.django_db


def test_it_imports_city_areas_and_their_districts(example_districts: None) -> None:
    rows = {d.code: d for d in District.objects.select_related("parent")}

    assert {c: (d.kind, d.parent.code if d.parent else None) for c, d in rows.items()} == {
        "norra-exempelstad": ("city_area", None),
        "sodra-exempelstad": ("city_area", None),
        "ekbacken": ("district", "norra-exempelstad"),
        "sjostaden": ("district", "norra-exempelstad"),
        "lindhagen": ("district", "sodra-exempelstad"),
        "bruksdalen": ("district", "sodra-exempelstad"),
    }
    assert rows["ekbacken"].official_code == 101
    assert rows["ekbacken"].boundary["type"] == "Polygon"


def test_it_changes_nothing_the_second_time(example_districts: None) -> None:
    out = run(
        "import_districts",
        str(EXAMPLES / "districts.geojson"),
        "--name-property=namn",
        "--code-property=kod",
        "--parent-property=tillhor",
    )

    assert "0 new, 0 changed. Unchanged: 6. Skipped: 0." in out


def test_it_converts_sweref_boundaries_and_skips_a_feature_without_polygon(
    tmp_path: Path,
) -> None:
    square = [[[514000, 6568000], [515000, 6568000], [515000, 6569000], [514000, 6568000]]]
    path = tmp_path / "omraden.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "properties": {"NAMN": "Bruket"},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    },
                    {
                        "properties": {"NAMN": "Punkten"},
                        "geometry": {"type": "Point", "coordinates": [15.2, 59.2]},
                    },
                ],
            }
        ),  # fmt: skip
        encoding="utf-8",
    )

    out = run("import_districts", str(path), "--name-property=NAMN")

    ring = District.objects.get(code="bruket").boundary["coordinates"][0]
    assert 59.2 < ring[0][1] < 59.3 and 15.2 < ring[0][0] < 15.3
    assert "skipped feature 2, geometry: geometry type 'Point' is not Polygon" in out
    assert not District.objects.filter(name="Punkten").exists()


def test_it_refuses_a_file_without_the_named_property() -> None:
    with pytest.raises(CommandError, match="no feature has the property 'NAMN'"):
        run("import_districts", str(EXAMPLES / "districts.geojson"), "--name-property=NAMN")
    assert not District.objects.exists()


def test_it_writes_nothing_on_a_dry_run() -> None:
    out = run(
        "import_districts",
        str(EXAMPLES / "districts.geojson"),
        "--name-property=namn",
        "--parent-property=tillhor",
        "--dry-run",
    )

    assert "new district ekbacken (Ekbacken)" in out
    assert "Dry run: nothing was written." in out
    assert not District.objects.exists()


def test_districts_in_a_second_file_find_their_city_area_already_imported(
    tmp_path: Path,
) -> None:
    features = json.loads((EXAMPLES / "districts.geojson").read_text(encoding="utf-8"))["features"]
    areas = [f for f in features if not f["properties"]["tillhor"]]
    districts = [f for f in features if f["properties"]["tillhor"]]
    for name, chosen in (("areas.geojson", areas), ("districts.geojson", districts)):
        collection = {"type": "FeatureCollection", "features": chosen}
        (tmp_path / name).write_text(json.dumps(collection), encoding="utf-8")

    run("import_districts", str(tmp_path / "areas.geojson"), "--name-property=namn",
        "--kind=city_area")  # fmt: skip
    out = run(
        "import_districts",
        str(tmp_path / "districts.geojson"),
        "--name-property=namn",
        "--parent-property=tillhor",
        "--dry-run",
    )
    run("import_districts", str(tmp_path / "districts.geojson"), "--name-property=namn",
        "--parent-property=tillhor")  # fmt: skip

    assert "note" not in out
    assert District.objects.get(code="lindhagen").parent == District.objects.get(
        code="sodra-exempelstad"
    )
    assert District.objects.filter(kind="city_area").count() == 2
