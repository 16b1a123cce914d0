"""maintenance_alerts.confidence in hundredths, as the domain now keeps it

A model's confidence was stored with every digit it came with; SQLite's JSON writes 15
significant digits, so such a value read differently in the Customer View than in
GET /maintenance-alerts. Rounds the stored ones; the downgrade has nothing to undo.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 12:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROUNDED = {
    "postgresql": "round(confidence::numeric, 2)::double precision",
    "sqlite": "round(confidence, 2)",
}


def upgrade() -> None:
    rounded = ROUNDED[op.get_bind().dialect.name]
    op.execute(
        f"UPDATE maintenance_alerts SET confidence = {rounded} WHERE confidence <> {rounded}"
    )


def downgrade() -> None:
    pass  # the digits rounded away are not kept anywhere
