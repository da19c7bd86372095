"""A strategy's vision, principles and the outcomes children, young people and families
said they want (issue 13): service, page, strategy page, board report, API, area file."""
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.roles import Role
from commissioning import board_report, services
from commissioning.models import Principle, StrategyOutcome
from governance import quarters
from portal.errors import ApplicationError
from tests.factories.agencies import AgencyFactory, member
from tests.factories.commissioning import BoardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy(area):
    return services.strategy_create(
        actor=None, local_area=area, title="Joint strategy", period="2025-2028",
        status="published", vision="Every child lives a happy, healthy life.",
        principles=["Co-produce everything.", "Spend wisely."],
        outcomes=["Help before crisis.", "Short breaks we can book."],
        priorities=[{"number": 1, "title": "Earlier help"}])


@pytest.fixture
def commissioner(council):
    return member(council, Role.COMMISSIONER, username="commissioner")


def _texts(strategy, related):
    return list(getattr(strategy, related).order_by("position").values_list("text", flat=True))


# --- service -----------------------------------------------------------------------------
def test_update_keeps_rows_in_place_and_audits_who(strategy, commissioner):
    first = strategy.principles.get(position=1)
    services.strategy_update(actor=commissioner, strategy=strategy,
                             principles=["Co-produce everything.", "Spend wisely, together."],
                             outcomes=["Help before crisis."], vision="  A new vision. ")
    strategy.refresh_from_db()
    assert strategy.vision == "A new vision."
    assert _texts(strategy, "principles") == ["Co-produce everything.", "Spend wisely, together."]
    assert _texts(strategy, "outcomes") == ["Help before crisis."]
    assert strategy.principles.get(position=1).pk == first.pk  # unchanged rows stay
    edited = Principle.history.filter(strategy_id=strategy.pk, history_type="~").get()
    assert edited.history_user == commissioner
    removed = StrategyOutcome.history.filter(strategy_id=strategy.pk, history_type="-").get()
    assert removed.text == "Short breaks we can book."


def test_lists_must_be_texts_and_only_commissioners_change_them(strategy, council):
    with pytest.raises(ApplicationError) as exc:
        services.strategy_update(actor=None, strategy=strategy, outcomes="Help before crisis.")
    assert "outcomes" in exc.value.errors
    viewer = member(council, Role.VIEWER)
    with pytest.raises(ApplicationError, match="Only commissioners"):
        services.strategy_update(actor=viewer, strategy=strategy, vision="Mine")


# --- pages -------------------------------------------------------------------------------
def test_strategy_page_shows_vision_principles_outcomes_and_history(signed_in, strategy,
                                                                    commissioner):
    client = signed_in(commissioner)
    page = client.get(f"/strategies/{strategy.pk}/").content.decode()
    for text in ("Every child lives a happy, healthy life.", "Co-produce everything.",
                 "What children, young people and families said they want",
                 "Short breaks we can book.", "History of changes"):
        assert text in page, text
    assert f'href="/strategies/{strategy.pk}/edit/"' in page


def test_edit_page_saves_what_was_entered(signed_in, strategy, commissioner):
    client = signed_in(commissioner)
    url = f"/strategies/{strategy.pk}/edit/"
    form = client.get(url).content.decode()
    assert "Short breaks we can book." in form and "Every child lives" in form
    response = client.post(url, {
        "summary": "Summary.", "vision": "Children thrive close to home.",
        "principles": "First principle\n\n  Second principle  \n",
        "outcomes": "Be listened to\nFriends and things to do\nA job or college"})
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert (strategy.summary, strategy.vision) == ("Summary.", "Children thrive close to home.")
    assert _texts(strategy, "principles") == ["First principle", "Second principle"]
    assert _texts(strategy, "outcomes") == ["Be listened to", "Friends and things to do",
                                            "A job or college"]
    page = client.get(f"/strategies/{strategy.pk}/").content.decode()
    assert "Children thrive close to home." in page
    assert re.search(r"Edited: [^<]*vision", page)
    assert "Outcome 3 (A job or college)" in page  # the added outcome, in the history


def test_bad_input_is_400_and_saves_nothing(signed_in, strategy, commissioner):
    client = signed_in(commissioner)
    response = client.post(f"/strategies/{strategy.pk}/edit/", {
        "vision": "v" * 5001, "outcomes": "\n".join(f"Outcome {n}" for n in range(51))})
    html = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in html
    assert "Shorten the vision" in html and "List 50 outcomes or fewer" in html
    strategy.refresh_from_db()
    assert strategy.vision == "Every child lives a happy, healthy life."
    assert len(_texts(strategy, "outcomes")) == 2


def test_other_areas_and_read_only_roles_get_404(signed_in, strategy, council, other_area):
    stranger = member(AgencyFactory(local_area=other_area, name="Far Council"),
                      Role.COMMISSIONER)
    assert signed_in(stranger).get(f"/strategies/{strategy.pk}/edit/").status_code == 404
    assert signed_in(stranger).post(f"/strategies/{strategy.pk}/edit/",
                                    {"vision": "Taken over"}).status_code == 404
    viewer = member(council, Role.VIEWER)
    client = signed_in(viewer)
    assert client.get(f"/strategies/{strategy.pk}/edit/").status_code == 404
    assert "/edit/" not in client.get(f"/strategies/{strategy.pk}/").content.decode()
    strategy.refresh_from_db()
    assert strategy.vision == "Every child lives a happy, healthy life."


@pytest.mark.parametrize("size", [2, 40])
def test_strategy_page_costs_constant_queries(size, signed_in, area, commissioner,
                                              django_assert_max_num_queries):
    strategy = services.strategy_create(
        actor=None, local_area=area, title=f"Strategy {size}", period="2025-2028",
        vision="Vision.", principles=[f"Principle {n}" for n in range(size)],
        outcomes=[f"Outcome {n}" for n in range(size)],
        priorities=[{"number": n, "title": f"P{n}"} for n in range(1, size + 1)])
    for n in range(size):
        services.strategy_update(actor=commissioner, strategy=strategy,
                                 outcomes=[f"Outcome {n} changed"])
    client = signed_in(commissioner)
    # the request's own (~12); strategy, priorities, principles, outcomes, action plans;
    # intentions answering each priority (2); history: strategy, principles, outcomes (3)
    with django_assert_max_num_queries(24):
        assert client.get(f"/strategies/{strategy.pk}/").status_code == 200


# --- board report ------------------------------------------------------------------------
def test_board_report_shows_the_strategy(area, council, strategy):
    board = BoardFactory(local_area=area)
    year, quarter = quarters.quarter_of(timezone.localdate())
    data = board_report.section(board=board, year=year, quarter=quarter, agencies=[council])
    assert data["strategy"]["vision"] == "Every child lives a happy, healthy life."
    assert data["strategy"]["outcomes"] == ["Help before crisis.", "Short breaks we can book."]
    html = render_to_string(board_report.TEMPLATE, data)
    for text in ("Vision:", "What children, young people and families said they want",
                 "Co-produce everything.", "1. Earlier help"):
        assert text in html, text


# --- API ---------------------------------------------------------------------------------
def test_api_reads_creates_and_patches_the_words(api, area, strategy, commissioner,
                                                 other_area):
    client = api.as_user(commissioner)
    body = client.get(f"/api/v1/strategies/{strategy.pk}/").json()
    assert body["vision"] == "Every child lives a happy, healthy life."
    assert [o["text"] for o in body["outcomes"]] == ["Help before crisis.",
                                                     "Short breaks we can book."]
    created = client.post("/api/v1/strategies/", {
        "local_area": area.slug, "title": "Second", "period": "2028-2031", "vision": "V2",
        "outcomes": ["O1", "O2"], "principles": ["P1"]}, format="json")
    assert created.status_code == 201
    assert [o["position"] for o in created.json()["outcomes"]] == [1, 2]
    patched = client.patch(f"/api/v1/strategies/{strategy.pk}/",
                           {"outcomes": ["Only one"], "vision": "Changed"}, format="json")
    assert patched.status_code == 200
    assert [o["text"] for o in patched.json()["outcomes"]] == ["Only one"]
    assert patched.json()["vision"] == "Changed"
    bad = client.patch(f"/api/v1/strategies/{strategy.pk}/", {"outcomes": "x"}, format="json")
    assert bad.status_code == 400 and "outcomes" in bad.json()["errors"]
    stranger = member(AgencyFactory(local_area=other_area, name="Far"), Role.COMMISSIONER)
    assert api.as_user(stranger).patch(f"/api/v1/strategies/{strategy.pk}/",
                                       {"vision": "Mine"}, format="json").status_code == 404


# --- area file ---------------------------------------------------------------------------
def _file(strategy=None, intentions=None):
    from tests.agencies.test_area_loader import GOOD

    return {**GOOD, "strategy": {"title": "Newshire strategy", "period": "2025-2028",
                                 **(strategy or {})}, **({"intentions": intentions}
                                                         if intentions else {})}


def test_area_file_loads_vision_outcomes_and_joint_leads(tmp_path):
    from commissioning.models import Intention, Strategy
    from portal import area_files
    from tests.agencies.test_area_loader import write

    data = _file({"vision": "Happy lives.", "principles": ["P1", "P2"],
                  "outcomes": ["Help early.", "Breaks we can book."]},
                 [{"reference": "NEW-2025-001", "title": "Joint", "lead": "ncc",
                   "joint_leads": ["icb"], "owner": "sam.lee"}])
    path = write(tmp_path, data)
    area_files.load(path)
    area_files.load(path)
    strategy = Strategy.objects.get(title="Newshire strategy")
    assert strategy.vision == "Happy lives."
    assert _texts(strategy, "outcomes") == ["Help early.", "Breaks we can book."]
    assert StrategyOutcome.history.count() == 2  # loading again changed nothing
    intention = Intention.objects.get(reference="NEW-2025-001")
    assert [a.name for a in intention.lead_agencies] == ["Newshire County Council",
                                                         "NHS Newshire ICB"]


@pytest.mark.parametrize("strategy, intention, where, message", [
    ({"outcomes": [{"text": "x"}]}, None, "strategy.outcomes[0]", "must be text"),
    ({"outcomes": "Help early."}, None, "strategy.outcomes", "must be a list"),
    ({"vision": ["a"]}, None, "strategy.vision", "must be text"),
    ({}, {"joint_leads": ["nobody"]}, "intentions[0].joint_leads[0]", "is not one of"),
    ({}, {"joint_leads": ["ncc"]}, "intentions[0].joint_leads[0]", "is the lead already"),
    ({}, {"joint_leads": ["icb"], "partners": ["icb"]}, "intentions[0].joint_leads[0]",
     "is a partner too"),
])
def test_area_file_refuses_bad_values(tmp_path, strategy, intention, where, message):
    from agencies.models import LocalArea
    from tests.agencies.test_area_loader import problems_of

    intentions = [{"reference": "NEW-2025-001", "title": "Joint", "lead": "ncc",
                   "owner": "sam.lee", **intention}] if intention else None
    problems = problems_of(tmp_path, _file(strategy, intentions))
    assert message in problems[where], problems
    assert not LocalArea.objects.filter(slug="newshire").exists()
