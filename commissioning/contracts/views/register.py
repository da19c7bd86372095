"""The contracts register: filters, search, sort, pages, and CSV/xlsx export."""
from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from agencies.models import Agency
from commissioning.budgets.models import Section75Agreement

from .. import permissions, selectors
from ..models import ContractStatus, Provider
from ._common import page, require_area, with_values_flag

EXPORT_COLUMNS = ["Reference", "Title", "Provider", "Lead agency", "Commissioning agencies",
                  "Funding schedule",
                  "Status", "Starts", "Ends", "Annual value (£)", "Total value (£)",
                  "Procurement route", "KPIs", "Light-touch", "On Contracts Finder"]


def _filters(request):
    get = request.GET
    ends_before, error = None, ""
    if get.get("ends_before"):
        try:
            ends_before = date.fromisoformat(get["ends_before"].strip())
        except ValueError:
            error = "Enter the date like 2027-03-31"
    return {
        "provider": get.get("provider", "") if get.get("provider", "").isdigit() else "",
        "agency": get.get("agency", "") if get.get("agency", "").isdigit() else "",
        "status": get.get("status", "") if get.get("status", "") in ContractStatus.values else "",
        "funding": get.get("funding", ""),
        "search": get.get("q", "").strip(),
        "ends_before": ends_before,
    }, error


def _funding_choices(area):
    return [(str(a.pk), a.title) for a in Section75Agreement.objects.filter(
        local_area=area).order_by("title")]


@login_required
def contract_list(request):
    area = require_area(request)
    filters, date_error = _filters(request)
    sort = request.GET.get("sort", "ends")
    contracts = selectors.contract_list(actor=request.user, local_area=area, sort=sort,
                                        **filters)
    download = request.GET.get("download")
    if download in ("csv", "xlsx"):
        return _export(request.user, contracts, download, area)
    page_obj = page(request, contracts)
    page_obj.object_list = with_values_flag(request.user, page_obj.object_list)
    return render(request, "contracts/contract_list.html", {
        "page_title": "Contracts", "page_obj": page_obj, "sort": sort,
        "filters": {**filters, "ends_before": request.GET.get("ends_before", "")},
        "date_error": date_error,
        "providers": Provider.objects.filter(local_area=area).order_by("name"),
        "agencies": Agency.objects.filter(local_area=area).order_by("name"),
        "statuses": ContractStatus.choices, "funding_choices": _funding_choices(area),
        "can_add": permissions.can_create_contract(request.user, area).allowed,
    }, status=400 if date_error else 200)


def _rows(user, contracts):
    for contract in contracts:
        show = permissions.can_view_values(user, contract).allowed
        yield [contract.reference, contract.title, contract.provider.name,
               contract.lead_agency.name,
               "; ".join(a.name for a in contract.commissioning_agencies.all()),
               str(contract.schedule) if contract.schedule_id else "",
               contract.get_status_display(), contract.starts, contract.ends,
               contract.annual_value if show else "withheld",
               contract.total_value if show else "withheld",
               contract.get_procurement_route_display(), contract.kpi_count,
               "yes" if contract.is_light_touch else "no",
               "yes" if contract.published_on_contracts_finder else "no"]


def _export(user, contracts, kind, area):
    """Streamed (issue 15): rows come a chunk at a time, so memory stays constant."""
    from portal import spreadsheets

    filename = f"contracts-{area.slug}-{timezone.localdate().isoformat()}.{kind}"
    rows = ([_safe_cell(v) for v in row] for row in _rows(
        user, contracts.iterator(chunk_size=spreadsheets.EXPORT_CHUNK)))
    if kind == "csv":
        return spreadsheets.csv_response(rows, filename=filename, headers=EXPORT_COLUMNS)
    return spreadsheets.xlsx_response(rows, filename=filename, title="Contracts",
                                      headers=EXPORT_COLUMNS)


def _safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    from portal.spreadsheets import safe_cell

    return safe_cell(value)
