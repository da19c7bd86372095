"""Pages for areas, agencies, people and the account; thin — rules live in services."""
import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import is_ratelimited

from portal import links
from portal.errors import ApplicationError

from . import lockout, permissions, selectors, services, twofactor
from .forms import (
    AgencyForm,
    ApiTokenForm,
    InvitationForm,
    LocalAreaForm,
    MembershipForm,
    PersonForm,
    StagesForm,
    SuccessionForm,
    TokenForm,
)
from .middleware import SESSION_KEY
from .models import AgencyKind
from .roles import Role

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_errors(form, exc: ApplicationError):
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


def _require_area(request):
    if request.area is None:
        raise Http404("You have no role in any local area.")
    return request.area


def _require_admin(request):
    area = _require_area(request)
    if not permissions.can_administer_area(request.user, area):
        raise Http404
    return area


# --- account ---------------------------------------------------------------------------
def _must_verify(request):
    """A redirect to two-factor sign-in when this session has not passed a second factor the
    account has or needs; None otherwise."""
    if twofactor.requires_second_factor(request.user) and not twofactor.is_verified(
            request.user):
        return redirect(f"{reverse('agencies:two-factor')}?next={request.path}")
    return None


@login_required
def account(request):
    from .models import ApiToken

    if (refusal := _must_verify(request)) is not None:
        return refusal
    return render(request, "agencies/account.html", {
        "page_title": "Your account",
        "memberships": selectors.memberships_of(user=request.user),
        "has_device": request.user.two_factor_enrolled,
        "tokens": ApiToken.objects.filter(user=request.user)[:50],
        "token_ttl_days": settings.API_TOKEN_TTL_DAYS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    """Issue an API token from a page session (one that passed two-factor where it applies);
    the key is shown once."""
    if (refusal := _must_verify(request)) is not None:
        return refusal
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = services.api_token_create(
            user=request.user, two_factor=twofactor.is_verified(request.user),
            name=form.cleaned_data["name"])
        return render(request, "agencies/token_created.html", {
            "page_title": "Your new API token", "token": token, "key": key})
    return render(request, "agencies/form.html", {
        "page_title": "Create an API token", "form": form, "submit": "Create token",
        "back": "agencies:account"}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def token_revoke(request, pk):
    from .models import ApiToken

    if (refusal := _must_verify(request)) is not None:
        return refusal
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token {token.prefix}… was revoked.")
    return redirect("agencies:account")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Verify with a confirmed device; or, the first time, set one up.

    Setting up starts from an e-mailed link (agencies.twofactor): this page shows a secret
    only to the session that opened that link, never to someone holding just the password.
    """
    user = request.user
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = _enrolling_device(request)
        if device is None:
            return _enrolment_link_page(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()  # checked first: a wrong code throttles
        if allowed and device.verify_token(form.cleaned_data["otp_token"].strip()):
            if setting_up:
                services.two_factor_confirm(user=user, device=device)
                request.session.pop(twofactor.ENROL_SESSION_KEY, None)
            otp_login(request, device)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = "/"
            return redirect(next_url or "/")
        allowed, _ = device.verify_is_allowed()
        form.add_error("otp_token", "The code is not right or has expired; enter the newest code"
                       if allowed else "Too many wrong codes: wait a minute, then try again")
    context = {"page_title": "Two-factor sign-in", "form": form, "setting_up": setting_up}
    if setting_up:
        secret = b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        context["qr_svg"] = segno.make(device.config_url).svg_inline(
            scale=4, title="QR code to add this portal to your authenticator app")
    return render(request, "agencies/two_factor.html", context,
                  status=400 if form.errors else 200)


def _enrolling_device(request):
    """The unconfirmed device made when this session opened an enrolment link (if it is
    still recent)."""
    mark = request.session.get(twofactor.ENROL_SESSION_KEY) or {}
    if not mark or time.time() - mark.get("at", 0) > settings.TWO_FACTOR_ENROL_LINK_MAX_AGE:
        return None
    return TOTPDevice.objects.filter(pk=mark.get("device"), user=request.user,
                                     confirmed=False).first()


def _enrolment_link_page(request):
    """First time: offer to e-mail the set-up link (throttled; the answer is the same)."""
    sent = False
    if request.method == "POST":
        limited = is_ratelimited(request, group="agencies.two-factor-link",
                                 key=lambda group, req: str(req.user.pk), rate="3/h",
                                 method="POST", increment=True)
        if not limited:
            services.two_factor_enrolment_send(actor=request.user, user=request.user)
        sent = True
    return render(request, "agencies/two_factor_link.html", {
        "page_title": "Set up two-factor sign-in", "sent": sent,
        "email": _masked(request.user.email),
        "minutes": settings.TWO_FACTOR_ENROL_LINK_MAX_AGE // 60})


def _masked(email):
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 1)}@{domain}"


@login_required
@require_http_methods(["GET"])
def two_factor_enrol(request, token):
    """The e-mailed link: for the signed-in person, signed, not expired, not used before."""
    if request.user.two_factor_enrolled or not twofactor.enrolment_token_valid(
            request.user, token):
        return render(request, "agencies/two_factor_link.html", {
            "page_title": "This link does not work", "invalid": True,
            "minutes": settings.TWO_FACTOR_ENROL_LINK_MAX_AGE // 60}, status=400)
    device = services.two_factor_enrolment_start(user=request.user)
    request.session[twofactor.ENROL_SESSION_KEY] = {"device": device.pk, "at": int(time.time())}
    return redirect("agencies:two-factor")


@login_required
@require_http_methods(["POST"])
def two_factor_invite(request, pk):
    """A local-area administrator e-mails a person the two-factor set-up link."""
    area = _require_admin(request)
    person = selectors.person_get(actor=request.user, pk=pk)
    if not person.is_active:
        raise Http404
    try:
        services.two_factor_enrolment_send(actor=request.user, user=person)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"We e-mailed {person} a link to set up two-factor sign-in "
                                  f"for {area.name}.")
    return redirect("agencies:person-detail", pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def area_switch(request):
    areas = selectors.local_area_list(actor=request.user)
    can_create = permissions.can_create_local_area(request.user).allowed
    if request.method == "POST":
        chosen = areas.filter(slug=request.POST.get("area")).first()
        if chosen is not None:
            request.session[SESSION_KEY] = chosen.pk
            messages.success(request, f"You are now working in {chosen.name}.")
            return redirect("home")
        return render(request, "agencies/area_switch.html", {
            "areas": areas, "page_title": "Change local area",
            "error": "Choose a local area", "can_create_area": can_create}, status=400)
    return render(request, "agencies/area_switch.html",
                  {"areas": areas, "page_title": "Change local area",
                   "can_create_area": can_create})


# --- agencies --------------------------------------------------------------------------
@login_required
def agency_list(request):
    area = _require_area(request)
    sort = request.GET.get("sort", "name")
    agencies = selectors.agency_list(actor=request.user, local_area=area,
                                     search=request.GET.get("q", "").strip(),
                                     kind=request.GET.get("kind", ""), sort=sort)
    return render(request, "agencies/agency_list.html", {
        "page_title": "Agencies", "page_obj": _page(request, agencies), "sort": sort,
        "kinds": AgencyKind.choices, "q": request.GET.get("q", ""),
        "kind": request.GET.get("kind", ""),
        "can_add": permissions.can_administer_area(request.user, area).allowed,
    })


@login_required
def agency_detail(request, pk):
    agency = selectors.agency_get(actor=request.user, pk=pk)
    show_people = permissions.can_view_internal(request.user, agency.local_area_id).allowed
    succession = getattr(agency, "succession", None)
    return render(request, "agencies/agency_detail.html", {
        "page_title": agency.name, "agency": agency, "show_people": show_people,
        "succession": succession, "predecessors": list(agency.predecessor_links.all()),
        "can_change": permissions.can_change_agency(request.user, agency).allowed,
        "succession_decision": permissions.can_record_succession(request.user, agency,
                                                                 succession),
        "changes": selectors.agency_changes(agency=agency) if show_people else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def agency_succession(request, pk):
    """An administrator records the agency that replaces this one, and from when."""
    agency = selectors.agency_get(actor=request.user, pk=pk)
    if not permissions.can_administer_area(request.user, agency.local_area_id):
        raise Http404
    decision = permissions.can_record_succession(request.user, agency,
                                                 getattr(agency, "succession", None))
    if not decision:  # already replaced: the agency's page says by whom
        messages.error(request, decision.reason)
        return redirect("agencies:agency-detail", pk=agency.pk)
    form = SuccessionForm(request.POST or None, agencies=selectors.agency_choices(
        agency.local_area_id).exclude(pk=agency.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agency_succession_record(
                actor=request.user, predecessor=agency, successor=data["successor"],
                date=data["date"], note=data["note"])
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"{agency.name} is replaced by {data['successor'].name}.")
            return redirect("agencies:agency-detail", pk=agency.pk)
    return render(request, "agencies/succession_form.html", {
        "page_title": f"Record the successor of {agency.name}", "form": form,
        "agency": agency, "submit": "Record successor",
        "intro": "Its records will be shown under the successor from that date, and it will "
                 "no longer be offered in lists to choose from."},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request):
    area = _require_admin(request)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(actor=request.user, local_area=area,
                                            **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"{agency.name} was added.")
            return redirect("agencies:agency-detail", pk=agency.pk)
    return render(request, "agencies/form.html", {
        "page_title": "Add an agency", "form": form, "submit": "Add agency",
        "back": "agencies:agency-list"}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, pk):
    agency = selectors.agency_get(actor=request.user, pk=pk)
    if not permissions.can_change_agency(request.user, agency):
        raise Http404
    initial = {f: getattr(agency, f) for f in AgencyForm.base_fields}
    form = AgencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The agency was updated.")
            return redirect("agencies:agency-detail", pk=agency.pk)
    return render(request, "agencies/form.html", {
        "page_title": f"Change {agency.name}", "form": form, "submit": "Save changes",
        "back": "agencies:agency-list"}, status=400 if form.errors else 200)


# --- people ----------------------------------------------------------------------------
@login_required
def person_list(request):
    area = _require_area(request)
    if not permissions.can_view_people(request.user, area):
        raise Http404
    people = selectors.person_list(actor=request.user, local_area=area,
                                   search=request.GET.get("q", "").strip(),
                                   role=request.GET.get("role", ""))
    return render(request, "agencies/person_list.html", {
        "page_title": "People", "page_obj": _page(request, people), "roles": Role.choices,
        "q": request.GET.get("q", ""), "role": request.GET.get("role", ""),
        "can_add": permissions.can_administer_area(request.user, area).allowed,
    })


@login_required
def person_detail(request, pk):
    area = _require_area(request)
    if not permissions.can_view_people(request.user, area):
        raise Http404
    person = selectors.person_get(actor=request.user, pk=pk)
    return render(request, "agencies/person_detail.html", {
        "page_title": str(person), "person": person,
        "can_manage": permissions.can_administer_area(request.user, area).allowed,
        # roles and delegated limits given, changed or ended, by whom (issue 12)
        "changes": selectors.person_changes(person=person, local_area=area),
    })


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    area = _require_admin(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"{person} was added. Now give them a role in {area.name}.")
            return redirect("agencies:membership-create", pk=person.pk)
    return render(request, "agencies/form.html", {
        "page_title": "Add a person", "form": form, "submit": "Add person",
        "back": "agencies:person-list"}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def membership_create(request, pk):
    """Give a person (new, or already in this area) a role in one of the area's agencies."""
    from .models import User

    area = _require_admin(request)
    person = User.objects.filter(pk=pk, is_active=True).first()
    # Issue 14 sweep: someone of another area is the same 404 as nobody (the form showed
    # any account's name to any area's administrator). New people have no roles yet.
    if person is None or (person.memberships.exists()
                          and not person.memberships.filter(agency__local_area=area).exists()):
        raise Http404
    agencies = area.agencies.filter(active=True).order_by("name")
    form = MembershipForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_create(
                actor=request.user, user=person, agency=data["agency"], role=data["role"],
                delegated_limit=data["delegated_limit"] or 0, starts=data["starts"],
                ends=data["ends"])
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"{person} is now {Role(data['role']).label.lower()} "
                                      f"for {data['agency']}.")
            return redirect("agencies:person-detail", pk=person.pk)
    return render(request, "agencies/form.html", {
        "page_title": f"Give {person} a role", "form": form, "submit": "Add role",
        "back": "agencies:person-list"}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def membership_end(request, pk):
    from .models import Membership

    area = _require_admin(request)
    membership = Membership.objects.filter(pk=pk, agency__local_area=area).first()
    if membership is None:
        raise Http404
    services.membership_end(actor=request.user, membership=membership)
    messages.success(request, f"{membership.user}'s role as {membership.get_role_display()} "
                              "has ended.")
    return redirect("agencies:person-detail", pk=membership.user_id)


# --- area settings ---------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def area_settings(request):
    area = _require_admin(request)
    names = "\n".join(s.name for s in area.stages.all())
    form = StagesForm(request.POST or None, initial={"stages": names})
    if request.method == "POST" and form.is_valid():
        stages = [{"name": n} for n in form.stage_list()]
        try:
            services.stages_set(actor=request.user, local_area=area, stages=stages)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The stages of the commissioning cycle were saved.")
            return redirect("agencies:area-settings")
    return render(request, "agencies/area_settings.html", {
        "page_title": f"{area.name}: settings", "form": form, "area": area,
        "changes": selectors.area_changes(local_area=area),
    }, status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, whose e-mail links to the site's configured address
    (SITE_URL, portal/links.py) rather than to whatever host the request came in on.
    E-mails are limited per address and per IP; the page answers the same neutral message
    either way, so it tells nobody whether an address has an account."""

    def form_valid(self, form):
        if lockout.password_reset_throttled(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {**(self.extra_email_context or {}),
                                    "site_url": links.site_url(),
                                    "site_name": settings.PORTAL_NAME}
        return super().form_valid(form)


# --- new local areas and their first administrator (issue 13) ---------------------------
# The service names fields as the models do; the form prefixes the agency's and the
# administrator's.
_SET_UP_FIELDS = {"code": "agency_code", "short_name": "agency_short_name",
                  "kind": "agency_kind", "email": "admin_email", "username": "admin_email"}


@login_required
@require_http_methods(["GET", "POST"])
def local_area_create(request):
    """Platform administrators set up a local area and invite its first administrator."""
    if not permissions.can_create_local_area(request.user):
        raise Http404
    form = LocalAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area, admin = services.local_area_set_up(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            exc.errors = {_SET_UP_FIELDS.get(k, k): v for k, v in exc.errors.items()}
            _form_errors(form, exc)
        else:
            messages.success(request, f"{area.name} was set up. We e-mailed {admin.email} a "
                                      "link to choose a password and set up two-factor "
                                      "sign-in as its first administrator.")
            return redirect("agencies:area-switch")
    return render(request, "agencies/form.html", {
        "page_title": "Set up a new local area", "form": form, "submit": "Set up local area",
        "back": "agencies:area-switch",
        "intro": "The area starts with the commissioning cycle's default stages (Analyse, "
                 "Plan, Do, Review); its administrator can rename them."},
        status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, uidb64, token):
    """The invitation link: choose a password, then set up two-factor sign-in at once (the
    link came to the person's e-mail, like the enrolment link)."""
    invited = services.invitation_user(uidb64, token)
    if invited is None:
        return render(request, "agencies/invitation_invalid.html", {
            "page_title": "This link does not work"}, status=400)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(user=invited,
                                              password=form.cleaned_data["password1"])
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            auth_login(request, user, backend="agencies.backends.UsernameOrEmailBackend")
            device = services.two_factor_enrolment_start(user=user)
            request.session[twofactor.ENROL_SESSION_KEY] = {"device": device.pk,
                                                            "at": int(time.time())}
            messages.success(request, "Your password is set. Now set up two-factor sign-in.")
            return redirect("agencies:two-factor")
    return render(request, "agencies/form.html", {
        "page_title": "Accept your invitation", "form": form, "submit": "Set password",
        "back": "login", "intro": f"Welcome, {invited.get_full_name() or invited.username}. "
                                  "Choose a password for your account "
                                  f"({invited.username}); next you set up two-factor "
                                  "sign-in with an authenticator app."},
        status=400 if form.errors else 200)
