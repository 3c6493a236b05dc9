"""GIF and animated SVG recordings: replay a terminal stream, write frames, convert, CLI.

Small casts are written by the tests (known text, colours, timings), so each
assertion can say what a viewer must see; one slow test records the real tour
headless, as CI does, and checks the Done-when of issue 13.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from chaishop.cli import main
from chaishop.recordings import cast as cast_file
from chaishop.recordings import terminal
from chaishop.recordings.convert import ConvertError, convert
from chaishop.recordings.raster import Painter

RED_BG = "\x1b[48;2;200;0;0m"
RESET = "\x1b[0m"


def write_cast(path: Path, events, width=20, height=4, cut_last=False) -> Path:
    lines = [json.dumps({"version": 2, "width": width, "height": height})]
    lines += [json.dumps(e) for e in events]
    text = "\n".join(lines) + "\n"
    if cut_last:
        text = text[:-8]  # the recorder was killed mid-line
    path.write_text(text)
    return path


def steps_cast(tmp_path: Path) -> Path:
    """Five screens a second apart: a counter, then a red block and a bar."""
    events = [[0.1, "o", "\x1b[H\x1b[2Jcount 0"]]
    events += [[0.1 + n, "o", f"\x1b[1;7H{n}"] for n in range(1, 4)]
    events += [[4.2, "o", f"\x1b[3;1H{RED_BG}   {RESET} ████ ─│"]]
    return write_cast(tmp_path / "steps.cast", events)


def gif_frames(path: Path) -> list[tuple[Image.Image, int]]:
    im = Image.open(path)
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append((im.convert("RGB"), im.info["duration"]))
    return out


def test_replay_takes_one_frame_per_change_and_merges_writes_of_one_slot(tmp_path):
    events = [[0.50, "o", "a"], [0.52, "o", "b"], [0.55, "o", "c"], [2.0, "o", "d"]]
    frames = list(terminal.replay(cast_file.read(write_cast(tmp_path / "c.cast", events)), 10))
    texts = ["".join(c.char for c in f.rows[0]).strip() for f in frames]
    assert texts == ["", "abc", "abcd"]  # blank start; 3 writes in one 0.1 s slot; the last
    assert [f.t for f in frames] == [0.0, 0.5, 2.0]


def test_gif_shows_what_the_terminal_showed_with_its_timing(tmp_path):
    out = tmp_path / "steps.gif"
    done = convert(steps_cast(tmp_path), out, fps=10, font_size=16)
    assert done.bytes == out.stat().st_size and done.frames >= 6
    frames = gif_frames(out)
    assert len(frames) == done.frames
    painter = Painter(16)
    assert frames[0][0].size == painter.size(20, 4)
    total_ms = sum(d for _, d in frames)
    assert abs(total_ms - (4200 + 3000)) <= 20  # the real timing, then a 3 s hold at the end
    final = Image.open(out)
    final.seek(final.n_frames - 1)
    final = final.convert("RGB")
    cw, ch = painter.cell_w, painter.cell_h
    r, g, b = final.getpixel((cw + cw // 2, 2 * ch + ch // 2))  # inside the red cells
    assert r > 150 and g < 40 and b < 40
    bar = final.getpixel((5 * cw + 1, 2 * ch + 1))  # a full block fills its cell's corner
    assert min(bar) > 150, bar


def test_gif_text_is_drawn_in_the_font(tmp_path):
    out = tmp_path / "t.gif"
    convert(write_cast(tmp_path / "t.cast", [[0.1, "o", "\x1b[1;1HMMMM"]]), out)
    im = Image.open(out)
    im.seek(im.n_frames - 1)
    px = im.convert("L").crop((0, 0, 40, 20))
    assert px.getextrema()[1] > 150  # bright glyph pixels on the dark background


def test_svg_is_valid_xml_with_one_keyframe_per_frame(tmp_path):
    out = tmp_path / "steps.svg"
    done = convert(steps_cast(tmp_path), out)
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    style = root.find("{http://www.w3.org/2000/svg}style").text
    assert "@keyframes" in style and "infinite" in style
    assert len(re.findall(r"translateY\(", style)) == done.frames + 1  # + the 100 % stop
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "count" in texts and "3" in texts
    assert 'fill="#c80000"' in out.read_text()  # the red background


def test_svg_frame_renders(tmp_path):
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # not installed, or no libcairo on this system
        pytest.skip(f"cairosvg cannot render here: {exc}")
    out = tmp_path / "steps.svg"
    convert(steps_cast(tmp_path), out)
    png = tmp_path / "first.png"
    cairosvg.svg2png(url=str(out), write_to=str(png))  # no animation: the first frame
    assert Image.open(png).size[0] > 100


def test_a_cast_cut_mid_line_still_converts(tmp_path):
    src = write_cast(tmp_path / "cut.cast", [[0.1, "o", "hi"], [0.5, "o", "there"]],
                     cut_last=True)
    assert convert(src, tmp_path / "cut.gif").frames >= 2


@pytest.mark.parametrize("content, message", [
    ("", "is empty"),
    ("not json\n", "no asciicast v2 header"),
    ('{"version": 1, "width": 2, "height": 2}\n', "only asciicast version 2"),
    ('{"version": 2, "width": 2, "height": 2}\n[1, "o"\n[2, "o", "x"]\n', "line 2"),
])
def test_bad_casts_are_one_line_errors(tmp_path, content, message):
    src = tmp_path / "bad.cast"
    src.write_text(content)
    with pytest.raises(ConvertError, match=message):
        convert(src, tmp_path / "x.gif")


@pytest.mark.parametrize("argv, message", [
    (["convert", "missing.cast", "x.gif"], "cannot read"),
    (["convert", "{cast}", "x.png"], "ends in .cast, .gif or .svg"),
    (["convert", "{cast}", "x.gif", "--fps", "0"], "out of range"),
    (["convert", "{cast}", "x.gif", "--font-size", "200"], "out of range"),
    (["convert", "{cast}", "/no/such/dir/x.gif"], "cannot write"),
    (["--record", "/no/such/dir/x.gif"], "cannot write"),
])
def test_bad_convert_and_record_values_exit_2_with_one_line(tmp_path, capsys, monkeypatch,
                                                            argv, message):
    monkeypatch.chdir(tmp_path)
    cast = str(steps_cast(tmp_path))
    with pytest.raises(SystemExit) as exc:
        main([a.format(cast=cast) for a in argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err


def test_convert_command_writes_and_says_so(tmp_path, capsys):
    out = tmp_path / "out.svg"
    assert main(["convert", str(steps_cast(tmp_path)), str(out), "--fps", "5"]) == 0
    assert out.exists() and "frames" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["gif", "svg"])
def test_demo_records_an_animated_gif_or_svg_headless(tmp_path, suffix):
    out = tmp_path / f"tour.{suffix}"
    # Speed 25: a 6 s tour of some 50 distinct frames (measured); the speed is not the point.
    proc = subprocess.run([sys.executable, "-m", "chaishop", "demo", "--speed", "25",
                           "--record", out.name, "--geometry", "readme"],
                          stdin=subprocess.DEVNULL, capture_output=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temp cast left
    if suffix == "gif":
        im = Image.open(out)
        assert im.is_animated and im.n_frames >= 30
        assert im.size == Painter(15).size(90, 28)
    else:
        style = ET.parse(out).getroot().find("{http://www.w3.org/2000/svg}style").text
        assert style.count("translateY") >= 10
