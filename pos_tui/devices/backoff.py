"""Waiting longer after each failure, so a dead device is not hammered and a live one is found soon."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Reconnect delays: ``initial`` doubling up to ``maximum`` seconds."""

    initial: float = 0.5
    maximum: float = 30.0

    def delays(self) -> Callable[[], float]:
        current = self.initial

        def next_delay() -> float:
            nonlocal current
            delay = current
            current = min(current * 2, self.maximum)
            return delay

        return next_delay
