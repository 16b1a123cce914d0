"""Table definitions: the schema Alembic migrates to. Money is stored in integer minor units."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
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


def _fk(target: str, nullable: bool) -> Column[int]:
    name = target.split(".")[0].rstrip("s") + "_id"
    return Column(name, Integer, ForeignKey(target, ondelete="RESTRICT"), nullable=nullable)


customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("phone", String(16)),
    Column("email", String(254)),
    Column("address", String(500)),
    Column("time_zone", String(64), nullable=False),
    Column("notes", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "name"),
)

technicians = Table(
    "technicians",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("phone", String(16)),
    Column("email", String(254)),
    Column("skills", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
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
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "customer_id"),
    Index(None, "technician_id"),
    Index(None, "status"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    _fk("customers.id", nullable=False),
    _fk("jobs.id", nullable=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payment_method", String(20), nullable=False),
    Column("reference", String(200)),
    Column("paid_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "customer_id"),
    Index(None, "job_id"),
)

expenses = Table(
    "expenses",
    metadata,
    Column("id", Integer, primary_key=True),
    _fk("customers.id", nullable=True),
    _fk("jobs.id", nullable=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("category", String(100), nullable=False),
    Column("description", String(2000)),
    Column("incurred_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "customer_id"),
    Index(None, "job_id"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False),
    _fk("technicians.id", nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "technician_id"),
)
