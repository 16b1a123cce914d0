"""`OPTIONS` answers list every method of the path (a Litestar 2 routing bug, worked around).

Litestar 2 builds a route per path one handler at a time: the first `HTTPRoute` for a path
creates the automatic `OPTIONS` handler, which reads the methods of *that* route object;
each later handler on the same path replaces the route with a new one but keeps the old
`OPTIONS` handler. So `OPTIONS /customers` answered `Allow: OPTIONS, POST` although
`GET /customers` exists (litestar-org/litestar#4169, fixed only in Litestar 3). After the
app is built, `repair_options_allow` points each automatic `OPTIONS` handler at the final
route of its path, whose methods are complete. (405 answers take `Allow` from the router
itself and were already right.)
"""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute

_AUTOMATIC = "options_handler"  # the name of the function Litestar generates


def repair_options_allow(app: Litestar) -> None:
    """Make every automatic `OPTIONS` handler of `app` report its path's final methods."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            fn = handler.fn
            if getattr(fn, "__name__", None) != _AUTOMATIC or fn.__closure__ is None:
                continue
            for cell in fn.__closure__:
                if isinstance(cell.cell_contents, HTTPRoute):
                    cell.cell_contents = route
