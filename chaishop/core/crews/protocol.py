"""The words remote baristas and the engine exchange, whatever carries them.

Its own module so that what runs inside a barista (a process, a
subinterpreter, a Dask task) imports these names and nothing else of the crews.
"""

NEXT = "next"  # barista -> engine: give me the next order
CANCEL = "cancel"  # engine -> barista: stop at your next chunk
KNOCK = "knock"  # engine -> barista: fail at your next chunk (the k key)
