"""Referral codes and the rules of who may have referred whom."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from domain.errors import ValidationFailed

# Crockford's base32: no I, L, O or U, so a code survives being read over the phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 32**8 ≈ 1.1e12 codes: unguessable for a shop's few thousand customers
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_referral_code() -> str:
    """Eight characters drawn uniformly from ALPHABET: its 32 letters are 5 bits each, so
    one read of 40 random bits gives the whole code (secrets.choice per character asked
    the system for randomness eight times)."""
    bits = int.from_bytes(secrets.token_bytes(5 * CODE_LENGTH // 8), "big")
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def normalize_referral_code(raw: str, field: str = "referral_code") -> str:
    """Accept `abcd-1234`, `ABCD 1234`, `O` for `0`; refuse anything not a code."""
    code = raw.strip().upper().replace("-", "").replace(" ", "").translate(_CONFUSABLE)
    # isascii: upper() maps some other letters into A-Z ("ß" becomes "SS"); no code has them.
    if not raw.isascii() or len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        raise ValidationFailed.single(field, f"must be a {CODE_LENGTH}-character referral code")
    return code


def check_referrer(
    customer_id: int | None, referrer_id: int, referrer_chain: Sequence[int]
) -> None:
    """`referrer_chain` is the referrer's own ancestry (who referred them, and so on).

    A customer cannot refer itself, and no chain of referrals may loop back.
    """
    if customer_id is not None and referrer_id == customer_id:
        raise ValidationFailed.single("referral_code", "a customer cannot refer itself")
    if customer_id is not None and customer_id in referrer_chain:
        raise ValidationFailed.single("referral_code", "this referral would form a cycle")
