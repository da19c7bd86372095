"""Section `coproduction` of an area file: consultations, comments, responses, milestones.

Intentions are referred to by reference (e.g. WOR-2025-003; the cycle section, ORDER 20,
creates them). People are usernames, or a demo role (`parent-carer`, `young-person`,
`commissioner` …) meaning `<area slug>.<role>`. Dates are ISO dates or whole numbers of
days from the day of loading (negative = in the past), so demo consultations stay current.
Loading again updates in place: consultations by (intention, title), comments by
(intention, author, text), responses by comment, milestones by (intention, kind).
"""
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from agencies.models import User
from agencies.roles import Role
from commissioning.models import Intention
from portal.area_files import ANY, FLAG, AreaFileError
from portal.errors import ApplicationError

from . import services
from .models import Audience, Comment, Consultation, MilestoneKind, Outcome, ResponseStatus

ORDER = 60
# Every key an area file may use in this section (anything else is refused).
COMMENT = {"author": ANY, "body": ANY, "public": FLAG, "show_name": FLAG,
           "confirm_personal_data": FLAG,
           "response": {"by": ANY, "body": ANY, "outcome": ANY, "reason": ANY,
                        "what_changed": ANY, "publish": FLAG}}
COMMENT["replies"] = [COMMENT]
# A question is its text, or a mapping: text, kind (text, one, many, scale), options...
QUESTION = {"text": ANY, "kind": ANY, "options": ANY, "hint": ANY, "required": FLAG}
KEYS = {
    "coproduction": {
        "consultations": [{"intention": ANY, "by": ANY, "title": ANY, "description": ANY,
                           "questions": [QUESTION], "audiences": ANY, "opens": ANY,
                           "closes": ANY,
                           "publish_responses": FLAG, "comments": [COMMENT]}],
        "comments": [{"intention": ANY, **COMMENT}],
        "milestones": [{"intention": ANY, "by": ANY, "kind": ANY, "planned": ANY,
                        "achieved": ANY, "evidence": ANY, "note": ANY}],
    },
}
ROLES = {r.value for r in Role}


def _is_date(value):
    if isinstance(value, int | date) and not isinstance(value, bool):
        return True
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _date(value):
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return timezone.localdate() + timedelta(days=value)
    return date.fromisoformat(str(value))


def validate(data, check):
    section = data.get("coproduction")
    if section is None:
        return
    if not isinstance(section, dict):
        check.error("coproduction", "must be a mapping (consultations, comments, milestones)")
        return
    for path, spec in check.items(section, "consultations", "coproduction"):
        check.require(spec, "intention", path)
        check.require(spec, "title", path)
        for key in ("opens", "closes"):
            if not _is_date(spec.get(key) if isinstance(spec, dict) else None):
                check.error(f"{path}.{key}", "must be a date (2026-04-01) or days from today")
        for i, audience in enumerate(spec.get("audiences", []) if isinstance(spec, dict)
                                     else []):
            check.one_of(audience, Audience.values, f"{path}.audiences[{i}]")
        for cpath, comment in check.items(spec, "comments", path):
            _validate_comment(check, comment, cpath)
    for path, comment in check.items(section, "comments", "coproduction"):
        check.require(comment, "intention", path)
        _validate_comment(check, comment, path)
    for path, spec in check.items(section, "milestones", "coproduction"):
        check.require(spec, "intention", path)
        check.one_of(check.require(spec, "kind", path), MilestoneKind.values, f"{path}.kind")
        for key in ("planned", "achieved"):
            if isinstance(spec, dict) and spec.get(key) is not None and not _is_date(spec[key]):
                check.error(f"{path}.{key}", "must be a date or days from today")


def _validate_comment(check, comment, path):
    check.require(comment, "author", path)
    check.require(comment, "body", path)
    response = comment.get("response") if isinstance(comment, dict) else None
    if response is not None:
        if not isinstance(response, dict):
            check.error(f"{path}.response", "must be a mapping (by, outcome, body)")
        else:
            check.require(response, "by", f"{path}.response")
            check.require(response, "body", f"{path}.response")
            check.one_of(check.require(response, "outcome", f"{path}.response"),
                         Outcome.values, f"{path}.response.outcome")
    for rpath, reply in check.items(comment, "replies", path):
        _validate_comment(check, reply, rpath)


def load(data, ctx):
    section = data.get("coproduction")
    if not section:
        return
    area = ctx["area"]
    loader = _Loader(area, ctx)
    for i, spec in enumerate(section.get("consultations", [])):
        loader.consultation(spec, f"coproduction.consultations[{i}]")
    for i, spec in enumerate(section.get("comments", [])):
        path = f"coproduction.comments[{i}]"
        loader.comment(spec, loader.intention(spec["intention"], path), None, None, path)
    for i, spec in enumerate(section.get("milestones", [])):
        path = f"coproduction.milestones[{i}]"
        actor = loader.person(spec.get("by", Role.COMMISSIONER.value), f"{path}.by")
        loader.call(path, services.milestone_set, actor=actor,
                    intention=loader.intention(spec["intention"], path), kind=spec["kind"],
                    planned_on=_date(spec.get("planned")), achieved_on=_date(spec.get("achieved")),
                    evidence=spec.get("evidence", ""), note=spec.get("note", ""))


class _Loader:
    def __init__(self, area, ctx):
        self.area, self.ctx = area, ctx
        self.superuser = None

    def call(self, path, function, **kwargs):
        try:
            return function(**kwargs)
        except ApplicationError as exc:
            detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
            raise AreaFileError([(path, exc.message + (f" ({detail})" if detail else ""))]) \
                from exc

    def person(self, name, path):
        username = f"{self.area.slug}.{name}" if name in ROLES else name
        user = self.ctx.get("people", {}).get(username) or \
            User.objects.filter(username=username).first()
        if user is None:
            raise AreaFileError([(path, f"no person {username!r}")])
        return user

    def intention(self, reference, path):
        intention = Intention.objects.filter(local_area=self.area, reference=reference).first()
        if intention is None:
            raise AreaFileError([(path, f"no intention {reference!r} in {self.area.slug}")])
        return intention

    def consultation(self, spec, path):
        intention = self.intention(spec["intention"], f"{path}.intention")
        actor = self.person(spec.get("by", Role.COMMISSIONER.value), f"{path}.by")
        opens, closes = _date(spec["opens"]), _date(spec["closes"])
        today = timezone.localdate()
        # Comments are taken only while a consultation is open: load them in an open
        # window, then set the real dates.
        window = {"opens": min(opens, today), "closes": max(closes, today)}
        fields = {"title": spec["title"], "description": spec.get("description", ""),
                  "questions": spec.get("questions", []),
                  "audiences": spec.get("audiences", [Audience.PARENT_CARERS,
                                                      Audience.YOUNG_PEOPLE])}
        consultation = Consultation.objects.filter(intention=intention,
                                                   title=spec["title"]).first()
        if consultation is None:
            consultation = self.call(path, services.consultation_create, actor=actor,
                                     intention=intention, notify=False, **fields, **window)
        else:
            consultation = self.call(path, services.consultation_update, actor=actor,
                                     consultation=consultation, notify=False, **fields,
                                     **window)
        for i, comment in enumerate(spec.get("comments", [])):
            self.comment(comment, intention, consultation, None, f"{path}.comments[{i}]")
        self._date_within(consultation, opens, closes, today)
        self.call(path, services.consultation_update, actor=actor, consultation=consultation,
                  notify=False, opens=opens, closes=closes)
        has_drafts = consultation.comments.filter(response__status=ResponseStatus.DRAFT,
                                                  status="open").exists()
        if spec.get("publish_responses") and closes < today and has_drafts:
            self.call(path, services.consultation_publish_responses, actor=actor,
                      consultation=consultation, notify=False)

    @staticmethod
    def _date_within(consultation, opens, closes, today):
        """Comments loaded in the open window are dated within the consultation's real
        dates (a comment is never listed under a consultation it was made after)."""
        day = min(max(today, opens), closes)
        if day == today:
            return
        noon = timezone.make_aware(datetime.combine(day, time(12, 0)))
        outside = Comment.objects.filter(consultation=consultation).exclude(
            created_at__date__gte=opens, created_at__date__lte=closes)
        outside.update(created_at=noon)

    def comment(self, spec, intention, consultation, parent, path):
        author = self.person(spec["author"], f"{path}.author")
        body = spec["body"].strip()
        comment = Comment.objects.filter(intention=intention, author=author,
                                         body=body).first()
        if comment is None:
            comment = self.call(path, services.comment_create, actor=author,
                                intention=intention, consultation=consultation, body=body,
                                in_reply_to=parent, show_publicly=spec.get("public", False),
                                show_name=spec.get("show_name", False),
                                confirm_personal_data=spec.get("confirm_personal_data", False))
            if comment.approved_at is None and not spec.get("pending", False):
                # Area files record comments already moderated, unless marked pending.
                Comment.objects.filter(pk=comment.pk).update(approved_at=timezone.now())
                comment.refresh_from_db()
        response = spec.get("response")
        existing = getattr(comment, "response", None) if response else None
        if existing is not None and (existing.body, existing.outcome, existing.reason,
                                     existing.what_changed) == (
                response["body"].strip(), response["outcome"],
                response.get("reason", "").strip(), response.get("what_changed", "").strip()):
            response = None  # unchanged: nothing to save
        if response:
            # Responses to a consultation still open are drafts; the rest publish when asked.
            self.call(f"{path}.response", services.response_save,
                      actor=self.person(response["by"], f"{path}.response.by"),
                      comment=comment, body=response["body"], outcome=response["outcome"],
                      reason=response.get("reason", ""),
                      what_changed=response.get("what_changed", ""),
                      publish=bool(response.get("publish", False)), notify=False)
        for i, reply in enumerate(spec.get("replies", [])):
            self.comment(reply, intention, consultation, comment, f"{path}.replies[{i}]")
