"""Who takes part in an intention: its lead agencies (the lead, then the joint leads) and
its partners, each as the body that holds its records now (an agency replaced by a
successor, like a CCG by its ICB, takes part through the successor).

Every participant signs off each stage gate; the gates, the sign-off table, the approvals
inbox and the permissions all ask here, so they agree. Uses the prefetched joint leads and
partners when the selector fetched them.
"""
from agencies.selectors import current_holders


def holders_for(intention, holders=None) -> dict:
    return current_holders(intention.local_area_id) if holders is None else holders


def lead_agencies(intention, holders=None) -> list:
    """The lead agencies as they are now, lead first (a replaced one by its successor)."""
    holders = holders_for(intention, holders)
    return _unique(holders.get(a.pk, a) for a in intention.lead_agencies)


def participants(intention, holders=None) -> list:
    """Leads, then partners by name, each once, as the bodies that hold them now."""
    holders = holders_for(intention, holders)
    partners = sorted(intention.partner_agencies.all(), key=lambda a: a.name)
    return _unique(holders.get(a.pk, a) for a in [*intention.lead_agencies, *partners])


def named_ids(intention) -> set[int]:
    """The agencies the intention names (before any succession)."""
    return {intention.lead_agency_id} | {a.pk for a in intention.joint_lead_agencies.all()} | {
        a.pk for a in intention.partner_agencies.all()}


def _unique(agencies) -> list:
    seen, result = set(), []
    for agency in agencies:
        if agency.pk not in seen:
            seen.add(agency.pk)
            result.append(agency)
    return result


def as_shown(intention, holders=None) -> dict:
    """For pages and reports: each lead and partner as {"agency": the body holding it now,
    "formerly": the agency named on the intention when it has since been replaced}. A body
    named twice (a CCG partner whose ICB leads) is shown once, in its first role."""
    holders = holders_for(intention, holders)
    rows = {}
    leads, partners = [], []
    named = [(a, leads) for a in intention.lead_agencies] + [
        (a, partners) for a in sorted(intention.partner_agencies.all(), key=lambda a: a.name)]
    for agency, role in named:
        holder = holders.get(agency.pk, agency)
        formerly = agency if holder.pk != agency.pk else None
        if holder.pk in rows:
            rows[holder.pk]["formerly"] = rows[holder.pk]["formerly"] or formerly
            continue
        rows[holder.pk] = {"agency": holder, "formerly": formerly}
        role.append(rows[holder.pk])
    return {"leads": leads, "partners": partners}


def mark_shown(intentions, holders) -> list:
    """Set `intention.shown` (as_shown) on each intention of a list, with one holders map,
    and `leads_html`/`partners_html`: what `_agencies_shown.html` renders for them, built
    here once per row instead of by two template includes per row (issue 15)."""
    for intention in intentions:
        intention.shown = as_shown(intention, holders)
        intention.leads_html = shown_html(intention.shown["leads"])
        intention.partners_html = shown_html(intention.shown["partners"])
    return intentions


def shown_html(rows) -> str:
    """`_agencies_shown.html` in its short form: each agency by its abbreviation, with the
    agency it replaced, comma separated ("" for none)."""
    from django.utils.html import conditional_escape, format_html
    from django.utils.safestring import mark_safe

    from portal.templatetags.portal_tags import abbr

    parts = []
    for row in rows:
        text = conditional_escape(abbr(row["agency"]))
        if row["formerly"]:
            text = format_html("{} (formerly {})", text, abbr(row["formerly"]))
        parts.append(text)
    return mark_safe(", ".join(parts))  # noqa: S308 - every part is escaped above
