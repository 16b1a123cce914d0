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
# The customers whose view shows technician `{r}.id` (a job of theirs, or preferred).
TECHNICIANS_CUSTOMERS = (
    "(SELECT customer_id FROM jobs WHERE technician_id = {r}.id"
    " UNION SELECT id FROM customers WHERE preferred_technician_id = {r}.id)"
)
CUSTOMER_UPDATE = (
    " IN ({o}.id, {n}.id, {o}.referred_by_id, {n}.referred_by_id) OR ({o}.name <> {n}.name"
    " AND customer_id IN (SELECT id FROM customers WHERE referred_by_id = {n}.id))"
)


def _sqlite() -> list[str]:
    statements = []
    for table in OWNED:
        for event, ids in (
            ("INSERT", "= new.customer_id"),
            ("UPDATE", "IN (old.customer_id, new.customer_id)"),
            ("DELETE", "= old.customer_id"),
        ):
            statements.append(
                f"CREATE TRIGGER cdv_{table}_{event.lower()} AFTER {event} ON {table}"
                f" BEGIN {BUMP} {ids}; END"
            )
    return [
        *statements,
        "CREATE TRIGGER cdv_customers_insert AFTER INSERT ON customers BEGIN"
        " INSERT OR IGNORE INTO customer_data_versions (customer_id, version)"
        f" VALUES (new.id, 0); {BUMP} IN (new.id, new.referred_by_id); END",
        "CREATE TRIGGER cdv_customers_update AFTER UPDATE ON customers BEGIN"
        f" {BUMP}{CUSTOMER_UPDATE.format(o='old', n='new')}; END",
        "CREATE TRIGGER cdv_customers_delete AFTER DELETE ON customers BEGIN"
        f" {BUMP} IN (old.id, old.referred_by_id); END",
        "CREATE TRIGGER cdv_technicians_update AFTER UPDATE ON technicians BEGIN"
        f" {BUMP} IN {TECHNICIANS_CUSTOMERS.format(r='new')}; END",
    ]


def _sqlite_down() -> list[str]:
    names = [f"cdv_{t}_{e}" for t in OWNED for e in ("insert", "update", "delete")]
    names += [f"cdv_customers_{e}" for e in ("insert", "update", "delete")]
    names.append("cdv_technicians_update")
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


PG_OWNED_FUNCTION = f"""
CREATE FUNCTION fc_bump_owner_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    {BUMP} = OLD.customer_id;
  ELSIF TG_OP = 'UPDATE' THEN
    {BUMP} IN (OLD.customer_id, NEW.customer_id);
  ELSE
    {BUMP} = NEW.customer_id;
  END IF;
  RETURN NULL;
END $$"""

PG_CUSTOMER_FUNCTION = f"""
CREATE FUNCTION fc_bump_customer_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO customer_data_versions (customer_id, version) VALUES (NEW.id, 0)
      ON CONFLICT (customer_id) DO NOTHING;
    {BUMP} IN (NEW.id, NEW.referred_by_id);
  ELSIF TG_OP = 'UPDATE' THEN
    {BUMP}{CUSTOMER_UPDATE.format(o="OLD", n="NEW")};
  ELSE
    {BUMP} IN (OLD.id, OLD.referred_by_id);
  END IF;
  RETURN NULL;
END $$"""

PG_TECHNICIAN_FUNCTION = f"""
CREATE FUNCTION fc_bump_technician_customers_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {BUMP} IN {TECHNICIANS_CUSTOMERS.format(r="NEW")};
  RETURN NULL;
END $$"""


def _postgres() -> list[str]:
    return [
        PG_OWNED_FUNCTION,
        PG_CUSTOMER_FUNCTION,
        PG_TECHNICIAN_FUNCTION,
        *(
            f"CREATE TRIGGER cdv_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION fc_bump_owner_version()"
            for table in OWNED
        ),
        "CREATE TRIGGER cdv_customers AFTER INSERT OR UPDATE OR DELETE ON customers"
        " FOR EACH ROW EXECUTE FUNCTION fc_bump_customer_version()",
        "CREATE TRIGGER cdv_technicians AFTER UPDATE ON technicians"
        " FOR EACH ROW EXECUTE FUNCTION fc_bump_technician_customers_version()",
    ]


def _postgres_down() -> list[str]:
    tables = [*OWNED, "customers", "technicians"]
    functions = (
        "fc_bump_owner_version",
        "fc_bump_customer_version",
        "fc_bump_technician_customers_version",
    )
    return [
        *(f"DROP TRIGGER IF EXISTS cdv_{table} ON {table}" for table in tables),
        *(f"DROP FUNCTION IF EXISTS {name}()" for name in functions),
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
