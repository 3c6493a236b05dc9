"""The scaling curve as an image for slides: ``chaishop scale ... --plot curve.svg|png``.

    ScaleReport --save(path)--> matplotlib (Agg, no window) --> SVG or PNG:
        measured medians with min-max bars (hollow: a noisy point), the fitted Amdahl curve
        per mode (dashed, derived), the ideal line (speed-up = crew, up to the cores on
        CPU-bound work), the core count as a vertical wall; the title names the machine

matplotlib is the optional extra ``chaishop[plot]``: imported only here, when a plot is asked
for; ``why_not`` says how to install it before any run starts.
"""

from __future__ import annotations

from pathlib import Path

from chaishop.core.bench.scale import ScaleReport
from chaishop.core.measure import speedup as su
from chaishop.core.menu import CPU_BOUND, LABELS

FORMATS = (".svg", ".png")
INSTALL = "pip install 'chaishop[plot]'"  # matplotlib


def why_not(path: str) -> str:
    """Why ``path`` cannot be drawn here ("" if it can): its extension, or no matplotlib."""
    if Path(path).suffix.lower() not in FORMATS:
        return f"--plot {path!r}: give a .svg or .png file"
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return f"--plot needs matplotlib: {INSTALL}"
    return ""


def _crews(top: int) -> list[float]:
    """Crew sizes to draw the lines through: dense enough for a smooth curve on a log axis."""
    out, n = [], 1.0
    while n <= top * 1.0001:
        out.append(n)
        n *= 1.05
    return out + [float(top)]


def save(report: ScaleReport, path: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.ticker
    from matplotlib.figure import Figure

    m, recipe = report.machine, report.recipe
    top = max(p.crew for c in report.curves for p in c.points)
    memory = top > 16 and any(p.row.result.rss_per_barista_kib for c in report.curves
                              for p in c.points)
    fig = Figure(figsize=(8, 7.5 if memory else 5), dpi=120)
    ax = fig.add_subplot(2, 1, 1) if memory else fig.add_subplot()
    xs = _crews(top)
    ax.plot(xs, [su.limit(recipe, x, m.cores) if recipe in CPU_BOUND else x for x in xs],
            color="0.6", lw=1, label="ideal (speed-up = crew" +
            (", up to the cores)" if recipe in CPU_BOUND else ")"))
    if m.cores <= top:
        ax.axvline(m.cores, color="0.3", ls=":", lw=1.5)
        wall = "the wall" if recipe in CPU_BOUND else "waiting needs no core"
        ax.text(m.cores, 0.02, f" {m.cores} cores: {wall}", color="0.3",
                transform=ax.get_xaxis_transform())
    for i, c in enumerate(report.curves):
        color = f"C{i}"
        pts = [p for p in c.points if p.speedup is not None]
        for p in pts:
            lo, hi = p.spread or (p.speedup, p.speedup)
            ax.errorbar([p.crew], [p.speedup], yerr=[[max(0.0, p.speedup - lo)], [max(0.0, hi - p.speedup)]],
                        fmt="o", color=color, capsize=3, mfc="white" if p.noisy else color)
        f = c.fit.serial_fraction
        if f is not None:
            err = "" if c.fit.serial_fraction_err is None else f" ± {c.fit.serial_fraction_err:.2g}"
            ax.plot(xs, [c.fit.speedup(su.limit(recipe, x, m.cores)) for x in xs], ls="--",
                    color=color, label=f"{c.mode}: Amdahl fit f = {f:.2g}{err} (derived)")
        else:
            ax.plot([], [], "o", color=color, label=f"{c.mode} (measured)")
    if any(p.noisy for c in report.curves for p in c.points):
        ax.plot([], [], "o", color="0.4", mfc="white", label="noisy run (other programs)")
    if top > 16:
        ax.set_xscale("log", base=2)
        if recipe not in CPU_BOUND:
            ax.set_yscale("log", base=2)
            ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ticks = sorted({p.crew for c in report.curves for p in c.points})
    ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_xlabel("crew (baristas)")
    ax.set_ylabel("speed-up vs sequential (median, min-max bars)")
    ax.set_title(f"{LABELS.get(recipe, recipe)}: {report.orders} orders, median of {report.repeat}"
                 f"\n{m.cores} cores · Python {m.python} ({m.gil_label}) · {m.platform}",
                 fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    if memory:
        _memory(fig.add_subplot(2, 1, 2, sharex=ax), report)
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def _memory(ax, report: ScaleReport) -> None:
    """The second series: memory per barista (derived: peak over idle RSS, over the crew)."""
    for i, c in enumerate(report.curves):
        pts = [(p.crew, p.row.result.rss_per_barista_kib) for p in c.points
               if p.row.result.rss_per_barista_kib is not None]
        if pts:
            ax.plot(*zip(*pts), "s-", color=f"C{i}", label=c.mode)
    ax.set_xlabel("crew (baristas)")
    ax.set_ylabel("KiB per barista (derived)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
