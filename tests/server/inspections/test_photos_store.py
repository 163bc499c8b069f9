"""The photo services: checks, content-addressed storage, idempotency and repair."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from pytest_django.fixtures import Settings

from server.inspections import photos
from server.inspections.models import Photo
from server.inspections.photos import photo_exists, photo_open, photo_store
from shared.errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from tests.server.inspections.test_photos_support import image_bytes, sha256_of, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("fmt", "content_type", "ext"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_it_stores_each_image_format_under_its_hash(
    media: Path, fmt: str, content_type: str, ext: str
) -> None:
    data = image_bytes(fmt)
    digest = sha256_of(data)

    photo, created = photo_store(sha256=digest, data=data)

    assert created is True
    name = f"photos/{digest[:2]}/{digest}.{ext}"
    assert (photo.sha256, photo.file.name, photo.content_type, photo.size) == (
        digest,
        name,
        content_type,
        len(data),
    )
    assert (media / name).read_bytes() == data
    assert photo_exists(sha256=digest) is True


def test_it_stores_the_same_bytes_once(media: Path) -> None:
    data = image_bytes()
    first, _ = photo_store(sha256=sha256_of(data), data=data)
    written = (media / first.file.name).stat().st_mtime_ns

    again, created = photo_store(sha256=sha256_of(data), data=data)

    assert (again.pk, created) == (first.pk, False)
    assert Photo.objects.count() == 1
    assert stored_files(media) == [first.file.name]
    assert (media / first.file.name).stat().st_mtime_ns == written


def test_it_opens_a_stored_photo_for_download() -> None:
    data = image_bytes("PNG")
    photo_store(sha256=sha256_of(data), data=data)

    photo, file = photo_open(sha256=sha256_of(data))
    with file:
        assert (photo.content_type, file.read()) == ("image/png", data)


@pytest.mark.parametrize("sha256", ["0" * 64, "f" * 63, "nonsense"])
def test_it_does_not_open_an_unknown_photo(sha256: str) -> None:
    with pytest.raises(NotFound) as caught:
        photo_open(sha256=sha256)

    assert caught.value.message == f"No photo with SHA-256 {sha256}."
    assert photo_exists(sha256=sha256) is False


@pytest.mark.parametrize("sha256", ["A" * 64, "a" * 63, "a" * 65, "g" * 64, "../" + "a" * 61])
def test_it_refuses_a_malformed_hash(sha256: str) -> None:
    with pytest.raises(BadRequest) as caught:
        photo_store(sha256=sha256, data=image_bytes())

    assert caught.value.message == (
        f"'{sha256}' is not a SHA-256 digest: expected 64 lowercase hexadecimal characters."
    )


def test_it_refuses_bytes_that_hash_otherwise(media: Path) -> None:
    data = image_bytes()
    claimed = sha256_of(b"something else")

    with pytest.raises(BadRequest) as caught:
        photo_store(sha256=claimed, data=data)

    assert caught.value.message == (
        f"The bytes hash to {sha256_of(data)}, not {claimed}: "
        "the upload was cut off or altered; send it again."
    )
    assert (Photo.objects.count(), stored_files(media)) == (0, [])


def test_it_refuses_an_empty_body() -> None:
    with pytest.raises(BadRequest) as caught:
        photo_store(sha256=sha256_of(b""), data=b"")

    assert caught.value.message == "The body is empty: send the photo's bytes."


def test_it_refuses_a_photo_over_the_byte_limit(settings: Settings, media: Path) -> None:
    settings.PHOTO_MAX_BYTES = 3 * 1024 * 1024
    data = image_bytes() + b"\0" * (3 * 1024 * 1024)  # JPEG ignores what follows its end

    with pytest.raises(PayloadTooLarge) as caught:
        photo_store(sha256=sha256_of(data), data=data)

    assert caught.value.message == (
        "The photo is 3.1 MB; at most 3 MB is accepted. Send it at a lower resolution or quality."
    )
    assert (Photo.objects.count(), stored_files(media)) == (0, [])


def test_it_accepts_a_photo_of_exactly_the_byte_limit(settings: Settings) -> None:
    data = image_bytes()
    settings.PHOTO_MAX_BYTES = len(data)

    assert photo_store(sha256=sha256_of(data), data=data)[1] is True


def test_it_refuses_an_image_over_the_pixel_limit(
    monkeypatch: pytest.MonkeyPatch, media: Path
) -> None:
    monkeypatch.setattr(photos, "MAX_PIXELS", 1_000_000)
    data = image_bytes("PNG", size=(1001, 1000))

    with pytest.raises(PayloadTooLarge) as caught:
        photo_store(sha256=sha256_of(data), data=data)

    assert caught.value.message == (
        "The image is 1001 x 1000 pixels; at most 1 megapixels are accepted. "
        "Send it at a lower resolution."
    )
    assert (Photo.objects.count(), stored_files(media)) == (0, [])


def _cut(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"Hej, det h\xc3\xa4r \xc3\xa4r ingen bild.\n", "text"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "text (HTML, XML or SVG)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "a GIF image"),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "a HEIC/HEIF image (set the camera to save JPEG)"),
        (_cut(image_bytes("JPEG")), "a JPEG image that does not decode (damaged or cut off)"),
        (_cut(image_bytes("PNG")), "a PNG image that does not decode (damaged or cut off)"),
        (_cut(image_bytes("WEBP")), "a WebP image that does not decode (damaged or cut off)"),
        (
            b"\x00\x01\x02\x03\x04\x05\x06\x07\x08",
            "unrecognised data starting with 0x0001020304050607",
        ),
    ],
    ids=["text", "svg", "pdf", "gif", "heic", "cut-jpeg", "cut-png", "cut-webp", "binary"],
)
def test_it_refuses_what_is_no_jpeg_png_or_webp_image(media: Path, data: bytes, found: str) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        photo_store(sha256=sha256_of(data), data=data)

    assert caught.value.message == f"The photo must be a JPEG, PNG or WebP image; this is {found}."
    assert (Photo.objects.count(), stored_files(media)) == (0, [])


def test_it_finds_a_jpeg_cut_off_anywhere_in_its_image_data() -> None:
    # A larger photo, so the cut falls inside the compressed scan, not in the header.
    data = image_bytes("JPEG", size=(640, 480))
    for keep in (len(data) // 10, len(data) // 2, len(data) - 100, len(data) - 2):
        with pytest.raises(UnsupportedMediaType):
            photo_store(sha256=sha256_of(data[:keep]), data=data[:keep])


def test_it_repairs_a_photo_whose_file_is_missing(media: Path) -> None:
    data = image_bytes()
    photo, _ = photo_store(sha256=sha256_of(data), data=data)
    (media / photo.file.name).unlink()
    assert photo_exists(sha256=photo.sha256) is False

    again, created = photo_store(sha256=photo.sha256, data=data)

    assert (again.pk, created) == (photo.pk, False)
    assert (media / photo.file.name).read_bytes() == data
    assert photo_exists(sha256=photo.sha256) is True
    assert stored_files(media) == [photo.file.name]


def test_it_repairs_a_photo_whose_file_was_cut_off(media: Path) -> None:
    data = image_bytes()
    photo, _ = photo_store(sha256=sha256_of(data), data=data)
    (media / photo.file.name).write_bytes(data[:100])
    assert photo_exists(sha256=photo.sha256) is False

    photo_store(sha256=photo.sha256, data=data)

    assert (media / photo.file.name).read_bytes() == data
    assert stored_files(media) == [photo.file.name]


def test_it_adopts_a_file_left_by_an_attempt_whose_row_was_not_kept(media: Path) -> None:
    data = image_bytes()
    digest = sha256_of(data)
    name = f"photos/{digest[:2]}/{digest}.jpg"
    (media / name).parent.mkdir(parents=True)
    (media / name).write_bytes(data)

    photo, created = photo_store(sha256=digest, data=data)

    assert (photo.file.name, created) == (name, True)
    assert stored_files(media) == [name]


def test_it_keeps_one_file_when_another_writer_saves_it_meanwhile(
    monkeypatch: pytest.MonkeyPatch, media: Path
) -> None:
    data = image_bytes()
    digest = sha256_of(data)
    name = f"photos/{digest[:2]}/{digest}.jpg"
    (media / name).parent.mkdir(parents=True)
    (media / name).write_bytes(data)
    # The first look finds no file (the other writer has not created it yet); by the
    # time ours is saved it is there, and the storage saves ours under another name.
    real_exists, looks = FileSystemStorage.exists, []

    def exists_after_first_look(self: FileSystemStorage, path: str) -> bool:
        looks.append(path)
        return len(looks) > 1 and real_exists(self, path)

    monkeypatch.setattr(FileSystemStorage, "exists", exists_after_first_look)

    photo, _ = photo_store(sha256=digest, data=data)

    assert len(looks) > 1, "the storage never looked again: the rename was not exercised"
    assert photo.file.name == name
    assert stored_files(media) == [name]
