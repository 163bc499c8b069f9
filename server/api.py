"""The project's one NinjaAPI, mounted at /api/v1/; each app brings its router."""

from __future__ import annotations

from ninja import NinjaAPI

from server.accounts.api import router as accounts_router
from server.campaigns.api import router as campaigns_router
from server.core.errors import install_error_handlers
from server.core.renderers import StrictJSONRenderer
from server.inspections.photo_api import router as photo_router
from server.inspections.read_api import router as inspection_read_router
from server.inspections.sync_api import router as sync_router
from server.planning.api import router as planning_router
from server.schools.api import router as schools_router

api = NinjaAPI(
    title="Skolmiljö API",
    version="1",
    description=(
        "School buildings, schoolyards and school environments. Every error answers with "
        "one JSON shape: `{code, message, details: [{field, message}]}`. A body that cannot "
        "be read as JSON answers 422 `invalid`; one over 2.5 MiB 413 `too_large` (the sync "
        "push and the photo upload have larger limits of their own).\n\n"
        "Who may call what: reference reads (sites, units, districts) are public, without "
        "the planning figures (replacement value, capacity, socioeconomic need, newly "
        "arrived share), which `/planning/sites` and `/planning/units` give planners; the "
        "sync endpoints take a tablet's `Authorization: Bearer <device token>`; inspection "
        "reads, the ranking and plan, survey campaigns and survey results take a planner's "
        "or administrator's signed-in session. Photos: planners read any, a tablet those "
        "of its inspector's assigned sites and own inspections. The survey form itself is "
        "public, at /s/<campaign code>."
    ),
    urls_namespace="api-v1",
    renderer=StrictJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/", schools_router)
api.add_router("/", accounts_router)
api.add_router("/", sync_router)
api.add_router("/", photo_router)
api.add_router("/", inspection_read_router)
api.add_router("/", planning_router)
api.add_router("/", campaigns_router)
