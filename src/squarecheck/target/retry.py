"""How a 429 is retried: bounded tries, delays from `Retry-After` (seconds or an HTTP date)."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds from now, or None when it is absent or not a finite number.

    RFC 9110 allows delay-seconds or an HTTP-date; anything else (`nan`, `inf`, `0x10`) is
    ignored, so a target cannot make squarecheck sleep forever or crash `time.sleep`.
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        seconds = moment.timestamp() - time.time()
    return seconds if math.isfinite(seconds) else None


@dataclass(frozen=True)
class RetryPolicy:
    """How 429 answers are retried: bounded tries and total wait (within the request deadline)."""

    tries: int = 5
    max_total_wait: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 20.0

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before retry number `attempt` (1-based), Retry-After first."""
        asked = retry_after_seconds(retry_after)
        if asked is not None:
            return min(max(asked, 0.0), self.max_delay)
        backoff: float = self.base_delay * 2 ** (attempt - 1)
        return min(backoff * (0.5 + random.random() / 2), self.max_delay)
