"""consent_ledger: an append-only consent ledger per channel x purpose replaces
consent_changes (STOP/START) and feeds the customers' marketing_consent flag

Each old STOP row becomes two entries (TRANSACTIONAL and MARKETING opted out on its
channel), each START row one (TRANSACTIONAL allowed again); every customer gets a
MARKETING entry per channel with source `migration`, allowed when they had marketing
consent and the channel was not opted out (exactly what the send policy allowed before).
Downgrading keeps the TRANSACTIONAL entries as consent_changes rows (the flag stays).

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 15:40:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import adapters.sqlalchemy.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNELS = ("WHATSAPP", "EMAIL", "PHONE", "SMS")
Ts = adapters.sqlalchemy.types.UtcDateTime
old = sa.table(
    "consent_changes",
    sa.column("id", sa.Integer()),
    sa.column("customer_id", sa.Integer()),
    sa.column("channel", sa.String()),
    sa.column("opted_out", sa.Boolean()),
    sa.column("at", Ts(timezone=True)),
    sa.column("source", sa.String()),
)
ledger = sa.table(
    "consent_ledger",
    sa.column("id", sa.Integer()),
    sa.column("customer_id", sa.Integer()),
    sa.column("channel", sa.String()),
    sa.column("purpose", sa.String()),
    sa.column("allowed", sa.Boolean()),
    sa.column("at", Ts(timezone=True)),
    sa.column("source", sa.String()),
    sa.column("actor_user_id", sa.Integer()),
    sa.column("note", sa.String()),
)
customers = sa.table(
    "customers", sa.column("id", sa.Integer()), sa.column("marketing_consent", sa.Boolean())
)


def _create_consent_changes() -> None:
    op.create_table(
        "consent_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("at", Ts(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_consent_changes_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_changes")),
    )
    with op.batch_alter_table("consent_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_changes_customer_id"), ["customer_id"], unique=False
        )


def _drop_consent_changes() -> None:
    with op.batch_alter_table("consent_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_changes_customer_id"))
    op.drop_table("consent_changes")


def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        op.get_bind().execute(table.insert(), rows)


def upgrade() -> None:
    op.create_table(
        "consent_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("at", Ts(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_consent_ledger_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_ledger")),
    )
    with op.batch_alter_table("consent_ledger", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_ledger_customer_id_channel_purpose_at"),
            ["customer_id", "channel", "purpose", "at"],
            unique=False,
        )
    bind = op.get_bind()
    entries: list[dict[str, Any]] = []
    opted_out: dict[tuple[int, str], bool] = {}
    for row in bind.execute(sa.select(old).order_by(old.c.at, old.c.id)):
        purposes = ("TRANSACTIONAL", "MARKETING") if row.opted_out else ("TRANSACTIONAL",)
        for purpose in purposes:
            entries.append(
                {
                    "customer_id": row.customer_id,
                    "channel": row.channel,
                    "purpose": purpose,
                    "allowed": not row.opted_out,
                    "at": row.at,
                    "source": row.source,
                }
            )
        opted_out[(row.customer_id, row.channel)] = row.opted_out
    now = datetime.now(UTC)
    for customer in bind.execute(sa.select(customers).order_by(customers.c.id)):
        for channel in CHANNELS:
            allowed = customer.marketing_consent and not opted_out.get((customer.id, channel))
            entries.append(
                {
                    "customer_id": customer.id,
                    "channel": channel,
                    "purpose": "MARKETING",
                    "allowed": bool(allowed),
                    "at": now,
                    "source": "migration",
                }
            )
    _insert(ledger, entries)
    _drop_consent_changes()


def downgrade() -> None:
    _create_consent_changes()
    bind = op.get_bind()
    kept = sa.select(ledger).where(ledger.c.purpose == "TRANSACTIONAL")
    rows = [
        {
            "customer_id": r.customer_id,
            "channel": r.channel,
            "opted_out": not r.allowed,
            "at": r.at,
            "source": r.source,
        }
        for r in bind.execute(kept.order_by(ledger.c.at, ledger.c.id))
    ]
    _insert(old, rows)
    with op.batch_alter_table("consent_ledger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_ledger_customer_id_channel_purpose_at"))
    op.drop_table("consent_ledger")
