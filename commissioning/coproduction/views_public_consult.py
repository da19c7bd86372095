"""Public pages of consultations: list (open first, by closing date; theme and search),
one consultation ("we asked, you said, we did" once closed), answering question by question
with no account, the e-mailed confirm and withdraw links, follow and unsubscribe."""
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from agencies.lockout import client_ip
from portal.errors import ApplicationError

from . import permissions, public, ratelimits, selectors, services, tokens
from .forms import EmailForm, OneAnswerForm, SendAnswersForm
from .models import Follow, Submission, SubmissionStatus
from .views import _status, form_errors
from .views_questions import answer_errors, posted, serve_document

SESSION_KEY = "coproduction_public_answers"


def consultations(request, area_slug):
    area = public.area_get(area_slug)
    theme = request.GET.get("theme", "")[:200]
    search = request.GET.get("q", "")[:200]
    found = public.public_consultations(area, theme=theme, search=search)
    return render(request, "coproduction/public/consultations.html", {
        "page_title": f"{area.name}: consultations", "area": area, "found": found,
        "themes": public.public_themes(area), "theme": theme, "search": search})


def consultation(request, area_slug, pk):
    area = public.area_get(area_slug)
    item = public.public_consultation_get(area, pk)
    return render(request, "coproduction/public/consultation.html", {
        "page_title": item.title, "area": area, "consultation": item,
        "intention": item.intention, "may_respond": permissions.can_respond_publicly(item),
        "documents": selectors.documents_of(item), "public_area": area,
        "questions": selectors.questions_of(item),
        "results": public.we_asked_you_said_we_did(item)
        if item.closes < _today() else None})


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _draft(request, item):
    """The draft this browser is writing for the consultation (kept in the session)."""
    pk = request.session.get(SESSION_KEY, {}).get(str(item.pk))
    submission = Submission.objects.filter(pk=pk, consultation=item,
                                           status=SubmissionStatus.DRAFT).first() if pk else None
    return submission


def _over_limit(request, form) -> bool:
    """Count the attempt (per address and per e-mail); over a limit, the form says so
    (a 429 with the error summary, what was typed kept)."""
    if not ratelimits.public_rate_limited(request, request.POST.get("email", "")):
        return False
    form.is_valid()
    form.add_error(None, ratelimits.PUBLIC_MESSAGE)
    return True


def _start_over(area, item):
    return redirect("coproduction:public-respond", area.slug, item.pk)


@require_http_methods(["GET", "POST"])
def respond(request, area_slug, pk):
    """Start answering: an e-mail address (confirmed later by a link), a honeypot, and the
    rate limits per address and per e-mail instead of a captcha."""
    area = public.area_get(area_slug)
    item = public.public_consultation_get(area, pk)
    decision = permissions.can_respond_publicly(item)
    form = EmailForm(posted(request))
    status = 200
    if request.method == "POST" and decision:
        if _over_limit(request, form):
            status = 429
        elif form.is_valid():
            if form.cleaned_data["website"]:  # a bot filled the honeypot: keep nothing
                return redirect("coproduction:public-respond-sent", area.slug, item.pk)
            try:
                submission = services.public_submission_start(
                    consultation=item, email=form.cleaned_data["email"],
                    ip_address=client_ip(request) or None)
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                drafts = request.session.get(SESSION_KEY, {})
                drafts[str(item.pk)] = submission.pk
                request.session[SESSION_KEY] = drafts
                return redirect("coproduction:public-respond-question", area.slug, item.pk, 1)
    return render(request, "coproduction/public/respond.html", {
        "page_title": f"Answer: {item.title}", "area": area, "consultation": item,
        "decision": decision, "form": form, "count": len(selectors.questions_of(item))},
        status=status if status != 200 else _status(form))


@require_http_methods(["GET", "POST"])
def respond_question(request, area_slug, pk, number):
    area = public.area_get(area_slug)
    item = public.public_consultation_get(area, pk)
    submission = _draft(request, item)
    if submission is None:
        return _start_over(area, item)
    questions = selectors.questions_of(item)
    if not 1 <= number <= len(questions):
        raise Http404
    question = questions[number - 1]
    answer = submission.answers.filter(question=question).first()
    if answer is not None:
        answer.question = question
    form = OneAnswerForm(posted(request), question=question, answer=answer)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_save(submission=submission, question=question,
                                 value=form.cleaned_data["answer"])
        except ApplicationError as exc:
            for messages_ in exc.errors.values():
                for message in messages_:
                    form.add_error("answer", message)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            if number < len(questions):
                return redirect("coproduction:public-respond-question", area.slug, item.pk,
                                number + 1)
            return redirect("coproduction:public-respond-check", area.slug, item.pk)
    back = reverse("coproduction:public-respond-question", args=[area.slug, item.pk,
                                                                 number - 1]) \
        if number > 1 else reverse("coproduction:public-respond", args=[area.slug, item.pk])
    return render(request, "coproduction/public/respond_question.html", {
        "page_title": f"Question {number} of {len(questions)}", "area": area,
        "consultation": item, "form": form, "number": number, "total": len(questions),
        "question": question, "back": back}, status=_status(form))


@require_http_methods(["GET", "POST"])
def respond_check(request, area_slug, pk):
    area = public.area_get(area_slug)
    item = public.public_consultation_get(area, pk)
    submission = _draft(request, item)
    if submission is None:
        return _start_over(area, item)
    questions = selectors.questions_of(item)
    given = {a.question_id: a for a in submission.answers.all()}
    rows = [{"number": i, "question": q, "answer": given.get(q.pk)}
            for i, q in enumerate(questions, start=1)]
    form = SendAnswersForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_send(
                submission=submission, show_publicly=form.cleaned_data["show_publicly"],
                confirm_personal_data=form.cleaned_data["confirm_personal_data"])
        except ApplicationError as exc:
            answer_errors(form, exc)
        else:
            drafts = request.session.get(SESSION_KEY, {})
            drafts.pop(str(item.pk), None)
            request.session[SESSION_KEY] = drafts
            return redirect("coproduction:public-respond-sent", area.slug, item.pk)
    return render(request, "coproduction/public/respond_check.html", {
        "page_title": "Check your answers", "area": area, "consultation": item,
        "rows": rows, "form": form, "submission": submission}, status=_status(form))


def respond_sent(request, area_slug, pk):
    area = public.area_get(area_slug)
    item = public.public_consultation_get(area, pk)
    return render(request, "coproduction/public/message.html", {
        "page_title": "Check your e-mail", "area": area, "consultation": item,
        "text": "We have sent you an e-mail with a link. Open it to confirm your address: "
                "your answers are counted only after that, and after a moderator has read "
                "them. The same e-mail has a link to withdraw your answers at any time."})


def _by_token(kind, token, model, **filters):
    pk = tokens.read(kind, token)
    if pk is None:
        raise Http404
    return get_object_or_404(model.objects.filter(**filters), pk=pk)


@require_http_methods(["GET", "POST"])
def confirm(request, area_slug, token):
    """The e-mailed link: a button confirms (a mail scanner following the link changes
    nothing)."""
    area = public.area_get(area_slug)
    submission = _by_token("confirm", token, Submission,
                           consultation__intention__local_area=area)
    if request.method == "POST":
        services.submission_confirm(submission=submission)
        return render(request, "coproduction/public/message.html", {
            "page_title": "Your answers are confirmed", "area": area,
            "consultation": submission.consultation,
            "text": "Thank you. A moderator will read your answers before they are "
                    "counted. When the consultation closes, its page shows what we did."})
    return render(request, "coproduction/public/token_action.html", {
        "page_title": "Confirm your e-mail address", "area": area,
        "consultation": submission.consultation, "submit": "Confirm my answers",
        "done": submission.confirmed_at is not None})


@require_http_methods(["GET", "POST"])
def withdraw(request, area_slug, token):
    area = public.area_get(area_slug)
    submission = _by_token("withdraw", token, Submission,
                           consultation__intention__local_area=area)
    decision = permissions.can_withdraw_submission(submission)
    if request.method == "POST" and decision:
        services.submission_withdraw(submission=submission)
        return render(request, "coproduction/public/message.html", {
            "page_title": "Your answers are withdrawn", "area": area,
            "consultation": submission.consultation,
            "text": "Your answers will not be counted or shown."})
    return render(request, "coproduction/public/token_action.html", {
        "page_title": "Withdraw your answers", "area": area,
        "consultation": submission.consultation, "submit": "Withdraw my answers",
        "warning": True, "refused": "" if decision else decision.reason})


@require_http_methods(["GET", "POST"])
def follow(request, area_slug, pk):
    area = public.area_get(area_slug)
    item = public.public_consultation_get(area, pk)
    form = EmailForm(posted(request))
    form.fields["email"].help_text = ("We send you a link to confirm it, then an e-mail when "
                                      "the stage changes, responses are published or a "
                                      "decision is made. Every e-mail has a one-click link "
                                      "to stop them.")
    status = 200
    if request.method == "POST":
        if _over_limit(request, form):
            status = 429
        elif form.is_valid():
            if not form.cleaned_data["website"]:
                try:
                    services.public_follow_start(consultation=item,
                                                 email=form.cleaned_data["email"])
                except ApplicationError as exc:
                    form_errors(form, exc)
            if not form.errors:
                return render(request, "coproduction/public/message.html", {
                    "page_title": "Check your e-mail", "area": area, "consultation": item,
                    "text": "We have sent you a link to confirm your e-mail address."})
    return render(request, "coproduction/public/follow.html", {
        "page_title": f"Get e-mails about: {item.title}", "area": area,
        "consultation": item, "form": form},
        status=status if status != 200 else _status(form))


@require_http_methods(["GET", "POST"])
def follow_confirm(request, area_slug, token):
    area = public.area_get(area_slug)
    found = _by_token("follow", token, Follow, consultation__intention__local_area=area)
    if request.method == "POST":
        services.follow_confirm(follow=found)
        return render(request, "coproduction/public/message.html", {
            "page_title": "You will get e-mails about it", "area": area,
            "consultation": found.consultation,
            "text": "Every e-mail has a link to stop them."})
    return render(request, "coproduction/public/token_action.html", {
        "page_title": "Confirm you want e-mails", "area": area,
        "consultation": found.consultation, "submit": "Confirm"})


@csrf_exempt  # one-click unsubscribe (RFC 8058): mail clients POST without a form token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = _by_token("unsubscribe", token, Follow.objects.select_related(
        "consultation__intention__local_area", "intention__local_area").model)
    subject = found.subject
    area = (subject.intention if found.consultation_id else subject).local_area
    if request.method == "POST":
        services.follow_stop(follow=found)
        return render(request, "coproduction/public/message.html", {
            "page_title": "You are unsubscribed", "area": area, "consultation": None,
            "text": f"You will get no more e-mails about “{subject}”."})
    return render(request, "coproduction/public/token_action.html", {
        "page_title": "Stop these e-mails", "area": area, "consultation": None,
        "subject": subject, "submit": "Unsubscribe", "warning": True,
        "done": found.unsubscribed_at is not None})


def document(request, area_slug, pk, document_pk):
    """A document of a public consultation (404 for any other)."""
    area = public.area_get(area_slug)
    item = public.public_consultation_get(area, pk)
    found = get_object_or_404(item.documents.filter(removed_at__isnull=True), pk=document_pk)
    response = serve_document(found)
    response["Cache-Control"] = "public, max-age=300"
    return response
