"""Every needs page passes axe with zero violations, for a commissioner and a parent carer."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.roles import Role
from commissioning.models import Priority, Strategy
from needs import services
from needs.models import ImportRun, Observation, Polarity, Unit
from tests.browser.conftest import submit
from tests.factories.needs import IndicatorFactory, comparators_for, series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (b"indicator_code,area_code,period,value,numerator,denominator,lower_ci,upper_ci,note\n"
       b"sen-prevalence,E10000099,January 2020,16.3,13480,82700,,,\n")


@pytest.fixture
def needs_data(area, council, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    comparators = comparators_for(area, neighbours=3)
    sen = IndicatorFactory(code="sen-prevalence", name="Pupils with SEN",
                           unit=Unit.PERCENTAGE, position=1)
    premature = IndicatorFactory(code="premature", name="Premature births",
                                 unit=Unit.RATE_1000, polarity=Polarity.HIGHER_IS_WORSE)
    series(sen, comparators, {
        f"January {2015 + y}": ((15 + y * 0.3, 12000 + 250 * y, 80000), 14.4 + y * 0.2,
                                14.5 + y * 0.2, [14.6, 14.8, 15.0]) for y in range(5)})
    series(premature, comparators, {
        str(2015 + y): ((90, 486, 5400), 80, 81, [82, 79, 80]) for y in range(4)})
    commissioner = make_member(council, Role.COMMISSIONER, username="b.commissioner")
    parent = make_member(council, Role.PARENT_CARER, username="b.parent")
    strategy = Strategy.objects.create(local_area=area, title="Joint strategy", period="2021-25")
    priority = Priority.objects.create(strategy=strategy, number=1, title="Understand need")
    finding = services.finding_create(
        actor=commissioner, local_area=area, statement="SEN is higher than England",
        found_on=datetime.date(2020, 11, 30), priorities=[priority],
        observations=Observation.objects.filter(indicator=sen, period="January 2019"))
    previewed = services.import_run_create(actor=commissioner, local_area=area,
                                           upload=SimpleUploadedFile("sen.csv", CSV))
    failed = services.import_run_create(
        actor=commissioner, local_area=area,
        upload=SimpleUploadedFile("bad.csv", CSV.replace(b"16.3", b"lots")))
    queued = ImportRun.objects.create(local_area=area, created_by=commissioner,
                                      filename="big.csv")
    return {"sen": sen, "premature": premature, "finding": finding, "people": {
        "commissioner": commissioner, "parent": parent},
        "runs": [previewed, failed, queued]}


def test_needs_pages_for_a_commissioner(needs_data, browse, check_page):
    page = browse(needs_data["people"]["commissioner"])
    for path in ["/needs/", f"/indicators/{needs_data['sen'].pk}/",
                 f"/indicators/{needs_data['premature'].pk}/", "/findings/",
                 f"/findings/{needs_data['finding'].pk}/", "/findings/new/", "/needs/imports/",
                 *[f"/needs/imports/{run.pk}/" for run in needs_data["runs"][:2]]]:
        check_page(page, path)
    assert page.locator("text=Line 2: Value 'lots' is not a number.").count() == 1


def test_needs_forms_with_errors(needs_data, browse, check_page, live_server):
    from tests.browser.conftest import axe_violations

    page = browse(needs_data["people"]["commissioner"])
    check_page(page, "/findings/new/")
    submit(page, "#main-form button[type=submit]")
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []
    check_page(page, "/needs/imports/")
    submit(page, "#main-form button[type=submit]")
    assert "Select a CSV file to upload" in page.content()
    assert axe_violations(page) == []


def test_import_in_the_browser(needs_data, browse, check_page, tmp_path):
    page = browse(needs_data["people"]["commissioner"])
    check_page(page, "/needs/imports/")
    upload = tmp_path / "upload.csv"
    upload.write_bytes(CSV)
    page.set_input_files("#id_file", str(upload))
    submit(page, "#main-form button[type=submit]")
    assert "New figures" in page.content()
    submit(page, "text=Import 1 new and changed figures")
    assert "figures saved" in page.content()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []


def test_running_import_page(needs_data, browse, check_page):
    page = browse(needs_data["people"]["commissioner"])
    check_page(page, f"/needs/imports/{needs_data['runs'][2].pk}/")
    assert "Refresh to see progress" in page.content()


def test_needs_pages_for_a_parent_carer(needs_data, browse, check_page):
    page = browse(needs_data["people"]["parent"])
    for path in ["/needs/", f"/indicators/{needs_data['sen'].pk}/", "/findings/",
                 f"/findings/{needs_data['finding'].pk}/"]:
        check_page(page, path)
    check_page(page, "/needs/imports/", status=404)


def test_platform_import_page_passes_axe_with_and_without_errors(
        browse, check_page, django_user_model, settings, tmp_path):
    from tests.browser.conftest import axe_violations

    settings.MEDIA_ROOT = tmp_path
    admin = django_user_model.objects.create_superuser(
        "platform.admin", "platform.admin@example.org", "secret-pass-123")
    page = browse(admin)
    check_page(page, "/needs/platform-imports/")
    submit(page, "main form[enctype] button[type=submit]")  # no file chosen
    assert "There is a problem" in page.content()
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == []
