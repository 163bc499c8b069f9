"""Who is calling: a tablet by its bearer token, a planner by their signed-in session.

Use `auth=device_auth` on sync endpoints and `auth=planner_auth` on planner-facing ones.
Both answer with the shared error payload: 401 when the caller is not known (no, a
malformed, an unknown or a revoked token; not signed in), 403 when a signed-in user is
not a planner.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from server.accounts import services
from server.accounts.models import Device
from server.accounts.selectors import user_is_planner
from shared.errors import Forbidden


class DeviceAuth(HttpBearer):
    """`Authorization: Bearer <device token>`; `request.auth` is the `Device`."""

    def __call__(self, request: HttpRequest) -> Device | None:
        # Ninja's parser splits on single spaces and, with DEBUG on, logs the whole header
        # (the token) when the scheme is wrong; parse here instead.
        scheme, _, token = request.headers.get(self.header, "").strip().partition(" ")
        if scheme.lower() != self.openapi_scheme:
            # None, not an error: another auth of the endpoint may accept the request;
            # if none does, Ninja's AuthenticationError becomes the shared 401.
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Device:
        return services.device_for_token(token=token)


class PlannerAuth(SessionAuth):
    """A signed-in planner or administrator; `request.auth` is the user.

    Ninja checks the CSRF token on unsafe methods before this runs.
    """

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_active:  # AnonymousUser is no User
            return None
        if not user_is_planner(user=user):
            raise Forbidden(
                "This is for planners and administrators; ask an administrator for the "
                "planner role."
            )
        return user


device_auth = DeviceAuth()
planner_auth = PlannerAuth()
