"""The data version rankings are cached by: a number every committed write that can change
a ranking bumps, and the local date, since a campaign's result counts from the day after
it closes (server.campaigns.models.campaign_closed) without any write at all.

The number lives in the database, not in a cache: every server process and the task
worker read the same one, with or without Redis, and it commits with the data it counts.
A writer holds its row from the bump to its commit, so hot paths bump last. Writes
through the ORM bump it by the receivers server.planning connects; bulk writes (a synced
inspection, an import, a purge) call `bump` themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from server.core.models import DataVersion
from server.core.municipality import current_municipality
from shared.catalogue import load_catalogue

_ROW = 1

data_changed = Signal()
"""Sent after a bump is committed (the planning app schedules a recompute on it)."""


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime | None
    day: date
    catalogue: str
    municipality: tuple[int, int] = (0, 0)
    """The price year and survey threshold in force. The environment sets them too (the
    seed, the threshold's floor), and a restart with other values writes nothing."""

    @property
    def key(self) -> str:
        """What cached rankings are stored under: changes with any part. The time of the
        last bump is in it so that a database restored or made anew, whose count starts
        again, never meets rankings cached for an earlier life of the same count."""
        stamp = self.changed_at.timestamp() if self.changed_at else 0
        year, threshold = self.municipality
        return (
            f"{self.number}.{stamp:.6f}.{self.day.isoformat()}.{self.catalogue}.{year}.{threshold}"
        )


def current_version() -> Version:
    """The data version now: one read of one row, and the municipality's settings (cached)."""
    row = DataVersion.objects.filter(pk=_ROW).values_list("number", "changed_at").first()
    number, changed_at = row or (0, None)
    municipality = current_municipality()  # cached: no database read as a rule
    return Version(
        number=number,
        changed_at=changed_at,
        day=timezone.localdate(),
        catalogue=load_catalogue().version,
        municipality=(municipality.price_year, municipality.survey_threshold),
    )


def bump() -> None:
    """Count a write that can change a ranking. Inside a transaction the count is part of
    it (other processes see it with the data, at the commit; a rollback drops both) and
    every write counts, so a read later in the same transaction sees it too;
    `data_changed` follows the commit, once per transaction."""
    _increment()
    if not connection.in_atomic_block:
        _changed()
    elif not any(func is _changed for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_changed)


def _increment() -> None:
    now = timezone.now()
    if not DataVersion.objects.filter(pk=_ROW).update(number=F("number") + 1, changed_at=now):
        DataVersion.objects.get_or_create(pk=_ROW, defaults={"number": 1, "changed_at": now})


def _changed() -> None:
    data_changed.send(sender=DataVersion)


def on_write(sender: Any, **kwargs: Any) -> None:
    """A post_save / post_delete receiver that bumps (fixtures loaded raw do not)."""
    if not kwargs.get("raw"):
        bump()
