"""The front of house: the Textual app (imports Textual; chaishop.core never does).

One widget per file (``BaristaPane`` in barista_pane.py, ``StopwatchPanel`` in stopwatch.py, …), the
app in app.py with its keys (actions.py), its drain of the kitchen's events (feed.py) and its
watch over the kitchen (supervision.py); styles in shop.tcss and screens.tcss; the words
shown to people about each lesson in lesson_notes.py.
"""
