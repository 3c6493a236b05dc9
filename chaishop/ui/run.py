"""``chaishop`` and ``chaishop demo``: start the kitchen, run the shop, always stop the kitchen.

    cli.cmd_shop / cmd_demo ──▶ run_app(args) ──▶ resource tracker (quiet) ──▶ Supervisor()
                                  ──▶ import Textual and the shop ──▶ ShopApp.run()
                                      ──▶ first frame drawn ──▶ Supervisor.start()
                                  finally: app.close_kitchen()
    served (TEXTUAL_DRIVER = web driver): the room of visitors, and a lifeline (core.kitchen.lifeline)

The kitchen starts once the shop's first frame is drawn ("the kitchen is warming
up" until it has calibrated): started before Textual was imported, as it first was,
its start-up and calibration took CPU from the first frame on 2 cores (0.39 s median
then; the front never imports the kitchen's own code, core.kitchen.client._spawned).
"""

from __future__ import annotations

import os
import sys

from chaishop.core.kitchen import mp
from chaishop.core.kitchen.supervisor import Supervisor
from chaishop.ui.config import ShopConfig


def run_app(args, tour: tuple = (), speed: float = 1.0, exit_after_tour: bool = True,
            end_process: bool = True) -> int:
    """``chaishop`` (and ``chaishop demo``, with a tour): start the kitchen, then the app;
    always stop the kitchen.  ``speed`` divides the order duration and the tour's pauses.

    ``end_process``: once the shop is closed (kitchen and all under it gone, temp
    folder removed, terminal restored), end the process at once with its exit code.
    Python's own shutdown of a Textual app took about 1 s here (measured: atexit to
    exit), a third of a quit during a busy run; nothing is left for it to do."""
    config = ShopConfig.from_args(args, handle_signals=True,
                                  latency_log=os.environ.get("CHAISHOP_LATENCY_LOG") or None,
                                  screenshot=getattr(args, "screenshot", None),
                                  screenshot_after=getattr(args, "screenshot_after", None) or 0.0,
                                  tour=tuple(tour), speed=speed, exit_after_tour=exit_after_tour,
                                  predict=bool(tour) and getattr(args, "predict", False),
                                  # Quiet until a key (a teacher talks first), unless asked.
                                  autostart=not tour and getattr(args, "start", False),
                                  auto_baseline=not tour and not getattr(args, "no_baseline", False),
                                  # CHAISHOP_CALM=0: draw at full pace always (tests/perf/app_vs_bench.py)
                                  calm=os.environ.get("CHAISHOP_CALM") != "0", calm_nice=True)
    config.order_s = args.order_seconds / speed
    # Before the app runs: under Textual sys.stderr.fileno() is -1, and the
    # resource tracker's first start would fail inside the running app.
    mp.quiet_resource_tracker()
    kitchen = Supervisor(order_s=config.order_s, size=args.size)  # started by the app, drawn
    try:
        from chaishop.ui.app import ShopApp

        app = ShopApp(config, kitchen, start_kitchen=kitchen.start)
    except BaseException:
        kitchen.close()
        raise
    if os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):  # a chaishop serve visitor
        from chaishop.core.kitchen import lifeline
        from chaishop.core.kitchen.room import Room

        app.room = Room.from_env()
        lifeline.watch(app.close_kitchen)  # the server gone, however: end, do not spin
    try:
        app.run()
    finally:
        app.close_kitchen()
    if app.exit_message:
        print(f"chaishop: {app.exit_message}", file=sys.stderr)
    code = app.return_code or 0
    if end_process:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass  # nobody reads it any more (a served visitor whose server is gone)
        os._exit(code)
    return code
