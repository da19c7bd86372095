"""Identity providers are reference data kept by platform administrators (audited)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SignInDomain, SignInProvider


class SignInDomainInline(admin.TabularInline):
    model = SignInDomain
    extra = 0
    autocomplete_fields = ("agency",)


@admin.register(SignInProvider)
class SignInProviderAdmin(SimpleHistoryAdmin):
    list_display = ("name", "local_area", "issuer", "enabled")
    list_filter = ("enabled", "local_area")
    search_fields = ("name", "issuer")
    inlines = [SignInDomainInline]
