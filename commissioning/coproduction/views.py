"""Signed-in pages of co-production; thin — rules live in services and permissions."""
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from portal.errors import ApplicationError

from . import permissions, ratelimits, selectors, services
from .forms import CommentEditForm, CommentForm, ModerationRuleForm, ReasonForm, ResponseForm

PAGE_SIZE = 25
PENDING_MESSAGE = ("Your comment was sent to the moderators. Only you can see it until a "
                   "moderator lets it through; then everyone can, and you will get an e-mail "
                   "when it is answered.")


def form_errors(form, exc: ApplicationError):
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _area(request):
    if request.area is None:
        raise Http404("You have no role in any local area.")
    return request.area


def _status(form):
    return 400 if form.errors else 200


def personal_data_warning(form, exc):
    """Show the findings on the body and ask for the confirm box (works without JS)."""
    form.fields["confirm_personal_data"].widget = django_forms.CheckboxInput()
    form.add_error("body", exc.errors.get("body", []))
    form.add_error("confirm_personal_data",
                   "Tick the box to post it as it is, or change your comment")


def _is_personal_data(exc):
    return "personal_data" in exc.extra


# --- the consultation page of an intention --------------------------------------------
@login_required
def consultation(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    thread = selectors.comment_thread(actor=request.user, intention=intention)
    panel = selectors.intention_panel(actor=request.user, intention=intention)
    by_pk = {}

    def collect(nodes):
        for node in nodes:
            by_pk[node["comment"].pk] = node["comment"]
            collect(node["replies"])
    collect(thread)
    flat = list(by_pk.values())
    following = selectors.consultation_extras(actor=request.user, intention=intention,
                                              consultations=panel["consultations"])
    return render(request, "coproduction/consultation.html", {
        "page_title": f"{intention.reference}: consultation and comments",
        "intention": intention, "thread": thread, "panel": panel,
        "what_changed": selectors.what_changed(intention_comments=flat),
        "milestones": selectors.milestone_list(intention=intention),
        "show_value": permissions.can_view_value(request.user, intention).allowed,
        "form": CommentForm(attribution=services.attribution_for(request.user, intention))
        if panel["can_comment"] else None,
        "is_moderator": permissions.can_moderate(request.user, intention.local_area_id).allowed,
        "today": timezone.localdate(),
        "following": following,
    })


# --- comments --------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def comment_create(request, pk):
    intention = selectors.intention_get(actor=request.user, pk=pk)
    reply_id = request.POST.get("in_reply_to") or request.GET.get("in_reply_to")
    parent = None
    if reply_id:
        try:
            # Only a comment shown to everyone: a hidden, withdrawn or waiting one is a
            # 404, so its text never reaches this page.
            parent = selectors.reply_target(actor=request.user, intention=intention,
                                            pk=int(reply_id))
        except (ValueError, OverflowError) as exc:
            raise Http404 from exc
    decision = permissions.can_reply_to(request.user, parent) if parent else \
        permissions.can_comment(request.user, intention)
    form = CommentForm(request.POST or None, attribution=services.attribution_for(
        request.user, intention), initial={"in_reply_to": parent.pk if parent else None})
    status = 200
    if request.method == "POST":
        limited = decision and ratelimits.comment_rate_limited(
            actor=request.user, area_id=intention.local_area_id)
        if limited:
            form.is_valid()
            form.add_error(None, limited)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                comment = services.comment_create(
                    actor=request.user, intention=intention, body=data["body"],
                    in_reply_to=parent, show_publicly=data["show_publicly"],
                    show_name=data["show_name"],
                    confirm_personal_data=data["confirm_personal_data"])
            except ApplicationError as exc:
                if _is_personal_data(exc):
                    personal_data_warning(form, exc)
                else:
                    form_errors(form, exc)
            else:
                messages.success(request, PENDING_MESSAGE if comment.is_pending else
                                 "Your comment was posted. You will get an e-mail when it "
                                 "is answered.")
                # To the success banner (it takes focus), not past it to the comment.
                return redirect(f"{_consultation_url(intention)}#notification-banner")
        status = status if status != 200 else _status(form)
    return render(request, "coproduction/comment_form.html", {
        "page_title": "Reply to a comment" if parent else "Comment on this intention",
        "intention": intention, "parent": parent, "form": form, "decision": decision,
        "rate_limited": status == 429,
    }, status=status)


def _consultation_url(intention):
    from django.urls import reverse

    return reverse("coproduction:consultation", args=[intention.pk])


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = selectors.comment_get(actor=request.user, pk=pk)
    decision = permissions.can_edit_comment(request.user, comment)
    if comment.author_id != request.user.pk:
        raise Http404
    form = CommentEditForm(request.POST or None, initial={
        "body": comment.body, "show_publicly": comment.show_publicly,
        "show_name": comment.show_name})
    if request.method == "POST" and decision and form.is_valid():
        data = form.cleaned_data
        try:
            services.comment_update(actor=request.user, comment=comment, body=data["body"],
                                    show_publicly=data["show_publicly"],
                                    show_name=data["show_name"],
                                    confirm_personal_data=data["confirm_personal_data"])
        except ApplicationError as exc:
            if _is_personal_data(exc):
                personal_data_warning(form, exc)
            else:
                form_errors(form, exc)
        else:
            messages.success(request, "Your comment was changed.")
            return redirect(f"{_consultation_url(comment.intention)}#notification-banner")
    return render(request, "coproduction/comment_edit.html", {
        "page_title": "Change your comment", "comment": comment, "form": form,
        "decision": decision, "intention": comment.intention,
    }, status=_status(form) if decision else 403)


@login_required
@require_http_methods(["GET", "POST"])
def comment_withdraw(request, pk):
    comment = selectors.comment_get(actor=request.user, pk=pk)
    if comment.author_id != request.user.pk:
        raise Http404
    decision = permissions.can_withdraw_comment(request.user, comment)
    if request.method == "POST" and decision:
        services.comment_withdraw(actor=request.user, comment=comment)
        messages.success(request, "Your comment was withdrawn. Its text is no longer shown.")
        return redirect(_consultation_url(comment.intention))
    return render(request, "coproduction/comment_withdraw.html", {
        "page_title": "Withdraw your comment", "comment": comment, "decision": decision,
        "intention": comment.intention}, status=200 if decision else 403)


def _reason_page(request, comment, *, decision, service, title, label, hint, submit, done):
    form = ReasonForm(request.POST or None, label=label, hint=hint)
    if request.method == "POST" and decision and form.is_valid():
        try:
            service(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(_consultation_url(comment.intention))
    return render(request, "coproduction/comment_reason.html", {
        "page_title": title, "comment": comment, "form": form, "decision": decision,
        "submit": submit, "intention": comment.intention,
    }, status=(_status(form) if decision else 403))


@login_required
@require_http_methods(["GET", "POST"])
def comment_hide(request, pk):
    comment = selectors.comment_get(actor=request.user, pk=pk)
    if not permissions.can_moderate(request.user, comment.intention.local_area_id):
        raise Http404
    return _reason_page(
        request, comment, decision=permissions.can_hide_comment(request.user, comment),
        service=services.comment_hide, title="Hide a comment",
        label="Why are you hiding it?",
        hint="Its author is told this reason by e-mail; it is kept in the audit record.",
        submit="Hide comment", done="The comment was hidden and its author told why.")


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request, pk):
    comment = selectors.comment_get(actor=request.user, pk=pk)
    return _reason_page(
        request, comment, decision=permissions.can_report_comment(request.user, comment),
        service=services.comment_report, title="Report a comment",
        label="What is wrong with it?",
        hint="The local area's moderators will read your report.",
        submit="Report comment", done="Thank you. The moderators will look at the comment.")


@login_required
@require_http_methods(["GET", "POST"])
def comment_respond(request, pk):
    comment = selectors.comment_get(actor=request.user, pk=pk)
    if not permissions.can_manage_consultation(request.user, comment.intention):
        raise Http404
    decision = permissions.can_respond(request.user, comment)
    existing = getattr(comment, "response", None)
    initial = {}
    if existing is not None:
        initial = {f: getattr(existing, f) for f in ("outcome", "body", "reason",
                                                     "what_changed")}
    form = ResponseForm(request.POST or None, initial=initial)
    publish_decision = permissions.can_publish_response(comment)
    if not publish_decision:  # not offered; the page says why (issue 12)
        del form.fields["publish"]
    if request.method == "POST" and decision and form.is_valid():
        try:
            response = services.response_save(actor=request.user, comment=comment,
                                              **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The response was published and its author told."
                             if response.status == "published" else
                             "The response was saved as a draft.")
            return redirect("coproduction:awaiting")
    return render(request, "coproduction/comment_respond.html", {
        "page_title": "Respond to a comment", "comment": comment, "form": form,
        "decision": decision, "intention": comment.intention, "existing": existing,
        "due_on": selectors.due_date(comment), "publish_refusal": publish_decision.reason,
    }, status=(_status(form) if decision else 403))


@login_required
def awaiting(request):
    area = _area(request)
    page_obj = _page(request, selectors.comments_awaiting_response(actor=request.user,
                                                                   area=area))
    page_obj.object_list = selectors.with_due_dates(page_obj.object_list)
    return render(request, "coproduction/awaiting.html", {
        "page_title": "Comments awaiting a response", "page_obj": page_obj,
        "today": timezone.localdate(),
    })


@login_required
def my_comments(request):
    area = _area(request)
    return render(request, "coproduction/my_comments.html", {
        "page_title": "Your comments and their answers",
        "page_obj": _page(request, selectors.my_comments(actor=request.user, area=area)),
    })


@login_required
def reported(request):
    area = _area(request)
    if not permissions.can_moderate(request.user, area):
        raise Http404
    return render(request, "coproduction/reported.html", {
        "page_title": "Reported comments",
        "page_obj": _page(request, selectors.reported_comments(actor=request.user, area=area)),
    })



# --- moderation --------------------------------------------------------------------------
@login_required
def moderation(request):
    """Comments waiting for a moderator (pre-moderation), oldest first."""
    area = _area(request)
    if not permissions.can_moderate(request.user, area):
        raise Http404
    return render(request, "coproduction/moderation.html", {
        "page_title": "Comments waiting for a moderator", "area": area,
        "page_obj": _page(request, selectors.pending_comments(actor=request.user, area=area)),
        "rule": selectors.area_moderation(area=area),
        "submissions": selectors.pending_submissions(actor=request.user, area=area)[:50],
    })


@login_required
@require_http_methods(["POST"])
def comment_approve(request, pk):
    comment = selectors.comment_get(actor=request.user, pk=pk)
    if not permissions.can_moderate(request.user, comment.intention.local_area_id):
        raise Http404
    try:
        services.comment_approve(actor=request.user, comment=comment)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The comment on {comment.intention.reference} was let "
                                  "through: everyone who can see the intention now sees it.")
    return redirect("coproduction:moderation")


@login_required
@require_http_methods(["GET", "POST"])
def moderation_rules(request):
    """The area's rule: pre- or post-moderation, for young people's comments and others'."""
    area = _area(request)
    if not permissions.can_moderate(request.user, area):
        raise Http404
    rule = selectors.area_moderation(area=area)
    form = ModerationRuleForm(request.POST if request.method == "POST" else None, initial={
        "comments": rule.comments, "young_people": rule.young_people})
    if request.method == "POST" and form.is_valid():
        try:
            services.area_moderation_set(actor=request.user, local_area=area,
                                         **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The moderation rules were saved. A consultation can "
                                      "still choose its own.")
            return redirect("coproduction:moderation")
    return render(request, "coproduction/moderation_rules.html", {
        "page_title": "How comments are moderated", "form": form, "area": area,
    }, status=_status(form))
