"""Process configuration, read from the environment (and an optional `.env` file).

One class, one cached accessor. Tests change the environment and call `get_settings.cache_clear()`
(or `reload_settings()`) to read it again. Names mix prefixes on purpose: `DATABASE_URL` and the
`OPENAI_*` variables are the names every hosting platform and SDK already uses.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_POSTGRES_PREFIXES = ("postgres://", "postgresql://", "postgresql+psycopg2://")


def normalise_database_url(url: str) -> str:
    """Point every PostgreSQL URL at psycopg 3 (the only PostgreSQL driver we install)."""
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def parse_sla(text: str) -> dict[str, float]:
    """'high=4,medium=24,low=72' -> {'high': 4.0, …}; a bad pair is a ValueError naming it."""
    out: dict[str, float] = {}
    for pair in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, hours = pair.partition("=")
        try:
            value = float(hours)
        except ValueError:
            value = -1.0
        if not sep or name.strip() not in ("high", "medium", "low") or not value > 0:
            raise ValueError(f"BREAKDESK_SLA_HOURS: {pair!r} is not severity=hours (high, medium or low; hours > 0)")
        out[name.strip()] = value
    return out


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default=Path(".breakdesk"), validation_alias="BREAKDESK_DATA_DIR")
    database_url: str = Field(
        default="",
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL; empty means SQLite at <data_dir>/breakdesk.sqlite3",
    )
    chroma_url: str | None = Field(default=None, validation_alias="BREAKDESK_CHROMA_URL")
    llm: Literal["none", "local", "openai", "azure"] = Field(default="local", validation_alias="BREAKDESK_LLM")
    model: str | None = Field(default=None, validation_alias="BREAKDESK_MODEL")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    write_off_limit: Decimal = Field(
        default=Decimal("50.00"),
        ge=0,
        validation_alias="BREAKDESK_WRITE_OFF_LIMIT",
        description="A manual match that writes off more than this (in the items' currency) needs a second clerk",
    )
    strict_parsing: bool = Field(
        default=False, validation_alias="BREAKDESK_STRICT_PARSING",
        description="Refuse a file at its first deviation from the standard, instead of reading the rest and "
        "recording what was tolerated or left out as findings (parsers.swift.parse_mt, parsers.iso20022.parse_mx)",
    )
    stream_import_mb: float = Field(
        default=16, ge=0, validation_alias="BREAKDESK_STREAM_IMPORT_MB",
        description="A camt.052/053/054 file at least this large is imported entry by entry in pages, in bounded "
        "memory (app.services.statement_stream), an MT file message by message; 0 streams every such file",
    )
    auto_confirm_threshold: float = Field(
        default=0.95,
        ge=0.0,
        le=1.0,
        validation_alias="BREAKDESK_AUTO_CONFIRM_THRESHOLD",
        description="Match suggestions at or above this confidence are auto-confirmed",
    )
    bcrypt_rounds: int = Field(
        default=12, ge=4, le=31, validation_alias="BREAKDESK_BCRYPT_ROUNDS",
        description="bcrypt cost factor; tests lower it to stay fast",
    )
    login_max_failures: int = Field(
        default=5, ge=1, le=100, validation_alias="BREAKDESK_LOGIN_MAX_FAILURES",
        description="Consecutive failed sign-ins that lock a name (app.services.sign_in)",
    )
    login_lockout_seconds: int = Field(
        default=900, ge=1, validation_alias="BREAKDESK_LOGIN_LOCKOUT_SECONDS",
        description="How long a locked name stays locked",
    )
    outbox_webhook_url: str | None = Field(
        default=None, validation_alias="BREAKDESK_OUTBOX_WEBHOOK_URL",
        description="POST approved repairs here too (signed, retried; app.services.webhook)",
    )
    outbox_webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="BREAKDESK_OUTBOX_WEBHOOK_SECRET",
        description="HMAC-SHA256 key of the X-Breakdesk-Signature header; required with the URL",
    )
    api_max_upload_mb: int = Field(
        default=100, ge=1, validation_alias="BREAKDESK_API_MAX_UPLOAD_MB",
        description="The largest request the HTTP API accepts (413 beyond)",
    )
    api_rate_per_minute: int = Field(
        default=600, ge=1, validation_alias="BREAKDESK_API_RATE_PER_MINUTE",
        description="Requests a minute one API token may make (429 beyond)",
    )
    session_idle_minutes: float = Field(
        default=30, gt=0, validation_alias="BREAKDESK_SESSION_IDLE_MINUTES",
        description="A web UI session left idle this long signs the person out",
    )
    session_max_hours: float = Field(
        default=12, gt=0, validation_alias="BREAKDESK_SESSION_MAX_HOURS",
        description="A web UI session ends this long after sign-in, however active",
    )
    login_throttle_seconds: float = Field(
        default=1.0, ge=0, le=60, validation_alias="BREAKDESK_LOGIN_THROTTLE_SECONDS",
        description="Wait after the first failure; doubles with each further failure (at most 60 s)",
    )

    ledger_columns: str = Field(
        default="", validation_alias="BREAKDESK_LEDGER_COLUMNS",
        description="Ledger CSV header names, e.g. 'amount=Betrag,date=Buchungsdatum' (agents.recon.ledger)",
    )

    sla: str = Field(
        default="high=4,medium=24,low=72", validation_alias="BREAKDESK_SLA_HOURS",
        description="Hours to resolve a case by severity, e.g. 'high=4,medium=24,low=72' (app.services.case_desk)",
    )

    @field_validator("sla")
    @classmethod
    def _sla_pairs(cls, value: str) -> str:
        parse_sla(value)  # a typo fails at start-up, naming the pair
        return value

    @property
    def sla_hours(self) -> dict[str, float]:
        return parse_sla(self.sla)

    @field_validator("ledger_columns")
    @classmethod
    def _known_ledger_fields(cls, value: str) -> str:
        from breakdesk.agents.recon.ledger import parse_column_map

        parse_column_map(value)  # a typo fails at start-up, naming the pair
        return value

    @property
    def ledger_column_map(self) -> dict[str, str]:
        from breakdesk.agents.recon.ledger import parse_column_map

        return parse_column_map(self.ledger_columns)

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        # Resolved once, against the cwd at read time, so a later chdir cannot move the database.
        return value.expanduser().resolve()

    @model_validator(mode="after")
    def _default_and_normalise_url(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'breakdesk.sqlite3'}"
        self.database_url = normalise_database_url(self.database_url)
        if self.outbox_webhook_url:
            if not self.outbox_webhook_url.startswith(("https://", "http://")):
                raise ValueError("BREAKDESK_OUTBOX_WEBHOOK_URL must be an http(s) URL")
            if self.outbox_webhook_secret is None or len(self.outbox_webhook_secret.get_secret_value()) < 16:
                raise ValueError("BREAKDESK_OUTBOX_WEBHOOK_SECRET (16 characters or more) is needed with "
                                 "BREAKDESK_OUTBOX_WEBHOOK_URL: every delivery is signed")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reload_settings() -> Settings:
    """Forget the cached settings and read the environment again (tests, long-running UIs)."""
    get_settings.cache_clear()
    return get_settings()
