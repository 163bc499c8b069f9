"""The one error shape on the wire, and the exceptions that carry it.

Services raise an `AppError` subclass; one handler on the server renders
`exc.payload()` with `exc.status`; the tablet's sync client turns the payload back
into the same exception with `AppError.from_payload(status, payload)`.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    """One problem with one input field.

    `field` is a dotted path into the request body, such as `ratings.3.grade`;
    it is empty when the problem concerns the record as a whole.
    """

    # Read by clients from server answers: ignore fields a newer server adds.
    model_config = ConfigDict(extra="ignore")

    field: str
    message: str


class ErrorPayload(BaseModel):
    """The JSON body of every error answer: a machine slug, a human message, details."""

    model_config = ConfigDict(extra="ignore")

    code: str = Field(description='Short machine slug such as "not_found" or "invalid".')
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class AppError(Exception):
    """An application error that knows its HTTP status and wire code.

    The base class stands for an unexpected server error (500); an instance made
    from a payload with a status or code no subclass knows keeps that status and
    code on the instance, so no field of the payload is lost.
    """

    status: int = 500
    code: str = "internal"

    _by_code: ClassVar[dict[str, type[AppError]]] = {}
    _by_status: ClassVar[dict[int, type[AppError]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # Only the classes defined here are registered; a subclass elsewhere
        # (for example a more specific NotFound) must not take over the mapping.
        if cls.__module__ == __name__:
            AppError._by_code[cls.code] = cls
            AppError._by_status[cls.status] = cls

    def __init__(self, message: str, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[ErrorDetail] = list(details) if details else []

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, code={self.code!r}, "
            f"message={self.message!r}, details={self.details!r})"
        )

    def payload(self) -> ErrorPayload:
        """The wire form of this error."""
        return ErrorPayload(code=self.code, message=self.message, details=list(self.details))

    @classmethod
    def from_payload(cls, status: int, payload: ErrorPayload) -> AppError:
        """Rebuild the exception a server answer stands for.

        The subclass is chosen by code when the code and status agree, else by
        status (so a client can always catch `Unauthorized` on a 401), else the
        base class. The result always has the given status, code, message and
        details.
        """
        by_code = AppError._by_code.get(payload.code)
        if by_code is not None and by_code.status == status:
            error_class: type[AppError] = by_code
        else:
            error_class = AppError._by_status.get(status, AppError)
        error = error_class(payload.message, payload.details)
        if error.status != status:
            error.status = status
        if error.code != payload.code:
            error.code = payload.code
        return error


class BadRequest(AppError):
    """The request cannot be understood (for example a photo whose hash does not match)."""

    status = 400
    code = "bad_request"


class Unauthorized(AppError):
    """No credentials, or unknown or revoked ones; the client stops syncing."""

    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    """Known caller, but not allowed to do this."""

    status = 403
    code = "forbidden"


class NotFound(AppError):
    """The addressed thing does not exist (or the caller may not know it does)."""

    status = 404
    code = "not_found"


class Conflict(AppError):
    """The request clashes with what is stored."""

    status = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    """The body is larger than the endpoint accepts."""

    status = 413
    code = "too_large"


class UnsupportedMediaType(AppError):
    """The body is not of a type the endpoint accepts (for example a photo that is no image)."""

    status = 415
    code = "unsupported_media_type"


class InvalidInput(AppError):
    """The body is well-formed but its values are not acceptable; `details` says where."""

    status = 422
    code = "invalid"


class TooManyRequests(AppError):
    """Rate limit reached; try again later."""

    status = 429
    code = "rate_limited"
