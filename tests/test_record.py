"""Recording to asciicast v2: headless, interactive (through a pty), stopped, refused.

The recorder always runs as its own process here, with stdin not a terminal
(headless, as in CI) or with a pty we hold as its terminal (interactive), so a
test never touches the terminal pytest runs in.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import psutil
import pytest

from testkit import stop_group, wait_until

ROOT = Path(__file__).resolve().parents[1]
HAS_APP = (ROOT / "chaishop" / "ui" / "app.py").exists()
RECORDER = [sys.executable, "-m", "chaishop.record"]

# Prints coloured text (with a ☕ split across two writes), waits, prints again.
STANDIN = r"""
import os, sys, time
print("\x1b[31mfirst red chai\x1b[0m", os.get_terminal_size(), flush=True)
time.sleep(0.3)
cup = "split ☕ cup".encode()
sys.stdout.buffer.write(cup[:8]); sys.stdout.flush(); time.sleep(0.1)
sys.stdout.buffer.write(cup[8:] + b"\n"); sys.stdout.flush()
print("\x1b[32msecond green chai\x1b[0m", flush=True)
"""

# Writes its pid and a grandchild's pid, ignores SIGTERM: only SIGKILL of the group ends it.
STUBBORN = r"""
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
kid = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
open(sys.argv[1], "w").write(f"{os.getpid()} {kid.pid}")
print("stubborn brewing", flush=True)  # after the pids: the test reads them on seeing this
while True:
    print(".", end="", flush=True)
    time.sleep(0.1)
"""

# Raw-mode key reader: echoes each key and every resize; q quits.
KEYS = r"""
import os, signal, termios, tty
signal.signal(signal.SIGWINCH, lambda *a: print("size", *os.get_terminal_size(), end="\r\n", flush=True))
old = termios.tcgetattr(0)
tty.setraw(0)
try:
    print("ready", end="\r\n", flush=True)
    while True:
        try:
            key = os.read(0, 16)
        except InterruptedError:
            continue
        print("key", repr(key), end="\r\n", flush=True)
        if key == b"q":
            break
finally:
    termios.tcsetattr(0, termios.TCSADRAIN, old)
"""


def load_cast(path: Path) -> tuple[dict, list[list]]:
    """Parse and check an asciicast v2 file; return (header, events)."""
    raw = path.read_text(encoding="utf-8")
    assert raw.endswith("\n"), "last line is not complete"
    lines = raw.splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2
    assert isinstance(header["width"], int) and isinstance(header["height"], int)
    assert abs(header["timestamp"] - time.time()) < 600
    assert isinstance(header["title"], str)
    assert set(header["env"]) == {"TERM", "SHELL"}
    events = [json.loads(line) for line in lines[1:]]
    last = 0.0
    for t, kind, data in events:
        assert isinstance(t, (int, float)) and t >= last, "times go backwards"
        assert kind in ("o", "r", "m") and isinstance(data, str)
        last = t
    return header, events


def output(events) -> str:
    return "".join(data for _, kind, data in events if kind == "o")


def recorded_so_far(path: Path) -> str:
    """The output recorded up to now, read while the recorder is still writing."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")[1:-1]  # complete event lines
    except FileNotFoundError:
        return ""
    return output(json.loads(line) for line in lines)


def headless(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            cwd=kw.pop("cwd", ROOT), **kw)


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_headless_recording_is_valid_v2(tmp_path):
    cast = tmp_path / "standin.cast"
    proc = headless([*RECORDER, str(cast), "--geometry", "90x20", "--title", "stand-in", "--",
                     sys.executable, "-c", STANDIN])
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        stop_group(proc)
    assert proc.returncode == 0, err
    assert out == "" and err == ""  # headless: nothing mirrored
    header, events = load_cast(cast)
    assert (header["width"], header["height"], header["title"]) == (90, 20, "stand-in")
    text = output(events)
    assert "\x1b[31mfirst red chai\x1b[0m" in text
    assert "columns=90, lines=20" in text  # the command saw the chosen geometry
    assert "split ☕ cup" in text and "\ufffd" not in text  # ☕ split across reads, intact
    assert "second green chai" in text
    assert events[-1][0] >= 0.3  # the command's own pause is in the timings


def test_exit_code_is_the_commands(tmp_path):
    proc = headless([*RECORDER, str(tmp_path / "x.cast"), "--",
                     sys.executable, "-c", "print('bye'); raise SystemExit(3)"])
    try:
        proc.communicate(timeout=20)
    finally:
        stop_group(proc)
    assert proc.returncode == 3
    assert "bye" in output(load_cast(tmp_path / "x.cast")[1])


def test_sigterm_leaves_a_valid_file_and_no_process(tmp_path):
    cast, pids = tmp_path / "stopped.cast", tmp_path / "pids"
    proc = headless([*RECORDER, str(cast), "--", sys.executable, "-c", STUBBORN, str(pids)])
    try:
        assert wait_until(lambda: "stubborn brewing" in recorded_so_far(cast), 15)
        child, grandchild = map(int, pids.read_text().split())
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)  # 2 s grace, then SIGKILL of the group
    finally:
        stop_group(proc)
    assert proc.returncode == 128 + signal.SIGKILL  # the command's fate, as a shell reports it
    assert wait_until(lambda: gone(child) and gone(grandchild), 3)
    header, events = load_cast(cast)
    assert (header["width"], header["height"]) == (120, 36)  # headless default
    assert "stubborn brewing" in output(events)


@pytest.mark.parametrize("where", ["missing-dir/x.cast", "."])
def test_unwritable_path_is_refused_before_starting(tmp_path, where):
    marker = tmp_path / "started"
    target = tmp_path / where
    proc = headless([*RECORDER, str(target), "--", sys.executable, "-c",
                     f"open({str(marker)!r}, 'w')"])
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        stop_group(proc)
    assert proc.returncode == 2
    assert err.count("\n") == 1 and "cannot write" in err and "Traceback" not in err
    assert not marker.exists()
    assert not (tmp_path / "missing-dir").exists()


def test_chaishop_record_refuses_unwritable_path(tmp_path):
    proc = headless([sys.executable, "-m", "chaishop", "--record",
                     str(tmp_path / "no" / "x.cast")])
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        stop_group(proc)
    assert proc.returncode == 2 and err.count("\n") == 1 and "cannot write" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, message", [
    (["--geometry", "100x30"], "use it with --record"),
    (["--record", "x.cast", "--geometry", "wide"], "not WIDTHxHEIGHT"),
    (["--record", "x.cast", "bench"], "put no subcommand"),
])
def test_chaishop_record_bad_options(tmp_path, argv, message):
    proc = headless([sys.executable, "-m", "chaishop", *argv], cwd=tmp_path)
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        stop_group(proc)
    assert proc.returncode == 2 and err.count("\n") == 1 and message in err
    assert list(tmp_path.iterdir()) == []


class Terminal:
    """A pty we hold as the recorder's terminal: we type into it and read the mirror.

    A thread keeps reading, as a real terminal does; a full pty would block the
    recorder's mirror writes.
    """

    def __init__(self, args: list[str], width: int, height: int, cwd: Path = ROOT):
        self.master, slave = os.openpty()
        self.resize(width, height)
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True, cwd=cwd)
        os.close(slave)
        self.seen = b""
        self._reader = threading.Thread(target=self._read, name="test-terminal", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the recorder has gone; EBADF: closed
                return
            if not data:
                return
            self.seen += data

    def resize(self, width: int, height: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def read_until(self, text: bytes, timeout: float) -> bool:
        return wait_until(lambda: text in self.seen, timeout)

    def close(self) -> None:
        stop_group(self.proc)
        self._reader.join(5)
        os.close(self.master)


def test_interactive_keys_pass_through_and_resizes_are_recorded(tmp_path):
    cast = tmp_path / "keys.cast"
    term = Terminal([*RECORDER, str(cast), "--", sys.executable, "-c", KEYS], 100, 30)
    try:
        assert term.read_until(b"ready", 15)  # mirrored to our terminal
        term.resize(130, 40)
        term.proc.send_signal(signal.SIGWINCH)  # what the kernel does for a real terminal
        assert term.read_until(b"size 130 40", 10)
        os.write(term.master, b"a")
        assert term.read_until(b"key b'a'", 10)
        os.write(term.master, b"q")
        assert term.proc.wait(10) == 0
        lflag = termios.tcgetattr(term.master)[3]
        assert lflag & termios.ECHO and lflag & termios.ICANON  # raw mode was undone
    finally:
        term.close()
    header, events = load_cast(cast)
    assert (header["width"], header["height"]) == (100, 30)  # followed our terminal
    assert any(e[1:] == ["r", "130x40"] for e in events)
    text = output(events)
    assert "size 130 40" in text and "key b'a'" in text and "key b'q'" in text


@pytest.mark.slow
@pytest.mark.skipif(not HAS_APP, reason="the shop app (chaishop/ui/app.py) is not there yet")
def test_records_the_real_shop_headless(tmp_path):
    cast = tmp_path / "shop.cast"
    proc = headless([sys.executable, "-m", "chaishop", "--record", str(cast),
                     "--geometry", "120x36", "--size", "200000"], cwd=tmp_path)
    try:
        assert wait_until(lambda: "crew 2" in recorded_so_far(cast), 15)
        proc.send_signal(signal.SIGTERM)  # headless: no q to press; the app quits on SIGTERM
        out, err = proc.communicate(timeout=10)
    finally:
        stop_group(proc)
    header, events = load_cast(cast)
    assert (header["width"], header["height"]) == (120, 36)
    assert header["title"].startswith("chaishop")
    text = output(events)
    assert "\x1b[?1049h" in text  # the app drew in the alternate screen...
    assert "crew 2" in text and "☕" in text  # ...the shop's header
    assert out == "", "headless recording mirrored output"


@pytest.mark.slow
@pytest.mark.skipif(not HAS_APP, reason="the shop app (chaishop/ui/app.py) is not there yet")
def test_q_through_the_recorder_quits_the_real_shop(tmp_path):
    cast = tmp_path / "shop-q.cast"
    term = Terminal([sys.executable, "-m", "chaishop", "--record", str(cast), "--size",
                     "200000"], 120, 36, cwd=tmp_path)
    try:
        assert term.read_until(b"crew 2", 15)
        time.sleep(0.5)  # let the app settle before the key
        os.write(term.master, b"q")
        assert term.proc.wait(10) == 0
    finally:
        term.close()
    header, events = load_cast(cast)
    assert (header["width"], header["height"]) == (120, 36)
    assert "\x1b[?1049l" in output(events)  # the app left the alternate screen itself
