"""The one error a bad setting raises: it names the environment variable."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


class SettingsError(ValueError):
    """An environment variable holds a value fieldcrm cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"environment variable {variable}: {problem}")


_PROBLEMS = {
    "missing": "is required",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "decimal_parsing": "must be a decimal number",
    "finite_number": "must be a finite number",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "string_too_short": "must be at least {min_length} characters",
    "too_short": "must be at least {min_length} characters",
    "literal_error": "must be {expected}",
    "value_error": "{error}",
}


def from_validation_error(error: ValidationError) -> SettingsError:
    """The first problem pydantic found, as a SettingsError naming its variable (the alias
    in the error's location, or the variable a validator named)."""
    first = error.errors(include_url=False)[0]
    context: dict[str, Any] = first.get("ctx") or {}
    if isinstance(context.get("error"), SettingsError):
        found: SettingsError = context["error"]
        return found
    variable = next((str(p) for p in reversed(first["loc"]) if isinstance(p, str)), "?")
    if first["type"] == "literal_error":
        context = {"expected": str(context["expected"]).replace("'", "")}
    template = _PROBLEMS.get(first["type"])
    problem = template.format(**context) if template else first["msg"]
    if first["type"] != "missing" and "input" in first and not _is_secret(variable):
        problem += f", got {first['input']!r}"
    return SettingsError(variable, problem)


def _is_secret(variable: str) -> bool:
    return any(word in variable for word in ("SECRET", "TOKEN", "PASSWORD", "KEY"))
