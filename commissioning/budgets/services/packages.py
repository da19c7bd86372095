"""Joint (individual) packages: pseudonymous references, exact funding splits, and the
explicit grants that are the only way to see one."""
import re
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from agencies import permissions as agency_perms
from portal.errors import ApplicationError, ErrorCode
from portal.money import split_largest_remainder, to_money

from .. import permissions
from ..models import JointPackage, NeedsCategory
from ..permissions import PackagePerm
from .common import invalid, require, save

PARTS = ("social_care_amount", "health_amount", "education_amount")
REFERENCE_FORMAT = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
LETTER_RUN = re.compile(r"[A-Z]{5,}")
SEPARATED_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
DIGIT_RUN = re.compile(r"\d+")
REFERENCE_HELP = ("Use a pseudonymous reference of capital letters, digits and hyphens, "
                  "like JP-DER-0042 — never a name, date of birth or NHS number.")


def _is_nhs_number(digits: str) -> bool:
    """Ten digits whose modulus-11 check digit is right (the NHS number algorithm)."""
    if len(digits) != 10:
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _looks_like_date(digits: str) -> bool:
    for fmt_len, orders in ((8, ("%d%m%Y", "%Y%m%d")), (6, ("%d%m%y", "%y%m%d"))):
        if len(digits) != fmt_len:
            continue
        for fmt in orders:
            try:
                parsed = datetime.strptime(digits, fmt).date()
            except ValueError:
                continue
            if date(1990, 1, 1) <= parsed <= date(2100, 1, 1):
                return True
    return False


def reference_problem(reference: str) -> str | None:
    """Why a reference looks like personal data (None when it is acceptably pseudonymous)."""
    reference = (reference or "").strip()
    if not reference:
        return "Enter a pseudonymous reference."
    if len(reference) < 4 or len(reference) > 24:
        return "The reference must be 4 to 24 characters long."
    if " " in reference or reference != reference.upper():
        return "That looks like a name. " + REFERENCE_HELP
    compact = re.sub(r"[\s-]", "", reference)
    if SEPARATED_DATE.search(reference):
        return "That looks like a date. " + REFERENCE_HELP
    if not REFERENCE_FORMAT.match(reference):
        return REFERENCE_HELP
    if LETTER_RUN.search(reference):
        return "That looks like a name (five or more letters together). " + REFERENCE_HELP
    if not re.search(r"\d", reference):
        return "Include a number in the reference. " + REFERENCE_HELP
    for run in DIGIT_RUN.findall(compact) + DIGIT_RUN.findall(reference):
        if len(run) >= 10 and any(_is_nhs_number(run[i:i + 10])
                                  for i in range(len(run) - 9)):
            return "That looks like an NHS number. " + REFERENCE_HELP
        if len(run) >= 10:
            return "Keep number runs under ten digits: that could be an NHS number."
        if _looks_like_date(run):
            return "That looks like a date of birth. " + REFERENCE_HELP
    return None


def split_amounts(annual_cost, *, percentages=None, amounts=None) -> dict[str, Decimal]:
    """The funding split in pounds: from percentages (adding to 100, shared to the penny by
    largest remainder) or from amounts (adding to the annual cost)."""
    cost = to_money(annual_cost)
    if (percentages is None) == (amounts is None):
        raise invalid("split", "Give the split as percentages or as amounts.")
    if percentages is not None:
        values = [Decimal(str(percentages.get(p) or 0)) for p in PARTS]
        if any(v < 0 for v in values):
            raise invalid("split", "Percentages cannot be negative.")
        if sum(values) != 100:
            raise invalid("split", f"The percentages add up to {sum(values)}%; they must add "
                                   "up to exactly 100%.")
        return dict(zip(PARTS, split_largest_remainder(cost, values), strict=True))
    values = [to_money(amounts.get(p) or 0) for p in PARTS]
    if any(v < 0 for v in values):
        raise invalid("split", "Amounts cannot be negative.")
    if sum(values) != cost:
        raise invalid("split", f"The amounts add up to £{sum(values):,.2f}, not the annual "
                               f"cost of £{cost:,.2f}.")
    return dict(zip(PARTS, values, strict=True))


def _check_dates(request_date, agreement_date, review_date):
    if agreement_date is not None and agreement_date < request_date:
        raise invalid("agreement_date", "The agreement date cannot be before the request.")
    if review_date is not None and review_date < request_date:
        raise invalid("review_date", "The review date cannot be before the request.")


@transaction.atomic
def joint_package_create(*, actor, local_area, reference, needs_category, annual_cost,
                         request_date, percentages=None, amounts=None, agreement_date=None,
                         review_date=None, agreement=None) -> JointPackage:
    """Record a package; its creator is granted it (to see and change)."""
    if actor is not None:
        require(permissions.can_create_joint_package(actor, local_area))
    reference = (reference or "").strip()
    problem = reference_problem(reference)
    if problem:
        raise invalid("reference", problem)
    if needs_category not in NeedsCategory.values:
        raise invalid("needs_category", "Choose the area of need.")
    if JointPackage.objects.filter(local_area=local_area, reference=reference).exists():
        raise invalid("reference", "That reference is already used in this area.")
    if agreement is not None and agreement.local_area_id != local_area.pk:
        raise invalid("agreement", "The pooled fund must belong to the same local area.")
    try:
        cost = to_money(annual_cost)
    except ValueError as exc:
        raise invalid("annual_cost", "Enter the annual cost in pounds.") from exc
    if cost < 0:
        raise invalid("annual_cost", "The annual cost cannot be negative.")
    _check_dates(request_date, agreement_date, review_date)
    parts = split_amounts(cost, percentages=percentages, amounts=amounts)
    package = save(JointPackage(
        local_area=local_area, reference=reference, needs_category=needs_category,
        annual_cost=cost, request_date=request_date, agreement_date=agreement_date,
        review_date=review_date, agreement=agreement, created_by=actor, **parts), actor)
    if actor is not None:
        _grant(package, actor, can_change=True)
    return package


@transaction.atomic
def joint_package_update(*, actor, package, **fields) -> JointPackage:
    package = JointPackage.objects.select_for_update().get(pk=package.pk)
    if actor is not None:
        require(permissions.can_change_joint_package(actor, package))
    for key in ("needs_category", "request_date", "agreement_date", "review_date"):
        if key in fields:
            setattr(package, key, fields[key])
    if package.needs_category not in NeedsCategory.values:
        raise invalid("needs_category", "Choose the area of need.")
    _check_dates(package.request_date, package.agreement_date, package.review_date)
    return save(package, actor)


@transaction.atomic
def joint_package_split_set(*, actor, package, annual_cost=None, percentages=None,
                            amounts=None) -> JointPackage:
    package = JointPackage.objects.select_for_update().get(pk=package.pk)
    if actor is not None:
        require(permissions.can_change_joint_package(actor, package))
    cost = package.annual_cost if annual_cost is None else annual_cost
    try:
        cost = to_money(cost)
    except ValueError as exc:
        raise invalid("annual_cost", "Enter the annual cost in pounds.") from exc
    if cost < 0:
        raise invalid("annual_cost", "The annual cost cannot be negative.")
    package.annual_cost = cost
    for key, value in split_amounts(cost, percentages=percentages, amounts=amounts).items():
        setattr(package, key, value)
    return save(package, actor)


def _grant(package, user, can_change):
    assign_perm(f"budgets.{PackagePerm.VIEW}", user, package)
    if can_change:
        assign_perm(f"budgets.{PackagePerm.CHANGE}", user, package)
    else:
        remove_perm(f"budgets.{PackagePerm.CHANGE}", user, package)
    permissions.clear_cache(user)


@transaction.atomic
def joint_package_grant(*, actor, package, user=None, group=None, can_change=False):
    """Grant a person (or a group) the package. Only someone who may change it grants it,
    and only to people with internal access to the package's area."""
    if actor is not None:
        require(permissions.can_change_joint_package(actor, package))
    if user is None and group is None:
        raise invalid("user", "Choose who is granted the package.")
    if user is not None and not agency_perms.can_view_internal(user, package.local_area_id):
        raise invalid("user", "That person has no role in this local area.")
    if group is not None and not isinstance(group, Group):
        raise ApplicationError("Grant to a person or a group.", code=ErrorCode.INVALID)
    if user is not None:
        _grant(package, user, can_change)
    else:
        assign_perm(f"budgets.{PackagePerm.VIEW}", group, package)
        if can_change:
            assign_perm(f"budgets.{PackagePerm.CHANGE}", group, package)
    _audit(package, actor, f"Granted to {user or group}"
                           f"{' (may change it)' if can_change else ''}")
    return package


def _audit(package, actor, reason):
    """Grants live in guardian's tables, which keep no history: record each one as a
    history entry of the package, with the reason."""
    package = JointPackage.objects.get(pk=package.pk)
    package._change_reason = reason
    save(package, actor)


@transaction.atomic
def joint_package_revoke(*, actor, package, user):
    if actor is not None:
        require(permissions.can_change_joint_package(actor, package))
    if actor is not None and user.pk == actor.pk:
        raise invalid("user", "You cannot remove your own access.")
    remove_perm(f"budgets.{PackagePerm.VIEW}", user, package)
    remove_perm(f"budgets.{PackagePerm.CHANGE}", user, package)
    permissions.clear_cache(user)
    _audit(package, actor, f"Access removed from {user}")
    return package
