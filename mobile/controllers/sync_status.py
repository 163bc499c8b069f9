"""What the sync screen shows: each inspection's state, and how the last sync went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from mobile.i18n import Translator
from mobile.store import Inspection, InspectionState, SettingKey, setting_get


@dataclass(frozen=True)
class SyncRow:
    uuid: str
    site_name: str
    state: InspectionState
    revision: int
    started_at: datetime
    reason: str | None


@dataclass(frozen=True)
class SyncSummary:
    enrolled: bool
    last_sync_at: str | None
    auth_error: str | None
    last_error: str | None


class SyncStatusController:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def rows(self) -> list[SyncRow]:
        """Every inspection on the tablet, newest first."""
        with self._session_factory() as session:
            inspections = session.scalars(
                select(Inspection)
                .options(joinedload(Inspection.site))  # one query, not one per site
                .order_by(Inspection.started_at.desc(), Inspection.uuid)
            ).all()
            return [
                SyncRow(
                    uuid=i.uuid,
                    site_name=i.site.name,
                    state=i.state,
                    revision=i.revision,
                    started_at=i.started_at,
                    reason=i.refusal_reason,
                )
                for i in inspections
            ]

    def summary(self) -> SyncSummary:
        with self._session_factory() as session:
            return SyncSummary(
                enrolled=setting_get(session, SettingKey.DEVICE_TOKEN) is not None,
                last_sync_at=setting_get(session, SettingKey.LAST_SYNC_AT),
                auth_error=setting_get(session, SettingKey.AUTH_ERROR),
                last_error=setting_get(session, SettingKey.LAST_SYNC_ERROR),
            )


def sync_row_text(row: SyncRow, tr: Translator) -> str:
    state = tr(f"sync.state.{row.state.value}")
    text = f"{row.site_name} · {row.started_at:%Y-%m-%d} · {state}"
    if row.revision > 1:
        text += " · " + tr("sync.revision", revision=row.revision)
    if row.state is InspectionState.REFUSED and row.reason:
        text += " · " + tr("sync.reason", reason=row.reason)
    return text


def sync_summary_text(summary: SyncSummary, tr: Translator) -> str:
    if not summary.enrolled:
        return tr("sync.not_enrolled")
    if summary.auth_error:
        return tr("sync.auth_stopped", reason=summary.auth_error)
    if summary.last_error:
        return tr("sync.failed", reason=summary.last_error)
    if summary.last_sync_at:
        return tr("sync.last", when=summary.last_sync_at[:16].replace("T", " "))
    return tr("sync.never")
