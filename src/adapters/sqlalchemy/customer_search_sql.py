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
exactly; words shorter than a trigram by `instr` alone). The rank is one CASE over each
rank's own test (`tiers`); PostgreSQL ranks only each tier's newest rows, each found through
its own index (`candidates`, migration 0012), SQLite every match, from the folded name and
e-mail its FTS table stores (migration 0012).
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
    union,
)
from sqlalchemy.sql import Subquery

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
_fts = table("customer_search")
FTS_ROWID: ColumnClause[Any] = literal_column("customer_search.rowid")
FTS_DOC: ColumnClause[Any] = literal_column("customer_search.doc")
FTS_PHONE: ColumnClause[Any] = literal_column("customer_search.phone_digits")
_ranked = _fts.alias("ranked")
"""The search table's row of a candidate (SQLite), whose stored folded columns rank it."""
RANKED_NAME: ColumnClause[Any] = literal_column("ranked.name")
RANKED_EMAIL: ColumnClause[Any] = literal_column("ranked.email")
RANKED_PHONE: ColumnClause[Any] = literal_column("ranked.phone_digits")


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

    def tiers(self) -> list[tuple[int, ColumnElement[bool]]]:
        """Each rank's own test, best first (see `domain.customer_search`): a matching row's
        rank is the first it passes, `ELSEWHERE` if none. On PostgreSQL each is a `LIKE`
        an index answers: the name's and e-mail's btrees (`text_pattern_ops`, a prefix is a
        range), the name's trigrams (a later word) and the reversed phone digits' btree
        (an ending is a prefix of the reverse; migration 0012)."""
        phrase = self.terms.phrase
        digits = self.terms.digits
        if self.postgres:
            folded = self._fold(phrase)
            starts = self._fold(_escape_like(phrase)) + _value("%")
            tiers = [
                (EXACT, folded == PG_NAME),
                (PREFIX, PG_NAME.like(starts)),
                (WORD_PREFIX, or_(PG_NAME.like(_value("% ") + starts), PG_EMAIL.like(starts))),
            ]
            if digits is not None:
                ending = func.reverse(PG_PHONE_DIGITS).like(_value(digits[::-1] + "%"))
                tiers.append((PHONE_END, ending))
            return tiers
        folded = _value(fold(phrase))
        tiers = [
            (EXACT, folded == RANKED_NAME),
            (PREFIX, func.instr(RANKED_NAME, folded) == 1),
            (
                WORD_PREFIX,
                or_(
                    func.instr(RANKED_NAME, _value(" " + fold(phrase))) > 0,
                    func.instr(RANKED_EMAIL, folded) == 1,
                ),
            ),
        ]
        if digits is not None:
            tiers.append((PHONE_END, RANKED_PHONE.like(_value(f"%{digits}"))))
        return tiers

    def rank(self) -> ColumnElement[int]:
        """0 exact name ... 4 elsewhere (see `domain.customer_search`)."""
        return case(*((test, rank) for rank, test in self.tiers()), else_=ELSEWHERE)

    def candidates(
        self, others: list[ColumnElement[bool]], enough: int, few: bool = False
    ) -> Subquery:
        """`(id, rank)` of every match meeting `others` that can be among the first `enough`
        in rank order (then newest first).

        PostgreSQL: for each tier, the newest `enough` rows passing its test, and the newest
        `enough` matches. Exact: a row of rank r in the first `enough` is newer than every
        other row of rank r that is, and a row passing tier r's test ranks r or better, so it
        is among that tier's newest `enough`. Every tier's test implies a match (the name or
        e-mail holds the whole query, the phone ends with its digits), so a tier part needs
        no match condition and its own index answers it. Each part stops early: a
        newest-first scan for a common test, an index lookup and a small sort for a rare one.
        When the matches are `few` (counted: at most `SEARCH_TOTAL_CAP`), the part of all
        matches sorts them rather than walk the ids newest first (`id + 0` is not the primary
        key's order): PostgreSQL's estimate cannot tell that walking stops only after ~50 x
        100,000 / matches rows, each with a `LIKE` over the whole document (`Anna Müller`,
        414 matches: 13,000 rows, ~17 ms, against ~2 ms for the trigram index and a sort).
        SQLite: every match, ranked from the search table's stored folded name and e-mail."""
        if not self.postgres:
            searched = customers.join(_ranked, literal_column("ranked.rowid") == customers.c.id)
            found = select(customers.c.id, self.rank().label("rank")).select_from(searched)
            return found.where(*others, self.condition()).subquery("candidates")
        every_match = customers.c.id + literal_column("0") if few else customers.c.id
        tests = [(customers.c.id, test) for _, test in self.tiers()]
        parts = []
        for order, test in [*tests, (every_match, self.condition())]:
            newest = (
                select(customers.c.id)
                .where(*others, test)
                .order_by(order.desc())
                .limit(enough)
                .subquery()
            )
            parts.append(select(newest.c.id))
        ids = union(*parts).subquery("ids")
        ranked = select(customers.c.id, self.rank().label("rank"))
        return ranked.join_from(customers, ids, ids.c.id == customers.c.id).subquery("candidates")
