"""Unit of work over one AsyncConnection and its transaction."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from adapters.sqlalchemy import outbox_repositories as o
from adapters.sqlalchemy import repositories as r
from adapters.sqlalchemy.audit_repository import AuditEntryRepository
from adapters.sqlalchemy.data_lifecycle import SqlDataLifecycle
from adapters.sqlalchemy.sqlite_begin import DEFERRED, begin_sqlite
from adapters.sqlalchemy.sqlite_writes import WriteSlot, begin_writing


class SqlUnitOfWork:
    """Opens a connection and a transaction on enter; rolls back unless committed. On
    SQLite, units of work that may write run one at a time, each holding the write lock
    from its first statement (sqlite_writes.py); read-only ones read a snapshot beside
    them (sqlite_begin.py)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._tx: AsyncTransaction | None = None
        self._slot = WriteSlot(engine)
        self._read_only = False

    def read_only(self) -> Self:
        self._read_only = True
        return self

    async def __aenter__(self) -> Self:
        if self._conn is not None:
            raise RuntimeError("a unit of work is used once; create a new one")
        if not self._read_only:
            await self._slot.acquire()
        try:
            self._conn = await self._engine.connect()
            self._tx = await self._conn.begin()
            if self._read_only:
                if self._conn.dialect.name == "sqlite":
                    await begin_sqlite(self._conn, DEFERRED)
            else:
                await begin_writing(self._slot, self._conn)
        except BaseException:
            if self._conn is not None:
                await self._conn.close()
            self._slot.release()
            raise
        self.customers = r.CustomerRepository(self._conn)
        self.technicians = r.TechnicianRepository(self._conn)
        self.jobs = r.JobRepository(self._conn)
        self.payments = r.PaymentRepository(self._conn)
        self.expenses = r.ExpenseRepository(self._conn)
        self.users = r.UserRepository(self._conn)
        self.appliances = r.ApplianceRepository(self._conn)
        self.reviews = r.ReviewRepository(self._conn)
        self.technician_ratings = r.TechnicianRatingRepository(self._conn)
        self.follow_ups = r.FollowUpRepository(self._conn)
        self.messages = o.MessageRepository(self._conn)
        self.consents = o.ConsentRepository(self._conn)
        self.call_tasks = o.CallTaskRepository(self._conn)
        self.webhook_events = o.WebhookEventRepository(self._conn)
        self.maintenance_alerts = r.MaintenanceAlertRepository(self._conn)
        self.audit_entries = AuditEntryRepository(self._conn)
        self.data_lifecycle = SqlDataLifecycle(self._conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None and self._tx is not None
        try:
            if self._tx.is_active:
                await self._tx.rollback()
        finally:
            try:
                await self._conn.close()
            finally:
                self._slot.release()

    async def commit(self) -> None:
        assert self._tx is not None
        if self._read_only:
            raise RuntimeError("a read-only unit of work does not commit")
        await self._tx.commit()
        self._slot.release()  # the write is over: the next one need not wait for our exit

    @property
    def connection(self) -> AsyncConnection:
        """The open connection, for read-model queries that run inside this unit of work."""
        assert self._conn is not None
        return self._conn
