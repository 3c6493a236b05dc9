"""The command line: ``chaishop`` (the shop), ``chaishop bench``, ``demo``, ``serve``.

Kept import-light: Textual is imported only by the commands that draw.  Every
bad value exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from chaishop import __version__

MODES = ("sequential", "threads", "processes", "asyncio")
RECIPES = ("brew", "orders", "mixed")

MAX_CREW = 16  # panes that still fit a projector; bench allows more
MAX_BENCH_CREW = 64
MAX_ORDERS = 1000
MAX_SIZE = 10_000_000_000  # ~4 minutes of counting per order here
MAX_WAIT_S = 60.0
MAX_REPEAT = 50
MAX_SPEED = 100.0  # beyond this the pauses vanish and orders are too short to see


class CliError(Exception):
    """A bad value found after parsing; reported like an argparse error."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2: no usage block, no traceback
        self.exit(2, f"{self.prog}: error: {message}\n")


def int_in(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({lo}..{hi:,})")
        return value

    parse.__name__ = "number"
    return parse


def float_in(lo: float, hi: float, *, low_open: bool = False) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value != value or not (lo < value if low_open else lo <= value) or value > hi:
            bound = f"more than {lo:g}" if low_open else f"{lo:g}"
            raise argparse.ArgumentTypeError(f"{text} is out of range ({bound}..{hi:g})")
        return value

    parse.__name__ = "number"
    return parse


def mode_list(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    if not modes:
        raise argparse.ArgumentTypeError("give at least one mode")
    for m in modes:
        if m == INTERPRETERS and m not in available_modes():
            raise argparse.ArgumentTypeError(f"mode {m!r} is not available: {_interpreters()[1]}")
        if m not in available_modes():
            raise argparse.ArgumentTypeError(
                f"unknown mode {m!r} (choose from {', '.join(available_modes())})")
    if len(set(modes)) != len(modes):
        raise argparse.ArgumentTypeError("a mode is named twice")
    return modes


INTERPRETERS = "interpreters"  # a mode only where Python has subinterpreters (3.12+)


def _interpreters() -> tuple[bool, str]:
    from chaishop.core.crews.interpreters import interpreters_available

    return interpreters_available()


def available_modes() -> tuple[str, ...]:
    return MODES + ((INTERPRETERS,) if _interpreters()[0] else ())


def _add_shop_options(p: argparse.ArgumentParser, crew_max: int) -> None:
    p.add_argument("--recipe", choices=RECIPES, default="brew",
                   help="brew: CPU-bound counting; orders: I/O-bound waiting; mixed: both")
    p.add_argument("--baristas", type=int_in(1, crew_max), default=2, metavar="N",
                   help=f"crew size (1..{crew_max})")
    p.add_argument("--orders", type=int_in(1, MAX_ORDERS), default=None, metavar="N",
                   help="orders per run (default: two per barista)")
    p.add_argument("--size", type=int_in(1, MAX_SIZE), default=None, metavar="N",
                   help="brew iterations per order (default: calibrated so one order takes "
                        "--order-seconds; 100000000 reproduces the tutorial)")
    p.add_argument("--order-seconds", type=float_in(0.0, 60.0, low_open=True), default=1.0,
                   metavar="S", help="target duration of one order (default 1)")


def build_parser() -> Parser:
    parser = Parser(prog="chaishop", description="A chai shop in your terminal: watch threads, "
                    "processes and asyncio tasks brew, and measure who is really faster.")
    parser.add_argument("--version", action="version", version=f"chaishop {__version__}")
    parser.add_argument("--mode", choices=available_modes(), default="threads",
                        help="the crew to open with")
    _add_shop_options(parser, MAX_CREW)
    parser.add_argument("--order-timeout", type=float_in(0.0, 3600.0, low_open=True), default=None,
                        metavar="S", help="an order taking longer than S seconds fails its barista "
                        "(default: no limit)")
    parser.add_argument("--screenshot-dir", default="screenshots", metavar="DIR",
                        help="where the S key saves SVG screenshots (created if missing)")
    parser.add_argument("--record", metavar="FILE.cast", default=None,
                        help="also record the session as an asciicast v2 file "
                             "(asciinema play FILE.cast)")
    parser.add_argument("--geometry", type=geometry, default=None, metavar="WxH",
                        help="terminal size of the recording (default: yours, or 120x36 "
                             "without a terminal)")
    parser.add_argument("--screenshot", metavar="PATH.svg", default=None,
                        help="save an SVG of the screen at PATH (folders created) after "
                             "--screenshot-after seconds")
    parser.add_argument("--screenshot-after", type=float_in(0.0, 3600.0), default=None,
                        metavar="S", help="when to take --screenshot (default 0)")
    sub = parser.add_subparsers(dest="command", metavar="{bench,serve,demo}")

    b = sub.add_parser("bench", help="run the same orders through several crews and print a table",
                       description="Run identical orders through several crews, interleaved "
                       "and repeated, and print medians.")
    b.add_argument("--modes", type=mode_list, default=["sequential", "threads", "processes", "asyncio"],
                   help="comma-separated modes (default: all)")
    _add_shop_options(b, MAX_BENCH_CREW)
    b.add_argument("--repeat", type=int_in(1, MAX_REPEAT), default=3, metavar="N",
                   help="rounds per mode; medians are shown (default 3)")
    b.add_argument("--no-warmup", action="store_true", help="skip the warm-up round")
    fmt = b.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_const", dest="format", const="json",
                     help="print one JSON object")
    fmt.add_argument("--csv", action="store_const", dest="format", const="csv", help="print CSV")
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
    d.add_argument("--record", metavar="FILE.cast", default=argparse.SUPPRESS,
                   help="record the tour as an asciicast v2 file")
    d.add_argument("--geometry", type=geometry, default=argparse.SUPPRESS, metavar="WxH",
                   help="terminal size of the recording (default: yours, or 120x36)")
    d.add_argument("--screenshot", metavar="PATH.svg", default=argparse.SUPPRESS,
                   help="save an SVG of the finished tour (folders created)")
    s = sub.add_parser("serve", help="serve the shop in a web browser",
                       description="Serve the shop in a web browser (one shop per tab); "
                       "the shop options go before 'serve'.")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int_in(1, 65535), default=8000, help="port (default 8000)")
    s.add_argument("--public", action="store_true",
                   help="allow a --host that other machines can reach")
    return parser


def geometry(text: str) -> tuple[int, int]:
    from chaishop.record import parse_geometry

    try:
        return parse_geometry(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


SHOP_ONLY = ("help", "version", "command", "record", "geometry")  # not passed to a child shop


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

    width, height = args.geometry or (None, None)
    try:
        return record([sys.executable, "-m", "chaishop", *argv], args.record, width, height,
                      title=" ".join(["chaishop", *argv]))
    except RecordError as exc:
        raise CliError(str(exc)) from None


def cmd_serve(args) -> int:
    from chaishop.serve import ServeError, serve

    try:
        return serve(shop_argv(args), args.host, args.port, args.public)
    except ServeError as exc:
        raise CliError(str(exc)) from None


def _size(args) -> int:
    from chaishop.core.recipes import calibrate

    return args.size or calibrate(args.order_seconds)


def cmd_bench(args) -> int:
    from chaishop.core import bench

    if args.orders is None:
        args.orders = 2 * args.baristas
    size = _size(args)
    quiet = args.format is not None or not sys.stderr.isatty()
    report = bench.bench(args.modes, args.recipe, args.baristas, args.orders, size,
                         args.order_seconds, repeat=args.repeat, warmup=not args.no_warmup,
                         progress=(lambda _: None) if quiet else
                         (lambda s: print(f"\r\033[K{s}", end="", file=sys.stderr, flush=True)))
    if not quiet:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    render = {None: bench.as_table, "json": bench.as_json, "csv": bench.as_csv,
              "markdown": bench.as_markdown}[args.format]
    print(render(report).rstrip("\n"))
    return 0


def cmd_demo(args, parser) -> int:
    from chaishop.tour import TOUR

    if args.screenshot_after is not None:
        raise CliError("--screenshot-after is for the shop; the demo saves at the end")
    if args.geometry is not None and args.record is None:
        raise CliError("--geometry sizes a recording; use it with --record")
    if args.record is None:
        from chaishop.ui.app import run_app

        return run_app(args, tour=TOUR, speed=args.speed, exit_after_tour=not args.no_exit)
    return _record(args, [*shop_argv(args, parser), "demo", "--speed", f"{args.speed:g}",
                          *(["--no-exit"] if args.no_exit else [])])


def cmd_shop(args) -> int:
    from chaishop.ui.app import run_app

    return run_app(args)


COMMANDS = {None: cmd_shop, "bench": cmd_bench, "serve": cmd_serve}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
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
