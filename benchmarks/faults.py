"""How long each fault takes to become a message, through `autoui serve --timeout 2`
and gradio_client, and how many requests the backend saw for it (retries).

    python benchmarks/faults.py [--runs 5]

Prints a Markdown table: fault, the median and worst seconds from the call to the
message, the requests the backend received per call, and the message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from gradio_client import Client
from support.faults import fault_backend
from support.servers import free_port, run_process

TIMEOUT = 2
FAULTS = [
    ("accepts, never answers", "get_hang", "GET /hang", {}),
    ("answers byte by byte (headers too)", "get_drip", "GET /drip", {}),
    ("resets mid-body", "get_reset", "GET /reset", {}),
    ("resets before answering (GET)", "get_reset_early", "GET /reset-early", {}),
    ("resets before answering (POST)", "post_reset_early", "POST /reset-early", {"prompt": "x"}),
    ("invalid JSON", "get_bad_json", "GET /bad-json", {}),
    ("JSON of another shape", "get_wrong_shape", "GET /wrong-shape", {}),
    ("JSON nested 100,000 deep", "get_deep_json", "GET /deep-json", {}),
    ("Content-Length 2 GB, never sent", "get_huge_length", "GET /huge-length", {}),
    ("body stops halfway", "get_stall_body", "GET /stall-body", {}),
    ("SSE closed without [DONE]", "get_sse_no_done", "GET /sse-no-done", {}),
    ("SSE stalls", "get_sse_hang", "GET /sse-hang", {}),
    ("500 (GET)", "get_status", "GET /status/500", {"code": 500}),
    ("502 (GET)", "get_status", "GET /status/502", {"code": 502}),
    ("503 (GET)", "get_status", "GET /status/503", {"code": 503}),
    ("503 (POST)", "post_status", "POST /status/503", {"code": 503, "prompt": "x"}),
    (
        "503 + Retry-After: 1 (POST), then 200",
        "post_flaky",
        "POST /flaky/503",
        {"code": 503, "retry_after": "1", "prompt": "x"},
    ),
    (
        "503 + Retry-After: 3600 (POST)",
        "post_status",
        "POST /status/503",
        {"code": 503, "retry_after": "3600", "prompt": "x"},
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    rows = []
    with fault_backend() as backend:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        serve = [sys.executable, "-m", "autoui", "serve", f"{backend.url}/openapi.json"]
        with run_process([*serve, "--port", str(port), "--timeout", str(TIMEOUT)], f"{url}/"):
            client = Client(url, verbose=False)
            refused = f"http://127.0.0.1:{free_port()}"
            for label, api_name, hit, values in FAULTS:
                seconds, attempts, message = [], [], ""
                for _ in range(runs):
                    key = uuid.uuid4().hex[:10]
                    started = time.perf_counter()
                    try:
                        message = repr(client.predict(key=key, api_name=f"/{api_name}", **values))
                    except Exception as exc:
                        message = str(exc)
                    seconds.append(time.perf_counter() - started)
                    method, path = hit.split(" ")
                    attempts.append(backend.hits_for(method, path, key))
                rows.append((label, seconds, attempts, message))
        rows.append(refused_row(backend.url, refused, runs))
    print(f"`autoui serve --timeout {TIMEOUT}` (default --retries 2), {runs} calls each:\n")
    print("| fault | message after (median / worst) | requests per call | message |")
    print("|---|---|---|---|")
    for label, seconds, attempts, message in rows:
        shown = message.replace("|", "\\|").replace("\n", " ")[:110]
        print(
            f"| {label} | {statistics.median(seconds):.2f} / {max(seconds):.2f} s "
            f"| {statistics.median(attempts):g} | {shown} |"
        )


def refused_row(spec_from: str, dead: str, runs: int) -> tuple[str, list[float], list[int], str]:
    """A port nobody listens on, through a UI whose base URL points there."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    serve = [sys.executable, "-m", "autoui", "serve", f"{spec_from}/openapi.json"]
    with run_process([*serve, "--port", str(port), "--base-url", dead], f"{url}/"):
        client = Client(url, verbose=False)
        seconds, message = [], ""
        for _ in range(runs):
            started = time.perf_counter()
            try:
                client.predict(api_name="/get_ok")
            except Exception as exc:
                message = str(exc)
            seconds.append(time.perf_counter() - started)
    return "connection refused", seconds, [0] * runs, message


if __name__ == "__main__":
    main()
