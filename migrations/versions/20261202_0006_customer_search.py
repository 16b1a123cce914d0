"""customer_search: text and phone search over customers (GET /customers?q=)

PostgreSQL: pg_trgm GIN indexes on the folded document (`fc_unaccent`, an IMMUTABLE wrapper of
`unaccent`, so it may appear in an index) and on the phone's digits. SQLite: the FTS5 trigram
table `customer_search` (rowid = customer id) kept by triggers that fold with `fc_fold` (the
Python function engine.py registers on every connection), filled from the existing rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 15:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION fc_unaccent(text) RETURNS text"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
    " AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "CREATE INDEX ix_customers_search_document ON customers USING gin"
    " ((fc_unaccent(lower(coalesce(customers.name, '') || ' ' || coalesce(customers.email, '')"
    " || ' ' || coalesce(customers.address, '')))) gin_trgm_ops)",
    "CREATE INDEX ix_customers_search_phone ON customers USING gin"
    " ((replace(coalesce(customers.phone, ''), '+', '')) gin_trgm_ops)",
]
PG_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_customers_search_phone",
    "DROP INDEX IF EXISTS ix_customers_search_document",
    "DROP FUNCTION IF EXISTS fc_unaccent(text)",
]
_SQLITE_ROW = (
    "fc_fold(coalesce({r}.name, '') || ' ' || coalesce({r}.email, '') || ' '"
    " || coalesce({r}.address, '')), replace(coalesce({r}.phone, ''), '+', '')"
)
SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE customer_search USING fts5(doc, phone_digits, tokenize='trigram')",
    "CREATE TRIGGER customer_search_insert AFTER INSERT ON customers BEGIN"
    " INSERT INTO customer_search(rowid, doc, phone_digits)"
    f" VALUES (new.id, {_SQLITE_ROW.format(r='new')}); END",
    "CREATE TRIGGER customer_search_update AFTER UPDATE OF name, email, address, phone"
    " ON customers BEGIN DELETE FROM customer_search WHERE rowid = old.id;"
    " INSERT INTO customer_search(rowid, doc, phone_digits)"
    f" VALUES (new.id, {_SQLITE_ROW.format(r='new')}); END",
    "CREATE TRIGGER customer_search_delete AFTER DELETE ON customers BEGIN"
    " DELETE FROM customer_search WHERE rowid = old.id; END",
    "INSERT INTO customer_search(rowid, doc, phone_digits)"
    f" SELECT customers.id, {_SQLITE_ROW.format(r='customers')} FROM customers",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS customer_search_delete",
    "DROP TRIGGER IF EXISTS customer_search_update",
    "DROP TRIGGER IF EXISTS customer_search_insert",
    "DROP TABLE IF EXISTS customer_search",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _run(PG_UPGRADE if postgres else SQLITE_UPGRADE)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _run(PG_DOWNGRADE if postgres else SQLITE_DOWNGRADE)
