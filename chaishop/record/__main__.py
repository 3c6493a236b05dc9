"""``python -m chaishop.record FILE.cast [--geometry WxH] [--title TEXT] -- COMMAND...``."""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import Sequence

from chaishop.record import DEFAULT_HEIGHT, DEFAULT_WIDTH, RecordError, parse_geometry, record


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chaishop.record",
        description="Record any terminal command to an asciicast v2 file.")
    parser.error = lambda message: parser.exit(2, f"{parser.prog}: error: {message}\n")
    parser.add_argument("path", metavar="FILE.cast")
    parser.add_argument("--geometry", metavar="WxH", help="terminal size (default: yours, "
                        f"or {DEFAULT_WIDTH}x{DEFAULT_HEIGHT} without a terminal)")
    parser.add_argument("--title", default=None)
    parser.usage = "%(prog)s FILE.cast [--geometry WxH] [--title TEXT] -- COMMAND [ARGS...]"
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("give the command to record after --")
    cut = argv.index("--")
    args, command = parser.parse_args(argv[:cut]), argv[cut + 1:]
    if shutil.which(command[0]) is None:
        parser.error(f"cannot run {command[0]!r}: not found")
    width = height = None
    if args.geometry:
        try:
            width, height = parse_geometry(args.geometry)
        except ValueError as exc:
            parser.error(f"argument --geometry: {exc}")
    try:
        return record(command, args.path, width, height, args.title)
    except RecordError as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")


if __name__ == "__main__":
    raise SystemExit(main())
