"""The server's memory after a large build (`autoui.gcpause`)."""

from __future__ import annotations

import gc

from autoui.gcpause import trim_heap


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmRSS"))
    return int(kb) / 1024


def test_trim_heap_gives_freed_memory_back_to_the_system() -> None:
    """What a large build leaves behind: many blocks freed between ones still in use,
    which glibc keeps in its heap (RSS stays up) until `malloc_trim`."""
    blocks = [bytearray(4000) for _ in range(50_000)]  # ~200 MB, in glibc's heap
    kept = blocks[::10]
    del blocks
    gc.collect()
    before = rss_mb()
    trim_heap()
    after = rss_mb()
    assert len(kept) == 5_000
    assert before - after > 100, (before, after)
