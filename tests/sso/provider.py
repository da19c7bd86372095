"""A real OpenID Connect provider (npm oidc-provider, run by Node) for organisation sign-in."""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from sso.models import SignInDomain, SignInProvider
from tests.conftest import missing  # noqa: I001 - the shared rule for missing tools

HERE = Path(__file__).parent
CLIENT_ID = "jcp-portal"
SECRET_ENV = "JCP_TEST_OIDC_SECRET"
SECRET = "a-client-secret-for-tests-only"
CALLBACK = "/account/sign-in/organisation/callback/"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def oidc_provider(live_server, tmp_path):
    """Starts the provider for this test's live server; yields its issuer URL."""
    node = shutil.which("node")
    if node is None or not (Path(HERE.parents[1]) / "node_modules" / "oidc-provider").exists():
        missing("Node.js with the npm package oidc-provider (run `npm ci`)")
    port = _free_port()
    log = tmp_path / "oidc-provider.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [node, str(HERE / "oidc_provider.mjs"), str(port), CLIENT_ID, SECRET,
             live_server.url + CALLBACK], stdout=out, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(issuer + "/.well-known/openid-configuration", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("oidc-provider did not start:\n" + log.read_text()) from None
            time.sleep(0.1)
    os.environ[SECRET_ENV] = SECRET
    yield issuer
    process.terminate()
    process.wait(timeout=10)
    os.environ.pop(SECRET_ENV, None)


@pytest.fixture
def sign_in_provider(oidc_provider, area, council):
    provider = SignInProvider.objects.create(
        local_area=area, name="Testshire County Council account", issuer=oidc_provider,
        client_id=CLIENT_ID, client_secret_env=SECRET_ENV)
    SignInDomain.objects.create(provider=provider, domain="testshire.gov.uk", agency=council)
    return provider
