"""Home panels of the agencies app."""
from django.urls import reverse

from .roles import Role


def panels(user, area):
    return [{
        "title": "Set up your local area",
        "roles": [Role.ADMIN],
        "items": [
            {"text": "Stages of the commissioning cycle",
             "href": reverse("agencies:area-settings"),
             "meta": ", ".join(s.name for s in area.stages.all())},
            {"text": "Add a person and give them a role",
             "href": reverse("agencies:person-create")},
            {"text": "Add an agency", "href": reverse("agencies:agency-create")},
        ],
        "empty": "",
    }]
