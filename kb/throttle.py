"""Login throttling: failed logins per user name and per client address, with exponential back-off.

After :data:`FREE_FAILURES` failures for one key (a user name, or an address), every further attempt for that key
waits ``BASE_DELAY_S * 2**(failures - FREE_FAILURES)`` seconds (at most :data:`MAX_DELAY_S`) after the last
failure; an attempt inside the wait is refused without checking the password. A success clears the user's count
(not the address's: one address guessing many names stays slowed). State is per server process, in memory.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from kb.errors import AuthError

FREE_FAILURES = 5
BASE_DELAY_S = 1.0
MAX_DELAY_S = 900.0
_FORGET_S = 3600.0


class LoginThrottledError(AuthError):
    """登录失败次数过多：请稍后再试。"""


@dataclass
class _Entry:
    failures: int = 0
    last: float = 0.0


class LoginThrottle:
    """Failure counts by key ("user:NAME", "addr:IP") and the wait each key is under."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    def _delay(self, e: _Entry) -> float:
        if e.failures < FREE_FAILURES:
            return 0.0
        return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (e.failures - FREE_FAILURES))

    def wait_s(self, keys: list[str]) -> float:
        """Seconds until an attempt for all of ``keys`` is allowed (0 when allowed now)."""
        now = self._clock()
        with self._lock:
            out = 0.0
            for k in keys:
                e = self._entries.get(k)
                if e is not None:
                    out = max(out, e.last + self._delay(e) - now)
            return max(0.0, out)

    def failed(self, keys: list[str]) -> None:
        now = self._clock()
        with self._lock:
            for k in keys:
                e = self._entries.setdefault(k, _Entry())
                if now - e.last > _FORGET_S:
                    e.failures = 0
                e.failures += 1
                e.last = now
            if len(self._entries) > 100_000:  # forget old entries
                for k in [k for k, e in self._entries.items() if now - e.last > _FORGET_S]:
                    del self._entries[k]

    def succeeded(self, user_key: str) -> None:
        with self._lock:
            self._entries.pop(user_key, None)


def keys_for(username: str, address: str | None) -> list[str]:
    keys = [f"user:{username.strip().casefold()}"]
    if address:
        keys.append(f"addr:{address}")
    return keys
