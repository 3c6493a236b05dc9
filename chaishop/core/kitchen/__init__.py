"""The kitchen process and its supervision: start, heal, end, and multiprocessing done carefully."""
