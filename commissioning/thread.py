"""The golden thread on an intention's page: what it answers and what it became.

Priorities are this app's; needs findings, contracts, board papers and consultations
belong to other apps and appear once those apps hold them (looked up through their
reverse relations, so this module does not import their models). Only internal roles
see contracts and board papers; the co-production roles see priorities, findings and
consultations.
"""
from django.urls import NoReverseMatch, reverse

from portal.dates import long_date

from . import participants, permissions


def _href(name, pk):
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _related(obj, name):
    manager = getattr(obj, name, None)
    return manager.all() if manager is not None else None


def _holders_section(user, intention) -> dict:
    """Who leads it and takes part, as the bodies holding them now ("formerly" the agency
    named when it has since been replaced, as a CCG by its ICB)."""
    shown = participants.as_shown(intention,
                                  permissions.holders(user, intention.local_area_id))
    items = []
    for role, rows in (("Lead agency", shown["leads"]), ("Partner agency", shown["partners"])):
        for row in rows:
            meta = role if not row["formerly"] else f"{role}, formerly {row['formerly'].name}"
            items.append({"text": row["agency"].name, "meta": meta,
                          "href": _href("agencies:agency-detail", row["agency"].pk)})
    return {"title": "Agencies holding it now", "items": items,
            "empty": "No agency is named on it."}


def golden_thread(user, intention) -> list[dict]:
    internal = permissions.can_view_cycle(user, intention.local_area_id).allowed
    sections = [_holders_section(user, intention), {
        "title": "Strategy priorities it answers",
        "items": [{"text": f"{p.number}. {p.title}", "meta": p.strategy.title,
                   "href": _href("commissioning:strategy-detail", p.strategy_id)}
                  for p in intention.priorities.all()],
        "empty": "It does not yet answer a priority of the strategy.",
    }]
    priority_ids = [p.pk for p in intention.priorities.all()]
    try:
        from needs.models import Finding
    except ImportError:  # the needs app has no findings yet
        Finding = None
    if Finding is not None and hasattr(Finding, "priorities"):
        findings = Finding.objects.filter(priorities__in=priority_ids).distinct().order_by(
            "-found_on")[:10]
        sections.append({"title": "Needs evidence behind those priorities",
                         "items": [{"text": str(f), "href": _href("needs:finding-detail", f.pk)}
                                   for f in findings],
                         "empty": "No needs finding is linked to these priorities yet."})
    contracts = _related(intention, "contracts") if internal else None
    if contracts is not None:
        if hasattr(contracts.model, "kpis"):
            contracts = contracts.prefetch_related("kpis")
        sections.append({"title": "Contracts it became and their KPIs",
                         "items": [{"text": f"{c.reference} {c.title}",
                                    "meta": _kpis(c),
                                    "href": _href("contracts:contract-detail", c.pk)}
                                   for c in contracts.order_by("reference")],
                         "empty": "No contract has been let from it yet."})
    agenda = _related(intention, "agenda_items") if internal else None
    if agenda is not None:
        from governance.permissions import can_view_board

        # A meeting is linked only when governance lets the person see its board (grants
        # are cached on the user: no query per item); otherwise it is named without a link.
        sections.append({"title": "Board papers mentioning it",
                         "items": [{"text": f"{a.title}", "meta": str(a.meeting),
                                    "href": _href("governance:meeting-detail", a.meeting_id)
                                    if can_view_board(user, a.meeting.board) else ""}
                                   for a in agenda.select_related("meeting__board")],
                         "empty": "No board has discussed it yet."})
    consultations = _related(intention, "consultations")
    if consultations is not None:
        href = _href("coproduction:consultation", intention.pk)
        items = [{"text": c.title, "meta": f"closes {long_date(c.closes)}", "href": href}
                 for c in consultations.order_by("-opens")]
        comments = _related(intention, "comments")
        if comments is not None:
            shown = comments.exclude(status__in=("hidden", "withdrawn")).count()
            if shown:
                items.append({"text": f"{shown} comment{'s' if shown != 1 else ''} from parent "
                                      "carers and young people", "href": href})
        sections.append({"title": "Consultations and parent-carer comments", "items": items,
                         "empty": "It has not been consulted on yet."})
    return sections


def _kpis(contract):
    kpis = getattr(contract, "kpis", None)
    if kpis is None:
        return ""
    names = [k.name for k in kpis.all()]
    return f"KPIs: {'; '.join(names)}" if names else "no KPIs yet"
