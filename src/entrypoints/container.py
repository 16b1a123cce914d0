"""The composition root: one dependency-injector container that picks every adapter."""

from __future__ import annotations

import logging
import secrets

from dependency_injector import containers, providers

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.clock import SystemClock
from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.engine import EngineProbe, build_engine
from adapters.sqlalchemy.financials_query import SqlFinancialsQuery
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
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
    financials_query = providers.Singleton(
        lambda engine, s: SqlFinancialsQuery(engine, s.default_currency), engine, settings
    )


def build_container(settings: Settings | None = None) -> Container:
    container = Container()
    if settings is not None:
        container.settings.override(providers.Object(settings))
    return container
