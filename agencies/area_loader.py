"""Sections `area`, `agencies`, `people` and `demo_roles` of an area file."""
import datetime
import re
from decimal import Decimal, InvalidOperation

from portal.area_files import ANY, FLAG, MapOf

from . import services
from .models import Agency, AgencyKind, AgencySuccession, LocalArea, Membership, User
from .roles import Role

ORDER = 10
MEMBERSHIP = {"agency": ANY, "role": ANY, "limit": ANY}
# Every key an area file may use in these sections (anything else is refused).
KEYS = {
    "area": {"name": ANY, "slug": ANY, "reference_prefix": ANY, "description": ANY,
             "stages": [{"name": ANY, "description": ANY, "checklist": ANY}]},
    "agencies": [{"key": ANY, "name": ANY, "short_name": ANY, "kind": ANY, "code": ANY,
                  "host": FLAG, "website": ANY,
                  # replaced by another agency of the file from a date (CCG -> ICB)
                  "successor": {"agency": ANY, "date": ANY, "note": ANY}}],
    "people": [{"username": ANY, "email": ANY, "first_name": ANY, "last_name": ANY,
                "job_title": ANY, "memberships": [MEMBERSHIP]}],
    "demo_roles": MapOf([{"agency": ANY, "limit": ANY}]),   # role: agency key(s) or records
}
SLUG = re.compile(r"^[a-z0-9-]+$")
ROLES = {r.value for r in Role}


def validate(data, check):
    area = data.get("area")
    if not isinstance(area, dict):
        check.error("area", "is required (name, slug, reference_prefix, stages)")
        area = {}
    check.require(area, "name", "area")
    slug = check.require(area, "slug", "area")
    if slug and not SLUG.match(slug):
        check.error("area.slug", "use lower-case letters, digits and hyphens")
    prefix = check.require(area, "reference_prefix", "area")
    if prefix and not re.match(r"^[A-Z]{2,6}$", prefix):
        check.error("area.reference_prefix", "use 2 to 6 capital letters")
    stages = check.items(area, "stages", "area")
    if len(stages) < 2:
        check.error("area.stages", "list at least two stages")
    for path, stage in stages:
        check.require(stage, "name", path)
    check.unique([s.get("name") for _, s in stages if isinstance(s, dict)], "area.stages",
                 "stage name")

    agencies = check.items(data, "agencies")
    if not agencies:
        check.error("agencies", "list at least one agency")
    keys = []
    for path, agency in agencies:
        keys.append(check.require(agency, "key", path))
        check.require(agency, "name", path)
        check.one_of(check.require(agency, "kind", path), {k.value for k in AgencyKind},
                     f"{path}.kind")
    check.unique(keys, "agencies", "agency key")
    check.unique([a.get("name") for _, a in agencies if isinstance(a, dict)], "agencies",
                 "agency name")
    known = set(keys)
    _validate_successions(check, agencies, known)

    for path, person in check.items(data, "people"):
        check.require(person, "username", path)
        check.require(person, "email", path)
        for mpath, membership in check.items(person, "memberships", path):
            _validate_membership(check, membership, mpath, known)
    check.unique([p.get("username") for _, p in check.items(data, "people")
                  if isinstance(p, dict)], "people", "username")

    demo = data.get("demo_roles", {})
    if not isinstance(demo, dict):
        check.error("demo_roles", "must map role slugs to agency keys")
        return
    for role, spec in demo.items():
        check.one_of(role, ROLES, f"demo_roles.{role}")
        for i, item in enumerate(spec if isinstance(spec, list) else [spec]):
            item = item if isinstance(item, dict) else {"agency": item}
            _validate_membership(check, {**item, "role": role}, f"demo_roles.{role}[{i}]", known)


def _validate_successions(check, agencies, known):
    """`successor: {agency: KEY, date: 2022-07-01}`: a known agency, not itself, a real
    date, and no chain of successors that comes back to where it started."""
    links = {}
    for path, agency in agencies:
        spec = agency.get("successor") if isinstance(agency, dict) else None
        if spec is None:
            continue
        if not isinstance(spec, dict):
            check.error(f"{path}.successor", "must be a mapping with agency and date")
            continue
        target = check.require(spec, "agency", f"{path}.successor")
        if target is not None and target not in known:
            check.error(f"{path}.successor.agency", f"unknown agency {target!r}")
        elif target is not None and target == agency.get("key"):
            check.error(f"{path}.successor.agency", "an agency cannot replace itself")
        elif target is not None:
            links[agency.get("key")] = (target, path)
        if not isinstance(spec.get("date"), datetime.date):
            check.error(f"{path}.successor.date", "is required, a date like 2022-07-01")
    for start, (_, path) in links.items():
        seen, current = {start}, start
        while current in links:
            current = links[current][0]
            if current in seen:
                if current == start:
                    check.error(f"{path}.successor", "the successors go round in a circle "
                                f"back to {start!r}")
                break
            seen.add(current)


def _validate_membership(check, membership, path, known):
    agency = check.require(membership, "agency", path)
    if agency is not None and agency not in known:
        check.error(f"{path}.agency", f"unknown agency {agency!r}")
    check.one_of(check.require(membership, "role", path), ROLES, f"{path}.role")
    limit = membership.get("limit", 0) if isinstance(membership, dict) else 0
    try:
        if Decimal(str(limit)) < 0:
            check.error(f"{path}.limit", "must not be negative")
    except InvalidOperation:
        check.error(f"{path}.limit", f"{limit!r} is not an amount of money")


def load(data, ctx):
    spec = data["area"]
    area = LocalArea.objects.filter(slug=spec["slug"]).first()
    if area is None:
        area = services.local_area_create(
            actor=None, name=spec["name"], slug=spec["slug"],
            reference_prefix=spec["reference_prefix"], description=spec.get("description", ""),
            stage_names=[s["name"] for s in spec["stages"]])
    else:
        area.name, area.description = spec["name"], spec.get("description", "")
        area.reference_prefix = spec["reference_prefix"]
        area.save()
    services.stages_set(actor=None, local_area=area, stages=spec["stages"])
    ctx["area"] = area
    ctx["agencies"] = {a["key"]: _agency(area, a) for a in data["agencies"]}
    for spec in data["agencies"]:
        if spec.get("successor"):
            _succession(ctx["agencies"], spec)
    ctx["people"] = {}
    for person in data.get("people", []):
        user = _person(person, ctx)
        ctx["people"][person["username"]] = user
        for membership in person.get("memberships", []):
            _membership(user, membership, ctx)
    for role, spec in data.get("demo_roles", {}).items():
        username = f"{area.slug}.{role}"
        user = _person({"username": username, "email": f"{username}@demo.invalid",
                        "first_name": "Demo", "last_name": Role(role).label}, ctx)
        ctx["people"][username] = user
        for item in spec if isinstance(spec, list) else [spec]:
            item = item if isinstance(item, dict) else {"agency": item}
            _membership(user, {**item, "role": role}, ctx)


def _agency(area, spec):
    fields = {"name": spec["name"], "short_name": spec.get("short_name", ""),
              "kind": spec["kind"], "code": spec.get("code", ""),
              "is_host": bool(spec.get("host", False)), "website": spec.get("website", "")}
    agency = Agency.objects.filter(local_area=area, name=spec["name"]).first()
    if agency is None:
        return services.agency_create(actor=None, local_area=area, **fields)
    return services.agency_update(actor=None, agency=agency, **fields)


def _succession(agencies, spec):
    predecessor = agencies[spec["key"]]
    successor = agencies[spec["successor"]["agency"]]
    existing = AgencySuccession.objects.filter(predecessor=predecessor).first()
    if existing is not None and existing.successor_id == successor.pk:
        return existing  # recorded already (by an earlier load or on the page)
    return services.agency_succession_record(
        actor=None, predecessor=predecessor, successor=successor,
        date=spec["successor"]["date"], note=spec["successor"].get("note", ""))


def _person(spec, ctx):
    user = User.objects.filter(username=spec["username"]).first()
    if user is None:
        user = services.person_create(
            actor=None, username=spec["username"], email=spec["email"],
            first_name=spec.get("first_name", ""), last_name=spec.get("last_name", ""),
            job_title=spec.get("job_title", ""), password=ctx.get("password"))
    elif ctx.get("password") and not user.check_password(ctx["password"]):
        user.set_password(ctx["password"])
        user.save(update_fields=["password"])
    return user


def _membership(user, spec, ctx):
    agency = ctx["agencies"][spec["agency"]]
    limit = Decimal(str(spec.get("limit", 0)))
    existing = Membership.objects.filter(user=user, agency=agency, role=spec["role"]).first()
    if existing is None:
        services.membership_create(actor=None, user=user, agency=agency, role=spec["role"],
                                   delegated_limit=limit)
    elif existing.delegated_limit != limit:
        services.membership_update(actor=None, membership=existing, delegated_limit=limit)
