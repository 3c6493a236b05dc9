"""The command line: ``chaishop`` (the shop), ``chaishop bench``, ``demo``, ``code``, ``serve``,
``convert``; ``main`` is the entry point (through chaishop.__main__.main).

    argv ──parser.build_parser()──▶ args ──check_crew──▶ COMMANDS[args.command](args)
            values.py: each option's type         commands.py: shop, bench, code, serve
                                                  recording.py: --record, demo, convert

Kept import-light: Textual is imported only by the commands that draw.  Every
bad value exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from typing import Sequence

from chaishop.cli.commands import cmd_bench, cmd_code, cmd_serve, cmd_shop
from chaishop.cli.parser import build_parser, lesson_options, shop_argv
from chaishop.cli.recording import cmd_convert, cmd_demo, cmd_record
from chaishop.cli.scale import cmd_scale
from chaishop.cli.values import CliError
from chaishop.core import menu
from chaishop.core.menu import available_modes

COMMANDS = {None: cmd_shop, "bench": cmd_bench, "serve": cmd_serve, "convert": cmd_convert,
            "code": cmd_code, "scale": cmd_scale}


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
        if getattr(args, "recipe", None) is not None:
            try:
                args.options = lesson_options(args)  # the recipe's switches: RunSpec.options
            except ValueError as exc:
                raise CliError(str(exc)) from None
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


__all__ = ["COMMANDS", "CliError", "available_modes", "build_parser", "check_crew", "main",
           "shop_argv"]
