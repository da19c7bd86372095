"""Factories for boards, seats, meetings and decisions; seats go through the service so
tests exercise the board's real guardian group."""
from datetime import date

import factory

from governance import services
from governance.models import Board, Meeting
from governance.roles import BoardRole

from .agencies import UserFactory


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("local_area", "name")

    name = factory.Sequence(lambda n: f"Board {n}")
    purpose = "Oversees joint commissioning for children and young people with SEND."
    quorum = 2


def board(local_area, *, name=None, reports_to=(), decides_for=(), scope=(), quorum=2,
          **fields):
    """A board created through the service (so its group exists). `reports_to`: a board
    or boards; `decides_for`: agencies or (agency, limit) pairs."""
    if isinstance(reports_to, Board):
        reports_to = [reports_to]
    return services.board_create(actor=None, local_area=local_area,
                                 name=name or f"Board {Board.objects.count() + 1}",
                                 reports_to=list(reports_to), decides_for=list(decides_for),
                                 scope_agencies=list(scope), quorum=quorum, **fields)


def seat(board, agency, role=BoardRole.MEMBER, *, user=None, **user_fields):
    """A person with a seat on the board (created if not given); returns the person."""
    user = user or UserFactory(**user_fields)
    services.board_member_add(actor=None, board=board, user=user, agency=agency, role=role)
    return user


def meeting(board, *, on=date(2025, 8, 14), location="County Hall", **fields):
    return services.meeting_create(actor=None, board=board, date=on, location=location,
                                   **fields)


def quorate_meeting(board, *, on=date(2025, 8, 14)):
    """A meeting every seat attended."""
    held = meeting(board, on=on)
    services.attendance_set(actor=None, meeting=held,
                            present_member_ids=list(board.members.values_list("pk", flat=True)))
    return Meeting.objects.get(pk=held.pk)


def decided_item(held, title="Approve the short breaks specification", outcome="approved"):
    item = services.agenda_item_add(actor=None, meeting=held, title=title)
    return services.decision_record(actor=None, agenda_item=item, outcome=outcome,
                                    reason="Evidence from the JSNA supports it.")


def busy_quarter(board, *, meetings=10, items=10, year_start=2025, month=7):
    """A quarter full of decided business (meetings in July-September of `year_start`),
    through the services: enough to fill a long report."""
    seat_ids = list(board.members.values_list("pk", flat=True))
    for m in range(meetings):
        held = services.meeting_create(actor=None, board=board,
                                       date=date(year_start, month + m % 3, 1 + m // 3),
                                       location=f"Committee room {m + 1}")
        services.attendance_set(actor=None, meeting=held, present_member_ids=seat_ids)
        for i in range(items):
            item = services.agenda_item_add(
                actor=None, meeting=held,
                title=f"Item {m + 1}.{i + 1}: commissioning proposal for short breaks, "
                      "equipment and therapies across the local area")
            services.decision_record(
                actor=None, agenda_item=item, outcome=("approved", "rejected", "noted")[i % 3],
                reason="The board considered the needs evidence, the partners' views and the "
                       "parent carer forum's comments before deciding. " * 2)
