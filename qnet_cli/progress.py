"""A small progress bar on stderr for long Monte Carlo runs and sweeps.

Shown only when stderr is a terminal and ``--quiet`` was not given; otherwise every call is
a no-op, so piped and logged output stays clean. Inside one long computation the bar follows
the library's ``progress(done, total)`` callback (:meth:`Progress.update`), e.g.
``simulate_chain(..., progress=bar_callback)`` reports after each chunk of trials.
"""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """Text progress bar ``label [#####.....] 12/40 30% 5s left``, with the rate when ``unit`` is given.

    Parameters
    ----------
    total : int
        Number of units of work.
    label : str
    enabled : bool or None
        None = enabled when ``stream`` is a TTY.
    stream : file, default sys.stderr
    unit : str, optional
        Name of a unit of work (``"trials"``): the bar then also shows the rate so far,
        ``1.2e+03 trials/s``.

    Examples
    --------
    >>> with Progress(3, "demo", enabled=False) as bar:
    ...     bar.advance(3)
    """

    def __init__(self, total: int, label: str = "", enabled: bool | None = None, stream=None, width: int = 30,
                 unit: str | None = None):
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled and total > 0
        self.total = int(total)
        self.done = 0
        self.label = label
        self.width = width
        self.unit = unit
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
        self.update(self.done + int(n))

    def update(self, done: int) -> None:
        """Set the number of units done (a library ``progress(done, total)`` callback calls this).

        Parameters
        ----------
        done : int
            Units completed so far; capped at ``total``.
        """
        self.done = min(self.total, int(done))
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
        rate = f" {self.done / elapsed:.3g} {self.unit}/s" if self.unit and self.done and elapsed > 0 else ""
        line = (f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{self.done}/{self.total} {100 * frac:3.0f}%{rate}{eta}")
        self.stream.write(line.ljust(len(line) + 8))
        self.stream.flush()

    def close(self) -> None:
        """Finish the line."""
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False
