"""Load + build: from a spec file to an app ready to serve, after the imports.

    python benchmarks/load_build.py [--runs 5] [--baseline-timeout 300] [--no-baseline]
        [--only library] [--python /other/python] [--label _before]

Each measurement is a fresh process (`--child`), which imports gradio and autoui first
(not timed), then times, as wall and CPU seconds:

- autoui: `build_app(spec)` + `asgi_app(demo)`: the page, ready to serve. Validation and
  (for the navigator) the API endpoints then run in background threads; the endpoints'
  build is timed too, apart, as it runs in `autoui serve` (beside the validation).
- library: `autoui.load_spec(spec)` then `autoui.build_app(api)`, the Python API's
  route (README), each timed: whatever `load_spec` does by default is in it; then
  `demo.launch()` (on a free port, not blocking), which for the navigator layout
  builds the API endpoints, until it returns.
- empty: an empty `gr.Blocks` built and mounted the same way: Gradio's own floor.
- gr.load_openapi: Gradio's loader on the same spec, once per spec (it takes minutes or
  fails), with a timeout.
- serve: `autoui serve SPEC --mcp` from process start: when it accepts connections,
  when a first gradio_client call is answered (`Client(url)`, which reads the config
  and the API description, then a call of the first operation that needs no argument,
  to a loopback backend that answers every request), and the server's RSS then (every
  endpoint built). The empty Gradio page (`baselines.py empty`: a text box and a
  button) is timed the same way, its button's endpoint called.

Runs go round robin over the targets; the medians and the load average are written to
benchmarks/results/load_build.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import BIG, NOWHERE, autoui_serve, baseline, free_port, load_average, median, save

SPECS = BIG["github"].parent.parent
STRIPE = SPECS / "stripe" / "spec3.2022-04-12.json"
STRIPE_YAML = SPECS / "stripe" / "spec3.2023-09-12.yaml"
OPENAI_YAML = SPECS / "openai" / "openapi.yaml"


def timed(work: Any) -> tuple[Any, float, float]:
    """`work()`, its wall time and the CPU time of this thread (background threads,
    such as the validation's, are left out of the CPU time; they weigh on the wall)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    result = work()
    return result, time.perf_counter() - wall, time.thread_time() - cpu


def child(kind: str, spec: str) -> dict[str, Any]:
    import gradio as gr

    import autoui
    from autoui.builder import endpoints_of
    from autoui.gcpause import paused_gc
    from autoui.mounted import mount_blocks
    from autoui.serve import asgi_app

    out: dict[str, Any] = {}
    if kind == "autoui":
        demo, out["build_wall_s"], out["build_cpu_s"] = timed(
            lambda: autoui.build_app(spec, base_url=NOWHERE)
        )
        _, out["serve_wall_s"], out["serve_cpu_s"] = timed(lambda: asgi_app(demo))
        out["wall_s"] = out["build_wall_s"] + out["serve_wall_s"]
        out["cpu_s"] = out["build_cpu_s"] + out["serve_cpu_s"]
        build = endpoints_of(demo)
        out["layout"] = "navigator" if build else "tabs"
        if build is not None:
            from fastapi import FastAPI

            def endpoints() -> Any:
                with paused_gc():  # as `autoui serve` builds them
                    return mount_blocks(FastAPI(), build(), "")

            _, out["endpoints_wall_s"], out["endpoints_cpu_s"] = timed(endpoints)
    elif kind == "library":
        api, out["load_wall_s"], out["load_cpu_s"] = timed(lambda: autoui.load_spec(spec))
        demo, out["build_wall_s"], out["build_cpu_s"] = timed(
            lambda: autoui.build_app(api, base_url=NOWHERE)
        )
        out["wall_s"] = out["load_wall_s"] + out["build_wall_s"]
        out["cpu_s"] = out["load_cpu_s"] + out["build_cpu_s"]

        def launch() -> Any:
            return demo.launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True)

        _, out["launch_wall_s"], out["launch_cpu_s"] = timed(launch)
        demo.close()
    elif kind == "empty":

        def empty() -> Any:
            with gr.Blocks() as blocks:
                gr.Markdown("empty")
            return asgi_app(blocks)

        _, out["wall_s"], out["cpu_s"] = timed(empty)
    else:
        document = json.loads(Path(spec).read_text())
        try:
            _, out["wall_s"], out["cpu_s"] = timed(lambda: gr.load_openapi(document, NOWHERE))
        except Exception as exc:
            out["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def run(kind: str, spec: str, timeout: float, python: str = sys.executable) -> dict[str, Any]:
    command = [python, __file__, "--child", kind, spec]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {timeout:.0f} s", "load_average": load_average()}
    result: dict[str, Any] = {"process_s": round(time.perf_counter() - started, 2)}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
        result["error"] = f"exit {done.returncode}: {tail[0][:200]}"
    else:
        result.update(json.loads(lines[-1]))
    result["load_average"] = load_average()
    return result


class Answer(BaseHTTPRequestHandler):
    """The backend of the first calls: 200 and a small JSON object for any request."""

    def answer(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def answering() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmRSS"))
    return round(int(kb) / 1024, 1)


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system, all threads) process `pid` has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_call(spec: str, backend: str, timeout: float = 600) -> dict[str, Any]:
    """Process start -> connections accepted -> a first gradio_client call answered."""
    from gradio_client import Client

    port = free_port()
    command = autoui_serve(spec, "--mcp", base_url=backend) if spec else baseline("empty")
    command = [a.replace("{port}", str(port)) for a in command]
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )
    try:
        while True:
            if proc.poll() is not None or time.perf_counter() - started > timeout:
                error = proc.stderr.read().decode()[-300:] if proc.stderr else ""
                return {"error": f"no server: {error}"}
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            time.sleep(0.005)
        accepted, accepted_cpu = time.perf_counter(), cpu_s(proc.pid)
        url = f"http://127.0.0.1:{port}"
        # A request for the endpoints waits while they are built: no client timeout.
        client = Client(url, verbose=False, download_files=False, httpx_kwargs={"timeout": None})
        if spec:
            named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
            name = next(
                name
                for name, endpoint in named.items()
                if not name.startswith("/autoui_")
                and all(p["parameter_has_default"] for p in endpoint["parameters"])
            )
            client.predict(api_name=name)
        else:
            name = "/echo"
            client.predict("hello", api_name=name)
        answered, answered_cpu = time.perf_counter(), cpu_s(proc.pid)
        return {
            "accept_cpu_s": round(accepted_cpu, 2),
            "answered_cpu_s": round(answered_cpu, 2),
            "answered_after_accept_cpu_s": round(answered_cpu - accepted_cpu, 2),
            "accept_s": round(accepted - started, 3),
            "answered_s": round(answered - started, 3),
            "answered_after_accept_s": round(answered - accepted, 3),
            "endpoint": name,
            "server_rss_mb": rss_mb(proc.pid),
        }
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-timeout", type=float, default=300)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--only", default="", help="only the targets whose name starts so")
    parser.add_argument("--skip", action="append", help="leave out targets named so (prefix)")
    parser.add_argument("--label", default="", help="appended to the results file's name")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter (and so the autoui) to time"
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    specs = {
        "github": BIG["github"],
        "kubernetes": BIG["kubernetes"],
        "stripe": STRIPE_YAML,
        "openai": OPENAI_YAML,
    }
    targets = {
        **{f"autoui {name}": ("autoui", str(path)) for name, path in specs.items()},
        **{f"library {name}": ("library", str(path)) for name, path in specs.items()},
        "empty gr.Blocks": ("empty", ""),
        **{f"serve {name}": ("serve", str(path)) for name, path in specs.items()},
        "serve empty gradio": ("serve", ""),
    }
    targets = {name: target for name, target in targets.items() if name.startswith(args.only)}
    if args.skip:
        targets = {k: v for k, v in targets.items() if not k.startswith(tuple(args.skip))}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    with answering() as backend:
        for i in range(args.runs):
            for name, (kind, spec) in targets.items():
                if kind == "serve":
                    result = {**first_call(spec, backend), "load_average": load_average()}
                else:
                    result = run(kind, spec, 600, args.python)
                runs[name].append(result)
                print(f"run {i} {name}: {result}", flush=True)
    summary: dict[str, Any] = {}
    for name, results in runs.items():
        good = [r for r in results if "error" not in r]
        keys = [k for k in good[0] if k.endswith("_s") or k.endswith("_mb")] if good else []
        summary[name] = {k: median([r[k] for r in good]) for k in keys}
        summary[name]["errors"] = [r["error"] for r in results if "error" in r]
    loaders: dict[str, Any] = {}
    if not args.no_baseline:
        for name, spec in (("github", BIG["github"]), ("kubernetes", BIG["kubernetes"])):
            loaders[name] = run("load_openapi", str(spec), args.baseline_timeout)
            print(f"gr.load_openapi {name}: {loaders[name]}")
        loaders["stripe"] = run("load_openapi", str(STRIPE), args.baseline_timeout)
        print(f"gr.load_openapi stripe: {loaders['stripe']}")
    if args.only and not args.label:  # a trial: not the figures of record
        print(json.dumps(summary, indent=1))
        return
    save(f"load_build{args.label}", {"runs": runs, "median": summary, "gr.load_openapi": loaders})
    for name, medians in summary.items():
        print(name, medians)


if __name__ == "__main__":
    main()
