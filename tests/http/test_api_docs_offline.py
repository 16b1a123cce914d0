"""The API docs page works offline: every script, stylesheet and icon it loads is served
by the app itself (from the swagger-ui-bundle-v2 package), none from a CDN."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest

EXPECTED_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def urls_in(html: str) -> list[str]:
    parser = _Urls()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", ["/schema", "/schema/swagger"])
async def test_every_asset_of_the_docs_page_is_local_and_served(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    urls = urls_in(html)
    assert len(urls) >= 4  # icon, stylesheet, Swagger UI bundle, initializer
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = await client.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rfind(".") :]
        assert asset.headers["content-type"].startswith(EXPECTED_TYPES[suffix]), url
        assert asset.content, url


async def test_the_initializer_loads_this_servers_document(client: httpx.AsyncClient) -> None:
    script = await client.get("/schema/swagger-ui-init.js")
    assert script.status_code == 200
    assert '"/schema/openapi.json"' in script.text and "http" not in script.text
    bundle = await client.get("/schema/swagger-ui/swagger-ui-bundle.js")
    assert "SwaggerUIBundle" in bundle.text[:2000]
    assert "max-age" in bundle.headers["cache-control"]
    assert (await client.get("/schema/openapi.json")).json()["openapi"].startswith("3.1")


async def test_an_unknown_asset_is_a_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/schema/swagger-ui/not-there.js")).status_code == 404
