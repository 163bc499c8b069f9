"""API schemas for planners' reads of inspections (the sync wire types live in shared)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class RatingOut(Schema):
    element: str
    location: str
    grade: str
    urgency: int | None
    note: str
    quantity: float | None
    estimated_cost_sek: float | None
    observed_at: datetime
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    photos: list[str] = Field(
        description="SHA-256 hashes of the rating's photos that are stored and not hidden."
    )
    photo_urls: list[str] = Field(description="Where to download each photo (signed-in users).")

    # `visible_photos` is set by selectors.inspection_get: a hidden photo shows nowhere.
    @staticmethod
    def resolve_photos(obj: Any) -> list[str]:
        return list(obj.visible_photos)

    @staticmethod
    def resolve_photo_urls(obj: Any) -> list[str]:
        return [f"/api/v1/photos/{sha}" for sha in obj.visible_photos]


class RevisionOut(Schema):
    revision: int
    content_hash: str
    replaced_at: datetime
    inspector: str | None = Field(description="Who wrote this revision (unknown on old rows).")
    device_name: str = Field(description="The tablet that sent it (empty when unknown).")

    @staticmethod
    def resolve_inspector(obj: Any) -> str | None:
        return obj.inspector.username if obj.inspector_id else None


class InspectionSummaryOut(Schema):
    uuid: UUID
    revision: int
    site: str
    inspector: str | None
    device_name: str
    catalogue_version: str
    started_at: datetime
    finished_at: datetime | None
    grade_counts: dict[str, int] = Field(description="Ratings per grade A, B, C, D, N.")
    estimated_cost_sek: float
    synthetic: bool

    @staticmethod
    def resolve_site(obj: Any) -> str:
        return str(obj.site.code)

    @staticmethod
    def resolve_inspector(obj: Any) -> str | None:
        return obj.inspector.username if obj.inspector_id else None

    @staticmethod
    def resolve_grade_counts(obj: Any) -> dict[str, int]:
        counts = dict.fromkeys("ABCDN", 0)
        for rating in obj.ratings.all():
            counts[rating.grade] += 1
        return counts

    @staticmethod
    def resolve_estimated_cost_sek(obj: Any) -> float:
        # An implausible stored cost (inf) is left out, as the ranking leaves it out.
        costs = (r.estimated_cost_sek for r in obj.ratings.all())
        return float(sum(c for c in costs if c is not None and math.isfinite(c)))


class InspectionDetailOut(InspectionSummaryOut):
    ratings: list[RatingOut]
    history: list[RevisionOut] = Field(description="Earlier revisions this one replaced.")

    @staticmethod
    def resolve_ratings(obj: Any) -> list[Any]:
        return list(obj.ratings.all())

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        return list(obj.history.all())
