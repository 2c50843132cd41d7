"""Shared pieces of the benchmarks: servers in subprocesses, the machine, results.

Every benchmark compares autoui with a baseline measured in the same run, round robin
(one run of each, then the next round), so that whatever else the machine is doing
weighs on both; it reports medians and the ratio, and the load average while it ran.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
SPECS = Path(os.environ.get("AUTOUI_BIG_SPECS", ROOT.parent / "shared" / "specs" / "big"))
BIG = {
    "github": SPECS / "github" / "api.github.com.2022-06-11.json",
    "kubernetes": SPECS / "kubernetes" / "swagger.json",
}
NOWHERE = "http://127.0.0.1:9"  # a base URL for specs whose calls are never made
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), cpu)
    import gradio

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "gradio": gradio.__version__,
        "platform": platform.platform(),
    }


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def median(values: Sequence[float]) -> float:
    return round(statistics.median(values), 4)


def save(name: str, data: dict[str, Any]) -> Path:
    """benchmarks/results/NAME.json, with the machine and the time of the run."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {"benchmark": name, "when": time.strftime("%Y-%m-%d %H:%M:%S"), **data}
    document["machine"] = machine()
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")
    return path


class Server:
    """A server in a subprocess of its own, on a free port, until `stop()`."""

    def __init__(
        self, args: Sequence[str], ready: str = "/", *, timeout: float = 600, name: str = ""
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.name = name or Path(args[0]).name
        CACHE.mkdir(exist_ok=True)
        self.log = (CACHE / f"server-{self.port}.log").open("w")
        command = [a.replace("{port}", str(self.port)) for a in args]
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            command,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
            env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
        )
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{command} died:\n{Path(self.log.name).read_text()[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + ready, timeout=120).status_code == 200:
                    break
            if time.perf_counter() - started > timeout:
                self.stop()
                raise TimeoutError(f"{command} not ready in {timeout} s")
            time.sleep(0.2)
        self.startup_s = time.perf_counter() - started

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB."""
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return round(int(line.split()[1]) / 1024, 1)
        return -1.0

    def cpu_s(self) -> float:
        """CPU seconds (user + system, all threads) the server process has used so far:
        where a burst of calls spends the machine's two cores."""
        with open(f"/proc/{self.proc.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def settle(self, timeout: float = 300) -> None:
        """Wait until the server is idle: its background work done (autoui validates
        the spec in a child process and builds a navigator page's endpoints in a thread
        after it starts serving), so that it does not weigh on what is measured next."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.cpu_s()
            time.sleep(0.5)
            if self.cpu_s() - before < 0.03 and self._group_size() == 1:
                return

    def _group_size(self) -> int:
        """Processes in the server's process group (it and the children it started)."""
        count = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == self.proc.pid:
                    count += 1
        return count

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def autoui_serve(spec: str | Path, *extra: str, base_url: str = NOWHERE) -> list[str]:
    """The command line of `autoui serve` on `{port}`."""
    command = [sys.executable, "-m", "autoui", "serve", str(spec), "--base-url", base_url]
    return [*command, "--port", "{port}", "-q", *extra]


def baseline(kind: str, *extra: str) -> list[str]:
    """The command line of one of the hand-written baselines in `benchmarks/baselines.py`."""
    return [sys.executable, str(HERE / "baselines.py"), kind, "--port", "{port}", *extra]


@contextlib.contextmanager
def servers(*pairs: tuple[str, list[str], str]) -> Iterator[dict[str, Server]]:
    """Start (name, command, ready path) servers one after the other; stop them all."""
    started: dict[str, Server] = {}
    try:
        for name, command, ready in pairs:
            started[name] = Server(command, ready, name=name)
        yield started
    finally:
        for server in started.values():
            server.stop()


def in_workers(
    task: Callable[..., dict[str, Any]],
    calls: Sequence[tuple[Any, tuple[Any, ...]]],
    *,
    jobs: int,
    timeout: float,
    initializer: Callable[[], None],
    batch: int = 0,
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """`task(*args)` for each `(key, args)` of `calls` in worker processes, `jobs` at a
    time, yielding `(key, result)` as each finishes, so that one pathological input cannot
    hang or end the run: a task that raises gives `{"error": ...}`, and when none finishes
    for `timeout` seconds the running ones give `{"error": "no result within ..."}` and
    their processes are killed (the calls not started go to a new pool). A new pool every
    `batch` calls (0: never) gives back the memory tasks leave behind.
    """
    pending = list(calls)
    while pending:
        size = batch or len(pending)
        current, pending = pending[:size], pending[size:]
        executor = ProcessPoolExecutor(max_workers=jobs, initializer=initializer)
        futures = {executor.submit(task, *args): (key, args) for key, args in current}
        waiting = set(futures)
        while waiting:
            done, waiting = wait(waiting, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    outcome = future.result()
                except Exception as exc:
                    outcome = {"error": f"{type(exc).__name__}: {exc}"[:500]}
                yield futures[future][0], outcome
            if not done:  # nothing finished within the limit: the running ones are stuck
                for future in waiting:
                    if future.running():
                        yield futures[future][0], {"error": f"no result within {timeout:g} s"}
                    else:
                        pending.append(futures[future])
                for process in list((getattr(executor, "_processes", None) or {}).values()):
                    process.kill()
                break
        executor.shutdown(wait=False, cancel_futures=True)
