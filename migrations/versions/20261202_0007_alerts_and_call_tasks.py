"""alerts_and_call_tasks: dismissing a maintenance alert (why, who, when), the alert a job
was booked for, and a call task's outcome

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 15:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sqlalchemy.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant() -> adapters.sqlalchemy.types.UtcDateTime:
    return adapters.sqlalchemy.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("maintenance_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dismiss_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("dismissed_at", _instant(), nullable=True))
        batch_op.add_column(sa.Column("dismissed_by", sa.Integer(), nullable=True))

    with op.batch_alter_table("call_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("note", sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column("completed_at", _instant(), nullable=True))
        batch_op.add_column(sa.Column("completed_by", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_call_tasks_status_created_at"), ["status", "created_at"], unique=False
        )

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("maintenance_alert_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_jobs_maintenance_alert_id"), ["maintenance_alert_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_jobs_maintenance_alert_id_maintenance_alerts"),
            "maintenance_alerts",
            ["maintenance_alert_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_jobs_maintenance_alert_id_maintenance_alerts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_jobs_maintenance_alert_id"))
        batch_op.drop_column("maintenance_alert_id")

    with op.batch_alter_table("call_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_tasks_status_created_at"))
        batch_op.drop_column("completed_by")
        batch_op.drop_column("completed_at")
        batch_op.drop_column("note")
        batch_op.drop_column("outcome")

    with op.batch_alter_table("maintenance_alerts", schema=None) as batch_op:
        batch_op.drop_column("dismissed_by")
        batch_op.drop_column("dismissed_at")
        batch_op.drop_column("dismiss_reason")
