"""The words remote baristas and the engine exchange, whatever carries them.

    barista (a process, a subinterpreter, a Dask task) --NEXT----------> engine (RemoteCrew)
    engine --the next Order, or None-----------------------------------> barista
    engine --CANCEL (stop at your next chunk) / KNOCK (fail at it)-----> barista

These stay inside the engine (the kitchen process and its baristas), never
reach the front of house, and are plain strings, not dataclasses: the
subinterpreter link sends them in ``marshal`` tuples, which carry plain values
only (core.crews.interpreter_barista adds its framing words there).  Imported
by what runs inside a barista: it imports nothing.
"""

NEXT = "next"  # barista -> engine: give me the next order
CANCEL = "cancel"  # engine -> barista: stop at your next chunk
KNOCK = "knock"  # engine -> barista: fail at your next chunk (the k key)
