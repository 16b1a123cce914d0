"""The composition root: one dependency-injector container that picks every adapter."""

from __future__ import annotations

import logging
import secrets

from dependency_injector import containers, providers
from redis.asyncio import Redis

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.cache.memory import MemoryCache
from adapters.cache.redis_cache import RedisCache
from adapters.clock import SystemClock
from adapters.llm.offline_client import OfflineLlmClient
from adapters.llm.openai_client import OpenAiLlmClient
from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.engine import EngineProbe, build_engine
from adapters.sqlalchemy.financials_query import SqlFinancialsQuery
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.insights.context import InsightContext
from application.llm.gateway import LlmGateway, Prices
from application.ports.cache import Cache
from application.ports.llm import LlmClient
from entrypoints.settings import Settings

log = logging.getLogger(__name__)


def _jwt_secret(settings: Settings) -> str:
    if settings.jwt_secret:
        return settings.jwt_secret
    log.warning(
        "JWT_SECRET is not set: using a random secret for this process only; "
        "tokens stop working when it restarts. Set JWT_SECRET in production."
    )
    return secrets.token_urlsafe(48)


def _redis(settings: Settings) -> Redis | None:
    return Redis.from_url(settings.redis_url) if settings.redis_url else None


def _cache(redis: Redis | None) -> Cache:
    return RedisCache(redis) if redis is not None else MemoryCache()


def _llm_client(settings: Settings) -> LlmClient:
    llm = settings.llm
    if not llm.online:
        return OfflineLlmClient()
    return OpenAiLlmClient(
        api_key=llm.api_key or "not-needed",
        model=llm.model,
        base_url=llm.base_url,
        timeout_seconds=llm.timeout_seconds,
        max_retries=llm.max_retries,
    )


def _llm_gateway(client: LlmClient, cache: Cache, settings: Settings) -> LlmGateway:
    llm = settings.llm
    return LlmGateway(
        client,
        cache,
        llm.cache_ttl_seconds,
        Prices(llm.price_prompt_per_1k, llm.price_completion_per_1k),
        fallback=OfflineLlmClient() if llm.fallback_offline and llm.online else None,
    )


class Container(containers.DeclarativeContainer):
    """Adapters chosen from Settings; tests override providers with fakes."""

    settings = providers.Singleton(Settings.from_env)
    engine = providers.Singleton(lambda s: build_engine(s.database_url, echo=s.sql_echo), settings)
    clock = providers.Singleton(SystemClock)
    password_hasher = providers.Singleton(Argon2PasswordHasher)
    uow = providers.Factory(SqlUnitOfWork, engine)
    database_probe = providers.Factory(EngineProbe, engine)
    jwt_secret = providers.Singleton(_jwt_secret, settings)
    customer_view_query = providers.Singleton(
        lambda engine, s: SqlCustomerViewQuery(engine, s.default_currency), engine, settings
    )
    redis = providers.Singleton(_redis, settings)
    cache = providers.Singleton(_cache, redis)
    llm_client = providers.Singleton(_llm_client, settings)
    llm_gateway = providers.Singleton(_llm_gateway, llm_client, cache, settings)
    insight_context = providers.Factory(
        lambda views, llm, clock, uow, s: InsightContext(
            views=views, llm=llm, clock=clock, uow=uow, shop_name=s.shop_name
        ),
        customer_view_query,
        llm_gateway,
        clock,
        uow.provider,
        settings,
    )
    financials_query = providers.Singleton(
        lambda engine, s: SqlFinancialsQuery(engine, s.default_currency), engine, settings
    )


def build_container(settings: Settings | None = None) -> Container:
    container = Container()
    if settings is not None:
        container.settings.override(providers.Object(settings))
    return container
