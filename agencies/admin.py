"""The Django admin for reference data; every change is audited by simple-history."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, LocalArea, Membership, Stage, User


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
