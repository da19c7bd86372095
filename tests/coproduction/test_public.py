"""Public pages and the public API: no sign-in, nothing private."""
import csv
import io

import pytest

from commissioning.coproduction import services
from tests.factories.coproduction import IntentionFactory, close, comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(people, intentions, consultation, area, council):
    said = comment(author=people.parent, intention=intentions.published,
                   body="Please run sessions on Saturdays.")
    named = comment(author=people.young, intention=intentions.published,
                    body="I want to choose my own activities.", show_name=True)
    comment(author=people.parent, intention=intentions.published,
            body="PRIVATE: do not show", show_publicly=False)
    hidden = comment(author=people.young, intention=intentions.published,
                     body="HIDDEN: rude words")
    withdrawn = comment(author=people.parent, intention=intentions.published,
                        body="WITHDRAWN: changed my mind")
    services.comment_hide(actor=people.admin, comment=hidden, reason="Rude", notify=False)
    services.comment_withdraw(actor=people.parent, comment=withdrawn)
    services.response_save(actor=people.commissioner, comment=said, outcome="changed-plan",
                           body="We agree.", what_changed="Saturday sessions added")
    services.response_save(actor=people.commissioner, comment=named,
                           outcome="under-consideration", body="DRAFT ONLY")
    close(consultation)
    services.consultation_publish_responses(actor=people.commissioner,
                                            consultation=consultation, notify=False)
    services.response_save(actor=people.commissioner, comment=named,
                           outcome="not-taken-forward", body="Not this year.",
                           reason="The budget is committed")
    services.milestone_set(actor=people.commissioner, intention=intentions.published,
                           kind="decision", achieved_on=consultation.closes,
                           evidence="JCG decision 12")
    individual = IntentionFactory(local_area=area, lead_agency=council, level="individual",
                                  reference="TST-2026-099", title="Joint package for child X",
                                  owner=people.commissioner)
    return {"said": said, "named": named, "individual": individual}


def test_you_said_we_did_without_sign_in(client, area, story):
    page = client.get(f"/public/{area.slug}/you-said-we-did/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Please run sessions on Saturdays." in html and "Saturday sessions added" in html
    assert "a parent carer" in html and "Yas Young" in html  # chose to give her name
    assert "Priya" not in html and "Parent" not in html.split("a parent carer")[0][-200:]
    for secret in ("PRIVATE", "HIDDEN", "WITHDRAWN", "DRAFT ONLY", "Rude"):
        assert secret not in html, secret
    assert "Not this year." in html and "The budget is committed" in html
    assert "JCG decision 12" in html


def test_transparency_page_hides_sensitive_values_and_packages(client, area, intentions, story):
    html = client.get(f"/public/{area.slug}/transparency/").content.decode()
    assert intentions.published.title in html and "£250,000.00" in html
    assert intentions.sensitive.title in html and "987,654" not in html
    assert "Not published (commercially sensitive)" in html
    assert intentions.unpublished.title not in html  # a draft
    assert "Joint package for child X" not in html


def test_unknown_area_is_404(client, db):
    assert client.get("/public/nowhere/you-said-we-did/").status_code == 404
    response = client.get("/api/v1/public/nowhere/intentions/")
    assert response.status_code == 404 and response.json()["message"]


def test_open_data_csv_and_json_under_the_ogl(client, area, story, intentions):
    page = client.get(f"/public/{area.slug}/open-data/").content.decode()
    assert "Open Government Licence v3.0" in page
    response = client.get(f"/public/{area.slug}/open-data/you-said-we-did.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "open-government-licence" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["you_said"] for r in rows} == {"Please run sessions on Saturdays.",
                                             "I want to choose my own activities."}
    assert {r["comment_by"] for r in rows} == {"a parent carer", "Yas Young"}
    data = client.get(f"/public/{area.slug}/open-data/intentions.json").json()
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    refs = {r["reference"]: r for r in data["rows"]}
    assert set(refs) == {intentions.published.reference, intentions.sensitive.reference}
    assert refs[intentions.sensitive.reference]["estimated_annual_value"] == ""
    assert client.get(f"/public/{area.slug}/open-data/secrets.json").status_code == 404


def test_csv_cells_cannot_run_formulas(client, area, people, intentions):
    comment(author=people.parent, intention=intentions.published,
            body="=HYPERLINK(\"http://evil.example\",\"click\")")
    response = client.get(f"/public/{area.slug}/open-data/you-said-we-did.csv")
    assert "'=HYPERLINK" in response.content.decode()


def test_public_api_without_authentication(client, area, story, intentions):
    response = client.get(f"/api/v1/public/{area.slug}/you-said-we-did/")
    assert response.status_code == 200
    data = response.json()
    assert data["licence"]["url"].startswith("https://www.nationalarchives.gov.uk/")
    texts = {r["you_said"] for r in data["results"]}
    assert texts == {"Please run sessions on Saturdays.", "I want to choose my own activities."}
    first = next(r for r in data["results"] if r["you_said"].startswith("Please"))
    assert first["outcome"] == "Changed the plan" and first["what_changed"]
    assert "Decision: achieved" in first["milestones"]
    raw = response.content.decode()
    for secret in ("PRIVATE", "HIDDEN", "WITHDRAWN", "DRAFT ONLY", "Priya", "parent@",
                   "987654", "Joint package"):
        assert secret not in raw, secret
    intentions_data = client.get(f"/api/v1/public/{area.slug}/intentions/").json()
    assert {r["reference"] for r in intentions_data["results"]} == {
        intentions.published.reference, intentions.sensitive.reference}
    assert "987654" not in str(intentions_data)


def test_public_api_ignores_credentials(api, area, story, people):
    api.as_user(people.commissioner)
    response = api.get(f"/api/v1/public/{area.slug}/you-said-we-did/")
    assert response.status_code == 200 and "DRAFT ONLY" not in response.content.decode()
