"""Signed-in pages of a consultation's questions, answers, summary, documents and follows."""
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.errors import ApplicationError

from . import permissions, selectors, services
from .forms import AnswersForm, DocumentForm, QuestionForm, ReasonForm, SendAnswersForm, WeDidForm
from .models import Question
from .views import _status, form_errors


def posted(request):
    """The form data of a POST, even an empty one (an empty POST is still a submission:
    every answer may be optional); None on GET."""
    return request.POST if request.method == "POST" else None


def answer_errors(form, exc):
    """A refused send: the field errors, and when personal data was found in a written
    answer the box to send them as they are (a second submit, no JavaScript)."""
    if "personal_data" in exc.extra:
        form.fields["confirm_personal_data"].widget = django_forms.CheckboxInput()
        form.add_error("confirm_personal_data", "Tick the box to send them as they are, or "
                                                "change your answers")
    form_errors(form, exc)


def _managed(request, pk):
    consultation = selectors.consultation_get(actor=request.user, pk=pk)
    if not permissions.can_manage_consultation(request.user, consultation.intention):
        raise Http404
    return consultation


def _question(request, pk):
    question = get_object_or_404(Question.objects.select_related("consultation"), pk=pk)
    _managed(request, question.consultation_id)  # 404 unless they run the consultation
    return question


@login_required
@require_http_methods(["GET", "POST"])
def questions(request, pk):
    """The questions in order, with buttons to move, change and remove them while the
    consultation is in draft, and the form to add one."""
    consultation = _managed(request, pk)
    decision = permissions.can_change_questions(request.user, consultation)
    form = QuestionForm(posted(request), initial={"kind": "text"})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_create(actor=request.user, consultation=consultation,
                                     **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The question was added.")
            return redirect("coproduction:questions", pk=consultation.pk)
    return render(request, "coproduction/questions.html", {
        "page_title": f"Questions of “{consultation.title}”", "consultation": consultation,
        "intention": consultation.intention, "questions": selectors.questions_of(consultation),
        "decision": decision, "form": form if decision else None,
        "can_we_did": permissions.can_record_we_did(request.user, consultation).allowed,
        "changes": selectors.question_changes(consultation),
    }, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk):
    question = _question(request, pk)
    consultation = question.consultation
    decision = permissions.can_change_questions(request.user, consultation)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("coproduction:questions", pk=consultation.pk)
    form = QuestionForm(posted(request), initial={
        "text": question.text, "kind": question.kind, "options": "\n".join(question.options),
        "hint": question.hint, "required": question.required})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(actor=request.user, question=question,
                                     **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The question was changed.")
            return redirect("coproduction:questions", pk=consultation.pk)
    return render(request, "coproduction/question_form.html", {
        "page_title": "Change the question", "form": form, "consultation": consultation,
        "submit": "Save question"}, status=_status(form))


@login_required
@require_POST
def question_move(request, pk):
    question = _question(request, pk)
    try:
        services.question_move(actor=request.user, question=question,
                               up=request.POST.get("direction") == "up")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("coproduction:questions", pk=question.consultation_id)


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, pk):
    question = _question(request, pk)
    consultation = question.consultation
    if request.method == "POST":
        try:
            services.question_delete(actor=request.user, question=question)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "The question was removed.")
        return redirect("coproduction:questions", pk=consultation.pk)
    return render(request, "coproduction/question_delete.html", {
        "page_title": "Remove the question", "question": question,
        "consultation": consultation,
        "decision": permissions.can_change_questions(request.user, consultation)})


@login_required
@require_http_methods(["GET", "POST"])
def question_we_did(request, pk):
    question = _question(request, pk)
    consultation = question.consultation
    decision = permissions.can_record_we_did(request.user, consultation)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("coproduction:questions", pk=consultation.pk)
    form = WeDidForm(posted(request), initial={"we_did": question.we_did})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_we_did(actor=request.user, question=question,
                                     we_did=form.cleaned_data["we_did"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "What was done was saved; the public page shows it.")
            return redirect("coproduction:consultation-summary", pk=consultation.pk)
    return render(request, "coproduction/question_form.html", {
        "page_title": f"What we did about: {question.text}", "form": form,
        "consultation": consultation, "submit": "Save"}, status=_status(form))


@login_required
def summary(request, pk):
    """Per question: counts, the scale, the written answers grouped (commissioners)."""
    consultation = _managed(request, pk)
    return render(request, "coproduction/summary.html", {
        "page_title": f"Answers to “{consultation.title}”", "consultation": consultation,
        "intention": consultation.intention,
        "rows": selectors.question_summary(consultation=consultation),
        "counts": selectors.submission_counts(consultation=consultation),
        "can_we_did": permissions.can_record_we_did(request.user, consultation).allowed,
    })


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, pk):
    """A signed-in person answers every question on one page (and may change them while
    the consultation is open)."""
    consultation = selectors.consultation_get(actor=request.user, pk=pk)
    decision = permissions.can_answer(request.user, consultation)
    mine = selectors.my_submission(actor=request.user, consultation=consultation)
    questions_ = selectors.questions_of(consultation)
    given = {a.question_id: a for a in (mine.answers.all() if mine else [])}
    for a in given.values():
        a.question = next(q for q in questions_ if q.pk == a.question_id)
    form = AnswersForm(posted(request), questions=questions_, answers=given)
    send = SendAnswersForm(posted(request), initial={
        "show_publicly": mine.show_publicly if mine else False}, prefix="send")
    if request.method == "POST" and decision:
        if form.is_valid() and send.is_valid():
            try:
                services.submission_answer(
                    actor=request.user, consultation=consultation, answers=form.answers(),
                    confirm_personal_data=form.cleaned_data["confirm_personal_data"],
                    show_publicly=send.cleaned_data["show_publicly"])
            except ApplicationError as exc:
                answer_errors(form, exc)
            else:
                messages.success(request, "Your answers were sent. Thank you.")
                return redirect("coproduction:consultation", pk=consultation.intention_id)
    elif request.method == "POST":
        messages.error(request, decision.reason)
        return redirect("coproduction:consultation", pk=consultation.intention_id)
    return render(request, "coproduction/answer.html", {
        "page_title": f"Answer “{consultation.title}”", "consultation": consultation,
        "intention": consultation.intention, "form": form, "send": send,
        "decision": decision, "mine": mine,
    }, status=_status(form))


@login_required
@require_POST
def answer_withdraw(request, pk):
    consultation = selectors.consultation_get(actor=request.user, pk=pk)
    mine = selectors.my_submission(actor=request.user, consultation=consultation)
    if mine is None:
        raise Http404
    try:
        services.submission_withdraw(submission=mine, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your answers were withdrawn: they are no longer counted.")
    return redirect("coproduction:consultation", pk=consultation.intention_id)


# --- documents -------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def documents(request, pk):
    consultation = _managed(request, pk)
    form = DocumentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_add(actor=request.user, consultation=consultation,
                                  title=data["title"], kind=data["kind"], upload=data["file"],
                                  summary=data["summary"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The document was added.")
            return redirect("coproduction:documents", pk=consultation.pk)
    return render(request, "coproduction/documents.html", {
        "page_title": f"Documents of “{consultation.title}”", "consultation": consultation,
        "intention": consultation.intention, "documents": selectors.documents_of(consultation),
        "form": form}, status=_status(form))


@login_required
@require_POST
def document_remove(request, pk):
    document = selectors.document_get(actor=request.user, pk=pk)
    if not permissions.can_manage_documents(request.user, document.consultation):
        raise Http404
    services.document_remove(actor=request.user, document=document)
    messages.success(request, "The document was removed.")
    return redirect("coproduction:documents", pk=document.consultation_id)


def serve_document(document):
    """The file with its type, a safe download name, and no sniffing."""
    response = FileResponse(document.file.open("rb"), content_type=document.content_type,
                            as_attachment=True, filename=document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document(request, pk):
    return serve_document(selectors.document_get(actor=request.user, pk=pk))


# --- follow ----------------------------------------------------------------------------
@login_required
@require_POST
def follow(request):
    """Follow (or stop following) an intention or a consultation; back to where it was."""
    from portal.parsing import parse_id

    intention_id = parse_id(request.POST.get("intention"))
    consultation_id = parse_id(request.POST.get("consultation"))
    if consultation_id:
        subject = selectors.consultation_get(actor=request.user, pk=consultation_id)
        back = subject.intention_id
        found = selectors.follow_of(actor=request.user, consultation=subject)
    elif intention_id:
        subject = selectors.intention_get(actor=request.user, pk=intention_id)
        back = subject.pk
        found = selectors.follow_of(actor=request.user, intention=subject)
    else:
        raise Http404
    try:
        if request.POST.get("stop") and found is not None:
            services.follow_stop(follow=found, actor=request.user)
            messages.success(request, "You will no longer get e-mails about it.")
        else:
            services.follow_start(actor=request.user, subject=subject)
            messages.success(request, "You will get an e-mail when its stage changes, a "
                                      "response is published or a decision is made.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("coproduction:consultation", pk=back)


# --- moderation of answers -------------------------------------------------------------
@login_required
@require_POST
def submission_approve(request, pk):
    submission = selectors.submission_get_for_moderation(actor=request.user, pk=pk)
    try:
        services.submission_approve(actor=request.user, submission=submission)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The answers were let through and are now counted.")
    return redirect("coproduction:moderation")


@login_required
@require_http_methods(["GET", "POST"])
def submission_hide(request, pk):
    submission = selectors.submission_get_for_moderation(actor=request.user, pk=pk)
    form = ReasonForm(posted(request), label="Why are you hiding these answers?")
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_hide(actor=request.user, submission=submission,
                                     reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The answers were hidden.")
            return redirect("coproduction:moderation")
    return render(request, "coproduction/question_form.html", {
        "page_title": "Hide these answers", "form": form,
        "consultation": submission.consultation, "submit": "Hide answers",
        "back": "coproduction:moderation"}, status=_status(form))


