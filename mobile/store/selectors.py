"""Read-only queries over the store."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mobile.store.models import Inspection, InspectionState, Site


def site_count(session: Session, *, include_removed: bool = False) -> int:
    statement = select(func.count()).select_from(Site)
    if not include_removed:
        statement = statement.where(Site.removed.is_(False))
    return session.scalars(statement).one()


def inspection_count_by_state(session: Session) -> dict[InspectionState, int]:
    """How many inspections are in each state; every state is present, zeros included."""
    counts = dict.fromkeys(InspectionState, 0)
    statement = select(Inspection.state, func.count()).group_by(Inspection.state)
    for state, count in session.execute(statement).tuples():
        counts[state] = count
    return counts
