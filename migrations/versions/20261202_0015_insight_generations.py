"""insight_generations: every insight answer stored (task, subject, prompt version, model,
grounding hash, sources, result, tokens, cost, latency, who asked, when)

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sqlalchemy.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Ts = adapters.sqlalchemy.types.UtcDateTime
TABLE = "insight_generations"
INDEXES = (("customer_id", "created_at"), ("created_at",), ("job_id",))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=40), nullable=False),
        sa.Column("prompt_version", sa.String(length=60), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("grounding_hash", sa.String(length=64), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("estimated_cost", sa.String(length=32), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("degraded", sa.Boolean(), nullable=False),
        sa.Column("asked_by", sa.Integer(), nullable=True),
        sa.Column("created_at", Ts(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_insight_generations_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_insight_generations_job_id_jobs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_generations")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for columns in INDEXES:
            name = batch_op.f(f"ix_{TABLE}_{'_'.join(columns)}")
            batch_op.create_index(name, list(columns))


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for columns in reversed(INDEXES):
            batch_op.drop_index(batch_op.f(f"ix_{TABLE}_{'_'.join(columns)}"))
    op.drop_table(TABLE)
