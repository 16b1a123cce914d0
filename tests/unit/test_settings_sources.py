"""Where settings come from (the environment over `.env`, `X_FILE` secrets), secrets never
shown, and every error naming its variable (also as the CLI prints it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from entrypoints.cli import main
from entrypoints.settings import Settings, SettingsError
from tests.unit.test_messaging_settings import SMTP, TWILIO

JWT = "j" * 40


def test_a_dotenv_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text('LLM_MODEL=llama3.1\nSHOP_NAME="Acme Repairs"\nPORT=9000\n')
    settings = Settings.from_env({"PORT": "9100"}, env_file=env_file)
    assert (settings.llm.model, settings.shop_name, settings.port) == (
        "llama3.1",
        "Acme Repairs",
        9100,
    )


def test_the_process_reads_dot_env_in_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("CUSTOMER_VIEW_CAP=42\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CUSTOMER_VIEW_CAP", raising=False)
    assert Settings.from_env().customer_view_cap == 42
    monkeypatch.setenv("CUSTOMER_VIEW_CAP", "7")
    assert Settings.from_env().customer_view_cap == 7


def test_an_explicit_mapping_ignores_dot_env(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".env").write_text("CUSTOMER_VIEW_CAP=42\n")
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}).customer_view_cap == 100


@pytest.mark.parametrize(
    ("variable", "base_env", "read"),
    [
        ("JWT_SECRET", {}, lambda s: s.jwt_secret),
        ("OPENAI_API_KEY", {}, lambda s: s.llm.api_key),
        ("TWILIO_AUTH_TOKEN", TWILIO, lambda s: s.messaging.twilio.auth_token),
        ("SMTP_PASSWORD", SMTP, lambda s: s.messaging.smtp.password),
    ],
)
def test_a_secret_is_read_from_the_file_its_file_variable_names(
    tmp_path: Path, variable: str, base_env: dict[str, str], read
) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(JWT + "\n")
    env = {k: v for k, v in base_env.items() if k != variable}
    settings = Settings.from_env(env | {f"{variable}_FILE": str(secret_file)})
    assert read(settings).get_secret_value() == JWT  # the final newline is not part of it
    assert JWT not in repr(settings) and JWT not in str(settings)


def test_a_secret_file_that_cannot_be_read_or_doubles_the_variable_is_refused(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(SettingsError) as unreadable:
        Settings.from_env({"JWT_SECRET_FILE": str(missing)})
    assert unreadable.value.variable == "JWT_SECRET_FILE" and str(missing) in str(unreadable.value)
    present = tmp_path / "secret"
    present.write_text(JWT)
    with pytest.raises(SettingsError) as both:
        Settings.from_env({"JWT_SECRET": JWT, "JWT_SECRET_FILE": str(present)})
    assert both.value.variable == "JWT_SECRET_FILE"


def test_secrets_are_redacted_everywhere_they_could_be_shown() -> None:
    env = TWILIO | SMTP | {"JWT_SECRET": JWT, "OPENAI_API_KEY": "sk-very-secret-key"}
    settings = Settings.from_env(env)
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    for secret in (JWT, "sk-very-secret-key", "super-secret-token", "smtp-secret"):
        assert secret not in shown
    assert "**********" in shown


def test_errors_name_the_variable_and_say_what_is_wrong() -> None:
    with pytest.raises(SettingsError) as too_long:
        Settings.from_env({"LLM_TIMEOUT_SECONDS": "500"})
    assert str(too_long.value) == (
        "environment variable LLM_TIMEOUT_SECONDS: must be at most 300, got '500'"
    )
    with pytest.raises(SettingsError) as not_a_number:
        Settings.from_env({"PORT": "eighty"})
    assert (
        str(not_a_number.value) == "environment variable PORT: must be a whole number, got 'eighty'"
    )
    with pytest.raises(SettingsError) as short_secret:
        Settings.from_env({"JWT_SECRET": "hunter2"})
    assert short_secret.value.variable == "JWT_SECRET"
    assert "at least 32 characters" in str(short_secret.value)
    assert "hunter2" not in str(short_secret.value)  # a bad secret is not echoed either


def test_the_cli_prints_the_variable_and_the_problem(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    result = CliRunner().invoke(main, ["migrate"], env={"LLM_TIMEOUT_SECONDS": "500"})
    assert result.exit_code == 1
    assert "LLM_TIMEOUT_SECONDS: must be at most 300" in result.output
