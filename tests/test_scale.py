"""``chaishop scale``: the curve's plan, its points and fit from runs (synthetic), one real
run through the kitchen (crews 1 and 2, tiny orders) with JSON and a plot, and bad values."""

from __future__ import annotations

import dataclasses
import json
import sys

import pytest

from chaishop.cli import main
from chaishop.core.bench import scale, scale_plot, scale_tables
from chaishop.core.machine import describe
from chaishop.core.protocol import events as ev
from testkit import run_chaishop


def _run(mode, crew, wall, startup=0.0, noisy=False):
    return ev.RunResult(mode=mode, recipe="brew", baristas=crew, orders=8, size=1, wall_s=wall,
                        cpu_s=wall, startup_s=startup, orders_done=8, failed=0, cancelled=False,
                        noisy=noisy, other_cpu_cores=0.5 if noisy else 0.0)


def test_default_crews_reach_twice_the_cores_and_the_registry_caps_them():
    assert scale.default_crews(2) == [1, 2, 4]
    assert scale.default_crews(1) == [1, 2]
    assert scale.crews_for("processes", [1, 2, 4, 8, 16], 1) == [1, 2, 4, 8]  # 8 a core
    assert scale.crews_for("threads", [1, 10, 100, 1000], 1) == [1, 10, 100, 1000]


def test_points_and_fit_from_runs_show_the_wall_and_the_gil():
    """Two cores, brew 8 s sequential: processes halve it up to the cores then stay flat
    (the wall, not a serial part), threads never gain: the fit tells them apart."""
    base = [_run("sequential", 1, 8.0), _run("sequential", 1, 8.2)]
    procs = [scale.point_of("processes", n, 2, base,
                            [_run("processes", n, 8.0 / min(n, 2) + 0.3, 0.3)] * 2)
             for n in (1, 2, 4)]
    threads = [scale.point_of("threads", n, 2, base, [_run("threads", n, 8.1, noisy=n == 4)] * 2)
               for n in (1, 2, 4)]
    p, t = scale.curve_of("processes", procs), scale.curve_of("threads", threads)
    assert [q.workers for q in procs] == [1, 2, 2]  # min(crew, cores) on CPU-bound work
    assert p.fit.serial_fraction <= 0.15 and t.fit.serial_fraction >= 0.8
    assert p.fit.serial_fraction_err is not None
    # start-up excluded, processes look more parallel still
    assert p.fit_no_startup.serial_fraction < p.fit.serial_fraction - 0.03
    assert procs[1].spread == (pytest.approx(8.0 / 4.3), pytest.approx(8.2 / 4.3))
    assert threads[2].noisy and not threads[1].noisy
    d = t.to_dict()
    assert "serial_fraction" in d["derived"] and d["points"][2]["noisy"] is True


def test_real_scale_run_reports_json_per_mode_and_crew_and_draws_the_plot(tmp_path):
    svg = tmp_path / "curve.svg"
    out = run_chaishop("scale", "--recipe", "brew", "--modes", "threads,processes",
                       "--crews", "1,2", "--orders", "2", "--size", "300000", "--repeat", "2",
                       "--no-warmup", "--json", "--plot", str(svg))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["recipe"] == "brew" and data["cores"] >= 1 and data["orders"] == 2
    assert "strong scaling" in data["held_fixed"] and "derived" in data
    assert data["baseline"]["runs"] == 2
    for mode in ("threads", "processes"):
        curve = data["modes"][mode]
        assert [p["crew"] for p in curve["points"]] == [1, 2]
        for p in curve["points"]:
            assert p["runs"] == 2 and p["speedup"] > 0 and isinstance(p["noisy"], bool)
            assert p["speedup_min"] <= p["speedup_max"]
        if data["cores"] >= 2:
            assert 0.0 <= curve["serial_fraction"] <= 1.0
            assert "serial_fraction_no_startup" in curve and "serial_fraction_err" in curve
            assert "serial_fraction" in curve["derived"] and "serial_fraction_raw" in curve
    text = svg.read_text()
    assert "<svg" in text and "Amdahl fit" in text and "threads" in text


def test_without_matplotlib_the_plot_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert "pip install 'chaishop[plot]'" in scale_plot.why_not("curve.svg")
    assert ".svg or .png" in scale_plot.why_not("curve.txt")


@pytest.mark.parametrize("args", [
    ["scale", "--crews", "0"],
    ["scale", "--crews", "1,1"],
    ["scale", "--crews", "two"],
    ["scale", "--crews", ""],
    ["scale", "--modes", "sequential"],
    ["scale", "--modes", "processes", "--crews", "1,1000"],
    ["scale", "--plot", "curve.txt"],
    ["scale", "--repeat", "0"],
    ["scale", "--json", "--csv"],
])
def test_bad_scale_values_exit_2_with_one_line(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr()
    lines = err.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chaishop") and "error:" in lines[0], err.err
    assert err.out == ""


def test_warnings_name_noisy_points_and_uneven_orders():
    base = [_run("sequential", 1, 8.0)]
    pts = [scale.point_of("threads", n, 2, base, [_run("threads", n, 8.0, noisy=n == 3)])
           for n in (1, 3)]
    report = scale.ScaleReport(None, "forkserver", "brew", 8, 1, 1.0, 1,
                               scale.row_of(base), [scale.curve_of("threads", pts)])
    text = "\n".join(scale_tables.warnings(report))
    assert "threads x3: 1 of 1 runs were noisy" in text
    assert "8 orders do not divide evenly among crews of 3" in text


def test_plot_of_a_big_crew_has_a_memory_panel_and_writes_png(tmp_path):
    base = [dataclasses.replace(_run("sequential", 1, 500.0), recipe="orders")]
    pts = [scale.point_of("asyncio", n, 2, base,
                          [dataclasses.replace(_run("asyncio", n, 500.0 / n + 0.05), recipe="orders",
                                               rss_per_barista_kib=4.0)])
           for n in (1, 10, 100)]
    assert pts[2].workers == 100 and pts[2].speedup > 90  # waiting: no wall at the cores
    report = scale.ScaleReport(describe(), "forkserver", "orders", 8, 1, 1.0, 1,
                               scale.row_of(base), [scale.curve_of("asyncio", pts)])
    svg = tmp_path / "curve.svg"
    scale_plot.save(report, str(svg))
    text = svg.read_text()
    assert "KiB per barista (derived)" in text and "waiting needs no core" in text
    png = tmp_path / "deep" / "curve.png"
    scale_plot.save(report, str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_point_lies_within_its_spread_and_a_remainder_too_short_to_time_has_no_figure():
    base = [_run("sequential", 1, 2.0), _run("sequential", 1, 2.4), _run("sequential", 1, 2.2)]
    runs = [_run("threads", 2, 2.0, startup=1.995), _run("threads", 2, 2.1, startup=2.095),
            _run("threads", 2, 1.9, startup=1.899)]
    p = scale.point_of("threads", 2, 2, base, runs)
    lo, hi = p.spread
    assert lo <= p.speedup <= hi and p.speedup == pytest.approx(2.4 / 2.1)  # pairs by round
    assert p.speedup_no_startup is None  # 5 ms or less left after start-up: not timed


def test_default_modes_are_threads_and_processes_plus_interpreters_where_available():
    from chaishop.core.menu import mode_available

    want = ["threads", "processes"] + (["interpreters"] if mode_available("interpreters")[0] else [])
    assert scale.default_modes() == want


def test_only_long_waiting_runs_are_sampled_in_whole_rounds_of_their_crew():
    assert scale.sample_of("orders", "asyncio", 1, 2000, 0.25) == 80  # 20 s of waits
    assert scale.sample_of("orders", "asyncio", 1000, 2000, 0.25) == 2000  # 2 rounds: all
    assert scale.sample_of("orders", "threads", 10, 2000, 0.25) == 800  # 80 rounds of 10
    assert scale.sample_of("orders", "sequential", 8, 2000, 0.25) == 80  # one barista
    assert scale.sample_of("brew", "threads", 1, 2000, 0.25) == 2000  # CPU-bound: never


@pytest.mark.alone
def test_a_sampled_run_is_scaled_to_every_order_and_labelled_derived(monkeypatch):
    """A curve of waiting baristas: the baseline and the crew of one serve a sample, whose
    rate is carried over to all the orders and said so; the big crew serves them all."""
    monkeypatch.setattr(scale, "SAMPLE_S", 0.2)
    report = scale.scale(["asyncio"], {"asyncio": [1, 4]}, "orders", 16, 0, 0.05, repeat=1,
                         warmup=False)
    one, four = report.curves[0].points
    assert report.baseline_sampled == 4 and one.sampled == 4 and four.sampled is None
    b = report.baseline.result
    assert b.orders == 16 and b.orders_done == 16 and b.wall_s >= 16 * 0.05  # carried over
    assert four.row.result.orders_done == 16 and four.speedup > 1.5  # waits overlap
    d = report.to_dict()
    assert d["baseline"]["sampled_orders"] == 4 and "sampled_orders" in d["derived"]
    assert d["modes"]["asyncio"]["points"][1]["sampled_orders"] is None
    text = scale_tables.as_table(report)
    assert "sampled (derived): the sequential baseline: 4 of 16 orders; asyncio x1: 4 of 16" in text
