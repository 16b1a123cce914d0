"""The bridge from the container to Litestar: each handler dependency calls a provider.

Litestar injects by parameter name; dependency-injector's `@inject`/`Provide[...]` markers
are not used on handlers (they clash with Litestar's signature validation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dependency_injector import providers
from litestar.di import Provide


def from_provider(provider: providers.Provider[Any]) -> Provide:
    """A Litestar dependency whose value is `provider()`, called once per request."""

    def dependency() -> Any:
        return provider()

    return Provide(dependency, sync_to_thread=False)


def dependencies_from(named: Mapping[str, providers.Provider[Any]]) -> dict[str, Provide]:
    """Litestar's `dependencies` for the named providers."""
    return {name: from_provider(provider) for name, provider in named.items()}
