"""Rotating TWILIO_AUTH_TOKEN without a window of 403s: while TWILIO_AUTH_TOKEN_PREVIOUS is
set, webhooks signed with either token are accepted (Twilio signs with the account's primary
token until the new one is promoted); any other token is still refused."""

from __future__ import annotations

import pytest

from entrypoints.settings import Settings
from tests.conftest import TEST_JWT_SECRET
from tests.http.conftest import assert_problem
from tests.http.test_twilio_webhooks import ENV, INBOUND, TOKEN, post, signed

NEW_TOKEN = "e" * 32


@pytest.fixture
def settings(database_url: str) -> Settings:
    base = Settings(database_url=database_url, jwt_secret=TEST_JWT_SECRET, environment="test")
    rotating = {**ENV, "TWILIO_AUTH_TOKEN": NEW_TOKEN, "TWILIO_AUTH_TOKEN_PREVIOUS": TOKEN}
    return base.replace(messaging=Settings.from_env(rotating).messaging)


def inbound(sid: str) -> dict[str, str]:
    return {"From": "+14155550199", "Body": "hello", "MessageSid": sid}


@pytest.mark.parametrize("token", [TOKEN, NEW_TOKEN], ids=["previous token", "new token"])
async def test_both_tokens_sign_webhooks_during_a_rotation(client, token) -> None:
    params = inbound("SMrot1")
    response = await post(client, INBOUND, params, signed(INBOUND, params, token=token))
    assert response.status_code == 200, response.text


async def test_a_third_token_is_still_refused(client) -> None:
    params = inbound("SMrot2")
    response = await post(client, INBOUND, params, signed(INBOUND, params, token="0" * 32))
    assert_problem(response, 403)


def test_the_previous_token_is_a_secret_and_needs_no_partner() -> None:
    settings = Settings.from_env({**ENV, "TWILIO_AUTH_TOKEN_PREVIOUS": TOKEN})
    twilio = settings.messaging.twilio
    assert twilio is not None and twilio.auth_token_previous is not None
    assert TOKEN not in repr(settings)
