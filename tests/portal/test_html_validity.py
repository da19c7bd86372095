"""The main pages are valid HTML (the Nu Html Checker from npm `vnu-jar`, run on Java)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from agencies.roles import Role
from tests.conftest import missing

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def validate(files):
    java = shutil.which("java")
    if not java or not VNU.exists():
        missing("Java and vnu-jar (npm ci)")
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                             *map(str, files)], capture_output=True, text=True, timeout=180)
    return json.loads(result.stderr or '{"messages": []}')["messages"]


@pytest.mark.django_db
def test_main_pages_are_valid_html(tmp_path, client, signed_in, council, make_member):
    admin = make_member(council, Role.ADMIN)
    paths = ["/", "/agencies/", f"/agencies/{council.pk}/", "/people/",
             f"/people/{admin.pk}/", "/account/", "/areas/settings/", "/agencies/new/"]
    pages = {"sign-in": client.get("/account/sign-in/").content}
    client = signed_in(admin)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path.strip("/").replace("/", "-") or "home"] = response.content
    pages["form-errors"] = client.post("/agencies/new/", {"name": ""}).content
    # Account pages of issue 14: a new token shown once, the token list, two-factor set-up.
    pages["token-created"] = client.post("/account/tokens/new/", {"name": "Export"}).content
    pages["account-tokens"] = client.get("/account/").content
    newcomer = make_member(council, Role.FINANCE)
    pages["person-invite"] = client.get(f"/people/{newcomer.pk}/").content
    client.force_login(make_member(council, Role.ADMIN))
    pages["two-factor-link"] = client.get("/account/two-factor/").content
    pages["two-factor-sent"] = client.post("/account/two-factor/").content
    files = []
    for name, html in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(html)
    messages = validate(files)
    assert messages == [], json.dumps(messages, indent=1)[:4000]
