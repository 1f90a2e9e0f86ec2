"""Figures from result rows: key rate vs distance, fidelity vs distance, waiting-time histograms.

matplotlib (the ``plot`` extra) is imported only here and only when a figure is drawn, with
the non-interactive Agg backend; a missing matplotlib is a one-line error, not a traceback.
The figure kind follows the columns of the result file unless ``--kind`` is given.
"""

from __future__ import annotations

import math
import os

from qnet_core.errors import ScenarioError

__all__ = ["plot_rows", "plot_command", "detect_kind", "KINDS"]

KINDS = ("keyrate", "fidelity", "waiting", "demo")
_IMAGE_EXT = (".png", ".svg")


def _pyplot():
    try:
        import matplotlib
    except ModuleNotFoundError:
        raise ScenarioError("plotting needs matplotlib; install it with: pip install 'qnetsim[plot]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def detect_kind(columns) -> str:
    """Figure kind from result columns: key rates, chain fidelities, per-trial waiting times, or demo.

    Parameters
    ----------
    columns : iterable of str
        Column names of the result rows.

    Returns
    -------
    str
        ``"keyrate"``, ``"waiting"``, ``"fidelity"`` or ``"demo"`` (ScenarioError if none fits).
    """
    cols = set(columns)
    if {"distance_km", "key_rate_per_pulse"} <= cols:
        return "keyrate"
    if "waiting_time_s" in cols:
        return "waiting"
    if "mean_fidelity" in cols:
        return "fidelity"
    if {"storage_time_s", "swapped_fidelity"} <= cols:
        return "demo"
    raise ScenarioError("cannot tell what to plot from the columns " + ", ".join(sorted(cols)) +
                        "; expected distance_km+key_rate_per_pulse, mean_fidelity, waiting_time_s or "
                        "storage_time_s+swapped_fidelity (or give --kind)")


def _num(v):
    if v is None or v == "":
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _groups(rows, exclude):
    """Split rows by the values of the columns (other than ``exclude``) that vary and are not results."""
    if not rows:
        return {(): rows}
    candidates = [c for c in ("protocol", "scheme", "segments", "purify", "cutoff", "memory_t2", "memory_t1",
                              "detector_efficiency", "dark_count", "attenuation", "input_mu", "decoy", "method",
                              "misalignment", "trials", "memories_per_node", "bright_state", "length_km")
                  if c in rows[0] and c not in exclude]
    varying = [c for c in candidates if len({str(r.get(c)) for r in rows}) > 1]
    out = {}
    for r in rows:
        key = tuple((c, r.get(c)) for c in varying)
        out.setdefault(key, []).append(r)
    return out


def _label(key) -> str:
    return ", ".join(f"{c}={v}" for c, v in key) if key else None


def _save(fig, path) -> None:
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    ext = os.path.splitext(path)[1].lower()
    tmp = os.path.join(d, "." + os.path.basename(path) + f".{os.getpid()}.tmp{ext}")
    fig.savefig(tmp, format=ext[1:], dpi=150, bbox_inches="tight")
    os.replace(tmp, path)


def plot_rows(rows, path, kind: str = "auto", x: str | None = None) -> str:
    """Draw ``rows`` into ``path`` (.png or .svg) and return the kind drawn.

    Parameters
    ----------
    rows : list of dict
        Result rows (as :func:`qnet_cli.output.read_rows` returns them), at least one.
    path : str
        Image file, ``.png`` or ``.svg``.
    kind : {"auto", "keyrate", "fidelity", "waiting", "demo"}, default "auto"
        Figure kind; "auto" detects it from the columns (:func:`detect_kind`).
    x : str, optional
        x-axis column of a fidelity plot; default the first of ``length_km``,
        ``distance_km``, ``segments`` present.

    Returns
    -------
    str
        The kind drawn.
    """
    ext = os.path.splitext(path)[1].lower()
    if ext not in _IMAGE_EXT:
        raise ScenarioError(f"--out={path!r} has extension {ext or '(none)'!r}; allowed: .png, .svg")
    if not rows:
        raise ScenarioError("no rows to plot")
    if kind == "auto":
        kind = detect_kind(rows[0].keys())
    if kind not in KINDS:
        raise ScenarioError(f"--kind={kind!r} is not allowed; use one of auto, {', '.join(KINDS)}")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    try:
        if kind == "keyrate":
            _need(rows, ("distance_km", "key_rate_per_pulse"), kind)
            plob_drawn = False
            for key, grp in _groups(rows, ("distance_km", "length_km")).items():
                grp = sorted(grp, key=lambda r: _num(r["distance_km"]))
                d = [_num(r["distance_km"]) for r in grp]
                k = [_num(r["key_rate_per_pulse"]) for r in grp]
                k = [v if v > 0 else math.nan for v in k]
                ax.plot(d, k, marker="o", ms=3, label=_label(key) or "key rate")
                if "plob_per_pulse" in grp[0] and not plob_drawn:
                    ax.plot(d, [_num(r["plob_per_pulse"]) for r in grp], "k--", label="PLOB bound")
                    plob_drawn = True
            ax.set_yscale("log")
            ax.set_xlabel("distance (km)")
            ax.set_ylabel("secret key rate (bits per pulse)")
        elif kind == "fidelity":
            xcol = x or next((c for c in ("length_km", "distance_km", "segments") if c in rows[0]), None)
            if xcol is None or xcol not in rows[0]:
                raise ScenarioError(f"fidelity plot: x column {xcol!r} is not in the file; give --x COLUMN")
            _need(rows, (xcol, "mean_fidelity"), kind)
            for key, grp in _groups(rows, (xcol,)).items():
                grp = sorted(grp, key=lambda r: _num(r[xcol]))
                err = [_num(r.get("mean_fidelity_stderr")) for r in grp]
                ax.errorbar([_num(r[xcol]) for r in grp], [_num(r["mean_fidelity"]) for r in grp],
                            yerr=None if all(math.isnan(e) for e in err) else err, marker="o", ms=3, capsize=2,
                            label=_label(key) or "mean fidelity")
            ax.set_xlabel("total length (km)" if xcol == "length_km" else xcol)
            ax.set_ylabel("end-to-end fidelity")
        elif kind == "waiting":
            _need(rows, ("waiting_time_s",), kind)
            t = [_num(r["waiting_time_s"]) for r in rows]
            t = [v for v in t if not math.isnan(v)]
            if not t:
                raise ScenarioError("waiting-time plot: no delivered trial in the file")
            ax.hist(t, bins=min(50, max(5, int(math.sqrt(len(t))))), color="tab:blue", alpha=0.8)
            ax.set_xlabel("waiting time (s)")
            ax.set_ylabel("trials")
        else:  # demo
            _need(rows, ("storage_time_s", "link_fidelity", "swapped_fidelity"), kind)
            t = [_num(r["storage_time_s"]) for r in rows]
            ax.plot(t, [_num(r["link_fidelity"]) for r in rows], marker="o", ms=3, label="stored pair")
            ax.plot(t, [_num(r["swapped_fidelity"]) for r in rows], marker="s", ms=3, label="after swap")
            ax.axhline(0.5, color="grey", lw=0.8, ls=":")
            ax.set_xlabel("storage time (s)")
            ax.set_ylabel("fidelity to |phi+>")
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0] and kind != "waiting":
            ax.legend(fontsize=8)
        _save(fig, path)
    finally:
        plt.close(fig)
    return kind


def _need(rows, cols, kind):
    missing = [c for c in cols if c not in rows[0]]
    if missing:
        raise ScenarioError(f"{kind} plot: the file has no column {', '.join(missing)}")


def plot_command(args) -> int:
    """``qnet plot RESULT``: draw the figure and print its path.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``qnet plot`` options: ``result`` (input file), ``out`` (image path or None for
        ``<result stem>.png`` in the working directory), ``kind`` and ``x``.

    Returns
    -------
    int
        Exit status 0.
    """
    from .output import read_rows

    rows = read_rows(args.result)
    out = args.out or os.path.splitext(os.path.basename(args.result))[0] + ".png"
    kind = plot_rows(rows, out, kind=args.kind, x=args.x)
    print(f"wrote {kind} plot to {out}")
    return 0
