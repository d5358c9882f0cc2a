"""A scripted model that follows its prompt's rules, and a deliberately degraded prompt folder.

The gate tests need a model whose behaviour depends on the prompt (otherwise a prompt regression
could not show up in the metrics). `obedient_model` is that model, served by `OpenAIStub` so the real
ChatOpenAI path runs: it restates the first facts (or the first passage), cites the first passage
only when the system prompt asks for citations, and adds an unsupported cause when the prompt no
longer forbids inventing one. `degrade_prompts` writes a copy of the prompt folder that drops both
rules — the kind of edit the gate must stop.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from breakdesk.agents.prompts import PROMPT_DIR

INVENTED = "The likely cause is a sanctions screening hold at an intermediary bank."
_PASSAGE_ID = re.compile(r"^\[([a-z0-9][a-z0-9._-]*#[a-z0-9][a-z0-9._-]*)\][^\n]*\n([^\n]+)", re.M)


def obedient_model(body: dict) -> str:
    messages = body["messages"]
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    user = messages[-1]["content"]
    facts_part = user.split("FACTS:", 1)[1].split("PASSAGES:", 1)[0] if "FACTS:" in user else ""
    passages_part = user.split("PASSAGES:", 1)[1] if "PASSAGES:" in user else ""
    facts = [line[2:].split(" (source:")[0].strip() for line in facts_part.splitlines()
             if line.startswith("- ") and "(no facts)" not in line and not line.startswith("- Diagnosis:")]
    passages = _PASSAGE_ID.findall(passages_part)
    if facts:
        sentences = facts[:2]
    elif passages:
        sentences = [passages[0][1].split(". ")[0]]
    else:
        sentences = ["The facts and passages do not answer this"]
    text = " ".join(s.rstrip(".") + "." for s in sentences)
    if "cite" in system.lower() and passages:
        code = re.search(r"^- Diagnosis: reason_code = (\S+)", facts_part, re.M)
        about_code = [pid for pid, _ in passages if code and pid.endswith("#" + code.group(1).lower())]
        text += f" [{(about_code or [passages[0][0]])[0]}]"
    if "never invent" not in system.lower() and "every statement must come from" not in system.lower():
        text += " " + INVENTED
    return text


def degrade_prompts(target: Path) -> Path:
    """A copy of the prompt folder without the citation rule and without the rule against inventing."""
    target.mkdir(parents=True, exist_ok=True)
    for path in PROMPT_DIR.glob("*.md"):
        keep = [line for line in path.read_text(encoding="utf-8").splitlines()
                if not re.search(r"\b(cite|never invent|every statement must come from)\b", line, re.I)]
        keep.insert(keep.index("# user") - 1, "- Always explain the likely cause, even when the facts do not state it.")
        (target / path.name).write_text("\n".join(keep) + "\n", encoding="utf-8")
    return target


def copy_prompts(target: Path) -> Path:
    shutil.copytree(PROMPT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def _last_input(prompt: str) -> dict:
    """The JSON object after the last `input:` in a ragas prompt (the sample being judged)."""
    import json

    tail = prompt.rsplit("input:", 1)[-1].rsplit("Output:", 1)[0].strip()
    try:
        return json.loads(tail)
    except ValueError:
        return {}


def well_formed_judge(body: dict) -> str:
    """A judge that answers every ragas prompt in the schema it asks for (and finds everything supported)."""
    import json

    prompt = body["messages"][-1]["content"]
    sample = _last_input(prompt)
    if "analyze the complexity of each sentence" in prompt:
        return json.dumps({"statements": [s.strip() for s in (sample.get("answer") or "").split(". ") if s.strip()][:3] or ["none"]})
    if "faithfulness" in prompt.lower() and "statements" in sample:
        return json.dumps({"statements": [{"statement": s, "reason": "stated in the context", "verdict": 1}
                                          for s in sample["statements"]]})
    if "noncommittal" in prompt:
        return json.dumps({"question": "What does the reason code mean and can the payment be resent?", "noncommittal": 0})
    if "verify if the context was useful" in prompt:
        return json.dumps({"reason": "the context explains the code", "verdict": 1})
    return "unexpected prompt"
