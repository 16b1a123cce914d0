"""How a setting is declared: its environment variable, default and bounds, said once."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticUndefined


class SettingsGroup(BaseModel):
    """A frozen group of settings, read from environment variables (the fields' aliases) or
    built in code by field name (tests)."""

    model_config = ConfigDict(
        frozen=True, validate_by_name=True, validate_by_alias=True, extra="ignore"
    )

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (by field name), validated like the original."""
        return self.model_validate({**dict(self), **changes})


def env(variable: str, default: Any = PydanticUndefined, **constraints: Any) -> Any:
    """A field read from `variable`; `constraints` are pydantic's (`ge`, `le`, ...)."""
    return Field(default, validation_alias=variable, **constraints)
