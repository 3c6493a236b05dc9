"""Measurement: the stopwatch, speed-ups, the timeline and trace, and what the OS says (GIL, loop lag, lanes, memory, noise, CPU)."""
