"""Agency and board short names (DCC, DDICB, Hub, SSB) are spelled out: an `<abbr>` with
the full name, through the one `abbr` filter (issue 12)."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from tests.factories.agencies import AgencyFactory
from tests.factories.commissioning import Cycle

ROOT = Path(settings.BASE_DIR)


def _render(obj):
    return Template("{% load portal_tags %}{{ obj|abbr }}").render(Context({"obj": obj}))


@pytest.mark.django_db
def test_abbr_spells_out_a_short_name_and_escapes(area):
    dcc = AgencyFactory(local_area=area, name="Derby City Council", short_name="DCC")
    plain = AgencyFactory(local_area=area, name="Tom & Jerry's Forum", short_name="")
    assert _render(dcc) == '<abbr title="Derby City Council">DCC</abbr>'
    assert _render(plain) == "Tom &amp; Jerry&#x27;s Forum"


def test_no_template_shows_a_short_name_without_its_full_name():
    offenders = []
    for folder in ("agencies", "commissioning", "governance", "needs", "portal", "templates"):
        for path in (ROOT / folder).rglob("*.html"):
            for line in path.read_text().splitlines():
                if re.search(r"\{\{[^}]*\.display_name", line):
                    offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


@pytest.mark.django_db
def test_intention_list_spells_out_agency_short_names(area, signed_in):
    council = AgencyFactory(local_area=area, name="Derby City Council", short_name="DCC")
    icb = AgencyFactory(local_area=area, name="Derby and Derbyshire ICB", short_name="DDICB",
                        kind="icb", code="QJ2")
    cycle = Cycle(area, council=council, icb=icb)
    page = signed_in(cycle.commissioner).get("/intentions/").content.decode()
    assert '<abbr title="Derby City Council">DCC</abbr>' in page
    assert '<abbr title="Derby and Derbyshire ICB">DDICB</abbr>' in page
    assert not re.search(r">\s*DCC\s*<(?!/abbr)", page)
