"""The benchmarks' one office user: a quick password hash, created once, logged in once."""

from __future__ import annotations

import httpx

from adapters.argon2_hasher import Argon2PasswordHasher
from application import users as user_cases
from application.access import SYSTEM
from domain.user import Role
from entrypoints.container import Container

USERNAME, PASSWORD = "bench-office", "correct-horse-42"


def quick_hashing(container: Container) -> None:
    """Only the one login pays for the password hash; keep set-up quick with a cheap one."""
    container.password_hasher.override(Argon2PasswordHasher(time_cost=1, memory_cost=1024))


async def add_office_user(container: Container) -> None:
    await user_cases.create_user(
        SYSTEM,
        container.uow(),
        container.clock(),
        container.password_hasher(),
        user_cases.NewUser(USERNAME, PASSWORD, Role.OFFICE),
    )


async def office_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """Log the office user in; the bearer header to send with each request."""
    login = await client.post("/auth/login", json={"username": USERNAME, "password": PASSWORD})
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['accessToken']}"}
