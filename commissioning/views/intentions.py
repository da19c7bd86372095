"""Pages for intentions: list (filters, search, sort, export), by stage, detail, forms."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from agencies import permissions as ap
from agencies.selectors import agency_choices
from commissioning.coproduction import selectors as coproduction_selectors
from portal.errors import ApplicationError

from .. import (
    checklist,
    exports,
    next_steps,
    participants,
    permissions,
    rows,
    selectors,
    services,
    thread,
)
from ..forms import IntentionForm, NoteForm, TransitionForm
from ..models import IntentionStatus, Level, Priority
from ..workflow import INTENTION_TRANSITIONS, transitions_from
from ._common import form_errors, page, require, require_area

STATUSES = dict(IntentionStatus.choices)
BY_STAGE_SHOWN = 25  # per stage; the column links to the full list filtered by stage
FILTERS = ("stage", "status", "level", "agency", "priority", "thematic_area")


def _filters(request):
    return {key: request.GET.get(key, "").strip() for key in FILTERS}


def _listing(request, area):
    # No priorities prefetch: the pages do not show them, and the exports (plain rows)
    # read them per chunk themselves.
    sort = request.GET.get("sort", "reference")
    params = _filters(request)
    qs = selectors.intention_list(actor=request.user, local_area=area,
                                  search=request.GET.get("q", "").strip(), sort=sort,
                                  with_priorities=False,
                                  **{k: v for k, v in params.items() if v})
    return qs, sort, params


def _choices(area):
    return {
        "stages": selectors.stages_of(area),
        "statuses": IntentionStatus.choices,
        "levels": Level.choices,
        "agencies": list(area.agencies.order_by("name")),
        "priorities": list(Priority.objects.filter(strategy__local_area=area)
                           .order_by("strategy__title", "number")),
        "thematic_areas": list(area.intentions.exclude(thematic_area="").order_by(
            "thematic_area").values_list("thematic_area", flat=True).distinct()),
    }


def with_value_flags(user, intentions):
    """Mark each intention with whether the person may see its value (no queries)."""
    for intention in intentions:
        intention.show_value = permissions.can_view_value(user, intention).allowed
    return intentions


@login_required
def intention_list(request):
    area = require_area(request)
    qs, sort, params = _listing(request, area)
    page_obj = page(request, qs)
    with_value_flags(request.user, page_obj.object_list)
    participants.mark_shown(page_obj.object_list, permissions.holders(request.user, area.pk))
    return render(request, "commissioning/intention_list.html", {
        "page_title": "Commissioning intentions", "page_obj": page_obj, "sort": sort,
        "q": request.GET.get("q", ""), "params": params, **_choices(area),
        "can_add": any(permissions.can_create_intention(request.user, a)
                       for a in area.agencies.all()),
        "query": request.GET.urlencode(),
    })


@login_required
def intention_export(request, fmt):
    area = require_area(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    qs, _, _ = _listing(request, area)
    # Streamed a chunk of plain rows at a time (issue 15): constant memory.
    if fmt == "csv":
        return exports.csv_response(request.user, qs, area)
    return exports.xlsx_response(request.user, qs, area)


@login_required
def intention_by_stage(request):
    area = require_area(request)
    qs, _, params = _listing(request, area)
    stages = selectors.stages_of(area)
    counts = selectors.count_by_stage(qs)
    columns = {stage.pk: [] for stage in stages}
    # Plain rows (issue 15): a hundred intentions as model instances with their prefetched
    # agencies cost more than the rest of the page.
    first = selectors.first_per_stage(rows.values_of(qs), BY_STAGE_SHOWN, [s.pk for s in stages])
    for row in rows.with_relations(request.user, list(first)):
        row["status_label"] = STATUSES.get(row["status"], row["status"])
        columns.setdefault(row["current_stage_id"], []).append(row)
    return render(request, "commissioning/intention_by_stage.html", {
        "page_title": "Intentions by stage", "shown": BY_STAGE_SHOWN,
        "columns": [(stage, columns[stage.pk], counts.get(stage.pk, 0)) for stage in stages],
        "q": request.GET.get("q", ""), "params": params, **_choices(area),
    })


@login_required
def intention_detail(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    user = request.user
    internal = permissions.can_view_cycle(user, intention.local_area_id).allowed
    gate = selectors.live_gate(intention)
    last_gate = gate or next(iter(intention.gates.all()), None)
    stages = selectors.stages_of(intention.local_area_id)
    following = [s for s in stages if s.position > intention.current_stage.position]
    next_stage = following[0] if following else None
    items = checklist.checklist(intention) if internal else []
    sign_offs = selectors.sign_off_status(intention, last_gate) if internal else []
    can_change = permissions.can_change_intention(user, intention)
    return render(request, "commissioning/intention_detail.html", {
        "page_title": f"{intention.reference} {intention.title}", "intention": intention,
        "internal": internal, "shown": participants.as_shown(
            intention, permissions.holders(user, intention.local_area_id)),
        "show_value": permissions.can_view_value(user, intention).allowed,
        "gate": gate, "last_gate": last_gate, "sign_offs": sign_offs,
        "checklist": items, "manual_items": [i for i in items if i.manual],
        "automatic_items": [i for i in items if i.automatic],
        "checklist_done": all(i.done for i in items),
        "tasks": next_steps.task_list(user, intention, items=items, gate=gate,
                                      next_stage=next_stage, sign_offs=sign_offs)
        if internal else [],
        "timeline": selectors.timeline(
            intention, show_value=permissions.can_view_value(user, intention).allowed)
        if internal else [],
        "thread": thread.golden_thread(user, intention),
        "stages": stages,
        "can_edit": permissions.can_edit_intention(user, intention).allowed,
        "can_submit": permissions.can_submit_gate(user, intention).allowed,
        "can_comment": can_change.allowed, "change_refusal": can_change.reason,
        # Each status change with the permission and guard the service applies: a button
        # when allowed now, else the reason as text.
        "transitions": [{"transition": t, "decision": permissions.can_transition(user,
                                                                                 intention, t)}
                        for t in transitions_from(intention.status)] if can_change else [],
        "my_sign": _my_sign_offs(user, intention, gate, sign_offs) if internal else [],
        "note_form": NoteForm(),
        # Co-production's own summary (consultation, comments, what changed).
        "coproduction_panel": coproduction_selectors.intention_panel(actor=user,
                                                                     intention=intention),
    })


def _my_sign_offs(user, intention, gate, status_rows):
    """For each agency the person approves for, while a gate is open: sign off (when the
    service would accept it now), else why not, and a referral only when no approver of
    that agency has a limit that covers the value."""
    if gate is None or gate.status != "open":
        return []
    result = []
    for row in status_rows:
        agency = row["agency"]
        if ap.approver_limit(user, agency) is None:
            continue
        referral = row["referral"] if row["referral"] is not None and \
            row["referral"].status == "awaiting" else None
        decision = permissions.can_sign_off_now(user, intention, agency, gate,
                                                decided=row["sign_off"], referral=referral,
                                                covering=row["approvers"])
        refer = None
        if not decision and row["sign_off"] is None and referral is None:
            refer = permissions.can_refer_to_board(user, intention, agency,
                                                   covering=row["approvers"])
        result.append({"agency": agency, "decision": decision,
                       "can_refer": bool(refer)})
    return result


def _form(request, area, initial=None, intention=None):
    # Active agencies, and those the intention names already (kept when saved unchanged
    # although replaced since).
    named = participants.named_ids(intention) if intention is not None else ()
    agencies = agency_choices(area, keep=named)
    priorities = Priority.objects.filter(strategy__local_area=area).select_related(
        "strategy").order_by("strategy__title", "number")
    return IntentionForm(request.POST or None, initial=initial, agencies=agencies,
                         priorities=priorities)


@login_required
@require_http_methods(["GET", "POST"])
def intention_create(request):
    area = require_area(request)
    if not any(permissions.can_create_intention(request.user, a) for a in area.agencies.all()):
        raise Http404
    form = _form(request, area, initial={"level": "strategic"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intention = services.intention_create(
                actor=request.user, local_area=area, **{
                    k: data[k] for k in ("title", "summary", "thematic_area", "level",
                                         "lead_agency", "joint_lead_agencies",
                                         "partner_agencies", "priorities",
                                         "estimated_annual_value", "value_is_sensitive",
                                         "starts", "ends", "published_for_consultation")})
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{intention.reference} was created as a draft.")
            return redirect("commissioning:intention-detail", pk=intention.pk)
    return render(request, "commissioning/intention_form.html", {
        "page_title": "New commissioning intention", "form": form,
        "submit": "Create intention"}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def intention_edit(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    require(permissions.can_edit_intention(request.user, intention))
    initial = {f: getattr(intention, f) for f in IntentionForm.base_fields
               if f not in IntentionForm.MULTI}
    for name in IntentionForm.MULTI:
        initial[name] = list(getattr(intention, name).all())
    form = _form(request, intention.local_area, initial=initial, intention=intention)
    if request.method == "POST" and form.is_valid():
        try:
            services.intention_update(actor=request.user, intention=intention,
                                      **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The intention was updated.")
            return redirect("commissioning:intention-detail", pk=intention.pk)
    return render(request, "commissioning/intention_form.html", {
        "page_title": f"Change {intention.reference}", "form": form, "intention": intention,
        "submit": "Save changes"}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def intention_transition(request, pk, name):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    transition = INTENTION_TRANSITIONS.get(name)
    if transition is None:
        raise Http404
    require(permissions.can_change_intention(request.user, intention))
    guard = permissions.transition_guard(transition, intention)
    if not guard:  # the page no longer offers it; say why rather than ask to confirm
        messages.error(request, f"{transition.label}: {guard.reason}")
        return redirect("commissioning:intention-detail", pk=intention.pk)
    form = TransitionForm(request.POST or None)
    if transition.needs_reason:
        form.fields["reason"].required = True
        form.fields["reason"].error_messages["required"] = "Give a reason"
    if request.method == "POST" and form.is_valid():
        try:
            services.intention_transition(actor=request.user, intention=intention, name=name,
                                          reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{intention.reference}: {transition.label.lower()} — done.")
            return redirect("commissioning:intention-detail", pk=intention.pk)
    return render(request, "commissioning/confirm.html", {
        "page_title": f"{transition.label}: {intention.reference}", "form": form,
        "intention": intention, "submit": transition.label}, status=400 if form.errors else 200)


@login_required
@require_POST
def intention_checklist(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    require(permissions.can_edit_intention(request.user, intention))
    done = set(request.POST.getlist("done"))
    try:
        for item in intention.current_stage.checklist or []:
            if checklist.is_automatic(item):
                continue  # the portal checks it from the data
            services.checklist_tick(actor=request.user, intention=intention, item=item,
                                    done=item in done)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The {intention.current_stage} checklist was saved.")
    return redirect("commissioning:intention-detail", pk=intention.pk)


@login_required
@require_POST
def intention_note(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    require(permissions.can_change_intention(request.user, intention))
    form = NoteForm(request.POST)
    if form.is_valid():
        services.intention_note_add(actor=request.user, intention=intention,
                                    text=form.cleaned_data["text"])
        messages.success(request, "Your comment was added to the timeline.")
        return redirect("commissioning:intention-detail", pk=intention.pk)
    return render(request, "commissioning/confirm.html", {
        "page_title": "Add a comment", "form": form, "intention": intention,
        "submit": "Add comment", "action": "note"}, status=400)


