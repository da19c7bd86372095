"""Every signed-in page answers for the roles that use it (rendering, no 500s)."""
import pytest

from commissioning.coproduction import services
from tests.factories.coproduction import comment

pytestmark = pytest.mark.django_db


def test_pages_render(signed_in, people, intentions, consultation, client):
    c1 = comment(author=people.parent, intention=intentions.published)
    services.response_save(actor=people.commissioner, comment=c1, body="Thank you",
                           outcome="under-consideration")
    client = signed_in(people.parent)
    for path in [f"/intentions/{intentions.published.pk}/consultation/",
                 f"/intentions/{intentions.published.pk}/comments/new/",
                 f"/intentions/{intentions.published.pk}/comments/new/?in_reply_to={c1.pk}",
                 f"/comments/{c1.pk}/edit/", f"/comments/{c1.pk}/withdraw/",
                 "/comments/mine/", "/consultations/", "/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    client = signed_in(people.commissioner)
    for path in [f"/intentions/{intentions.published.pk}/consultation/",
                 "/comments/awaiting-response/", f"/comments/{c1.pk}/respond/",
                 f"/comments/{c1.pk}/report/",
                 f"/intentions/{intentions.published.pk}/consultation/new/",
                 f"/consultations/{consultation.pk}/edit/",
                 f"/consultations/{consultation.pk}/publish-responses/",
                 f"/intentions/{intentions.published.pk}/milestones/", "/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    client = signed_in(people.admin)
    for path in [f"/comments/{c1.pk}/hide/", "/comments/reported/"]:
        assert client.get(path).status_code == 200, path
