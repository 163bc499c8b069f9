"""The reference pull: what a tablet needs to inspect offline, changed since its cursor.

The cursor is `<timestamp>|<catalogue version>`. Each pull re-reads a minute before the
timestamp, because a write that committed late can carry an earlier `updated_at`;
repeats are harmless, as the tablet upserts by code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q
from django.utils import timezone

from server.inspections.models import Assignment
from server.schools.models import SchoolUnit, Site
from shared.catalogue import load_catalogue
from shared.errors import ErrorDetail, InvalidInput
from shared.sync import CatalogueRef, ReferenceOut, SiteRef, UnitRef

OVERLAP = timedelta(minutes=1)


def _parse_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        stamp, version = cursor.split("|", 1)
        when = datetime.fromisoformat(stamp)
        if when.tzinfo is None:
            raise ValueError("no time zone")
    except ValueError:
        raise InvalidInput(
            f"The cursor '{cursor}' is not one this server gave out; pull without a cursor.",
            [ErrorDetail(field="cursor", message="not a cursor from this server")],
        ) from None
    return when, version


def reference_pull(*, inspector: User, cursor: str | None) -> ReferenceOut:
    catalogue = load_catalogue()
    since, known_version = _parse_cursor(cursor) if cursor else (None, "")
    now = timezone.now()
    # A site without a position stays off the tablets until an administrator gives it
    # one; setting it bumps `updated_at`, so the next pull brings it.
    sites = (
        Site.objects.filter(lat__isnull=False, lon__isnull=False)
        .select_related("district")
        .prefetch_related(Prefetch("units", SchoolUnit.objects.filter(removed_at__isnull=True)))
    )
    if since is not None:
        changed = since - OVERLAP
        sites = sites.filter(
            Q(updated_at__gt=changed) | Q(units__updated_at__gt=changed)
        ).distinct()
    assigned = set(
        Assignment.objects.filter(inspector=inspector).values_list("site__code", flat=True)
    )
    refs = [
        SiteRef(
            code=site.code,
            name=site.name,
            district=site.district.name if site.district else "",
            lat=float(site.lat),  # type: ignore[arg-type]  # the filter above excludes None
            lon=float(site.lon),  # type: ignore[arg-type]
            units=[
                UnitRef(
                    code=u.code,
                    name=u.name,
                    school_form=u.school_form,
                    years=u.years,
                    pupils=u.pupils or 0,
                )
                for u in site.units.all()
            ],
            removed=site.removed_at is not None,
        )
        for site in sites
    ]
    refs.sort(key=lambda s: (s.code not in assigned, s.name, s.code))
    return ReferenceOut(
        cursor=f"{now.isoformat()}|{catalogue.version}",
        sites=refs,
        catalogue=None
        if known_version == catalogue.version
        else CatalogueRef.from_catalogue(catalogue),
        assignments=sorted(assigned),
    )
