"""One error shape on the wire: every failure becomes a shared ``ErrorPayload``."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from shared.errors import AppError, ErrorDetail, ErrorPayload

logger = logging.getLogger(__name__)

# Ninja answers a body it cannot parse with HttpError(400, this message); the sync push,
# which parses its own body, answers 422 `invalid`. Both become that one answer.
_NINJA_UNPARSED_BODY = "Cannot parse request body"

# Ninja prefixes validation locations with where the value came from; users know field names.
_SOURCES = {"query", "path", "body", "header", "cookie", "form", "file"}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, payload: ErrorPayload
) -> HttpResponse:
    return api.create_response(request, payload.model_dump(), status=status)


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    while parts and parts[0] in _SOURCES:
        parts = parts[1:]
    # Ninja nests a Query/Body schema under its parameter name; the user sent flat names.
    if len(parts) > 1 and parts[0] in {"filters", "params", "payload", "data"}:
        parts = parts[1:]
    return ".".join(parts) or "request"


def validation_details(errors: list[dict[str, Any]]) -> list[ErrorDetail]:
    return [
        ErrorDetail(field=_field_name(err.get("loc", ())), message=str(err.get("msg", "invalid")))
        for err in errors
    ]


def unreadable_body() -> ErrorPayload:
    """The 422 for a body that is not JSON, or not what its Content-Type says."""
    return ErrorPayload(
        code="invalid",
        message="The request body cannot be read: send JSON (Content-Type: application/json).",
        details=[ErrorDetail(field="request", message="not valid JSON")],
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Route application, validation and unexpected errors to the shared payload."""

    @api.exception_handler(AppError)
    def on_app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.payload())

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = validation_details(list(exc.errors))
        fields = ", ".join(d.field for d in details)
        payload = ErrorPayload(
            code="invalid", message=f"The request has invalid values: {fields}.", details=details
        )
        return error_response(api, request, 422, payload)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        payload = ErrorPayload(
            code="unauthorized",
            message="Sign in, or send a valid device token, to use this endpoint.",
        )
        return error_response(api, request, 401, payload)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        payload = ErrorPayload(code="not_found", message=str(exc) or "Not found.")
        return error_response(api, request, 404, payload)

    @api.exception_handler(Throttled)
    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = f"in {math.ceil(exc.wait)} seconds" if exc.wait else "later"
        payload = ErrorPayload(
            code="too_many_requests", message=f"Too many requests from here; try again {wait}."
        )
        return error_response(api, request, 429, payload)

    @api.exception_handler(MultiPartParserError)
    def on_unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # A multipart Content-Type without a valid body: the CSRF check of a signed-in
        # caller's POST reads the form before any endpoint sees it.
        return error_response(api, request, 422, unreadable_body())

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # Django's cap on request.body, for any endpoint that reads the body whole
        # (the sync push reads its own, larger, limit from the stream).
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        payload = ErrorPayload(
            code="too_large",
            message=f"The request body is larger than the {limit} bytes this endpoint accepts.",
        )
        return error_response(api, request, 413, payload)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith(_NINJA_UNPARSED_BODY):
            return error_response(api, request, 422, unreadable_body())
        payload = ErrorPayload(code=f"http_{exc.status_code}", message=str(exc))
        return error_response(api, request, exc.status_code, payload)

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Never leak internals: the log has the traceback, the client a plain sentence.
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        payload = ErrorPayload(
            code="server_error",
            message="Something went wrong on the server. It has been logged; try again later.",
        )
        return error_response(api, request, 500, payload)


class ErrorOut(ErrorPayload):
    """The error body of every API response with a 4xx or 5xx status."""
