"""Open Contracting Data Standard 1.1: an area's contracts as a release package.

One release per contract (its ocid is `<OCDS_PREFIX>-<area>-<reference>`), tagged
`contract` (or `contractTermination` once it has ended), with the commissioning agencies as
buyers, the provider as supplier, the award and the contract. Values flagged commercially
sensitive are left out. Amounts are written as exact JSON numbers from Decimal (never float).
"""
import json
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from agencies.models import NHS_KINDS, AgencyKind

from .models import ContractStatus, ProcurementRoute

SCHEMA_DIR = Path(__file__).parent / "schema"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
METHODS = {
    ProcurementRoute.OPEN: "open", ProcurementRoute.COMPETITIVE_FLEXIBLE: "selective",
    ProcurementRoute.FRAMEWORK: "selective", ProcurementRoute.DYNAMIC_MARKET: "selective",
    ProcurementRoute.PROVIDER_SELECTION: "limited", ProcurementRoute.DIRECT_AWARD: "direct",
    ProcurementRoute.GRANT: "direct", ProcurementRoute.SPOT_PURCHASE: "direct",
}
CONTRACT_STATUS = {
    ContractStatus.PLANNED: "pending", ContractStatus.LIVE: "active",
    ContractStatus.EXTENDED: "active", ContractStatus.ENDED: "terminated",
    ContractStatus.TERMINATED: "terminated",
}


def prefix() -> str:
    """The publisher's ocid prefix; register one with the Open Contracting Partnership
    before publishing (the default marks the data as this portal's own)."""
    return getattr(settings, "OCDS_PREFIX", "ocds-jcp000")


def _start(day: date) -> str:
    return timezone.make_aware(datetime.combine(day, time.min)).isoformat()


def _end(day: date) -> str:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59))).isoformat()


def _agency_party(agency, roles):
    party = {"id": f"{prefix()}-agency-{agency.pk}", "name": agency.name,
             "identifier": {"legalName": agency.name}, "roles": roles,
             "address": {"countryName": "United Kingdom"}}
    if agency.code and agency.kind in NHS_KINDS:
        party["identifier"] = {"scheme": "GB-NHS", "id": agency.code, "legalName": agency.name}
    elif agency.code and agency.kind == AgencyKind.COUNCIL:
        party["details"] = {"onsGssCode": agency.code}
    return party


def _provider_party(provider):
    party = {"id": f"{prefix()}-provider-{provider.pk}", "name": provider.name,
             "roles": ["supplier"], "identifier": {"legalName": provider.name}}
    schemes = [("GB-COH", provider.companies_house_number),
               ("GB-CHC", provider.charity_number), ("GB-NHS", provider.ods_code)]
    found = [{"scheme": s, "id": i, "legalName": provider.name} for s, i in schemes if i]
    if found:
        party["identifier"] = found[0]
        if found[1:]:
            party["additionalIdentifiers"] = found[1:]
    address = {"countryName": "United Kingdom"}
    if provider.address:
        address["streetAddress"] = ", ".join(
            line.strip() for line in provider.address.splitlines() if line.strip())
    if provider.postcode:
        address["postalCode"] = provider.postcode
    party["address"] = address
    return party


def _value(amount: Decimal):
    return {"amount": amount, "currency": "GBP"}


def release(contract) -> dict:
    ocid = f"{prefix()}-{contract.local_area.slug}-{contract.reference}"
    when = contract.updated_at
    lead = contract.lead_agency
    others = [a for a in contract.commissioning_agencies.all() if a.pk != lead.pk]
    parties = [_agency_party(lead, ["buyer", "procuringEntity"])]
    parties += [_agency_party(a, ["buyer"]) for a in others]
    parties.append(_provider_party(contract.provider))
    supplier = {"id": parties[-1]["id"], "name": contract.provider.name}
    period = {"startDate": _start(contract.starts), "endDate": _end(contract.ends)}
    award = {"id": f"{contract.reference}-award", "title": contract.title,
             "status": "pending" if contract.status == ContractStatus.PLANNED else "active",
             "suppliers": [supplier], "contractPeriod": period}
    item = {"id": contract.reference, "awardID": award["id"], "title": contract.title,
            "status": CONTRACT_STATUS[contract.status], "period": period}
    if contract.description:
        item["description"] = contract.description
    if not contract.value_is_sensitive:
        award["value"] = _value(contract.total_value)
        item["value"] = _value(contract.total_value)
    terminated = contract.status in (ContractStatus.ENDED, ContractStatus.TERMINATED)
    return {
        "ocid": ocid, "id": f"{ocid}-{when:%Y%m%dT%H%M%S}", "date": when.isoformat(),
        "tag": ["contractTermination"] if terminated else ["contract"],
        "initiationType": "tender", "language": "en", "parties": parties,
        "buyer": {"id": parties[0]["id"], "name": lead.name},
        "tender": {"id": f"{contract.reference}-tender", "title": contract.title,
                   "status": "planned" if contract.status == ContractStatus.PLANNED
                   else "complete",
                   "procurementMethod": METHODS[contract.procurement_route],
                   "procurementMethodDetails": contract.get_procurement_route_display(),
                   "mainProcurementCategory": "services"},
        "awards": [award], "contracts": [item],
    }


def package(area, contracts, *, uri) -> dict:
    contracts = list(contracts)
    published = max((c.updated_at for c in contracts), default=timezone.now())
    return {
        "uri": uri, "version": "1.1", "publishedDate": published.isoformat(),
        "publisher": {"name": f"{area.name} joint commissioning partnership"},
        "license": OGL, "releases": [release(c) for c in contracts],
    }


_MARK = "\u0000decimal:"


def dumps(data) -> str:
    """JSON with Decimals written as exact numbers (json would need float to do it)."""
    def default(value):
        if isinstance(value, Decimal):
            return f"{_MARK}{value:f}\u0000"
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    text = json.dumps(_without_nul(data), default=default, ensure_ascii=False)
    # A marked Decimal became the JSON string "\u0000decimal:123.45\u0000": unquote it.
    return text.replace('"\\u0000decimal:', "").replace('\\u0000"', "")


def _without_nul(value):
    """No text may contain the marker's NUL character (so no text can forge a number)."""
    if isinstance(value, str):
        return value.replace("\u0000", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


@cache
def _schemas():
    return {name: json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
            for name in ("release-package-schema.json", "release-schema.json")}


def validation_errors(data) -> list[str]:
    """Problems with a release package against the schema kept in the repository."""
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    schemas = _schemas()
    registry = Registry().with_resources(
        (name, Resource.from_contents(body, default_specification=DRAFT4))
        for name, body in schemas.items())
    validator = Draft4Validator(schemas["release-package-schema.json"], registry=registry,
                                format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(package)'}: {e.message}"
            for e in validator.iter_errors(data)]
