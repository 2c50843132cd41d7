"""In the browser: page open -> first form usable, switching operations, memory, weight.

    python benchmarks/browser.py [--rounds 5]

Servers, each a process of its own on 127.0.0.1:

- autoui for GitHub's spec (771 operations, JSON), Kubernetes' (1,123, Swagger 2.0
  JSON), Stripe's (YAML) and OpenAI's (YAML): navigator pages; with `--demo`, the demo
  too (`autoui demo`, the example API of examples/): a page of tabs.
- Swagger UI 5.35 (npm's swagger-ui-dist, installed into benchmarks/.cache) listing the
  same specs: the baseline the issue names.
- An empty Gradio page (one text box, one button): the framework's own floor.
- The same with a Markdown and a Dropdown (`baselines.py floor`): the least Gradio page
  that shows what autoui's first page must, formatted text and a list of operations.

Every page is opened in a fresh context (cold cache) of one headless Chromium
(/usr/bin/chromium, never a downloaded one), round robin, `--rounds` times. Times are
the page's own clock (`performance.now()`, from navigation start) at the first
animation frame where:

- autoui: the first operation's Send button is shown and enabled and no event is
  pending (the navigator's form is built by a server round trip after load);
- Swagger UI: its operations are listed (`.opblock` elements);
- empty Gradio (and the floor page): the text box is shown and no event is pending.

Then, on the same page: switching to another operation (from the mouse press on its
entry in the navigator, or its tab, or Swagger UI's operation header, to that
operation's Send button, or Swagger UI's "Try it out", being shown); the JS heap after
a garbage collection (CDP `Runtime.getHeapUsage`); the HTML page and its config as sent
(Resource Timing's encodedBodySize: gzip where the server compresses). Server RSS is
read from /proc after the rounds. Results: benchmarks/results/browser.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import (
    BIG,
    CACHE,
    CHROMIUM_ARGS,
    SPECS,
    autoui_serve,
    baseline,
    load_average,
    median,
    save,
    servers,
)
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 180_000
# A Gradio status tracker without `hide` is an event in flight (an error badge aside).
BUSY = '[data-testid="status-tracker"]:not(.hide):not(:has(.error))'

# Each returns performance.now() once the page is usable, else false.
AUTOUI_READY = """busy => {
    const main = document.querySelector('.gradio-container main');
    if (main && main.childElementCount > 0 && !window.__painted) {
        window.__painted = performance.now();
    }
    const send = [...document.querySelectorAll('button[id^="send-"]')]
        .find(b => b.offsetParent !== null && !b.disabled);
    return send && document.querySelector(busy) === null ? performance.now() : false;
}"""
SWAGGER_READY = """() => document.querySelectorAll('.opblock').length > 0
    ? performance.now() : false"""
EMPTY_READY = """busy => document.querySelector('#empty') !== null
    && document.querySelector(busy) === null ? performance.now() : false"""

# performance.now() at the last mouse press, for timing a switch from the press on.
PRESS_CLOCK = """() => { window.__pressed = null; document.addEventListener('mousedown',
    () => { window.__pressed = performance.now(); }, true); }"""
SWITCHED = """([busy, before]) => {
    const send = [...document.querySelectorAll('button[id^="send-"]')]
        .find(b => b.offsetParent !== null && !b.disabled);
    return send && send.id !== before && document.querySelector(busy) === null
        && window.__pressed !== null ? performance.now() - window.__pressed : false;
}"""
SWAGGER_SWITCHED = """() => {
    const open = document.querySelector('.opblock.is-open .try-out__btn');
    return open && window.__pressed !== null ? performance.now() - window.__pressed : false;
}"""
# The document and its config request (Gradio fetches /config when the page opens):
# bytes as they came over the wire, and the total of everything the page loaded.
WEIGHT = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const config = resources.filter(r => new URL(r.name).pathname.endsWith('/config'));
    return {
        html_wire: nav.encodedBodySize, html_raw: nav.decodedBodySize,
        config_wire: config.reduce((s, r) => s + r.encodedBodySize, 0),
        config_raw: config.reduce((s, r) => s + r.decodedBodySize, 0),
        all_wire: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
        requests: resources.length + 1,
    };
}"""


def demo_spec() -> Path:
    """The example API's OpenAPI document (what `autoui demo` reads), for Swagger UI."""
    from autoui_examples.model_api import create_app

    path = CACHE / "demo-openapi.json"
    path.write_text(json.dumps(create_app().openapi()))
    return path


def until(page: Page, script: str, arg: Any = None) -> float:
    handle = page.wait_for_function(script, arg=arg, polling="raf", timeout=TIMEOUT_MS)
    return round(float(handle.json_value()) / 1000, 4)


def heap_mb(page: Page) -> float:
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    used = cdp.send("Runtime.getHeapUsage")["usedSize"]
    cdp.detach()
    return round(used / 2**20, 1)


def switch_gradio(page: Page) -> float:
    """Open another operation: the navigator's 4th entry, or the next operation's tab."""
    before = page.evaluate(
        """() => [...document.querySelectorAll('button[id^="send-"]')]
            .find(b => b.offsetParent !== null).id"""
    )
    page.evaluate(PRESS_CLOCK)
    nav = page.locator("#autoui-nav")
    if nav.count():
        box = page.get_by_role("combobox", name="Operation", exact=True)
        box.click()
        options = page.locator(f'[id="{box.get_attribute("aria-controls")}"]')
        page.evaluate("() => { window.__pressed = null; }")
        options.get_by_role("option").nth(3).click()
    else:
        # Another operation's tab (their buttons are `tab-<api_name>-button`), not a
        # tag's, whose first operation may open on a chat view rather than a form.
        operation_tab = 'button[role="tab"][id^="tab-"][aria-selected="false"]'
        page.locator(operation_tab).filter(visible=True).first.click()
    return until(page, SWITCHED, [BUSY, before])


def switch_swagger(page: Page) -> float:
    page.evaluate(PRESS_CLOCK)
    page.locator(".opblock-summary-control").nth(1).click()
    return until(page, SWAGGER_SWITCHED)


KINDS: dict[str, tuple[str, Callable[[Page], float] | None]] = {
    "autoui": (AUTOUI_READY, switch_gradio),
    "swagger": (SWAGGER_READY, switch_swagger),
    "empty": (EMPTY_READY, None),
    "floor": (EMPTY_READY, None),
}


def measure(browser: Browser, kind: str, url: str) -> dict[str, Any]:
    ready, switch = KINDS[kind]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)  # clicks too, on a loaded machine
    try:
        page.goto(url + "/", wait_until="commit", timeout=TIMEOUT_MS)
        result: dict[str, Any] = {"usable_s": until(page, ready, BUSY)}
        if kind == "autoui":  # when Gradio had drawn the page (the navigator, the tabs)
            result["painted_s"] = round(page.evaluate("() => window.__painted") / 1000, 4)
        result.update(page.evaluate(WEIGHT))
        result["heap_mb"] = heap_mb(page)
        if switch is not None:
            result["switch_s"] = switch(page)
        return result
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--only", default="", help="only the pages whose name has one of these (comma-separated)"
    )
    parser.add_argument("--demo", action="store_true", help="the demo's page of tabs too")
    args = parser.parse_args()
    specs = {
        **BIG,
        "stripe": SPECS / "stripe" / "spec3.2023-09-12.yaml",
        "openai": SPECS / "openai" / "openapi.yaml",
    }
    if args.demo:
        specs["demo"] = demo_spec()
    pages: list[tuple[str, list[str], str]] = []
    for name, spec in specs.items():
        if name == "demo":
            command = [sys.executable, "-m", "autoui", "demo", "--port", "{port}", "-q"]
            pages.append(("autoui demo", command, "/"))
        else:
            pages.append((f"autoui {name}", autoui_serve(spec), "/"))
        pages.append((f"swagger {name}", baseline("swagger", "--spec", str(spec)), "/"))
    pages.append(("empty gradio", baseline("empty"), "/"))
    pages.append(("floor gradio", baseline("floor"), "/"))
    wanted = args.only.split(",")
    pages = [p for p in pages if any(w in p[0] for w in wanted) or p[0].endswith(" gradio")]
    with servers(*pages) as started, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for server in started.values():
            server.settle()
        rss_idle = {name: server.rss_mb() for name, server in started.items()}
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in started}
        for round_ in range(-1, args.rounds):  # round -1 warms servers and caches up
            names = list(started) if round_ % 2 else list(started)[::-1]
            for name in names:
                try:
                    result = measure(browser, name.split()[0], started[name].url)
                except PlaywrightError as exc:  # e.g. Swagger UI still drawing Stripe's spec
                    result = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
                result["load_average"] = load_average()
                print(f"round {round_} {name}: {result}", flush=True)
                if round_ >= 0:
                    runs[name].append(result)
        rss = {name: server.rss_mb() for name, server in started.items()}
        browser.close()
    summary: dict[str, dict[str, Any]] = {}
    for name, results in runs.items():
        good = [r for r in results if "error" not in r]
        keys = [k for k, v in good[0].items() if isinstance(v, int | float)] if good else []
        summary[name] = {k: median([r[k] for r in good]) for k in keys}
        summary[name]["errors"] = [r["error"] for r in results if "error" in r]
        summary[name]["server_rss_mb"] = rss[name]
        summary[name]["server_rss_idle_mb"] = rss_idle[name]
    ratios = {}
    for spec in specs:
        if "usable_s" not in summary.get(f"autoui {spec}", {}):
            continue
        mine = summary[f"autoui {spec}"]["usable_s"]
        ratios[spec] = {
            "vs_swagger": round(mine / summary.get(f"swagger {spec}", {}).get("usable_s", mine), 3),
            "vs_empty_gradio": round(mine / summary["empty gradio"]["usable_s"], 3),
            "vs_floor_gradio": round(mine / summary["floor gradio"]["usable_s"], 3),
            "switch_vs_swagger": round(
                summary[f"autoui {spec}"]["switch_s"]
                / summary.get(f"swagger {spec}", {}).get("switch_s", 1),
                3,
            ),
        }
    save("browser", {"rounds": args.rounds, "runs": runs, "median": summary, "ratios": ratios})
    print(json.dumps({"median": summary, "ratios": ratios}, indent=1))


if __name__ == "__main__":
    main()
