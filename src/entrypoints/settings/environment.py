"""Reading Settings from the environment: pydantic-settings reads the process environment
and the `.env` file; `X_FILE` names a file holding secret X; every error names its variable."""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_settings import BaseSettings, DotEnvSettingsSource, EnvSettingsSource

from entrypoints.settings.errors import SettingsError, from_validation_error
from entrypoints.settings.fields import SettingsGroup

if TYPE_CHECKING:
    from entrypoints.settings.root import Settings

S = TypeVar("S", bound="Settings")

DEFAULT_ENV_FILE = ".env"


class _Variables(BaseSettings):
    """No fields: its sources are used for their whole parsed environment (`env_vars`)."""

    model_config = {"case_sensitive": True}


def read_settings(
    cls: type[S], env: Mapping[str, str] | None, env_file: str | PathLike[str] | None
) -> S:
    """`env` (default: the process environment) over `env_file` (default: `./.env` when
    reading the process environment, none for an explicit `env`), validated into `cls`."""
    if env is None:
        env = _set(EnvSettingsSource(_Variables, case_sensitive=True).env_vars)
        env_file = DEFAULT_ENV_FILE if env_file is None else env_file
    variables: dict[str, str] = {}
    if env_file is not None:
        dotenv = DotEnvSettingsSource(_Variables, env_file=Path(env_file), case_sensitive=True)
        variables |= _set(dotenv.env_vars)
    variables |= env
    _read_secret_files(cls, variables)
    try:
        return cls.model_validate(_nested(cls, variables))
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def _set(variables: Mapping[str, str | None]) -> dict[str, str]:
    return {name: value for name, value in variables.items() if value is not None}


def _read_secret_files(model: type[BaseModel], variables: dict[str, str]) -> None:
    """`X_FILE=/run/secrets/x` sets secret X to the file's contents (without the final
    newline), for every secret variable."""
    for variable in _secret_variables(model):
        path = (variables.get(f"{variable}_FILE") or "").strip()
        if not path:
            continue
        if variables.get(variable):
            raise SettingsError(f"{variable}_FILE", f"set {variable} or {variable}_FILE, not both")
        try:
            variables[variable] = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise SettingsError(f"{variable}_FILE", f"cannot read {path}: {exc.strerror}") from None


def _secret_variables(model: type[BaseModel]) -> list[str]:
    found: list[str] = []
    for field in model.model_fields.values():
        group = _group_of(field.annotation)
        if group is not None:
            found += _secret_variables(group)
        elif SecretStr in (field.annotation, *get_args(field.annotation)):
            found.append(str(field.validation_alias))
    return found


def _nested(model: type[BaseModel], variables: Mapping[str, str]) -> dict[str, Any]:
    """The variables shaped like `model`: a group's variables under the group's field.
    Unset and empty variables are left out (their defaults apply); values are stripped of
    surrounding blanks, except secrets."""
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        group = _group_of(field.annotation)
        if group is not None:
            data[name] = _nested(group, variables)
            continue
        variable = field.validation_alias
        raw = variables.get(variable) if isinstance(variable, str) else None
        if raw is None or not raw.strip():
            continue
        secret = SecretStr in (field.annotation, *get_args(field.annotation))
        data[str(variable)] = raw if secret else raw.strip()
    return data


def _group_of(annotation: Any) -> type[SettingsGroup] | None:
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, SettingsGroup):
            return candidate
    return None
