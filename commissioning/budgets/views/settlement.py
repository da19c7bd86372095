"""The year-end settlement statement (issue 16): page, PDF, xlsx, and each partner's
finance lead signing it."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from portal.errors import ApplicationError
from portal.parsing import parse_id
from portal.pdf import document_html, render_pdf

from .. import exports, permissions, selectors, services
from .common import agreement_for


def _context(request, agreement, year):
    view = selectors.settlement_view(agreement=agreement, year=year)
    for row in view["signers"]:
        row["can_sign"] = bool(view["statement"]) and row["sign_off"] is None and \
            permissions.can_confirm_quarter(request.user, agreement, row["agency"]).allowed
    return {"page_title": f"Year-end settlement {year}", "agreement": agreement,
            "year": year, **view,
            "position_url": f"{reverse('budgets:position', args=[agreement.pk])}"
                            f"?year={year}&quarter=4"}


@login_required
@require_http_methods(["GET"])
def settlement(request, pk, year):
    agreement = agreement_for(request, pk)
    return render(request, "budgets/settlement.html", _context(request, agreement, year))


@login_required
@require_POST
def settlement_sign(request, pk, year):
    agreement = agreement_for(request, pk)
    try:
        agency = parse_id(request.POST.get("agency"), "agency", required=True)
    except ApplicationError:
        raise Http404 from None
    partner = next((p for p in agreement.parties.all() if p.pk == agency), None)
    if partner is None or not permissions.can_confirm_quarter(request.user, agreement,
                                                              partner):
        raise Http404
    try:
        services.settlement_sign(actor=request.user, agreement=agreement, year=year,
                                 agency=partner)
    except ApplicationError as exc:
        context = _context(request, agreement, year)
        context.update(error=exc.message)
        return render(request, "budgets/settlement.html", context, status=exc.status)
    messages.success(request, f"You signed the {year} settlement for {partner.display_name}.")
    return redirect("budgets:settlement", pk=agreement.pk, year=year)


def _filename(agreement, year, ext):
    return f"{slugify(agreement.title)}-settlement-{year}.{ext}"


@login_required
def settlement_pdf(request, pk, year):
    agreement = agreement_for(request, pk)
    context = _context(request, agreement, year)
    if context["statement"] is None:
        return redirect("budgets:settlement", pk=agreement.pk, year=year)
    body = render_to_string("budgets/settlement_pdf.html", context)
    pdf = render_pdf(document_html(title=f"{agreement.title}: year-end settlement {year}",
                                   body=body, running_header=agreement.title))
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(agreement, year, "pdf")}"'
    return response


@login_required
def settlement_xlsx(request, pk, year):
    agreement = agreement_for(request, pk)
    context = _context(request, agreement, year)
    if context["statement"] is None:
        return redirect("budgets:settlement", pk=agreement.pk, year=year)
    response = HttpResponse(exports.settlement_xlsx(context),
                            content_type="application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet")
    response["Content-Disposition"] = \
        f'attachment; filename="{_filename(agreement, year, "xlsx")}"'
    return response
