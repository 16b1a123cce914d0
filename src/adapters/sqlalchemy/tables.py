"""Table definitions: the schema Alembic migrates to. Money is stored in integer minor units."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from adapters.sqlalchemy.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _fk(
    target: str,
    nullable: bool,
    name: str | None = None,
    ondelete: str = "RESTRICT",
    use_alter: bool = False,
) -> Column[int]:
    name = name or target.split(".")[0].rstrip("s") + "_id"
    return Column(
        name,
        Integer,
        ForeignKey(target, ondelete=ondelete, use_alter=use_alter),
        nullable=nullable,
    )


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _created_at() -> Column[datetime]:
    return Column("created_at", UtcDateTime, nullable=False)


def _updated_at() -> Column[datetime]:
    return Column("updated_at", UtcDateTime, nullable=False)


def _table(name: str, *items: Any) -> Table:
    """A table of `metadata` whose rows are records with an integer `id` primary key."""
    return Table(name, metadata, _id(), *items)


def _money_movement(name: str, *columns: Column[Any], customer_required: bool) -> Table:
    """Payments and expenses: money of a customer (and maybe one of their jobs), stored as
    integer minor units plus currency."""
    return _table(
        name,
        _fk("customers.id", nullable=not customer_required),
        _fk("jobs.id", nullable=True),
        Column("amount_minor", BigInteger, nullable=False),
        Column("currency", String(3), nullable=False),
        *columns,
        _created_at(),
        Index(None, "customer_id"),
        Index(None, "job_id"),
    )


def _person(name: str, *columns: Column[Any] | Index) -> Table:
    """Customers and technicians: a person with a name and maybe a phone and an email."""
    return _table(
        name,
        Column("name", String(200), nullable=False),
        Column("phone", String(16)),
        Column("email", String(254)),
        *columns,
    )


def _job_rating(name: str, *columns: Column[Any]) -> Table:
    """Reviews and technician ratings: a customer's 1-5 rating of the technician of one of
    their jobs (one per job)."""
    return _table(
        name,
        _fk("jobs.id", nullable=False),
        _fk("customers.id", nullable=False),
        _fk("technicians.id", nullable=False),
        Column("rating", SmallInteger, nullable=False),
        *columns,
        _created_at(),
        UniqueConstraint("job_id"),
        Index(None, "customer_id"),
        Index(None, "technician_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )


customers = _person(
    "customers",
    Column("address", String(500)),
    Column("time_zone", String(64), nullable=False),
    Column("notes", Text),
    _created_at(),
    Column("referral_code", String(8), nullable=False, unique=True),
    _fk("customers.id", nullable=True, name="referred_by_id"),
    _fk("technicians.id", nullable=True, name="preferred_technician_id"),
    Column("preferred_contact_method", String(10)),
    Column("preferred_contact_times", JSON),
    Column("communication_frequency_preference", String(10)),
    Column("language_preference", String(35), nullable=False, server_default="en"),
    Column("marketing_consent", Boolean, nullable=False, server_default=false()),
    Index(None, "name"),
    Index(None, "referred_by_id"),
    Index(None, "preferred_technician_id"),
)

technicians = _person(
    "technicians",
    Column("skills", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    _created_at(),
)

jobs = _table(
    "jobs",
    _fk("customers.id", nullable=False),
    _fk("technicians.id", nullable=True),
    Column("description", String(2000), nullable=False),
    Column("appliance", String(200)),
    Column("notes", Text),
    Column("scheduled_for", UtcDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("started_at", UtcDateTime),
    Column("completion_date", UtcDateTime),
    Column("cancelled_at", UtcDateTime),
    _created_at(),
    # jobs ⇄ appliances reference each other; this side is added after both tables exist.
    _fk("appliances.id", nullable=True, ondelete="SET NULL", use_alter=True),
    # The maintenance alert the job was booked for: DONE when the job completes.
    _fk("maintenance_alerts.id", nullable=True, ondelete="SET NULL", use_alter=True),
    Index(None, "customer_id"),
    Index(None, "technician_id"),
    Index(None, "status"),
    Index(None, "appliance_id"),
    Index(None, "maintenance_alert_id"),
    Index(None, "status", "completion_date"),  # the survey and suggestion passes
    Index(None, "technician_id", "scheduled_for"),  # double-booking on assignment
)

payments = _money_movement(
    "payments",
    Column("payment_method", String(20)),  # None: not stated (UNKNOWN in the totals)
    Column("reference", String(200)),
    Column("paid_at", UtcDateTime, nullable=False),
    customer_required=True,
)

expenses = _money_movement(
    "expenses",
    Column("category", String(100), nullable=False),
    Column("description", String(2000)),
    Column("incurred_at", UtcDateTime, nullable=False),
    customer_required=False,
)

users = _table(
    "users",
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False),
    _fk("technicians.id", nullable=True),
    _created_at(),
    Index(None, "technician_id"),
)

appliances = _table(
    "appliances",
    _fk("customers.id", nullable=False),
    Column("type", String(100), nullable=False),
    Column("brand", String(100)),
    Column("model_number", String(100)),
    Column("serial_number", String(100)),
    Column("installed_on", Date),
    Column("last_service_date", UtcDateTime),
    _fk("jobs.id", nullable=True, ondelete="SET NULL"),
    _created_at(),
    _updated_at(),
    Index(None, "customer_id"),
    Index(None, "job_id"),
)

reviews = _job_rating("reviews", Column("comment", Text))

customer_technician_ratings = _job_rating("customer_technician_ratings")

service_follow_ups = _table(
    "service_follow_ups",
    _fk("jobs.id", nullable=False),
    _fk("customers.id", nullable=False),
    Column("status", String(20), nullable=False),
    Column("satisfaction_rating", SmallInteger),
    Column("feedback", Text),
    Column("follow_up_date", UtcDateTime),
    _created_at(),
    Column("suggestion", Text),
    Column("suggestion_key", String(120), unique=True),
    Index(None, "job_id"),
    Index(None, "customer_id", "status"),
    CheckConstraint(
        "satisfaction_rating IS NULL OR satisfaction_rating BETWEEN 1 AND 5",
        name="satisfaction_rating_range",
    ),
)

messages = _table(
    "messages",
    _fk("customers.id", nullable=False),
    _fk("service_follow_ups.id", nullable=True, name="follow_up_id", ondelete="SET NULL"),
    _fk("jobs.id", nullable=True, ondelete="SET NULL"),
    Column("purpose", String(20), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("body", Text, nullable=False),
    Column("language", String(35), nullable=False),
    Column("scheduled_for", UtcDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("provider_message_id", String(64)),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("sent_at", UtcDateTime),
    Column("request_digest", String(64)),
    _created_at(),
    _updated_at(),
    Index(None, "status", "scheduled_for"),
    Index(None, "customer_id", "sent_at"),
    Index(None, "follow_up_id"),
    Index(None, "job_id"),
    Index(None, "provider_message_id"),
)

# The consent ledger: append-only, one row per change of one channel x purpose. The
# actor is kept by id without a foreign key (like the audit trail, it outlives the user);
# a customer's ledger goes with the customer.
consent_ledger = _table(
    "consent_ledger",
    _fk("customers.id", nullable=False, ondelete="CASCADE"),
    Column("channel", String(10), nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("allowed", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("source", String(100), nullable=False),
    Column("actor_user_id", Integer),
    Column("note", String(500)),
    Index(None, "customer_id", "channel", "purpose", "at"),
)

maintenance_alerts = _table(
    "maintenance_alerts",
    _fk("appliances.id", nullable=False, ondelete="CASCADE"),
    _fk("customers.id", nullable=False),
    Column("due_date", Date, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("status", String(20), nullable=False),
    _created_at(),
    _updated_at(),
    Column("dismiss_reason", String(500)),
    Column("dismissed_at", UtcDateTime),
    Column("dismissed_by", Integer),  # a user id; no foreign key, like the audit trail's
    UniqueConstraint("appliance_id"),
    Index(None, "customer_id"),
    Index(None, "status", "due_date"),
)

call_tasks = _table(
    "call_tasks",
    _fk("customers.id", nullable=False),
    _fk("messages.id", nullable=True, name="message_id", ondelete="SET NULL"),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),
    _created_at(),
    Column("outcome", String(20)),
    Column("note", String(2000)),
    Column("completed_at", UtcDateTime),
    Column("completed_by", Integer),  # a user id; no foreign key, like the audit trail's
    Index(None, "customer_id"),
    Index(None, "message_id"),
    Index(None, "status", "created_at"),  # the office's call list, oldest first
)

scheduler_runs = Table(
    "scheduler_runs",
    metadata,
    Column("job_name", String(100), primary_key=True),
    Column("period_key", String(100), primary_key=True),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(200), nullable=False),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    Column("token", String(200), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
)

# One counter per customer id, bumped by triggers (migration 0014) in the same transaction as
# any change to that customer's records: the key of cached LLM answers. No foreign key: the
# row outlives the customer, so a reused id never starts over at an old version.
customer_data_versions = Table(
    "customer_data_versions",
    metadata,
    Column("customer_id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)

# Refresh tokens (hashed) in families: one family per sign-in, rotated on every use.
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("family_id", String(32), nullable=False),
    _fk("users.id", nullable=False, ondelete="CASCADE"),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("rotated_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Index(None, "family_id"),
    Index(None, "user_id"),
    Index(None, "expires_at"),
)

# Secrets generated on first start and shared by every process (the JWT signing secret
# when JWT_SECRET is unset).
install_secrets = Table(
    "install_secrets",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", String(200), nullable=False),
    _created_at(),
)

# The audit trail. No foreign keys: an entry outlives the record, customer and user it names.
audit_entries = _table(
    "audit_entries",
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("actor_user_id", Integer),
    Column("actor_role", String(20), nullable=False),
    Column("action", String(40), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("customer_id", Integer),
    Column("changes", JSON, nullable=False),
    Column("source", String(100)),
    Index(None, "customer_id"),
    Index(None, "entity", "entity_id"),
    Index(None, "occurred_at"),
    Index(None, "actor_user_id"),
)

SEARCH_OBJECTS = frozenset(
    {
        *(
            f"ix_customers_search_{part}"
            for part in ("document", "phone", "name", "email", "name_words", "phone_end")
        ),
        *(f"search_{part}" for part in ("document", "name", "email", "phone")),
        "customer_search",
        *(f"customer_search_{part}" for part in ("data", "idx", "content", "docsize", "config")),
    }
)
"""The customer search's generated columns and indexes (PostgreSQL) and FTS5 tables (SQLite):
written by migrations 0006 and 0012 in each dialect's own SQL, not described here (see
customer_search_sql.py)."""


def include_object(
    _obj: object, name: str | None, _type: str, _reflected: bool, _other: object
) -> bool:
    """For autogenerate: everything but `SEARCH_OBJECTS`."""
    return name not in SEARCH_OBJECTS


# Stored generations: every answer produced (not cache hits), who asked it about whom, and
# what it cost. Pruned after LLM_GENERATION_RETENTION_DAYS.
insight_generations = _table(
    "insight_generations",
    Column("task", String(40), nullable=False),
    Column("prompt_version", String(60), nullable=False),
    _fk("customers.id", nullable=True, ondelete="CASCADE"),
    _fk("jobs.id", nullable=True, ondelete="SET NULL"),
    Column("model", String(100), nullable=False),
    Column("grounding_hash", String(64), nullable=False),
    Column("sources", JSON, nullable=False),
    Column("result", Text, nullable=False),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("estimated_cost", String(32), nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("degraded", Boolean, nullable=False),
    Column("asked_by", Integer),  # a user id, kept after the user is deleted; null: system
    _created_at(),
    Index(None, "customer_id", "created_at"),
    Index(None, "created_at"),
    Index(None, "job_id"),
)
