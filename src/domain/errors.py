"""Errors the domain raises; entrypoints translate them into responses."""

from __future__ import annotations


class DomainError(Exception):
    """Base class of every error a caller can cause."""


class ValidationFailed(DomainError):
    """One or more fields hold values the domain refuses; `errors` maps field to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: message})


class NotFound(DomainError):
    """The named entity does not exist (or is not visible to the caller)."""

    def __init__(self, entity: str, entity_id: object, field: str | None = None) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.field = field
        super().__init__(f"{entity} {entity_id} not found")


class Conflict(DomainError):
    """The request is well-formed but clashes with the current state."""


class InvalidTransition(Conflict):
    """A state machine was asked to move along an edge it does not have."""

    def __init__(self, entity: str, current: str, target: str) -> None:
        self.entity = entity
        self.current = current
        self.target = target
        super().__init__(f"{entity} cannot go from {current} to {target}")


class PermissionDenied(DomainError):
    """The caller is authenticated but may not do this."""
