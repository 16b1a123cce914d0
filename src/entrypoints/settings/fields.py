"""How a setting is declared: its environment variable, default and bounds, said once."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticUndefined

from entrypoints.settings.errors import SettingsError


class SettingsGroup(BaseModel):
    """A frozen group of settings, read from environment variables (the fields' aliases) or
    built in code by field name (tests)."""

    model_config = ConfigDict(
        frozen=True, validate_by_name=True, validate_by_alias=True, extra="ignore"
    )

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (by field name), validated like the original."""
        return self.model_validate({**dict(self), **changes})


def require(model: type[BaseModel], data: Any, reasons: dict[str, str]) -> None:
    """Raise SettingsError for the first variable of `reasons` (variable → why it is
    required) missing from `data` (keyed by variable or by field name)."""
    if not isinstance(data, dict):
        return
    for name, field in model.model_fields.items():
        variable = field.validation_alias
        if variable in reasons and data.get(variable) is None and data.get(name) is None:
            raise SettingsError(str(variable), reasons[str(variable)])


def env(variable: str, default: Any = PydanticUndefined, **constraints: Any) -> Any:
    """A field read from `variable`; `constraints` are pydantic's (`ge`, `le`, ...)."""
    return Field(default, validation_alias=variable, **constraints)
