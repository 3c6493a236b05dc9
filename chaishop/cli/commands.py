"""The commands that brew: the shop (``chaishop``), ``bench``, ``code`` and ``serve``.

    args ──cmd_shop──▶ ui.run.run_app (the shop, drawn)
         ──cmd_bench─▶ core.bench.bench ──▶ a table, JSON, CSV or Markdown on stdout
         ──cmd_code──▶ scripts.render ──▶ a standalone script on stdout
         ──cmd_serve─▶ serve.serve ──▶ the shop in browser tabs

Each imports what it needs when it runs (Textual only for the shop), so parsing stays light.
"""

from __future__ import annotations

import signal
import sys

from chaishop.cli.parser import shop_argv
from chaishop.cli.values import CliError
from chaishop.core.menu import RECIPE


def order_size(args) -> int:
    """--size, or the size calibrated so one order takes --order-seconds (in its recipe's unit)."""
    if not RECIPE[args.recipe].sized:
        return args.size or 0  # 0: each run sizes its orders in cups or ints (core.workloads.lessons)
    from chaishop.core.workloads.recipes import calibrate_recipe

    return args.size or calibrate_recipe(args.recipe, args.order_seconds)


def cmd_shop(args) -> int:
    from chaishop.ui.run import run_app

    return run_app(args)


def cmd_code(args) -> int:
    from chaishop.scripts import render, why_none

    reason = why_none(args.script_mode, args.recipe)
    if reason:
        raise CliError(reason)
    orders = args.orders or 2 * args.baristas
    print(render(args.script_mode, args.recipe, args.baristas, orders, order_size(args),
                 args.order_seconds, getattr(args, "options", ())), end="")
    return 0


def cmd_serve(args) -> int:
    from chaishop.serve import ServeError, serve

    try:
        return serve(shop_argv(args), args.host, args.port, args.public, args.max_visitors)
    except ServeError as exc:
        raise CliError(str(exc)) from None


def headless_start() -> None:
    """What bench and scale do first.  SIGTERM/SIGHUP end them as ctrl+c does: crews
    close, multiprocessing's temp dir goes.  And multiprocessing's resource tracker starts
    with its stderr away from the terminal: after a SIGKILL it unlinked what the kitchen
    left and warned about it under the shell's prompt ("There appear to be 3 leaked
    semaphore objects", seen after killing a forks bench; core.kitchen.mp)."""
    from chaishop.core.kitchen.mp import quiet_resource_tracker

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    quiet_resource_tracker()


def cmd_bench(args) -> int:
    from chaishop.core import bench

    headless_start()
    if args.orders is None:
        args.orders = 2 * args.baristas
    size = order_size(args)
    quiet = args.format is not None or not sys.stderr.isatty()
    from chaishop.core.measure.trace import Recorder, write_trace

    traced = Recorder() if args.trace else None
    try:
        report = bench.bench(args.modes, args.recipe, args.baristas, args.orders, size,
                             args.order_seconds, repeat=args.repeat, warmup=not args.no_warmup,
                             lock=bool(args.lock), wrong_lock=args.lock == "wrong",
                             share=args.share, ring=args.ring,
                             options=getattr(args, "options", ()),
                             switch_interval_ms=getattr(args, "switch_interval", None),
                             progress=(lambda _: None) if quiet else
                             (lambda s: print(f"\r\033[K{s}", end="", file=sys.stderr,
                                              flush=True)),
                             sink=traced, scheduler=getattr(args, "scheduler", None))
    except ValueError as exc:  # e.g. no scheduler at --scheduler, too few workers there
        raise CliError(str(exc)) from None
    if traced is not None:
        try:
            print(f"trace: {write_trace(traced.runs, args.trace, 'bench')}", file=sys.stderr)
        except OSError as exc:
            raise CliError(f"cannot write the trace into {args.trace!r}: {exc.strerror}") from None
    if not quiet:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    render = {None: bench.as_table, "json": bench.as_json, "csv": bench.as_csv,
              "markdown": bench.as_markdown}[args.format]
    print(render(report, per_barista=args.per_barista).rstrip("\n"))
    for warning in bench.warnings(report):
        print(f"warning: {warning}", file=sys.stderr)
    return 0
