"""Home panels of governance: reports waiting to be read, and the secretary's next meetings."""
from django.urls import reverse
from django.utils import timezone

from agencies.roles import Role
from portal.dates import long_date

from . import permissions, selectors
from .models import MeetingStatus
from .roles import BoardPerm

LIMIT = 5


def panels(user, area):
    result = []
    reports = [r for r in selectors.report_list(actor=user, local_area=area)[:20]
               if not r.is_read][:LIMIT]
    if permissions.board_ids_for(user, BoardPerm.VIEW_REPORTS) or reports:
        result.append({
            "title": "Board reports to read",
            "roles": [Role.BOARD_MEMBER, Role.BOARD_SECRETARY, Role.ADMIN],
            "items": [{"text": f"{r.board.name}: {r.period_label}",
                       "href": reverse("governance:report-detail", args=[r.pk]),
                       "meta": f"version {r.version}, {r.get_status_display().lower()}"}
                      for r in reports],
            "empty": "You have read every report of your boards.",
            "href": reverse("governance:report-library"), "link_text": "All board reports",
        })
    running = permissions.board_ids_for(user, BoardPerm.RUN)
    if running:
        upcoming = selectors.meeting_list(actor=user, local_area=area).filter(
            board_id__in=running, status=MeetingStatus.SCHEDULED,
            date__gte=timezone.localdate()).order_by("date")[:LIMIT]
        result.append({
            "title": "Your boards' next meetings",
            "roles": [Role.BOARD_SECRETARY, Role.ADMIN],
            "items": [{"text": f"{m.board.name}, {long_date(m.date)}",
                       "href": reverse("governance:meeting-detail", args=[m.pk]),
                       "meta": f"{m.item_count} agenda item{'s' if m.item_count != 1 else ''}"}
                      for m in upcoming],
            "empty": "No meetings are scheduled.",
            "href": reverse("governance:board-list"), "link_text": "All boards",
        })
    return result
