"""Where a server's CPU goes during a benchmark: py-spy on its process, summarised.

Used by `calls.py --profile`. py-spy (`pip install py-spy`, a registry wheel with its
binary) is a tool of the benchmarks, not a dependency of autoui. Samples are taken
only while a thread holds the GIL (`--gil`): on two cores, time spent holding it is
what the other requests wait for.
"""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from common import CACHE


class Profile:
    """py-spy recording process `pid` until `stop()`, raw folded stacks in .cache."""

    def __init__(self, pid: int, name: str) -> None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        self.path = CACHE / f"profile-{name}.txt"
        options = ["--gil", "--nonblocking", "--rate", "200", "--format", "raw"]
        self.proc = subprocess.Popen(
            [spy, "record", "--pid", str(pid), *options, "-o", str(self.path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> dict[str, object]:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(60)
        return summary(self.path)


# Gradio calls the event's function (autoui's endpoint, the hand-written one) here.
HANDLER = "function_wrapper.<locals>.wrapper (gradio/utils.py"


def summary(path: Path, top: int = 10) -> dict[str, object]:
    """Shares of the samples: inside the handler (the function Gradio calls, with
    everything it calls), and by the package of the innermost frame (`asyncio`,
    `gradio`, `requests`, `autoui`, ...)."""
    total = handler = 0
    where: collections.Counter[str] = collections.Counter()
    in_handler: collections.Counter[str] = collections.Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames, samples = stack.split(";"), int(count)
        total += samples
        where[_package(frames[-1])] += samples
        if any(HANDLER in frame for frame in frames):
            handler += samples
            in_handler[_package(frames[-1])] += samples
    total = max(total, 1)
    return {
        "samples_holding_gil": total,
        "share_in_handler": round(handler / total, 3),
        "handler_by_innermost_package": {
            k: round(v / total, 3) for k, v in in_handler.most_common(top)
        },
        "share_by_innermost_package": {k: round(v / total, 3) for k, v in where.most_common(top)},
    }


def _package(frame: str) -> str:
    """`HTTPAdapter.send (requests/adapters.py:748)` -> `requests`."""
    where = frame[frame.rfind("(") + 1 :].split(":")[0]
    return where.split("/")[0].removesuffix(".py")
