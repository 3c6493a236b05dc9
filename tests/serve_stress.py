"""Visitors come and go, then `chaishop serve` ends: does anything survive?

    serve_and_end(way, visits, ...) starts ``python -m chaishop ... serve`` with a
    unique marker in its environment and its own TMPDIR, makes ``visits``
    websocket visits (plain aiohttp clients speaking textual-serve's protocol:
    some leave at once, some after the shop drew, some stay), ends the server
    with ``way`` (SIGTERM, SIGINT, SIGHUP or SIGKILL), and returns what is
    still alive (any process carrying the marker) and left in TMPDIR after
    SURVIVAL_LIMIT_S.

Used by tests/test_serve_visitors.py (short) and tests/perf/serve_visitors.py (20 visits).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass

import psutil

from testkit import free_port

SURVIVAL_LIMIT_S = 5.0
MARK = "CHAISHOP_STRESS_MARK"


def marked(mark: str) -> list[psutil.Process]:
    out = []
    for p in psutil.process_iter():
        try:
            if p.environ().get(MARK) == mark and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.Error:
            pass
    return out


@dataclass
class Outcome:
    survivors: list[str]
    temp_left: list[str]
    drew: int  # visits that got a screen from their shop
    full: int  # visits turned away by --max-visitors
    ended_in_time: bool = True  # the server itself exited within SURVIVAL_LIMIT_S of the signal


async def _visit(port: int, how: str, stay: list, timeout: float = 30.0) -> str:
    """One browser tab: ``how`` is "at-once" (close before the shop draws), "after-draw",
    "stay" (kept open until the server ends, which comes while its shop starts) or
    "stay-drawn" (kept open, after its shop drew).  Returns "drew", "full" or "none"."""
    import aiohttp

    session = aiohttp.ClientSession()
    ws = await session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30")
    got = "none"
    try:
        if how in ("at-once", "stay"):
            await asyncio.sleep(0.3)  # a moment: the server starts the visitor's app
            return got
        deadline = time.monotonic() + timeout
        seen = b""
        while time.monotonic() < deadline:
            try:
                msg = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                break  # a very busy machine: the shop did not draw in time
            if msg.type == aiohttp.WSMsgType.BINARY:
                seen += msg.data
                if b"chaishop is full" in seen:
                    return "full"
                if b"chaishop" in seen and len(seen) > 2000:
                    got = "drew"
                    break
            elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                              aiohttp.WSMsgType.ERROR):
                break
        return got
    finally:
        if how.startswith("stay"):
            stay.append((session, ws))
        else:
            await ws.close()
            await session.close()


async def _visits(port: int, plan: list[str], at_once: int) -> tuple[list[str], list]:
    stay: list = []
    results: list[str] = []
    for i in range(0, len(plan), at_once):
        results += await asyncio.gather(*(_visit(port, how, stay) for how in plan[i:i + at_once]))
    return results, stay


def serve_and_end(way: str, visits: int, max_visitors: int = 4, stay: int = 2,
                  at_once: int = 2, shop_args: tuple = ("--recipe", "orders", "--orders", "2",
                                                        "--size", "200000")) -> Outcome:
    mark = uuid.uuid4().hex
    tmp = tempfile.mkdtemp(prefix="cv-", dir="/tmp")  # short: the forkserver's socket lives under it
    port = free_port()
    env = dict(os.environ, **{MARK: mark, "TMPDIR": tmp})
    server = subprocess.Popen([sys.executable, "-m", "chaishop", *shop_args, "serve",
                               "--port", str(port), "--max-visitors", str(max_visitors)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, "serve did not start"
                assert time.monotonic() < deadline, "serve did not listen"
                time.sleep(0.1)
        plan = [("at-once", "after-draw")[i % 2] for i in range(visits - stay)] + ["stay-drawn"] + ["stay"] * (stay - 1)

        async def go():
            results, kept = await _visits(port, plan, at_once)
            server.send_signal(getattr(signal, way))  # while `stay` tabs are still open
            signalled.append(time.monotonic())
            await asyncio.sleep(0.2)
            for session, ws in kept:
                await ws.close()
                await session.close()
            return results

        signalled: list[float] = []
        results = asyncio.run(go())
        try:
            server.wait(max(0.0, signalled[0] + SURVIVAL_LIMIT_S - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        ended_in_time = server.poll() is not None
        deadline = time.monotonic() + SURVIVAL_LIMIT_S
        while (alive := marked(mark)) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = []
        for p in alive:
            try:
                survivors.append(f"{p.pid} {' '.join(p.cmdline())[:100]}")
            except psutil.Error:
                pass
        return Outcome(survivors, os.listdir(tmp), results.count("drew"), results.count("full"),
                       ended_in_time)
    finally:
        for p in marked(mark):
            try:
                p.kill()
            except psutil.Error:
                pass
        if server.poll() is None:
            server.kill()
        server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
