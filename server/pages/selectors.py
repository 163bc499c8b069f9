"""Key figures for the start page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from server.campaigns.models import Campaign, Response
from server.inspections.models import Inspection
from server.schools.models import SchoolUnit, Site


@dataclass(frozen=True)
class Overview:
    sites: int
    units: int
    pupils: int
    inspections: int
    inspected_sites: int
    campaigns: int
    responses: int
    synthetic: bool


def overview_get() -> Overview:
    finished = Inspection.objects.filter(finished_at__isnull=False)
    active_units = SchoolUnit.objects.filter(removed_at__isnull=True)
    synthetic = (
        Site.objects.filter(attributes_synthetic=True).exists()
        or Inspection.objects.filter(synthetic=True).exists()
        or Campaign.objects.filter(synthetic=True).exists()
        or SchoolUnit.objects.filter(Q(need_synthetic=True)).exists()
    )
    return Overview(
        sites=Site.objects.filter(removed_at__isnull=True).count(),
        units=active_units.count(),
        pupils=sum(active_units.values_list("pupils", flat=True).exclude(pupils=None)),
        inspections=finished.count(),
        inspected_sites=finished.values("site").distinct().count(),
        campaigns=Campaign.objects.count(),
        responses=Response.objects.count(),
        synthetic=synthetic,
    )
