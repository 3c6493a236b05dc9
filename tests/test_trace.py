"""Chrome trace export: a run's per-barista timeline in the trace-event format
that Perfetto and speedscope open, from real runs (tiny orders)."""

from __future__ import annotations

import json

import pytest

from chaishop.cli import main
from chaishop.core.protocol import events as ev
from chaishop.core.engine.shop import run
from chaishop.core.measure.trace import Recorder, to_json, write_trace

SIZE = 300_000  # brew iterations per order: milliseconds


def traced(*specs: ev.RunSpec) -> Recorder:
    rec = Recorder()
    for spec in specs:
        run(spec, rec)
    return rec


def check_format(doc: dict) -> list[dict]:
    """The trace-event rules the viewers rely on; returns the events."""
    events = doc["traceEvents"]
    assert doc["displayTimeUnit"] == "ms"
    for e in events:
        assert {"ph", "ts", "pid", "tid", "name"} <= set(e), e
        assert e["ph"] in ("X", "B", "E", "i", "M")
        assert isinstance(e["ts"], (int, float)) and e["ts"] >= 0
        if e["ph"] == "X":
            assert e["dur"] >= 0
    timed = [e["ts"] for e in events if e["ph"] != "M"]
    assert timed == sorted(timed), "events are sorted by time"
    # On each track, slices nest: two either do not overlap or one contains the other.
    tracks: dict[tuple, list[tuple[float, float]]] = {}
    for e in events:
        if e["ph"] == "X":
            tracks.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
    for spans in tracks.values():
        for i, (a0, a1) in enumerate(spans):
            for b0, b1 in spans[i + 1:]:
                assert b0 >= a1 - 1e-3 or b1 <= a1 + 1e-3, ((a0, a1), (b0, b1))
    return events


@pytest.mark.parametrize("mode", ["threads", "processes", "asyncio"])
def test_a_run_traces_every_order_on_its_barista_track(mode):
    spec = ev.RunSpec(mode, "mixed", 2, 4, SIZE, 0.02)
    events = check_format(json.loads(to_json(traced(spec).runs)))
    orders = [e for e in events if e.get("cat") == "order"]
    assert sorted(e["args"]["order"] for e in orders) == [1, 2, 3, 4]
    assert {e["tid"] for e in orders} <= {1, 2}
    kinds = {e["name"] for e in events if e.get("cat") in ("brewing", "waiting")}
    # Mixed orders wait, then brew; an asyncio task has no CPU clock of its own, so
    # a brew too short for a progress report is drawn as the timeline draws it.
    assert "waiting" in kinds and kinds <= {"brewing", "waiting"}
    (whole,) = [e for e in events if e.get("cat") == "run"]
    assert whole["name"].startswith(f"run 1 · {mode} · mixed")
    for e in orders:  # one clock: every barista's slices fall inside the run's own
        assert whole["ts"] - 1 <= e["ts"] and e["ts"] + e["dur"] <= whole["ts"] + whole["dur"] + 1
    names = {e["args"]["name"] for e in events if e["name"] == "thread_name"}
    assert any(("pid" in n) if mode == "processes" else ("Barista-1" in n) for n in names)


def test_runs_share_one_clock_in_order():
    rec = traced(ev.RunSpec("sequential", "brew", 1, 2, SIZE, 0.0),
                 ev.RunSpec("threads", "brew", 2, 2, SIZE, 0.0))
    events = check_format(json.loads(to_json(rec.runs)))
    first, second = sorted((e for e in events if e.get("cat") == "run"), key=lambda e: e["pid"])
    assert first["ts"] == 0  # the clock starts at the first run
    assert second["ts"] >= first["ts"] + first["dur"]  # the second ran after the first
    assert {e["name"] for e in events if e.get("cat") == "brewing"} == {"brewing"}


def test_a_failed_barista_is_an_instant_with_its_reason():
    events = check_format(json.loads(to_json(traced(
        ev.RunSpec("threads", "spill", 2, 4, SIZE, 0.0)).runs)))
    (fail,) = [e for e in events if e["ph"] == "i"]
    assert "Spilled" in fail["args"]["reason"]


def test_write_trace_never_overwrites_and_refuses_nothing(tmp_path):
    rec = traced(ev.RunSpec("sequential", "brew", 1, 1, SIZE, 0.0))
    a = write_trace(rec.runs, tmp_path, "x")
    b = write_trace(rec.runs, tmp_path, "x")
    assert a != b and a.exists() and b.exists()
    with pytest.raises(ValueError):
        write_trace([], tmp_path, "x")


def test_bench_trace_writes_the_measured_runs(tmp_path, capsys):
    assert main(["bench", "--recipe", "brew", "--baristas", "2", "--orders", "2", "--size",
                 str(SIZE), "--repeat", "2", "--no-warmup", "--modes", "sequential,threads",
                 "--json", "--trace", str(tmp_path / "t")]) == 0
    (path,) = (tmp_path / "t").iterdir()
    events = check_format(json.loads(path.read_text()))
    runs = [e["name"].split(" · ")[1] for e in events if e.get("cat") == "run"]
    assert sorted(runs) == ["sequential", "sequential", "threads", "threads"]
    assert "trace:" in capsys.readouterr().err
