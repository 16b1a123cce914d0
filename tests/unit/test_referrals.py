"""Referral codes survive being read over the phone; referrals never loop."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.referral import (
    ALPHABET,
    CODE_LENGTH,
    check_referrer,
    new_referral_code,
    normalize_referral_code,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
codes = st.text(st.sampled_from(CROCKFORD), min_size=8, max_size=8)


def test_the_alphabet_is_crockfords() -> None:
    assert (ALPHABET, CODE_LENGTH) == (CROCKFORD, 8)
    assert not set("ILOU") & set(ALPHABET)


def test_new_codes_are_eight_crockford_characters_and_distinct() -> None:
    drawn = [new_referral_code() for _ in range(20_000)]
    assert all(len(code) == 8 and set(code) <= set(CROCKFORD) for code in drawn)
    assert len(set(drawn)) == len(drawn)
    assert normalize_referral_code(drawn[0]) == drawn[0]
    # every letter turns up at every position, about equally often (uniform: 625 each)
    for position in range(CODE_LENGTH):
        seen = Counter(code[position] for code in drawn)
        assert set(seen) == set(CROCKFORD)
        assert min(seen.values()) > 400 and max(seen.values()) < 850


@settings(max_examples=300, deadline=None)
@given(codes, st.data())
def test_normalize_accepts_what_a_person_would_type(code: str, data: st.DataObject) -> None:
    typed = ""
    for ch in code:
        spelled = {"0": "0Oo", "1": "1IiLl"}.get(ch, ch + ch.lower())
        typed += data.draw(st.sampled_from(spelled))
        typed += data.draw(st.sampled_from(["", "", "", "-", " "]))
    padding = data.draw(st.sampled_from(["", " ", "\t", "\n "]))
    assert normalize_referral_code(padding + typed + padding) == code


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(CROCKFORD), max_size=20).filter(lambda c: len(c) != 8))
def test_normalize_rejects_the_wrong_length(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalize_referral_code(raw)
    assert list(refused.value.errors) == ["referral_code"]


ACCEPTED = set(CROCKFORD + CROCKFORD.lower() + "OoIiLl- ")


@settings(max_examples=300, deadline=None)
@given(codes, st.integers(1, 6), st.characters().filter(lambda ch: ch not in ACCEPTED))
def test_normalize_rejects_other_characters(code: str, at: int, bad: str) -> None:
    with pytest.raises(ValidationFailed):
        normalize_referral_code(code[:at] + bad + code[at + 1 :])


@pytest.mark.parametrize(
    "raw", ["ABCDEFGU", "abcdefß", "\u017fBCDEFGH", "\u0131BCDEFGH", "ABCD_EFG", ""]
)
def test_normalize_rejects_look_alikes(raw: str) -> None:
    with pytest.raises(ValidationFailed):
        normalize_referral_code(raw, field="code")


def test_a_customer_cannot_refer_itself() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_referrer(5, 5, [])
    assert list(refused.value.errors) == ["referral_code"]
    check_referrer(None, 5, [1, 2])  # a customer not stored yet cannot be in any chain


def chain_of(parent: dict[int, int | None], node: int) -> list[int]:
    """Who referred `node`, who referred them, and so on."""
    chain, up = [], parent[node]
    while up is not None:
        chain.append(up)
        up = parent[up]
    return chain


@st.composite
def forests(draw: st.DrawFn) -> dict[int, int | None]:
    """A random referral forest: each customer's referrer comes earlier in a random order."""
    order = draw(st.permutations(range(1, draw(st.integers(1, 12)) + 1)))
    parent: dict[int, int | None] = {}
    for k, node in enumerate(order):
        pick = draw(st.integers(-1, k - 1))
        parent[node] = order[pick] if pick >= 0 else None
    return parent


def loops(parent: dict[int, int | None], customer: int, referrer: int) -> bool:
    """Would `referrer` referring `customer` close a loop? Walk the map after the change."""
    after = {**parent, customer: referrer}
    seen: set[int] = set()
    node: int | None = customer
    while node is not None:
        if node in seen:
            return True
        seen.add(node)
        node = after[node]
    return False


@settings(max_examples=300, deadline=None)
@given(forests(), st.data())
def test_check_referrer_refuses_exactly_the_loops(
    parent: dict[int, int | None], data: st.DataObject
) -> None:
    customer = data.draw(st.sampled_from(sorted(parent)))
    referrer = data.draw(st.sampled_from(sorted(parent)))
    if loops(parent, customer, referrer):
        with pytest.raises(ValidationFailed) as refused:
            check_referrer(customer, referrer, chain_of(parent, referrer))
        assert list(refused.value.errors) == ["referral_code"]
    else:
        check_referrer(customer, referrer, chain_of(parent, referrer))
