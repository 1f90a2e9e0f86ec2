"""A small progress bar on stderr for long Monte Carlo runs and sweeps.

Shown only when stderr is a terminal and ``--quiet`` was not given; otherwise every call is
a no-op, so piped and logged output stays clean.
"""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """Text progress bar ``label [#####.....] 12/40 30% 5s left``.

    Parameters
    ----------
    total : int
        Number of units of work.
    label : str
    enabled : bool or None
        None = enabled when ``stream`` is a TTY.
    stream : file, default sys.stderr

    Examples
    --------
    >>> with Progress(3, "demo", enabled=False) as bar:
    ...     bar.advance(3)
    """

    def __init__(self, total: int, label: str = "", enabled: bool | None = None, stream=None, width: int = 30):
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled and total > 0
        self.total = int(total)
        self.done = 0
        self.label = label
        self.width = width
        self._t0 = time.monotonic()
        self._last = 0.0

    def __enter__(self):
        self._draw(force=True)
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def advance(self, n: int = 1) -> None:
        """Mark ``n`` more units as done.

        Parameters
        ----------
        n : int, default 1
            Units completed; the count is capped at ``total``.
        """
        self.done = min(self.total, self.done + int(n))
        self._draw(force=self.done == self.total)

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        frac = self.done / self.total
        filled = int(round(frac * self.width))
        elapsed = now - self._t0
        eta = ""
        if 0 < self.done < self.total:
            eta = f" {elapsed * (self.total - self.done) / self.done:.0f}s left"
        line = (f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{self.done}/{self.total} {100 * frac:3.0f}%{eta}")
        self.stream.write(line.ljust(len(line) + 8))
        self.stream.flush()

    def close(self) -> None:
        """Finish the line."""
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False
