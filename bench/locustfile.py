"""Locust users for `make bench-load` (bench/load.py starts gunicorn and runs this).

Each simulated person signs in as one of the bench users through the real pages: the
sign-in form, then the two-factor page with a TOTP code computed from the device key that
bench/load.py's set-up stored in build/bench-load-users.json. They then read the pages a
commissioner reads, with 0.5 to 1.5 s of think time between requests.
"""
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time

from locust import HttpUser, between, task

USERS_FILE = os.environ.get("BENCH_LOAD_USERS", "build/bench-load-users.json")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_accounts = json.load(open(USERS_FILE, encoding="utf-8"))  # noqa: SIM115 - read once
_next = itertools.count()
_lock = threading.Lock()
SIGNED_IN = []


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP (SHA-1), as django-otp's TOTPDevice computes it (t0 0, step 30)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return f"{code:0{digits}d}"


class Commissioner(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        """Sign in through the real pages (password, then a TOTP code) with a session of
        its own, so sign-in (a deliberately slow password hash) is not in the figures;
        then carry its cookies over to the measured client."""
        import requests

        with _lock:
            account = _accounts[next(_next) % len(_accounts)]
        self.intention_ids = account["intention_ids"]
        session = requests.Session()
        page = session.get(f"{self.host}/account/sign-in/", timeout=120)
        answer = session.post(page.url, timeout=120, headers={"Referer": page.url}, data={
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            "username": account["username"], "password": account["password"]})
        if "/account/two-factor/" in answer.url:
            answer = session.post(answer.url, timeout=120, headers={"Referer": answer.url},
                                  data={"csrfmiddlewaretoken": CSRF.search(answer.text).group(1),
                                        "otp_token": totp(account["key"])})
        if "/account/" in answer.url or answer.status_code != 200:
            raise RuntimeError(f"sign-in failed for {account['username']}: {answer.url}")
        self.client.cookies.update(session.cookies)
        SIGNED_IN.append(account["username"])

    @task(3)
    def home(self):
        self.client.get("/", name="/ (home)")

    @task(4)
    def intention_list(self):
        self.client.get("/intentions/", name="/intentions/")

    @task(2)
    def intention_list_deep(self):
        self.client.get(f"/intentions/?sort=-value&page={random.randint(2, 400)}",  # noqa: S311
                        name="/intentions/?sort=-value&page=N")

    @task(2)
    def search(self):
        self.client.get(f"/intentions/?q=number+{random.randint(1, 999)}&status=active",  # noqa: S311
                        name="/intentions/?q=..&status=active")

    @task(2)
    def by_stage(self):
        self.client.get("/intentions/by-stage/", name="/intentions/by-stage/")

    @task(3)
    def detail(self):
        pk = random.choice(self.intention_ids)  # noqa: S311
        self.client.get(f"/intentions/{pk}/", name="/intentions/{id}/")

    @task(2)
    def api_list(self):
        self.client.get("/api/v1/intentions/?level=strategic", name="/api/v1/intentions/")
