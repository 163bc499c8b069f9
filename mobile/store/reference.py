"""Keeping the server's reference data (sites, catalogue, assignments) on the tablet."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mobile.store.models import CatalogueElement, Site
from mobile.store.settings import SettingKey, setting_set
from shared.sync import ReferenceOut


def reference_apply(session: Session, reference: ReferenceOut) -> None:
    """Upsert what a reference pull returned and remember its cursor.

    Sites are never deleted: a withdrawn site is marked `removed`, because inspections
    on the tablet may still point at it.
    """
    assigned = set(reference.assignments)
    codes = [ref.code for ref in reference.sites]
    stored = {s.code: s for s in session.scalars(select(Site).where(Site.code.in_(codes)))}
    for ref in reference.sites:
        site = stored.get(ref.code)
        if site is None:
            site = Site(code=ref.code)
            session.add(site)
        site.name = ref.name
        site.district = ref.district
        site.lat, site.lon = ref.lat, ref.lon
        site.removed = ref.removed
        site.unit_names = " · ".join(unit.name for unit in ref.units)
    session.flush()
    # Assignments always come whole, so they replace what was there.
    session.execute(update(Site).values(assigned=Site.code.in_(assigned)))
    if reference.catalogue is not None:
        known = {e.code: e for e in session.scalars(select(CatalogueElement))}
        for position, ref_element in enumerate(reference.catalogue.elements):
            element = known.pop(ref_element.code, None) or CatalogueElement(code=ref_element.code)
            element.group = ref_element.group
            element.name_sv, element.name_en = ref_element.name_sv, ref_element.name_en
            element.weight, element.unit = ref_element.weight, ref_element.unit
            element.position = position
            session.add(element)
        for gone in known.values():
            session.delete(gone)
        setting_set(session, SettingKey.CATALOGUE_VERSION, reference.catalogue.version)
    setting_set(session, SettingKey.REFERENCE_CURSOR, reference.cursor)
    session.flush()
