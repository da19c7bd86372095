"""Who may see, comment on, answer and moderate what in co-production.

Built on `agencies.permissions` (grants read once per request and cached on the user).
The co-production roles (parent carers, young people) see only intentions published for
consultation in their own area, never a value flagged sensitive, and may write nothing
but comments (and reports of comments). When the cycle app offers
`commissioning.permissions.can_view_intention/can_view_value`, those decide instead.
"""
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from agencies import permissions as base
from agencies.roles import AreaPerm, Role
from portal.dates import long_date
from portal.decisions import Decision

from .models import CommentStatus

EDIT_WINDOW = timedelta(minutes=15)
CO_PRODUCTION_ROLES = {Role.PARENT_CARER, Role.YOUNG_PERSON}
READ_ONLY_ROLES = {Role.VIEWER}

try:  # the cycle app's checks, once they exist
    from commissioning import permissions as cycle
except ImportError:  # pragma: no cover - depends on the order the apps are built in
    cycle = None

NOT_FOUND = "Not found."


def _intention_agency_ids(intention) -> set[int]:
    ids = {intention.lead_agency_id}
    # Uses the prefetch when the caller made one; otherwise one query.
    ids.update(a.pk for a in intention.partner_agencies.all())
    return ids


# --- intentions ------------------------------------------------------------------------
def visible_intentions_filter(user) -> Q:
    """Intentions a person may see, as a filter on Intention (no queries of its own)."""
    internal = base.area_ids_for(user, base.AreaPerm.VIEW_INTERNAL)
    published_only = base.area_ids_for(user) - internal
    return Q(local_area_id__in=internal) | Q(local_area_id__in=published_only,
                                             published_for_consultation=True)


def can_view_intention(user, intention) -> Decision:
    if cycle is not None and hasattr(cycle, "can_view_intention"):
        return cycle.can_view_intention(user, intention)
    if base.can_view_internal(user, intention.local_area_id):
        return Decision.allow()
    if intention.local_area_id in base.area_ids_for(user) and \
            intention.published_for_consultation:
        return Decision.allow()
    return Decision.deny(NOT_FOUND)


def can_view_value(user, intention) -> Decision:
    if cycle is not None and hasattr(cycle, "can_view_value"):
        return cycle.can_view_value(user, intention)
    if not base.can_view_internal(user, intention.local_area_id):
        return Decision.deny("Values are not shown to your role.")
    if not intention.value_is_sensitive:
        return Decision.allow()
    if base.agency_ids_for(user) & _intention_agency_ids(intention) or user.is_superuser:
        return Decision.allow()
    return Decision.deny("This value is commercially sensitive.")


def public_value(intention):
    """The value the public may see: none when flagged sensitive."""
    return None if intention.value_is_sensitive else intention.estimated_annual_value


# --- consultations ---------------------------------------------------------------------
def can_manage_consultation(user, intention) -> Decision:
    """Commissioners of the lead or a partner agency run consultations and answer comments."""
    if user.is_superuser:
        return Decision.allow()
    if base.agency_ids_for(user, base.AgencyPerm.COMMISSION) & _intention_agency_ids(intention):
        return Decision.allow()
    return Decision.deny("Only commissioners of the lead or a partner agency may do this.")


def can_close_consultation(user, consultation, *, today=None) -> Decision:
    """Whether the person may stop the consultation taking comments now."""
    decision = can_manage_consultation(user, consultation.intention)
    if not decision:
        return decision
    today = today or timezone.localdate()
    if consultation.opens > today:
        return Decision.deny(f"The consultation has not opened yet (it opens on "
                             f"{long_date(consultation.opens)}): change its dates instead.")
    if consultation.closes < today:
        return Decision.deny(f"The consultation already closed on "
                             f"{long_date(consultation.closes)}.")
    return Decision.allow()


def responding_agency(user, intention):
    """The agency a commissioner answers for: the lead when they may, else a partner."""
    mine = base.agency_ids_for(user, base.AgencyPerm.COMMISSION)
    if intention.lead_agency_id in mine or user.is_superuser:
        return intention.lead_agency
    for agency in intention.partner_agencies.all():
        if agency.pk in mine:
            return agency
    return None


# --- comments --------------------------------------------------------------------------
def can_comment(user, intention, consultation=None, *, today=None) -> Decision:
    """Parent carers, young people and staff who work on the area's commissioning may
    comment; a viewer's role is read-only by its name, so a viewer reads but never posts."""
    if not can_view_intention(user, intention):
        return Decision.deny(NOT_FOUND)
    roles = base.roles_in_area(user, intention.local_area_id)
    if not user.is_superuser and roles and roles <= READ_ONLY_ROLES:
        return Decision.deny("Your role in this area is viewer, which is read-only: you can "
                             "read comments but not post them. Ask your local-area "
                             "administrator if you need to take part.")
    if not intention.published_for_consultation:
        return Decision.deny("This intention is not open for comments.")
    if consultation is not None:
        today = today or timezone.localdate()
        if today < consultation.opens:
            return Decision.deny(f"The consultation opens on {long_date(consultation.opens)}.")
        if today > consultation.closes:
            return Decision.deny(f"The consultation closed on {long_date(consultation.closes)}.")
    return Decision.allow()


def moderated_area_ids(user) -> set[int]:
    """Areas whose comments the person moderates (its local-area administrators)."""
    return base.area_ids_for(user, AreaPerm.ADMINISTER)


def shown_comments_filter(user) -> Q:
    """Comments on a visible intention that the person may see, as a filter on Comment:
    those let through by moderation, their own, and every one in an area they moderate.
    (Hidden and withdrawn ones are listed without their text.)"""
    return (Q(approved_at__isnull=False) | Q(author_id=user.pk)
            | Q(intention__local_area_id__in=moderated_area_ids(user)))


def can_view_comment(user, comment) -> Decision:
    if comment.approved_at is None and comment.author_id != user.pk and \
            comment.intention.local_area_id not in moderated_area_ids(user):
        return Decision.deny(NOT_FOUND)
    return can_view_intention(user, comment.intention)


def can_reply_to(user, comment) -> Decision:
    """Only a comment shown to everyone can be replied to (and quoted in the reply form)."""
    if not comment.is_shown:
        return Decision.deny("That comment is not shown, so it cannot be replied to.")
    return can_comment(user, comment.intention)


def can_edit_comment(user, comment, *, now=None) -> Decision:
    if comment.author_id != user.pk:
        return Decision.deny("Only its author may change a comment.")
    if comment.status in (CommentStatus.HIDDEN, CommentStatus.WITHDRAWN):
        return Decision.deny("This comment can no longer be changed.")
    if hasattr(comment, "response") and comment.response is not None and \
            comment.response.status == "published":
        return Decision.deny("This comment has been answered and can no longer be changed.")
    now = now or timezone.now()
    if now - comment.created_at > EDIT_WINDOW:
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        return Decision.deny(f"Comments can be changed only in the first {minutes} minutes; "
                             "you can still withdraw it.")
    return Decision.allow()


def can_withdraw_comment(user, comment) -> Decision:
    if comment.author_id != user.pk:
        return Decision.deny("Only its author may withdraw a comment.")
    if comment.status == CommentStatus.WITHDRAWN:
        return Decision.deny("This comment is already withdrawn.")
    return Decision.allow()


def can_respond(user, comment) -> Decision:
    if comment.status in (CommentStatus.HIDDEN, CommentStatus.WITHDRAWN):
        return Decision.deny("A hidden or withdrawn comment is not answered.")
    if comment.is_pending:
        return Decision.deny("This comment is waiting for a moderator; it can be answered "
                             "once it is let through.")
    return can_manage_consultation(user, comment.intention)


def can_publish_response(comment, *, today=None) -> Decision:
    """Whether a response to the comment may be published now: responses to a
    consultation's comments are published together after it closes. The service refuses
    (409) and the respond page offers "Publish it now" by this one rule."""
    consultation = comment.consultation
    today = today or timezone.localdate()
    if consultation is not None and today <= consultation.closes:
        return Decision.deny(
            "Responses to this consultation are published together after it closes on "
            f"{long_date(consultation.closes)}; save this one as a draft.")
    return Decision.allow()


def can_moderate(user, area) -> Decision:
    return base.can_administer_area(user, area)


def can_approve_comment(user, comment) -> Decision:
    decision = can_moderate(user, comment.intention.local_area_id)
    if not decision:
        return decision
    if not comment.is_pending:
        return Decision.deny("This comment is not waiting for a moderator.")
    return Decision.allow()


def can_set_moderation(user, area) -> Decision:
    return can_moderate(user, area)


def can_hide_comment(user, comment) -> Decision:
    decision = can_moderate(user, comment.intention.local_area_id)
    if not decision:
        return decision
    if comment.status == CommentStatus.HIDDEN:
        return Decision.deny("This comment is already hidden.")
    return Decision.allow()


def can_report_comment(user, comment) -> Decision:
    if comment.author_id == user.pk:
        return Decision.deny("You cannot report your own comment; you can withdraw it.")
    if not comment.is_shown:
        return Decision.deny("This comment is not shown.")
    return Decision.allow()


def is_co_production_only(user, area) -> bool:
    """True for people whose only roles in the area are parent carer / young person."""
    roles = base.roles_in_area(user, area)
    return bool(roles) and roles <= CO_PRODUCTION_ROLES
