from django.conf import settings

from agencies import permissions
from agencies.roles import Role

from .navigation import nav_items


def portal(request):
    user = getattr(request, "user", None)
    context = {"portal_name": settings.PORTAL_NAME}
    if user is not None and user.is_authenticated:
        area = getattr(request, "area", None)
        roles = permissions.roles_in_area(user, area) if area else set()
        context.update({
            "current_area": area,
            # Lazy: a queryset costs nothing until a page lists the areas; the area bar only
            # needs to know whether there is another area, which the grants already say.
            "my_areas": permissions.visible_areas(user).order_by("name"),
            "has_other_areas": len(permissions.area_ids_for(user)) > 1,
            "my_roles": roles,
            "is_internal": bool(area) and bool(permissions.can_view_internal(user, area)),
            "is_area_admin": bool(area) and bool(permissions.can_administer_area(user, area)),
            "Role": Role,
        })
        context["nav_items"] = nav_items(request, context["is_internal"] or user.is_superuser)
        # Until an administrator has passed two-factor sign-in every section redirects to
        # it, so no section is offered: the navigation shows only "Sign out".
        if _two_factor_pending(user):
            context["nav_items"] = []
            context["two_factor_pending"] = True
    return context


def _two_factor_pending(user) -> bool:
    from agencies import twofactor

    return twofactor.requires_second_factor(user) and not twofactor.is_verified(user)
