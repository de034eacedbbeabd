"""The tamper-evident chain: each audit row carries HMAC-SHA256(key, prev_hash || canonical row).

A keyed hash, not a bare SHA-256: whoever can write to the database but does not hold the key cannot
recompute the chain after changing a row. Deleting rows shows as a gap in `seq` or a prev_hash mismatch.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def canonical_payload(fields: dict[str, Any]) -> bytes:
    def norm(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat(timespec="microseconds")
        if value is None or isinstance(value, int | str | bool):
            return value
        return str(value)

    return json.dumps(
        {k: norm(v) for k, v in sorted(fields.items())}, separators=(",", ":"), ensure_ascii=False
    ).encode()


def row_hash(key: bytes, prev_hash: str, fields: dict[str, Any]) -> str:
    return hmac.new(key, prev_hash.encode() + b"|" + canonical_payload(fields), hashlib.sha256).hexdigest()
