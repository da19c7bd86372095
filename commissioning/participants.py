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
    """Set `intention.shown` (as_shown) on each intention of a list, with one holders map."""
    for intention in intentions:
        intention.shown = as_shown(intention, holders)
    return intentions
