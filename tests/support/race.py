"""One person's decision in a process of its own, started at an agreed instant (the race tests)."""

from __future__ import annotations

import json
import sys
import time


def decide_at(url: str, checkpoint_url: str, outbox: str, case_key: str, user: str, start_at: float) -> None:
    from pathlib import Path

    from breakdesk.agents.llm import LLMSettings, load_chat_model
    from breakdesk.app.services.errors import ServiceError
    from breakdesk.app.services.workflow import Runtime, decide_case
    from breakdesk.app.store.db import make_engine, session_scope
    from tests.support.workflow import keyword_retrieve

    runtime = Runtime(provider=load_chat_model(LLMSettings(provider="none")), retrieve=keyword_retrieve(),
                      checkpoint_url=checkpoint_url, outbox=Path(outbox))
    engine = make_engine(url)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        with session_scope(engine) as s:
            out = decide_case(s, case_key=case_key, action="approve", user=user, reason=f"{user} checked it",
                              runtime=runtime)
        print(json.dumps({"user": user, "ok": True, "status": (out.get("outcome") or {}).get("status")}))
    except ServiceError as exc:
        print(json.dumps({"user": user, "ok": False, "error": f"{type(exc).__name__}: {exc}"}))
    finally:
        engine.dispose()


if __name__ == "__main__":
    decide_at(*sys.argv[1:6], float(sys.argv[6]))
