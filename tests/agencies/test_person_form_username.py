"""The username rule the "Add a person" page states (letters, digits, dots or hyphens) is
the rule it applies: the demo's own usernames (helen.marsh) were refused by a SlugField."""
import pytest

from agencies.forms import PersonForm

BASE = {"first_name": "Alex", "last_name": "Adebayo", "email": "alex@example.org"}


@pytest.mark.parametrize("username", ["alex.adebayo", "derbyshire.commissioner", "a-b", "ab12"])
def test_usernames_with_dots_and_hyphens_are_accepted(username):
    assert PersonForm({**BASE, "username": username}).is_valid()


@pytest.mark.parametrize("username", ["alex adebayo", ".alex", "alex@home", "ålex", ""])
def test_other_usernames_are_refused_with_a_plain_message(username):
    form = PersonForm({**BASE, "username": username})
    assert not form.is_valid()
    assert form.errors["username"][0] in ("Enter a username",
                                          "Enter a username of letters, digits, dots or "
                                          "hyphens")
