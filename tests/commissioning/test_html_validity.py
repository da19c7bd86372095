"""The cycle's pages are valid HTML (Nu Html Checker, see tests/portal/test_html_validity)."""
import json

import pytest

from commissioning import services
from tests.factories.commissioning import Cycle, PriorityFactory, StrategyFactory
from tests.portal.test_html_validity import validate

pytestmark = pytest.mark.django_db


def test_cycle_pages_are_valid_html(tmp_path, signed_in, area):
    cycle = Cycle(area)
    strategy = StrategyFactory(local_area=area)
    priority = PriorityFactory(strategy=strategy, number=1)
    services.intention_update(actor=None, intention=cycle.intention, priorities=[priority])
    cycle.submit()
    plan = services.action_plan_create(actor=None, local_area=area, title="Plan",
                                       strategy=strategy)
    action = services.action_create(actor=None, plan=plan, number="1", title="Act",
                                    owner_agency=cycle.council, rag="amber")
    item = services.disagreement_create(actor=None, local_area=area, subject="Costs",
                                        raised_by=cycle.commissioner,
                                        parties=[cycle.council, cycle.icb])
    pk = cycle.intention.pk
    client = signed_in(cycle.commissioner)
    pages = {}
    for path in ["/intentions/", "/intentions/by-stage/", f"/intentions/{pk}/",
                 "/intentions/new/", f"/intentions/{pk}/edit/", f"/intentions/{pk}/status/hold/",
                 "/approvals/", "/strategies/", f"/strategies/{strategy.pk}/",
                 f"/action-plans/{plan.pk}/", f"/actions/{action.pk}/edit/",
                 "/disagreements/", "/disagreements/new/", f"/disagreements/{item.pk}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path.strip("/").replace("/", "-")] = response.content
    pages["form-errors"] = client.post("/intentions/new/", {"title": ""}).content
    approver = signed_in(cycle.icb_approver)
    pages["sign-off"] = approver.get(f"/intentions/{pk}/sign-off/?agency={cycle.icb.pk}").content
    files = []
    for name, html in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(html)
    messages = validate(files)
    assert messages == [], json.dumps(messages, indent=1)[:4000]
