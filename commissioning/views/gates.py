"""Pages for the stage gate: submit, sign off, refer to a board, advance, approvals inbox."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from agencies import permissions as ap
from governance.models import Board
from portal.errors import ApplicationError

from .. import participants, permissions, selectors, services
from ..forms import ReferralForm, SignOffForm
from ._common import form_errors, require, require_area


@login_required
@require_POST
def gate_submit(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    require(permissions.can_change_intention(request.user, intention))
    try:
        gate = services.gate_submit(actor=request.user, intention=intention)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Submitted for sign-off to move to {gate.to_stage}. "
                                  "The partner agencies' approvers have been told.")
    return redirect("commissioning:intention-detail", pk=intention.pk)


@login_required
@require_POST
def intention_advance(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    require(permissions.can_change_intention(request.user, intention))
    try:
        moved = services.intention_advance(actor=request.user, intention=intention)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{moved.reference} moved to {moved.current_stage}.")
    return redirect("commissioning:intention-detail", pk=intention.pk)


def _agency_for(request, intention):
    """The agency being signed for: from the query string or the person's only one."""
    mine = [a for a in participants.participants(intention)
            if ap.approver_limit(request.user, a) is not None]
    wanted = request.POST.get("agency") or request.GET.get("agency")
    if wanted:
        mine = [a for a in mine if str(a.pk) == str(wanted)]
    if not mine:
        raise Http404("You are not an approver for an agency taking part.")
    return mine[0]


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    require(permissions.can_view_cycle(request.user, intention.local_area_id))
    agency = _agency_for(request, intention)
    gate = selectors.live_gate(intention)
    decision, can_refer, referral = _sign_off_decision(request.user, intention, agency, gate)
    form = SignOffForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.intention_sign_off(actor=request.user, intention=intention, agency=agency,
                                        decision=form.cleaned_data["decision"],
                                        reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
            status = exc.status
        else:
            verb = "approved" if form.cleaned_data["decision"] == "approve" else "rejected"
            messages.success(request, f"You {verb} {intention.reference} for {agency}.")
            return redirect("commissioning:intention-detail", pk=intention.pk)
    return render(request, "commissioning/sign_off.html", {
        "page_title": f"Sign off {intention.reference} for {agency}", "form": form,
        "intention": intention, "agency": agency, "gate": gate,
        "within_limit": decision.allowed, "refusal": decision.reason, "can_refer": can_refer,
        # where the agency's decision went and why, or that no board can take it
        "referral": referral,
        "limit": ap.approver_limit(request.user, agency),
        "show_value": permissions.can_view_value(request.user, intention).allowed,
    }, status=400 if form.errors and status == 200 else status)


def _sign_off_decision(user, intention, agency, gate):
    """(may the person sign off for the agency now, may they refer it to a board instead,
    the agency's open referral if any): the same permission and guard the service applies."""
    rows = {r["agency"].pk: r for r in selectors.sign_off_status(intention, gate)}
    row = rows.get(agency.pk, {"sign_off": None, "referral": None, "approvers": []})
    referral = row["referral"] if row["referral"] is not None and \
        row["referral"].status == "awaiting" else None
    decision = permissions.can_sign_off_now(user, intention, agency, gate,
                                            decided=row["sign_off"], referral=referral,
                                            covering=row["approvers"])
    can_refer = False
    if not decision and gate is not None and gate.status == "open" and \
            row["sign_off"] is None and referral is None:
        can_refer = permissions.can_refer_to_board(user, intention, agency,
                                                   covering=row["approvers"]).allowed
    return decision, can_refer, row["referral"] if row["referral"] is not None and \
        row["referral"].status in ("awaiting", "no-board") else None


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    require(permissions.can_view_cycle(request.user, intention.local_area_id))
    agency = _agency_for(request, intention)
    require(permissions.can_refer_to_board(
        request.user, intention, agency,
        covering=selectors.covering_approvers(intention, agency)))
    form = ReferralForm(request.POST or None, boards=Board.objects.filter(
        local_area_id=intention.local_area_id).order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.board_referral_create(actor=request.user, intention=intention,
                                           agency=agency, board=form.cleaned_data["board"],
                                           reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{agency}'s decision was referred to the "
                                      f"{form.cleaned_data['board']}.")
            return redirect("commissioning:intention-detail", pk=intention.pk)
    return render(request, "commissioning/confirm.html", {
        "page_title": f"Refer {intention.reference} to a board for {agency}", "form": form,
        "intention": intention, "submit": "Refer to the board"},
        status=400 if form.errors else 200)


@login_required
def approvals(request):
    area = require_area(request)
    items = selectors.approvals_inbox(actor=request.user, local_area=area)
    # Who may sign each one: approvers of the agency whose limit covers the value (one
    # query for the whole inbox), so an approver below the value is told who can sign and
    # is offered a board referral only when nobody of that agency can.
    approvers = selectors.approvers_by_agency({i["agency"].pk for i in items})
    for item in items:
        intention, agency = item["intention"], item["agency"]
        item["show_value"] = permissions.can_view_value(request.user, intention).allowed
        covering = [m.user for m in approvers.get(agency.pk, [])
                    if m.delegated_limit >= intention.estimated_annual_value]
        item["decision"] = permissions.can_sign_off_now(request.user, intention, agency,
                                                        item["gate"], covering=covering)
        item["can_refer"] = not item["decision"] and permissions.can_refer_to_board(
            request.user, intention, agency, covering=covering).allowed
    referrals = list(selectors.referrals_open(actor=request.user, local_area=area)) \
        if permissions.can_view_cycle(request.user, area) else []
    return render(request, "commissioning/approvals.html", {
        "page_title": "Approvals waiting for you", "items": items, "referrals": referrals,
        "has_unrouted": any(r.board_id is None for r in referrals),
    })
