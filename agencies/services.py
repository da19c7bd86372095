"""Writes for local areas, agencies, people and memberships.

Each function is one transaction, records who did it (simple-history's `_history_user`)
and keeps guardian's role groups in step with memberships.
"""
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.errors import ApplicationError, ErrorCode
from portal.grants import assign_perms
from portal.services import save as _save

from . import permissions
from .models import Agency, AgencySuccession, LocalArea, Membership, Stage, User
from .roles import ROLE_AGENCY_PERMS, ROLE_AREA_PERMS, Role, group_name


def _require_admin(actor, area):
    if actor is None or actor.is_superuser:
        return
    decision = permissions.can_administer_area(actor, area)
    if not decision:
        raise ApplicationError(decision.reason, code=ErrorCode.FORBIDDEN)


# --- local areas and stages ------------------------------------------------------------
@transaction.atomic
def local_area_create(*, actor, name, slug, reference_prefix, description="",
                      stage_names=("Analyse", "Plan", "Do", "Review")) -> LocalArea:
    if actor is not None:
        decision = permissions.can_create_local_area(actor)
        if not decision:
            raise ApplicationError(decision.reason, code=ErrorCode.FORBIDDEN)
    for field, model_field, value in (("name", "name__iexact", name),
                                      ("slug", "slug__iexact", slug)):
        if LocalArea.objects.filter(**{model_field: value}).exists():
            raise ApplicationError(f"A local area with that {field} already exists.",
                                   errors={field: [f"A local area with that {field} already "
                                                   "exists."]})
    area = _save(LocalArea(name=name, slug=slug, reference_prefix=reference_prefix,
                           description=description), actor)
    stages_set(actor=actor, local_area=area, stages=[{"name": n} for n in stage_names])
    return area


@transaction.atomic
def stages_set(*, actor, local_area, stages) -> list[Stage]:
    """Set the cycle's stages in order: each a dict with name, optional description/checklist.

    Stages are renamed in place by position, so work already at a stage keeps its place.
    """
    _require_admin(actor, local_area)
    names = [s["name"].strip() for s in stages]
    if len(names) < 2:
        raise ApplicationError("A commissioning cycle needs at least two stages.",
                               errors={"stages": ["Enter at least two stage names."]})
    if any(not n for n in names):
        raise ApplicationError("Every stage needs a name.",
                               errors={"stages": ["Every stage needs a name."]})
    if len({n.lower() for n in names}) != len(names):
        raise ApplicationError("Stage names must differ.",
                               errors={"stages": ["Each stage needs a different name."]})
    existing = {s.position: s for s in Stage.objects.select_for_update().filter(
        local_area=local_area)}
    # Move existing rows out of the way first: (area, name) and (area, position) are unique.
    for stage in existing.values():
        stage.name = f"__renaming_{stage.position}"
        stage.save(update_fields=["name"])
    result = []
    for position, spec in enumerate(stages, start=1):
        stage = existing.pop(position, None) or Stage(local_area=local_area, position=position)
        stage.name = names[position - 1]
        stage.description = spec.get("description", stage.description or "")
        stage.checklist = list(spec.get("checklist", stage.checklist or []))
        result.append(_save(stage, actor))
    for leftover in existing.values():
        leftover._history_user = actor
        leftover.delete()
    return result


@transaction.atomic
def local_area_set_up(*, actor, name, slug, reference_prefix, agency_name, agency_kind,
                      admin_email, admin_first_name, admin_last_name, description="",
                      agency_short_name="", agency_code="") -> tuple[LocalArea, User]:
    """A new local area with the cycle's default stages, its first agency, and its first
    administrator: an inactive account holding the area-admin role in that agency, e-mailed
    (after commit) a one-time link to choose a password and set up two-factor sign-in."""
    area = local_area_create(actor=actor, name=name, slug=slug, description=description,
                             reference_prefix=reference_prefix)
    agency = agency_create(actor=actor, local_area=area, name=agency_name,
                           short_name=agency_short_name, kind=agency_kind, code=agency_code,
                           is_host=True)
    admin = person_create(actor=actor, username=admin_email.lower(), email=admin_email,
                          first_name=admin_first_name, last_name=admin_last_name)
    admin.is_active = False  # until they accept the invitation
    _save(admin, actor, exclude=["password"])
    membership_create(actor=actor, user=admin, agency=agency, role=Role.ADMIN)
    transaction.on_commit(lambda: invitation_send(actor=actor, user=admin, area=area))
    return area, admin


def invitation_send(*, actor, user, area) -> None:
    """E-mail an invited person the one-time link that activates their account: Django's
    password-reset token, which stops working once the password is set (or after
    PASSWORD_RESET_TIMEOUT)."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from portal import links

    link = links.absolute_url("agencies:invitation-accept",
                              uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
                              token=default_token_generator.make_token(user))
    body = render_to_string("agencies/invitation_email.txt", {
        "user": user, "area": area, "link": link, "invited_by": actor,
        "days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
        "portal_name": settings.PORTAL_NAME})
    send_mail(f"You are invited to administer {area.name} on the {settings.PORTAL_NAME}",
              body, None, [user.email])


def invitation_user(uidb64, token):
    """The invited (still inactive) person a link is for, or None when the link is wrong,
    used or expired."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_decode

    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=False).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def invitation_accept(*, user, password) -> User:
    """The invited person chose a password: the account becomes active (and the link, whose
    token depends on the password, stops working)."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ApplicationError("This invitation was already accepted.", code=ErrorCode.CONFLICT)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], errors={"password1": exc.messages}) from exc
    user.set_password(password)
    user.is_active = True
    return _save(user, user, exclude=["password"])


# --- agencies --------------------------------------------------------------------------
AGENCY_FIELDS = ("name", "short_name", "kind", "code", "is_host", "website", "active")


@transaction.atomic
def agency_create(*, actor, local_area, **fields) -> Agency:
    _require_admin(actor, local_area)
    agency = Agency(local_area=local_area, **{k: v for k, v in fields.items()
                                               if k in AGENCY_FIELDS})
    _validate_agency_code(agency)
    return _save(agency, actor)


@transaction.atomic
def agency_update(*, actor, agency, **fields) -> Agency:
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if actor is not None:
        decision = permissions.can_change_agency(actor, agency)
        if not decision:
            raise ApplicationError(decision.reason, code=ErrorCode.FORBIDDEN)
    for key, value in fields.items():
        if key in AGENCY_FIELDS:
            setattr(agency, key, value)
    _validate_agency_code(agency)
    return _save(agency, actor)


def _validate_agency_code(agency):
    from django.core.exceptions import ValidationError

    from .models import GSS_CODE, NHS_KINDS, ODS_CODE, AgencyKind

    if not agency.code:
        return
    validator = GSS_CODE if agency.kind == AgencyKind.COUNCIL else (
        ODS_CODE if agency.kind in NHS_KINDS else None)
    if validator is None:
        return
    try:
        validator(agency.code)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], errors={"code": exc.messages}) from exc


# --- successions ----------------------------------------------------------------------
@transaction.atomic
def agency_succession_record(*, actor, predecessor, successor, date, note="") -> AgencySuccession:
    """`successor` replaces `predecessor` from `date`: the predecessor becomes inactive from
    that day (today or earlier: at once; a later day: `successions_apply` on the day).

    Refused: a successor of another area, the agency itself, a second successor for one
    agency, and a chain that would come back to the predecessor (a cycle)."""
    predecessor = Agency.objects.select_for_update().get(pk=predecessor.pk)
    _require_admin(actor, predecessor.local_area)
    errors = {}
    if successor is None:
        errors["successor"] = ["Select the agency that replaces it."]
    elif successor.local_area_id != predecessor.local_area_id:
        errors["successor"] = ["Select an agency of this local area."]
    elif successor.pk == predecessor.pk:
        errors["successor"] = ["An agency cannot replace itself."]
    if date is None:
        errors["date"] = ["Enter the date the successor took over."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    existing = AgencySuccession.objects.filter(predecessor=predecessor).select_related(
        "successor").first()
    if existing is not None:
        message = f"{predecessor} is already replaced by {existing.successor}."
        raise ApplicationError(message, code=ErrorCode.CONFLICT,
                               errors={"successor": [message]})
    chain = successor_chain(successor)
    if predecessor in chain:
        names = " → ".join(a.name for a in chain)
        message = (f"{successor} is itself replaced, through {names}, by {predecessor}: "
                   "a succession cannot go round in a circle.")
        raise ApplicationError(message, errors={"successor": [message]})
    succession = _save(AgencySuccession(predecessor=predecessor, successor=successor,
                                        date=date, note=(note or "").strip()), actor)
    if date <= timezone.localdate() and predecessor.active:
        predecessor.active = False
        _save(predecessor, actor)
    return succession


def successor_chain(agency) -> list[Agency]:
    """The agency and the successors that followed it, in order (stops on a loop)."""
    chain, seen = [agency], {agency.pk}
    links = dict(AgencySuccession.objects.filter(
        predecessor__local_area_id=agency.local_area_id).values_list(
        "predecessor_id", "successor_id"))
    current = agency.pk
    while current in links and links[current] not in seen:
        current = links[current]
        seen.add(current)
        chain.append(current)
    agencies = Agency.objects.in_bulk(chain[1:])
    return [agency, *(agencies[pk] for pk in chain[1:])]


@transaction.atomic
def successions_apply(*, on=None) -> int:
    """Make inactive every predecessor whose successor has taken over by `on` (daily)."""
    on = on or timezone.localdate()
    changed = 0
    for agency in Agency.objects.select_for_update().filter(active=True,
                                                            succession__date__lte=on):
        agency.active = False
        _save(agency, None)
        changed += 1
    return changed


# --- people and memberships ------------------------------------------------------------
@transaction.atomic
def person_create(*, actor, username, email, first_name="", last_name="", job_title="",
                  password=None) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError("That username is taken.",
                               errors={"username": ["That username is taken."]})
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("Someone already uses that e-mail address.",
                               errors={"email": ["Someone already uses that e-mail address."]})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name,
                job_title=job_title)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()  # they set one through the password-reset e-mail
    return _save(user, actor, exclude=["password"])


def role_group(agency, role) -> Group:
    """The guardian group for agency x role, holding the role's permissions (idempotent)."""
    group, created = Group.objects.get_or_create(name=group_name(agency.pk, role))
    if created:
        assign_perms(ROLE_AREA_PERMS[role], group, agency.local_area)
        assign_perms(ROLE_AGENCY_PERMS[role], group, agency)
    return group


@transaction.atomic
def membership_create(*, actor, user, agency, role, delegated_limit=Decimal("0"),
                      starts=None, ends=None) -> Membership:
    if actor is not None:
        _require_admin(actor, agency.local_area)
    role = Role(role)
    if role != Role.APPROVER and delegated_limit:
        raise ApplicationError("Only approvers carry a delegated limit.",
                               errors={"delegated_limit": ["Only approvers carry a limit."]})
    if Membership.objects.filter(user=user, agency=agency, role=role).exists():
        raise ApplicationError(f"{user} already holds that role in {agency}.",
                               errors={"role": ["This person already holds that role here."]})
    membership = _save(Membership(user=user, agency=agency, role=role,
                                  delegated_limit=delegated_limit, starts=starts, ends=ends),
                       actor)
    _sync_group(user, agency, role)
    return membership


@transaction.atomic
def membership_update(*, actor, membership, delegated_limit=None, starts=None, ends=None):
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if actor is not None:
        _require_admin(actor, membership.agency.local_area)
    if delegated_limit is not None:
        membership.delegated_limit = delegated_limit
    membership.starts = starts if starts is not None else membership.starts
    membership.ends = ends if ends is not None else membership.ends
    _save(membership, actor)
    _sync_group(membership.user, membership.agency, membership.role)
    return membership


@transaction.atomic
def membership_end(*, actor, membership, on=None) -> Membership:
    on = on or timezone.localdate()
    return membership_update(actor=actor, membership=membership, ends=on)


def _sync_group(user, agency, role):
    """Put the person in the agency x role group while any such membership is active."""
    group = role_group(agency, role)
    active = Membership.objects.active().filter(user=user, agency=agency, role=role).exists()
    if active:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    permissions.clear_cache(user)


def memberships_sync(*, on=None) -> int:
    """Bring every role group in step with membership dates (run daily by beat)."""
    changed = 0
    for membership in Membership.objects.select_related("user", "agency__local_area"):
        in_group = membership.user.groups.filter(
            name=group_name(membership.agency_id, membership.role)).exists()
        if in_group != membership.is_active:
            _sync_group(membership.user, membership.agency, membership.role)
            changed += 1
    return changed


# --- API tokens and two-factor sign-in -------------------------------------------------
# Tokens: the key is shown once; only its SHA-256 digest is stored. See agencies.models.
def token_digest(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, two_factor: bool, name: str = ""):
    """Issue a token for `user`; returns (token, key). `two_factor` says the second factor
    was checked for this issue (a code with the request, or a verified page session)."""
    import secrets
    from datetime import timedelta

    from django.conf import settings

    from .models import ApiToken

    if not user.is_active:
        raise ApplicationError("This account is inactive.", code=ErrorCode.FORBIDDEN)
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=key[:8], digest=token_digest(key),
        two_factor=two_factor, created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS))
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token) -> None:
    """A person revokes one of their own tokens (others' tokens are not found)."""
    from .models import ApiToken

    updated = ApiToken.objects.filter(pk=token.pk, user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if not updated and not ApiToken.objects.filter(pk=token.pk, user=actor).exists():
        raise ApplicationError("No such token.", code=ErrorCode.NOT_FOUND)


def api_tokens_revoke_all(*, user, only_without_two_factor=False) -> int:
    """Revoke the person's live tokens (password change or reset, deactivation, enrolment)."""
    from .models import ApiToken

    tokens = ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True)
    if only_without_two_factor:
        tokens = tokens.filter(two_factor=False)
    return tokens.update(revoked_at=timezone.now())


def two_factor_enrolment_send(*, actor, user) -> None:
    """E-mail `user` a link that starts two-factor enrolment (signed, expiring, single use).

    The person asks for it themselves, or a local-area administrator of theirs invites them.
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from portal import links

    from . import twofactor

    if actor.pk != user.pk and not any(
            permissions.can_administer_area(actor, area_id)
            for area_id in permissions.area_ids_for(user)):
        raise ApplicationError("You cannot invite this person.", code=ErrorCode.FORBIDDEN)
    if user.two_factor_enrolled:
        raise ApplicationError("Two-factor sign-in is already set up for this account.",
                               code=ErrorCode.CONFLICT)
    # The site's configured address (SITE_URL), never the Host header an attacker can send.
    link = links.absolute_url("agencies:two-factor-enrol",
                              token=twofactor.enrolment_token(user))
    minutes = settings.TWO_FACTOR_ENROL_LINK_MAX_AGE // 60
    body = render_to_string("agencies/two_factor_enrol_email.txt", {
        "user": user, "link": link, "minutes": minutes, "invited_by": (
            None if actor.pk == user.pk else actor), "portal_name": settings.PORTAL_NAME})
    send_mail(f"Set up two-factor sign-in for the {settings.PORTAL_NAME}", body, None,
              [user.email])


@transaction.atomic
def two_factor_enrolment_start(*, user):
    """The e-mailed link was opened: a fresh, unconfirmed authenticator device (this also
    uses the link up: its signed state includes the newest device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def two_factor_confirm(*, user, device) -> None:
    """The first right code from a new device: enrol the person. Tokens issued without a
    second factor stop working."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    User.objects.filter(pk=user.pk).update(two_factor_enrolled=True)
    user.two_factor_enrolled = True
    api_tokens_revoke_all(user=user, only_without_two_factor=True)
