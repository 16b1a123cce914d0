"""The reference page (web/) in Debian's Chromium against `fieldcrm serve` on PostgreSQL:
sign in, search, open the whole Customer View, send the suggestion and see it SCHEDULED,
record a payment. Screenshots: web/test-results/customer-view/.

Needs FIELDCRM_TEST_POSTGRES_URL, Node.js and /usr/bin/chromium (`.ci/run` installs it);
outside CI a missing one skips the test, in CI (CI=true) it fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.browser.live_fieldcrm import live_fieldcrm
from tests.browser.shop import CUSTOMER, OFFICE, seed

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
OUT = WEB / "test-results" / "customer-view"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OFFICE_PASSWORD = "office-password-42"


def _require(ready: bool, what: str) -> None:
    if ready:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser test needs {what} (CI must provide it)")
    pytest.skip(f"needs {what}")


def _build_page() -> None:
    """npm ci + build of web/ when its sources changed (the Makefile's rule for `make run`)."""
    subprocess.run(["make", "-s", "web/dist/index.html"], cwd=ROOT, check=True, timeout=600)
    if not (WEB / "node_modules" / "playwright-core").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True, timeout=600)


def test_the_office_reads_the_customer_view_and_acts_on_it_in_chromium() -> None:
    postgres_url = os.environ.get("FIELDCRM_TEST_POSTGRES_URL", "")
    _require(bool(postgres_url), "PostgreSQL (FIELDCRM_TEST_POSTGRES_URL)")
    _require(shutil.which("node") is not None, "Node.js (node)")
    _require(Path(CHROMIUM).is_file(), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    _build_page()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)

    with live_fieldcrm(postgres_url, OUT / "server.log") as server:
        shop = asyncio.run(seed(server, OFFICE_PASSWORD))
        env = os.environ | {
            "FIELDCRM_URL": server.url,
            "FIELDCRM_USERNAME": OFFICE,
            "FIELDCRM_PASSWORD": OFFICE_PASSWORD,
            "FIELDCRM_CUSTOMER": CUSTOMER,
            "FIELDCRM_EXPECT": json.dumps(shop.expected),
            "OUT_DIR": str(OUT),
            "CHROMIUM": CHROMIUM,
        }
        browser = subprocess.run(
            ["node", "tests/customer-view.browser.mjs"],
            cwd=WEB,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert browser.returncode == 0, browser.stdout + browser.stderr
        result = json.loads(browser.stdout.strip().splitlines()[-1])

        login = {"username": OFFICE, "password": OFFICE_PASSWORD}
        token = httpx.post(f"{server.url}/auth/login", json=login).json()["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        view = httpx.get(f"{server.url}/customers/{shop.customer_id}", headers=headers).json()

    sent = next(f for f in view["followUps"] if f["id"] == result["followUpId"])
    assert sent["status"] == "SCHEDULED" and sent["followUpDate"] is not None
    assert sorted((p["amount"], p["paymentMethod"]) for p in view["payments"]) == [
        ("125.50", "CARD"),
        ("42.00", "CASH"),
    ]
    screenshots = [Path(path) for path in result["screenshots"]]
    assert [path.name for path in screenshots] == [
        "1-wrong-password.png",
        "2-customer-view.png",
        "3-suggestion-scheduled.png",
        "4-payment-refused.png",
        "5-payment-recorded.png",
    ]
    assert all(path.stat().st_size > 10_000 for path in screenshots)
