"""search speed: indexes that answer each rank of the customer search by itself

PostgreSQL: btrees on the folded name and e-mail (`text_pattern_ops`: equality, and a
prefix `LIKE 'anna%'` as a range, whatever the database's collation), a trigram index on the
folded name (a later word: `LIKE '% anna%'`), a btree on the reversed phone digits (a number
ending with `1234` is one whose reverse starts with `4321`). The trigram indexes keep a
pending list of at most 512 kB (`gin_pending_list_limit`, default 4 MB): every search reads
the whole list of not-yet-merged entries, 469 pages and ~10 ms a query after a bulk load of
100,000 customers with the default, at most 64 pages (~1 ms) now. Writing straight into the
index (`fastupdate = off`) made inserting 5,000 customers take 10.3 s instead of 1.5 s;
512 kB takes 1.9 s (docs/performance.md).

SQLite: the FTS5 table `customer_search` also stores the folded name and e-mail (UNINDEXED:
kept, not tokenized), so ranking a match reads them instead of calling the Python `fc_fold`
twice per row; the table and its triggers are rebuilt and refilled.

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
PENDING_LIST_KB = 512
PG_UPGRADE = [
    *(
        f"ALTER INDEX {index} SET (gin_pending_list_limit = {PENDING_LIST_KB})"
        for index in GIN_INDEXES
    ),
    *(f"SELECT gin_clean_pending_list('{index}'::regclass)" for index in GIN_INDEXES),
    "CREATE INDEX ix_customers_search_name ON customers (search_name text_pattern_ops)",
    "CREATE INDEX ix_customers_search_email ON customers (search_email text_pattern_ops)",
    "CREATE INDEX ix_customers_search_name_words ON customers"
    f" USING gin (search_name gin_trgm_ops) WITH (gin_pending_list_limit = {PENDING_LIST_KB})",
    "CREATE INDEX ix_customers_search_phone_end ON customers"
    " (reverse(search_phone) text_pattern_ops)",
]
PG_DOWNGRADE = [
    *(
        f"DROP INDEX IF EXISTS ix_customers_search_{part}"
        for part in ("phone_end", "name_words", "email", "name")
    ),
    *(f"ALTER INDEX {index} RESET (gin_pending_list_limit)" for index in GIN_INDEXES),
]

_FOLDED_DOC = (
    "fc_fold(coalesce({r}.name, '') || ' ' || coalesce({r}.email, '') || ' '"
    " || coalesce({r}.address, '')), replace(coalesce({r}.phone, ''), '+', '')"
)
_FOLDED_NAMES = ", fc_fold({r}.name), fc_fold(coalesce({r}.email, ''))"


def sqlite_search_table(ranked: bool) -> list[str]:
    """Migration 0006's search table and triggers, rebuilt and refilled; with the folded
    name and e-mail columns when `ranked` (this migration), without (0006's shape)."""
    columns = "doc, phone_digits" + (", name, email" if ranked else "")
    declared = "doc, phone_digits" + (", name UNINDEXED, email UNINDEXED" if ranked else "")
    row = _FOLDED_DOC + (_FOLDED_NAMES if ranked else "")
    insert = f"INSERT INTO customer_search(rowid, {columns})"
    return [
        *(
            f"DROP TRIGGER IF EXISTS customer_search_{event}"
            for event in ("insert", "update", "delete")
        ),
        "DROP TABLE IF EXISTS customer_search",
        f"CREATE VIRTUAL TABLE customer_search USING fts5({declared}, tokenize='trigram')",
        "CREATE TRIGGER customer_search_insert AFTER INSERT ON customers BEGIN"
        f" {insert} VALUES (new.id, {row.format(r='new')}); END",
        "CREATE TRIGGER customer_search_update AFTER UPDATE OF name, email, address, phone"
        " ON customers BEGIN DELETE FROM customer_search WHERE rowid = old.id;"
        f" {insert} VALUES (new.id, {row.format(r='new')}); END",
        "CREATE TRIGGER customer_search_delete AFTER DELETE ON customers BEGIN"
        " DELETE FROM customer_search WHERE rowid = old.id; END",
        f"{insert} SELECT customers.id, {row.format(r='customers')} FROM customers",
    ]


def _run(postgres: list[str], ranked: bool) -> None:
    bind = op.get_bind()
    for statement in postgres if bind.dialect.name == "postgresql" else sqlite_search_table(ranked):
        op.execute(statement)


def upgrade() -> None:
    _run(PG_UPGRADE, ranked=True)


def downgrade() -> None:
    _run(PG_DOWNGRADE, ranked=False)
