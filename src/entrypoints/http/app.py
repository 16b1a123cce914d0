"""The Litestar application, assembled from the composition root."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers
from litestar import Litestar, Request
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.openapi import OpenAPIConfig
from litestar.security.jwt import JWTAuth
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore

from application.access import Actor
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.readiness import DatabaseProbe
from application.ports.unit_of_work import UnitOfWork
from domain.user import User
from entrypoints.container import Container
from entrypoints.http.api_docs import DOCS_ROOT, OfflineSwaggerRenderPlugin
from entrypoints.http.auth import build_active_users, build_jwt_auth
from entrypoints.http.container_dependencies import dependencies_from
from entrypoints.http.controllers.appliances import ApplianceController
from entrypoints.http.controllers.audit import AuditController
from entrypoints.http.controllers.auth import AuthController
from entrypoints.http.controllers.call_tasks import CallTaskController
from entrypoints.http.controllers.consent import ConsentController
from entrypoints.http.controllers.customers import CustomerController
from entrypoints.http.controllers.expenses import ExpenseController
from entrypoints.http.controllers.financials import (
    customer_financials_handler,
    job_financials_handler,
)
from entrypoints.http.controllers.follow_ups import FollowUpController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.insight_history import InsightHistoryController
from entrypoints.http.controllers.insights import insights_router
from entrypoints.http.controllers.jobs import JobController
from entrypoints.http.controllers.maintenance_alerts import MaintenanceAlertController
from entrypoints.http.controllers.messages import MessageController
from entrypoints.http.controllers.metrics import metrics_router
from entrypoints.http.controllers.payments import PaymentController
from entrypoints.http.controllers.reviews import ReviewController
from entrypoints.http.controllers.technician_ratings import TechnicianRatingController
from entrypoints.http.controllers.technicians import TechnicianController
from entrypoints.http.controllers.users import UserController
from entrypoints.http.controllers.webhooks import TwilioWebhookController
from entrypoints.http.customer_view_fast_path import customer_view_fast_path
from entrypoints.http.fallback_store import FallbackStore
from entrypoints.http.inline_dependencies import resolve_inline
from entrypoints.http.login_throttle import LOGIN_THROTTLE_STORE, LoginLimits, LoginThrottle
from entrypoints.http.openapi_document import ContractJsonPlugin
from entrypoints.http.openapi_problems import document_problems
from entrypoints.http.openapi_security import document_security
from entrypoints.http.operation_texts import describe_operations
from entrypoints.http.options_allow import repair_options_allow
from entrypoints.http.problems import EXCEPTION_HANDLERS
from entrypoints.http.process_store import ProcessStore
from entrypoints.http.rate_limits import (
    LLM_RATE_LIMIT_STATE_KEY,
    LLM_RATE_LIMIT_STORE,
    MESSAGE_RATE_LIMIT_STATE_KEY,
    MESSAGE_RATE_LIMIT_STORE,
)
from entrypoints.http.request_guards import guard_request
from entrypoints.http.request_id import REQUEST_ID_HEADER, add_request_id
from entrypoints.http.request_telemetry import observe_requests
from entrypoints.http.security_headers import add_security_headers
from entrypoints.http.web_page import web_page_router
from entrypoints.observability.log_context import set_user_id

# Response headers the browser lets a cross-origin frontend read (besides the CORS-safelisted
# ones): the rate limits' (429s and Litestar's RateLimit-* on limited endpoints) and the
# request id.
EXPOSED_HEADERS = [
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    REQUEST_ID_HEADER,
]


def create_app(container: Container, fast_customer_view: bool = True) -> Litestar:
    """Build the app; every dependency comes from `container`. `fast_customer_view`: staff's
    plain GET /customers/{id} answered in front of the router (customer_view_fast_path.py;
    off only to compare the two in tests)."""
    settings = container.settings()
    resolve_inline()  # dependencies that never wait skip Litestar's task group
    active_users = build_active_users(container)
    jwt_auth = build_jwt_auth(container, active_users)

    redis = container.redis()
    stores: dict[str, Store] = {}
    if redis is not None:  # rate-limit counters shared by every process
        for name, namespace, label in (
            (LLM_RATE_LIMIT_STORE, "fieldcrm:ratelimit", "rate-limit"),
            (MESSAGE_RATE_LIMIT_STORE, "fieldcrm:msglimit", "rate-limit"),
            (LOGIN_THROTTLE_STORE, "fieldcrm:loginlimit", "login throttle"),
        ):
            stores[name] = FallbackStore(RedisStore(redis, namespace=namespace), label)
    else:  # counted in this process
        for name in (LLM_RATE_LIMIT_STORE, MESSAGE_RATE_LIMIT_STORE):
            stores[name] = ProcessStore()
    limits = settings.limits
    login_throttle = LoginThrottle(
        stores.get(LOGIN_THROTTLE_STORE) or ProcessStore(),
        LoginLimits(
            window_seconds=limits.login_window_seconds,
            failures_per_username=limits.login_failures_per_username,
            failures_per_address=limits.login_failures_per_address,
        ),
    )

    async def close_connections() -> None:
        await container.engine().dispose()
        if redis is not None:
            await redis.aclose()

    def actor(request: Request[Any, Any, Any]) -> Actor:
        user = request.scope.get("user")
        if not isinstance(user, User):  # public paths carry no user; their handlers take none
            raise NotAuthorizedException("authentication required")
        set_user_id(user.id)  # on the request's log lines from here on
        return Actor.of(user)

    dependencies: dict[str, Any] = {
        "actor": Provide(actor, sync_to_thread=False),
        **dependencies_from(
            {
                "uow": container.uow,
                "uow_factory": container.uow.provider,
                "clock": container.clock,
                "password_hasher": container.password_hasher,
                "database_probe": container.database_probe,
                "customer_view_query": container.customer_view_query,
                "financials_query": container.financials_query,
                "insights": container.insight_context,
                "settings": container.settings,
                "jwt_auth": providers.Object(jwt_auth),
                "active_users": providers.Object(active_users),
                "login_throttle": providers.Object(login_throttle),
                "refresh_tokens": container.refresh_tokens,
            }
        ),
    }
    app = Litestar(
        route_handlers=[
            HealthController,
            AuthController,
            UserController,
            CustomerController,
            ConsentController,
            insights_router,
            InsightHistoryController,
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
            MessageController,
            CallTaskController,
            MaintenanceAlertController,
            TwilioWebhookController,
            AuditController,
            web_page_router(settings.web_dist_dir),
            metrics_router(container),
        ],
        dependencies=dependencies,
        on_app_init=[jwt_auth.on_app_init],
        on_shutdown=[close_connections],
        exception_handlers=EXCEPTION_HANDLERS,
        stores=stores,
        state=State(
            {
                LLM_RATE_LIMIT_STATE_KEY: settings.llm.rate_limit_per_minute,
                MESSAGE_RATE_LIMIT_STATE_KEY: limits.message_rate_limit_per_minute,
            }
        ),
        before_send=[add_security_headers, add_request_id],
        before_request=guard_request,
        request_max_body_size=limits.max_body_bytes,
        cors_config=CORSConfig(
            allow_origins=list(settings.allowed_origins), expose_headers=EXPOSED_HEADERS
        )
        if settings.allowed_origins
        else None,
        openapi_config=OpenAPIConfig(
            title="fieldcrm",
            version="0.1.0",
            path=DOCS_ROOT,
            render_plugins=[OfflineSwaggerRenderPlugin(), ContractJsonPlugin()],
        ),
        signature_namespace={
            "UnitOfWork": UnitOfWork,
            "Clock": Clock,
            "PasswordHasher": PasswordHasher,
            "DatabaseProbe": DatabaseProbe,
            "JWTAuth": JWTAuth,
            "Actor": Actor,
        },
        debug=False,
        # The process's logging is set up once (observability.log_setup); Litestar's own
        # config would replace the root logger's handlers.
        logging_config=None,
    )
    if fast_customer_view:
        app.asgi_handler = customer_view_fast_path(
            app.asgi_handler,
            jwt_auth.middleware,
            container.uow,
            container.customer_view_query,
            settings.customer_view_cap,
        )
    app.asgi_handler = observe_requests(app.asgi_handler)
    document_problems(app)
    document_security(app)
    describe_operations(app)
    repair_options_allow(app)
    return app
