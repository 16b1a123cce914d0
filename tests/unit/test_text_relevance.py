"""BM25 between the problem and technicians' past jobs, and the ranking it feeds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.technician_matching import TechnicianProfile, match_candidates
from domain.text_relevance import bm25_scores, relevance_by_owner, terms

PAST = {
    1: [(10, "fridge ice maker jammed"), (11, "ice maker not making ice"), (12, "door seal")],
    2: [(20, "fridge compressor not cooling"), (21, "compressor clicking")],
    3: [(30, "washer won't drain")],
}


def test_terms_are_stemmed_and_stopwords_dropped() -> None:
    assert terms("The ice maker is leaking, leaks and leaked") == [
        "ice",
        "maker",
        "leak",
        "leak",
        "leak",
    ]


def test_the_technician_who_fixed_similar_problems_scores_highest() -> None:
    relevance = relevance_by_owner("ice maker stopped making ice", PAST)
    assert relevance[1][0] == 1.0 and relevance[1][1][:2] == (11, 10)
    assert 2 not in relevance and 3 not in relevance
    assert bm25_scores("anything", {}) == {}
    assert relevance_by_owner("pool pump", PAST) == {}


def test_past_jobs_move_the_ranking_and_explain_it() -> None:
    techs = [
        TechnicianProfile(1, "Ice", ("refrigerator",)),
        TechnicianProfile(2, "Cold", ("fridge",)),
    ]
    plain = match_candidates(techs, "fridge", open_jobs={1: 1})
    assert plain[0].technician_id == 2
    relevance = relevance_by_owner("fridge ice maker jammed", PAST)
    ranked = match_candidates(techs, "fridge", open_jobs={1: 1}, relevance=relevance)
    assert ranked[0].technician_id == 1
    assert any("fixed similar problems (jobs #10" in r for r in ranked[0].reasons)


@given(st.permutations([1, 2, 3, 4, 5]), st.integers(0, 3), st.randoms())
def test_the_ranking_does_not_depend_on_the_order_of_the_candidates(
    order: list[int], busy: int, rnd: object
) -> None:
    skills = {
        1: ("fridge",),
        2: ("refrigerator",),
        3: ("hvac", "fridge"),
        4: ("washer",),
        5: ("fridge",),
    }
    techs = [TechnicianProfile(i, f"T{i}", skills[i]) for i in order]
    past = {i: PAST.get(i, [(50 + i, "fridge not cooling")]) for i in order}
    relevance = relevance_by_owner("fridge ice maker not cooling", past)
    ranked = match_candidates(techs, "fridge", open_jobs={3: busy}, relevance=relevance)
    reference = match_candidates(
        sorted(techs, key=lambda t: t.id),
        "fridge",
        open_jobs={3: busy},
        relevance=relevance_by_owner("fridge ice maker not cooling", dict(sorted(past.items()))),
    )
    assert ranked == reference
