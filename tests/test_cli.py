"""The command line: bench output shapes, and one-line errors for bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest

from testkit import run_chaishop

# Small but timed: 3 brew orders of 1 M take ~0.07 s here (100 k once took 0.007 s on a fast
# machine, under the 0.01 s a speed-up needs, and the JSON rightly gave none).
TINY = ["--size", "1000000", "--order-seconds", "0.02", "--repeat", "1", "--no-warmup"]


def test_bench_json_is_one_object_with_machine_and_one_row_per_mode():
    out = run_chaishop("bench", "--json", "--baristas", "2", "--orders", "3",
                   "--modes", "sequential,threads,processes,asyncio", *TINY)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)  # exactly one JSON object, nothing else on stdout
    assert set(data) == {"machine", "runs"}
    assert {"cores", "python", "gil_enabled"} <= set(data["machine"])
    assert [r["mode"] for r in data["runs"]] == ["sequential", "threads", "processes", "asyncio"]
    for row in data["runs"]:
        assert {"mode", "recipe", "baristas", "orders", "size", "wall_s", "cpu_s", "startup_s",
                "parallelism", "speedup", "per_barista", "other_cpu_cores", "noisy",
                "orders_done", "stopped", "failed", "complete", "peak_rss_mib",
                "rss_per_barista_kib", "os_threads_peak"} <= set(row)
        assert row["peak_rss_mib"] > 0 and row["rss_per_barista_kib"] >= 0
        assert row["os_threads_peak"] >= 1
        assert row["complete"] and row["orders_done"] == 3 and not row["stopped"]
        assert isinstance(row["noisy"], bool) and row["other_cpu_cores"] >= 0
        assert [b["barista"] for b in row["per_barista"]] == list(range(1, row["baristas"] + 1))
        for b in row["per_barista"]:
            assert {"cpu_s", "busy_s", "cpu_share", "gil_wait_s", "core_wait_s"} <= set(b)
        # 3 tiny orders for 2 baristas: one barista may serve them all (busy 0 for the
        # other); whoever held an order got a share of a core between 0 and 1.
        busy = [b for b in row["per_barista"] if b["busy_s"] > 0]
        assert busy and all(0 < b["cpu_share"] <= 1.05 for b in busy)
        assert row["recipe"] == "brew" and row["orders"] == 3 and row["size"] == 1_000_000
        assert row["wall_s"] > 0 and row["cpu_s"] > 0 and row["speedup"] > 0
    assert data["runs"][0]["speedup"] == 1.0 and data["runs"][0]["baristas"] == 1
    assert data["runs"][1]["baristas"] == 2


def test_bench_formats_agree_with_each_other():
    args = ("bench", "--modes", "threads,asyncio", "--recipe", "orders", "--baristas", "3", *TINY)
    as_csv = run_chaishop(*args, "--csv")
    as_md = run_chaishop(*args, "--markdown")
    as_table = run_chaishop(*args)
    for out in (as_csv, as_md, as_table):
        assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["mode"] for r in rows] == ["threads", "asyncio"]
    assert rows[0]["speedup"] == ""  # no sequential run, no speedup
    md_lines = as_md.stdout.strip().splitlines()
    assert md_lines[0].startswith("| mode |") and len(md_lines) == 4
    assert "| threads |" in md_lines[2] and "| asyncio |" in md_lines[3]
    assert "orders (I/O-bound) · 3 baristas" in as_table.stdout


def test_python_dash_m_and_version():
    out = run_chaishop("--version")
    assert out.returncode == 0 and out.stdout.startswith("chaishop ")


@pytest.mark.parametrize("args", [
    ["bench", "--modes", "telepathy"],
    ["bench", "--modes", ""],
    ["bench", "--modes", "threads,threads"],
    ["bench", "--recipe", "latte"],
    ["bench", "--baristas", "0"],
    ["bench", "--baristas", "-3"],
    ["bench", "--baristas", "10001"],
    ["bench", "--baristas", "two"],
    ["bench", "--orders", "0"],
    ["bench", "--orders", "99999999"],
    ["bench", "--size", "0"],
    ["bench", "--size", "1e99"],
    ["bench", "--order-seconds", "0"],
    ["bench", "--order-seconds", "nan"],
    ["bench", "--order-seconds", "-1"],
    ["bench", "--repeat", "0"],
    ["bench", "--json", "--csv"],
    ["--mode", "fork"],
    ["--baristas", "10001"],
    ["--mode", "processes", "--baristas", "17"],
    ["bench", "--modes", "threads,processes", "--baristas", "100"],
    ["--mode", "sequential", "--baristas", "100"],
    ["--orders", "-1"],
    ["--recipe", "espresso"],
    ["--order-timeout", "0"],
    ["--order-timeout", "soon"],
    ["--screenshot-after", "-1", "--screenshot", "x.svg"],
    ["--screenshot-after", "5"],
    ["--geometry", "0x0", "--record", "x.cast"],
    ["--geometry", "wide", "--record", "x.cast"],
    ["--record", "/no/such/dir/x.cast"],
    ["demo", "--speed", "0"],
    ["demo", "--speed", "fast"],
    ["serve", "--port", "0"],
    ["serve", "--port", "70000"],
    ["serve", "--port", "http"],
    ["serve", "--host", "0.0.0.0"],
    ["--no-such-option"],
    ["brew-me-a-coffee"],
])
def test_bad_values_exit_2_with_one_line_and_no_traceback(args):
    out = run_chaishop(*args, timeout=30)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chaishop"), out.stderr
    assert "error" in lines[0]
    assert "Traceback" not in out.stderr and out.stdout == ""
