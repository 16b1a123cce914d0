"""The audit trail: who changed which customer-facing record, when, and which fields."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from domain.validation import mask_email, mask_phone

Value = object
"""A field value as the trail records it: JSON-able (str, int, bool, None, lists, dicts)."""
Changes = dict[str, list[Value]]
"""Changed field -> [old, new] (None where the record did not exist before or after)."""
SYSTEM_ROLE = "system"
"""The role recorded for changes no user made (workers, inbound messages, the CLI)."""


class AuditedEntity(enum.StrEnum):
    """The kinds of record the trail covers."""

    CUSTOMER = "customer"
    PAYMENT = "payment"
    EXPENSE = "expense"
    CONSENT = "consent"  # a customer's opt-out or opt-in of one channel (entity id: customer)
    MAINTENANCE_ALERT = "maintenance-alert"
    CALL_TASK = "call-task"
    MESSAGE = "message"  # a message staff queued themselves (POST /messages)
    FOLLOW_UP = "follow-up"  # a suggested follow-up sent or dismissed
    JOB = "job"  # assignments of a technician (POST /jobs/{id}/assign)


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    SET_PREFERENCES = "set-preferences"
    SET_PREFERRED_TECHNICIAN = "set-preferred-technician"
    OPT_OUT = "opt-out"
    OPT_IN = "opt-in"
    SEND = "send"
    DISMISS = "dismiss"
    ASSIGN = "assign"
    APPROVE = "approve"  # an AI-written message approved (maybe edited) for sending
    REJECT = "reject"  # an AI-written message rejected: never sent
    RESOLVE = "resolve"  # a person settled a message whose outcome was unknown
    ERASE = "erase"  # a customer's personal data replaced on their request


@dataclass(slots=True)
class AuditEntry:
    """One change to one record. `entity_id` is kept after the record is deleted, and
    `customer_id` names the customer the record is about (to see all that happened to one
    customer). `changes` never holds a full phone number or email address."""

    occurred_at: datetime
    actor_user_id: int | None
    actor_role: str
    action: AuditAction
    entity: str
    entity_id: int
    customer_id: int | None
    changes: Changes = field(default_factory=dict)
    source: str | None = None
    id: int | None = None


def diff(
    before: Mapping[str, Value] | None,
    after: Mapping[str, Value] | None,
    masks: Mapping[str, Callable[[Value], Value]] | None = None,
) -> Changes:
    """The fields whose value differs between two snapshots of a record, as [old, new].

    Values are compared unmasked (two numbers differing only in masked digits still count
    as a change) and then recorded through `masks`, so personal data stays out of the trail.
    A missing snapshot (creation, deletion) records every field the other one sets.
    """
    old, new = before or {}, after or {}
    masks = masks or {}
    changes: Changes = {}
    for name in dict.fromkeys([*old, *new]):
        was, now = old.get(name), new.get(name)
        if was == now:
            continue
        mask = masks.get(name, _same)
        changes[name] = [None if was is None else mask(was), None if now is None else mask(now)]
    return changes


def _same(value: Value) -> Value:
    return value


def masked_phone(value: Value) -> Value:
    return mask_phone(str(value))


def masked_email(value: Value) -> Value:
    return mask_email(str(value))


def length_only(value: Value) -> Value:
    """Free text about a customer may hold anything: record only how long it is."""
    return f"({len(str(value))} characters)"
