from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from server.inspections import services
from server.inspections.models import Assignment, Inspection, InspectionRevision, Photo, Rating


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["inspector", "site", "created_at"]
    list_filter = ["inspector"]
    search_fields = ["site__name", "inspector__username"]
    autocomplete_fields = ["site"]


class RatingInline(admin.TabularInline):
    model = Rating
    fields = ["element", "location", "grade", "urgency", "quantity", "estimated_cost_sek", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = [
        "site",
        "started_at",
        "finished_at",
        "inspector",
        "revision",
        "catalogue_version",
        "synthetic",
    ]
    list_filter = ["synthetic", "catalogue_version", "site__district__parent", "inspector"]
    search_fields = ["site__name", "site__code", "uuid"]
    date_hierarchy = "started_at"
    list_select_related = ["site", "inspector"]
    readonly_fields = ["uuid", "content_hash", "received_at", "updated_at"]
    raw_id_fields = ["device"]
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["site", "element", "location", "grade", "urgency", "observed_at"]
    list_filter = ["grade", "urgency", "element"]
    search_fields = ["site__name", "element", "location", "note"]
    list_select_related = ["site"]
    raw_id_fields = ["inspection", "site"]


class HiddenFilter(admin.SimpleListFilter):
    title = "dold"
    parameter_name = "dold"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("ja", "Dold"), ("nej", "Visas"), ("raderad", "Dold och raderad")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Photo]) -> QuerySet[Photo]:
        if self.value() == "ja":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "nej":
            return queryset.visible()  # type: ignore[attr-defined, no-any-return]
        if self.value() == "raderad":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Read-only, for administrators only: find a photo (by its hash, as in its address on
    the site page) and hide it. Photos are never deleted here: the row is the tombstone
    that stops a tablet's upload of the same bytes from bringing a hidden photo back."""

    list_display = fields = readonly_fields = [
        "sha256",
        "thumbnail",
        "content_type",
        "size",
        "created_at",
        "hidden_at",
        "hidden_by",
        "deleted_at",
    ]
    list_filter = [HiddenFilter, "created_at"]
    list_select_related = ["hidden_by"]
    search_fields = ["sha256"]
    actions = ["hide_photos"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_hide_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # photos come from tablets

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # hide instead: see the class docstring

    @admin.display(description="foto")
    def thumbnail(self, photo: Photo) -> str:
        if photo.hidden_at is not None:
            return "–"
        url = f"/api/v1/photos/{photo.sha256}"
        return format_html(
            '<a href="{}"><img src="{}" alt="" loading="lazy" width="96" height="72"></a>',
            url,
            url,
        )

    @admin.action(description="Dölj foton", permissions=["hide"])
    def hide_photos(self, request: HttpRequest, queryset: QuerySet[Photo]) -> None:
        hidden = services.photos_hide(
            sha256s=list(queryset.values_list("sha256", flat=True)),
            by=request.user,  # type: ignore[arg-type]
        )
        self.message_user(
            request,
            f"{hidden} foton dolda. De visas inte längre någonstans och raderas efter "
            f"{settings.RETAIN_HIDDEN_PHOTOS_DAYS} dagar.",
            messages.SUCCESS,
        )


@admin.register(InspectionRevision)
class InspectionRevisionAdmin(admin.ModelAdmin):
    list_display = ["inspection", "revision", "inspector", "device_name", "replaced_at"]
    search_fields = ["inspection__uuid", "inspection__site__name"]
    readonly_fields = [
        "inspection",
        "revision",
        "inspector",
        "device",
        "device_name",
        "content_hash",
        "payload",
        "replaced_at",
    ]
