"""The counter's customer on the line: a tiny local server for real socket round trips.

    counter barista --"DELAY_US\\n"--> EchoServer (a thread of the engine, 127.0.0.1:PORT)
                    <--"ok\\n"-------- after DELAY_US microseconds (a timer, not a sleep per call)

The counter recipe's ``--io socket`` waits for a real reply over a real local socket, rather
than a ``time.sleep``: the reply is due DELAY_US after the request, and the barista measures
how late it really got it.  One thread serves every connection (``selectors``), so the server
is one more thread of the engine process: in threads mode it shares the GIL with the brewers,
and says so (core/workloads/counter.py's words).

Bounded: at most MAX_CONNECTIONS connections and MAX_REQUESTS requests, for at most
MAX_LIFE_S seconds; ``close()`` (the run's LessonRun.close) stops it and joins its thread.
Import-light: the counter's client half (``ask``) runs in barista processes.
"""

from __future__ import annotations

import heapq
import selectors
import socket
import threading
import time

HOST = "127.0.0.1"
MAX_CONNECTIONS = 64  # more than any counter crew: one connection per counter barista
MAX_REQUESTS = 500_000  # 1 ms replies for over 8 minutes
MAX_LIFE_S = 900.0  # a run this long is over anyway: the server stops by itself
MAX_DELAY_US = 1_000_000  # a request may ask for a reply at most 1 s later
POLL_S = 0.05  # how often the server looks at its stop flag when nothing happens
REPLY = b"ok\n"


class EchoServer:
    """A one-thread server on 127.0.0.1 answering "N\\n" with "ok\\n" N microseconds later."""

    def __init__(self, max_life_s: float = MAX_LIFE_S, max_requests: int = MAX_REQUESTS):
        self._listener = socket.create_server((HOST, 0))
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self.max_life_s = max_life_s
        self.max_requests = max_requests
        self.requests = 0
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="counter-echo", daemon=True)

    def start(self) -> "EchoServer":
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        """Stop serving, close every socket, join the thread; idempotent."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2.0)
        elif not self._thread.ident:  # never started: the listener is ours to close
            self._listener.close()

    def _serve(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self._listener, selectors.EVENT_READ, None)
        conns: dict[socket.socket, bytearray] = {}
        due: list[tuple[float, int, socket.socket]] = []  # (when, tie, conn): replies to send
        tie = 0
        end = time.monotonic() + self.max_life_s
        try:
            while not self._stop.is_set() and time.monotonic() < end:
                now = time.monotonic()
                while due and due[0][0] <= now:
                    _, _, c = heapq.heappop(due)
                    if c in conns:
                        try:
                            c.sendall(REPLY)
                        except OSError:
                            self._drop(sel, conns, c)
                timeout = POLL_S if not due else max(0.0, min(POLL_S, due[0][0] - now))
                for key, _ in sel.select(timeout):
                    if key.fileobj is self._listener:
                        self._accept(sel, conns)
                        continue
                    c = key.fileobj
                    try:
                        data = c.recv(4096)
                    except OSError:
                        data = b""
                    if not data:
                        self._drop(sel, conns, c)
                        continue
                    buf = conns[c]
                    buf.extend(data)
                    while b"\n" in buf and self.requests < self.max_requests:
                        line, _, rest = bytes(buf).partition(b"\n")
                        buf[:] = rest
                        self.requests += 1
                        delay_us = min(MAX_DELAY_US, max(0, int(line or b"0")))
                        tie += 1
                        heapq.heappush(due, (time.monotonic() + delay_us / 1e6, tie, c))
        except (ValueError, OSError):
            pass  # a garbled request or a closed socket: this small server just stops
        finally:
            for c in list(conns):
                self._drop(sel, conns, c)
            sel.close()
            self._listener.close()

    def _accept(self, sel: selectors.BaseSelector, conns: dict) -> None:
        try:
            c, _ = self._listener.accept()
        except OSError:
            return
        if len(conns) >= MAX_CONNECTIONS:
            c.close()
            return
        self.connections += 1
        c.setblocking(False)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conns[c] = bytearray()
        sel.register(c, selectors.EVENT_READ, None)

    @staticmethod
    def _drop(sel: selectors.BaseSelector, conns: dict, c: socket.socket) -> None:
        conns.pop(c, None)
        try:
            sel.unregister(c)
        except (KeyError, ValueError):
            pass
        c.close()


def connect(port: int, timeout_s: float = 2.0) -> socket.socket:
    """A counter barista's line to the server (blocking, with a timeout)."""
    s = socket.create_connection((HOST, port), timeout=timeout_s)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def ask(sock: socket.socket, delay_s: float) -> None:
    """One round trip: ask for a reply ``delay_s`` from now and wait for it."""
    sock.sendall(b"%d\n" % int(delay_s * 1e6))
    got = b""
    while not got.endswith(b"\n"):
        chunk = sock.recv(16)
        if not chunk:
            raise ConnectionError("the counter's server hung up")
        got += chunk


async def ask_async(reader, writer, delay_s: float) -> None:
    """The same round trip for an asyncio task (asyncio.open_connection's streams)."""
    writer.write(b"%d\n" % int(delay_s * 1e6))
    await writer.drain()
    line = await reader.readline()
    if not line:
        raise ConnectionError("the counter's server hung up")
