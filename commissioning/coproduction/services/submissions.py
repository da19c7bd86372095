"""Answers to a consultation's questions: from signed-in people (one form) and from the
public (no account: question by question, an e-mail address confirmed by a link, always
pre-moderated, withdrawable by a link)."""
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import (
    SCALE_VALUES,
    Answer,
    Moderation,
    Question,
    QuestionKind,
    Submission,
    SubmissionStatus,
)
from ..personal_data import find_personal_data
from .comments import _author_kind, moderation_rule
from .common import BODY_MAX, queue, require, save

PERSONAL_DATA_MESSAGE = ("Your answers seem to contain personal information. Check them, "
                         "then confirm you want to send them as they are.")


def clean_email(email) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError("Enter your e-mail address.", errors={"email": [
            "Enter an e-mail address in the correct format, like name@example.com"]}) \
            from None
    if len(email) > 254:
        raise ApplicationError("Enter your e-mail address.", errors={"email": [
            "The e-mail address must be 254 characters or fewer"]})
    return email.lower()


def clean_answer(question, value) -> dict:
    """The answer's stored fields ({"text"} / {"choices"} / {"scale"}); an empty answer is
    {} . Raises with the error under `q<question id>`."""
    field = f"q{question.pk}"

    def refuse(message):
        raise ApplicationError("Check your answer.", errors={field: [message]})

    if question.kind == QuestionKind.TEXT:
        text = (value if isinstance(value, str) else "" if value is None else None)
        if text is None:
            refuse("Enter your answer as text")
        text = text.replace("\r\n", "\n").strip()
        if len(text) > BODY_MAX:
            refuse(f"Your answer must be {BODY_MAX:,} characters or fewer")
        return {"text": text} if text else {}
    if question.kind == QuestionKind.ONE:
        if value in (None, "", []):
            return {}
        if not isinstance(value, str) or value not in question.options:
            refuse("Select one of the options")
        return {"choices": [value]}
    if question.kind == QuestionKind.MANY:
        if value in (None, "", []):
            return {}
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or any(v not in question.options for v in values
                                               if isinstance(v, str)) \
                or not all(isinstance(v, str) for v in values):
            refuse("Select from the options listed")
        return {"choices": [o for o in question.options if o in values]}
    # the 1-5 scale
    if value in (None, ""):
        return {}
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if isinstance(value, bool) or number not in SCALE_VALUES or str(value).strip() != \
            str(number):
        refuse("Select a number from 1 to 5")
    return {"scale": number}


def _store(submission, question, fields, actor):
    answer = Answer.objects.select_for_update().filter(submission=submission,
                                                       question=question).first()
    if not fields:
        if answer is not None:
            answer._history_user = actor
            answer.delete()
        return None
    answer = answer or Answer(submission=submission, question=question)
    answer.text = fields.get("text", "")
    answer.choices = fields.get("choices", [])
    answer.scale = fields.get("scale")
    return save(answer, actor)


def _check_required(submission):
    answered = set(submission.answers.values_list("question_id", flat=True))
    missing = {f"q{q.pk}": ["Answer this question"] for q in
               submission.consultation.question_items.all()
               if q.required and q.pk not in answered}
    if missing:
        raise ApplicationError("Answer the questions marked as needing an answer.",
                               errors=missing)


def _check_personal_data(submission, confirmed):
    findings = {}
    for answer in submission.answers.select_related("question"):
        found = find_personal_data(answer.text) if answer.text else []
        if found:
            findings[f"q{answer.question_id}"] = found
    if findings and not confirmed:
        raise ApplicationError(
            PERSONAL_DATA_MESSAGE,
            errors={k: [f.message for f in v] for k, v in findings.items()},
            extra={"personal_data": [{"question": int(k[1:]), "kind": f.kind,
                                      "label": f.label, "text": f.text}
                                     for k, v in findings.items() for f in v],
                   "confirm_with": "confirm_personal_data"})
    return bool(findings)


def _locked(submission):
    return Submission.objects.select_for_update(of=("self",)).select_related(
        "consultation__intention").get(pk=submission.pk)


# --- the public ------------------------------------------------------------------------
@transaction.atomic
def public_submission_start(*, consultation, email, ip_address=None) -> Submission:
    """A member of the public starts answering: a draft tied to their e-mail address."""
    require(permissions.can_respond_publicly(consultation), ErrorCode.CONFLICT)
    email = clean_email(email)
    return save(Submission(consultation=consultation, email=email,
                           ip_address=ip_address or None), None)


@transaction.atomic
def answer_save(*, submission, question, value, actor=None) -> Answer | None:
    """Save (or clear) one answer of a draft, as the person moves question by question."""
    submission = _locked(submission)
    if submission.status != SubmissionStatus.DRAFT:
        raise ApplicationError("These answers have already been sent.",
                               code=ErrorCode.CONFLICT)
    if question.consultation_id != submission.consultation_id:
        raise ApplicationError("That question is not in this consultation.",
                               code=ErrorCode.NOT_FOUND)
    _require_open(submission, actor)
    return _store(submission, question, clean_answer(question, value), actor)


def _require_open(submission, actor):
    if submission.author_id is None:
        require(permissions.can_respond_publicly(submission.consultation), ErrorCode.CONFLICT)
    else:
        require(permissions.can_answer(actor, submission.consultation), ErrorCode.CONFLICT)


@transaction.atomic
def submission_send(*, submission, confirm_personal_data=False, actor=None,
                    show_publicly=None) -> Submission:
    """Send a draft. The public's answers then wait for their e-mail address to be
    confirmed by the link we send, and then for a moderator."""
    from ..tasks import send_submission_confirm

    submission = _locked(submission)
    if submission.status != SubmissionStatus.DRAFT:
        raise ApplicationError("These answers have already been sent.",
                               code=ErrorCode.CONFLICT)
    _require_open(submission, actor)
    if not submission.answers.exists():
        raise ApplicationError("Answer at least one question before sending.",
                               errors={"answers": ["Answer at least one question"]})
    _check_required(submission)
    submission.personal_data_confirmed = _check_personal_data(submission,
                                                              confirm_personal_data)
    if show_publicly is not None:
        submission.show_publicly = bool(show_publicly)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    if submission.author_id is not None:
        _moderate_on_send(submission)
    save(submission, actor)
    if submission.author_id is None:
        queue(send_submission_confirm, submission.pk)
    return submission


def _moderate_on_send(submission):
    intention = submission.consultation.intention
    rule = moderation_rule(area_id=intention.local_area_id,
                           author_kind=_author_kind(submission.author,
                                                    intention.local_area_id),
                           consultation=submission.consultation)
    if rule == Moderation.POST:
        submission.approved_at = timezone.now()


@transaction.atomic
def public_submission_create(*, consultation, email, answers, ip_address=None,
                             confirm_personal_data=False, show_publicly=False) -> Submission:
    """The API's one call: start, answer every question and send."""
    submission = public_submission_start(consultation=consultation, email=email,
                                         ip_address=ip_address)
    _answer_all(submission, answers, None)
    return submission_send(submission=submission, confirm_personal_data=confirm_personal_data,
                           show_publicly=show_publicly)


def _answer_all(submission, answers, actor):
    if not isinstance(answers, dict):
        raise ApplicationError("Check your answers.", errors={"answers": [
            "Give the answers as question id: answer"]})
    questions = {q.pk: q for q in submission.consultation.question_items.all()}
    errors = {}
    unknown = [k for k in answers if not str(k).isdigit() or int(k) not in questions]
    if unknown:
        errors["answers"] = ["Answer only this consultation's questions"]
    for pk, question in questions.items():
        value = answers.get(str(pk), answers.get(pk))
        try:
            _store(submission, question, clean_answer(question, value), actor)
        except ApplicationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ApplicationError("Check your answers.", errors=errors)


@transaction.atomic
def submission_confirm(*, submission) -> Submission:
    """The e-mail link was followed: the address is theirs; the answers go to the
    moderators. Following it again changes nothing."""
    submission = _locked(submission)
    if submission.confirmed_at is None and submission.status == SubmissionStatus.SUBMITTED:
        submission.confirmed_at = timezone.now()
        save(submission, None)
    return submission


@transaction.atomic
def submission_withdraw(*, submission, actor=None) -> Submission:
    """Withdrawn answers stay on record (audited) but are never counted or shown."""
    submission = _locked(submission)
    if actor is not None and submission.author_id not in (None, actor.pk):
        raise ApplicationError("Only their author may withdraw these answers.",
                               code=ErrorCode.FORBIDDEN)
    require(permissions.can_withdraw_submission(submission), ErrorCode.CONFLICT)
    submission.status = SubmissionStatus.WITHDRAWN
    submission.withdrawn_at = timezone.now()
    return save(submission, actor)


# --- signed-in people ------------------------------------------------------------------
@transaction.atomic
def submission_answer(*, actor, consultation, answers, confirm_personal_data=False,
                      show_publicly=None) -> Submission:
    """A signed-in person answers every question at once (or changes their answers while
    the consultation is open). Moderated by the same rules as their comments."""
    require(permissions.can_answer(actor, consultation), ErrorCode.CONFLICT)
    submission = Submission.objects.select_for_update().filter(
        consultation=consultation, author=actor).first()
    if submission is None:
        submission = save(Submission(consultation=consultation, author=actor), actor)
    elif submission.status in (SubmissionStatus.WITHDRAWN, SubmissionStatus.HIDDEN):
        raise ApplicationError("Your answers to this consultation were "
                               f"{submission.get_status_display().lower()}.",
                               code=ErrorCode.CONFLICT)
    submission.consultation = consultation
    _answer_all(submission, answers, actor)
    if submission.status == SubmissionStatus.SUBMITTED:
        submission.status = SubmissionStatus.DRAFT  # sent again below, moderated again
        submission.approved_at = None
        save(submission, actor)
    return submission_send(submission=submission, confirm_personal_data=confirm_personal_data,
                           actor=actor, show_publicly=show_publicly)


# --- moderation ------------------------------------------------------------------------
@transaction.atomic
def submission_approve(*, actor, submission) -> Submission:
    submission = _locked(submission)
    require(permissions.can_approve_submission(actor, submission))
    submission.approved_at, submission.approved_by = timezone.now(), actor
    return save(submission, actor)


@transaction.atomic
def submission_hide(*, actor, submission, reason) -> Submission:
    from .common import clean_text

    submission = _locked(submission)
    require(permissions.can_hide_submission(actor, submission))
    submission.hidden_reason = clean_text(reason, "reason", label="reason for hiding them",
                                          max_length=1000)
    submission.status = SubmissionStatus.HIDDEN
    return save(submission, actor)


def question_of(consultation, position) -> Question | None:
    return consultation.question_items.order_by("position", "id")[position - 1:position] \
        .first() if position >= 1 else None
