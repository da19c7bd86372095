"""Boards and seats as reference data in the Django admin. Saves go through the services,
so guardian groups, audit and the hierarchy rules apply exactly as on the pages."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from portal.errors import ApplicationError

from . import services
from .models import Board, BoardMember


def _as_validation_error(exc: ApplicationError):
    return ValidationError(exc.errors or exc.message)


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["local_area", "name", "short_name", "purpose", "parent", "meeting_frequency",
                  "delegated_limit", "quorum", "scope_agencies", "quorum_agencies"]

    def clean(self):
        data = super().clean()
        probe = Board(pk=self.instance.pk, local_area=data.get("local_area"))
        if data.get("local_area") is not None:
            probe.local_area_id = data["local_area"].pk
            try:  # the hierarchy rule the services enforce: same area, no loops
                services.boards._check_parent(probe, data.get("parent"))
            except ApplicationError as exc:
                raise _as_validation_error(exc) from exc
        return data


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
    list_display = ("name", "local_area", "parent", "meeting_frequency", "delegated_limit")
    list_filter = ("local_area", "meeting_frequency")
    search_fields = ("name", "short_name")
    inlines = [SeatInline]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {k: data[k] for k in services.boards.BOARD_FIELDS if k in data}
        m2m = {"scope_agencies": list(data["scope_agencies"]),
               "quorum_agencies": list(data["quorum_agencies"])}
        if change:
            fields.pop("name", None)
            saved = services.board_update(actor=request.user, board=obj, parent=data["parent"],
                                          name=data["name"], **fields, **m2m)
        else:
            fields.pop("name", None)
            saved = services.board_create(actor=request.user, local_area=data["local_area"],
                                          name=data["name"], parent=data["parent"],
                                          **fields, **m2m)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The services already set the agencies; the seat inline is read-only, so saving
        its formset changes nothing (the admin reads what it saved for its log)."""
        for formset in formsets:
            formset.save()
