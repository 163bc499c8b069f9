"""`manage.py backup` and `restore`: a whole installation round trips, through an empty
database and an empty photo store; nothing is restored over data; the key is needed."""

from __future__ import annotations

import gzip
import io
import shutil
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from auditlog.context import disable_auditlog
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from server.campaigns.models import ImportedReference, ImportedResult, RespondentCode
from server.core.backup import DATABASE, HEADER, MANIFEST
from server.core.roles import ROLES
from server.inspections.models import Assignment, Inspection, Photo
from server.inspections.photos import photo_store
from server.inspections.services import Source, inspections_push
from server.planning.models import SavedPlan
from server.schools.models import Site
from tests.server.accounts.accounts_factories import make_device, make_inspector, make_planner
from tests.server.campaigns.campaign_factories import add_responses, make_campaign
from tests.server.factories import make_site, make_unit
from tests.server.inspections.conftest import inspection_json
from tests.server.inspections.test_photos_support import image_bytes, sha256_of

# Restoring needs a database that is really emptied (flush), not a rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)

SITE_NAME = "Sentinelskolan i Hjällbo"
NOTE = "Sentinel-anteckning om taket"
KEPT_APPS = {"schools", "inspections", "campaigns", "planning", "accounts", "auditlog", "admin"}


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def key(settings: Settings) -> str:
    settings.BACKUP_KEY = Fernet.generate_key().decode()
    return str(settings.BACKUP_KEY)


def load_city() -> dict[str, Any]:
    """A small installation with a row in every table people fill."""
    site = make_site(name=SITE_NAME, code="sentinel")
    unit = make_unit(site=site, year_from=4, year_to=9)
    make_unit(site=make_site())
    inspector = make_inspector(username="inga", first_name="Inga")
    planner = make_planner(username="pelle", email="pelle@example.org")
    planner.groups.get().permissions.add(Permission.objects.get(codename="view_site"))
    admin = User.objects.create_superuser(username="admin", password="admin-pw-123")
    AdminLogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(Site),
        object_id=str(site.pk),
        object_repr=str(site),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Name"]}}]',
    )
    make_device(user=inspector)
    Assignment.objects.create(inspector=inspector, site=site)

    photos = [image_bytes(seed=1), image_bytes("PNG", seed=2)]
    for data in photos:
        photo_store(sha256=sha256_of(data), data=data)
    record = inspection_json(site.code, photos=[sha256_of(photos[0])], n_ratings=4)
    record["ratings"][1]["note"] = NOTE
    source = Source(inspector=inspector, device_name="Platta 1")
    assert inspections_push(raws=[record], source=source)[0].status == "created"
    record["revision"] = 2
    record["ratings"][2]["grade"] = "D"
    record["ratings"][2]["urgency"] = 1
    assert inspections_push(raws=[record], source=source)[0].status == "updated"

    campaign = make_campaign(unit=unit, respondent_codes=3)
    add_responses(campaign, [0, 1, 2, 3, None], count=6)
    ImportedResult.objects.create(
        unit=unit,
        respondent_group="pupils",
        index="safety",
        mean=7.25,
        respondents=41,
        source="x.xlsx",
    )
    ImportedReference.objects.create(
        level="national",
        name="Riket",
        respondent_group="pupils",
        index="safety",
        year=2025,
        mean=7.6,
        respondents=120_000,
        source="x.xlsx",
    )
    RespondentCode.objects.filter(pk=campaign.codes.first().pk).update(used=True)
    SavedPlan.objects.create(
        name="Plan 2027",
        created_by=planner,
        inputs={"budget_sek": 250_000_000, "years": 5, "weights": [0.5, 0.3, 0.2]},
        data_date=datetime(2026, 9, 14, 8, 0, 0, 123456, tzinfo=UTC),
        result={"years": [{"year": 2027, "cost": 1.5e7}], "equity": []},
    )
    return {"photos": photos}


def kept_models() -> list[Any]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in KEPT_APPS or model in {User, Group}
    ]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every kept model, content types and permissions by natural key."""
    return {
        model._meta.label_lower: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in kept_models()
    }


def stored_bytes() -> dict[str, bytes]:
    result = {}
    for photo in Photo.objects.all():
        with default_storage.open(photo.file.name, "rb") as f:
            result[photo.file.name] = f.read()
    return result


def empty_installation(media: Path) -> None:
    """As a new, migrated installation is: no rows but the role groups migrate makes."""
    call_command("flush", interactive=False, verbosity=0)
    with disable_auditlog():  # migrate writes no audit entries
        for name in reversed(ROLES):  # other keys than the backup's groups have
            Group.objects.create(name=name)
    shutil.rmtree(media, ignore_errors=True)


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain"])
def test_it_round_trips_every_table_and_photo(
    encrypted: bool, settings: Settings, media: Path, tmp_path: Path
) -> None:
    settings.BACKUP_KEY = Fernet.generate_key().decode() if encrypted else ""
    city = load_city()
    before, files = snapshot(), stored_bytes()
    assert [label for label, rows in before.items() if not rows] == []
    assert sorted(files.values()) == sorted(city["photos"])
    archive = tmp_path / "backups" / "skolmiljo.tar"

    call_command("backup", str(archive), verbosity=0)
    empty_installation(media)
    assert Inspection.objects.count() == 0 and not media.exists()
    call_command("restore", str(archive), verbosity=0)

    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {
        label: len(rows) for label, rows in before.items()
    }
    assert after == before
    assert stored_bytes() == files
    make_site()  # new rows get keys past the restored ones (PostgreSQL's sequences)
    User.objects.create_user(username="after-restore")
    assert User.objects.get(username="admin").check_password("admin-pw-123")
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_it_keeps_nothing_readable_in_an_encrypted_archive(key: str, tmp_path: Path) -> None:
    city = load_city()
    archive = tmp_path / "skolmiljo.tar"

    call_command("backup", str(archive), verbosity=0)

    raw = archive.read_bytes()
    assert SITE_NAME.encode() not in raw and NOTE.encode() not in raw
    assert not [photo for photo in city["photos"] if photo[-200:] in raw]
    parts = members(archive)
    assert set(parts) >= {HEADER, MANIFEST, DATABASE}
    for name, data in parts.items():
        if name != HEADER:
            assert data.startswith(b"gAAAAA"), name  # a Fernet token
    database = gzip.decompress(Fernet(key).decrypt(parts[DATABASE])).decode()
    assert SITE_NAME in database and NOTE in database  # and the key opens it


def test_it_says_an_encrypted_backup_needs_its_key(
    key: str, settings: Settings, media: Path, tmp_path: Path
) -> None:
    load_city()
    archive = tmp_path / "skolmiljo.tar"
    call_command("backup", str(archive), verbosity=0)
    empty_installation(media)

    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="The backup is encrypted: set SKOLMILJO_BACKUP_KEY"):
        call_command("restore", str(archive), verbosity=0)
    settings.BACKUP_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="cannot be decrypted with SKOLMILJO_BACKUP_KEY"):
        call_command("restore", str(archive), verbosity=0)
    settings.BACKUP_KEY = "not-a-key"
    with pytest.raises(CommandError, match="SKOLMILJO_BACKUP_KEY is not a Fernet key"):
        call_command("restore", str(archive), verbosity=0)

    assert User.objects.count() == 0  # nothing was restored
    settings.BACKUP_KEY = key
    call_command("restore", str(archive), verbosity=0)
    assert User.objects.filter(username="inga").exists()


def test_it_refuses_to_restore_over_data(key: str, tmp_path: Path) -> None:
    load_city()
    archive = tmp_path / "skolmiljo.tar"
    call_command("backup", str(archive), verbosity=0)
    before = snapshot()

    with pytest.raises(CommandError, match="The database is not empty, so nothing was restored"):
        call_command("restore", str(archive), verbosity=0)

    assert snapshot() == before


def test_it_refuses_a_database_with_only_a_user(key: str, media: Path, tmp_path: Path) -> None:
    load_city()
    archive = tmp_path / "skolmiljo.tar"
    call_command("backup", str(archive), verbosity=0)
    empty_installation(media)
    User.objects.create_user(username="someone")

    with pytest.raises(CommandError, match=r"not empty.*auth\.user \(1\)"):
        call_command("restore", str(archive), verbosity=0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no file"),
        (b"hello", "is not a Skolmiljö backup, or it is damaged"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_backup(
    content: bytes | None, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "other.tar"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), verbosity=0)


def test_it_refuses_a_photo_whose_bytes_changed(media: Path, tmp_path: Path) -> None:
    load_city()
    archive = tmp_path / "skolmiljo.tar"
    call_command("backup", str(archive), verbosity=0)
    parts = members(archive)
    photo = next(name for name in parts if name.startswith("files/"))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(damaged, "w") as tar:
        for name, data in parts.items():
            info = tarfile.TarInfo(name)
            data = data[:-1] + bytes([data[-1] ^ 1]) if name == photo else data
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    empty_installation(media)

    with pytest.raises(CommandError, match="is damaged"):
        call_command("restore", str(damaged), verbosity=0)

    assert Inspection.objects.count() == 0  # the database load was rolled back
