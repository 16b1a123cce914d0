"""till: a payment's method may be unstated (NULL); jobs indexed by technician and time
(the double-booking check of an assignment)

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-02 15:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.alter_column("payment_method", existing_type=sa.String(length=20), nullable=True)
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_jobs_technician_id_scheduled_for"),
            ["technician_id", "scheduled_for"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_technician_id_scheduled_for"))
    op.execute("UPDATE payments SET payment_method = 'OTHER' WHERE payment_method IS NULL")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.alter_column("payment_method", existing_type=sa.String(length=20), nullable=False)
