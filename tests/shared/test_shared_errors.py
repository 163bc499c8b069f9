"""The wire error payload and the exception tree (shared/errors.py)."""

from __future__ import annotations

import json

import pytest

from shared.errors import (
    AppError,
    BadRequest,
    Conflict,
    ErrorDetail,
    ErrorPayload,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
)

ERROR_CLASSES = [
    (InvalidInput, 422, "invalid"),
    (NotFound, 404, "not_found"),
    (Unauthorized, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (Conflict, 409, "conflict"),
    (PayloadTooLarge, 413, "too_large"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
    (BadRequest, 400, "bad_request"),
    (TooManyRequests, 429, "rate_limited"),
]


@pytest.mark.parametrize(("error_class", "status", "code"), ERROR_CLASSES)
def test_it_carries_status_and_code(error_class: type[AppError], status: int, code: str) -> None:
    error = error_class("went wrong")
    assert (error.status, error.code) == (status, code)
    assert isinstance(error, AppError)
    assert str(error) == "went wrong"


@pytest.mark.parametrize(("error_class", "status", "code"), ERROR_CLASSES)
def test_it_round_trips_through_the_wire(
    error_class: type[AppError], status: int, code: str
) -> None:
    details = [ErrorDetail(field="ratings.3.grade", message="Input should be 'A'")]
    sent = error_class("Nope.", details)

    body = sent.payload().model_dump_json()
    received = AppError.from_payload(status, ErrorPayload.model_validate_json(body))

    assert type(received) is error_class
    assert (received.status, received.code, received.message, received.details) == (
        status,
        code,
        "Nope.",
        details,
    )


def test_it_renders_the_exact_json_shape() -> None:
    error = NotFound("No site 'x'.", [ErrorDetail(field="site", message="unknown")])
    assert json.loads(error.payload().model_dump_json()) == {
        "code": "not_found",
        "message": "No site 'x'.",
        "details": [{"field": "site", "message": "unknown"}],
    }


def test_it_defaults_to_no_details() -> None:
    assert Conflict("Taken.").payload().details == []
    assert ErrorPayload(code="conflict", message="Taken.").details == []


def test_it_keeps_the_callers_list_out_of_the_exception() -> None:
    details = [ErrorDetail(field="a", message="b")]
    error = InvalidInput("Bad.", details)
    details.append(ErrorDetail(field="c", message="d"))
    assert len(error.details) == 1


def test_it_picks_the_class_by_status_when_the_code_is_unknown() -> None:
    payload = ErrorPayload(code="token_revoked", message="Device revoked.")
    error = AppError.from_payload(401, payload)
    assert type(error) is Unauthorized
    assert (error.status, error.code) == (401, "token_revoked")


def test_it_trusts_the_status_when_code_and_status_disagree() -> None:
    error = AppError.from_payload(404, ErrorPayload(code="invalid", message="?"))
    assert type(error) is NotFound
    assert (error.status, error.code) == (404, "invalid")


def test_it_falls_back_to_the_base_class_for_an_unknown_status() -> None:
    error = AppError.from_payload(503, ErrorPayload(code="maintenance", message="Back soon."))
    assert type(error) is AppError
    assert (error.status, error.code, error.message) == (503, "maintenance", "Back soon.")
    # The instance override must not leak into the class.
    assert (AppError.status, AppError.code) == (500, "internal")


def test_it_ignores_fields_a_newer_server_adds() -> None:
    body = '{"code": "conflict", "message": "x", "details": [], "trace_id": "abc"}'
    assert ErrorPayload.model_validate_json(body) == ErrorPayload(code="conflict", message="x")


def test_it_does_not_let_a_subclass_elsewhere_take_over_a_code() -> None:
    class SiteNotFound(NotFound):
        code = "site_not_found"

    error = AppError.from_payload(404, ErrorPayload(code="not_found", message="x"))
    assert type(error) is NotFound
