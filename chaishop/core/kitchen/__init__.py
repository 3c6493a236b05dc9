"""The kitchen process and its supervision: start, heal, end, and multiprocessing done carefully.

process.py runs inside the kitchen (its command loop), client.py is the front
of house's handle on it (Kitchen), supervisor.py heals it; what they say to
each other is core.protocol's.
"""
