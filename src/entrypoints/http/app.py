"""The Litestar application, assembled from the composition root."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.security.jwt import JWTAuth

from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.readiness import DatabaseProbe
from application.ports.unit_of_work import UnitOfWork
from entrypoints.container import Container
from entrypoints.http.auth import build_jwt_auth
from entrypoints.http.controllers.appliances import ApplianceController
from entrypoints.http.controllers.auth import AuthController
from entrypoints.http.controllers.customers import CustomerController
from entrypoints.http.controllers.expenses import ExpenseController
from entrypoints.http.controllers.financials import (
    customer_financials_handler,
    job_financials_handler,
)
from entrypoints.http.controllers.follow_ups import FollowUpController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.insights import CustomerInsightsController
from entrypoints.http.controllers.jobs import JobController
from entrypoints.http.controllers.payments import PaymentController
from entrypoints.http.controllers.reviews import ReviewController
from entrypoints.http.controllers.technician_ratings import TechnicianRatingController
from entrypoints.http.controllers.technicians import TechnicianController
from entrypoints.http.controllers.users import UserController
from entrypoints.http.problems import EXCEPTION_HANDLERS

MAX_BODY_BYTES = 1024 * 1024


def create_app(container: Container) -> Litestar:
    """Build the app; every dependency comes from `container`."""
    settings = container.settings()
    jwt_auth = build_jwt_auth(container)

    async def dispose_engine() -> None:
        await container.engine().dispose()

    dependencies: dict[str, Any] = {
        "uow": Provide(lambda: container.uow(), sync_to_thread=False),
        "clock": Provide(lambda: container.clock(), sync_to_thread=False),
        "password_hasher": Provide(lambda: container.password_hasher(), sync_to_thread=False),
        "database_probe": Provide(lambda: container.database_probe(), sync_to_thread=False),
        "jwt_auth": Provide(lambda: jwt_auth, sync_to_thread=False),
        "customer_view_query": Provide(
            lambda: container.customer_view_query(), sync_to_thread=False
        ),
        "financials_query": Provide(lambda: container.financials_query(), sync_to_thread=False),
        "settings": Provide(lambda: settings, sync_to_thread=False),
        "insights": Provide(lambda: container.insight_context(), sync_to_thread=False),
    }
    return Litestar(
        route_handlers=[
            HealthController,
            AuthController,
            UserController,
            CustomerController,
            CustomerInsightsController,
            customer_financials_handler,
            job_financials_handler,
            TechnicianController,
            JobController,
            PaymentController,
            ExpenseController,
            ApplianceController,
            ReviewController,
            TechnicianRatingController,
            FollowUpController,
        ],
        dependencies=dependencies,
        on_app_init=[jwt_auth.on_app_init],
        on_shutdown=[dispose_engine],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=MAX_BODY_BYTES,
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        openapi_config=OpenAPIConfig(
            title="fieldcrm",
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        signature_namespace={
            "UnitOfWork": UnitOfWork,
            "Clock": Clock,
            "PasswordHasher": PasswordHasher,
            "DatabaseProbe": DatabaseProbe,
            "JWTAuth": JWTAuth,
        },
        debug=False,
    )
