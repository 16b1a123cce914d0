"""Types of the values Litestar injects into handlers (from the container, unvalidated)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeAlias

from litestar.di import NamedDependency
from litestar.params import PathParameter, SkipValidation
from litestar.security.jwt import JWTAuth

from application.access import Actor
from application.insights.insight_context import InsightContext
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.read_queries import CustomerViewQuery, FinancialsQuery
from application.ports.readiness import DatabaseProbe
from application.ports.sessions import RefreshTokenStore
from application.ports.unit_of_work import UnitOfWork
from entrypoints.http.active_users import ActiveUserCache
from entrypoints.http.login_throttle import LoginThrottle
from entrypoints.settings import Settings

Uow: TypeAlias = SkipValidation[NamedDependency[UnitOfWork]]
# A fresh unit of work per call: for use cases that run several short transactions.
UowFactoryDep: TypeAlias = SkipValidation[NamedDependency[Callable[[], UnitOfWork]]]
ClockDep: TypeAlias = SkipValidation[NamedDependency[Clock]]
HasherDep: TypeAlias = SkipValidation[NamedDependency[PasswordHasher]]
ProbeDep: TypeAlias = SkipValidation[NamedDependency[DatabaseProbe]]
JwtDep: TypeAlias = SkipValidation[NamedDependency[JWTAuth]]  # type: ignore[type-arg]
ViewQueryDep: TypeAlias = SkipValidation[NamedDependency[CustomerViewQuery]]
FinancialsDep: TypeAlias = SkipValidation[NamedDependency[FinancialsQuery]]
SettingsDep: TypeAlias = SkipValidation[NamedDependency[Settings]]
InsightsDep: TypeAlias = SkipValidation[NamedDependency[InsightContext]]
LoginThrottleDep: TypeAlias = SkipValidation[NamedDependency[LoginThrottle]]
RefreshTokensDep: TypeAlias = SkipValidation[NamedDependency[RefreshTokenStore]]
ActiveUsersDep: TypeAlias = SkipValidation[NamedDependency[ActiveUserCache]]
PathId: TypeAlias = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
# The authenticated caller, as the use cases' access policy sees them.
ActorDep: TypeAlias = SkipValidation[NamedDependency[Actor]]
