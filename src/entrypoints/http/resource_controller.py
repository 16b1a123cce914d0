"""The controller factory: a Litestar `Controller` with the CRUD routes of one resource.

`HttpResource` names the routes (path, tag, operation ids, path parameter), the wire types
(body with `details()`, output struct and its conversion) and the use cases (a `Crud`'s,
or each given apart); the generated routes are list (paging + the resource's filters as
dependencies), get, create, update and delete, each only when its use case is given. Extra
routes go in a subclass.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, Protocol, TypeVar

from litestar import Controller, Response, delete, get, post, put
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.params import BodyKwarg
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from application.access import Actor
from application.pagination import ListQuery, Page
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.resources import Crud
from entrypoints.http.created_location import LOCATION_HEADER, created_at
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.list_params import (
    FILTERS,
    PAGING,
    SORT,
    FiltersDep,
    PagingDep,
    QueryFilter,
    SortDep,
    list_dependencies,
    sort_provider,
)
from entrypoints.http.wire import In, Out, page_of, page_type

E = TypeVar("E")


class Body(Protocol):
    def details(self) -> Any: ...


@dataclass(frozen=True)
class Move:
    """A move of one record along its lifecycle, taking no body: `POST /{id}/<verb>`,
    operation id `<verb><singular>`, answered with the record; `doc` describes it."""

    verb: str
    use_case: Callable[[Actor, UnitOfWork, Clock, int], Awaitable[Any]]
    doc: str | None = None


@dataclass(frozen=True, kw_only=True)
class HttpResource(Generic[E]):
    """The HTTP face of one resource. Operation ids are `list<plural>`, `get<singular>`,
    `create<singular>`, `update<singular>`, `delete<singular>`; the page type is
    `<singular>Page`. With `crud`, each use case named in `routes` and not given apart is
    that `Crud`'s."""

    singular: str
    out: type[Out]
    to_out: Callable[[E], Out]
    filters: Sequence[QueryFilter] = ()
    sortable: Sequence[str] = ()
    body: type[In] | None = None
    update_body: type[In] | None = None
    list: Callable[[Actor, UnitOfWork, ListQuery], Awaitable[Page[E]]] | None = None
    get: Callable[[Actor, UnitOfWork, int], Awaitable[E]] | None = None
    create: Callable[[Actor, UnitOfWork, Clock, Any], Awaitable[E]] | None = None
    update: Callable[[Actor, UnitOfWork, Clock, int, Any], Awaitable[E]] | None = None
    delete: Callable[[Actor, UnitOfWork, Clock, int], Awaitable[None]] | None = None
    crud: Crud[Any, Any] | None = None
    moves: Sequence[Move] = ()
    routes: str = "list get create update delete"
    plural: str = ""
    path: str = ""
    tag: str = ""
    id_name: str = ""
    page: type[Out] = field(init=False)

    def __post_init__(self) -> None:
        """Default names: plural `<singular>s`, path `/<plural in kebab-case>`, tag the
        path's name, path parameter `<singular in snake_case>_id`."""
        for use_case in self.routes.split() if self.crud is not None else ():
            if getattr(self, use_case) is None:
                object.__setattr__(self, use_case, getattr(self.crud, use_case))
        words = _words(self.singular)
        plural = self.plural or f"{self.singular}s"
        path = self.path or "/" + "-".join(_words(plural))
        defaults = {
            "plural": plural,
            "path": path,
            "tag": self.tag or path.removeprefix("/"),
            "id_name": self.id_name or "_".join(words) + "_id",
            "page": page_type(self.out, f"{self.singular}Page"),
            "sortable": self.sortable or _spec_sortable(self.list),
        }
        for name, value in defaults.items():
            object.__setattr__(self, name, value)

    @property
    def item_path(self) -> str:
        return f"/{{{self.id_name}:int}}"


def _spec_sortable(use_case: object) -> Sequence[str]:
    spec = getattr(getattr(use_case, "__self__", None), "spec", None)
    return tuple(getattr(spec, "sortable", ("id",)))


def _words(name: str) -> list[str]:
    """ "FollowUps" -> ["follow", "ups"]."""
    return [word.lower() for word in re.findall(r"[A-Z][a-z]*", name)]


def json_body(body: type[In]) -> Any:
    """`JSONBody[body]`, for a body type known only at run time."""
    return Annotated[body, BodyKwarg(media_type=RequestEncodingType.JSON)]


def _route(fn: Callable[..., Any], params: dict[str, Any], returns: Any) -> Callable[..., Any]:
    """Give `fn(self, **kwargs)` the named, typed parameters Litestar reads."""
    kind = inspect.Parameter.KEYWORD_ONLY
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [self_param, *(inspect.Parameter(n, kind, annotation=a) for n, a in params.items())],
        return_annotation=returns,
    )
    fn.__annotations__ = {**params, "return": returns}
    return fn


def _list(r: HttpResource[Any]) -> HTTPRouteHandler:
    assert r.list is not None
    use_case = r.list

    async def list_(self: Controller, **kw: Any) -> Any:
        paging: ListQuery = kw[PAGING]
        query = paging.with_filters(**kw[FILTERS]).sorted_by(*kw[SORT])
        return page_of(r.page, await use_case(kw["actor"], kw["uow"], query), r.to_out)

    params = {
        "actor": ActorDep,
        "uow": Uow,
        PAGING: PagingDep,
        FILTERS: FiltersDep,
        SORT: SortDep,
    }
    return get("/", operation_id=f"list{r.plural}")(_route(list_, params, r.page))


def _get(r: HttpResource[Any]) -> HTTPRouteHandler:
    assert r.get is not None
    use_case = r.get

    async def get_one(self: Controller, **kw: Any) -> Any:
        return r.to_out(await use_case(kw["actor"], kw["uow"], kw[r.id_name]))

    params = {"actor": ActorDep, r.id_name: PathId, "uow": Uow}
    return get(r.item_path, operation_id=f"get{r.singular}")(_route(get_one, params, r.out))


def _create(r: HttpResource[Any]) -> HTTPRouteHandler:
    assert r.create is not None and r.body is not None
    use_case = r.create

    async def create(self: Controller, **kw: Any) -> Any:
        data: Body = kw["data"]
        out = r.to_out(await use_case(kw["actor"], kw["uow"], kw["clock"], data.details()))
        return out if r.get is None else created_at(r.path, out)

    params = {"actor": ActorDep, "data": json_body(r.body), "uow": Uow, "clock": ClockDep}
    if r.get is None:  # nowhere to read it: no Location
        return post("/", operation_id=f"create{r.singular}")(_route(create, params, r.out))
    handler = post("/", operation_id=f"create{r.singular}", response_headers=[LOCATION_HEADER])
    return handler(_route(create, params, Response[r.out]))  # type: ignore[name-defined]


def _update(r: HttpResource[Any]) -> HTTPRouteHandler:
    body = r.update_body or r.body
    assert r.update is not None and body is not None
    use_case = r.update

    async def update(self: Controller, **kw: Any) -> Any:
        data: Body = kw["data"]
        entity = await use_case(kw["actor"], kw["uow"], kw["clock"], kw[r.id_name], data.details())
        return r.to_out(entity)

    params = {
        "actor": ActorDep,
        r.id_name: PathId,
        "data": json_body(body),
        "uow": Uow,
        "clock": ClockDep,
    }
    return put(r.item_path, operation_id=f"update{r.singular}")(_route(update, params, r.out))


def _delete(r: HttpResource[Any]) -> HTTPRouteHandler:
    assert r.delete is not None
    use_case = r.delete

    async def remove(self: Controller, **kw: Any) -> None:
        await use_case(kw["actor"], kw["uow"], kw["clock"], kw[r.id_name])

    params = {"actor": ActorDep, r.id_name: PathId, "uow": Uow, "clock": ClockDep}
    handler = delete(
        r.item_path, operation_id=f"delete{r.singular}", status_code=HTTP_204_NO_CONTENT
    )
    return handler(_route(remove, params, None))


def _move(r: HttpResource[Any], move: Move) -> HTTPRouteHandler:
    async def step(self: Controller, **kw: Any) -> Any:
        return r.to_out(await move.use_case(kw["actor"], kw["uow"], kw["clock"], kw[r.id_name]))

    step.__name__ = step.__qualname__ = move.verb
    step.__doc__ = move.doc
    params = {"actor": ActorDep, r.id_name: PathId, "uow": Uow, "clock": ClockDep}
    handler = post(
        f"{r.item_path}/{move.verb}",
        operation_id=f"{move.verb}{r.singular}",
        status_code=HTTP_200_OK,
    )
    return handler(_route(step, params, r.out))


def nested_list(
    path: str,
    operation_id: str,
    parent_id: str,
    out: type[Out],
    to_out: Callable[[Any], Out],
    use_case: Callable[[Actor, UnitOfWork, int, ListQuery], Awaitable[Page[Any]]],
    name: str = "list_",
    sortable: Sequence[str] = ("id", "created_at"),
) -> HTTPRouteHandler:
    """A paged list under one parent record (`/customers/{customer_id}/referrals`), for a
    hand-written controller: its page type is `<out without "Out">Page`; `name` names the
    handler (the OpenAPI summary); `sortable` its sort keys. The controller provides
    `paging` (see `PAGING_ONLY`)."""
    page = page_type(out, out.__name__.removesuffix("Out") + "Page")

    async def list_(self: Controller, **kw: Any) -> Any:
        query = kw[PAGING].sorted_by(*kw[SORT])
        found = await use_case(kw["actor"], kw["uow"], kw[parent_id], query)
        return page_of(page, found, to_out)

    params = {
        "actor": ActorDep,
        parent_id: PathId,
        "uow": Uow,
        PAGING: PagingDep,
        SORT: SortDep,
    }
    list_.__name__ = list_.__qualname__ = name
    handler = get(path, operation_id=operation_id, dependencies={SORT: sort_provider(sortable)})
    return handler(_route(list_, params, page))


_BUILDERS: dict[str, Callable[[HttpResource[Any]], HTTPRouteHandler]] = {
    "list_": _list,
    "get_one": _get,
    "create": _create,
    "update": _update,
    "remove": _delete,
}
_USE_CASES = {
    "list_": "list",
    "get_one": "get",
    "create": "create",
    "update": "update",
    "remove": "delete",
}


def resource_controller(
    r: HttpResource[Any], extra: type[Controller] = Controller
) -> type[Controller]:
    """A Controller class with the routes of every use case `r` gives, and the hand-written
    routes of `extra` (a Controller subclass without a path)."""
    handlers = {
        name: build(r)
        for name, build in _BUILDERS.items()
        if getattr(r, _USE_CASES[name]) is not None
    }
    handlers |= {move.verb: _move(r, move) for move in r.moves}
    dependencies: dict[str, Provide] = list_dependencies(r.filters, r.sortable)
    attrs = {"path": r.path, "tags": [r.tag], "dependencies": dependencies, **handlers}
    return type(f"{r.singular}Controller", (extra,), attrs)
