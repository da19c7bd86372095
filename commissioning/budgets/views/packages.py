"""Joint packages: aggregates for everyone with internal access; the packages themselves
only for the people granted them (anyone else gets the same 404 as for a missing one)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from agencies import selectors as agency_selectors
from portal.errors import ApplicationError

from .. import permissions, selectors, services
from ..forms import GrantForm, JointPackageForm, SplitForm
from .common import form_errors, page, require_area


def _require_internal(request):
    area = require_area(request)
    if not permissions.can_view_package_aggregates(request.user, area):
        raise Http404
    return area


@login_required
def package_list(request):
    area = _require_internal(request)
    packages = selectors.joint_package_list(actor=request.user, local_area=area)
    return render(request, "budgets/package_list.html", {
        "page_title": "Joint packages", "page_obj": page(request, packages),
        "aggregates": selectors.joint_package_aggregates(area_ids=[area.pk]),
        "can_create": permissions.can_create_joint_package(request.user, area).allowed,
    })


@login_required
@require_http_methods(["GET", "POST"])
def package_create(request):
    area = _require_internal(request)
    if not permissions.can_create_joint_package(request.user, area):
        raise Http404
    agreements = list(selectors.agreement_list(actor=request.user, local_area=area))
    form = JointPackageForm(request.POST or None, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreement = next((a for a in agreements if str(a.pk) == data["agreement"]), None)
        try:
            package = services.joint_package_create(
                actor=request.user, local_area=area, reference=data["reference"],
                needs_category=data["needs_category"], annual_cost=data["annual_cost"],
                request_date=data["request_date"], agreement_date=data["agreement_date"],
                review_date=data["review_date"], agreement=agreement, **form.split())
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Joint package {package.reference} was recorded. Only "
                                      "you can see it until you grant it to others.")
            return redirect("budgets:package-detail", pk=package.pk)
    return render(request, "budgets/form.html", {
        "page_title": "Record a joint package", "form": form, "submit": "Record package",
        "back": reverse("budgets:package-list"),
    }, status=400 if form.errors else 200)


@login_required
def package_detail(request, pk):
    package = selectors.joint_package_get(actor=request.user, pk=pk)
    return render(request, "budgets/package_detail.html", {
        "page_title": f"Joint package {package.reference}", "package": package,
        "people": selectors.joint_package_people(package=package),
        "can_change": permissions.can_change_joint_package(request.user, package).allowed,
    })


def _changeable(request, pk):
    package = selectors.joint_package_get(actor=request.user, pk=pk)
    if not permissions.can_change_joint_package(request.user, package):
        raise Http404
    return package


@login_required
@require_http_methods(["GET", "POST"])
def package_split(request, pk):
    package = _changeable(request, pk)
    form = SplitForm(request.POST or None, initial={
        "annual_cost": package.annual_cost, "split_by": "amounts",
        "social_care": package.social_care_amount, "health": package.health_amount,
        "education": package.education_amount})
    if request.method == "POST" and form.is_valid():
        try:
            services.joint_package_split_set(actor=request.user, package=package,
                                             annual_cost=form.cleaned_data["annual_cost"],
                                             **form.split())
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The funding split was saved.")
            return redirect("budgets:package-detail", pk=package.pk)
    return render(request, "budgets/form.html", {
        "page_title": f"Funding split of {package.reference}", "form": form,
        "submit": "Save the split", "back": reverse("budgets:package-detail", args=[package.pk]),
        "intro": "Give the split as percentages (adding up to 100) or as amounts (adding up "
                 "to the annual cost). Percentages are turned into exact amounts to the penny.",
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def package_grant(request, pk):
    package = _changeable(request, pk)
    people = list(agency_selectors.person_list(actor=request.user,
                                               local_area=package.local_area))
    form = GrantForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        person = next(p for p in people if str(p.pk) == form.cleaned_data["user"])
        try:
            services.joint_package_grant(actor=request.user, package=package, user=person,
                                         can_change=form.cleaned_data["can_change"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{person} can now see {package.reference}.")
            return redirect("budgets:package-detail", pk=package.pk)
    return render(request, "budgets/form.html", {
        "page_title": f"Grant {package.reference} to someone", "form": form,
        "submit": "Grant access", "back": reverse("budgets:package-detail", args=[package.pk]),
        "intro": "Only the people granted a package can see it. Grant it only to those who "
                 "need it for the child's care.",
    }, status=400 if form.errors else 200)
