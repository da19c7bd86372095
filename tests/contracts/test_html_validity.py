"""Every contracts page (and its error states) is valid HTML (Nu Html Checker)."""
import json
from datetime import date

import pytest
from django.utils import timezone

from commissioning.contracts import quarters, services
from tests.factories.contracts import add_return, make_kpi
from tests.portal.test_html_validity import validate

pytestmark = pytest.mark.django_db


def test_contract_pages_are_valid_html(tmp_path, signed_in, commissioner, contract):
    kpi = make_kpi(contract)
    add_return(kpi, *quarters.last_ended(timezone.localdate()), "70", comment="Late start")
    assessment = services.assessment_create(actor=None, contract=contract, rating="other",
                                            reason="Demo", assessed_on=timezone.localdate())
    services.quality_visit_record(actor=None, contract=contract, visited_on=date(2025, 5, 1),
                                  findings="Fine.", rating="good")
    client = signed_in(commissioner)
    c, p = contract.pk, contract.provider_id
    pages = {}
    for path in ["/contracts/", f"/contracts/{c}/", "/contracts/ending/",
                 "/contracts/performance/?period=2025-26|1", "/providers/", f"/providers/{p}/",
                 "/contracts/new/", f"/contracts/{c}/edit/", f"/contracts/{c}/kpis/new/",
                 f"/contracts/{c}/visits/new/", f"/contracts/{c}/returns/",
                 f"/contracts/{c}/assessments/new/",
                 f"/contracts/assessments/{assessment.pk}/edit/", "/providers/new/",
                 f"/contracts/kpis/{kpi.pk}/edit/",
                 f"/contracts/returns/{kpi.returns.get().pk}/correct/",
                 "/contracts/?ends_before=soon"]:
        pages[path] = client.get(path).content
    pages["returns-errors"] = client.post(f"/contracts/{c}/returns/", {
        "year": "x", f"kpi-{kpi.pk}": "ninety"}).content
    pages["contract-errors"] = client.post("/contracts/new/", {"title": ""}).content
    files = []
    for n, html in enumerate(pages.values()):
        files.append(tmp_path / f"page-{n}.html")
        files[-1].write_bytes(html)
    messages = validate(files)
    names = {str(f): path for f, path in zip(files, pages, strict=True)}
    for message in messages:
        message["page"] = names.get(message.get("url", "").removeprefix("file:"), "?")
    assert messages == [], json.dumps(messages, indent=1)[:4000]
