"""The composition root: the container declaring every adapter, and `bootstrap`, which
builds it for one Settings (cosmicpython's bootstrap.py; dependency-injector's containers)."""

from __future__ import annotations

import logging
from typing import Any

from dependency_injector import containers, providers

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.cache.memory import MemoryCache
from adapters.cache.redis_cache import RedisCache
from adapters.clock import SystemClock
from adapters.llm.offline_client import OfflineLlmClient
from adapters.messaging.console import ConsoleSender
from adapters.send_queue import PollOnly
from adapters.sqlalchemy.customer_data_versions import SqlCustomerDataVersions
from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.engagement_queries import SqlEngagementQueries
from adapters.sqlalchemy.engine import EngineProbe, build_engine
from adapters.sqlalchemy.financials_query import SqlFinancialsQuery
from adapters.sqlalchemy.generation_log import SqlGenerationLog
from adapters.sqlalchemy.install_secrets import SqlInstallSecrets
from adapters.sqlalchemy.period_claims import SqlPeriodClaims
from adapters.sqlalchemy.refresh_token_store import SqlRefreshTokenStore
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.engagement.engagement_context import EngagementContext
from application.insights.insight_context import InsightContext
from application.insights.service_history_memo import ServiceHistoryMemo
from application.llm.gateway import LlmGateway, Prices
from application.outbox.send_at_once import SendAtOnce
from entrypoints import adapter_factories as build
from entrypoints.observability.metrics import PrometheusLlmMeter
from entrypoints.observability.traced_llm import TracedLlmClient
from entrypoints.settings import Settings

log = logging.getLogger(__name__)


class Container(containers.DeclarativeContainer):
    """Every adapter, from `settings`; `adapters` (filled by `bootstrap` from the settings)
    selects which implementation serves each port. Tests override providers with fakes."""

    settings = providers.Dependency(instance_of=Settings)
    adapters = providers.Configuration(strict=True)
    s = settings.provided  # `s.llm.model`: a provider of that settings value (deleted below)

    engine = providers.Selector(
        adapters.database,
        sqlite=providers.Singleton(
            build_engine, s.database_url, echo=s.sql_echo, pool_size=s.database_pool_size
        ),
        postgresql=providers.Singleton(
            build_engine,
            s.database_url,
            echo=s.sql_echo,
            connect_timeout=s.database_connect_timeout_seconds,
            statement_timeout=s.database_statement_timeout_seconds,
            pool_size=s.database_pool_size,
        ),
    )
    clock = providers.Singleton(SystemClock)
    password_hasher = providers.Singleton(Argon2PasswordHasher)
    # Messages queued for now go to a worker at commit; runtime.connect_send_queue plugs
    # in the broker's `send_message` where this process has one (else the poll sends them).
    send_queue = providers.Singleton(PollOnly)
    uow = providers.Factory(SendAtOnce, providers.Factory(SqlUnitOfWork, engine), send_queue, clock)
    database_probe = providers.Factory(EngineProbe, engine)
    period_claims = providers.Singleton(SqlPeriodClaims, engine)
    customer_view_query = providers.Singleton(SqlCustomerViewQuery, engine, s.default_currency)
    financials_query = providers.Singleton(SqlFinancialsQuery, engine, s.default_currency)
    engagement_queries = providers.Singleton(SqlEngagementQueries, engine)

    # `fieldcrm serve` overrides it with the install secret when JWT_SECRET is unset.
    jwt_secret = providers.Singleton(build.jwt_secret, s.jwt_secret)
    refresh_tokens = providers.Singleton(SqlRefreshTokenStore, engine)
    install_secrets = providers.Singleton(SqlInstallSecrets, engine)
    quiet_hours = s.quiet_hours

    redis = providers.Selector(
        adapters.cache,
        redis=providers.Singleton(build.redis_client, s.redis_url, s.redis_timeout_seconds),
        memory=providers.Object(None),
    )
    cache = providers.Selector(
        adapters.cache,
        redis=providers.Singleton(RedisCache, redis),
        memory=providers.Singleton(MemoryCache),
    )

    generation_log = providers.Singleton(SqlGenerationLog, engine)
    offline_llm = providers.Singleton(OfflineLlmClient)
    llm_client = providers.Selector(
        adapters.llm, openai=providers.Singleton(build.openai_client, s.llm), offline=offline_llm
    )
    llm_gateway = providers.Singleton(
        LlmGateway,
        providers.Singleton(TracedLlmClient, llm_client),
        cache,
        s.llm.cache_ttl_seconds,
        providers.Factory(Prices, s.llm.price_prompt_per_1k, s.llm.price_completion_per_1k),
        fallback=providers.Selector(
            adapters.llm_fallback, offline=offline_llm, none=providers.Object(None)
        ),
        meter=providers.Singleton(PrometheusLlmMeter),
        clock=clock,
        generations=generation_log,
    )

    console_sender = providers.Singleton(ConsoleSender)
    message_sender = providers.Selector(
        adapters.sender,
        console=console_sender,
        providers=providers.Singleton(
            build.channel_router,
            providers.Singleton(
                build.twilio_sender, s.messaging.twilio, clock, redis, s.workers.redis_namespace
            ),
            providers.Singleton(
                build.smtp_sender, s.messaging.smtp, s.shop_name, redis, s.workers.redis_namespace
            ),
            fallback=providers.Selector(
                adapters.unrouted, console=console_sender, refuse=providers.Object(None)
            ),
        ),
    )

    insight_context = providers.Factory(
        InsightContext,
        views=customer_view_query,
        llm=llm_gateway,
        clock=clock,
        uow=uow.provider,
        shop_name=s.shop_name,
        quiet_hours=s.quiet_hours,
        service_history=providers.Singleton(ServiceHistoryMemo),
        generations=generation_log,
        versions=providers.Singleton(SqlCustomerDataVersions, engine),
    )
    engagement_context = providers.Factory(
        EngagementContext,
        uow=uow.provider,
        clock=clock,
        queries=engagement_queries,
        insights=insight_context,
        maintenance_horizon=s.engagement.maintenance_horizon,
        survey_delay=s.engagement.survey_delay,
        quiet_hours=s.quiet_hours,
        auto_approved=s.llm.auto_approved,
    )
    del s


def adapter_choice(settings: Settings) -> dict[str, str]:
    """Which adapter serves each port (the container's `adapters` configuration)."""
    llm, messaging = settings.llm, settings.messaging
    return {
        "database": "postgresql" if settings.database_url.startswith("postgres") else "sqlite",
        "cache": "redis" if settings.redis_url else "memory",
        "llm": "openai" if llm.online else "offline",
        "llm_fallback": "offline" if llm.online and llm.fallback_offline else "none",
        "sender": "console" if messaging.twilio is None and messaging.smtp is None else "providers",
        "unrouted": "refuse" if settings.is_production else "console",
    }


def bootstrap(settings: Settings | None = None, **overrides: Any) -> Container:
    """The container for `settings` (default: read from the environment); each keyword
    overrides the provider of that name with a provider or a plain object (tests' fakes)."""
    settings = Settings.from_env() if settings is None else settings
    container = Container(settings=providers.Object(settings))
    choice = adapter_choice(settings)
    container.adapters.from_dict(choice)
    if choice["sender"] == "console":
        log.info("no Twilio or SMTP settings: messages go to the console sender")
    for name, replacement in overrides.items():
        provider = getattr(container, name)
        if not isinstance(provider, providers.Provider):
            raise TypeError(f"the container has no provider named {name!r}")
        provider.override(replacement)
    return container


#: The name callers have used; the same function.
build_container = bootstrap
