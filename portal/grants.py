"""Writing guardian's object permissions several at a time.

guardian's `assign_perm` costs five queries a permission (the permission's row, then a
get_or_create in a savepoint). A new role or board group receives four or five at once,
every time an agency, a board or a role is first used: here that is two queries.
"""
from django.contrib.auth.models import Permission
from guardian.utils import get_group_obj_perms_model, get_identity, get_user_obj_perms_model


def assign_perms(codenames, user_or_group, obj):
    """Grant `obj`'s permissions named by `codenames` (of obj's own model) to a user or a
    group; those already held stay as they are."""
    user, group = get_identity(user_or_group)
    model = get_user_obj_perms_model(obj) if user else get_group_obj_perms_model(obj)
    holder = {"user": user} if user else {"group": group}
    opts = obj._meta
    permissions = Permission.objects.filter(
        content_type__app_label=opts.app_label, content_type__model=opts.model_name,
        codename__in=list(codenames))
    if model.objects.is_generic():
        where = {"content_type_id": None, "object_pk": str(obj.pk)}
    else:
        where = {"content_object": obj}
    unknown = set(codenames) - {permission.codename for permission in permissions}
    if unknown:  # as assign_perm would: a misspelt permission must not pass unnoticed
        raise Permission.DoesNotExist(f"{opts.label} has no permission {sorted(unknown)}")
    rows = []
    for permission in permissions:
        if "content_type_id" in where:
            where["content_type_id"] = permission.content_type_id
        rows.append(model(permission=permission, **holder, **where))
    model.objects.bulk_create(rows, ignore_conflicts=True)
