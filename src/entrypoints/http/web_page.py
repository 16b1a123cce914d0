"""The reference Customer View page (web/, Vue 3 + Vite), served at /app/.

`make run` builds web/dist when Node.js is present; without a build, /app/ answers a short
page saying how to make one. The page is public (it holds no data: it signs in through
the API like any client) and is left out of the OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path

from litestar import MediaType, Router, get
from litestar.static_files import create_static_files_router

APP_PATH = "/app"
# src/entrypoints/http/web_page.py → the repository root holds web/dist.
DEFAULT_WEB_DIST = Path(__file__).resolve().parents[3] / "web" / "dist"

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fieldcrm · page not built</title></head>
<body>
<h1>The Customer View page is not built</h1>
<p>It is built from <code>web/</code> with Node.js 20.19 or newer:</p>
<pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>(<code>make run</code> does this by itself when <code>node</code> is installed), then reload.
Or set <code>WEB_DIST_DIR</code> to a built copy. The API itself works without it:
see <a href="/schema">/schema</a>.</p>
</body></html>
"""


@get([APP_PATH, f"{APP_PATH}/{{rest:path}}"], include_in_schema=False, media_type=MediaType.HTML)
async def _not_built() -> str:
    return NOT_BUILT


def web_page_router(dist: Path | None) -> Router:
    """The built page under /app/ (index.html for /app/), or the "not built" page."""
    dist = dist or DEFAULT_WEB_DIST
    if (dist / "index.html").is_file():
        return create_static_files_router(
            path=APP_PATH, directories=[dist], html_mode=True, name="web-page"
        )
    return Router(path="/", route_handlers=[_not_built])
