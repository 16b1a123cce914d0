"""The periodic scheduler: APScheduler fires the cron jobs, the database decides who enqueues.

Every fire of a job, and a catch-up pass at start and then every minute, calls
`application.scheduling.enqueue_due_period`: it computes the job's due period (its latest
fire time), claims it in `scheduler_runs` and only then enqueues the actor's message. Any
number of schedulers can run (a rolling deploy, a second host, several `fieldcrm serve` on
SQLite): each period is enqueued once. A period whose enqueue failed (broker down) is not
claimed, so the next pass retries it; a period missed while nothing ran is enqueued once by
the first pass after the restart (only the latest missed one).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Iterable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from application.ports.clock import Clock
from application.ports.period_claims import PeriodClaims
from application.scheduling import Enqueue, enqueue_due_period
from entrypoints.observability.metrics import count_scheduler_pass
from entrypoints.settings import ScheduleSettings
from entrypoints.workers.actors import Actors
from entrypoints.workers.schedule import JOBS, CronSchedule, ScheduledJob, time_zone

log = logging.getLogger(__name__)

CATCH_UP_SECONDS = 60


def scheduled_jobs(schedule: ScheduleSettings) -> list[ScheduledJob]:
    """The schedule from Settings: one CronSchedule per periodic job."""
    zone = time_zone(schedule.timezone)
    return [
        ScheduledJob(name, CronSchedule(getattr(schedule, attribute), zone), variable)
        for name, attribute, variable in JOBS
    ]


def actor_enqueue(actors: Actors) -> Enqueue:
    """Enqueue by sending the job's actor a message carrying the period key."""

    async def enqueue(job_name: str, period_key: str) -> None:
        actor = actors[job_name]
        await asyncio.to_thread(actor.send_with_options, kwargs={"period_key": period_key})

    return enqueue


def scheduler_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class PeriodicScheduler:
    """APScheduler (asyncio) with one cron job per periodic job plus the catch-up pass."""

    def __init__(
        self,
        jobs: Iterable[ScheduledJob],
        claims: PeriodClaims,
        clock: Clock,
        enqueue: Enqueue,
        claimed_by: str | None = None,
        catch_up_seconds: float = CATCH_UP_SECONDS,
    ) -> None:
        self.jobs = {job.name: job for job in jobs}
        self._claims = claims
        self._clock = clock
        self._enqueue = enqueue
        self._claimed_by = claimed_by or scheduler_identity()
        self._catch_up_seconds = catch_up_seconds
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[object]] = set()

    async def tick(self, job_name: str, trigger: str = "cron") -> str | None:
        """Claim and enqueue the due period of one job; never raises (the next pass retries).

        `trigger`: cron (the job's own fire) or catch_up (the pass); counted in the metrics."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            key = await enqueue_due_period(
                self.jobs[job_name].periodic_job(),
                self._claims,
                self._clock,
                self._enqueue,
                self._claimed_by,
            )
            count_scheduler_pass(job_name, trigger, "claimed" if key else "nothing_due")
            return key
        except Exception:
            count_scheduler_pass(job_name, trigger, "failed")
            log.exception("job %s: could not claim or enqueue its period; retrying later", job_name)
            return None
        finally:
            if task is not None:
                self._running.discard(task)

    async def catch_up(self) -> dict[str, str | None]:
        """One pass over every job: enqueue each one's due period unless already claimed."""
        return {name: await self.tick(name, "catch_up") for name in self.jobs}

    def start(self) -> None:
        """Start firing on the running event loop; the first catch-up pass runs at once."""
        # APScheduler logs every run at INFO ("Running job ..."); this module logs what matters.
        executors = logging.getLogger("apscheduler.executors")
        if not executors.isEnabledFor(logging.DEBUG):
            executors.setLevel(logging.WARNING)
        scheduler = AsyncIOScheduler(timezone=UTC)
        for job in self.jobs.values():
            scheduler.add_job(
                self.tick,
                job.schedule.trigger,
                args=[job.name],
                id=job.name,
                name=f"{job.name} ({job.setting}={job.schedule.expression!r})",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
        scheduler.add_job(
            self.catch_up,
            IntervalTrigger(seconds=self._catch_up_seconds, timezone=UTC),
            id="catch_up",
            name="catch-up pass",
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info(
            "scheduler %s started: %s",
            self._claimed_by,
            ", ".join(f"{j.name}={j.schedule.expression!r}" for j in self.jobs.values()),
        )

    async def stop(self) -> None:
        """Stop firing and wait for the passes under way (their claims finish or roll back)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on its next loop iteration
        self._scheduler = None
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
