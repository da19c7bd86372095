"""Redis down when a request needs it (issue 15): nothing listens on the broker's port.

Asking for a report answers 503 (the API's JSON error body; the page's GOV.UK error
summary) and saves nothing; publishing a report still works and its e-mail task's failed
publish is logged, never a 500; importing needs data also refuses with 503.
"""
import logging

import pytest

from governance import services
from governance.models import BoardReport, ReportStatus
from portal import broker
from portal.errors import ApplicationError


@pytest.mark.django_db
def test_the_api_answers_503_with_the_error_body_and_saves_nothing(gov, api, redis_down):
    assert not broker.available()
    answer = api.as_user(gov.secretary).post(f"/api/v1/boards/{gov.board.pk}/reports/",
                                             {"year": "2025-26", "quarter": 2}, format="json")
    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/json"
    body = answer.json()
    assert set(body) == {"message", "errors", "code"}
    assert body["code"] == "unavailable" and "nothing was saved" in body["message"]
    assert BoardReport.objects.count() == 0


@pytest.mark.django_db
def test_the_page_answers_503_with_the_error_summary_and_saves_nothing(gov, signed_in,
                                                                       redis_down):
    client = signed_in(gov.secretary)
    answer = client.post(f"/boards/{gov.board.pk}/reports/new/",
                         {"year": "2025-26", "quarter": "2"})
    html = answer.content.decode()
    assert answer.status_code == 503
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert "The report and import service is unavailable just now" in html
    assert "<title>Error:" in html
    assert BoardReport.objects.count() == 0


@pytest.mark.django_db
def test_asking_again_for_a_failed_report_while_redis_is_down_changes_nothing(
        gov, produced, redis_down):
    BoardReport.objects.filter(pk=produced.pk).update(status=ReportStatus.FAILED)
    with pytest.raises(ApplicationError) as refused:
        services.report_request(actor=gov.secretary, board=gov.board, year="2025-26",
                                quarter=2)
    assert refused.value.status == 503
    assert BoardReport.objects.get(pk=produced.pk).status == ReportStatus.FAILED


@pytest.mark.django_db
def test_publishing_while_redis_is_down_publishes_and_logs_the_lost_e_mail(
        gov, signed_in, produced, redis_down, django_capture_on_commit_callbacks, caplog):
    client = signed_in(gov.secretary)
    with caplog.at_level(logging.ERROR, logger="portal.background"), \
            django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/reports/{produced.pk}/publish/")
    assert answer.status_code == 302  # not a 500 after the data was saved
    assert BoardReport.objects.get(pk=produced.pk).status == ReportStatus.PUBLISHED
    assert "Could not queue governance.notify_report_published" in caplog.text
