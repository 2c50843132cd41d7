"""Calls through gradio_client: autoui's overhead per call, and 64 calls at once.

    python benchmarks/calls.py [--calls 200] [--rounds 5]

Both autoui (`autoui serve` of the backend's own /openapi.json) and a hand-written
Gradio app (`baselines.py handwritten`: a `gr.api` function calling the backend with
`requests`) front the same backend (`baselines.py backend`).

1. Overhead: `--calls` calls of `/generate` (answers at once) through one
   gradio_client per app, alternating between the apps (ABBA), after a warm-up;
   the median per call and its ratio.
2. Concurrency: 64 gradio_client calls of `/slow` (0.5 s in the backend) started at
   once, each from a client of its own, `--rounds` times per app, alternating;
   the median total time, its ratio, and how many answers were right (none lost).
"""

from __future__ import annotations

import argparse
import contextlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from common import Server, autoui_serve, baseline, load_average, median, save, servers
from gradio_client import Client
from spy import Profile

PROMPT = "hello world"
ANSWER = PROMPT[::-1]
AT_ONCE = 64


def overhead(clients: dict[str, Client], apps: dict[str, Server], calls: int) -> dict[str, Any]:
    for client in clients.values():  # warm-up: connections, sessions, caches
        for _ in range(20):
            assert client.predict(prompt=PROMPT, api_name="/generate") == ANSWER
    times: dict[str, list[float]] = {name: [] for name in clients}
    names = list(clients)
    loads = []
    cpu = {name: app.cpu_s() for name, app in apps.items()}
    for i in range(calls):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            started = time.perf_counter()
            result = clients[name].predict(prompt=PROMPT, api_name="/generate")
            times[name].append(time.perf_counter() - started)
            assert result == ANSWER, result
        if i % 50 == 0:
            loads.append(load_average())
    medians = {name: median(values) for name, values in times.items()}
    per_call = {
        name: round((app.cpu_s() - cpu[name]) / calls * 1000, 2) for name, app in apps.items()
    }
    return {
        "calls": calls,
        "server_cpu_ms_per_call": per_call,
        "median_s": medians,
        "ratio": round(medians["autoui"] / medians["handwritten"], 3),
        "load_average": loads,
    }


def burst(clients: list[Client]) -> tuple[float, int]:
    """Total seconds for one call per client, all started at once; right answers."""
    barrier = threading.Barrier(len(clients) + 1)

    def one(index: int) -> bool:
        barrier.wait()
        try:
            prompt = f"{PROMPT} {index}"
            return bool(clients[index].predict(prompt=prompt, api_name="/slow") == prompt[::-1])
        except Exception as exc:  # counted as lost
            print(f"call {index} failed: {type(exc).__name__}: {exc}")
            return False

    with ThreadPoolExecutor(len(clients)) as pool:
        futures = [pool.submit(one, i) for i in range(len(clients))]
        barrier.wait()
        started = time.perf_counter()
        right = sum(f.result() for f in futures)
        return time.perf_counter() - started, right


def concurrency(
    apps: dict[str, Server], backend: Server, rounds: int, profile: bool = False
) -> dict[str, Any]:
    clients = {
        name: [Client(app.url, verbose=False) for _ in range(AT_ONCE)] for name, app in apps.items()
    }
    for name in clients:  # warm-up
        burst(clients[name])
    times: dict[str, list[float]] = {name: [] for name in clients}
    right: dict[str, list[int]] = {name: [] for name in clients}
    cpu: dict[str, list[float]] = {name: [] for name in clients}
    backend_cpu: dict[str, list[float]] = {name: [] for name in clients}
    client_cpu: dict[str, list[float]] = {name: [] for name in clients}
    loads = []
    names = list(clients)
    profiles = {name: Profile(app.proc.pid, name) for name, app in apps.items()} if profile else {}
    for i in range(rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            before, backend_before = apps[name].cpu_s(), backend.cpu_s()
            mine = time.process_time()
            seconds, ok = burst(clients[name])
            client_cpu[name].append(round(time.process_time() - mine, 2))
            cpu[name].append(round(apps[name].cpu_s() - before, 2))
            backend_cpu[name].append(round(backend.cpu_s() - backend_before, 2))
            times[name].append(round(seconds, 3))
            right[name].append(ok)
            loads.append(load_average())
            print(f"round {i}: {name} {seconds:.2f} s, {ok}/{AT_ONCE} right, CPU {cpu[name][-1]} s")
            print(f"  client CPU {client_cpu[name][-1]} s")
    medians = {name: median(values) for name, values in times.items()}
    return {
        "profile": {name: p.stop() for name, p in profiles.items()},
        "server_cpu_s": cpu,
        "server_cpu_median_s": {name: median(values) for name, values in cpu.items()},
        "backend_cpu_s": backend_cpu,
        "client_cpu_s": client_cpu,
        "client_cpu_median_s": {name: median(values) for name, values in client_cpu.items()},
        "calls_at_once": AT_ONCE,
        "backend_seconds": 0.5,
        "seconds": times,
        "median_s": medians,
        "ratio": round(medians["autoui"] / medians["handwritten"], 3),
        "right_answers": right,
        "load_average": loads,
    }


@contextlib.contextmanager
def fronted(*others: tuple[str, list[str], str]) -> Iterator[tuple[Server, dict[str, Server]]]:
    """The backend, and autoui and the hand-written app in front of it (and `others`)."""
    with servers(("backend", baseline("backend"), "/docs")) as started:
        api = started["backend"].url
        with servers(
            ("autoui", autoui_serve(f"{api}/openapi.json", base_url=api), "/"),
            ("handwritten", baseline("handwritten", "--backend", api), "/"),
            *others,
        ) as apps:
            yield started["backend"], apps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="py-spy the servers' bursts")
    args = parser.parse_args()
    with fronted() as (backend, apps):
        clients = {name: Client(s.url, verbose=False) for name, s in apps.items()}
        result = {"overhead": overhead(clients, apps, args.calls)}
        print("overhead", result["overhead"]["median_s"], result["overhead"]["ratio"])
        result["concurrency"] = concurrency(apps, backend, args.rounds, args.profile)
        print("64 at once", result["concurrency"]["median_s"], result["concurrency"]["ratio"])
        result["server_rss_mb"] = {name: s.rss_mb() for name, s in apps.items()}
    save("calls", result)


if __name__ == "__main__":
    main()
