"""The cyclic garbage collector tuned for a service process's throughput.

With the interpreter's default (a young-generation pass every 700 net allocations) a batch of
a few hundred parsed events — each an envelope, its event, their datetimes and ids — triggers
many passes that walk the same surviving objects again and again: a third or more of a
projection's time on these 2 cores. A service process instead moves everything alive at its
start (modules, the app) out of the collector's view (``gc.freeze``) and lets the young
generation grow to ``YISHI_GC_GEN0_THRESHOLD`` allocations (50,000 by default; 0 keeps the
interpreter's thresholds). Reference counting still frees almost everything at once; only
cycles wait a little longer.
"""

import gc
import logging
import os

log = logging.getLogger(__name__)

GEN0_THRESHOLD = 50_000


def tune_collector() -> None:
    """Call once a process has imported what it serves with, before it starts serving."""
    raw = os.environ.get("YISHI_GC_GEN0_THRESHOLD", str(GEN0_THRESHOLD)).strip()
    try:
        gen0 = int(raw)
    except ValueError:
        log.warning("YISHI_GC_GEN0_THRESHOLD=%r is not a number: using %d", raw, GEN0_THRESHOLD)
        gen0 = GEN0_THRESHOLD
    if gen0 <= 0:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(gen0, 20, 100)
