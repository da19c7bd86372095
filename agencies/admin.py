"""The Django admin for reference data; every change is audited by simple-history."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, ApiToken, LocalArea, Membership, Stage, User


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(LocalArea)
class LocalAreaAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "reference_prefix")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [StageInline]
    search_fields = ("name", "slug")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "local_area", "kind", "code", "is_host", "active")
    list_filter = ("local_area", "kind", "is_host")
    search_fields = ("name", "code")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "agency", "role", "delegated_limit", "starts", "ends")
    list_filter = ("role", "agency__local_area")
    search_fields = ("user__username", "user__email", "agency__name")
    autocomplete_fields = ("user", "agency")

    def save_model(self, request, obj, form, change):
        # Keep guardian's role groups in step, as the services do.
        from . import services

        super().save_model(request, obj, form, change)
        services._sync_group(obj.user, obj.agency, obj.role)


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Work", {"fields": ("job_title",)}))
    list_display = ("username", "email", "first_name", "last_name", "is_active")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by the API and the account page; here they can only be revoked."""

    list_display = ("prefix", "user", "name", "two_factor", "created_at", "last_used_at",
                    "expires_at", "revoked_at")
    list_filter = ("two_factor",)
    search_fields = ("user__username", "prefix", "name")
    readonly_fields = ("user", "name", "prefix", "digest", "two_factor", "created_at",
                       "last_used_at", "expires_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        from django.utils import timezone

        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
