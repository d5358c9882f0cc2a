"""Approved repairs POSTed to a receiving system (`BREAKDESK_OUTBOX_WEBHOOK_URL`), signed and retried.

The body is JSON: `{"delivery_id", "case", "repair_id", "file_name", "message"}` with the corrected
message as text. `X-Breakdesk-Signature: sha256=<hex>` is an HMAC-SHA256 of the exact body with
`BREAKDESK_OUTBOX_WEBHOOK_SECRET`, and `X-Breakdesk-Delivery` repeats the delivery id: a receiver checks
the signature and drops a delivery id it has seen (a retry after a lost answer sends the same id).

A 2xx answer delivers; anything else (or no answer) is tried again after 30 s, 1, 2, 4 … minutes (at
most an hour apart) and, after `MAX_ATTEMPTS`, marked `failed` for a person to look at. Every attempt
is in the audit log (`outbox.webhook`), with the status the receiver gave.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_ATTEMPTS = 10
TIMEOUT_S = 10


@dataclass(frozen=True)
class WebhookResult:
    ok: bool
    status: int | None
    error: str | None


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def body_for(*, delivery_id: int, case_key: str, repair_id: int, file_name: str, message: str) -> bytes:
    return json.dumps({"delivery_id": delivery_id, "case": case_key, "repair_id": repair_id, "file_name": file_name,
                       "message": message}, ensure_ascii=False, sort_keys=True).encode("utf-8")


def post(url: str, body: bytes, *, secret: str, delivery_id: int) -> WebhookResult:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "breakdesk-outbox",
        "X-Breakdesk-Delivery": str(delivery_id), "X-Breakdesk-Signature": sign(body, secret)})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:  # noqa: S310 - configured https/http URL
            return WebhookResult(200 <= answer.status < 300, answer.status, None)
    except urllib.error.HTTPError as exc:
        return WebhookResult(False, exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        return WebhookResult(False, None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}")


def next_attempt(now: datetime, attempts: int) -> datetime:
    """30 s after the first failure, then doubling, at most an hour."""
    return now + timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))
