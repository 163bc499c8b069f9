"""Backing up a whole installation into one archive, and restoring it into an empty one.

The archive is a tar file of a few members:

- `skolmiljo-backup.json`, in plain text: the format's name and version and whether the
  rest is encrypted (never anything from the database);
- `manifest.json`: when, at which migrations, how many rows of each model, and every
  stored file with its SHA-256;
- `database.json.gz`: every row of every installed app (Django's JSON serialization, with
  natural keys for content types and permissions, which `migrate` makes itself;
  sessions are not kept), with datetimes to the microsecond;
- `files/000001`, ...: the bytes of every file a model's FileField names (the
  inspections' photos), read through that field's storage, so a filesystem or an
  object-storage backend both work.

With a key (`SKOLMILJO_BACKUP_KEY`, a Fernet key) every member but the first is
encrypted and authenticated with Fernet, since the database holds survey answers.

Size limit: each member is encrypted, and the database is serialized and compressed, in
memory. The compressed database (survey answers compress about tenfold) and the largest
photo must each fit in memory about three times over: fine for a city, not for a whole
country's answers, where the database's own tools (pg_dump to encrypted storage) are the
better backup.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from auditlog.context import disable_auditlog
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from server.core.data_version import bump
from server.core.roles import ROLES

FORMAT: Final = "skolmiljo-backup"
VERSION: Final = 1
HEADER: Final = "skolmiljo-backup.json"
MANIFEST: Final = "manifest.json"
DATABASE: Final = "database.json.gz"
MAKE_KEY: Final = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)
# What `migrate` makes in every installation (content types, permissions) and what is not
# worth keeping (sessions): left out of the archive and ignored by the emptiness check.
# The data version is this database's own count of writes: a restored one could repeat
# a count whose cached rankings were of other data. A restore bumps it instead.
NOT_KEPT: Final = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "core.dataversion",
}


class BackupError(Exception):
    """A backup could not be written or restored; the message says why and what to do."""


@dataclass
class BackupReport:
    rows: dict[str, int]
    files: int
    encrypted: bool
    missing_files: list[str] = field(default_factory=list)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds of a datetime; a backup keeps microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Cipher:
    """Fernet when there is a key; the identity when there is none."""

    def __init__(self, key: str | None) -> None:
        self.fernet = _fernet(key) if key else None

    def seal(self, data: bytes) -> bytes:
        return self.fernet.encrypt(data) if self.fernet else data

    def unseal(self, data: bytes) -> bytes:
        if self.fernet is None:
            return data
        try:
            return self.fernet.decrypt(data)
        except InvalidToken:
            raise BackupError(
                "The backup cannot be decrypted with SKOLMILJO_BACKUP_KEY: it is not the key "
                "the backup was made with, or the file is damaged."
            ) from None


def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.strip().encode())
    except ValueError:
        raise BackupError(
            f"SKOLMILJO_BACKUP_KEY is not a Fernet key (32 bytes, URL-safe base64); "
            f"make one with: {MAKE_KEY}"
        ) from None


def _models() -> list[type[models.Model]]:
    """Every model whose rows a backup keeps, those others point at first."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.label_lower not in NOT_KEPT
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
    ]


def _objects(kept: list[type[models.Model]]) -> Iterator[models.Model]:
    for model in kept:
        yield from model._base_manager.order_by("pk").iterator(chunk_size=2000)


@dataclass(frozen=True)
class _StoredFile:
    model: str
    field: str
    name: str


def _stored_files(kept: list[type[models.Model]]) -> list[_StoredFile]:
    """Every file a row names, once however many rows name it."""
    found: dict[tuple[str, str], _StoredFile] = {}
    for model in kept:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                names = (
                    model._base_manager.exclude(**{f.name: ""})
                    .exclude(**{f"{f.name}__isnull": True})
                    .values_list(f.name, flat=True)
                    .order_by(f.name)
                )
                for name in names:
                    # Two fields on one storage naming one file: one copy in the archive.
                    key = (repr(f.storage), name)
                    found.setdefault(key, _StoredFile(model._meta.label_lower, f.name, name))
    return list(found.values())


def _storage(stored: _StoredFile) -> Storage:
    model = apps.get_model(stored.model)
    file_field = model._meta.get_field(stored.field)
    assert isinstance(file_field, models.FileField)
    return file_field.storage


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


@contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction that sees every table as of one moment.

    PostgreSQL's default (read committed) lets each query see later commits, so rows of
    one table could point at rows the dump of another missed: ask for repeatable read.
    SQLite's transaction is a snapshot already (and, immediate, holds writers off).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup_write(*, path: Path, key: str | None) -> BackupReport:
    """Write the whole installation (database and stored files) to one archive at `path`.

    Encrypted when `key` (a Fernet key) is given. The archive appears under its name
    only when complete, readable by its owner only. Files that rows name but the storage
    lacks are left out and listed in the report.
    """
    cipher = _Cipher(key)
    kept = _models()
    dump = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=dump, mode="wb", mtime=0) as gz,
        io.TextIOWrapper(gz, encoding="utf-8") as text,
        _snapshot(),
    ):
        serializers.serialize(
            "json",
            _objects(kept),
            stream=text,
            cls=ExactJSONEncoder,
            use_natural_foreign_keys=True,
        )
        rows = {m._meta.label_lower: m._base_manager.count() for m in kept}
        stored = _stored_files(kept)
        migrations = _applied_migrations()
    database = dump.getvalue()
    del dump

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    manifest_files: list[dict[str, Any]] = []
    missing: list[str] = []
    try:
        with tarfile.open(partial, "w") as tar:
            header = {"format": FORMAT, "version": VERSION, "encrypted": cipher.fernet is not None}
            _add(tar, HEADER, json.dumps(header).encode())
            _add(tar, DATABASE, cipher.seal(database))
            for n, item in enumerate(stored, start=1):
                storage = _storage(item)
                try:
                    with storage.open(item.name, "rb") as source:
                        data = source.read()
                except FileNotFoundError:
                    missing.append(item.name)
                    continue
                member = f"files/{n:06d}"
                _add(tar, member, cipher.seal(data))
                manifest_files.append(
                    {
                        "member": member,
                        "model": item.model,
                        "field": item.field,
                        "name": item.name,
                        "size": len(data),
                        "sha256": _sha256(data),
                    }
                )
            manifest = {
                "created_at": timezone.now().isoformat(),
                "migrations": migrations,
                "rows": rows,
                "database": {"member": DATABASE, "sha256": _sha256(database)},
                "files": manifest_files,
            }
            _add(tar, MANIFEST, cipher.seal(json.dumps(manifest, indent=1).encode()))
        os.replace(partial, path)  # mkstemp made it readable by its owner only
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    encrypted = cipher.fernet is not None
    return BackupReport(
        rows=rows, files=len(manifest_files), encrypted=encrypted, missing_files=missing
    )


def _read(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        member = tar.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise BackupError(f"The backup lacks its {name}: the file is damaged or incomplete.")
    return member.read()


def _fresh_role_groups() -> Any:
    """The role groups `migrate` makes, while nobody is in them and they grant nothing:
    part of an empty installation, replaced by the backup's own groups."""
    return Group.objects.filter(name__in=ROLES, user__isnull=True, permissions__isnull=True)


def _non_empty() -> list[str]:
    """The models that hold rows, as `label (count)`."""
    found = []
    fresh_groups = _fresh_role_groups().count()
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_KEPT or model._meta.proxy or not model._meta.managed:
            continue
        count = model._base_manager.count()
        if label == "auth.group":
            count -= fresh_groups
        if count:
            found.append(f"{label} ({count})")
    return found


def _check_migrations(recorded: list[list[str]]) -> None:
    here = {tuple(m) for m in _applied_migrations()}
    if not here:
        raise BackupError(
            "The database has no tables yet: run `manage.py migrate` first, then restore."
        )
    there = {(app, name) for app, name in recorded}
    if here == there:
        return
    lacking = sorted(f"{app}.{name}" for app, name in there - here)
    extra = sorted(f"{app}.{name}" for app, name in here - there)
    parts = []
    if lacking:
        parts.append(f"the backup has migrations this installation lacks: {', '.join(lacking[:5])}")
    if extra:
        parts.append(f"this installation has migrations the backup lacks: {', '.join(extra[:5])}")
    raise BackupError(
        "The backup was made with another version of Skolmiljö ("
        + "; ".join(parts)
        + "). Restore with the version that made it, then upgrade and migrate."
    )


def backup_restore(*, path: Path, key: str | None) -> BackupReport:
    """Rebuild an empty, migrated installation from the archive at `path`.

    Refuses a database that holds any row (other than what `migrate` makes), an archive
    that is encrypted when no key is given, a wrong key, and any member whose SHA-256
    does not match the manifest. The database is loaded in one transaction; the files
    are written inside it, so a failure leaves the database empty again.
    """
    try:
        with tarfile.open(path, "r:") as tar:
            return _restore_from(tar, path, key)
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except tarfile.TarError:
        raise BackupError(
            f"{path} is not a Skolmiljö backup, or it is damaged (not a readable tar archive)."
        ) from None


def _restore_from(tar: tarfile.TarFile, path: Path, key: str | None) -> BackupReport:
    try:
        header = json.loads(_read(tar, HEADER))
    except ValueError:
        header = {}
    if header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Skolmiljö backup.")
    if header.get("version") != VERSION:
        raise BackupError(
            f"{path} is a backup of format version {header.get('version')}; this "
            f"version of Skolmiljö reads version {VERSION}."
        )
    if header.get("encrypted") and not key:
        raise BackupError(
            "The backup is encrypted: set SKOLMILJO_BACKUP_KEY to the key it was made with."
        )
    cipher = _Cipher(key if header.get("encrypted") else None)
    manifest = json.loads(cipher.unseal(_read(tar, MANIFEST)))

    _check_migrations(manifest["migrations"])
    occupied = _non_empty()
    if occupied:
        raise BackupError(
            "The database is not empty, so nothing was restored: "
            + ", ".join(occupied[:5])
            + (" and more" if len(occupied) > 5 else "")
            + ". Restore only into a new, migrated, empty database."
        )

    database = cipher.unseal(_read(tar, DATABASE))
    if _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError("The backup's database does not match its manifest: it is damaged.")
    with tempfile.TemporaryDirectory() as scratch:
        fixture = Path(scratch) / "database.json"
        with gzip.open(io.BytesIO(database)) as source, fixture.open("wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
        del database
        # Restoring is not a change anyone made: nothing goes into the audit trail.
        with transaction.atomic(), disable_auditlog():
            _fresh_role_groups().delete()
            call_command("loaddata", str(fixture), verbosity=0)
            _ensure_role_groups()
            for item in manifest["files"]:
                _restore_file(tar, cipher, item)
            bump()
    return BackupReport(
        rows=manifest["rows"], files=len(manifest["files"]), encrypted=cipher.fernet is not None
    )


def _ensure_role_groups() -> None:
    """A backup made before the groups came with `migrate` still yields them."""
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def _restore_file(tar: tarfile.TarFile, cipher: _Cipher, item: dict[str, Any]) -> None:
    data = cipher.unseal(_read(tar, item["member"]))
    if _sha256(data) != item["sha256"]:
        raise BackupError(f"The backup's copy of {item['name']} is damaged (SHA-256 differs).")
    storage = _storage(_StoredFile(item["model"], item["field"], item["name"]))
    if storage.exists(item["name"]):
        with storage.open(item["name"], "rb") as present:
            if _sha256(present.read()) == item["sha256"]:
                return  # left from before, and the same bytes
        storage.delete(item["name"])
    saved = storage.save(item["name"], ContentFile(data))
    if saved != item["name"]:
        raise BackupError(f"The storage saved {item['name']} as {saved}; restore stopped.")
