"""`chaishop serve` cleans up after every visitor, however it ends (short version;
tests/perf/serve_visitors.py makes 20 visits for each way).

Websocket clients connect and leave (at once, after the shop drew, or staying
until the end), then the server gets SIGTERM, SIGINT, SIGHUP or SIGKILL: within
5 s no visitor app, kitchen, forkserver or barista may be left, and no temp
folder.  A visitor past --max-visitors is told why.
"""

from __future__ import annotations

import pytest

from serve_stress import SURVIVAL_LIMIT_S, serve_and_end


@pytest.mark.slow
@pytest.mark.parametrize("way", ["SIGTERM", "SIGKILL"])
def test_serve_ended_leaves_no_visitor_behind(way):
    out = serve_and_end(way, visits=5, stay=2, at_once=3)
    assert out.survivors == [], f"alive 5 s after {way}: {out.survivors}"
    assert out.temp_left == []
    assert out.drew >= 1  # the visits really reached a shop
    # aiohttp waited up to a minute for open tabs before it stopped (23 s, measured): a
    # server told to end ends, its visitors' apps with it (serve.ShopServer.on_shutdown)
    assert out.ended_in_time, f"serve still running {SURVIVAL_LIMIT_S} s after {way}"


@pytest.mark.slow
def test_the_visitor_past_the_limit_is_told_why():
    out = serve_and_end("SIGINT", visits=3, max_visitors=1, stay=2, at_once=3)
    assert out.full >= 1
    assert out.survivors == [] and out.temp_left == []
