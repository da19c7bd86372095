"""Official responses to comments, from a commissioner of the lead or a partner agency."""
from django.db import transaction
from django.utils import timezone

from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import Comment, Outcome, Response, ResponseStatus
from .common import clean_text, require, save
from .consultations import publish_response


@transaction.atomic
def response_save(*, actor, comment, body, outcome, reason="", what_changed="",
                  publish=False, notify=True) -> Response:
    """Draft (or update) the response to a comment; publish it now when allowed.

    Responses to comments made in a consultation are published together after it closes
    (`consultation_publish_responses`); a response to any other comment may be published
    at once. A published response may still be updated (audited): "under consideration"
    becomes a final outcome later.
    """
    comment = Comment.objects.select_for_update(of=("self",)).select_related(
        "intention__lead_agency", "consultation").get(pk=comment.pk)
    require(permissions.can_respond(actor, comment))
    agency = permissions.responding_agency(actor, comment.intention)
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = ["Choose the outcome"]
    try:
        body = clean_text(body, "body", label="response")
    except ApplicationError as exc:
        errors.update(exc.errors)
    reason = (reason or "").strip()
    if outcome == Outcome.NOT_TAKEN_FORWARD and not reason:
        errors["reason"] = ["Enter why it is not taken forward"]
    what_changed = (what_changed or "").strip()
    if outcome == Outcome.CHANGED and not what_changed:
        errors["what_changed"] = ["Enter what changed in the plan"]
    for field, text in (("reason", reason), ("what_changed", what_changed)):
        if len(text) > 5000:
            errors[field] = ["This must be 5,000 characters or fewer"]
    if errors:
        raise ApplicationError("Check the response.", errors=errors)
    if publish:  # the same rule the respond page asks before offering "Publish it now"
        require(permissions.can_publish_response(comment), ErrorCode.CONFLICT)
    response = Response.objects.select_for_update().filter(comment=comment).first() or \
        Response(comment=comment)
    response.agency, response.author = agency, actor
    response.body, response.outcome = body, outcome
    response.reason = reason
    response.what_changed = what_changed
    response.comment = comment
    save(response, actor)
    if publish and response.status == ResponseStatus.DRAFT:
        publish_response(response, actor, timezone.now(), notify=notify)
    return response
