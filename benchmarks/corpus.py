"""Conformance over a folder of real OpenAPI documents: does every operation get a UI?

    python benchmarks/corpus.py [SPECS_DIR] [--jobs N] [--timeout S] [--out FILE]

SPECS_DIR (default `../shared/specs`) holds an `INDEX.tsv` listing the documents
(rows whose version column says `fragment` are pieces of a multi-file spec, read
through the `$ref`s of the document that uses them, and are not checked alone).

For each document this loads it with `autoui.load_spec` and builds the whole app with
`autoui.build_app` (nothing is launched), then checks, independently of autoui's
readers, that the built app has every operation:

* the operations counted in the raw document (each HTTP method of each path item,
  path items reached through `$ref` included) are as many as autoui loaded;
* each has a named API endpoint (in the page's Blocks, or in the endpoints' Blocks of
  a navigator page) whose keyword parameters are exactly the fields of its plan;
* each is in the navigator's list (a navigator page), and its form has a Send button
  (for a navigator page, whose forms are built when opened, the same forms are built
  as tabs to check them: `forms_seconds`);
* a document without operations builds a page that says so.

It prints one line per document and a summary, writes every figure to
`benchmarks/results/corpus.json`, and exits 1 unless every document that has
operations builds completely. Each document is built in a worker process with a
time limit, so one pathological spec cannot hang the run.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from common import in_workers

HERE = Path(__file__).resolve().parent
DEFAULT_SPECS = HERE.parent.parent / "shared" / "specs"
DEFAULT_OUT = HERE / "results" / "corpus.json"
PLACEHOLDER_BASE = "http://127.0.0.1:9"  # for specs whose servers are relative (never called)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _init_worker() -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import logging

    logging.getLogger("autoui").setLevel(logging.ERROR)
    import autoui.app  # noqa: F401  (import Gradio once per worker, not per document)


def raw_operation_count(document: Mapping[str, Any], deref: Any) -> int:
    """Operations as the raw document declares them, without autoui's readers."""
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        return 0
    count = 0
    for item in paths.values():
        try:
            item = deref(item)
        except KeyError:
            continue
        if isinstance(item, Mapping):
            count += sum(1 for m in METHODS if isinstance(item.get(m), Mapping))
    return count


def check_document(path: str) -> dict[str, Any]:
    """Load and build one document; what was checked and what failed."""
    import gradio as gr

    from autoui import SpecError, load_spec
    from autoui.app import build_app
    from autoui.builder import endpoints_of
    from autoui.loader import resolve_base_url
    from autoui.mapper import plan_api
    from autoui.mapper.naming import RAW_BODY_PARAM

    result: dict[str, Any] = {"ok": False, "problems": []}
    started = time.perf_counter()
    try:
        api = load_spec(path)
    except SpecError as exc:
        result.update(error=str(exc), seconds=time.perf_counter() - started)
        return result
    loaded = time.perf_counter()
    try:
        resolve_base_url(api, None)
        base_url = None
    except Exception:
        base_url = PLACEHOLDER_BASE
    page = build_app(api, base_url=base_url)
    built = time.perf_counter()
    make_endpoints = endpoints_of(page)
    api_blocks = make_endpoints() if make_endpoints else page
    endpoints_built = time.perf_counter()
    listed = _navigator_entries(page)
    form_page = build_app(api, base_url=base_url, layout="tabs") if listed is not None else page
    forms_built = time.perf_counter()
    plan = plan_api(api)
    raw = raw_operation_count(api.schemas.document, api.schemas.deref)
    endpoints = {
        fn.api_name: fn
        for fn in api_blocks.fns.values()
        if getattr(fn, "api_visibility", "") == "public"
    }
    buttons = {
        getattr(block, "elem_id", None) for block in form_page.blocks.values() if block is not None
    }
    problems: list[str] = []
    if raw != len(api.operations):
        problems.append(f"the document has {raw} operations, autoui loaded {len(api.operations)}")
    fields = json_editors = 0
    kinds: Counter[str] = Counter()
    for op in plan.operations:
        fn = endpoints.get(op.api_name)
        params = [f.api_param for f in op.fields]
        fields += len(params)
        json_editors += sum(1 for f in op.fields if f.component == "json")
        kinds.update(f.component for f in op.fields)
        if fn is None:
            problems.append(f"{op.operation.label}: no API endpoint /{op.api_name}")
            continue
        # What a client passes: Gradio fills a gr.Request parameter itself; every
        # operation also takes an optional raw body.
        signature = [
            name
            for name, param in (inspect.signature(fn.fn).parameters.items() if fn.fn else [])
            if param.annotation is not gr.Request and name != RAW_BODY_PARAM
        ]
        if sorted(signature) != sorted(params):
            problems.append(f"{op.operation.label}: endpoint parameters {signature} != {params}")
        if listed is not None and op.api_name not in listed:
            problems.append(f"{op.operation.label}: not in the navigator")
        if f"send-{op.api_name}" not in buttons:
            problems.append(f"{op.operation.label}: no Send button")
    if not plan.operations:
        texts = [str(getattr(b, "value", "")) for b in page.blocks.values()]
        if not any("describes no operations" in t for t in texts):
            problems.append("no operations, and the page does not say so")
    result.update(
        ok=not problems,
        problems=problems[:10],
        operations=len(plan.operations),
        raw_operations=raw,
        fields=fields,
        json_editors=json_editors,
        components=dict(kinds),
        load_seconds=round(loaded - started, 3),
        build_seconds=round(built - loaded, 3),
        seconds=round(built - started, 3),
        layout="navigator" if listed is not None else "tabs",
        endpoints_seconds=round(endpoints_built - built, 3) if make_endpoints else None,
        forms_seconds=round(forms_built - endpoints_built, 3) if listed is not None else None,
    )
    return result


def _navigator_entries(page: Any) -> set[str] | None:
    """The operations a navigator page lists, or None for a page of tabs."""
    from autoui.builder.navigator import NAVIGATOR_ID

    for block in page.blocks.values():
        if getattr(block, "elem_id", None) == NAVIGATOR_ID:
            return {value for _, value in block.choices}
    return None


def read_index(specs: Path) -> list[dict[str, str]]:
    with (specs / "INDEX.tsv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def run(specs: Path, jobs: int, timeout: float) -> list[dict[str, Any]]:
    rows = [r for r in read_index(specs) if r["openapi_or_swagger_version"] != "fragment"]
    # Largest first, so the long builds overlap with many short ones.
    rows.sort(key=lambda r: -int(r.get("size_bytes") or 0))
    results: list[dict[str, Any]] = []
    calls = [(row, (str(specs / row["relative_path"]),)) for row in rows]
    for row, outcome in in_workers(
        check_document, calls, jobs=jobs, timeout=timeout, initializer=_init_worker
    ):
        # an exception (a crash in autoui) or a time-out is a failure, not the end of the run
        results.append(_entry(row, {"ok": False, **outcome}))
        _print_line(results[-1])
    return sorted(results, key=lambda r: r["path"])


def _entry(row: Mapping[str, str], outcome: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": row["relative_path"],
        "version": row["openapi_or_swagger_version"],
        "indexed_operations": int(row.get("number_of_operations") or 0),
        **outcome,
    }


def _print_line(r: Mapping[str, Any]) -> None:
    status = "ok" if r["ok"] else "FAIL"
    seconds = r.get("seconds")
    timing = f"{seconds:7.2f}s" if isinstance(seconds, (int, float)) else "      - "
    ops = r.get("operations", "-")
    fields = r.get("fields", "-")
    print(f"{status:4} {timing} {ops!s:>5} ops {fields!s:>6} fields  {r['path']}", flush=True)
    for problem in ([r["error"]] if r.get("error") else []) + list(r.get("problems", [])):
        print(f"       {problem}", flush=True)


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    with_ops = [r for r in results if r.get("indexed_operations", 0) or r.get("operations")]
    without = [r for r in results if r not in with_ops]
    times = [r["seconds"] for r in results if isinstance(r.get("seconds"), (int, float))]
    slowest = max(results, key=lambda r: r.get("seconds") or 0) if results else None
    return {
        "documents": len(results),
        "with_operations": len(with_ops),
        "with_operations_complete": sum(1 for r in with_ops if r["ok"]),
        "without_operations": len(without),
        "without_operations_handled": sum(1 for r in without if r["ok"]),
        "operations": sum(r.get("operations", 0) for r in results),
        "fields": sum(r.get("fields", 0) for r in results),
        "json_editor_fields": sum(r.get("json_editors", 0) for r in results),
        "components": dict(
            sum((Counter(r.get("components", {})) for r in results), Counter()).most_common()
        ),
        "median_seconds": round(statistics.median(times), 3) if times else None,
        "max_seconds": round(max(times), 3) if times else None,
        "slowest": slowest["path"] if slowest else None,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
    }


def summary_line(s: Mapping[str, Any]) -> str:
    return (
        f"{s['with_operations_complete']}/{s['with_operations']} documents with operations "
        f"build completely; {s['without_operations_handled']}/{s['without_operations']} "
        f"without operations handled; {s['operations']} operations, {s['fields']} fields "
        f"({s['json_editor_fields']} as JSON editors); build time median "
        f"{s['median_seconds']} s, max {s['max_seconds']} s ({s['slowest']})"
    )


def write_results(out: Path, summary: Mapping[str, Any], results: list[dict[str, Any]]) -> None:
    """The summary, then one line per document: small diffs when a run is committed."""
    lines = ",\n".join(json.dumps(r, sort_keys=True) for r in results)
    text = f'{{"summary": {json.dumps(summary, indent=1)},\n"documents": [\n{lines}\n]}}\n'
    out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="?", default=str(DEFAULT_SPECS))
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per document")
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    specs = Path(args.specs)
    if not (specs / "INDEX.tsv").is_file():
        print(f"corpus: no INDEX.tsv in {specs}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = run(specs, args.jobs, args.timeout)
    summary = summarise(results)
    summary["wall_seconds"] = round(time.perf_counter() - started, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_results(out, summary, results)
    print()
    print(summary_line(summary))
    print("fields by component: " + ", ".join(f"{k} {v}" for k, v in summary["components"].items()))
    print(f"(wall time {summary['wall_seconds']} s with {args.jobs} worker(s); details in {out})")
    return 0 if summary["with_operations_complete"] == summary["with_operations"] else 1


if __name__ == "__main__":
    sys.exit(main())
