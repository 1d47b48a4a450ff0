"""Progress of a long run: a one-line bar with rate and ETA on a terminal, and log lines for a log."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TextIO

log = logging.getLogger("imr.progress")


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


def _duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


class ProgressLog:
    """A log line every ``every`` seconds, and one at the end: documents done, rate and time left.

    For what has no terminal: a cron job's log tells how far a night's load has come. The bar
    above is drawn only on a terminal; these lines go to the ``imr.progress`` logger either way.
    """

    def __init__(self, *, what: str = "documents", every: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.what = what
        self.every = every
        self.clock = clock
        self.started = self.logged = clock()

    def line(self, done: int, total: int) -> str:
        elapsed = max(self.clock() - self.started, 1e-6)
        rate = done / elapsed
        left = f", about {_duration((total - done) / rate)} left" if rate and done < total else ""
        share = f" ({100 * done / total:.1f}%)" if total else ""
        return f"{done:,} of {total:,} {self.what}{share}, {rate:.1f}/s over {_duration(elapsed)}{left}"

    def update(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.logged >= self.every or done == total:
            self.logged = now
            log.info("%s", self.line(done, total))
