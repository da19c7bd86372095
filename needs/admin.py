"""The Django admin for the national reference data (indicators, geographies) and each
area's comparator set; every change is audited by simple-history. Observations arrive by
import (needs/imports.py) and findings through the pages and API, so they are read-only here."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ComparatorSet, Finding, Geography, ImportRun, Indicator


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "unit", "polarity", "topic", "headline", "position")
    list_filter = ("unit", "polarity", "headline", "topic")
    search_fields = ("name", "code", "source")


@admin.register(Geography)
class GeographyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "parent")
    list_filter = ("kind",)
    raw_id_fields = ("parent",)
    search_fields = ("name", "code")


@admin.register(ComparatorSet)
class ComparatorSetAdmin(SimpleHistoryAdmin):
    list_display = ("local_area", "geography", "region", "england")
    filter_horizontal = ("neighbours",)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("statement", "local_area", "found_on", "author")
    list_filter = ("local_area",)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("filename", "scope", "local_area", "created_by", "created_at", "status",
                    "rows")
    list_filter = ("scope", "status", "local_area")
