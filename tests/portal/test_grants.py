"""portal.grants.assign_perms grants what guardian's assign_perm would, in two queries."""
import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from guardian.core import ObjectPermissionChecker

from agencies.models import AgencyGroupObjectPermission
from portal.grants import assign_perms
from tests.factories.agencies import AgencyFactory, member

pytestmark = pytest.mark.django_db


def test_a_group_gets_the_permissions_on_that_object_only(area, django_assert_num_queries):
    agency, other = AgencyFactory(local_area=area), AgencyFactory(local_area=area)
    group = Group.objects.create(name="g")
    ContentType.objects.get_for_model(agency)  # cached for the process, as in production
    with django_assert_num_queries(2):
        assign_perms(["view_agency", "commission_for_agency"], group, agency)
    assign_perms(["view_agency", "commission_for_agency"], group, agency)  # again: nothing changes
    checker = ObjectPermissionChecker(group)
    assert sorted(checker.get_perms(agency)) == ["commission_for_agency", "view_agency"]
    assert checker.get_perms(other) == []
    assert AgencyGroupObjectPermission.objects.filter(content_object=agency).count() == 2


def test_a_user_gets_them_directly(area):
    person = member(AgencyFactory(local_area=area), "viewer")
    assign_perms(["view_localarea"], person, area)
    assert ObjectPermissionChecker(person).has_perm("view_localarea", area)


def test_an_unknown_permission_is_refused(area):
    with pytest.raises(Permission.DoesNotExist):
        assign_perms(["view_agency", "rule_the_world"], Group.objects.create(name="g"),
                     AgencyFactory(local_area=area))
