"""camelCase twins of application structs: the HTTP shape of a read model, not restated.

`wire_type(CustomerView)` is a struct class named `CustomerView` with the same fields (and
constraints, defaults and docstring), based on `wire.Out`, so camelCase is decided in one
place; a nested struct becomes its own twin. Twins are cached: one class per application type,
so each appears once in the OpenAPI document, under its plain name.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar, cast

import msgspec

from entrypoints.http.wire import Out

S = TypeVar("S", bound=msgspec.Struct)


def _twin_annotation(annotation: Any) -> Any:
    """`annotation` with every struct type in it replaced by its twin."""
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return wire_type(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is None or not args:
        return annotation
    if origin is Annotated:
        return Annotated[(_twin_annotation(args[0]), *annotation.__metadata__)]
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, map(_twin_annotation, args))
    if origin is typing.Literal:
        return annotation
    return origin[tuple(map(_twin_annotation, args))]


def _field(field: msgspec.structs.FieldInfo, annotation: Any) -> tuple[Any, ...]:
    if field.default is not msgspec.NODEFAULT:
        return (field.name, annotation, field.default)
    if field.default_factory is not msgspec.NODEFAULT:
        return (field.name, annotation, msgspec.field(default_factory=field.default_factory))
    return (field.name, annotation)


def _wire_fields(app_type: type[msgspec.Struct]) -> list[tuple[Any, ...]]:
    hints = typing.get_type_hints(app_type, include_extras=True)
    return [
        _field(field, _twin_annotation(hints[field.name]))
        for field in msgspec.structs.fields(app_type)
    ]


def _out_struct(name: str, fields: list[tuple[Any, ...]], doc: str | None) -> type[Out]:
    twin = msgspec.defstruct(
        name,
        fields,
        bases=(Out,),
        module=__name__,
        kw_only=True,
        namespace={"__doc__": doc, "__schema_name__": name},
    )
    return cast("type[Out]", twin)


@functools.cache
def wire_type(app_type: type[msgspec.Struct]) -> type[Out]:
    """The camelCase twin of `app_type` (same name and fields, nested structs twinned)."""
    return _out_struct(app_type.__name__, _wire_fields(app_type), app_type.__doc__)


Link = tuple[str, Any]
CUSTOMER_LINK: Link = ("customer_id", int)


def _mentions_struct(annotation: Any) -> bool:
    """Whether a struct type appears anywhere in `annotation` (a nested record or collection)."""
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return True
    return any(map(_mentions_struct, typing.get_args(annotation)))


def view_record(
    item: type[msgspec.Struct], name: str, links: Mapping[str, Sequence[Link]]
) -> type[Out]:
    """A Customer View item as its own resource: a camelCase struct named `name` with the
    item's own fields (its nested records and collections left out) and, right after the
    field each key of `links` names, the ids the view leaves implicit (its `customer_id`)."""
    hints = typing.get_type_hints(item, include_extras=True)
    fields: list[tuple[Any, ...]] = []
    for field in msgspec.structs.fields(item):
        if not _mentions_struct(hints[field.name]):
            fields.append(_field(field, hints[field.name]))
        fields.extend(links.get(field.name, ()))
    return _out_struct(name, fields, None)


def customer_record(item: type[msgspec.Struct], name: str) -> type[Out]:
    """`view_record` of an item whose only implicit id is its `customer_id`, after `id`."""
    return view_record(item, name, {"id": (CUSTOMER_LINK,)})


def to_wire(value: S) -> S:
    """`value` as an instance of its type's camelCase twin (typed as the application type,
    whose fields it has)."""
    return msgspec.convert(value, wire_type(type(value)), from_attributes=True)  # type: ignore[return-value]
