"""What the operating system says about the shop: observers, never baristas.

    lanes.py   per-barista time on a core / waiting for a core (Linux schedstat,
               psutil per-thread CPU times elsewhere)
    noise.py   CPU other programs (and the hypervisor) used during a run
    memory.py  RSS of the kitchen and its children, OS threads, during a run
"""
