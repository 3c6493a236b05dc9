"""The commands that make pictures: ``--record`` (the shop, recorded), ``demo`` and ``convert``.

    chaishop --record F ──▶ record.record(chaishop ARGV in a pseudo-terminal) ──▶ F.cast
                                └─ .gif / .svg: recordings.convert.record_picture
    chaishop demo ──▶ ui.run.run_app(tour=TOUR)   (or, with --record, the same recorded)
    chaishop convert F.cast OUT ──▶ recordings.convert ──▶ OUT.gif | OUT.svg
"""

from __future__ import annotations

import sys

from chaishop.cli.parser import shop_argv
from chaishop.cli.values import CliError


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
                          *(["--no-exit"] if args.no_exit else []),
                          *(["--predict"] if args.predict else [])])


def cmd_convert(args) -> int:
    from chaishop.recordings.convert import ConvertError, convert

    try:
        print(convert(args.source, args.target, args.fps, args.font_size).summary(),
              file=sys.stderr)
    except ConvertError as exc:
        raise CliError(str(exc)) from None
    return 0
