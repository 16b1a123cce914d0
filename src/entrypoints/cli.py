"""The `fieldcrm` command: serve, worker, scheduler, migrate, create-user, backup, seed-demo,
openapi."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError

from application import users as user_cases
from application.access import SYSTEM
from domain.errors import Conflict, DomainError
from domain.user import Role, check_password_policy
from entrypoints import migrate as migrations
from entrypoints.container import Container, bootstrap
from entrypoints.observability.log_setup import configure_logging
from entrypoints.observability.tracing import configure_tracing
from entrypoints.settings import Settings, SettingsError

log = logging.getLogger("fieldcrm")


def _container() -> Container:
    try:
        return bootstrap(Settings.from_env())
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


#: The `process` field of the log lines each command writes.
_ROLES = {"serve": "api", "worker": "worker", "scheduler": "scheduler"}


@click.group()
@click.version_option(package_name="fieldcrm", prog_name="fieldcrm")
@click.pass_context
def main(ctx: click.Context) -> None:
    """fieldcrm — field-service CRM backend."""
    role = _ROLES.get(ctx.invoked_subcommand or "", "cli")
    configure_logging(role)
    configure_tracing(role)


@main.command()
def migrate() -> None:
    """Apply every database migration (alembic upgrade head)."""
    container = _container()
    migrations.upgrade(container.settings().database_url)
    click.echo("database is at the latest migration")


async def _create_user(
    container: Container, username: str, password: str, role: Role, technician_id: int | None
) -> str:
    try:
        user = await user_cases.create_user(
            SYSTEM,
            container.uow(),
            container.clock(),
            container.password_hasher(),
            user_cases.NewUser(username, password, role, technician_id),
        )
    finally:
        await container.engine().dispose()
    return f"{user.username!r} (id {user.id})"


@main.command("create-user")
@click.option("--username", required=True, help="login name (3-64 characters)")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.ADMIN.value,
    show_default=True,
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="FIELDCRM_NEW_USER_PASSWORD",
    help="prompted for when not given",
)
@click.option(
    "--technician-id",
    type=click.IntRange(min=1, max=2**31 - 1),
    default=None,
    help="the technician record a technician user acts for (required for --role technician)",
)
def create_user(username: str, role: str, password: str, technician_id: int | None) -> None:
    """Create a user (the first admin, typically)."""
    container = _container()
    try:
        created = asyncio.run(
            _create_user(container, username, password, Role(role), technician_id)
        )
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {role} {created}")


def _one_time_password() -> str:
    """A random password that meets the policy (a random draw can be letters only)."""
    while True:
        password = secrets.token_urlsafe(18)
        try:
            check_password_policy(password)
        except DomainError:
            continue
        return password


async def _ensure_first_admin(container: Container) -> None:
    """On an empty installation, create `admin` with a one-time random password."""
    try:
        if await user_cases.count_users(container.uow()) > 0:
            return
        password = _one_time_password()
        await user_cases.create_user(
            SYSTEM,
            container.uow(),
            container.clock(),
            container.password_hasher(),
            user_cases.NewUser("admin", password, Role.ADMIN),
        )
    finally:
        await container.engine().dispose()
    click.echo(
        "\n  First start: created user 'admin' with the one-time password:\n"
        f"      {password}\n"
        "  It is shown only now. Change it with PUT /users/{id} or create your own admin\n"
        "  with `fieldcrm create-user`.\n",
        err=True,
    )


def _not_migrated(exc: DBAPIError) -> click.ClickException:
    return click.ClickException(
        f"the database is not ready ({type(exc.orig).__name__}); run `fieldcrm migrate` first"
    )


def default_http_workers(settings: Settings) -> int:
    """One HTTP process per core in production; one in development and tests."""
    return (os.cpu_count() or 1) if settings.is_production else 1


@main.command()
@click.option("--host", default=None, help="defaults to HOST (127.0.0.1)")
@click.option("--port", type=int, default=None, help="defaults to PORT (8000)")
@click.option(
    "--workers",
    "processes",
    type=click.IntRange(1, 64),
    default=None,
    envvar="HTTP_WORKERS",
    help="HTTP processes (default: HTTP_WORKERS, else one per core in production, 1 otherwise)",
)
@click.option(
    "--no-workers",
    is_flag=True,
    help="without REDIS_URL, do not run the embedded scheduler and worker",
)
def serve(host: str | None, port: int | None, processes: int | None, no_workers: bool) -> None:
    """Run the HTTP API (migrate first).

    Without REDIS_URL it also runs the periodic scheduler and a one-thread worker inside
    one of its processes (in-process broker); with REDIS_URL run `fieldcrm worker` and
    `fieldcrm scheduler` as processes of their own. With --workers N, N processes share the
    port (uvicorn's supervisor; each builds `entrypoints.http.asgi:app`).
    """
    import uvicorn

    from entrypoints.http.served_app import served_app

    container = _container()
    settings = container.settings()
    try:
        asyncio.run(_ensure_first_admin(container))
    except Conflict:
        pass  # another instance created the first admin at the same moment
    except DBAPIError as exc:
        raise _not_migrated(exc) from exc
    if no_workers:
        os.environ["EMBEDDED_WORKERS"] = "false"  # the child processes read it too
        settings = settings.replace(embedded_workers=False)
    processes = processes or default_http_workers(settings)
    server = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level.lower(),
        "log_config": None,  # uvicorn logs through the root handler (observability.log_setup)
        "access_log": False,  # the app writes one access line per request (request_telemetry)
    }
    if processes > 1:
        # A process builds the app in a few seconds; on a busy machine uvicorn's default 5 s
        # health check would kill and restart it while it is still starting.
        uvicorn.run(
            "entrypoints.http.asgi:app",
            workers=processes,
            timeout_worker_healthcheck=30,
            **server,  # type: ignore[arg-type]
        )
        return
    try:
        app = served_app(settings)
    except DBAPIError as exc:
        raise _not_migrated(exc) from exc
    uvicorn.run(app, **server)  # type: ignore[arg-type]


def _redis_settings(command: str) -> Settings:
    settings = _container().settings()
    if not settings.redis_url:
        raise click.ClickException(
            f"`fieldcrm {command}` needs REDIS_URL (the broker the worker and the scheduler "
            "share). Without Redis, `fieldcrm serve` runs a scheduler and a worker itself."
        )
    return settings


@main.command()
@click.option(
    "--threads", type=click.IntRange(1, 64), default=None, help="defaults to WORKER_THREADS (4)"
)
def worker(threads: int | None) -> None:
    """Run a Dramatiq worker on the Redis broker (any number of them) until SIGTERM."""
    from entrypoints.workers.runtime import run_worker

    settings = _redis_settings("worker")
    if threads is not None:
        settings = settings.replace(workers=settings.workers.replace(threads=threads))
    run_worker(settings)


@main.command()
def scheduler() -> None:
    """Run the periodic scheduler, enqueueing into Redis, until SIGTERM.

    One is enough; more are safe: every period is claimed in the database, so each is
    enqueued once however many schedulers run.
    """
    from entrypoints.workers.runtime import run_scheduler

    asyncio.run(run_scheduler(_redis_settings("scheduler")))


@main.command()
@click.option(
    "--component",
    type=click.Choice(["worker", "scheduler"]),
    required=True,
    help="which process to check",
)
@click.option(
    "--anywhere", is_flag=True, help="a live one on any host will do (default: on this host)"
)
def health(component: str, anywhere: bool) -> None:
    """Exit 0 when a `fieldcrm worker` / `scheduler` beats (its Redis heartbeat is younger
    than HEARTBEAT_STALE_SECONDS), else 1: a liveness probe for systemd or Kubernetes."""
    import redis

    from entrypoints.observability.heartbeat import check

    settings = _redis_settings("health")
    assert settings.redis_url is not None
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=3, socket_connect_timeout=3)
    try:
        result = check(
            client,
            settings.workers.redis_namespace,
            component,
            settings.observability.heartbeat_stale_seconds,
            anywhere,
        )
    except redis.RedisError as exc:
        click.echo(f"{component}: Redis unreachable ({type(exc).__name__})", err=True)
        sys.exit(1)
    finally:
        client.close()
    click.echo(result.detail, err=not result.healthy)
    sys.exit(0 if result.healthy else 1)


@main.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path) -> None:
    """Copy the SQLite database to TARGET (a new file), consistent and checked, while the
    service runs. For PostgreSQL use pg_dump (docs/operations.md, Backups)."""
    from adapters.sqlalchemy.sqlite_backup import (
        BackupRefused,
        backup_sqlite,
        sqlite_database_file,
    )

    try:
        database = sqlite_database_file(Settings.from_env().database_url)
        made = backup_sqlite(database, target)
    except (SettingsError, BackupRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"backed up {database} to {made.path}: {made.size_bytes} bytes, "
        f"{made.customers} customers, migration {made.schema_version}, integrity ok"
    )


@main.command("seed-demo")
@click.option("--seed", type=int, default=42, show_default=True, help="random seed")
@click.option("--customers", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--technicians", type=click.IntRange(1, 1_000), default=10, show_default=True)
@click.option("--jobs", type=click.IntRange(0, 1_000_000), default=1000, show_default=True)
@click.option(
    "--force", is_flag=True, help="add the demo shop even if the database already holds data"
)
def seed_demo(seed: int, customers: int, technicians: int, jobs: int, force: bool) -> None:
    """Fill an empty database with a realistic, deterministic demo shop."""
    from entrypoints.demo import DemoPlan
    from entrypoints.demo import seed as run_seed

    container = _container()
    plan = DemoPlan(seed=seed, customers=customers, technicians=technicians, jobs=jobs)
    try:
        summary = asyncio.run(run_seed(container, plan, force=force))
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summary)


@main.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="write the document to this file (default: standard output)",
)
def openapi(output: str | None) -> None:
    """Print the OpenAPI document the HTTP API serves (no server, no database needed).

    `make client` writes it to clients/typescript/openapi.json and regenerates the typed
    TypeScript client from it.
    """
    from entrypoints.http.openapi_document import openapi_json

    text = openapi_json()
    if output is None:
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8") as file:
        file.write(text)
    click.echo(f"wrote the OpenAPI document to {output}", err=True)


if __name__ == "__main__":
    sys.exit(main())
