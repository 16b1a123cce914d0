"""search speed: indexes that answer each rank of the customer search by itself

PostgreSQL: btrees on the folded name and e-mail (`text_pattern_ops`: equality, and a
prefix `LIKE 'anna%'` as a range, whatever the database's collation), a trigram index on the
folded name (a later word: `LIKE '% anna%'`), a btree on the reversed phone digits (a number
ending with `1234` is one whose reverse starts with `4321`). The trigram indexes write
straight into the index (`fastupdate = off`): with the default pending list every search
read up to 4 MB of not-yet-merged entries until the next (auto)vacuum, ~10 ms a query after
a bulk load. SQLite: nothing; its search table is migration 0006's.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 19:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GIN_INDEXES = ("ix_customers_search_document", "ix_customers_search_phone")
PG_UPGRADE = [
    *(f"ALTER INDEX {index} SET (fastupdate = off)" for index in GIN_INDEXES),
    *(f"SELECT gin_clean_pending_list('{index}'::regclass)" for index in GIN_INDEXES),
    "CREATE INDEX ix_customers_search_name ON customers (search_name text_pattern_ops)",
    "CREATE INDEX ix_customers_search_email ON customers (search_email text_pattern_ops)",
    "CREATE INDEX ix_customers_search_name_words ON customers"
    " USING gin (search_name gin_trgm_ops) WITH (fastupdate = off)",
    "CREATE INDEX ix_customers_search_phone_end ON customers"
    " (reverse(search_phone) text_pattern_ops)",
]
PG_DOWNGRADE = [
    *(
        f"DROP INDEX IF EXISTS ix_customers_search_{part}"
        for part in ("phone_end", "name_words", "email", "name")
    ),
    *(f"ALTER INDEX {index} RESET (fastupdate)" for index in GIN_INDEXES),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_DOWNGRADE:
            op.execute(statement)
