"""A whole field visit in a real window (Xvfb + Mesa) against the live test server."""

from __future__ import annotations

import pytest
from live_sync import LiveSync
from photo_files import camera_jpeg
from png_check import read_png
from window_harness import WindowHarness, output_root

pytestmark = pytest.mark.window


def test_it_enrolls_grades_finishes_and_syncs_through_touch(
    window: WindowHarness, live: LiveSync
) -> None:
    from server.inspections.models import Inspection, Rating

    camera_jpeg(window.work_dir / "home" / "tak.jpg", size=(3000, 2000))
    run = window.run("field_app", live.url, live.code(), env={"SKOLMILJO_WINDOW_WATCHDOG": "80"})
    report = run.report

    assert report["home_before"]["text"] == "Inte ansluten till någon server"
    assert report["connect_tap"] == {"reached": True, "pressed": 1, "released": 1}
    assert report["after_connect"] == "enroll"
    assert report["enroll_message"] == "Ansluten som inga"
    assert report["site_texts"][0].startswith(
        "[b]Bergsjöskolan[/b]\nÖstra Göteborg · Tilldelad dig"
    )
    assert len(report["site_texts"]) == 3
    assert report["filtered_sites"] == ["bergsjoskolan"]
    assert (report["after_site"], report["checklist_title"]) == ("checklist", "Bergsjöskolan")
    assert report["progress_start"] == "0 av 25 bedömda"
    assert report["grade_title"] == "Tak"
    assert report["grade_button_c"]["text"].startswith("[b]C[/b]\nDåligt")
    assert report["grade_button_c"]["height_dp"] >= 72
    assert report["urgency_text"] == "Brådska (ange för C och D)"
    assert report["urgency_1_chosen"] is True
    assert report["photo_notice"]["text"] == (
        "Fotografera inte elever eller andra personer så att de kan kännas igen."
    )
    assert report["photo_notice"]["height_dp"] >= 40
    assert report["chooser_selection"] == ["tak.jpg"]
    assert (report["photos_text"], report["thumbnails"]) == ("1 foto", 1)
    assert report["urgency_1"]["text"] == "1 Säkerhet: åtgärda nu"
    assert report["after_save"] == "checklist"
    assert report["next_title"] == "Fasad"
    assert report["skipped_to"] != "Fasad"
    assert report["revisited"] == "Fasad"
    assert report["progress_end"] == "3 av 25 bedömda"
    assert report["roof_row"].startswith("C   Tak   ⚠")
    assert report["after_finish"] == "sites"
    assert any("Bergsjöskolan" in row and "Synkad" in row for row in report["sync_rows"])
    assert report["sync_summary"].startswith("Senast synkad")

    # What the server stored.
    inspection = Inspection.objects.get()
    assert (inspection.site.code, inspection.revision, inspection.device_name) == (
        "bergsjoskolan",
        1,
        "Platta Xvfb",
    )
    assert inspection.finished_at is not None
    ratings = {r.element: r for r in Rating.objects.filter(inspection=inspection)}
    assert len(ratings) == 3
    roof = ratings["roof"]
    assert (roof.grade, roof.urgency, roof.note, roof.quantity) == (
        "C",
        1,
        "Läckage vid takfot",
        120.0,
    )
    assert ratings["facade"].grade == "A"
    from server.inspections.models import Photo

    (photo_hash,) = roof.photos
    stored = Photo.objects.get(sha256=photo_hash)
    assert stored.content_type == "image/jpeg"
    from PIL import Image

    with Image.open(stored.file) as image:
        assert image.size == (2048, 1365)  # downscaled on the tablet
    assert sorted(r.grade for r in ratings.values()) == ["A", "B", "C"]

    for name in (
        "field-home",
        "field-enroll",
        "field-sites",
        "field-checklist",
        "field-grade",
        "field-sync",
    ):
        path = run.screenshots[name]
        image = read_png(path)
        assert (image.width, image.height) == (1280, 800)
        assert len(image.colours()) > 50, name
        assert (output_root() / "screenshots" / path.name).exists()
