"""Which writes change a ranking: the ORM saves and deletes that bump the data version
(server.core.data_version), and the recompute that follows each bump."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from server.campaigns.models import Campaign, ImportedResult
from server.core.data_version import data_changed, on_write
from server.core.models import MunicipalitySettings
from server.inspections.models import Inspection, Rating
from server.prices.models import CostIndexYear, PriceList, PriceRate
from server.schools.models import District, SchoolUnit, Site

SAVED = (
    Campaign,
    ImportedResult,
    MunicipalitySettings,
    Inspection,
    Rating,
    CostIndexYear,
    PriceList,
    PriceRate,
    District,
    SchoolUnit,
    Site,
)
# Not on ratings' deletes (nor answers'): a receiver there would make Django fetch every
# deleted row. The services that delete them in bulk (a revised inspection, the purge of a
# closed campaign's answers) bump themselves. Answers arrive only while a campaign is
# open; they count from its close, which the version's date covers.
DELETED = tuple(model for model in SAVED if model is not Rating)


def _recompute(sender: Any, **kwargs: Any) -> None:
    from server.planning.precompute import schedule_recompute

    schedule_recompute()


def connect_writers() -> None:
    """Called once, from PlanningConfig.ready."""
    for model in SAVED:
        post_save.connect(on_write, sender=model, dispatch_uid=f"data-version-{model.__name__}")
    for model in DELETED:
        post_delete.connect(
            on_write, sender=model, dispatch_uid=f"data-version-deleted-{model.__name__}"
        )
    data_changed.connect(_recompute, dispatch_uid="ranking-recompute")
