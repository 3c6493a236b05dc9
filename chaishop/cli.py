"""The command line: ``chaishop`` (the shop), ``chaishop bench``, ``demo``, ``serve``.

Kept import-light: Textual is imported only by the commands that draw.  Every
bad value exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Sequence

from chaishop import __version__
from chaishop.core import menu
from chaishop.cli_values import float_in, geometry, int_in, mode_list, one_mode
from chaishop.core.menu import (BENCH_MODES, MAX_BENCH_CREW, MAX_ORDER_S, MAX_ORDERS, MAX_REPEAT,
                                MAX_SHOP_CREW, MAX_SIZE, MAX_SPEED, MAX_VISITORS, RECIPE, RECIPES,
                                DEFAULT_MAX_VISITORS, available_modes)


class CliError(Exception):
    """A bad value found after parsing; reported like an argparse error."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2: no usage block, no traceback
        self.exit(2, f"{self.prog}: error: {message}\n")


def _add_shop_options(p: argparse.ArgumentParser, crew_max: int) -> None:
    p.add_argument("--recipe", choices=RECIPES, default="brew",
                   help="; ".join(f"{r}: {RECIPE[r].help}" for r in RECIPES))
    p.add_argument("--baristas", type=int_in(1, crew_max), default=2, metavar="N",
                   help=f"crew size (1..{crew_max})")
    p.add_argument("--orders", type=int_in(1, MAX_ORDERS), default=None, metavar="N",
                   help="orders per run (default: two per barista)")
    p.add_argument("--size", type=int_in(1, MAX_SIZE), default=None, metavar="N",
                   help="brew iterations per order (default: calibrated so one order takes "
                        "--order-seconds; 100000000 reproduces the tutorial)")
    p.add_argument("--order-seconds", type=float_in(0.0, MAX_ORDER_S, low_open=True), default=1.0,
                   metavar="S", help="target duration of one order (default 1)")
    p.add_argument("--lock", action="store_true",
                   help="till: put the mode's lock around each update (threading.Lock, "
                        "Value.get_lock(), asyncio.Lock)")
    p.add_argument("--share", action="store_true",
                   help="till, haul: processes share memory (a multiprocessing.Value, one "
                        "shared_memory block) instead of each having its own copy")
    p.add_argument("--ring", choices=("split", "plain"), default="split",
                   help="till: 'split' reads, calls (or awaits), then writes; 'plain' is "
                        "till.cups += 1 (default split)")


def build_parser() -> Parser:
    parser = Parser(prog="chaishop", description="A chai shop in your terminal: watch threads, "
                    "processes and asyncio tasks brew, and measure who is really faster.")
    parser.add_argument("--version", action="version", version=f"chaishop {__version__}")
    parser.add_argument("--mode", type=one_mode, default="threads",
                        metavar="{" + ",".join(available_modes()) + "}",
                        help="the crew to open with")
    _add_shop_options(parser, MAX_SHOP_CREW)
    parser.add_argument("--no-baseline", action="store_true",
                        help="do not time a sequential baseline before a recipe's first run "
                             "(speed-ups then wait until you press s)")
    parser.add_argument("--order-timeout", type=float_in(0.0, 3600.0, low_open=True), default=None,
                        metavar="S", help="an order taking longer than S seconds fails its barista "
                        "(default: no limit)")
    parser.add_argument("--scheduler", type=scheduler_address, default=None, metavar="tcp://HOST:PORT",
                        help="dask mode: use this existing Dask cluster (default: start one here)")
    parser.add_argument("--theme", choices=("default", "projector", "light"), default=None,
                        help="colours: projector is high contrast for a room (default: default, "
                             "or projector when NO_COLOR is set)")
    parser.add_argument("--screenshot-dir", default="screenshots", metavar="DIR",
                        help="where the S key saves SVG screenshots (created if missing)")
    parser.add_argument("--record", metavar="FILE.cast|.gif|.svg", default=None,
                        help="also record the session: asciicast v2 (asciinema play FILE.cast), "
                             "an animated GIF or an animated SVG, by the extension")
    parser.add_argument("--geometry", type=geometry, default=None, metavar="WxH",
                        help="terminal size of the recording, or 'readme' (90x28) or "
                             "'projector' (120x36) (default: yours, or 120x36 without a terminal)")
    _add_picture_options(parser, argparse.SUPPRESS)
    parser.add_argument("--screenshot", metavar="PATH.svg", default=None,
                        help="save an SVG of the screen at PATH (folders created) after "
                             "--screenshot-after seconds")
    parser.add_argument("--screenshot-after", type=float_in(0.0, 3600.0), default=None,
                        metavar="S", help="when to take --screenshot (default 0)")
    sub = parser.add_subparsers(dest="command", metavar="{bench,serve,demo,convert,code}")

    b = sub.add_parser("bench", help="run the same orders through several crews and print a table",
                       description="Run identical orders through several crews, interleaved "
                       "and repeated, and print medians.")
    b.add_argument("--modes", type=mode_list, default=list(BENCH_MODES),
                   help=f"comma-separated modes (default: {','.join(BENCH_MODES)})")
    _add_shop_options(b, MAX_BENCH_CREW)
    b.add_argument("--repeat", type=int_in(1, MAX_REPEAT), default=3, metavar="N",
                   help="rounds per mode; medians are shown (default 3)")
    b.add_argument("--no-warmup", action="store_true", help="skip the warm-up round")
    b.add_argument("--scheduler", type=scheduler_address, default=argparse.SUPPRESS,
                   metavar="tcp://HOST:PORT", help="dask mode: use this existing Dask cluster, "
                   "never shut down (default: start one here, closed at the end)")
    b.add_argument("--trace", metavar="DIR", default=None, help="also write every measured "
                   "run's timeline as Chrome trace JSON into DIR (Perfetto, speedscope)")
    fmt = b.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_const", dest="format", const="json",
                     help="print one JSON object")
    fmt.add_argument("--csv", action="store_const", dest="format", const="csv", help="print CSV")
    b.add_argument("--per-barista", action="store_true",
                   help="with --markdown or --csv (or the table): one row per barista "
                        "(CPU, share of a core, waits for the GIL and for a core)")
    fmt.add_argument("--markdown", action="store_const", dest="format", const="markdown",
                     help="print a Markdown table")
    d = sub.add_parser("demo", help="a hands-free tour of every mode, with captions",
                       description="Play the tour (chaishop/tour.py): real runs, one mode after "
                       "another, each with a caption, then the scoreboard.")
    d.add_argument("--speed", type=float_in(0.0, MAX_SPEED, low_open=True), default=1.0,
                   metavar="X", help=f"divide every pause and order duration by X (0 < X <= "
                   f"{MAX_SPEED:g}; default 1)")
    d.add_argument("--no-exit", action="store_true", help="stay open after the tour")
    # SUPPRESS: given here or before 'demo', the option means the same thing.
    d.add_argument("--record", metavar="FILE.cast|.gif|.svg", default=argparse.SUPPRESS,
                   help="record the tour: asciicast v2, animated GIF or SVG, by the extension")
    d.add_argument("--geometry", type=geometry, default=argparse.SUPPRESS, metavar="WxH",
                   help="terminal size of the recording (default: yours, or 120x36)")
    d.add_argument("--screenshot", metavar="PATH.svg", default=argparse.SUPPRESS,
                   help="save an SVG of the finished tour (folders created)")
    _add_picture_options(d, argparse.SUPPRESS)
    c = sub.add_parser("convert", help="turn a .cast recording into an animated GIF or SVG",
                       description="Replay an asciicast v2 recording (pyte) and write it as an "
                       "animated GIF (Pillow) or an animated SVG, chosen by OUT's extension.")
    c.add_argument("source", metavar="FILE.cast")
    c.add_argument("target", metavar="OUT.gif|OUT.svg")
    _add_picture_options(c, None)
    k = sub.add_parser("code", help="print a standalone script doing what a mode does",
                       description="Print a tutorial-style script (standard library only) that "
                       "does the same work as MODE and prints its wall time.")
    k.add_argument("script_mode", metavar="MODE", choices=SCRIPT_MODES,
                   help=f"one of {', '.join(SCRIPT_MODES)}")
    _add_shop_options(k, MAX_BENCH_CREW)
    s = sub.add_parser("serve", help="serve the shop in a web browser",
                       description="Serve the shop in a web browser (one shop per tab); "
                       "the shop options go before 'serve'.")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int_in(1, 65535), default=8000, help="port (default 8000)")
    s.add_argument("--public", action="store_true",
                   help="allow a --host that other machines can reach")
    s.add_argument("--max-visitors", type=int_in(1, MAX_VISITORS), default=DEFAULT_MAX_VISITORS,
                   metavar="N", help="browser tabs served at once, each with its own shop and "
                   f"kitchen on the same cores (default {DEFAULT_MAX_VISITORS}); the next "
                   "visitor is told to wait")
    return parser


def scheduler_address(text: str) -> str:
    """tcp://HOST:PORT of a Dask scheduler."""
    host, sep, port = text.removeprefix("tcp://").rpartition(":")
    if not text.startswith("tcp://") or not sep or not host or not port.isdigit() \
            or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a scheduler address like "
                                         f"tcp://127.0.0.1:8786")
    return text


def _add_picture_options(p: argparse.ArgumentParser, default) -> None:
    """Options of a GIF or SVG recording (``default`` SUPPRESS where given twice)."""
    p.add_argument("--fps", type=float_in(0.0, 50.0, low_open=True), default=default,
                   metavar="N", help="frames per second of a GIF/SVG (default 10: the shop "
                   "repaints at 10 Hz)")
    p.add_argument("--font-size", type=int_in(8, 48), default=default, metavar="PX",
                   help="GIF font size in pixels (default 15 up to 100 columns, else 16)")


SCRIPT_MODES = ("sequential", "threads", "processes", "asyncio", "interpreters")  # any Python
# Not passed to a child shop:
SHOP_ONLY = ("help", "version", "command", "record", "geometry", "fps", "font_size")


def shop_argv(args, parser: argparse.ArgumentParser | None = None) -> list[str]:
    """The top-level options that differ from their defaults, to start the same shop again."""
    out: list[str] = []
    for action in (parser or build_parser())._actions:
        value = getattr(args, action.dest, None)
        if not action.option_strings or action.dest in SHOP_ONLY or value == action.default:
            continue
        flag = action.option_strings[-1]
        out += [flag] if action.nargs == 0 else [flag, str(value)]
    return out


def cmd_record(args, parser) -> int:
    if args.command is not None:
        raise CliError("--record records the shop; put no subcommand after it")
    return _record(args, shop_argv(args, parser))


def _record(args, argv: list[str]) -> int:
    """Run ``chaishop ARGV`` in a pseudo-terminal and record it to ``--record``."""
    from chaishop.record import RecordError, record

    from chaishop.recordings import convert as pictures

    width, height = args.geometry or (None, None)

    def to_cast(path) -> int:
        return record([sys.executable, "-m", "chaishop", *argv], path, width, height,
                      title=" ".join(["chaishop", *argv]))

    try:
        if not pictures.is_picture(args.record):
            return to_cast(args.record)
        code, done = pictures.record_picture(to_cast, args.record, getattr(args, "fps", None),
                                             getattr(args, "font_size", None))
        print(done.summary(), file=sys.stderr)
        return code
    except (RecordError, pictures.ConvertError) as exc:
        raise CliError(str(exc)) from None


def cmd_code(args) -> int:
    from chaishop.scripts import render

    orders = args.orders or 2 * args.baristas
    print(render(args.script_mode, args.recipe, args.baristas, orders, _size(args),
                 args.order_seconds), end="")
    return 0


def cmd_convert(args) -> int:
    from chaishop.recordings.convert import ConvertError, convert

    try:
        print(convert(args.source, args.target, args.fps, args.font_size).summary(),
              file=sys.stderr)
    except ConvertError as exc:
        raise CliError(str(exc)) from None
    return 0


def cmd_serve(args) -> int:
    from chaishop.serve import ServeError, serve

    try:
        return serve(shop_argv(args), args.host, args.port, args.public, args.max_visitors)
    except ServeError as exc:
        raise CliError(str(exc)) from None


def _size(args) -> int:
    from chaishop.core.workloads.recipes import GRIND, calibrate, calibrate_grind

    if args.recipe in menu.SIZED_BY_RECIPE:
        return args.size or 0  # 0: each run sizes its orders in cups or ints (core.workloads.lessons)
    return args.size or (calibrate_grind if args.recipe == GRIND else calibrate)(args.order_seconds)


def _end_cleanly_on_signals() -> None:
    """SIGTERM/SIGHUP end bench as ctrl+c does: crews close, multiprocessing's temp dir goes."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))


def cmd_bench(args) -> int:
    from chaishop.core import bench

    _end_cleanly_on_signals()
    if args.orders is None:
        args.orders = 2 * args.baristas
    size = _size(args)
    quiet = args.format is not None or not sys.stderr.isatty()
    from chaishop.core.measure.trace import Recorder, write_trace

    traced = Recorder() if args.trace else None
    try:
        report = bench.bench(args.modes, args.recipe, args.baristas, args.orders, size,
                             args.order_seconds, repeat=args.repeat, warmup=not args.no_warmup,
                             lock=args.lock, share=args.share, ring=args.ring,
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


def cmd_demo(args, parser) -> int:
    from chaishop.tour import TOUR

    if args.screenshot_after is not None:
        raise CliError("--screenshot-after is for the shop; the demo saves at the end")
    if args.geometry is not None and args.record is None:
        raise CliError("--geometry sizes a recording; use it with --record")
    if args.record is None:
        from chaishop.ui.run import run_app

        return run_app(args, tour=TOUR, speed=args.speed, exit_after_tour=not args.no_exit)
    return _record(args, [*shop_argv(args, parser), "demo", "--speed", f"{args.speed:g}",
                          *(["--no-exit"] if args.no_exit else [])])


def cmd_shop(args) -> int:
    from chaishop.ui.run import run_app

    return run_app(args)


COMMANDS = {None: cmd_shop, "bench": cmd_bench, "serve": cmd_serve, "convert": cmd_convert,
            "code": cmd_code}


def check_crew(args) -> None:
    """Each mode has its cap (processes and interpreters per core): say why when asked for more."""
    from chaishop.core.machine import usable_cores

    for mode in getattr(args, "modes", None) or [args.mode]:
        cap, why = menu.crew_cap(mode, usable_cores())
        if args.baristas > cap:
            raise CliError(f"--baristas {args.baristas:,}: {why}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        check_crew(args)
        if args.command == "demo":
            return cmd_demo(args, parser)
        if args.screenshot_after is not None and args.screenshot is None:
            raise CliError("--screenshot-after needs --screenshot PATH")
        if args.record is not None:
            return cmd_record(args, parser)
        if args.geometry is not None:
            raise CliError("--geometry sizes a recording; use it with --record")
        return COMMANDS[args.command](args) or 0
    except CliError as exc:
        parser.exit(2, f"chaishop: error: {exc}\n")
    except KeyboardInterrupt:
        print("chaishop: interrupted", file=sys.stderr)
        return 130
