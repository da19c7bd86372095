"""Pages for strategies, action plans and the disagreements log."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from agencies.selectors import agency_choices
from governance.models import Board
from portal.errors import ApplicationError

from .. import permissions, selectors, services
from ..forms import ActionForm, DisagreementForm, ResolveForm, StrategyWordsForm
from ..models import ActionPlan, DisagreementStatus, Rag
from ._common import form_errors, page, require, require_area


@login_required
def strategy_list(request):
    area = require_area(request)
    return render(request, "commissioning/strategy_list.html", {
        "page_title": "Strategies",
        "strategies": selectors.strategy_list(actor=request.user, local_area=area)})


@login_required
def strategy_detail(request, pk):
    strategy = selectors.strategy_get(actor=request.user, pk=pk)
    internal = permissions.can_view_cycle(request.user, strategy.local_area_id).allowed
    return render(request, "commissioning/strategy_detail.html", {
        "page_title": strategy.title, "strategy": strategy,
        "priorities": selectors.priority_intentions(actor=request.user, strategy=strategy),
        "plans": strategy.action_plans.all() if internal else [],
        "can_edit": permissions.can_manage_strategy(request.user,
                                                    strategy.local_area_id).allowed,
        "changes": selectors.strategy_changes(strategy) if internal else None})


@login_required
@require_http_methods(["GET", "POST"])
def strategy_edit(request, pk):
    """Commissioners and administrators keep the strategy's vision, principles and the
    outcomes children, young people and families said they want."""
    strategy = selectors.strategy_get(actor=request.user, pk=pk)
    require(permissions.can_manage_strategy(request.user, strategy.local_area_id))
    initial = {"summary": strategy.summary, "vision": strategy.vision,
               "principles": "\n".join(p.text for p in strategy.principles.all()),
               "outcomes": "\n".join(o.text for o in strategy.outcomes.all())}
    form = StrategyWordsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_update(actor=request.user, strategy=strategy, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The strategy's vision, principles and outcomes were saved.")
            return redirect("commissioning:strategy-detail", pk=strategy.pk)
    return render(request, "commissioning/strategy_form.html", {
        "page_title": f"Change the vision, principles and outcomes of {strategy.title}",
        "form": form, "strategy": strategy, "submit": "Save changes"},
        status=400 if form.errors else 200)


@login_required
def action_plan_list(request):
    area = require_area(request)
    require(permissions.can_view_cycle(request.user, area))
    plans = list(selectors.action_plan_list(actor=request.user, local_area=area))
    if len(plans) == 1:
        return redirect("commissioning:action-plan-detail", pk=plans[0].pk)
    return render(request, "commissioning/action_plan_list.html", {
        "page_title": "Action plans", "plans": plans})


@login_required
def action_plan_detail(request, pk):
    plan = selectors.action_plan_list(actor=request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    rag = request.GET.get("rag", "")
    actions = selectors.action_list(actor=request.user, plan=plan, rag=rag or None)
    counts = {value: 0 for value in Rag.values}
    for value in selectors.action_list(actor=request.user, plan=plan).values_list("rag",
                                                                                   flat=True):
        counts[value] += 1
    return render(request, "commissioning/action_plan_detail.html", {
        "page_title": plan.title, "plan": plan, "page_obj": page(request, actions, 50),
        "rag": rag, "rags": Rag.choices,
        "counts": [(label, counts[value], value) for value, label in Rag.choices],
        "can_manage": permissions.can_manage_actions(request.user, plan.local_area_id).allowed,
    })


def _action_form(request, area, initial=None, keep=()):
    # active agencies, and the one owning the action already (kept although replaced)
    return ActionForm(request.POST or None, initial=initial,
                      agencies=agency_choices(area, keep=keep))


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, plan_pk):
    plan = ActionPlan.objects.filter(pk=plan_pk).select_related("local_area").first()
    if plan is None or not permissions.can_view_cycle(request.user, plan.local_area_id):
        raise Http404
    require(permissions.can_manage_actions(request.user, plan.local_area_id))
    form = _action_form(request, plan.local_area, initial={"rag": Rag.GREEN})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(actor=request.user, plan=plan, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The action was added.")
            return redirect("commissioning:action-plan-detail", pk=plan.pk)
    return render(request, "commissioning/form.html", {
        "page_title": f"Add an action to {plan.title}", "form": form, "submit": "Add action",
        "back": ("commissioning:action-plan-detail", plan.pk)},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = selectors.action_get(actor=request.user, pk=pk)
    require(permissions.can_change_action(request.user, action))
    initial = {f: getattr(action, f) for f in ActionForm.base_fields}
    form = _action_form(request, action.plan.local_area, initial=initial,
                        keep=[action.owner_agency_id])
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("number")
        try:
            services.action_update(actor=request.user, action=action, **data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Action {action.number} was updated.")
            return redirect("commissioning:action-plan-detail", pk=action.plan_id)
    form.fields["number"].disabled = True
    return render(request, "commissioning/form.html", {
        "page_title": f"Update action {action.number}", "form": form, "submit": "Save action",
        "back": ("commissioning:action-plan-detail", action.plan_id)},
        status=400 if form.errors else 200)


@login_required
def disagreement_list(request):
    area = require_area(request)
    require(permissions.can_view_cycle(request.user, area))
    status = request.GET.get("status", "")
    items = selectors.disagreement_list(actor=request.user, local_area=area, status=status)
    return render(request, "commissioning/disagreement_list.html", {
        "page_title": "Disagreements log", "page_obj": page(request, items), "status": status,
        "statuses": DisagreementStatus.choices,
        "can_log": permissions.can_log_disagreement(request.user, area).allowed})


@login_required
@require_http_methods(["GET", "POST"])
def disagreement_create(request):
    area = require_area(request)
    require(permissions.can_log_disagreement(request.user, area))
    form = DisagreementForm(request.POST or None,
                            agencies=area.agencies.filter(active=True).order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.disagreement_create(actor=request.user, local_area=area,
                                                **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The disagreement was logged.")
            return redirect("commissioning:disagreement-detail", pk=item.pk)
    return render(request, "commissioning/form.html", {
        "page_title": "Log a disagreement", "form": form, "submit": "Log disagreement",
        "back": ("commissioning:disagreement-list",)}, status=400 if form.errors else 200)


@login_required
def disagreement_detail(request, pk):
    item = selectors.disagreement_get(actor=request.user, pk=pk)
    can_act = permissions.can_log_disagreement(request.user, item.local_area_id).allowed
    # One level up: the one board above, or a choice of the boards above (a board may report
    # to several), or any board of the area when it is not with a board above one.
    above = list(item.escalated_to.reports_to.order_by("name")) if item.escalated_to else []
    next_board = above[0] if len(above) == 1 else None
    boards = above or Board.objects.filter(local_area_id=item.local_area_id).order_by("name")
    return render(request, "commissioning/disagreement_detail.html", {
        "page_title": item.subject, "item": item, "can_act": can_act,
        "next_board": next_board, "boards": boards, "resolve_form": ResolveForm(),
        "changes": selectors.disagreement_changes(item)})


@login_required
@require_POST
def disagreement_escalate(request, pk):
    item = selectors.disagreement_get(actor=request.user, pk=pk)
    board = Board.objects.filter(local_area_id=item.local_area_id,
                                 pk=request.POST.get("board") or 0).first()
    try:
        services.disagreement_escalate(actor=request.user, disagreement=item, board=board)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The disagreement was escalated.")
    return redirect("commissioning:disagreement-detail", pk=item.pk)


@login_required
@require_POST
def disagreement_resolve(request, pk):
    item = selectors.disagreement_get(actor=request.user, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.disagreement_resolve(actor=request.user, disagreement=item,
                                          resolution=form.cleaned_data["resolution"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "The disagreement was marked resolved.")
        return redirect("commissioning:disagreement-detail", pk=item.pk)
    return render(request, "commissioning/form.html", {
        "page_title": "Resolve the disagreement", "form": form, "submit": "Mark resolved",
        "back": ("commissioning:disagreement-detail", item.pk)}, status=400)
