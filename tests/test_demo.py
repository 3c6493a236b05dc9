"""``chaishop demo``: the hands-free tour, its recording, its screenshot, and the export key.

The tour runs the REAL kitchen: in a recorded subprocess (headless, as in CI)
and through Pilot with tiny orders.  Nothing here asserts timing.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chaishop.cli import main
from chaishop.tour import TOUR, finale
from chaishop.core.measure.speedup import speedups
from testkit import make_app, until

ROOT = Path(__file__).resolve().parents[1]
KITCHEN_SIZE = 200_000  # the kitchen fixture's order size
SIZE = (120, 36)
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def test_demo_records_a_valid_asciicast(tmp_path):
    cast = tmp_path / "demo.cast"
    proc = subprocess.run([sys.executable, "-m", "chaishop", "demo", "--speed", "20",
                           "--record", str(cast)], stdin=subprocess.DEVNULL,
                          capture_output=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    header, *events = [json.loads(line) for line in cast.read_text().splitlines()]
    assert header["version"] == 2
    assert (header["width"], header["height"]) == (120, 36)  # headless default
    assert isinstance(header["timestamp"], int) and "demo" in header["title"]
    times = [e[0] for e in events]
    assert times and times == sorted(times)
    text = ANSI.sub("", "".join(e[2] for e in events if e[1] == "o"))
    assert text.strip()
    for mode in {s.mode for s in TOUR}:
        assert mode in text
    assert "Scoreboard" in text and "Tour done" in text
    # A marker at each step, so players can jump between them.
    marks = [e[2] for e in events if e[1] == "m"]
    assert [m.split(" · ")[0] for m in marks] == [
        f"Tour {n}/{len(TOUR)}" for n in range(1, len(TOUR) + 1)] + ["Tour done"]


async def test_tour_plays_every_step_then_shows_the_scoreboard(kitchen, tmp_path):
    shot = tmp_path / "new" / "dir" / "finale.svg"
    app = make_app(kitchen, tmp_path / "shots", cpu_every_s=0, tour=TOUR, speed=50,
                   exit_after_tour=False, screenshot=str(shot))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, shot.exists, timeout=40)
        assert [(r.mode, r.recipe, r.baristas, r.orders) for r in app.scoreboard.results] == \
            [(s.mode, s.recipe, s.baristas, s.orders) for s in TOUR]
        assert all(r.complete for r in app.results)
        # The finale names what this tour measured, not a rule of thumb.
        assert "-on" in app.caption.classes
        assert str(app.caption.render()) == finale(app.results, speedups(app.results),
                                                    app.machine.cores)
        # Each recipe of the tour is named, with a winner or "no crew beat sequential"
        # (at speed 50 orders are tiny: on a busy machine nothing may beat sequential).
        said = str(app.caption.render())
        compared = {r.recipe for r, up in zip(app.results, speedups(app.results))
                    if up is not None and r.mode != "sequential"}
        assert {"brew", "orders"} <= compared
        assert all(f"on {recipe}," in said.lower() for recipe in compared)
        svg = shot.read_text()
        assert svg.startswith("<svg") and "Scoreboard" in svg
        # The finale leaves room for every row of the scoreboard, not just its header.
        assert app.scoreboard.region.height >= len(TOUR) + 3
        assert all(f"{r.wall_s:.2f}" in svg for r in app.results)

        await pilot.press("e")  # export what the tour measured
        files = sorted((tmp_path / "shots").glob("chaishop-scoreboard-*"))
        assert [f.suffix for f in files] == [".csv", ".json", ".md"]
        # ... and the last run's timeline as a Chrome trace.
        (trace_file,) = (tmp_path / "shots").glob("chaishop-run-*.trace.json")
        trace_events = json.loads(trace_file.read_text())["traceEvents"]
        (whole,) = [e for e in trace_events if e.get("cat") == "run"]
        assert whole["name"].endswith(f"{TOUR[-1].mode} · {TOUR[-1].recipe} · "
                                      f"crew {TOUR[-1].baristas}")
        assert len([e for e in trace_events if e.get("cat") == "order"]) == TOUR[-1].orders
    csv_rows = list(csv.DictReader(files[0].open()))
    json_rows = json.loads(files[1].read_text())["runs"]
    md_rows = [[c.strip() for c in line.strip("|").split("|")]
               for line in files[2].read_text().splitlines()[2:]]
    modes = [s.mode for s in TOUR]
    assert [r["mode"] for r in csv_rows] == [r["mode"] for r in json_rows] == \
        [r[0] for r in md_rows] == modes
    # The files carry the scoreboard's own figures (rounded to 0.1 ms) ...
    assert [float(r["wall_s"]) for r in csv_rows] == [r["wall_s"] for r in json_rows]
    assert all(abs(r["wall_s"] - res.wall_s) <= 5e-5 for r, res in zip(json_rows, app.results))
    # ... and the Markdown shows the same figures to 1 ms.
    assert [r[3] for r in md_rows] == [f"{r['wall_s']:.3f}" for r in json_rows]
    assert [(r[1], int(r[2])) for r in md_rows] == [(s.recipe, s.baristas) for s in TOUR]
    assert json_rows[0]["speedup"] == 1.0  # the sequential run is its own baseline


async def test_q_quits_during_the_tour(kitchen, tmp_path):
    app = make_app(kitchen, tmp_path / "shots", cpu_every_s=0, tour=TOUR, speed=1)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "-on" in app.caption.classes)
        await pilot.press("q")
    assert app.return_code == 0 and len(app.results) < len(TOUR)


async def test_export_with_no_runs_writes_nothing(kitchen, tmp_path):
    app = make_app(kitchen, tmp_path / "shots", cpu_every_s=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
    assert not (tmp_path / "shots").exists()


async def test_screenshot_after_seconds_writes_an_svg(kitchen, tmp_path):
    shot = tmp_path / "a" / "b" / "shop.svg"
    app = make_app(kitchen, tmp_path / "shots", cpu_every_s=0, screenshot=str(shot),
                   screenshot_after=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, shot.exists)
    assert shot.read_text().startswith("<svg")


@pytest.mark.parametrize("argv", [["demo", "--speed", "0"], ["demo", "--speed", "100.5"],
                                  ["demo", "--speed", "fast"], ["demo", "--geometry", "80x24"],
                                  ["--screenshot-after", "3"],
                                  ["--screenshot", "x.svg", "--screenshot-after", "-1"],
                                  ["--screenshot-after", "1", "demo"]])
def test_bad_demo_options_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err
