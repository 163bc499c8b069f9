"""Administrators' view of tablets and enrollment codes.

Adding an enrollment code makes one with `services.enrollment_code_create` and shows the
code and its QR once, on the answer page; it is never stored, so it cannot be shown again.

The audit trail (django-auditlog's log entries) is shown here too, to administrators only.
"""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from server.accounts import selectors, services
from server.accounts.models import Device, EnrollmentCode
from shared.errors import InvalidInput


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "last_seen_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at", "last_seen_at"]
    search_fields = ["name", "user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    fields = ["user", "name", "token_hash", "created_at", "last_seen_at", "revoked_at"]
    readonly_fields = ["user", "token_hash", "created_at", "last_seen_at", "revoked_at"]
    actions = ["revoke_devices"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a device exists only by enrolling with a code

    @admin.action(description="Återkalla markerade enheter", permissions=["change"])
    def revoke_devices(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        devices = list(queryset.filter(revoked_at__isnull=True))
        for device in devices:
            services.device_revoke(device=device)
        self.message_user(request, f"{len(devices)} enheter återkallade.", messages.SUCCESS)


class EnrollmentCodeForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Inventerare", help_text="Aktiva inventerare."
    )
    hours = forms.IntegerField(min_value=1, max_value=24 * 30, label="Giltig i timmar", initial=24)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.inspector_list()  # type: ignore[attr-defined]
        self.fields["hours"].initial = settings.ENROLLMENT_CODE_HOURS


def qr_svg(data: str) -> str:
    """The QR code of `data` as inline SVG markup."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(image.to_string(encoding="unicode"))


@admin.register(EnrollmentCode)
class EnrollmentCodeAdmin(admin.ModelAdmin):
    list_display = ["user", "created_by", "created_at", "expires_at", "used_at", "device"]
    list_filter = [("used_at", admin.EmptyFieldListFilter), "expires_at", "created_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "created_by", "device"]
    fields = ["user", "code_hash", "created_by", "created_at", "expires_at", "used_at", "device"]
    readonly_fields = fields

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EnrollmentCodeForm(request.POST or None)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Ny registreringskod",
        }
        if request.method == "POST" and form.is_valid():
            try:
                code, plain = services.enrollment_code_create(
                    user=form.cleaned_data["user"],
                    created_by=request.user,  # type: ignore[arg-type]
                    hours=form.cleaned_data["hours"],
                )
            except InvalidInput as exc:
                form.add_error(None, exc.message)
            else:
                uri = services.enrollment_uri(plain)
                # Rendered, not redirected: the code must not travel through messages,
                # the session or a URL, where it would outlive this page.
                return TemplateResponse(
                    request,
                    "admin/accounts/enrollmentcode/created.html",
                    {
                        **context,
                        "title": "Registreringskod skapad",
                        "enrollment": code,
                        "code": plain,
                        "uri": uri,
                        # qrcode writes only path data for our own string: safe markup.
                        "qr_svg": mark_safe(qr_svg(uri)),
                    },
                )
        return TemplateResponse(
            request, "admin/accounts/enrollmentcode/create.html", {**context, "form": form}
        )


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    """The audit trail: administrators (superusers) read it; nobody changes or deletes it.

    Not even a model permission opens it to a planner or any other staff user, since the
    entries say who did what and from which address.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # auditlog allows deletes that cascade from elsewhere; no entry points at another
        # row with a cascading key (the actor is SET_NULL), so none is needed.
        return False
