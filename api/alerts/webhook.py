"""Signed webhooks: JSON POST with an HMAC-SHA256 signature over timestamp and body.

Receivers verify ``X-Scenehub-Signature: sha256=HEX`` where HEX is
``hmac_sha256(secret, f"{X-Scenehub-Timestamp}.{raw body}")``, and reject old timestamps
(replays). ``X-Scenehub-Delivery`` is stable across retries of the same batch: receivers
can de-duplicate on it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx

SIGNATURE_HEADER = "X-Scenehub-Signature"
TIMESTAMP_HEADER = "X-Scenehub-Timestamp"
DELIVERY_HEADER = "X-Scenehub-Delivery"
#: tries within one delivery cycle before the batch waits for the next cycle
TRIES = 3


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def post(
    url: str,
    secret: str,
    payload: dict[str, Any],
    delivery_id: str,
    *,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST with up to :data:`TRIES` tries and exponential backoff; return the tries used.

    Any 2xx is success; anything else (or a network error) raises after the last try.
    """
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    last: Exception | None = None
    for attempt in range(1, TRIES + 1):
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(secret, timestamp, body),
            TIMESTAMP_HEADER: timestamp,
            DELIVERY_HEADER: delivery_id,
            "User-Agent": "scenehub-alerts/1",
        }
        try:
            response = httpx.post(url, content=body, headers=headers, timeout=timeout)
            if 200 <= response.status_code < 300:
                return attempt
            last = RuntimeError(f"webhook answered HTTP {response.status_code}")
        except httpx.HTTPError as exc:
            last = RuntimeError(f"webhook unreachable: {type(exc).__name__}: {exc}")
        if attempt < TRIES:
            sleep(0.5 * 2 ** (attempt - 1))
    assert last is not None
    raise last
