"""The personal-data warning: what it finds, and the confirm step on pages and the API."""
import pytest

from commissioning.coproduction.models import Comment
from commissioning.coproduction.personal_data import find_personal_data, nhs_number_valid

FOUND = [
    ("Please e-mail me at jo.bloggs@example.org", "email"),
    ("contact JO_B+forum@mail.example.co.uk today", "email"),
    ("Call me on 07700 900123", "phone"),
    ("ring (01905) 765432 after 3", "phone"),
    ("my number is +44 7700 900 123", "phone"),
    ("landline 0116-254-1234", "phone"),
    ("his NHS number is 943 476 5919", "nhs-number"),
    ("NHS no. 9434765919", "nhs-number"),
    ("NHS 401-023-2137", "nhs-number"),
    ("she was born on 12/03/2015", "date-of-birth"),
    ("DOB: 2015-03-12", "date-of-birth"),
    ("date of birth 3rd March 2016", "date-of-birth"),
    ("her birthday is 14 February 2012 and", "date-of-birth"),
    ("my son Oliver has autism", "child-name"),
    ("our daughter, Amelia, waited two years", "child-name"),
    ("My son is called Sam and", "child-name"),
    ("my youngest daughter Mia-Rose needs", "child-name"),
    ("Oliver (7) goes to a special school", "child-name"),
    ("Amelia, aged 9, is home educated", "child-name"),
    ("Noah is 12 years old", "child-name"),
]
NOT_FOUND = [
    "My son has autism and waited two years for an assessment.",
    "The consultation closes on 31 March 2026.",
    "The 2025-26 budget of £1,200,000 is not enough.",
    "Phase 2 starts 01/04/2027.",
    "Reference WOR-2025-003 should include respite.",
    "NHS 943 476 5910 is not a real number",  # fails the modulus-11 check
    "We need 24 more places in 2026.",
    "See https://www.example.org/local-offer for the local offer.",
]


@pytest.mark.parametrize("text, kind", FOUND)
def test_it_finds(text, kind):
    assert kind in {f.kind for f in find_personal_data(text)}, text


@pytest.mark.parametrize("text", NOT_FOUND)
def test_it_lets_ordinary_comments_through(text):
    assert find_personal_data(text) == []


@pytest.mark.parametrize("digits, valid", [
    ("9434765919", True), ("4010232137", True), ("9434765910", False),
    ("1234567890", False),  # check digit would be 10: never valid
    ("943476591", False), ("abcdefghij", False),
])
def test_nhs_modulus_11(digits, valid):
    assert nhs_number_valid(digits) is valid




@pytest.mark.django_db
def test_page_asks_to_confirm_then_posts_without_javascript(people, intentions, consultation,
                                                            signed_in):
    client = signed_in(people.parent)
    url = f"/intentions/{intentions.published.pk}/comments/new/"
    body = "My son Oliver (7) waited two years; call 07700 900123."
    first = client.post(url, {"body": body})
    page = first.content.decode()
    assert first.status_code == 400
    assert "seems to contain personal information" in page
    assert "a child&#x27;s name" in page and "a phone number" in page
    assert 'type="checkbox"' in page and 'name="confirm_personal_data"' in page
    assert "Oliver (7) waited" in page  # the text is kept for them to change
    assert Comment.objects.count() == 0
    second = client.post(url, {"body": body, "confirm_personal_data": "on"})
    assert second.status_code == 302
    saved = Comment.objects.get()
    assert saved.personal_data_confirmed and saved.body == body


@pytest.mark.django_db
def test_changing_the_text_instead_of_confirming(people, intentions, signed_in):
    client = signed_in(people.parent)
    url = f"/intentions/{intentions.published.pk}/comments/new/"
    assert client.post(url, {"body": "email me: a@b.org"}).status_code == 400
    assert client.post(url, {"body": "Please reply here instead."}).status_code == 302
    assert not Comment.objects.get().personal_data_confirmed


@pytest.mark.django_db
def test_api_warns_with_findings_then_accepts_confirmation(people, intentions, api):
    client = api.as_user(people.parent)
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    response = client.post(url, {"body": "NHS number 943 476 5919"}, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid" and "personal information" in data["message"]
    assert data["personal_data"] == [{"kind": "nhs-number", "label": "an NHS number",
                                      "text": "943 476 5919"}]
    assert data["errors"]["body"] and data["confirm_with"] == "confirm_personal_data"
    response = client.post(url, {"body": "NHS number 943 476 5919",
                                 "confirm_personal_data": True}, format="json")
    assert response.status_code == 201


@pytest.mark.django_db
def test_editing_runs_the_check_too(people, intentions, api):
    client = api.as_user(people.parent)
    created = client.post(f"/api/v1/intentions/{intentions.published.pk}/comments/",
                          {"body": "Fine text"}, format="json").json()
    response = client.patch(f"/api/v1/comments/{created['id']}/",
                            {"body": "born on 01/02/2014"}, format="json")
    assert response.status_code == 400 and response.json()["personal_data"]
