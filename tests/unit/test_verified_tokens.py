"""Verified bearer tokens are remembered until they expire, per app, never when invalid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import Token

from entrypoints.http import verified_tokens
from entrypoints.http.verified_tokens import remembering

SECRET = "s" * 40
OTHER_SECRET = "o" * 40


def _encoded(exp: datetime, secret: str = SECRET) -> str:
    return Token(exp=exp, sub="7", iss="fieldcrm", aud="fieldcrm-api").encode(secret, "HS256")


class Counting(Token):
    checks = 0

    @classmethod
    def decode_payload(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        Counting.checks += 1
        return super().decode_payload(*args, **kwargs)


def _decode(cls: type[Token], encoded: str, secret: str = SECRET) -> Token:
    return cls.decode(encoded, secret, "HS256", ["fieldcrm-api"], ["fieldcrm"])


def test_a_token_is_verified_once_then_remembered() -> None:
    cls = remembering(Counting)
    Counting.checks = 0
    encoded = _encoded(datetime.now(UTC) + timedelta(minutes=5))
    assert _decode(cls, encoded).sub == "7"
    assert _decode(cls, encoded).sub == "7"
    assert Counting.checks == 1


def test_an_expired_token_is_verified_again_and_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    cls = remembering(Token)
    encoded = _encoded(datetime.now(UTC) + timedelta(minutes=5))
    _decode(cls, encoded)
    later = datetime.now(UTC) + timedelta(minutes=6)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return later

    monkeypatch.setattr(verified_tokens, "datetime", Later)
    monkeypatch.setattr("jwt.api_jwt.datetime", Later, raising=False)
    with pytest.raises(NotAuthorizedException):
        _decode(cls, encoded)


def test_invalid_tokens_are_not_remembered_and_apps_do_not_share() -> None:
    encoded = _encoded(datetime.now(UTC) + timedelta(minutes=5), OTHER_SECRET)
    mine = remembering(Token)
    for _ in range(2):
        with pytest.raises(NotAuthorizedException):
            _decode(mine, encoded)
    assert mine.remembered() == 0  # type: ignore[attr-defined]
    theirs = remembering(Token)
    _decode(theirs, encoded, OTHER_SECRET)  # valid for the app with the other secret
    with pytest.raises(NotAuthorizedException):
        _decode(mine, encoded)


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verified_tokens, "MAX_TOKENS", 3)
    cls = remembering(Token)
    start = datetime.now(UTC) + timedelta(minutes=5)
    for n in range(7):
        _decode(cls, _encoded(start + timedelta(seconds=n)))
        assert cls.remembered() <= 3  # type: ignore[attr-defined]
