"""Which model answers, chosen by environment variables (never by code paths)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

ProviderName = Literal["none", "local", "openai", "azure"]


def _env_bool(name: str, default: bool | None) -> bool | None:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(kw_only=True, frozen=True)
class LLMSettings:
    provider: ProviderName = field(default="local", metadata={"description": "BREAKDESK_LLM"})
    model: str | None = field(default=None, metadata={"description": "BREAKDESK_MODEL"})
    base_url: str | None = field(default=None, metadata={"description": "OPENAI_BASE_URL"})
    api_key: str | None = field(default=None, metadata={"description": "OPENAI_API_KEY / AZURE_OPENAI_API_KEY"})
    azure_endpoint: str | None = None
    azure_api_version: str | None = None
    mask_pii: bool | None = field(default=None, metadata={"description": "BREAKDESK_MASK_PII; default on for external endpoints"})
    timeout_s: float = 60.0
    max_tokens: int = 400
    local_max_new_tokens: int = 80
    data_dir: str = ".breakdesk"

    @classmethod
    def from_env(cls, **overrides) -> LLMSettings:
        provider = (os.environ.get("BREAKDESK_LLM") or "local").strip().lower()
        if provider not in ("none", "local", "openai", "azure"):
            raise ValueError(f"BREAKDESK_LLM={provider!r}: expected one of none, local, openai, azure")
        values = dict(
            provider=provider,
            model=os.environ.get("BREAKDESK_MODEL") or None,
            base_url=os.environ.get("OPENAI_BASE_URL") or None,
            api_key=os.environ.get("OPENAI_API_KEY") or os.environ.get("AZURE_OPENAI_API_KEY") or None,
            azure_endpoint=os.environ.get("AZURE_OPENAI_ENDPOINT") or None,
            azure_api_version=os.environ.get("OPENAI_API_VERSION") or os.environ.get("AZURE_OPENAI_API_VERSION") or None,
            mask_pii=_env_bool("BREAKDESK_MASK_PII", None),
            data_dir=os.environ.get("BREAKDESK_DATA_DIR") or ".breakdesk",
        )
        values.update(overrides)
        return cls(**values)

    @property
    def is_external(self) -> bool:
        """True when text leaves this machine (OpenAI, Azure, or any remote OpenAI-compatible URL)."""
        if self.provider == "azure":
            return True
        if self.provider != "openai":
            return False
        host = urlsplit(self.base_url or "https://api.openai.com").hostname or ""
        if host == "localhost":
            return False
        try:
            return not ipaddress.ip_address(host).is_loopback
        except ValueError:  # a name, not an address: it may resolve anywhere
            return True

    @property
    def should_mask(self) -> bool:
        return self.is_external if self.mask_pii is None else self.mask_pii
