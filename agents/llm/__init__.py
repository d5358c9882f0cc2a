"""LLM providers behind one factory, with error translation, masking and call records."""

from breakdesk.agents.llm.config import LLMSettings
from breakdesk.agents.llm.errors import LLMAuthError, LLMBadResponse, LLMError, LLMRateLimited, LLMUnavailable
from breakdesk.agents.llm.invoke import CallRecorder, Generation, LLMCallRecord, MemoryRecorder, generate
from breakdesk.agents.llm.providers import Provider, load_chat_model

__all__ = [
    "CallRecorder",
    "Generation",
    "LLMAuthError",
    "LLMBadResponse",
    "LLMCallRecord",
    "LLMError",
    "LLMRateLimited",
    "LLMSettings",
    "LLMUnavailable",
    "MemoryRecorder",
    "Provider",
    "generate",
    "load_chat_model",
]
