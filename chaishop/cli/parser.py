"""The command line's options: ``build_parser()`` and what it takes to start the same shop again.

    core/menu.py (modes, recipes, limits) ──▶ build_parser() ──▶ argparse.Namespace
                                                     └─ shop_argv(args): the shop's own options

Every choice, default and range comes from the menu (``core/menu.py``); the value types
(``values.py``) turn text into values or a one-line error.
"""

from __future__ import annotations

import argparse

from chaishop import __version__
from chaishop.cli.values import (crew_list, float_in, geometry, int_in, mode_list, one_mode,
                                 scheduler_address)
from chaishop.core.menu import (BENCH_MODES, DEFAULT_MAX_VISITORS, DEFAULT_MODE, DEFAULT_RECIPE,
                                MAX_BENCH_CREW, MAX_ORDER_S, MAX_ORDERS, MAX_REPEAT, MAX_SHOP_CREW,
                                MAX_SIZE, MAX_SPEED, MAX_VISITORS, OPTIONS, RECIPE, RECIPES,
                                SCALE_ORDER_S, SCRIPT_MODES, available_modes, option_of)

# Not passed to a child shop:
SHOP_ONLY = ("help", "version", "command", "record", "geometry", "fps", "font_size")


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2: no usage block, no traceback
        self.exit(2, f"{self.prog}: error: {message}\n")


def _add_shop_options(p: argparse.ArgumentParser, crew_max: int) -> None:
    p.add_argument("--recipe", choices=RECIPES, default=DEFAULT_RECIPE,
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
    p.add_argument("--lock", nargs="?", const="right", choices=("right", "wrong"), default=None,
                   help="till: put the mode's lock around each update (threading.Lock, "
                        "Value.get_lock(), asyncio.Lock); 'wrong': each barista takes a lock "
                        "of its own (it still loses cups)")
    p.add_argument("--share", action="store_true",
                   help="till, haul: processes share memory (a multiprocessing.Value, one "
                        "shared_memory block) instead of each having its own copy")
    p.add_argument("--ring", choices=("split", "plain"), default="split",
                   help="till: 'split' reads, calls (or awaits), then writes; 'plain' is "
                        "till.cups += 1 (default split)")
    p.add_argument("--switch-interval", type=float_in(0.0, 1000.0, low_open=True), default=None,
                   metavar="MS", help="the GIL's switch interval for every run, in ms "
                   "(sys.setswitchinterval in the kitchen and in each barista process; default: "
                   "the interpreter's, 5); the shop's [ and ] keys halve and double it")
    for o in OPTIONS.values():  # the lessons' switches (core/menu.py Recipe.options)
        owners = ", ".join(r for r in RECIPES if option_of(r, o.name) is not None)
        p.add_argument(o.flag, choices=o.choices, default=None, dest=f"option_{o.name}",
                       help=f"{owners}: {o.help} (default {o.default})")


def lesson_options(args) -> tuple[tuple[str, str], ...]:
    """The chosen recipe's switches given on the command line (RunSpec.options); a switch of
    another recipe is an error (ValueError: the CLI's one line)."""
    given = {o.name: v for o in OPTIONS.values()
             if (v := getattr(args, f"option_{o.name}", None)) is not None}
    for name in given:
        if option_of(args.recipe, name) is None:
            owners = [r for r in RECIPES if option_of(r, name) is not None]
            raise ValueError(f"{OPTIONS[name].flag} is a switch of the {' and '.join(owners)} "
                             f"recipe, not of {args.recipe} (add --recipe {owners[0]})")
    return tuple(sorted(given.items()))


def _add_picture_options(p: argparse.ArgumentParser, default) -> None:
    """Options of a GIF or SVG recording (``default`` SUPPRESS where given twice)."""
    p.add_argument("--fps", type=float_in(0.0, 50.0, low_open=True), default=default,
                   metavar="N", help="frames per second of a GIF/SVG (default 10: the shop "
                   "repaints at 10 Hz)")
    p.add_argument("--font-size", type=int_in(8, 48), default=default, metavar="PX",
                   help="GIF font size in pixels (default 15 up to 100 columns, else 16)")


def build_parser() -> Parser:
    parser = Parser(prog="chaishop", description="A chai shop in your terminal: watch threads, "
                    "processes and asyncio tasks brew, and measure who is really faster.")
    parser.add_argument("--version", action="version", version=f"chaishop {__version__}")
    parser.add_argument("--mode", type=one_mode, default=DEFAULT_MODE,
                        metavar="{" + ",".join(available_modes()) + "}",
                        help="the crew to open with (shop keys s t p a i d: interpreters need "
                             "Python 3.12+, dask needs chaishop[dask]; listed: usable here)")
    _add_shop_options(parser, MAX_SHOP_CREW)
    parser.add_argument("--start", action="store_true",
                        help="start a run of --mode at once, as its key would (for recordings "
                             "and scripted screenshots; by default the shop waits for a key)")
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
    sub = parser.add_subparsers(dest="command", metavar="{bench,scale,serve,demo,convert,code}")

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
    _add_scale(sub)
    d = sub.add_parser("demo", help="a hands-free tour of every mode, with captions",
                       description="Play the tour (chaishop/tour.py): real runs, one mode after "
                       "another, each with a caption, then the scoreboard.")
    d.add_argument("--speed", type=float_in(0.0, MAX_SPEED, low_open=True), default=1.0,
                   metavar="X", help=f"divide every pause and order duration by X (0 < X <= "
                   f"{MAX_SPEED:g}; default 1); captions still stay up 3 s each")
    d.add_argument("--no-exit", action="store_true",
                   help="stay open after the tour (else the finale ends at a key, or in 15 s)")
    d.add_argument("--predict", action="store_true", help="before each step with a speed-up, "
                   "ask the room to predict it; the guess is shown beside the measured value")
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


def _add_scale(sub) -> None:
    c = sub.add_parser("scale", help="speed-up against crew size, with Amdahl's law fitted",
                       description="Run the same orders with crews of growing size for each mode "
                       "(and one sequential baseline), interleaved and repeated; print median "
                       "speed-ups and each mode's fitted serial fraction (Amdahl's law).")
    c.add_argument("--modes", type=mode_list, default=None, help="comma-separated modes "
                   "(default: threads and processes, and interpreters where this Python has them)")
    c.add_argument("--crews", type=crew_list, default=None, metavar="N,N,...",
                   help="crew sizes (default: powers of two up to twice the cores, each mode "
                        "capped by its limit)")
    c.add_argument("--recipe", choices=RECIPES, default=DEFAULT_RECIPE,
                   help="; ".join(f"{r}: {RECIPE[r].help}" for r in RECIPES))
    c.add_argument("--orders", type=int_in(1, MAX_ORDERS), default=None, metavar="N",
                   help="orders per run, the same for every crew (default: two per barista of "
                        "the largest crew)")
    c.add_argument("--size", type=int_in(1, MAX_SIZE), default=None, metavar="N",
                   help="brew iterations per order (default: calibrated to --order-seconds)")
    c.add_argument("--order-seconds", type=float_in(0.0, MAX_ORDER_S, low_open=True),
                   default=SCALE_ORDER_S, metavar="S",
                   help=f"target duration of one order (default {SCALE_ORDER_S:g})")
    c.add_argument("--repeat", type=int_in(1, MAX_REPEAT), default=3, metavar="N",
                   help="rounds; medians are shown (default 3)")
    c.add_argument("--no-warmup", action="store_true", help="skip the warm-up round")
    c.add_argument("--plot", metavar="FILE.svg|FILE.png", default=None,
                   help="also draw the curve into an image (needs chaishop[plot]: matplotlib)")
    fmt = c.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_const", dest="format", const="json",
                     help="print one JSON object")
    fmt.add_argument("--csv", action="store_const", dest="format", const="csv", help="print CSV")
    fmt.add_argument("--markdown", action="store_const", dest="format", const="markdown",
                     help="print a Markdown table")
    c.set_defaults(baristas=1, lock=False, share=False, ring="split")


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
