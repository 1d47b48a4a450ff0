"""A one-line progress bar with rate and ETA, drawn only on a terminal."""
from __future__ import annotations

import time
from typing import TextIO


class Progress:
    def __init__(self, *, stream: TextIO, width: int = 30, every: float = 0.1):
        self.stream = stream
        self.enabled = stream.isatty()
        self.width = width
        self.every = every
        self.started = time.monotonic()
        self.drawn = 0.0
        self.shown = False

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.drawn < self.every and done < total):
            return
        self.drawn = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {rate:.1f} docs/s ETA {eta:.0f}s ")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False
