"""Reads of inspections: the newest observations ranking uses, and planners' views."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from server.inspections.models import Inspection, InspectionRevision, Rating
from server.schools.models import Site
from shared.errors import NotFound


def latest_ratings(*, site_ids: Iterable[int] | None = None) -> QuerySet[Rating]:
    """For each site, element and location, the rating with the newest observed_at among
    finished inspections (ties go to the later-received inspection).

    One window query over the `rating_newest` index; ranking reads this.
    """
    qs = Rating.objects.filter(inspection__finished_at__isnull=False)
    if site_ids is not None:
        qs = qs.filter(site_id__in=list(site_ids))
    return qs.annotate(
        newest=Window(
            RowNumber(),
            partition_by=[F("site_id"), F("element"), F("location")],
            order_by=[F("observed_at").desc(), F("inspection_id").desc()],
        )
    ).filter(newest=1)


def site_inspections(*, code: str) -> QuerySet[Inspection]:
    site = Site.objects.filter(code=code).first()
    if site is None:
        raise NotFound(f"There is no site (skolhus) with code '{code}'.")
    return (
        Inspection.objects.filter(site=site)
        .select_related("site", "inspector")
        .prefetch_related("ratings")
        .order_by("-started_at")
    )


def inspection_get(*, uuid: str) -> Inspection:
    row = (
        Inspection.objects.select_related("site", "inspector")
        .prefetch_related(
            "ratings",
            Prefetch("history", InspectionRevision.objects.select_related("inspector")),
        )
        .filter(uuid=uuid)
        .first()
    )
    if row is None:
        raise NotFound(f"There is no inspection with UUID '{uuid}'.")
    return row
