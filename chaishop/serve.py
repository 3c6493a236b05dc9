"""Serve the shop in a web browser (``chaishop serve``) with textual-serve.

    browser ──HTTP GET /──▶ textual-serve (this process, aiohttp)
       │                         │ one websocket per browser tab
       └──── websocket /ws ──────┤
                                 ▼
             $ python -m chaishop <shop options>   (TEXTUAL_DRIVER=web driver,
                                                     one app process per tab)

Each tab gets its own shop process (and kitchen).  The server binds loopback
unless ``--public`` says the shop may be reached from other machines: anyone
who can open the page can run code-heavy orders on this machine.

Visitors share the cores: at most ``--max-visitors`` at once (visitor N+1 is
told why on the page), and each visitor's header says when others brew now
(``core.kitchen.room``: the CPU used by the other visitors' kitchens, measured).
A visitor's app ends when its tab closes (textual-serve asks it to quit), when
this server ends, however it ends (its app is terminated here, and its
lifeline, ``core.kitchen.lifeline``, ends it if the server vanished), and when it can
no longer write its output.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import signal
import socket
import sys
import time
from typing import Sequence

import psutil

from chaishop.core.kitchen import mp
from chaishop.core.menu import DEFAULT_MAX_VISITORS
from chaishop.core.kitchen.room import OWNER_ENV

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
WILDCARD_HOSTS = ("0.0.0.0", "::")
# When the server ends: visitors' apps get this long to quit properly after
# SIGTERM, then SIGKILL (their kitchens still clean up after themselves)...
VISITOR_GRACE_S = 2.0
# ...and whatever is left under the server after this long is killed outright.
LEFTOVER_GRACE_S = 2.0


class ServeError(Exception):
    """A server that must not or cannot start; one line."""


def is_loopback(host: str) -> bool:
    """True if every address ``host`` names is a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback
                               for i in infos)


def check_host(host: str, public: bool) -> None:
    if not host.strip():
        raise ServeError("--host is empty: give an address to listen on "
                         "(127.0.0.1, or 0.0.0.0 with --public)")
    try:
        socket.getaddrinfo(host, None)
    except OSError as exc:
        raise ServeError(f"cannot resolve --host {host}: {exc.strerror or exc}") from None
    if not public and not is_loopback(host):
        raise ServeError(f"--host {host} is reachable from other machines; "
                         "add --public if that is what you want")


def check_port(host: str, port: int) -> None:
    """Fail early (one line) if the address is taken, instead of an aiohttp traceback."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ServeError(f"cannot resolve --host {host}: {exc.strerror or exc}") from None
    family, type_, proto, _, addr = infos[0]
    with socket.socket(family, type_, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(addr)
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def app_command(shop_argv: Sequence[str]) -> str:
    """The shell command textual-serve runs for each browser tab."""
    return shlex.join([sys.executable, "-m", "chaishop", *shop_argv])


def full_page(limit: int) -> bytes:
    """What visitor ``limit + 1`` sees instead of a shop (terminal text)."""
    return ("\x1b[2J\x1b[H\r\n  chaishop is full: "
            f"{limit} visitor{'s are' if limit > 1 else ' is'} brewing on this machine already.\r\n\r\n"
            "  Each visitor gets a shop and a kitchen of their own on the same cores, so more\r\n"
            "  would only spoil everyone's numbers.  Try again when a tab closes\r\n"
            f"  (the server's --max-visitors is {limit}).\r\n").encode()


def _visitor_apps() -> list[psutil.Process]:
    """The ``python -m chaishop`` processes under this server (one per visitor)."""
    apps = []
    for p in mp.family(os.getpid()):
        try:
            cmd = p.cmdline()
        except psutil.Error:
            continue
        if cmd[1:3] == ["-m", "chaishop"]:
            apps.append(p)
    return apps


def end_visitors() -> None:
    """Every visitor's app quits (SIGTERM, then SIGKILL); then nothing is left under us."""
    apps = _visitor_apps()
    for p in apps:
        try:
            p.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(apps, timeout=VISITOR_GRACE_S)
    for p in alive:
        try:
            p.kill()  # its kitchen's watchdog still ends the kitchen and removes its temp folder
        except psutil.Error:
            pass
    deadline = time.monotonic() + LEFTOVER_GRACE_S
    while mp.family(os.getpid()) and time.monotonic() < deadline:
        time.sleep(0.05)
    mp.end_family(None, mp.family(os.getpid()))


def make_server(command: str, host: str, port: int, public_url: str | None, max_visitors: int):
    from aiohttp import web
    from textual_serve.server import Server

    class ShopServer(Server):
        """textual-serve's server, with a limit on visitors and SIGHUP handled too."""

        visitors = 0

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            if self.visitors >= max_visitors:
                ws = web.WebSocketResponse()
                await ws.prepare(request)
                await ws.send_bytes(full_page(max_visitors))
                await ws.close()
                return ws
            self.visitors += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.visitors -= 1

        async def on_shutdown(self, app: web.Application) -> None:
            """aiohttp waits (up to a minute) for open websockets before it stops: end the
            visitors' apps first, so their websockets close (SIGTERM took 23 s with one
            tab open, measured; now the grace of end_visitors)."""
            import asyncio

            await asyncio.to_thread(end_visitors)

        def serve(self, debug: bool = False) -> None:
            try:
                import asyncio

                asyncio.get_event_loop().add_signal_handler(signal.SIGHUP, self.request_exit)
            except (NotImplementedError, RuntimeError):
                pass
            super().serve(debug)

    return ShopServer(command, host=host, port=port, title="chaishop", public_url=public_url)


def serve(shop_argv: Sequence[str], host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          public: bool = False, max_visitors: int = DEFAULT_MAX_VISITORS) -> int:
    """Serve ``python -m chaishop <shop_argv>`` until SIGINT/SIGTERM/SIGHUP; ServeError if refused."""
    check_host(host, public)
    check_port(host, port)
    public_url = None  # textual-serve's default, http://HOST:PORT, is what the page dials back
    if host in WILDCARD_HOSTS:  # ...but nobody can dial 0.0.0.0: name this machine instead
        public_url = f"http://{socket.gethostname()}:{port}"
    server = make_server(app_command(shop_argv), host, port, public_url, max_visitors)
    os.environ[OWNER_ENV] = str(os.getpid())  # visitors inherit it: see core.kitchen.room
    try:
        server.serve()
    finally:
        end_visitors()
    return 0
