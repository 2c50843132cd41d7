"""Load and soak: many gradio_client users against `autoui serve` in front of a backend
with model-like latency, compared with the same users calling the backend directly.

    python benchmarks/load.py                      # the README's figures (about 15 min)
    python benchmarks/load.py --quick              # a smoke run (about 1 min)
    python benchmarks/load.py --users 64 --seconds 60 --concurrency 8,32,64

Each level runs `--seconds` with N users; each user is a thread with its own
`gradio_client.Client` calling `/generate` in a loop (no think time). The same users
then call the backend directly with `requests`. Reported per level: requests/s, p50 and
p99 latency through autoui and directly, the difference (what autoui adds), errors, and
autoui's resident memory. The soak keeps `--soak-users` users going for `--soak`
seconds and samples autoui's memory every 10 s. Everything runs on this machine (the
backend, autoui and the load generator share its cores): read the figures as ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
PROMPT = "Once upon a time"
sys.path.insert(0, str(ROOT / "tests"))


class Prompt(BaseModel):
    prompt: str
    max_tokens: int = 16


class Answer(BaseModel):
    response: str


def backend_app(latency: float) -> FastAPI:
    """A FastAPI model server stand-in: `POST /generate` answers after `latency` seconds."""
    app = FastAPI(title="slow model")

    @app.post("/generate")
    async def generate(body: Prompt) -> Answer:
        await asyncio.sleep(latency)
        return Answer(response=(body.prompt + " and so on ") * 4)

    return app


def run_backend(port: int, latency: float) -> None:
    import uvicorn

    uvicorn.run(backend_app(latency), host="127.0.0.1", port=port, log_level="warning")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Load:
    """`users` threads each calling `make_call()`'s function in a loop for `seconds`."""

    def __init__(self, users: int, seconds: float, make_call: Callable[[], Callable[[], Any]]):
        self.users, self.seconds, self.make_call = users, seconds, make_call
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def run(self) -> dict[str, Any]:
        calls = [self.make_call() for _ in range(self.users)]  # clients set up before timing
        start = time.monotonic()
        end = start + self.seconds
        threads = [threading.Thread(target=self._user, args=(c, end)) for c in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        return {
            "requests": len(self.latencies),
            "rps": len(self.latencies) / elapsed,
            "p50_ms": 1000 * percentile(self.latencies, 0.50),
            "p99_ms": 1000 * percentile(self.latencies, 0.99),
            "errors": len(self.errors),
            "first_error": self.errors[0] if self.errors else None,
        }

    def _user(self, call: Callable[[], Any], end: float) -> None:
        while time.monotonic() < end:
            started = time.perf_counter()
            try:
                call()
            except Exception as exc:
                with self._lock:
                    self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            with self._lock:
                self.latencies.append(time.perf_counter() - started)


def through_autoui(url: str) -> Callable[[], Callable[[], Any]]:
    from gradio_client import Client

    def make() -> Callable[[], Any]:
        client = Client(url, verbose=False)

        def call() -> Any:
            result = client.predict(prompt=PROMPT, api_name="/generate")
            if not isinstance(result, str) or not result.startswith(PROMPT):
                raise ValueError(f"unexpected result {result!r}")
            return result

        return call

    return make


def through_http(url: str) -> Callable[[], Callable[[], Any]]:
    """Gradio's HTTP API (what `curl` users and gradio_client use underneath, through the
    same queue), with a plain `requests` session: far less CPU per call on the load
    generator's side than gradio_client, which shares this machine's cores."""
    import requests

    def make() -> Callable[[], Any]:
        session = requests.Session()

        def call() -> Any:
            started = session.post(
                f"{url}/gradio_api/call/generate", json={"data": [PROMPT, None]}, timeout=60
            )
            started.raise_for_status()
            event_id = started.json()["event_id"]
            event = ""
            with session.get(
                f"{url}/gradio_api/call/generate/{event_id}", stream=True, timeout=60
            ) as stream:
                for line in stream.iter_lines(decode_unicode=True):
                    if line.startswith("event:"):
                        event = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and event in ("complete", "error"):
                        data = json.loads(line.split(":", 1)[1])
                        if event == "error" or not str(data[0]).startswith(PROMPT):
                            raise ValueError(f"{event}: {data!r}"[:200])
                        return data[0]
            raise ValueError("the event stream ended without a result")

        return call

    return make


def direct(url: str) -> Callable[[], Callable[[], Any]]:
    import requests

    def make() -> Callable[[], Any]:
        session = requests.Session()

        def call() -> Any:
            reply = session.post(f"{url}/generate", json={"prompt": PROMPT}, timeout=60)
            reply.raise_for_status()
            return reply.json()

        return call

    return make


CLIENTS = {"http": through_http, "gradio_client": through_autoui}


def start(args: list[str], ready: str) -> Any:
    from support.servers import run_process

    return run_process(args, ready_url=ready, timeout=120)


def bench(options: argparse.Namespace) -> dict[str, Any]:
    from support.servers import free_port

    results: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.release()}",
        "backend_latency_s": options.latency,
        "client": options.client,
        "levels": [],
        "soak": None,
    }
    backend_port = free_port()
    backend_url = f"http://127.0.0.1:{backend_port}"
    backend = [sys.executable, __file__, "backend", str(backend_port), str(options.latency)]
    with start(backend, f"{backend_url}/openapi.json"):
        for concurrency in options.concurrency:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            serve = [
                sys.executable,
                "-m",
                "autoui",
                "--quiet",
                "serve",
                f"{backend_url}/openapi.json",
                "--port",
                str(port),
                "--concurrency",
                str(concurrency),
            ]
            with start(serve, f"{url}/") as process:
                for users in options.users:
                    through = Load(users, options.seconds, CLIENTS[options.client](url)).run()
                    baseline = Load(users, options.seconds, direct(backend_url)).run()
                    level = {
                        "concurrency": concurrency,
                        "users": users,
                        "autoui": through,
                        "direct": baseline,
                        "added_p50_ms": through["p50_ms"] - baseline["p50_ms"],
                        "added_p99_ms": through["p99_ms"] - baseline["p99_ms"],
                        "rss_mb": rss_mb(process.pid),
                    }
                    results["levels"].append(level)
                    print(json.dumps(level), flush=True)
                if options.soak and concurrency == options.concurrency[-1]:
                    results["soak"] = soak(url, process.pid, options)
    return results


def soak(url: str, pid: int, options: argparse.Namespace) -> dict[str, Any]:
    samples: list[tuple[float, float]] = [(0.0, rss_mb(pid))]
    load = Load(options.soak_users, options.soak, CLIENTS[options.client](url))
    done = threading.Event()

    def sample() -> None:
        began = time.monotonic()
        while not done.wait(10):
            samples.append((round(time.monotonic() - began), rss_mb(pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    outcome = load.run()
    done.set()
    sampler.join()
    samples.append((options.soak, rss_mb(pid)))
    rss = [mb for _, mb in samples]
    tail = rss[len(rss) // 2 :]
    result = {
        "users": options.soak_users,
        "seconds": options.soak,
        **outcome,
        "rss_start_mb": rss[0],
        "rss_max_mb": max(rss),
        "rss_end_mb": rss[-1],
        # Growth over the second half: a leak keeps growing after the warm-up.
        "rss_second_half_growth_mb": tail[-1] - tail[0],
        "rss_samples": samples,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "rss_samples"}), flush=True)
    return result


def table(results: dict[str, Any]) -> str:
    lines = [
        f"Machine: {results['machine']}; backend latency "
        f"{results['backend_latency_s'] * 1000:g} ms; users call autoui with {results['client']}.",
        "",
        "| --concurrency | users | req/s via autoui | req/s direct | p50 via autoui / direct "
        "| p99 via autoui / direct | added p50 | added p99 | errors | autoui RSS |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for level in results["levels"]:
        a, d = level["autoui"], level["direct"]
        lines.append(
            f"| {level['concurrency']} | {level['users']} | {a['rps']:.1f} | {d['rps']:.1f} "
            f"| {a['p50_ms']:.0f} / {d['p50_ms']:.0f} ms "
            f"| {a['p99_ms']:.0f} / {d['p99_ms']:.0f} ms "
            f"| {level['added_p50_ms']:.0f} ms | {level['added_p99_ms']:.0f} ms "
            f"| {a['errors']} | {level['rss_mb']:.0f} MB |"
        )
    soak_result = results.get("soak")
    if soak_result:
        lines += [
            "",
            f"Soak: {soak_result['users']} users for {soak_result['seconds']} s: "
            f"{soak_result['requests']:,} requests ({soak_result['rps']:.1f}/s), "
            f"{soak_result['errors']} errors, p50 {soak_result['p50_ms']:.0f} ms, "
            f"p99 {soak_result['p99_ms']:.0f} ms; autoui RSS {soak_result['rss_start_mb']:.0f} MB "
            f"at the start, {soak_result['rss_max_mb']:.0f} MB at most, "
            f"{soak_result['rss_end_mb']:.0f} MB at the end "
            f"({soak_result['rss_second_half_growth_mb']:+.0f} MB over the second half).",
        ]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "backend":
        run_backend(int(sys.argv[2]), float(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    numbers = lambda text: [int(n) for n in text.split(",")]  # noqa: E731
    parser.add_argument("--users", type=numbers, default=[1, 8, 32, 64])
    parser.add_argument("--seconds", type=float, default=30.0, help="per level and per side")
    parser.add_argument("--concurrency", type=numbers, default=[64], help="autoui --concurrency")
    parser.add_argument("--latency", type=float, default=0.2, help="backend latency, seconds")
    parser.add_argument("--soak", type=int, default=600, help="soak seconds (0: none)")
    parser.add_argument("--soak-users", type=int, default=32)
    parser.add_argument(
        "--client", choices=sorted(CLIENTS), default="http", help="how users call autoui"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of about a minute")
    parser.add_argument("--out", type=Path, help="also write the results here as JSON")
    options = parser.parse_args()
    if options.quick:
        options.users, options.seconds, options.soak, options.soak_users = [1, 8], 5.0, 20, 8
    results = bench(options)
    if options.out:
        options.out.write_text(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
