"""``chaishop serve``: refuses what it must, serves textual-serve's page, and a
real (headless) Chromium shows the shop.

The browser check talks to Chromium over ``--remote-debugging-pipe`` (the
DevTools protocol as NUL-separated JSON on fds 3/4: stdlib only).  The page's
xterm.js draws on a canvas, so the DOM holds no text; a script injected before
the page loads catches textual-serve's client object when it sets its
``fitAddon`` and we read the screen from ``client.terminal.buffer``.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
HAS_APP = (ROOT / "chaishop" / "ui" / "app.py").exists()
CHROMIUM = "/usr/bin/chromium"
SHOP_TEXT = "crew 2"  # in the shop's header line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chaishop(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "chaishop", *args], stdin=subprocess.DEVNULL,
                            stdout=kw.pop("stdout", subprocess.PIPE),
                            stderr=kw.pop("stderr", subprocess.PIPE), text=True,
                            start_new_session=True, cwd=kw.pop("cwd", ROOT), **kw)


def stop_group(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL the whole process group (the server's app processes too)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def fetch(url: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def server(tmp_path):
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    proc = chaishop("--size", "200000", "serve", "--port", str(port), stdout=log,
                    stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        yield proc, f"http://127.0.0.1:{port}/"
    finally:
        stop_group(proc)
        log.close()


@pytest.mark.parametrize("args, message", [
    (["serve", "--host", "0.0.0.0"], "add --public"),
    (["serve", "--host", "192.0.2.1"], "add --public"),
    (["serve", "--port", "0"], "out of range"),
    (["serve", "--port", "http"], "not a whole number"),
    (["serve", "--port", "99999"], "out of range"),
])
def test_serve_refuses(args, message):
    proc = chaishop(*args)
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        stop_group(proc)
    assert proc.returncode == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_the_served_command_keeps_the_shop_options():
    from chaishop.cli import build_parser, shop_argv
    from chaishop.serve import app_command, is_loopback

    parser = build_parser()
    args = parser.parse_args(["--mode", "processes", "--baristas", "4",
                              "--screenshot-dir", "my shots", "serve", "--port", "9000"])
    assert app_command(shop_argv(args, parser)) == (
        f"{shlex.quote(sys.executable)} -m chaishop --mode processes --baristas 4 --screenshot-dir 'my shots'")
    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "127.1.2.3"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.0.2.1"]))


def test_serve_refuses_a_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        proc = chaishop("serve", "--port", str(taken.getsockname()[1]))
        try:
            out, err = proc.communicate(timeout=20)
        finally:
            stop_group(proc)
    assert proc.returncode == 2 and err.count("\n") == 1 and "cannot listen" in err


def test_serve_gives_textual_serves_page(server):
    proc, url = server
    page = fetch(url, timeout=15)
    assert 'class="textual-terminal"' in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{url.split(":")[2]}ws"' in page
    assert "chaishop" in page  # the title we gave
    assert "textual.js" in page
    assert proc.poll() is None


HOOK = """
Object.defineProperty(Object.prototype, 'fitAddon', {
  configurable: true,
  set(value) {  // textual-serve's client does this.fitAddon = ...: keep a handle on it
    Object.defineProperty(this, 'fitAddon', {value, writable: true, configurable: true,
                                             enumerable: true});
    window.__textualClient = this;
  },
});
"""

SCREEN = """(() => {
  const term = window.__textualClient && window.__textualClient.terminal;
  if (!term) return null;
  const rows = [];
  for (let y = 0; y < term.rows; y++) {
    const line = term.buffer.active.getLine(y);
    rows.push(line ? line.translateToString(true) : '');
  }
  return rows.join('\\n');
})()"""


class Chromium:
    """Headless Chromium driven over the DevTools pipe."""

    def __init__(self, profile: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def onto_3_and_4():  # Chromium reads commands on fd 3 and answers on fd 4
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-quic", f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "--window-size=1280,800", "about:blank"],
            pass_fds=(3, 4), preexec_fn=onto_3_and_4, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._id = 0

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 15.0) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply["result"]
            if select.select([self._from_chrome], [], [], 0.2)[0]:
                data = os.read(self._from_chrome, 1 << 20)
                if not data:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buffer += data
        raise TimeoutError(method)

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
            self.proc.wait(5)
        except (OSError, RuntimeError, TimeoutError, subprocess.TimeoutExpired):
            pass
        stop_group(self.proc, grace=0)
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_APP, reason="the shop app (chaishop/ui/app.py) is not there yet")
def test_the_shop_appears_in_a_browser(server, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium not installed: apt-get install chromium")
    proc, url = server
    fetch(url, timeout=15)
    browser = Chromium(tmp_path / "profile")
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        tab = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        session = tab["sessionId"]
        browser.call("Page.enable", {}, session)  # else the hook below is not injected
        browser.call("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK}, session)
        browser.call("Page.navigate", {"url": url}, session)
        screen, deadline = None, time.monotonic() + 30
        while time.monotonic() < deadline and not (screen and SHOP_TEXT in screen):
            time.sleep(0.3)
            reply = browser.call("Runtime.evaluate",
                                 {"expression": SCREEN, "returnByValue": True}, session)
            screen = reply["result"].get("value")
        shot = browser.call("Page.captureScreenshot", {}, session)
        (tmp_path / "browser.png").write_bytes(base64.b64decode(shot["data"]))
        assert screen and SHOP_TEXT in screen, f"the shop did not appear; screen: {screen!r}"
        assert "chaishop" in screen
        app_procs = [p for p in psutil.Process(proc.pid).children(recursive=True)]
        assert any("chaishop" in " ".join(p.cmdline()) for p in app_procs)  # one per tab
    finally:
        browser.close()
