"""An idle server's CPU, and the first call after a quiet spell.

    python benchmarks/idle.py [--seconds 20] [--rounds 9]

Gradio's queue looks for a new event every millisecond, busy or not; autoui's rests
after `RESTLESS` seconds without one (`autoui/builder/resting_queue.py`). Servers, as in
calls.py: the backend (`baselines.py backend`), autoui (`autoui serve` of its
/openapi.json) and the hand-written Gradio app in front of it, with Gradio's own queue.

1. Idle: each server's CPU time (user + system, from /proc) over `--seconds` with no
   request, after it has settled; as a share of one core.
2. Quiet spell: `--rounds` times per app, alternating, a call of `/generate` after
   `RESTLESS` + 1 s without one, then one right after it; the medians and their ratios
   to the hand-written app's.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from calls import ANSWER, PROMPT, fronted
from common import Server, baseline, load_average, median, save
from gradio_client import Client

from autoui.builder.resting_queue import RESTLESS


def idle_share(apps: dict[str, Server], seconds: float) -> dict[str, float]:
    before = {name: app.cpu_s() for name, app in apps.items()}
    time.sleep(seconds)
    return {name: round((app.cpu_s() - before[name]) / seconds, 4) for name, app in apps.items()}


def timed_call(client: Client) -> float:
    started = time.perf_counter()
    assert client.predict(prompt=PROMPT, api_name="/generate") == ANSWER
    return time.perf_counter() - started


def quiet_spells(clients: dict[str, Client], rounds: int) -> dict[str, Any]:
    after: dict[str, list[float]] = {name: [] for name in clients}
    next_: dict[str, list[float]] = {name: [] for name in clients}
    loads = []
    names = list(clients)
    for i in range(rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            time.sleep(RESTLESS + 1)
            after[name].append(round(timed_call(clients[name]), 4))
            next_[name].append(round(timed_call(clients[name]), 4))
        loads.append(load_average())
    first = {name: median(values) for name, values in after.items()}
    then = {name: median(values) for name, values in next_.items()}
    return {
        "after_quiet_s": after,
        "next_s": next_,
        "after_quiet_median_s": first,
        "next_median_s": then,
        "after_quiet_ratio": round(first["autoui"] / first["handwritten"], 3),
        "next_ratio": round(then["autoui"] / then["handwritten"], 3),
        "load_average": loads,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with fronted(("empty gradio", baseline("empty"), "/")) as (_, apps):
        fronts = ("autoui", "handwritten")
        clients = {name: Client(apps[name].url, verbose=False) for name in fronts}
        for client in clients.values():  # warm-up: connections, sessions, caches
            for _ in range(5):
                timed_call(client)
        for app in apps.values():
            app.settle()
        result: dict[str, Any] = {"idle_seconds": args.seconds}
        result["idle_core_share"] = idle_share(apps, args.seconds)
        result["idle_load_average"] = load_average()
        print("idle, share of a core", result["idle_core_share"])
        result["quiet"] = quiet_spells(clients, args.rounds)
        quiet = result["quiet"]
        print("after a quiet spell", quiet["after_quiet_median_s"], quiet["after_quiet_ratio"])
        print("the call after", quiet["next_median_s"], quiet["next_ratio"])
    save("idle", result)


if __name__ == "__main__":
    main()
