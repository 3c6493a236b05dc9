"""``chaishop scale``: the scaling curve, headless (core.bench.scale), printed and drawn.

    args ──plan()──▶ modes, each mode's crews (capped by the menu), orders held fixed
         ──core.bench.scale.scale──▶ ScaleReport ──▶ a table, JSON, CSV or Markdown on stdout
                                                 └─ --plot: core.bench.scale_plot (matplotlib)
"""

from __future__ import annotations

import sys

from chaishop.cli.values import CliError
from chaishop.core import menu


def plan(args, cores: int) -> tuple[list[str], dict[str, list[int]], int]:
    """The modes, each mode's crews and the orders (the same for every crew), or why not."""
    from chaishop.core.bench import scale

    modes = args.modes or scale.default_modes()
    for m in modes:
        if menu.MODE[m].baseline:
            raise CliError(f"--modes: {m} is the baseline of every curve; it is measured anyway")
    given = args.crews is not None
    crews = args.crews or scale.default_crews(cores)
    per_mode = {m: scale.crews_for(m, crews, cores) for m in modes}
    for m in modes:
        if given and len(per_mode[m]) < len(crews):
            raise CliError(f"--crews {max(crews):,}: {menu.crew_cap(m, cores)[1]}")
    biggest = max(c for cs in per_mode.values() for c in cs)
    orders = args.orders or min(menu.MAX_ORDERS, scale.ORDERS_PER_BARISTA * biggest)
    return modes, per_mode, orders


def cmd_scale(args) -> int:
    from chaishop.cli.commands import headless_start, order_size
    from chaishop.core.bench import scale, scale_tables
    from chaishop.core.machine import usable_cores

    headless_start()
    if args.plot is not None:
        from chaishop.core.bench import scale_plot

        why = scale_plot.why_not(args.plot)
        if why:
            raise CliError(why)
    modes, crews, orders = plan(args, usable_cores())
    quiet = args.format is not None or not sys.stderr.isatty()
    progress = (lambda _: None) if quiet else \
        (lambda s: print(f"\r\033[K{s}", end="", file=sys.stderr, flush=True))
    report = scale.scale(modes, crews, args.recipe, orders, order_size(args), args.order_seconds,
                         repeat=args.repeat, warmup=not args.no_warmup, progress=progress)
    if not quiet:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    render = {None: scale_tables.as_table, "json": scale_tables.as_json,
              "csv": scale_tables.as_csv, "markdown": scale_tables.as_markdown}[args.format]
    print(render(report).rstrip("\n"))
    for warning in scale_tables.warnings(report):
        print(f"warning: {warning}", file=sys.stderr)
    if args.plot is not None:
        from chaishop.core.bench import scale_plot

        try:
            print(f"plot: {scale_plot.save(report, args.plot)}", file=sys.stderr)
        except OSError as exc:
            raise CliError(f"cannot write {args.plot!r}: {exc.strerror}") from None
    return 0
