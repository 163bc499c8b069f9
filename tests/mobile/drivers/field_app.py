"""Window driver: a whole field visit through touch (and typing) on the app's widgets.

Usage (from `window_harness`): `python field_app.py <server url> <enrollment code>`.
Enrolls against the live server, chooses a site, grades a few elements (one skipped and
revisited), finishes, syncs, and screenshots each main screen on the way.
"""

from __future__ import annotations

import sys

from window_driver import Driver, Scenario, drive

from mobile.app import SkolmiljoApp, configure_desktop_window

SERVER, CODE = sys.argv[1], sys.argv[2]
SITE = "bergsjoskolan"


def scenario(driver: Driver) -> Scenario:
    app = driver.app
    manager = app.root
    yield from driver.settle()
    home = manager.get_screen("home")
    driver.record("home_before", driver.describe(home.ids.enrollment_label))
    driver.screenshot("field-home")

    # Enroll.
    driver.record("connect_tap", driver.tap(home.ids.connect_button))
    yield from driver.settle()
    enroll = manager.get_screen("enroll")
    driver.record("after_connect", manager.current)
    yield from driver.type_text(enroll.ids.server_input, SERVER)
    yield from driver.type_text(enroll.ids.code_input, CODE)
    yield from driver.type_text(enroll.ids.name_input, "Platta Xvfb")
    driver.screenshot("field-enroll")
    driver.tap(enroll.ids.submit_button)
    yield from driver.wait_until(lambda: manager.current == "sites")
    driver.record("enroll_message", enroll.message)

    # Choose a site: the assigned one is first.
    sites = manager.get_screen("sites")
    driver.record("site_texts", [b.text for b in sites.site_buttons.values()])
    driver.screenshot("field-sites")
    yield from driver.type_text(sites.ids.search_input, "bergsjö")
    driver.record("filtered_sites", list(sites.site_buttons))
    driver.tap(sites.site_buttons[SITE])
    yield from driver.settle()
    checklist = manager.get_screen("checklist")
    driver.record("after_site", manager.current)
    driver.record("checklist_title", checklist.title_text)
    driver.record("progress_start", checklist.progress_text)
    driver.screenshot("field-checklist")

    # Grade the roof C with urgency 1 (safety) and a note.
    driver.tap(checklist.item_buttons[("roof", "")])
    yield from driver.settle()
    grade = manager.get_screen("grade")
    driver.record("grade_title", grade.title_text)
    driver.record("grade_button_c", driver.describe(grade.grade_buttons["C"]))
    driver.record("photo_notice", driver.describe(grade.ids.photo_notice))
    driver.tap(grade.grade_buttons["C"])
    yield from driver.settle()
    driver.record("urgency_text", grade.urgency_text)
    driver.tap(grade.urgency_buttons[1])
    yield from driver.type_text(grade.ids.note_input, "Läckage vid takfot")
    yield from driver.type_text(grade.ids.quantity_input, "120")
    yield from driver.settle()
    # A photo through the desktop's file chooser (the test put tak.jpg in $HOME).
    driver.tap(grade.ids.photo_button)
    yield from driver.settle()
    from kivy.core.window import Window

    from mobile.screens.grade import PhotoChooser

    chooser_popup = next(w for w in Window.children if isinstance(w, PhotoChooser))
    chooser = chooser_popup.ids.chooser
    yield from driver.wait_until(lambda: bool(chooser.files), state=lambda: chooser.path)
    entry = next(
        node
        for node in chooser.layout.ids.treeview.iterate_all_nodes()
        if str(getattr(node, "path", "")).endswith("tak.jpg")
    )
    driver.tap(entry)
    yield from driver.settle()
    driver.record("chooser_selection", [s.rsplit("/", 1)[-1] for s in chooser.selection])
    driver.screenshot("field-photo-chooser")
    driver.tap(chooser_popup.ids.choose_button)
    # The popup fades out; until it is gone it still catches touches.
    yield from driver.wait_until(lambda: chooser_popup.parent is None)
    driver.record("photos_text", grade.photos_text)
    driver.record("thumbnails", len(grade.thumbnails))
    driver.record("urgency_1", driver.describe(grade.urgency_buttons[1]))
    driver.record("urgency_1_chosen", grade.urgency_buttons[1].chosen)
    driver.screenshot("field-grade")
    driver.tap(grade.ids.save_button)
    yield from driver.settle()
    driver.record("after_save", manager.current)
    driver.record("save_message", grade.message)

    # Next ungraded (the facade): skip it, grade the one after B, then come back.
    driver.tap(checklist.ids.next_button)
    yield from driver.settle()
    driver.record("next_title", grade.title_text)
    driver.tap(grade.ids.skip_button)
    yield from driver.settle()
    driver.record("skipped_to", grade.title_text)
    driver.tap(grade.grade_buttons["B"])
    yield from driver.settle()
    driver.tap(grade.ids.save_button)
    yield from driver.settle()
    driver.tap(checklist.ids.next_button)
    yield from driver.settle()
    driver.record("revisited", grade.title_text)
    driver.tap(grade.grade_buttons["A"])
    yield from driver.settle()
    driver.tap(grade.ids.save_button)
    yield from driver.settle()
    driver.record("progress_end", checklist.progress_text)
    driver.record("roof_row", checklist.item_buttons[("roof", "")].text)

    # Finish, then watch it sync.
    driver.tap(checklist.ids.finish_button)
    yield from driver.settle()
    driver.record("after_finish", manager.current)
    driver.tap(sites.ids.back_button)
    yield from driver.settle()
    driver.tap(home.ids.sync_button)
    yield from driver.settle()
    sync = manager.get_screen("sync")
    driver.tap(sync.ids.sync_button)
    yield from driver.wait_until(
        lambda: (
            not sync.running
            and "Synkad" in " ".join(label.text for label in sync.row_labels.values())
        ),
        state=lambda: (
            app.worker and app.worker._thread.is_alive(),
            app.worker and app.worker.running.is_set(),
            sync.running,
            sync.summary_text,
            sync.progress_text,
            [label.text for label in sync.row_labels.values()],
        ),
    )
    driver.record("sync_rows", [label.text for label in sync.row_labels.values()])
    driver.record("sync_summary", sync.summary_text)
    driver.screenshot("field-sync")


if __name__ == "__main__":
    configure_desktop_window()
    drive(SkolmiljoApp(), scenario)
