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
from adapters.messaging.console import ConsoleSender
from adapters.messaging.router import ChannelRouter
from adapters.messaging.smtp_sender import SmtpConfig, SmtpEmailSender
from adapters.messaging.twilio.sender import TwilioConfig, TwilioSender
from adapters.send_queue import PollOnly
from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.engagement_queries import SqlEngagementQueries
from adapters.sqlalchemy.engine import EngineProbe, build_engine
from adapters.sqlalchemy.financials_query import SqlFinancialsQuery
from adapters.sqlalchemy.period_claims import SqlPeriodClaims
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.engagement.context import EngagementContext
from application.insights.context import InsightContext
from application.llm.gateway import LlmGateway, Prices
from application.outbox.send_at_once import SendAtOnce
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.llm import LlmClient
from application.ports.outbox import MessageSender
from domain.contact_preferences import ContactMethod
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
    """Short socket timeouts (REDIS_TIMEOUT_SECONDS, 1 s by default): a Redis that stops
    answering costs a request that long (the cache then misses and the rate limits fall back
    to memory), not minutes."""
    if not settings.redis_url:
        return None
    return Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=settings.redis_timeout_seconds,
        socket_timeout=settings.redis_timeout_seconds,
    )


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


def _message_sender(settings: Settings, clock: Clock) -> MessageSender:
    """Twilio for SMS/WhatsApp and SMTP for email when configured; the console sender for
    everything when neither is (the embedded default). With some provider configured, a
    channel without one goes to the console outside production and is refused in it."""
    messaging = settings.messaging
    console = ConsoleSender()
    if messaging.twilio is None and messaging.smtp is None:
        log.info("no Twilio or SMTP settings: messages go to the console sender")
        return console
    senders: dict[ContactMethod, MessageSender] = {}
    if (t := messaging.twilio) is not None:
        twilio = TwilioSender(
            TwilioConfig(
                account_sid=t.account_sid,
                auth_token=t.auth_token,
                status_callback_url=t.status_callback_url,
                messaging_service_sid=t.messaging_service_sid,
                from_number=t.from_number,
                whatsapp_from=t.whatsapp_from,
                whatsapp_template_sid=t.whatsapp_template_sid,
                timeout_seconds=t.timeout_seconds,
            ),
            clock,
        )
        senders |= {ContactMethod.SMS: twilio, ContactMethod.WHATSAPP: twilio}
    if (m := messaging.smtp) is not None:
        senders[ContactMethod.EMAIL] = SmtpEmailSender(
            SmtpConfig(
                host=m.host,
                from_address=m.from_address,
                port=m.port,
                username=m.username,
                password=m.password,
                starttls=m.starttls,
                timeout_seconds=m.timeout_seconds,
                subject=f"A message from {settings.shop_name}",
            )
        )
    return ChannelRouter(senders, fallback=None if settings.is_production else console)


class Container(containers.DeclarativeContainer):
    """Adapters chosen from Settings; tests override providers with fakes."""

    settings = providers.Singleton(Settings.from_env)
    engine = providers.Singleton(
        lambda s: build_engine(
            s.database_url,
            echo=s.sql_echo,
            connect_timeout=s.database_connect_timeout_seconds,
            statement_timeout=s.database_statement_timeout_seconds,
        ),
        settings,
    )
    clock = providers.Singleton(SystemClock)
    password_hasher = providers.Singleton(Argon2PasswordHasher)
    # Messages queued for now go to a worker at commit; runtime.connect_send_queue plugs
    # in the broker's `send_message` where this process has one (else the poll sends them).
    send_queue = providers.Singleton(PollOnly)
    uow = providers.Factory(SendAtOnce, providers.Factory(SqlUnitOfWork, engine), send_queue, clock)
    database_probe = providers.Factory(EngineProbe, engine)
    period_claims = providers.Singleton(SqlPeriodClaims, engine)
    jwt_secret = providers.Singleton(_jwt_secret, settings)
    customer_view_query = providers.Singleton(
        lambda engine, s: SqlCustomerViewQuery(engine, s.default_currency), engine, settings
    )
    redis = providers.Singleton(_redis, settings)
    cache = providers.Singleton(_cache, redis)
    llm_client = providers.Singleton(_llm_client, settings)
    message_sender = providers.Singleton(_message_sender, settings, clock)
    quiet_hours = providers.Singleton(lambda s: s.quiet_hours, settings)
    llm_gateway = providers.Singleton(_llm_gateway, llm_client, cache, settings)
    insight_context = providers.Factory(
        lambda views, llm, clock, uow, s: InsightContext(
            views=views,
            llm=llm,
            clock=clock,
            uow=uow,
            shop_name=s.shop_name,
            quiet_hours=s.quiet_hours,
        ),
        customer_view_query,
        llm_gateway,
        clock,
        uow.provider,
        settings,
    )
    engagement_queries = providers.Singleton(SqlEngagementQueries, engine)
    engagement_context = providers.Factory(
        lambda uow, clock, queries, insights, s: EngagementContext(
            uow=uow,
            clock=clock,
            queries=queries,
            insights=insights,
            maintenance_horizon=s.engagement.maintenance_horizon,
            survey_delay=s.engagement.survey_delay,
            quiet_hours=s.quiet_hours,
        ),
        uow.provider,
        clock,
        engagement_queries,
        insight_context,
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
