"""Choosing a site: assigned ones first, searchable by school name and district."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mobile.i18n import Translator
from mobile.store import PENDING_STATES, Inspection, InspectionState, Site


@dataclass(frozen=True)
class SiteRow:
    code: str
    name: str
    district: str
    unit_names: str
    assigned: bool
    last_inspected: datetime | None
    pending: int
    draft_uuid: str | None


class SitesController:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def sites(self, query: str = "") -> list[SiteRow]:
        """Sites on the tablet, assigned first then by name; `query` matches name,
        district or a school unit's name, ignoring case."""
        with self._session_factory() as session:
            last: dict[str, datetime | None] = dict(
                session.execute(
                    select(Inspection.site_code, func.max(Inspection.finished_at)).group_by(
                        Inspection.site_code
                    )
                ).all()
            )
            pending: dict[str, int] = dict(
                session.execute(
                    select(Inspection.site_code, func.count())
                    .where(Inspection.state.in_(PENDING_STATES))
                    .group_by(Inspection.site_code)
                ).all()
            )
            drafts: dict[str, str] = dict(
                session.execute(
                    select(Inspection.site_code, func.max(Inspection.uuid))
                    .where(Inspection.state == InspectionState.DRAFT)
                    .group_by(Inspection.site_code)
                ).all()
            )
            sites = session.scalars(
                select(Site)
                .where(Site.removed.is_(False))
                .order_by(Site.assigned.desc(), Site.name, Site.code)
            ).all()
            needle = query.strip().casefold()
            return [
                SiteRow(
                    code=site.code,
                    name=site.name,
                    district=site.district,
                    unit_names=site.unit_names,
                    assigned=site.assigned,
                    last_inspected=last.get(site.code),
                    pending=pending.get(site.code, 0),
                    draft_uuid=drafts.get(site.code),
                )
                for site in sites
                if not needle
                or needle in f"{site.name}\n{site.district}\n{site.unit_names}".casefold()
            ]


def site_row_detail(row: SiteRow, tr: Translator) -> str:
    """The line under a site's name: district, last inspection, what waits to sync."""
    parts = [row.district] if row.district else []
    if row.assigned:
        parts.append(tr("sites.assigned"))
    if row.last_inspected is None:
        parts.append(tr("sites.never_inspected"))
    else:
        parts.append(tr("sites.last_inspected", date=f"{row.last_inspected:%Y-%m-%d}"))
    if row.pending:
        parts.append(tr.plural("sites.pending", row.pending))
    if row.draft_uuid:
        parts.append(tr("sites.draft"))
    return " · ".join(parts)
