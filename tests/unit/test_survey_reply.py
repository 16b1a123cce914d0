"""Reading a 1-5 rating out of a survey reply: example tables per language, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.survey_reply import (
    LANGUAGES,
    NUMBER_WORDS,
    OUT_OF,
    STAR_WORDS,
    RatedReply,
    base_language,
    parse_rating,
)

EXAMPLES = {
    "en": [
        ("5", 5, ""), ("4 stars", 4, ""), ("five", 5, ""), ("★★★★", 4, ""), ("4/5", 4, ""),
        ("Four stars, quick and clean", 4, "quick and clean"), ("3 out of 5", 3, ""),
        ("2 - late again", 2, "late again"), ("⭐️⭐️⭐️ ok", 3, "ok"), ("★★☆☆☆", 2, ""),
        ("ONE STAR. Never again", 1, "Never again"), ("5!", 5, ""), ("5stars", 5, ""),
    ],
    "es": [
        ("cinco", 5, ""), ("4 estrellas", 4, ""), ("Cuatro estrellas, muy bien", 4, "muy bien"),
        ("una estrella", 1, ""), ("3 de 5", 3, ""), ("five", 5, ""),
    ],
    "fr": [
        ("cinq", 5, ""), ("quatre étoiles - très bien", 4, "très bien"), ("Une étoile", 1, ""),
        ("4 sur 5", 4, ""), ("deux !", 2, ""),
    ],
    "de": [
        ("fünf", 5, ""), ("Fünf Sterne!", 5, ""), ("fuenf", 5, ""), ("vier Sterne, gut", 4, "gut"),
        ("3 von 5", 3, ""), ("ein Stern", None, None),
    ],
    "pt": [
        ("cinco", 5, ""), ("três estrelas", 3, ""), ("tres", 3, ""), ("uma estrela", 1, ""),
        ("4 de 5, ótimo", 4, "ótimo"), ("duas", 2, ""),
    ],
}  # fmt: skip
NOT_RATINGS = [
    "", "   ", "thanks!", "0", "6", "10", "45", "-3", "4.5", "4,5", "4/10", "6/5", "0 stars",
    "12 stars", "★★★★★★", "☆☆☆", "2 technicians came", "call me at 5pm", "un bon travail",
    "una pregunta", "um problema", "great, 5 stars",
]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "reply", "rating", "rest"),
    [(lang, *example) for lang, examples in EXAMPLES.items() for example in examples],
)
def test_examples_per_language(language: str, reply: str, rating: int | None, rest: str | None):
    expected = None if rating is None else RatedReply(rating, rest or "")
    assert parse_rating(reply, language) == expected


@pytest.mark.parametrize("reply", NOT_RATINGS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_replies_without_a_rating_are_none(language: str, reply: str):
    assert parse_rating(reply, language) is None


def test_the_five_languages_and_regional_tags():
    assert set(LANGUAGES) == {"en", "es", "fr", "de", "pt"}
    assert base_language("pt-BR") == "pt" and base_language("es-MX") == "es"
    assert base_language("it") == "en"  # no rating words: English and digits only
    assert parse_rating("cinque", "it") is None and parse_rating("5", "it") == RatedReply(5, "")


def test_only_the_customers_language_and_english_words_count():
    assert parse_rating("cinq", "es") is None
    assert parse_rating("five", "de") == RatedReply(5, "")


def _renderings(language: str, rating: int) -> st.SearchStrategy[str]:
    """Every form a customer may write `rating` in (number words of their language)."""
    words = [w for w, n in NUMBER_WORDS[language].items() if n == rating]
    numbers = [str(rating), *words]
    units = STAR_WORDS[language] + STAR_WORDS["en"]
    out_of = [*OUT_OF[language], "/"]
    stars = st.sampled_from(["★", "⭐", "⭐\ufe0f"]).map(lambda star: star * rating)
    return st.one_of(
        st.sampled_from(numbers),
        st.builds(lambda n, u: f"{n} {u}", st.sampled_from(numbers), st.sampled_from(units)),
        st.builds(lambda o: f"{rating} {o} 5", st.sampled_from(out_of)),
        stars,
        stars.map(lambda filled: filled + "☆" * (5 - rating) if "⭐" not in filled else filled),
    )


FEEDBACK = st.from_regex(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ ]{0,30}[A-Za-zÀ-ÿ]", fullmatch=True)


@given(st.data(), st.sampled_from(LANGUAGES), st.integers(1, 5))
def test_any_rendered_rating_parses_back_with_its_feedback(data, language, rating):
    rendered = data.draw(_renderings(language, rating))
    case = data.draw(st.sampled_from([str, str.upper, str.title]))
    feedback = data.draw(st.none() | FEEDBACK)
    separator = data.draw(st.sampled_from([", ", " - ", ". ", "! "]))
    reply = case(rendered) + ("" if feedback is None else separator + feedback)
    assert parse_rating(reply, language) == RatedReply(rating, feedback or "")


@given(
    st.sampled_from(LANGUAGES),
    st.integers(-1000, 1000).filter(lambda n: not 1 <= n <= 5),
    st.sampled_from(["{}", "{} stars", "{}/5", "{} out of 5", "{}, great", "{} estrellas"]),
)
def test_numbers_outside_one_to_five_never_parse(language, number, form):
    assert parse_rating(form.format(number), language) is None
