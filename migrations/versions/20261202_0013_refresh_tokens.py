"""refresh_tokens (hashed refresh tokens in families) and install_secrets (the JWT signing
secret generated on first start when JWT_SECRET is unset)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sqlalchemy.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Ts = adapters.sqlalchemy.types.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", Ts(timezone=True), nullable=False),
        sa.Column("expires_at", Ts(timezone=True), nullable=False),
        sa.Column("rotated_at", Ts(timezone=True), nullable=True),
        sa.Column("revoked_at", Ts(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_refresh_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_refresh_tokens")),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        for column in ("family_id", "user_id", "expires_at"):
            batch_op.create_index(batch_op.f(f"ix_refresh_tokens_{column}"), [column])
    op.create_table(
        "install_secrets",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", Ts(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_install_secrets")),
    )


def downgrade() -> None:
    op.drop_table("install_secrets")
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        for column in ("expires_at", "user_id", "family_id"):
            batch_op.drop_index(batch_op.f(f"ix_refresh_tokens_{column}"))
    op.drop_table("refresh_tokens")
