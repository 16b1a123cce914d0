"""The current consent per channel x purpose as a JSON array, for the Customer View's one
statement: every pair, its latest ledger entry or the default (see domain.messaging.consent)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    String,
    func,
    literal_column,
    select,
    union_all,
)

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.json_sql import JsonSql
from adapters.sqlalchemy.struct_json import struct_json
from application.read_models.consent import ConsentStateItem
from domain.messaging.consent import DEFAULT_ALLOWED, KEYS


def _keys() -> Any:
    """The channel x purpose pairs with their defaults, as literal rows (both dialects)."""
    rows = [
        select(
            literal_column(str(n), Integer).label("pos"),
            literal_column(f"'{channel.value}'", String).label("channel"),
            literal_column(f"'{purpose.value}'", String).label("purpose"),
            literal_column("TRUE" if DEFAULT_ALLOWED[purpose] else "FALSE", Boolean).label(
                "default_allowed"
            ),
        )
        for n, (channel, purpose) in enumerate(KEYS)
    ]
    return union_all(*rows).subquery("consent_keys")


def consent_state(js: JsonSql, customer: ColumnElement[Any]) -> Any:
    """A JSON array of `ConsentStateItem`, one per pair in a fixed order."""
    keys, entry = _keys(), t.consent_ledger
    current = entry.alias("consent_current")
    latest_id = (
        select(entry.c.id)
        .where(
            entry.c.customer_id == customer,
            entry.c.channel == keys.c.channel,
            entry.c.purpose == keys.c.purpose,
        )
        .order_by(entry.c.at.desc(), entry.c.id.desc())
        .limit(1)
        .correlate(keys)
        .scalar_subquery()
    )
    rows = (
        select(
            keys.c.channel,
            keys.c.purpose,
            func.coalesce(current.c.allowed, keys.c.default_allowed).label("allowed"),
            current.c.at.label("since"),
            current.c.source,
        )
        .select_from(keys.outerjoin(current, current.c.id == latest_id))
        .order_by(keys.c.pos)
        .subquery("consent_state")
    )
    return js.nested_array(struct_json(js, ConsentStateItem, rows.c), rows)
