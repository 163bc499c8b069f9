"""Grading one element at one location: grade, urgency, location, quantity, note, photos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.image import Image
from kivy.uix.popup import Popup
from kivy.uix.screenmanager import Screen
from kivy.utils import platform

from mobile import device
from mobile.controllers.inspection import ChecklistItem, InspectionController, PositionFix
from mobile.i18n import Translator
from mobile.screens.widgets import ChoiceButton
from shared.errors import AppError
from shared.grades import Grade, Urgency, urgency_asked

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

SAFETY = (0.75, 0.12, 0.10, 1)
MAX_THUMBNAILS = 6
GRADE_TONES = {
    "A": (0.12, 0.50, 0.29, 1),
    "B": (0.40, 0.55, 0.18, 1),
    "C": (0.80, 0.50, 0.05, 1),
    "D": (0.75, 0.12, 0.10, 1),
    "N": (0.36, 0.40, 0.38, 1),
}


class PhotoChooser(Popup):  # type: ignore[misc]
    """The desktop's stand-in for the camera: pick an image file (Pictures, else home)."""

    start_path = StringProperty("")

    def __init__(self, *, on_choose: Any, **kwargs: Any) -> None:
        home = Path.home()
        self.start_path = str(home / "Pictures" if (home / "Pictures").is_dir() else home)
        self._on_choose = on_choose
        super().__init__(**kwargs)

    def choose(self, selection: list[str]) -> None:
        self.dismiss()
        if selection:
            self._on_choose(Path(selection[0]))


class GradeScreen(Screen):  # type: ignore[misc]
    title_text = StringProperty("")
    previous_text = StringProperty("")
    urgency_text = StringProperty("")
    location_hint = StringProperty("")
    quantity_hint = StringProperty("")
    note_hint = StringProperty("")
    photos_text = StringProperty("")
    position_text = StringProperty("")
    message = StringProperty("")
    grade = StringProperty("")
    has_quantity = BooleanProperty(True)

    def __init__(
        self, *, controller: InspectionController, tr: Translator, on_done: Any, **kwargs: Any
    ) -> None:
        self._controller = controller
        self._tr = tr
        self._on_done = on_done
        self.uuid = ""
        self.item: ChecklistItem | None = None
        self.urgency: int | None = None
        self.photos: list[str] = []
        self.position: PositionFix | None = None
        self.grade_buttons: dict[str, ChoiceButton] = {}
        self.urgency_buttons: dict[int, ChoiceButton] = {}
        self.thumbnails: list[str] = []
        super().__init__(**kwargs)
        self.location_hint = tr("grade.location")
        self.note_hint = tr("grade.note")
        meaning = "meaning_sv" if tr.language == "sv" else "meaning_en"
        for grade in Grade:
            button = ChoiceButton(
                text=f"[b]{grade.value}[/b]\n{getattr(grade, meaning)}",
                markup=True,
                tone=GRADE_TONES[grade.value],
            )
            button.bind(on_release=lambda _b, g=grade.value: self.choose_grade(g))
            self.ids.grade_row.add_widget(button)
            self.grade_buttons[grade.value] = button
        for urgency in Urgency:
            button = ChoiceButton(
                text=tr(f"grade.urgency.{int(urgency)}"),
                tone=SAFETY if urgency is Urgency.SAFETY else (0.12, 0.36, 0.29, 1),
                height=dp(72),
            )
            button.bind(on_release=lambda _b, u=int(urgency): self.choose_urgency(u))
            self.ids.urgency_row.add_widget(button)
            self.urgency_buttons[int(urgency)] = button

    def on_enter(self, *_args: Any) -> None:
        device.start_gps(platform, self._on_fix)

    def on_leave(self, *_args: Any) -> None:
        device.stop_gps(platform)

    def show(self, uuid: str, element: str, location: str) -> None:
        self.uuid = uuid
        self.item = self._controller.checklist(uuid).item(element, location)
        item, tr = self.item, self._tr
        self.title_text = f"{item.name} – {item.location}" if item.location else item.name
        if item.previous is None:
            self.previous_text = tr("grade.no_previous")
        else:
            previous = item.previous
            self.previous_text = tr(
                "grade.previous",
                grade=previous.grade,
                date=f"{previous.observed_at:%Y-%m-%d}",
                note=previous.note,
            ) + (" · " + tr.plural("grade.photos", len(previous.photos)) if previous.photos else "")
        self.ids.location_input.text = item.location
        self.ids.note_input.text = item.note
        self.has_quantity = item.has_quantity
        self.quantity_hint = tr("grade.quantity", unit=item.unit) if item.has_quantity else ""
        self.ids.quantity_input.text = "" if item.quantity is None else f"{item.quantity:g}"
        self.photos = list(item.photos)
        self.urgency = item.urgency
        self.message = ""
        self.choose_grade(item.grade or "")
        self._show_photos()
        self._show_position()

    def choose_grade(self, grade: str) -> None:
        self.grade = grade
        for value, button in self.grade_buttons.items():
            button.chosen = value == grade
        if grade == Grade.N:
            self.urgency = None
        asked = bool(grade) and urgency_asked(Grade(grade))
        self.urgency_text = self._tr("grade.urgency_asked" if asked else "grade.urgency")
        self._show_urgency()

    def choose_urgency(self, urgency: int) -> None:
        if self.grade == Grade.N:
            return
        # Tapping the chosen urgency again clears it: urgency is optional.
        self.urgency = None if self.urgency == urgency else urgency
        self._show_urgency()

    def _show_urgency(self) -> None:
        for value, button in self.urgency_buttons.items():
            button.chosen = value == self.urgency
            button.disabled = self.grade == Grade.N

    def _show_photos(self) -> None:
        """The count of this grade's photos; thumbnails of the previous ones, then these."""
        self.photos_text = self._tr.plural("grade.photos", len(self.photos))
        strip = self.ids.photo_strip
        strip.clear_widgets()
        previous = self.item.previous.photos if self.item and self.item.previous else ()
        self.thumbnails = []
        for sha256 in [*previous, *self.photos][:MAX_THUMBNAILS]:
            path = self._controller.photo_path(sha256)
            if path.exists():
                thumbnail = Image(
                    source=str(path),
                    size_hint=(None, None),
                    size=(dp(116), dp(88)),
                    fit_mode="contain",
                )
                strip.add_widget(thumbnail)
                self.thumbnails.append(sha256)

    def _on_fix(self, lat: float, lon: float, accuracy: float | None) -> None:
        self.position = PositionFix(lat, lon, accuracy)
        self._show_position()

    def _show_position(self) -> None:
        fix = self.position
        if fix is None:
            self.position_text = self._tr("grade.no_position")
        else:
            accuracy = "?" if fix.accuracy_m is None else f"{fix.accuracy_m:.0f}"
            self.position_text = self._tr(
                "grade.position", lat=f"{fix.lat:.5f}", lon=f"{fix.lon:.5f}", accuracy=accuracy
            )

    def choose_photo(self) -> None:
        refused = self._controller.photo_refusal(len(self.photos))
        if refused:
            self.message = refused
            return
        if device.has_camera(platform):
            target = self._controller.capture_path()
            target.parent.mkdir(parents=True, exist_ok=True)

            def taken(path: str | None) -> None:
                if path:
                    self.add_photo(Path(path))

            device.take_photo(str(target), taken)
        else:
            PhotoChooser(on_choose=self.add_photo, title=self._tr("grade.photo")).open()

    def add_photo(self, source: Path) -> None:
        try:
            sha256 = self._controller.import_photo(source)
        except OSError as error:
            self.message = str(error)
            return
        refused = self._controller.photo_refusal(len(self.photos))
        if sha256 not in self.photos and refused:
            self.message = refused
        elif sha256 not in self.photos:
            self.photos.append(sha256)
        self._show_photos()

    def save(self) -> None:
        assert self.item is not None
        text = self.ids.quantity_input.text.strip().replace(",", ".")
        try:
            quantity = float(text) if text and self.has_quantity else None
        except ValueError:
            self.message = self._tr("grade.bad_quantity")
            return
        location = self.ids.location_input.text.strip()
        try:
            self._controller.rate(
                self.uuid,
                self.item.element,
                location,
                grade=self.grade,
                urgency=self.urgency,
                note=self.ids.note_input.text,
                quantity=quantity,
                position=self.position,
                photos=self.photos,
            )
            if location != self.item.location and self.item.grade is not None:
                # The place of an existing grade was renamed: the old one goes.
                self._controller.unrate(self.uuid, self.item.element, self.item.location)
        except AppError as error:
            self.message = "; ".join(d.message for d in error.details) or error.message
            return
        self._on_done(self.uuid, None)

    def skip(self) -> None:
        assert self.item is not None
        following = self._controller.checklist(self.uuid).next_open(after=self.item.key)
        self._on_done(self.uuid, following)

    def back(self) -> None:
        self._on_done(self.uuid, None)
