"""Questions of a consultation: add, change, reorder and remove them while it is in draft
(before it opens, with no answers sent); say what was done about them once it closes."""
from django.db import transaction

from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import Answer, Consultation, Question, QuestionKind
from .common import clean_text, require, save

MAX_OPTIONS = 20
KINDS = {k.value for k in QuestionKind}
CHOICE_KINDS = {QuestionKind.ONE, QuestionKind.MANY}


def clean_question(*, text, kind=QuestionKind.TEXT, options=(), hint="", required=False):
    """The question's fields, checked; raises with every field's error at once."""
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = ["Enter the question"]
    elif len(text) > 1000:
        errors["text"] = ["The question must be 1,000 characters or fewer"]
    if kind not in KINDS:
        errors["kind"] = ["Select the kind of question"]
    if isinstance(options, str):
        options = options.splitlines()
    options = list(dict.fromkeys(str(o).strip() for o in (options or []) if str(o).strip()))
    if kind in CHOICE_KINDS:
        if len(options) < 2:
            errors["options"] = ["Enter at least two options, one per line"]
        elif len(options) > MAX_OPTIONS or any(len(o) > 200 for o in options):
            errors["options"] = [f"Enter up to {MAX_OPTIONS} options of 200 characters "
                                 "or fewer"]
    else:
        options = []
    hint = (hint or "").strip()
    if len(hint) > 500:
        errors["hint"] = ["The hint must be 500 characters or fewer"]
    if errors:
        raise ApplicationError("Check the question.", errors=errors)
    return {"text": text, "kind": kind, "options": options, "hint": hint,
            "required": bool(required)}


def question_spec(item) -> dict:
    """A question as given to a consultation: a line of text (free text) or a mapping
    {"text", "kind", "options", "hint", "required"}."""
    if isinstance(item, str):
        return clean_question(text=item)
    if isinstance(item, dict):
        return clean_question(**{k: item.get(k) for k in ("text", "kind", "options", "hint",
                                                          "required") if k in item})
    raise ApplicationError("Check the questions.", errors={"questions": [
        "Each question must be text or a question with a kind"]})


def specs_of(questions) -> list[dict]:
    if isinstance(questions, str):
        questions = questions.splitlines()
    specs, errors = [], []
    for item in questions or []:
        if isinstance(item, str) and not item.strip():
            continue
        try:
            specs.append(question_spec(item))
        except ApplicationError as exc:
            errors.extend(m for ms in exc.errors.values() for m in ms)
    if errors:
        raise ApplicationError("Check the questions.", errors={"questions": errors})
    return specs


def _same(question, spec) -> bool:
    return all(getattr(question, k) == v for k, v in spec.items())


def sync_texts(consultation, actor=None):
    """Keep `Consultation.questions` (the texts, in order) in step with the questions."""
    texts = list(consultation.question_items.order_by("position", "id").values_list(
        "text", flat=True))
    if consultation.questions != texts:
        consultation.questions = texts
        consultation._history_user = actor
        consultation.save(update_fields=["questions"])


def set_questions(consultation, questions, actor):
    """Replace a consultation's questions by `questions` (strings or mappings). Unchanged
    questions are kept as they are; changing them is refused once answers exist."""
    specs = specs_of(questions)
    current = list(consultation.question_items.order_by("position", "id"))
    if len(current) == len(specs) and all(_same(q, s) for q, s in zip(current, specs,
                                                                       strict=True)):
        return current
    if Answer.objects.filter(question__consultation=consultation).exists():
        raise ApplicationError("People have answered these questions, so they can no longer "
                               "be changed.", code=ErrorCode.CONFLICT,
                               errors={"questions": ["The questions have been answered"]})
    for question in current:
        question._history_user = actor
        question.delete()
    made = [save(Question(consultation=consultation, position=i, **spec), actor)
            for i, spec in enumerate(specs, start=1)]
    sync_texts(consultation, actor)
    return made


def _locked_consultation(consultation):
    return Consultation.objects.select_for_update(of=("self",)).select_related(
        "intention").get(pk=consultation.pk)


@transaction.atomic
def question_create(*, actor, consultation, text, kind=QuestionKind.TEXT, options=(),
                    hint="", required=False) -> Question:
    consultation = _locked_consultation(consultation)
    require(permissions.can_change_questions(actor, consultation), ErrorCode.CONFLICT)
    spec = clean_question(text=text, kind=kind, options=options, hint=hint,
                          required=required)
    last = consultation.question_items.order_by("-position").values_list(
        "position", flat=True).first() or 0
    question = save(Question(consultation=consultation, position=last + 1, **spec), actor)
    sync_texts(consultation, actor)
    return question


@transaction.atomic
def question_update(*, actor, question, **changes) -> Question:
    question = Question.objects.select_for_update(of=("self",)).select_related(
        "consultation__intention").get(pk=question.pk)
    require(permissions.can_change_questions(actor, question.consultation),
            ErrorCode.CONFLICT)
    current = {k: getattr(question, k) for k in ("text", "kind", "options", "hint",
                                                  "required")}
    current.update({k: v for k, v in changes.items() if k in current and v is not None})
    for key, value in clean_question(**current).items():
        setattr(question, key, value)
    save(question, actor)
    sync_texts(question.consultation, actor)
    return question


@transaction.atomic
def question_delete(*, actor, question) -> None:
    question = Question.objects.select_for_update(of=("self",)).select_related(
        "consultation__intention").get(pk=question.pk)
    consultation = question.consultation
    require(permissions.can_change_questions(actor, consultation), ErrorCode.CONFLICT)
    question._history_user = actor
    question.delete()
    _renumber(consultation, list(consultation.question_items.order_by("position", "id")),
              actor)


def _renumber(consultation, ordered, actor):
    for position, question in enumerate(ordered, start=1):
        if question.position != position:
            question.position = position
            save(question, actor)
    sync_texts(consultation, actor)


@transaction.atomic
def questions_reorder(*, actor, consultation, order) -> list[Question]:
    """Put the questions in the order of `order` (every question's id, once)."""
    consultation = _locked_consultation(consultation)
    require(permissions.can_change_questions(actor, consultation), ErrorCode.CONFLICT)
    questions = {q.pk: q for q in consultation.question_items.select_for_update()}
    try:
        ids = [int(i) for i in order or []]
    except (TypeError, ValueError):
        ids = []
    if sorted(ids) != sorted(questions) or len(set(ids)) != len(ids):
        raise ApplicationError("Give every question of this consultation once, in the new "
                               "order.", errors={"order": ["Give every question once"]})
    ordered = [questions[i] for i in ids]
    _renumber(consultation, ordered, actor)
    return ordered


@transaction.atomic
def question_move(*, actor, question, up: bool) -> Question:
    """Move a question one place up or down (the pages' buttons, no JavaScript)."""
    ids = list(Question.objects.filter(consultation_id=question.consultation_id).order_by(
        "position", "id").values_list("pk", flat=True))
    index = ids.index(question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    questions_reorder(actor=actor, consultation=question.consultation, order=ids)
    return question


@transaction.atomic
def question_we_did(*, actor, question, we_did) -> Question:
    """After the consultation closes: what was done about this question's answers (the
    public "we did")."""
    question = Question.objects.select_for_update(of=("self",)).select_related(
        "consultation__intention").get(pk=question.pk)
    require(permissions.can_record_we_did(actor, question.consultation), ErrorCode.CONFLICT)
    question.we_did = clean_text(we_did, "we_did", label="what was done")
    return save(question, actor)
