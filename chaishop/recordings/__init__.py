"""Recordings beyond asciicast: GIF and animated SVG, made from a ``.cast``.

    chaishop demo --record tour.gif ──▶ chaishop.record (pty) ──▶ temp .cast ─┐
    chaishop convert tour.cast tour.gif|svg ─────────────────────────────────┤
                                                                            ▼
    cast.read ──[t, "o", text]──▶ terminal.replay (pyte) ──Frame(t, rows)──▶ gif.write  (Pillow)
                                                                        └──▶ svg.write  (CSS keyframes)

One replay of the terminal stream feeds both writers; ``convert.convert``
chooses the writer by the output's extension.
"""
