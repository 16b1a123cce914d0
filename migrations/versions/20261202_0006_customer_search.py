"""customer_search: text and phone search over customers (GET /customers?q=)

PostgreSQL: stored generated columns with the folded document, name and email (`fc_unaccent`,
an IMMUTABLE wrapper of `unaccent`, so it may appear in a generated column) and the phone's
digits; pg_trgm GIN indexes on the document and the digits. SQLite: the FTS5 trigram
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
    # Stored, folded copies of what the search reads (PostgreSQL only; tables.py leaves them
    # out): the trigram recheck and the rank read them instead of calling fc_unaccent per row.
    *(
        f"ALTER TABLE customers ADD COLUMN {column} text GENERATED ALWAYS AS ({value}) STORED"
        for column, value in (
            (
                "search_document",
                "fc_unaccent(lower(coalesce(name, '') || ' ' || coalesce(email, '')"
                " || ' ' || coalesce(address, '')))",
            ),
            ("search_name", "fc_unaccent(lower(name))"),
            ("search_email", "fc_unaccent(lower(coalesce(email, '')))"),
            ("search_phone", "replace(coalesce(phone, ''), '+', '')"),
        )
    ),
    "CREATE INDEX ix_customers_search_document ON customers"
    " USING gin (search_document gin_trgm_ops)",
    "CREATE INDEX ix_customers_search_phone ON customers USING gin (search_phone gin_trgm_ops)",
]
PG_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_customers_search_phone",
    "DROP INDEX IF EXISTS ix_customers_search_document",
    *(
        f"ALTER TABLE customers DROP COLUMN IF EXISTS search_{part}"
        for part in ("document", "name", "email", "phone")
    ),
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
