"""LLM errors, translated at the boundary so callers never handle SDK-specific exceptions.

    LLMError (RuntimeError)
    ├── LLMUnavailable     endpoint unreachable, timed out, or the local model cannot load
    ├── LLMAuthError       key missing or refused
    ├── LLMRateLimited     429 / quota
    └── LLMBadResponse     malformed or refused output, 4xx/5xx with a body we cannot use

Every one of them means "fall back to the deterministic answer", never "crash the case".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from breakdesk.errors import BreakdeskError


class LLMError(BreakdeskError, RuntimeError):
    """Base of all LLM failures."""


class LLMUnavailable(LLMError):
    """The model cannot be reached or loaded."""


class LLMAuthError(LLMError):
    """Authentication failed."""


class LLMRateLimited(LLMError):
    """Rate limited or out of quota."""


class LLMBadResponse(LLMError):
    """The model answered with something unusable."""


def _openai_mapping() -> list[tuple[type[BaseException], type[LLMError]]]:
    import openai

    # Most specific first: APITimeoutError subclasses APIConnectionError, which subclasses APIError.
    return [
        (openai.AuthenticationError, LLMAuthError),
        (openai.PermissionDeniedError, LLMAuthError),
        (openai.RateLimitError, LLMRateLimited),
        (openai.APITimeoutError, LLMUnavailable),
        (openai.APIConnectionError, LLMUnavailable),
        (openai.InternalServerError, LLMUnavailable),
        (openai.NotFoundError, LLMBadResponse),
        (openai.BadRequestError, LLMBadResponse),
        (openai.UnprocessableEntityError, LLMBadResponse),
        (openai.ConflictError, LLMBadResponse),
        (openai.APIResponseValidationError, LLMBadResponse),
        (openai.APIStatusError, LLMBadResponse),
        (openai.APIError, LLMBadResponse),
        (openai.OpenAIError, LLMError),
    ]


@contextlib.contextmanager
def map_llm_errors(provider: str) -> Iterator[None]:
    try:
        yield
    except LLMError:
        raise
    except Exception as exc:  # noqa: BLE001 - translated, with the original chained
        for upstream, ours in _openai_mapping():
            if isinstance(exc, upstream):
                raise ours(f"{provider}: {exc}") from exc
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            raise LLMUnavailable(f"{provider}: {exc}") from exc
        raise LLMBadResponse(f"{provider}: {type(exc).__name__}: {exc}") from exc
