"""Planners' reads of inspections. Who may call: signed-in planners and administrators."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router

from server.accounts.auth import planner_auth
from server.core.errors import ErrorOut
from server.inspections import selectors
from server.inspections.schemas import InspectionDetailOut, InspectionSummaryOut

router = Router(tags=["inspections"], auth=planner_auth)
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/sites/{code}/inspections", response={200: list[InspectionSummaryOut], **ERRORS})
def list_site_inspections(request: HttpRequest, code: str) -> Any:
    """Every inspection of a site, newest first, finished or not."""
    return list(selectors.site_inspections(code=code))


@router.get("/inspections/{uuid}", response={200: InspectionDetailOut, **ERRORS})
def get_inspection(request: HttpRequest, uuid: UUID) -> Any:
    """One inspection with its ratings, photo URLs and the revisions it replaced."""
    return selectors.inspection_get(uuid=str(uuid))
