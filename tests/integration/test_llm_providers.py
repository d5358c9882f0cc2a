"""The real client paths: ChatOpenAI against a local OpenAI-compatible server, and the real SmolLM2."""

import json

import pytest

from breakdesk.agents.llm import LLMSettings, MemoryRecorder, generate, load_chat_model
from breakdesk.agents.llm.errors import LLMBadResponse, LLMUnavailable
from breakdesk.agents.prompts import load_prompt
from tests.support.openai_stub import OpenAIStub

VALUES = {"facts": "Creditor ACME Trading GmbH, account DE89370400440532013000, reason AC04", "passages": "-", "kind": "rejected"}


def test_chat_openai_through_local_server_records_usage_and_masks_external():
    with OpenAIStub(lambda body: "Closed account [PARTY_1].") as stub:
        settings = LLMSettings(provider="openai", base_url=stub.base_url, api_key="k", model="stub-model", mask_pii=True)
        provider = load_chat_model(settings)
        rec = MemoryRecorder()
        out = generate(provider, load_prompt("explain_case"), VALUES, case_id="C7", recorder=rec,
                       mask_names=("ACME Trading GmbH",))
    sent = json.dumps(stub.requests[0]["body"])
    assert "DE89370400440532013000" not in sent and "ACME" not in sent
    assert stub.requests[0]["body"]["model"] == "stub-model" and stub.requests[0]["body"]["temperature"] == 0
    assert out.text == "Closed account ACME Trading GmbH."
    assert (rec.calls[0].input_tokens, rec.calls[0].output_tokens, rec.calls[0].provider) == (42, 7, "openai")


def test_local_endpoint_is_not_masked_by_default():
    with OpenAIStub(lambda body: "ok") as stub:
        provider = load_chat_model(LLMSettings(provider="openai", base_url=stub.base_url, api_key="k"))
        generate(provider, load_prompt("explain_case"), VALUES)
    assert "DE89370400440532013000" in json.dumps(stub.requests[0]["body"])


def test_server_errors_and_garbage_are_translated():
    with OpenAIStub(lambda body: (500, {"error": {"message": "boom"}})) as stub:
        provider = load_chat_model(LLMSettings(provider="openai", base_url=stub.base_url, api_key="k"))
        rec = MemoryRecorder()
        with pytest.raises(LLMUnavailable):
            generate(provider, load_prompt("explain_case"), VALUES, recorder=rec)
        assert rec.calls and rec.calls[0].ok is False and "boom" in rec.calls[0].error
    with OpenAIStub(lambda body: (200, b"not json at all")) as stub:
        provider = load_chat_model(LLMSettings(provider="openai", base_url=stub.base_url, api_key="k"))
        with pytest.raises((LLMBadResponse, LLMUnavailable)):
            generate(provider, load_prompt("explain_case"), VALUES)


def test_nothing_listening_gives_unavailable():
    provider = load_chat_model(LLMSettings(provider="openai", base_url="http://127.0.0.1:9/v1", api_key="k", timeout_s=2))
    with pytest.raises(LLMUnavailable):
        generate(provider, load_prompt("explain_case"), VALUES)


@pytest.mark.slow
def test_real_smollm2_generates_offline(tmp_path):
    provider = load_chat_model(LLMSettings(provider="local", data_dir=str(tmp_path)))
    rec = MemoryRecorder()
    out = generate(provider, load_prompt("explain_case"), VALUES, recorder=rec)
    assert isinstance(out.text, str) and out.text
    call = rec.calls[0]
    assert call.provider == "local" and call.model == "SmolLM2-135M-Instruct"
    assert call.input_tokens > 50 and 0 < call.output_tokens <= 120
    assert (tmp_path / "models" / "SmolLM2-135M-Instruct" / "config.json").is_file()  # dequantised copy cached
