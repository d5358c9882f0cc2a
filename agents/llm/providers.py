"""One factory for every chat model Breakdesk can use, chosen by `LLMSettings` (environment).

`none` is a first-class provider: the deterministic layer answers alone, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel

from breakdesk.agents.llm.config import LLMSettings

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class Provider:
    """A ready chat model plus what must be recorded about it."""

    name: str  # "none", "local", "openai", "azure"
    model: str | None
    chat: BaseChatModel | None
    external: bool
    mask_pii: bool

    @property
    def label(self) -> str:
        return self.name if not self.model else f"{self.name}/{self.model}"


def load_chat_model(settings: LLMSettings | None = None) -> Provider:
    settings = settings or LLMSettings.from_env()
    match settings.provider:
        case "none":
            return Provider("none", None, None, False, False)
        case "local":
            from breakdesk.agents.llm.local_model import MODEL_NAME, LocalChatModel

            chat = LocalChatModel(
                cache_dir=str(Path(settings.data_dir) / "models"), max_new_tokens=settings.local_max_new_tokens
            )
            return Provider("local", MODEL_NAME, chat, False, settings.should_mask)
        case "openai":
            from langchain_openai import ChatOpenAI

            model = settings.model or DEFAULT_OPENAI_MODEL
            chat = ChatOpenAI(
                model=model,
                base_url=settings.base_url,
                api_key=settings.api_key or "not-needed",
                temperature=0,
                max_tokens=settings.max_tokens,
                timeout=settings.timeout_s,
                max_retries=1,
            )
            return Provider("openai", model, chat, settings.is_external, settings.should_mask)
        case "azure":
            from langchain_openai import AzureChatOpenAI

            if not (settings.azure_endpoint and settings.model):
                raise ValueError("BREAKDESK_LLM=azure needs AZURE_OPENAI_ENDPOINT and BREAKDESK_MODEL (the deployment)")
            chat = AzureChatOpenAI(
                azure_endpoint=settings.azure_endpoint,
                azure_deployment=settings.model,
                api_version=settings.azure_api_version or "2024-10-21",
                api_key=settings.api_key,
                temperature=0,
                max_tokens=settings.max_tokens,
                timeout=settings.timeout_s,
                max_retries=1,
            )
            return Provider("azure", settings.model, chat, True, settings.should_mask)
        case other:  # pragma: no cover - LLMSettings validates
            raise ValueError(f"unknown LLM provider {other!r}")
