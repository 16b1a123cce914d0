"""The field maps of the outbox's aggregates: messages and call tasks."""

from __future__ import annotations

from domain.contact_preferences import ContactMethod
from domain.field_codecs import INSTANT, enum_of
from domain.field_map import CREATED_AT, UPDATED_AT, Field, FieldMap
from domain.messaging.call_task import CallOutcome, CallTask, CallTaskStatus
from domain.messaging.message import Message, MessageStatus, Purpose

MESSAGE_FIELDS = FieldMap(
    Message,
    (
        *Field.many("customer_id follow_up_id job_id"),
        Field("purpose", codec=enum_of(Purpose)),
        Field("channel", codec=enum_of(ContactMethod)),
        *Field.many("recipient body language"),
        Field("scheduled_for", codec=INSTANT),
        Field("status", codec=enum_of(MessageStatus)),
        *Field.many("provider_message_id attempts last_error idempotency_key"),
        Field("sent_at", codec=INSTANT),
        Field("request_digest"),
        CREATED_AT,
        UPDATED_AT,
    ),
)

CALL_TASK_FIELDS = FieldMap(
    CallTask,
    (
        *Field.many("customer_id message_id body"),
        Field("status", codec=enum_of(CallTaskStatus)),
        CREATED_AT,
        Field("outcome", codec=enum_of(CallOutcome)),
        Field("note"),
        Field("completed_at", codec=INSTANT),
        Field("completed_by"),
    ),
)
