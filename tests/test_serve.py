"""``chaishop serve``: refuses what it must, serves textual-serve's page, and a
real (headless) Chromium shows the shop.

The browser is driven by Playwright (the test extra) launching Debian's
Chromium (``executable_path``; ``playwright install`` is never needed).  The
page's xterm.js draws on a canvas, so the DOM holds no text; a script injected
before the page loads catches textual-serve's client object when it sets its
``fitAddon`` and we read the screen from ``client.terminal.buffer``.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from testkit import free_port, start_chaishop, stop_group

CHROMIUM = "/usr/bin/chromium"  # Debian's package (apt-get install chromium)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SHOP_TEXT = "crew 2"  # in the shop's header line


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
    proc = start_chaishop("--size", "200000", "serve", "--port", str(port), stdout=log,
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
    proc = start_chaishop(*args)
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
        proc = start_chaishop("serve", "--port", str(taken.getsockname()[1]))
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


def launch_chromium(playwright):
    """Debian's Chromium (never a downloaded one: no ``playwright install``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.mark.slow
def test_the_shop_appears_in_a_browser(server, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (as .ci/run does)")
    from playwright.sync_api import sync_playwright

    proc, url = server
    fetch(url, timeout=15)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(HOOK)
            page.goto(url)
            try:
                page.wait_for_function(f"(({SCREEN}) || '').includes({SHOP_TEXT!r})",
                                       timeout=30_000, polling=300)
            finally:
                page.screenshot(path=str(tmp_path / "browser.png"))
            screen = page.evaluate(SCREEN)
            # While the tab is open: a visitor's shop ends as soon as its tab closes.
            app_procs = psutil.Process(proc.pid).children(recursive=True)
            cmdlines = []
            for p in app_procs:
                try:
                    cmdlines.append(" ".join(p.cmdline()))
                except psutil.Error:
                    pass  # a short-lived helper process that ended meanwhile
        finally:
            browser.close()
    assert screen and SHOP_TEXT in screen, f"the shop did not appear; screen: {screen!r}"
    assert "chaishop" in screen
    assert any("chaishop" in c for c in cmdlines)  # one per tab
