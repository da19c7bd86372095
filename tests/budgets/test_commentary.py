"""Issue 16: narrative commentary on the position (overall and per schedule: reasons for
the variance, mitigations, forecast risks), frozen with the figures when the quarter is
submitted, shown on the position page and printed in the board report."""
from datetime import date

import pytest

from commissioning.budgets import services
from commissioning.budgets.board_report import section
from commissioning.budgets.models import PositionCommentary
from commissioning.budgets.position import digest, position_of
from portal.errors import ApplicationError

YEAR = "2025-26"
AFTER_Q2 = date(2025, 10, 3)


def write(s75, actor=None, schedule=None, **texts):
    return services.commentary_set(actor=actor, agreement=s75["agreement"], year=YEAR,
                                   quarter=2, schedule=schedule, **texts)


def test_commentary_is_part_of_the_position_and_frozen_on_submission(s75, manager, finance):
    write(s75, finance, variance_reasons="Placements cost more than planned.\nTwo new ones.")
    write(s75, finance, schedule=s75["s1"], mitigations="Step-down reviews every month.",
          forecast_risks="Two children may need residential care in Q3.")
    position = position_of(s75["agreement"], YEAR, 2)
    assert position["commentary"]["overall"]["variance_reasons"].endswith("Two new ones.")
    [note] = position["commentary"]["schedules"]
    assert note["code"] == "S1" and note["mitigations"] == "Step-down reviews every month."
    assert PositionCommentary.objects.get(schedule=s75["s1"]).history.first().history_user \
        == finance

    snapshot = services.quarter_submit(actor=manager, agreement=s75["agreement"], year=YEAR,
                                       quarter=2, today=AFTER_Q2)
    assert snapshot.position["commentary"] == position["commentary"]
    assert snapshot.sha256 == digest(position)  # the sha256 covers the narrative too
    with pytest.raises(ApplicationError) as caught:
        write(s75, finance, variance_reasons="Changed my mind")
    assert caught.value.status == 409
    # another quarter's commentary is its own
    assert position_of(s75["agreement"], YEAR, 3)["commentary"] == {"overall": None,
                                                                     "schedules": []}


def test_bad_text_is_refused(s75, finance, viewer, area, council, icb):
    with pytest.raises(ApplicationError, match="control characters"):
        write(s75, finance, mitigations="a\x00b")
    with pytest.raises(ApplicationError, match="5,000 characters"):
        write(s75, finance, forecast_risks="x" * 5001)
    with pytest.raises(ApplicationError) as caught:
        write(s75, viewer, mitigations="Not mine to write")
    assert caught.value.status == 403
    from tests.factories import budgets as make

    other = make.agreement(area, [council, icb], title="Another pool")
    stray = make.schedule(other, "X1")
    with pytest.raises(ApplicationError, match="schedule of this agreement"):
        write(s75, finance, schedule=stray, mitigations="Wrong pool")
    assert not PositionCommentary.objects.exists()


def test_commentary_page(signed_in, s75, finance, viewer):
    pk = s75["agreement"].pk
    url = f"/pooled-budgets/{pk}/commentary/{YEAR}/2/"
    position = f"/pooled-budgets/{pk}/position/?year={YEAR}&quarter=2"
    assert signed_in(viewer).get(url).status_code == 404
    assert "Write the commentary" not in signed_in(viewer).get(position).content.decode()
    client = signed_in(finance)
    assert "Write the commentary" in client.get(position).content.decode()
    assert client.get(url).status_code == 200
    s1 = s75["s1"].pk
    bad = client.post(url, {f"mitigations_{s1}": "a\x01b"})
    assert bad.status_code == 400 and "control characters" in bad.content.decode()
    assert not PositionCommentary.objects.exists()
    ok = client.post(url, {"variance_reasons_overall": "Placements over plan",
                           f"forecast_risks_{s1}": "Two new placements expected"})
    assert ok.status_code == 302
    page = client.get(position).content.decode()
    assert "Placements over plan" in page and "Two new placements expected" in page
    assert client.get(url).content.decode().count("Two new placements expected") == 1


def test_commentary_api(api, s75, finance, viewer, other_area):
    pk = s75["agreement"].pk
    url = f"/api/v1/pooled-budgets/{pk}/commentary/"
    body = {"year": YEAR, "quarter": 2, "schedule": "s2", "mitigations": "Fewer short breaks"}
    response = api.as_user(finance).post(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["commentary"]["schedules"][0]["code"] == "S2"
    unknown = api.as_user(finance).post(url, {**body, "schedule": "S9"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"]["schedule"]
    forbidden = api.as_user(viewer).post(url, body, format="json")
    assert forbidden.status_code == 403
    from agencies.roles import Role
    from tests.factories.agencies import AgencyFactory, member

    far = member(AgencyFactory(local_area=other_area), Role.FINANCE, username="far")
    assert api.as_user(far).post(url, body, format="json").status_code == 404


def test_board_report_prints_the_commentary(s75, finance, council, icb):
    write(s75, finance, variance_reasons="Placements over plan in the autumn")
    found = section(board=None, year=YEAR, quarter=2, agencies=[council, icb])
    from django.template.loader import render_to_string

    html = render_to_string("budgets/report_section.html", found)
    assert "Placements over plan in the autumn" in html
    assert "Commentary" in html
