"""What `GET /customers?q=` finds, and in which order: the rules every store implements.

A customer matches when every word of the query is part of their name, email or address
(compared folded: lower case, accents dropped), or when the query is a phone number
(digits and `+ ( ) - .` and spaces only, at least `MIN_PHONE_DIGITS` digits) whose digits
appear in the customer's phone number. Best first:

0. the name is the query;  1. the name starts with it;  2. a later word of the name, or the
email, starts with it;  3. the phone number ends with its digits;  4. any other match.
Ties: newest customer first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MIN_LENGTH = 2
MAX_LENGTH = 100
MIN_PHONE_DIGITS = 4
_PHONE_LIKE = re.compile(r"^[0-9+()\-.\s]+$")
EXACT, PREFIX, WORD_PREFIX, PHONE_END, ELSEWHERE = range(5)


def fold(text: str) -> str:
    """Lower case without accents ("Émile Ñúñez" -> "emile nunez")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A query split for matching: its words as typed (`words`), the whole query with single
    spaces (`phrase`), and its digits when it is a phone number (else None)."""

    phrase: str
    words: tuple[str, ...]
    digits: str | None

    @classmethod
    def parse(cls, q: str) -> SearchTerms:
        words = tuple(q.split())
        digits = re.sub(r"\D", "", q)
        phone = _PHONE_LIKE.match(q) is not None and len(digits) >= MIN_PHONE_DIGITS
        return cls(" ".join(words), words, digits if phone else None)

    def rank(
        self, name: str, email: str | None, address: str | None, phone: str | None
    ) -> int | None:
        """The customer's rank for this query (see the module), or None if they do not match."""
        phrase = fold(self.phrase)
        folded_name = fold(name)
        document = " ".join(fold(part or "") for part in (name, email, address))
        phone_digits = (phone or "").replace("+", "")
        by_words = bool(self.words) and all(fold(w) in document for w in self.words)
        by_phone = self.digits is not None and self.digits in phone_digits
        if not (by_words or by_phone):
            return None
        if folded_name == phrase:
            return EXACT
        if folded_name.startswith(phrase):
            return PREFIX
        if f" {phrase}" in folded_name or fold(email or "").startswith(phrase):
            return WORD_PREFIX
        if self.digits is not None and phone_digits.endswith(self.digits):
            return PHONE_END
        return ELSEWHERE
