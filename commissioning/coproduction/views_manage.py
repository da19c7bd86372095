"""Pages for commissioners: run consultations, publish responses, record milestones."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from portal.dates import long_date
from portal.errors import ApplicationError

from . import permissions, selectors, services
from .forms import ConsultationForm, MilestoneForm
from .models import ResponseStatus
from .views import _area, _status, form_errors


@login_required
def consultation_list(request):
    area = _area(request)
    today = timezone.localdate()
    return render(request, "coproduction/consultation_list.html", {
        "page_title": "Consultations",
        "open": selectors.consultation_list(actor=request.user, area=area, state="open"),
        "upcoming": selectors.consultation_list(actor=request.user, area=area,
                                                state="upcoming"),
        "closed": selectors.consultation_list(actor=request.user, area=area, state="closed")[:20],
        "published": selectors.published_intentions(actor=request.user, area=area),
        "today": today,
    })


def _managed_intention(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    if not permissions.can_manage_consultation(request.user, intention):
        raise Http404
    return intention


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request, pk):
    intention = _managed_intention(request, pk)
    form = ConsultationForm(request.POST or None, initial={"audiences": [
        "parent-carers", "young-people"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_create(actor=request.user, intention=intention,
                                         **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The consultation was set up.")
            return redirect("coproduction:consultation", pk=intention.pk)
    return render(request, "coproduction/form.html", {
        "page_title": f"Open a consultation on {intention.reference}", "form": form,
        "intention": intention, "submit": "Save consultation"}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request, pk):
    consultation = selectors.consultation_get(actor=request.user, pk=pk)
    intention = _managed_intention(request, consultation.intention_id)
    initial = {"title": consultation.title, "description": consultation.description,
               "questions": "\n".join(consultation.questions),
               "audiences": consultation.audiences, "opens": consultation.opens,
               "closes": consultation.closes, "moderation": consultation.moderation}
    form = ConsultationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(actor=request.user, consultation=consultation,
                                         **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The consultation was changed.")
            return redirect("coproduction:consultation", pk=intention.pk)
    return render(request, "coproduction/form.html", {
        "page_title": f"Change the consultation “{consultation.title}”", "form": form,
        "intention": intention, "submit": "Save changes"}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def publish_responses(request, pk):
    consultation = selectors.consultation_get(actor=request.user, pk=pk)
    intention = _managed_intention(request, consultation.intention_id)
    comments = list(selectors.comment_list(actor=request.user, intention=intention).filter(
        consultation=consultation))
    drafts = [c for c in comments if getattr(c, "response", None) is not None
              and c.response.status == ResponseStatus.DRAFT and c.status == "open"]
    without = [c for c in comments if c.status == "open"
               and getattr(c, "response", None) is None]
    error = ""
    if request.method == "POST":
        try:
            count = services.consultation_publish_responses(actor=request.user,
                                                            consultation=consultation)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, f"{count} responses were published and their authors "
                                      "told by e-mail.")
            return redirect("coproduction:consultation", pk=intention.pk)
    return render(request, "coproduction/publish_responses.html", {
        "page_title": f"Publish the responses to “{consultation.title}”",
        "consultation": consultation, "intention": intention, "drafts": drafts,
        "without": without, "error": error, "closed": consultation.closes < timezone.localdate(),
    }, status=409 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_close(request, pk):
    consultation = selectors.consultation_get(actor=request.user, pk=pk)
    intention = _managed_intention(request, consultation.intention_id)
    decision = permissions.can_close_consultation(request.user, consultation)
    if request.method == "POST" and decision:
        consultation = services.consultation_close(actor=request.user, consultation=consultation)
        messages.success(request, f"The consultation “{consultation.title}” takes no more "
                                  f"comments after {long_date(consultation.closes)}.")
        return redirect("coproduction:consultation", pk=intention.pk)
    return render(request, "coproduction/consultation_close.html", {
        "page_title": f"Close the consultation “{consultation.title}” now",
        "consultation": consultation, "intention": intention, "decision": decision,
    }, status=200 if decision else 409)


@login_required
@require_http_methods(["GET", "POST"])
def milestones(request, pk):
    intention = _managed_intention(request, pk)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_set(actor=request.user, intention=intention, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The milestone was saved.")
            return redirect("coproduction:milestones", pk=intention.pk)
    return render(request, "coproduction/milestones.html", {
        "page_title": f"Delivery milestones of {intention.reference}", "form": form,
        "intention": intention, "milestones": selectors.milestone_list(intention=intention),
    }, status=_status(form))
