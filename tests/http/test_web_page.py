"""The reference page under /app/: served from the built web/dist, public, locked down by
its own Content-Security-Policy; a short "how to build" page until it is built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from entrypoints.http.app import create_app
from entrypoints.http.security_headers import API_CSP, APP_CSP
from entrypoints.settings import Settings
from tests.overrides import container_for_tests


async def _client(settings: Settings, dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    container = container_for_tests(settings.replace(web_dist_dir=dist))
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await container.engine().dispose()


@pytest.fixture
def built(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(
        '<!doctype html><script type="module" src="/app/assets/index-1.js"></script>'
    )
    (tmp_path / "assets" / "index-1.js").write_text("console.log('fieldcrm')")
    return tmp_path


@pytest.fixture
async def page(settings: Settings, built: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(settings, built):
        yield client


async def test_the_built_page_is_served_at_app_without_a_token(page: httpx.AsyncClient) -> None:
    for path in ("/app/", "/app"):
        response = await page.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert "/app/assets/index-1.js" in response.text
        assert response.headers["content-security-policy"] == APP_CSP
    script = await page.get("/app/assets/index-1.js")
    assert script.status_code == 200 and "fieldcrm" in script.text
    assert "'unsafe-inline'" not in APP_CSP and "connect-src 'self'" in APP_CSP


async def test_the_page_is_not_in_the_api_document_and_the_api_keeps_its_policy(
    page: httpx.AsyncClient,
) -> None:
    document = (await page.get("/schema/openapi.json")).json()
    assert not [path for path in document["paths"] if path.split("/")[1] == "app"]
    customers = await page.get("/customers")
    assert customers.status_code == 401  # the API behind the page still needs a token
    assert customers.headers["content-security-policy"] == API_CSP


async def test_a_missing_file_under_app_is_404(page: httpx.AsyncClient) -> None:
    assert (await page.get("/app/assets/nothing.js")).status_code == 404


async def test_without_a_build_app_says_how_to_build_it(settings: Settings, tmp_path: Path) -> None:
    async for client in _client(settings, tmp_path / "missing"):
        response = await client.get("/app/")
        assert response.status_code == 200
        assert "npm ci &amp;&amp; npm run build" in response.text
        assert "WEB_DIST_DIR" in response.text
