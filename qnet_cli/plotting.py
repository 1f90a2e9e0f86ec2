"""Figures from result rows: key rate vs distance, fidelity vs distance, waiting-time histograms,
purification rounds, or any columns against any other (``--y``), from one or several files.

matplotlib (the ``plot`` extra) is imported only here and only when a figure is drawn, with
the non-interactive Agg backend; a missing matplotlib is a one-line error, not a traceback.
The figure kind follows the columns of the result file unless ``--kind`` or ``--y`` is given.
Every axis is labelled with its quantity and unit (:data:`COLUMN_LABELS`); every curve's
legend names the file (when several are overlaid), the protocol and the parameters that
vary. PNG, SVG and PDF are written (by the file extension).

A key-rate figure whose curve rises above the PLOB bound (Pirandola, Laurenza, Ottaviani,
Banchi, Nat. Commun. 8, 15043 (2017), Eq. (19): ``-log2(1 - eta)`` bits per channel use)
gets a caveat line: the bound limits repeaterless point-to-point links, and a chain of
trusted relays is not one, so the crossing is expected there and no violation of physics.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from qnet_core.errors import ScenarioError

__all__ = ["plot_rows", "plot_sources", "plot_command", "add_plot_arguments", "detect_kind", "axis_label",
           "COLUMN_LABELS", "KINDS"]

KINDS = ("keyrate", "fidelity", "waiting", "demo", "purify", "xy")
_IMAGE_EXT = (".png", ".svg", ".pdf")

#: Quantity and unit of each result column, for axis labels ("1" marks a dimensionless ratio).
COLUMN_LABELS = {
    "distance_km": ("distance", "km"),
    "length_km": ("total length", "km"),
    "segment_length_km": ("segment length", "km"),
    "key_rate_per_pulse": ("secret key rate", "bits per pulse"),
    "key_rate_bps": ("secret key rate", "bit/s"),
    "plob_per_pulse": ("PLOB bound", "bits per channel use"),
    "secret_key_rate_bps": ("secret key rate", "bit/s"),
    "secret_key_rate_bps_stderr": ("secret key rate standard error", "bit/s"),
    "secret_fraction": ("secret fraction", "bits per pair"),
    "rate_hz": ("delivered pairs", "1/s"),
    "rate_hz_stderr": ("delivered-pair rate standard error", "1/s"),
    "mean_fidelity": ("end-to-end fidelity", "1"),
    "mean_fidelity_stderr": ("fidelity standard error", "1"),
    "fidelity": ("fidelity", "1"),
    "average_fidelity": ("average teleportation fidelity", "1"),
    "link_fidelity": ("stored-pair fidelity", "1"),
    "swapped_fidelity": ("fidelity after swap", "1"),
    "success_probability": ("success probability", "1"),
    "pairs_per_output": ("elementary pairs per output pair", "pairs"),
    "round": ("purification round", "rounds"),
    "qber": ("QBER", "1"),
    "mu": ("signal mean photon number", "photons per pulse"),
    "mean_waiting_time_s": ("mean waiting time", "s"),
    "mean_waiting_time_s_stderr": ("waiting-time standard error", "s"),
    "waiting_time_s": ("waiting time", "s"),
    "storage_time_s": ("storage time", "s"),
    "segments": ("segments", "count"),
    "trials": ("trials", "count"),
    "delivered": ("delivered pairs", "count"),
    "memory_t1": ("memory T1", "s"),
    "memory_t2": ("memory T2", "s"),
    "cutoff": ("memory cutoff", "s"),
    "attenuation": ("fiber attenuation", "dB/km"),
    "detector_efficiency": ("detector efficiency", "1"),
    "dark_count": ("dark-count probability", "per window"),
    "gate_error": ("two-qubit gate error", "1"),
    "readout_error": ("readout error", "1"),
    "elevation_deg": ("elevation", "deg"),
    "loss_db": ("channel loss", "dB"),
}

#: Columns that describe a run (its parameters), not its results: they split curves and name them.
_PARAMETER_COLUMNS = ("protocol", "scheme", "segments", "purify", "cutoff", "memory_t2", "memory_t1",
                      "detector_efficiency", "dark_count", "attenuation", "input_mu", "decoy", "method",
                      "misalignment", "trials", "memories_per_node", "bright_state", "length_km", "max_link_km",
                      "gate_error", "readout_error", "n_pulses", "fidelity2", "bsm", "rounds")

#: Default x columns, in order of preference, of a fidelity or ``--y`` figure.
_X_DEFAULTS = ("distance_km", "length_km", "round", "storage_time_s", "segments", "elevation_deg")


def _pyplot():
    try:
        import matplotlib
    except ModuleNotFoundError:
        raise ScenarioError("plotting needs matplotlib; install it with: pip install 'qnetsim[plot]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def axis_label(column: str) -> str:
    """Axis label with its unit for a result column: ``"distance (km)"``.

    Parameters
    ----------
    column : str
        Result column name; names ending in ``_km``, ``_s``, ``_hz``, ``_db`` or ``_deg``
        that :data:`COLUMN_LABELS` does not list get their unit from the suffix.

    Returns
    -------
    str
        ``"quantity (unit)"``; dimensionless ratios read ``"quantity (dimensionless)"``.
    """
    if column in COLUMN_LABELS:
        name, unit = COLUMN_LABELS[column]
    else:
        name, unit = column.replace("_", " "), "as in the file"
        for suffix, u in (("_km", "km"), ("_s", "s"), ("_hz", "1/s"), ("_db", "dB"), ("_deg", "deg"),
                          ("_bps", "bit/s")):
            if column.endswith(suffix):
                name, unit = column[: -len(suffix)].replace("_", " "), u
                break
    return f"{name} ({'dimensionless' if unit == '1' else unit})"


def detect_kind(columns) -> str:
    """Figure kind from result columns: key rates, chain fidelities, waiting times, purification, or demo.

    Parameters
    ----------
    columns : iterable of str
        Column names of the result rows.

    Returns
    -------
    str
        ``"keyrate"``, ``"waiting"``, ``"fidelity"``, ``"purify"`` or ``"demo"`` (ScenarioError if
        none fits).
    """
    cols = set(columns)
    if {"distance_km", "key_rate_per_pulse"} <= cols:
        return "keyrate"
    if "waiting_time_s" in cols:
        return "waiting"
    if "mean_fidelity" in cols:
        return "fidelity"
    if {"round", "fidelity"} <= cols:
        return "purify"
    if {"storage_time_s", "swapped_fidelity"} <= cols:
        return "demo"
    raise ScenarioError("cannot tell what to plot from the columns " + ", ".join(sorted(cols)) +
                        "; expected distance_km+key_rate_per_pulse, mean_fidelity, waiting_time_s, "
                        "round+fidelity or storage_time_s+swapped_fidelity (or give --kind, or --y COLUMN)")


def _num(v):
    if v is None or v == "" or isinstance(v, bool):
        return math.nan
    if isinstance(v, str) and v.strip().lower() in ("inf", "+inf", "infinity"):
        return math.inf
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _groups(rows, exclude):
    """Split rows by the values of the parameter columns (other than ``exclude``) that vary."""
    if not rows:
        return {(): rows}
    candidates = [c for c in _PARAMETER_COLUMNS if c in rows[0] and c not in exclude]
    varying = [c for c in candidates if len({str(r.get(c)) for r in rows}) > 1]
    out = {}
    for r in rows:
        key = tuple((c, r.get(c)) for c in varying)
        out.setdefault(key, []).append(r)
    return out


def _label(source: str | None, rows, key, default: str) -> str:
    """Legend text: file (when overlaid), protocol, and the parameters that vary."""
    parts = [source] if source else []
    if rows and "protocol" in rows[0] and not any(c == "protocol" for c, _ in key):
        parts.append(str(rows[0]["protocol"]))
    parts += [f"{c}={'none' if v is None else v}" for c, v in key]
    return ", ".join(parts) if parts else default


def _save(fig, path) -> None:
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    ext = os.path.splitext(path)[1].lower()
    tmp = os.path.join(d, "." + os.path.basename(path) + f".{os.getpid()}.tmp{ext}")
    import matplotlib

    try:  # text stays text in SVG and embeds as TrueType in PDF (editable, as journals ask)
        with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
            fig.savefig(tmp, format=ext[1:], dpi=150, bbox_inches="tight")
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise ScenarioError(f"cannot write {path!r}: {e.strerror or e}") from None


def _need(rows, cols, kind):
    missing = [c for c in cols if c not in rows[0]]
    if missing:
        raise ScenarioError(f"{kind} plot: the file has no column {', '.join(missing)}"
                            f" (its columns: {', '.join(rows[0])})")


def _sorted(grp, xcol):
    return sorted(grp, key=lambda r: _num(r[xcol]))


def _draw_keyrate(ax, sources) -> str | None:
    """Key rate vs distance, the PLOB bound once; returns the caveat when a curve crosses it."""
    plob_drawn, crossing = False, None
    for src, rows in sources:
        _need(rows, ("distance_km", "key_rate_per_pulse"), "keyrate")
        for key, grp in _groups(rows, ("distance_km",)).items():
            grp = _sorted(grp, "distance_km")
            d = [_num(r["distance_km"]) for r in grp]
            k = [_num(r["key_rate_per_pulse"]) for r in grp]
            ax.plot(d, [v if v > 0 else math.nan for v in k], marker="o", ms=3,
                    label=_label(src, rows, key, "key rate"))
            if "plob_per_pulse" in grp[0]:
                plob = [_num(r["plob_per_pulse"]) for r in grp]
                if not plob_drawn:
                    ax.plot(d, plob, "k--", lw=1, label="PLOB bound (repeaterless)")
                    plob_drawn = True
                above = [x for x, a, b in zip(d, k, plob) if a > b * (1 + 1e-9)]
                if above and crossing is None:
                    crossing = (f"caveat: {_label(src, rows, key, 'the key rate')} exceeds the PLOB bound from "
                                f"{min(above):g} km; PLOB limits repeaterless links, trusted relays are not one")
    if crossing:
        ax.text(0.01, 0.01, crossing.replace("; ", ";\n"), transform=ax.transAxes, fontsize=7, va="bottom",
                color="darkred")
    return crossing


def _draw_xy(ax, sources, xcol, ycols, errors=True):
    for src, rows in sources:
        _need(rows, (xcol, *ycols), "xy")
        for key, grp in _groups(rows, (xcol, *ycols)).items():
            grp = _sorted(grp, xcol)
            xs = [_num(r[xcol]) for r in grp]
            for y in ycols:
                err = [_num(r.get(y + "_stderr")) for r in grp] if errors else []
                lab = _label(src, rows, key, "")
                lab = f"{lab}: {y}" if len(ycols) > 1 and lab else (lab or y)
                ax.errorbar(xs, [_num(r[y]) for r in grp],
                            yerr=None if not err or all(math.isnan(e) for e in err) else err,
                            marker="o", ms=3, capsize=2, label=lab)


def plot_sources(sources: Sequence[tuple[str | None, list]], path: str, kind: str = "auto", x: str | None = None,
                 y: Sequence[str] | None = None, xscale: str | None = None, yscale: str | None = None,
                 title: str | None = None) -> tuple[str, str | None]:
    """Draw one figure from several result tables overlaid; returns (kind drawn, caveat or None).

    Parameters
    ----------
    sources : sequence of (str or None, list of dict)
        ``(name, rows)`` per result file; the name prefixes its legend entries when there is
        more than one source (None: no prefix).
    path : str
        Image file: ``.png``, ``.svg`` or ``.pdf``.
    kind : {"auto", "keyrate", "fidelity", "waiting", "demo", "purify", "xy"}, default "auto"
        Figure kind; "auto" detects it from the first table's columns (:func:`detect_kind`),
        or is "xy" when ``y`` is given.
    x : str, optional
        x-axis column (fidelity, purify and xy figures); default the first of
        ``distance_km``, ``length_km``, ``round``, ``storage_time_s``, ``segments`` present.
    y : sequence of str, optional
        y-axis columns; several give one panel each, stacked, sharing the x axis. A column
        ``NAME_stderr`` next to ``NAME`` draws error bars.
    xscale, yscale : {"linear", "log"}, optional
        Axis scales; by default log for key rates and linear otherwise.
    title : str, optional
        Figure title.

    Returns
    -------
    tuple of (str, str or None)
        The kind drawn and the PLOB caveat line (key-rate figures whose curve crosses the
        bound), else None.
    """
    ext = os.path.splitext(path)[1].lower()
    if ext not in _IMAGE_EXT:
        raise ScenarioError(f"--out={path!r} has extension {ext or '(none)'!r}; allowed: .png, .svg, .pdf")
    sources = [(s, rows) for s, rows in sources]
    if not sources or not any(rows for _, rows in sources):
        raise ScenarioError("no rows to plot")
    for s, rows in sources:
        if not rows:
            raise ScenarioError(f"no rows to plot in {s!r}")
    for name, scale in (("--xscale", xscale), ("--yscale", yscale)):
        if scale not in (None, "linear", "log"):
            raise ScenarioError(f"{name}={scale!r} is not allowed; use linear or log")
    first = sources[0][1][0]
    ycols = list(y or [])
    if kind == "auto":
        kind = "xy" if ycols else detect_kind(first.keys())
    if kind not in KINDS:
        raise ScenarioError(f"--kind={kind!r} is not allowed; use one of auto, {', '.join(KINDS)}")
    if ycols and kind not in ("xy", "fidelity", "purify"):
        raise ScenarioError(f"--y does not apply to a {kind} figure; use --kind xy (or leave out --kind)")
    if kind in ("xy", "fidelity", "purify"):
        if kind == "fidelity" and not ycols:
            ycols = ["mean_fidelity"]
        if kind == "purify" and not ycols:
            ycols = ["fidelity", "success_probability"]
        if not ycols:
            raise ScenarioError("an xy figure needs at least one --y COLUMN")
        xcol = x or next((c for c in _X_DEFAULTS if c in first and c not in ycols), None)
        if xcol is None:
            raise ScenarioError(f"{kind} plot: no x column found among {', '.join(_X_DEFAULTS)}; give --x COLUMN")
    plt = _pyplot()
    panels = len(ycols) if kind in ("xy", "fidelity", "purify") else 1
    fig, axes = plt.subplots(panels, 1, figsize=(6.4, 3.2 + 1.6 * panels), sharex=True, squeeze=False)
    axes = [a[0] for a in axes]
    caveat = None
    try:
        ax = axes[0]
        if kind == "keyrate":
            caveat = _draw_keyrate(ax, sources)
            ax.set_xlabel(axis_label("distance_km"))
            ax.set_ylabel(axis_label("key_rate_per_pulse"))
            ax.set_yscale(yscale or "log")
        elif kind in ("xy", "fidelity", "purify"):
            for a, ycol in zip(axes, ycols):
                _draw_xy(a, sources, xcol, [ycol])
                a.set_ylabel(axis_label(ycol))
                a.set_yscale(yscale or ("log" if ycol.startswith(("key_rate", "secret_key", "rate_hz")) else "linear"))
            axes[-1].set_xlabel(axis_label(xcol))
        elif kind == "waiting":
            for src, rows in sources:
                _need(rows, ("waiting_time_s",), kind)
                t = [v for v in (_num(r["waiting_time_s"]) for r in rows) if not math.isnan(v)]
                if not t:
                    raise ScenarioError(f"waiting-time plot: no delivered trial in {src or 'the file'}")
                ax.hist(t, bins=min(50, max(5, int(math.sqrt(len(t))))), alpha=0.6,
                        label=src or "delivered trials")
            ax.set_xlabel(axis_label("waiting_time_s"))
            ax.set_ylabel("trials (count)")
            ax.set_yscale(yscale or "linear")
        else:  # demo
            for src, rows in sources:
                _need(rows, ("storage_time_s", "link_fidelity", "swapped_fidelity"), kind)
                t = [_num(r["storage_time_s"]) for r in rows]
                pre = f"{src}: " if src else ""
                ax.plot(t, [_num(r["link_fidelity"]) for r in rows], marker="o", ms=3, label=pre + "stored pair")
                ax.plot(t, [_num(r["swapped_fidelity"]) for r in rows], marker="s", ms=3, label=pre + "after swap")
            ax.axhline(0.5, color="grey", lw=0.8, ls=":")
            ax.set_xlabel(axis_label("storage_time_s"))
            ax.set_ylabel("fidelity to |phi+> (dimensionless)")
        for a in axes:
            if xscale:
                a.set_xscale(xscale)
            a.grid(True, which="both", alpha=0.3)
            if a.get_legend_handles_labels()[0]:
                a.legend(fontsize=7)
        if title:
            axes[0].set_title(title)
        _save(fig, path)
    finally:
        plt.close(fig)
    return kind, caveat


def plot_rows(rows, path, kind: str = "auto", x: str | None = None, y: Sequence[str] | None = None,
              xscale: str | None = None, yscale: str | None = None) -> str:
    """Draw the rows of one result table into ``path`` (.png, .svg or .pdf); returns the kind drawn.

    Parameters
    ----------
    rows : list of dict
        Result rows (as :func:`qnet_cli.output.read_rows` returns them), at least one.
    path : str
        Image file, ``.png``, ``.svg`` or ``.pdf``.
    kind : {"auto", "keyrate", "fidelity", "waiting", "demo", "purify", "xy"}, default "auto"
        Figure kind; "auto" detects it from the columns (:func:`detect_kind`).
    x : str, optional
        x-axis column (see :func:`plot_sources`).
    y : sequence of str, optional
        y-axis columns, one panel each.
    xscale, yscale : {"linear", "log"}, optional
        Axis scales.

    Returns
    -------
    str
        The kind drawn.
    """
    return plot_sources([(None, rows)], path, kind=kind, x=x, y=y, xscale=xscale, yscale=yscale)[0]


def add_plot_arguments(pl) -> None:
    """Add the ``qnet plot`` options to an argparse (sub)parser.

    Parameters
    ----------
    pl : argparse.ArgumentParser
        The ``plot`` sub-command's parser.

    Returns
    -------
    None
    """
    pl.add_argument("result", metavar="RESULT", nargs="+",
                    help="result file(s) (.csv or .json) from qnet or qnet sweep; several are overlaid")
    pl.add_argument("--out", metavar="FILE", help="image file: .png, .svg or .pdf (default: first RESULT's "
                                                   "name with .png, in the working directory)")
    pl.add_argument("--kind", metavar="{auto,keyrate,fidelity,waiting,demo,purify,xy}", default="auto",
                    help="figure kind (default: auto, from the columns; xy when --y is given)")
    pl.add_argument("--x", metavar="COLUMN", help="x-axis column (default: the first of distance_km, length_km, "
                                                  "round, storage_time_s, segments in the file)")
    pl.add_argument("--y", metavar="COLUMN", action="append",
                    help="y-axis column; repeat for one panel each (e.g. --y rate_hz --y mean_fidelity)")
    pl.add_argument("--xscale", choices=("linear", "log"), help="x-axis scale (default: linear)")
    pl.add_argument("--yscale", choices=("linear", "log"), help="y-axis scale (default: log for key rates, "
                                                                 "else linear)")
    pl.add_argument("--title", metavar="TEXT", help="figure title")


def plot_command(args) -> int:
    """``qnet plot RESULT [RESULT ...]``: draw the figure and print its path (and any caveat).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``qnet plot`` options (see :func:`add_plot_arguments`): ``result`` (one input
        file or a list), ``out`` (image path or None for ``<first result stem>.png`` in the
        working directory), ``kind``, ``x``, ``y``, ``xscale``, ``yscale``, ``title``.

    Returns
    -------
    int
        Exit status 0.
    """
    from .output import read_rows

    files = args.result if isinstance(args.result, (list, tuple)) else [args.result]
    out = args.out or os.path.splitext(os.path.basename(files[0]))[0] + ".png"
    ext = os.path.splitext(out)[1].lower()
    if ext not in _IMAGE_EXT:
        raise ScenarioError(f"--out={out!r} has extension {ext or '(none)'!r}; allowed: .png, .svg, .pdf")
    names = [os.path.splitext(os.path.basename(f))[0] for f in files]
    if len(set(names)) < len(names):
        names = list(files)
    sources = [(names[i] if len(files) > 1 else None, read_rows(f)) for i, f in enumerate(files)]
    kind, caveat = plot_sources(sources, out, kind=args.kind, x=args.x, y=getattr(args, "y", None),
                                xscale=getattr(args, "xscale", None), yscale=getattr(args, "yscale", None),
                                title=getattr(args, "title", None))
    print(f"wrote {kind} plot to {out}")
    if caveat:
        print(caveat)
    return 0
