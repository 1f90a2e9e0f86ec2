"""Small timing helpers shared by the benchmarks (best-of-k wall clock, table printing)."""

from __future__ import annotations

import time


def best_time(fn, repeat: int = 5, min_time: float = 0.05) -> float:
    """Best per-call wall time of ``fn`` over ``repeat`` rounds (after one warm-up call)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        n = 0
        t0 = time.perf_counter()
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_time:
                break
        best = min(best, dt / n)
    return best


def print_table(rows, headers) -> None:
    """Print rows (sequences) under headers as an aligned plain-text / Markdown table."""
    cols = list(zip(*([headers] + [[str(c) for c in r] for r in rows])))
    widths = [max(len(str(c)) for c in col) for col in cols]
    line = "| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")


def fmt_rate(x: float) -> str:
    return f"{x:.3g}"
