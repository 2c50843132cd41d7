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

Runs go round robin over the targets; the medians and the load average are written to
benchmarks/results/load_build.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import BIG, NOWHERE, load_average, median, save

STRIPE = BIG["github"].parent.parent / "stripe" / "spec3.2022-04-12.json"


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
    from autoui.serve import asgi_app, mount_blocks

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

            _, out["endpoints_wall_s"], out["endpoints_cpu_s"] = timed(
                lambda: mount_blocks(FastAPI(), build(), "")
            )
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-timeout", type=float, default=300)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--only", default="", help="only the targets whose name starts so")
    parser.add_argument("--label", default="", help="appended to the results file's name")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter (and so the autoui) to time"
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    targets = {
        "autoui github": ("autoui", str(BIG["github"])),
        "autoui kubernetes": ("autoui", str(BIG["kubernetes"])),
        "autoui stripe": ("autoui", str(STRIPE)),
        "library github": ("library", str(BIG["github"])),
        "library kubernetes": ("library", str(BIG["kubernetes"])),
        "library stripe": ("library", str(STRIPE)),
        "empty gr.Blocks": ("empty", ""),
    }
    targets = {name: target for name, target in targets.items() if name.startswith(args.only)}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    for i in range(args.runs):
        for name, (kind, spec) in targets.items():
            result = run(kind, spec, 600, args.python)
            runs[name].append(result)
            print(f"run {i} {name}: {result}")
    summary: dict[str, Any] = {}
    for name, results in runs.items():
        good = [r for r in results if "error" not in r]
        keys = [k for k in good[0] if k.endswith("_s") or k.endswith("_mb")] if good else []
        summary[name] = {k: median([r[k] for r in good]) for k in keys}
        summary[name]["errors"] = [r["error"] for r in results if "error" in r]
    baseline: dict[str, Any] = {}
    if not args.no_baseline:
        for name, spec in (("github", BIG["github"]), ("kubernetes", BIG["kubernetes"])):
            baseline[name] = run("load_openapi", str(spec), args.baseline_timeout)
            print(f"gr.load_openapi {name}: {baseline[name]}")
        baseline["stripe"] = run("load_openapi", str(STRIPE), args.baseline_timeout)
        print(f"gr.load_openapi stripe: {baseline['stripe']}")
    save(f"load_build{args.label}", {"runs": runs, "median": summary, "gr.load_openapi": baseline})
    for name, medians in summary.items():
        print(name, medians)


if __name__ == "__main__":
    main()
