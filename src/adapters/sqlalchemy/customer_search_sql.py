"""`domain.customer_search` in SQL, on PostgreSQL and SQLite alike.

PostgreSQL: the folded document (`fc_unaccent(lower(name || ' ' || email || ' ' || address))`),
name and email and the phone's digits are stored generated columns (migration 0006; not in
tables.py), the document and the digits with pg_trgm GIN indexes, matched with
`LIKE '%word%'`, so any part of a word is found through the index; the index's recheck and the
rank read the stored text (calling `fc_unaccent` per matching row made a broad query ~100 ms).
SQLite: the same two texts
live in the FTS5 trigram table `customer_search` (rowid = customer id), kept by triggers that
fold with `fc_fold`, the Python `fold` registered on every connection (engine.py); its LIKE
is answered by the trigram index too (only without ESCAPE, so `instr` checks the match
exactly; words shorter than a trigram by `instr` alone). The rank is one CASE over the
matching rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnClause,
    ColumnElement,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)

from adapters.sqlalchemy.tables import customers
from domain.customer_search import (
    ELSEWHERE,
    EXACT,
    PHONE_END,
    PREFIX,
    WORD_PREFIX,
    SearchTerms,
    fold,
)

FOLD_FUNCTION = "fc_fold"
"""The SQLite function (domain `fold`) the search triggers call."""
PG_DOCUMENT: ColumnClause[Any] = literal_column("customers.search_document")
PG_NAME: ColumnClause[Any] = literal_column("customers.search_name")
PG_EMAIL: ColumnClause[Any] = literal_column("customers.search_email")
PG_PHONE_DIGITS: ColumnClause[Any] = literal_column("customers.search_phone")
_fts = table("customer_search", literal_column("rowid"), literal_column("doc"))
FTS_ROWID: ColumnClause[Any] = literal_column("customer_search.rowid")
FTS_DOC: ColumnClause[Any] = literal_column("customer_search.doc")
FTS_PHONE: ColumnClause[Any] = literal_column("customer_search.phone_digits")


TRIGRAM = 3
"""The shortest word the trigram index can look up. SQLite 3.40's FTS5 crashes on a shorter
LIKE pattern next to another LIKE (fixed later): such a word is matched by `instr` alone."""


def _value(value: str) -> BindParameter[str]:
    """`value` written into the SQL text when the statement runs, not bound: with a bound
    pattern PostgreSQL switches a prepared statement (asyncpg prepares every statement) to a
    generic plan after five runs, and that plan cannot use the trigram index (a 10x slower
    search); the literal also lets it fold `fc_unaccent('...')` once, at planning."""
    return literal(value, literal_execute=True)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CustomerSearch:
    """The WHERE condition and the rank of one query, for one dialect."""

    def __init__(self, q: str, dialect: str) -> None:
        self.terms = SearchTerms.parse(q)
        self.postgres = dialect == "postgresql"

    def _fold(self, text: str) -> ColumnElement[str]:
        if self.postgres:
            return func.fc_unaccent(func.lower(_value(text)))
        return _value(fold(text))

    def _fold_column(self, column: ColumnElement[Any]) -> ColumnElement[str]:
        folded: ColumnElement[str] = getattr(func, FOLD_FUNCTION)(column)
        return folded

    def _position(self, haystack: ColumnElement[str], needle: ColumnElement[str]) -> Any:
        return func.strpos(haystack, needle) if self.postgres else func.instr(haystack, needle)

    def condition(self) -> ColumnElement[bool]:
        """Customers matching by their words or their phone number."""
        terms = self.terms
        alternatives = []
        if terms.words:
            alternatives.append(self._by_words())
        if terms.digits is not None:
            alternatives.append(self._by_phone(terms.digits))
        return or_(*alternatives)

    def _by_words(self) -> ColumnElement[bool]:
        words = self.terms.words
        if self.postgres:
            patterns = [
                PG_DOCUMENT.like(_value("%") + self._fold(_escape_like(w)) + _value("%"))
                for w in words
            ]
            return and_(*patterns)
        found = select(FTS_ROWID).select_from(_fts)
        for word in words:
            folded = fold(word)
            if len(folded) >= TRIGRAM:
                found = found.where(FTS_DOC.like(_value(f"%{folded}%")))
            found = found.where(func.instr(FTS_DOC, _value(folded)) > 0)
        return customers.c.id.in_(found)

    def _by_phone(self, digits: str) -> ColumnElement[bool]:
        if self.postgres:
            return PG_PHONE_DIGITS.like(_value(f"%{digits}%"))
        found = select(FTS_ROWID).select_from(_fts).where(FTS_PHONE.like(_value(f"%{digits}%")))
        return customers.c.id.in_(found)

    def rank(self) -> ColumnElement[int]:
        """0 exact name ... 4 elsewhere (see `domain.customer_search`)."""
        phrase = self._fold(self.terms.phrase)
        name: ColumnElement[Any]
        email: ColumnElement[Any]
        phone: ColumnElement[Any]
        if self.postgres:
            name, email, phone = PG_NAME, PG_EMAIL, PG_PHONE_DIGITS
        else:
            name = self._fold_column(customers.c.name)
            email = self._fold_column(func.coalesce(customers.c.email, ""))
            phone = func.replace(func.coalesce(customers.c.phone, ""), "+", "")
        digits = self.terms.digits
        phone_end = phone.like(_value(f"%{digits}")) if digits is not None else literal(False)
        return case(
            (name == phrase, EXACT),
            (self._position(name, phrase) == 1, PREFIX),
            (
                or_(
                    self._position(name, _value(" ") + phrase) > 0,
                    self._position(email, phrase) == 1,
                ),
                WORD_PREFIX,
            ),
            (phone_end, PHONE_END),
            else_=ELSEWHERE,
        )
