"""The API docs page (`/schema`): Swagger UI from the files of the `swagger-ui-bundle-v2`
package, served by this app — no CDN, so the page works on an offline machine.

The page is plain HTML loading three same-origin scripts (the bundle and a small
initializer that fetches `/schema/openapi.json`), so its Content-Security-Policy needs no
inline script (see security_headers.py).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

DOCS_ROOT = "/schema"
ASSETS = f"{DOCS_ROOT}/swagger-ui"
INITIALIZER = f"{DOCS_ROOT}/swagger-ui-init.js"
# The assets change only with the package: browsers may keep them for a day.
ASSET_CACHE = CacheControlHeader(max_age=86_400, public=True)

_INITIALIZER_JS = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "DOCS_ROOT/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
""".replace("DOCS_ROOT", DOCS_ROOT)


class OfflineSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Litestar's Swagger plugin with every URL on this server."""

    def __init__(self) -> None:
        super().__init__(
            js_url=f"{ASSETS}/swagger-ui-bundle.js",
            css_url=f"{ASSETS}/swagger-ui.css",
            standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
            favicon=f'<link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">',
            path="/swagger",
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = str(openapi_schema["info"]["title"]).replace("<", "&lt;")
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} API</title>
  {self.favicon}
  <link rel="stylesheet" href="{self.css_url}">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{self.js_url}"></script>
  <script src="{INITIALIZER}"></script>
</body>
</html>
""".encode()

    def receive_router(self, router: Router) -> None:
        """Serve the package's files under /schema/swagger-ui/ and the initializer (no
        OAuth2 redirect page: the API takes bearer tokens only)."""
        router.register(
            create_static_files_router(
                path="/swagger-ui",
                directories=[swagger_ui_path],
                name="swagger-ui-assets",
                cache_control=ASSET_CACHE,
            )
        )
        router.register(swagger_initializer)


@get(
    "/swagger-ui-init.js",
    media_type="text/javascript",
    include_in_schema=False,
    cache_control=ASSET_CACHE,
    sync_to_thread=False,
)
def swagger_initializer() -> str:
    return _INITIALIZER_JS
