"""Reading a 1-5 rating out of a customer's reply to a survey, in their language.

A reply *starts* with the rating: a digit ("5", "4/5", "4 out of 5", "4 stars"), a number
word of the customer's language or English ("five", "cinco", "quatre étoiles"), or stars
("★★★★", "★★★★☆", "⭐⭐⭐"). A bare number counts only when it stands alone or is followed by
punctuation ("5", "5, quick and clean", "cinq !"), so "2 technicians came" or "un bon
travail" (French "a good job") is feedback, not a rating. Case and accents are ignored.
Anything else — no rating, a number outside 1-5 ("0", "6", "10", "4.5", "4/10") — is None.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from domain.ratings import MAX_RATING, MIN_RATING

# Lower-case, accent-free (the reply is normalised the same way before matching).
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5},
    "es": {"uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5},
    "de": {"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "fuenf": 5},
    "pt": {"um": 1, "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5},
}
STAR_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("stars", "star"),
    "es": ("estrellas", "estrella"),
    "fr": ("etoiles", "etoile"),
    "de": ("sterne", "stern"),
    "pt": ("estrelas", "estrela"),
}
OUT_OF: dict[str, tuple[str, ...]] = {
    "en": ("out of", "of"),
    "es": ("de",),
    "fr": ("sur",),
    "de": ("von",),
    "pt": ("de",),
}
LANGUAGES = tuple(NUMBER_WORDS)
FILLED_STARS = "★⭐"
EMPTY_STAR = "☆"
_IGNORED = "\ufe0f"  # the emoji variation selector after ⭐
_SEPARATOR = re.compile(r"\s*(?:[-\u2013\u2014,;:.!]+(?:\s+|$))?")  # dashes, en/em dashes


@dataclass(frozen=True, slots=True)
class RatedReply:
    """A reply that gives a rating; `rest` is the text after it ("" when nothing else)."""

    rating: int
    rest: str


def base_language(tag: str) -> str:
    """ "pt-BR" → "pt"; a language without rating words falls back to English."""
    base = tag.split("-")[0].lower()
    return base if base in NUMBER_WORDS else "en"


def _alternatives(words: set[str]) -> str:
    """A regex alternation, longest first (so "une" wins over "un")."""
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


@cache
def _pattern(language: str) -> re.Pattern[str]:
    langs = {language, "en"}
    words = {w for lang in langs for w in NUMBER_WORDS[lang]}
    stars = {w for lang in langs for w in STAR_WORDS[lang]}
    out_of = {w for lang in langs for w in OUT_OF[lang]} | {"/"}
    filled, empty = f"[{FILLED_STARS}]", re.escape(EMPTY_STAR)
    return re.compile(
        rf"\s*(?:(?P<stars>{filled}{{1,5}})(?P<empty>{empty}{{0,4}})(?![{FILLED_STARS}{empty}])"
        rf"|(?P<number>\d+(?![\d])|(?:{_alternatives(words)})(?![\w]))"
        rf"(?P<out_of>\s*(?:{_alternatives(out_of)})\s*5(?![\w]))?"
        rf"(?P<unit>\s*(?:{_alternatives(stars)})(?![\w]))?)"
    )


def _normalised(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased without accents, and for each of its characters the index of the
    character of `text` it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char).casefold():
            if not unicodedata.combining(part) and part != _IGNORED:
                chars.append(part)
                origin.append(i)
    return "".join(chars), origin


def _stands_alone(after: str) -> bool:
    """Whether a bare number is followed by nothing, or by punctuation that is not part of
    a bigger number ("4.5", "4/10", "4-5")."""
    stripped = after.lstrip()
    if not stripped:
        return True
    first, second = stripped[0], stripped[1:2]
    if first.isalnum() or first == "/":
        return False
    return not (first in ".,-" and second.isdigit())


def parse_rating(reply: str, language: str = "en") -> RatedReply | None:
    """The 1-5 rating a survey reply starts with, and the rest of its text; None when the
    reply gives no rating (it is then plain feedback)."""
    text, origin = _normalised(reply)
    found = _pattern(base_language(language)).match(text)
    if found is None:
        return None
    if found["stars"]:
        if len(found["stars"]) + len(found["empty"]) > MAX_RATING:
            return None
        rating = len(found["stars"])
    else:
        word = re.sub(r"\s+", " ", found["number"])
        rating = int(word) if word.isdigit() else _word_value(word, base_language(language))
        if not (found["out_of"] or found["unit"]) and not _stands_alone(text[found.end() :]):
            return None
    if not MIN_RATING <= rating <= MAX_RATING:
        return None
    end = origin[found.end()] if found.end() < len(origin) else len(reply)
    after = reply[end:]
    rest = after[_SEPARATOR.match(after).end() :].strip()  # type: ignore[union-attr]
    return RatedReply(rating, rest)


def _word_value(word: str, language: str) -> int:
    return NUMBER_WORDS[language].get(word) or NUMBER_WORDS["en"][word]
