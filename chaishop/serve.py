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
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from typing import Sequence

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


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


def serve(shop_argv: Sequence[str], host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          public: bool = False) -> int:
    """Serve ``python -m chaishop <shop_argv>`` until SIGINT/SIGTERM; ServeError if refused."""
    check_host(host, public)
    check_port(host, port)
    from textual_serve.server import Server

    public_url = None  # textual-serve's default, http://HOST:PORT, is what the page dials back
    if host in WILDCARD_HOSTS:  # ...but nobody can dial 0.0.0.0: name this machine instead
        public_url = f"http://{socket.gethostname()}:{port}"
    Server(app_command(shop_argv), host=host, port=port, title="chaishop",
           public_url=public_url).serve()
    return 0
