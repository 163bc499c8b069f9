"""Reads of inspections: the newest observations ranking uses, planners' views, and
which photos a tablet may read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from django.contrib.auth.models import User
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from server.inspections.models import Assignment, Inspection, InspectionRevision, Photo, Rating
from server.schools.models import Site
from shared.errors import NotFound

_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")


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
    """The inspection with its ratings and history; each rating carries `visible_photos`,
    its photo hashes that may be shown (`visible_photo_hashes`), in its order."""
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
    ratings = list(row.ratings.all())
    visible = visible_photo_hashes(hashes=[h for r in ratings for h in r.photos])
    for rating in ratings:
        shown = [h for h in rating.photos if h in visible]
        rating.visible_photos = shown  # type: ignore[attr-defined]
    return row


def visible_photo_hashes(*, hashes: Iterable[str]) -> set[str]:
    """Those of `hashes` whose photo may be shown: stored, not hidden, not deleted. One query.

    Ratings keep the hashes of hidden and deleted photos (they are the tablet's record),
    so whatever shows photos (pages, APIs, reports, e-mails) filters its hashes here.
    """
    wanted = {h for h in hashes if _SHA256_HEX.fullmatch(h)}
    if not wanted:
        return set()
    return set(Photo.objects.visible().filter(sha256__in=wanted).values_list("sha256", flat=True))


def photo_visible_to_inspector(*, sha256: str, inspector: User) -> bool:
    """Whether a rating that names the photo is of a site assigned to the inspector, or
    of one of the inspector's own inspections. One query.

    A photo no rating names yet is not visible: photos are stored by content alone, with
    no uploader, so the server cannot tell whose it is until a rating of theirs names it.
    """
    if not _SHA256_HEX.fullmatch(sha256):
        return False
    # Django has no JSON containment on SQLite, so match the quoted hash in the list's
    # JSON text (the same on PostgreSQL's jsonb::text): exact, since every element is a
    # 64-hex hash between quotes and the hash was checked to be one.
    naming = Rating.objects.filter(photos__icontains=f'"{sha256}"').values("pk")
    # Two branches in one UNION ALL rather than one OR, so that each is driven by an index
    # (ratings by site; ratings by inspection) and only their few rows are matched.
    of_assigned_sites = naming.filter(
        site_id__in=Assignment.objects.filter(inspector=inspector).values("site_id")
    )
    of_own_inspections = naming.filter(
        inspection_id__in=Inspection.objects.filter(inspector=inspector).values("pk")
    )
    return of_assigned_sites.union(of_own_inspections, all=True).exists()
