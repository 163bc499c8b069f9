"""Reads of districts, sites and school units."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from server.schools.models import District, SchoolUnit, Site
from shared.errors import ErrorDetail, InvalidInput, NotFound


def district_get(*, code: str) -> District:
    try:
        return District.objects.select_related("parent").get(code=code)
    except District.DoesNotExist:
        raise NotFound(f"There is no district with code '{code}'.") from None


def district_for_filter(*, value: str, field: str = "district") -> District:
    """The district or city area a filter names: by its code or by its name, in any case.

    The reads give codes and the ranking gives names; either filters. Names are compared
    in Python, not SQL: SQLite folds the case of ASCII letters only ('BERGSJÖN' would
    miss 'Bergsjön'), and a city has tens of districts, not thousands.
    """
    found = District.objects.filter(code=value).first()
    if found is not None:
        return found
    wanted = value.strip().casefold()
    matches = [
        d
        for d in District.objects.only("id", "code", "name", "kind")
        if wanted in (d.code.casefold(), d.name.casefold())
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        message = (
            f"More than one district or city area is named '{value}'; give its code "
            "(GET /api/v1/districts lists them)."
        )
        detail = f"ambiguous district '{value}'"
    else:
        message = (
            f"There is no district or city area with code or name '{value}'; "
            "GET /api/v1/districts lists them."
        )
        detail = f"unknown district '{value}'"
    raise InvalidInput(message, [ErrorDetail(field=field, message=detail)])


def district_list(*, kind: str | None = None, parent: str | None = None) -> QuerySet[District]:
    qs = District.objects.select_related("parent").order_by("kind", "name")
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent=district_for_filter(value=parent, field="parent"))
    return qs


def _in_district(prefix: str, district: District) -> Q:
    """Sites (or units, with prefix 'site__') in a district or anywhere in a city area."""
    return Q(**{f"{prefix}district": district}) | Q(**{f"{prefix}district__parent": district})


def site_list(
    *,
    district: str | None = None,
    school_form: str | None = None,
    q: str | None = None,
    include_removed: bool = False,
) -> QuerySet[Site]:
    active = Q(units__removed_at__isnull=True)
    qs = Site.objects.select_related("district__parent").annotate(
        pupils=Sum("units__pupils", filter=active), unit_count=Count("units", filter=active)
    )
    if not include_removed:
        qs = qs.filter(removed_at__isnull=True)
    if district:
        qs = qs.filter(_in_district("", district_for_filter(value=district)))
    if school_form:
        qs = qs.filter(units__school_form=school_form).distinct()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(units__name__icontains=q)).distinct()
    return qs.order_by("name", "code")


def site_get(*, code: str) -> Site:
    active = Prefetch("units", SchoolUnit.objects.filter(removed_at__isnull=True))
    site = site_list(include_removed=True).prefetch_related(active).filter(code=code).first()
    if site is None:
        raise NotFound(f"There is no site (skolhus) with code '{code}'.")
    return site


def unit_list(
    *,
    site: str | None = None,
    district: str | None = None,
    school_form: str | None = None,
    q: str | None = None,
) -> QuerySet[SchoolUnit]:
    qs = SchoolUnit.objects.select_related("site__district__parent").filter(removed_at__isnull=True)
    if site:
        if not Site.objects.filter(code=site).exists():
            raise InvalidInput(
                f"There is no site with code '{site}'.",
                [ErrorDetail(field="site", message=f"unknown site '{site}'")],
            )
        qs = qs.filter(site__code=site)
    if district:
        qs = qs.filter(_in_district("site__", district_for_filter(value=district)))
    if school_form:
        qs = qs.filter(school_form=school_form)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name", "code")


def unit_get(*, code: str) -> SchoolUnit:
    try:
        return SchoolUnit.objects.select_related("site__district__parent").get(code=code)
    except SchoolUnit.DoesNotExist:
        raise NotFound(f"There is no school unit with code '{code}'.") from None
