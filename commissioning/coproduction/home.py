"""Home panels: parent carers and young people see consultations, intentions open for
comment, their comments with answers and notifications; commissioners see comments owed
a response. Each panel is one query."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from agencies import permissions
from agencies.roles import Role
from portal.dates import long_date

from . import selectors
from .models import CommentStatus, ResponseStatus

CO_PRODUCTION = [Role.PARENT_CARER, Role.YOUNG_PERSON]
RECENT = timedelta(days=30)
LIMIT = 8


def _days(n):
    return "last day" if n == 0 else f"{n} day{'s' if n != 1 else ''} left"


def panels(user, area):
    today = timezone.localdate()
    roles = permissions.roles_in_area(user, area)
    result = []
    if user.is_superuser or roles & set(CO_PRODUCTION):
        result += _co_production_panels(user, area, today)
    if user.is_superuser or Role.COMMISSIONER in roles:
        result += _commissioner_panels(user, area, today)
    if permissions.can_administer_area(user, area):  # its moderators
        result += _moderator_panels(user, area)
    return result


def _moderator_panels(user, area):
    pending = list(selectors.pending_comments(actor=user, area=area)[:LIMIT + 1])
    reported = selectors.reported_comments(actor=user, area=area).count()
    items = [{"text": f"{c.intention.reference}: comment from {c.attribution}",
              "href": reverse("coproduction:moderation") + f"#pending-{c.pk}",
              "meta": f"posted {long_date(timezone.localtime(c.created_at))}"}
             for c in pending[:LIMIT]]
    if reported:
        items.append({"text": f"{reported} reported comment{'s' if reported != 1 else ''}",
                      "href": reverse("coproduction:reported"), "meta": "to look at"})
    return [{
        "title": "Comments waiting for a moderator",
        "roles": [Role.ADMIN],
        "items": items,
        "empty": "No comment is waiting for a moderator.",
        "href": reverse("coproduction:moderation"),
        "link_text": "Moderate comments",
    }]


def _co_production_panels(user, area, today):
    consultations = list(selectors.consultation_list(actor=user, area=area, state="open")[:LIMIT])
    published = list(selectors.published_intentions(actor=user, area=area)[:LIMIT])
    mine = list(selectors.my_comments(actor=user, area=area)[:LIMIT])
    return [
        {
            "title": "Consultations open now",
            "roles": CO_PRODUCTION,
            "items": [{"text": c.title,
                       "href": reverse("coproduction:consultation", args=[c.intention_id]),
                       "meta": f"{c.intention.reference} · closes {long_date(c.closes)} "
                               f"({_days((c.closes - today).days)})"}
                      for c in consultations],
            "empty": "No consultation is open now.",
            "href": reverse("coproduction:consultation-list"), "link_text": "All consultations",
        },
        {
            "title": "Intentions published for comment",
            "roles": CO_PRODUCTION,
            "items": [{"text": f"{i.reference} {i.title}",
                       "href": reverse("coproduction:consultation", args=[i.pk]),
                       "meta": f"stage: {i.current_stage.name}"} for i in published],
            "empty": "No intention is published for comment at the moment.",
            "href": reverse("commissioning:intention-list"),
            "link_text": "All published intentions",
        },
        {
            "title": "Your comments and their answers",
            "roles": CO_PRODUCTION,
            "items": [_my_comment_item(c) for c in mine],
            "empty": "You have not commented yet.",
            "href": reverse("coproduction:my-comments"), "link_text": "All your comments",
        },
        {
            "title": "Notifications",
            "roles": CO_PRODUCTION,
            "items": _notifications(mine, consultations, today),
            "empty": "Nothing new in the last 30 days.",
        },
    ]


def _my_comment_item(comment):
    response = getattr(comment, "response", None)
    if comment.is_pending:
        meta = "waiting for a moderator"
    elif comment.status == CommentStatus.ANSWERED and response is not None:
        meta = f"answered: {response.get_outcome_display().lower()}"
    else:
        meta = comment.get_status_display().lower()
    return {"text": f"On {comment.intention.reference}: {comment.body[:80]}"
                    f"{'…' if len(comment.body) > 80 else ''}"
            if comment.is_visible_text else f"On {comment.intention.reference}",
            "href": reverse("coproduction:consultation", args=[comment.intention_id])
            + f"#comment-{comment.pk}", "meta": meta}


def _notifications(mine, consultations, today):
    since = timezone.now() - RECENT
    items = []
    for comment in mine:
        response = getattr(comment, "response", None)
        if response is not None and response.status == ResponseStatus.PUBLISHED and \
                response.published_at and response.published_at >= since:
            items.append({"text": f"Your comment on {comment.intention.reference} was answered",
                          "href": reverse("coproduction:consultation",
                                          args=[comment.intention_id]) + f"#comment-{comment.pk}",
                          "meta": f"{long_date(response.published_at)}"})
        if comment.hidden_at and comment.hidden_at >= since:
            items.append({"text": f"A moderator hid your comment on {comment.intention.reference}",
                          "href": reverse("coproduction:consultation",
                                          args=[comment.intention_id]) + f"#comment-{comment.pk}",
                          "meta": comment.hidden_reason[:80]})
    for c in consultations:
        if (today - c.opens).days <= 14:
            items.append({"text": f"New consultation: {c.title}",
                          "href": reverse("coproduction:consultation", args=[c.intention_id]),
                          "meta": f"opened {long_date(c.opens)}"})
    return items


def _commissioner_panels(user, area, today):
    awaiting, count, overdue = selectors.awaiting_summary(actor=user, area=area, first=LIMIT,
                                                          today=today)
    if not count:
        return []
    return [{
        "title": "Comments awaiting your response",
        "roles": [Role.COMMISSIONER],
        "items": [{"text": f"{c.intention.reference}: comment from {c.attribution}",
                   "href": reverse("coproduction:comment-respond", args=[c.pk]),
                   "meta": f"due {long_date(c.due_on)}" + (" (overdue)" if c.due_on < today
                                                           else "")}
                  for c in awaiting],
        "empty": "",
        "href": reverse("coproduction:awaiting"),
        "link_text": f"All {count} awaiting a response"
                     + (f" ({overdue} overdue)" if overdue else ""),
    }]
