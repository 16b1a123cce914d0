"""The in-process store of the rate limits and the login throttle: MemoryStore's answers."""

from __future__ import annotations

import asyncio

from entrypoints.http.process_store import ProcessStore


async def test_values_are_kept_until_they_expire() -> None:
    store = ProcessStore()
    await store.set("a", "text")
    await store.set("b", b"bytes", expires_in=1)
    assert await store.get("a") == b"text"
    assert await store.get("b") == b"bytes"
    assert await store.get("missing") is None
    await asyncio.sleep(1.05)
    assert await store.get("b") is None
    assert await store.get("a") == b"text"


async def test_renewing_extends_only_a_value_that_expires() -> None:
    store = ProcessStore()
    await store.set("expiring", b"1", expires_in=1)
    await store.set("forever", b"2")
    assert await store.get("expiring", renew_for=60) == b"1"
    assert 59 <= (await store.expires_in("expiring") or 0) <= 60
    assert await store.get("forever", renew_for=60) == b"2"
    assert await store.expires_in("forever") == -1  # MemoryStore: no expiry


async def test_delete_all_forgets_everything() -> None:
    store = ProcessStore()
    await store.set("a", b"1")
    await store.delete_all()
    assert await store.get("a") is None
