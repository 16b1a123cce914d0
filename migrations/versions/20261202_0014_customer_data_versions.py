"""customer_data_versions: a per-customer counter bumped by triggers in the same transaction
as any change to the customer's records (the key of cached LLM answers)

One row per customer id (created by the customers insert trigger, backfilled here, kept when
the customer is deleted so a reused SQLite id never starts over at a version an old cached
answer was stored under). Every table whose rows belong to a customer bumps the counter of
the customer a row is inserted for, moved from, moved to or deleted from. A customer's own
change bumps it (and its referrer's, whose referrals list shows it; a rename bumps the
customers it referred, whose view shows their referrer's name); a technician's change bumps
the customers with a job of theirs or who prefer them (the view shows technician names).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows carry the customer they belong to (`customer_id`).
OWNED = (
    "jobs",
    "payments",
    "expenses",
    "appliances",
    "reviews",
    "customer_technician_ratings",
    "service_follow_ups",
    "messages",
    "consent_ledger",
    "maintenance_alerts",
    "call_tasks",
)
BUMP = "UPDATE customer_data_versions SET version = version + 1 WHERE customer_id"
# What each event does, `{o}`/`{n}` standing for the old and new row (SQLite's old/new,
# PostgreSQL's OLD/NEW); the same statements in both dialects.
OWNED_EVENTS = {
    "INSERT": f"{BUMP} = {{n}}.customer_id",
    "UPDATE": f"{BUMP} IN ({{o}}.customer_id, {{n}}.customer_id)",
    "DELETE": f"{BUMP} = {{o}}.customer_id",
}
CUSTOMER_EVENTS = {
    # The counter row is created with the customer and kept after it (see above).
    "INSERT": "INSERT INTO customer_data_versions (customer_id, version) VALUES ({n}.id, 0)"
    f" ON CONFLICT (customer_id) DO NOTHING; {BUMP} IN ({{n}}.id, {{n}}.referred_by_id)",
    "UPDATE": f"{BUMP} IN ({{o}}.id, {{n}}.id, {{o}}.referred_by_id, {{n}}.referred_by_id)"
    " OR ({o}.name <> {n}.name"
    " AND customer_id IN (SELECT id FROM customers WHERE referred_by_id = {n}.id))",
    "DELETE": f"{BUMP} IN ({{o}}.id, {{o}}.referred_by_id)",
}
# The customers whose view shows the technician: a job of theirs, or preferred.
TECHNICIAN_EVENTS = {
    "UPDATE": f"{BUMP} IN (SELECT customer_id FROM jobs WHERE technician_id = {{n}}.id"
    " UNION SELECT id FROM customers WHERE preferred_technician_id = {n}.id)",
}
TRIGGERS = {
    **{table: OWNED_EVENTS for table in OWNED},
    "customers": CUSTOMER_EVENTS,
    "technicians": TECHNICIAN_EVENTS,
}


def _sqlite() -> list[str]:
    return [
        f"CREATE TRIGGER cdv_{table}_{event.lower()} AFTER {event} ON {table}"
        f" BEGIN {body.format(o='old', n='new')}; END"
        for table, events in TRIGGERS.items()
        for event, body in events.items()
    ]


def _sqlite_down() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS cdv_{table}_{event.lower()}"
        for table, events in TRIGGERS.items()
        for event in events
    ]


def _plpgsql_body(events: dict[str, str]) -> str:
    """One IF branch per event (TG_OP), each running that event's statements."""
    branches = [
        f"IF TG_OP = '{event}' THEN {body.format(o='OLD', n='NEW')};"
        for event, body in events.items()
    ]
    return " ELS".join(branches) + " END IF; RETURN NULL;"


def _postgres() -> list[str]:
    statements = []
    for table, events in TRIGGERS.items():
        statements += [
            f"CREATE FUNCTION fc_cdv_{table}() RETURNS trigger LANGUAGE plpgsql AS"
            f" $$ BEGIN {_plpgsql_body(events)} END $$",
            f"CREATE TRIGGER cdv_{table} AFTER {' OR '.join(events)} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION fc_cdv_{table}()",
        ]
    return statements


def _postgres_down() -> list[str]:
    return [
        statement
        for table in TRIGGERS
        for statement in (
            f"DROP TRIGGER IF EXISTS cdv_{table} ON {table}",
            f"DROP FUNCTION IF EXISTS fc_cdv_{table}()",
        )
    ]


def upgrade() -> None:
    op.create_table(
        "customer_data_versions",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_data_versions")),
    )
    op.execute(
        "INSERT INTO customer_data_versions (customer_id, version) SELECT id, 1 FROM customers"
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _postgres() if postgres else _sqlite():
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _postgres_down() if postgres else _sqlite_down():
        op.execute(statement)
    op.drop_table("customer_data_versions")
