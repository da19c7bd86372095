"""Services: comparator sets, findings, queued imports."""
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.roles import Role
from commissioning.models import Priority, Strategy
from needs import services
from needs.models import Finding, ImportRun, ImportStatus, Observation
from portal.errors import ApplicationError
from tests.factories.agencies import AgencyFactory, LocalAreaFactory, member
from tests.factories.needs import GeographyFactory, IndicatorFactory

CSV = (b"indicator_code,area_code,period,value,numerator,denominator,lower_ci,upper_ci,note\n"
       b"sen-prevalence,E10000099,January 2021,16.1,,,,,\n")


def test_finding_links_observations_and_priorities(people, area, sen, priority):
    obs = Observation.objects.filter(indicator=sen)[:2]
    finding = services.finding_create(
        actor=people[Role.COMMISSIONER], local_area=area, statement=" SEN is higher. ",
        found_on=datetime.date(2020, 11, 30), observations=obs, priorities=[priority])
    assert finding.statement == "SEN is higher."
    assert finding.author == people[Role.COMMISSIONER]
    assert set(finding.priorities.all()) == {priority}
    assert finding.history.first().history_user == people[Role.COMMISSIONER]
    assert list(priority.findings.all()) == [finding]


def test_finding_refuses_other_areas_priorities(people, area):
    other = Strategy.objects.create(local_area=LocalAreaFactory(slug="elsewhere"),
                                    title="Theirs", period="2021")
    theirs = Priority.objects.create(strategy=other, number=1, title="Not ours")
    with pytest.raises(ApplicationError) as caught:
        services.finding_create(actor=people[Role.COMMISSIONER], local_area=area,
                                statement="x", found_on=datetime.date(2021, 1, 1),
                                priorities=[theirs])
    assert caught.value.errors == {"priorities": ["Choose priorities of this area."]}
    assert not Finding.objects.exists()


@pytest.mark.parametrize("role", [Role.PARENT_CARER, Role.VIEWER, Role.APPROVER])
def test_finding_refused_for_readers(people, area, role):
    with pytest.raises(ApplicationError) as caught:
        services.finding_create(actor=people[role], local_area=area, statement="x",
                                found_on=datetime.date(2021, 1, 1))
    assert caught.value.code == "forbidden"


def test_comparator_set_cannot_list_itself_as_neighbour(area, people, comparators):
    with pytest.raises(ApplicationError):
        services.comparator_set_save(actor=people[Role.ADMIN], local_area=area,
                                     geography=comparators.geography,
                                     england=comparators.england,
                                     neighbours=[comparators.geography])


def test_queued_import_previews_then_imports(people, area, sen, settings, tmp_path,
                                             django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    user = people[Role.COMMISSIONER]
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_run_create(actor=user, local_area=area,
                                         upload=SimpleUploadedFile("sen.csv", CSV))
    run.refresh_from_db()
    assert (run.status, run.rows, run.new, run.changed, run.errors) == (
        ImportStatus.PREVIEWED, 1, 1, 0, [])
    assert not Observation.objects.filter(period="January 2021").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.import_run_confirm(actor=user, run=run)
    run.refresh_from_db()
    assert run.status == ImportStatus.IMPORTED
    assert Observation.objects.get(period="January 2021").value == Decimal("16.1")
    # The task is safe to run twice: a finished run is left alone.
    assert services.import_run_execute(run_id=run.pk, dry_run=False).status == \
        ImportStatus.IMPORTED


def test_confirm_refuses_a_failed_check(people, area, sen, settings, tmp_path,
                                        django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_run_create(
            actor=people[Role.COMMISSIONER], local_area=area,
            upload=SimpleUploadedFile("bad.csv", CSV.replace(b"16.1", b"lots")))
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.errors == [{"line": 2, "message": "Value 'lots' is not a number."}]
    with pytest.raises(ApplicationError):
        services.import_run_confirm(actor=people[Role.COMMISSIONER], run=run)


def test_an_import_while_redis_is_down_is_refused_with_503_and_nothing_stored(
        people, area, sen, settings, tmp_path, redis_down):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ApplicationError) as refused:
        services.import_run_create(actor=people[Role.COMMISSIONER], local_area=area,
                                   upload=SimpleUploadedFile("sen.csv", CSV))
    assert refused.value.status == 503 and "nothing was saved" in refused.value.message
    assert not ImportRun.objects.exists()
    assert not any(tmp_path.rglob("*.csv"))


def test_import_refused_for_parent_carers(people, area):
    with pytest.raises(ApplicationError):
        services.import_run_create(actor=people[Role.PARENT_CARER], local_area=area,
                                   upload=SimpleUploadedFile("x.csv", CSV))
    assert not ImportRun.objects.exists()


def test_reference_data_is_for_platform_admins(area, council):
    user = member(AgencyFactory(local_area=area), Role.ADMIN)
    with pytest.raises(ApplicationError):
        services.indicator_save(actor=user, code="x", name="X", unit="count")
    assert services.geography_save(actor=None, code="E10000034", name="Worcestershire",
                                   kind="local-authority").pk
    IndicatorFactory(code="y")
    GeographyFactory(code="E10000035")
