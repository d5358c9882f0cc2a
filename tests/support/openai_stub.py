"""A tiny OpenAI-compatible HTTP server on 127.0.0.1 for integration tests.

It lets the real `openai` / `ChatOpenAI` client path run with no network. Replies come from a
callable (request JSON → reply text, or an `(status, body)` tuple for error cases); every request body
is kept so tests can check what left the process (e.g. that IBANs were masked).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[dict], Any]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # ragas fires many requests at once


class OpenAIStub:
    def __init__(self, reply: Reply, *, model: str = "stub-model") -> None:
        self.reply = reply
        self.model = model
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with stub._lock:
                    stub.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
                if self.path.endswith("/embeddings"):
                    inputs = body.get("input")
                    inputs = inputs if isinstance(inputs, list) else [inputs]
                    data = [{"object": "embedding", "index": i, "embedding": [0.1] * 8} for i, _ in enumerate(inputs)]
                    return self._send(200, {"object": "list", "data": data, "model": stub.model,
                                            "usage": {"prompt_tokens": 1, "total_tokens": 1}})
                out = stub.reply(body)
                if isinstance(out, tuple):
                    status, payload = out
                    return self._send(status, payload)
                n = body.get("n") or 1
                self._send(200, {
                    "id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()),
                    "model": stub.model,
                    "choices": [{"index": i, "message": {"role": "assistant", "content": out}, "finish_reason": "stop"}
                                for i in range(n)],
                    "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49},
                })

            def _send(self, status: int, payload: Any) -> None:
                raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> OpenAIStub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
