"""Boards and seats as reference data in the Django admin. Saves go through the services,
so guardian groups, audit and the hierarchy rules apply exactly as on the pages."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from portal.errors import ApplicationError

from . import services
from .models import Board, BoardDelegation, BoardMember


def _as_validation_error(exc: ApplicationError):
    return ValidationError(exc.errors or exc.message)


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["local_area", "name", "short_name", "purpose", "reports_to", "meeting_frequency",
                  "delegated_limit", "quorum", "scope_agencies", "quorum_agencies"]

    def clean(self):
        data = super().clean()
        probe = Board(pk=self.instance.pk, local_area=data.get("local_area"))
        if data.get("local_area") is not None:
            probe.local_area_id = data["local_area"].pk
            try:  # the graph rule the services enforce: same area, no loops
                services.boards.check_reports_to(probe, list(data.get("reports_to") or []))
            except ApplicationError as exc:
                raise _as_validation_error(exc) from exc
        return data


class DelegationInline(admin.TabularInline):
    model = BoardDelegation
    extra = 0
    fields = ("agency", "limit")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "Decides for (set on the board's pages, the API or the area file)"

    def has_add_permission(self, request, obj=None):
        return False  # delegations are set through services.board_update


class SeatInline(admin.TabularInline):
    model = BoardMember
    extra = 0
    fields = ("user", "agency", "role", "starts", "ends")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False  # seats are given on the board's pages or by area files (services)


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    form = BoardForm
    list_display = ("name", "local_area", "meeting_frequency", "delegated_limit")
    list_filter = ("local_area", "meeting_frequency")
    search_fields = ("name", "short_name")
    filter_horizontal = ("reports_to",)
    inlines = [DelegationInline, SeatInline]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {k: data[k] for k in services.boards.BOARD_FIELDS if k in data}
        m2m = {"scope_agencies": list(data["scope_agencies"]),
               "quorum_agencies": list(data["quorum_agencies"])}
        if change:
            fields.pop("name", None)
            saved = services.board_update(actor=request.user, board=obj,
                                          reports_to=list(data["reports_to"]),
                                          name=data["name"], **fields, **m2m)
        else:
            fields.pop("name", None)
            saved = services.board_create(actor=request.user, local_area=data["local_area"],
                                          name=data["name"],
                                          reports_to=list(data["reports_to"]), **fields, **m2m)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The services already set the agencies; the seat inline is read-only, so saving
        its formset changes nothing (the admin reads what it saved for its log)."""
        for formset in formsets:
            formset.save()
