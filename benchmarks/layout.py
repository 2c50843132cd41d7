"""Tabs or navigator: page open -> first form usable, by number of operations.

    python benchmarks/layout.py [--rounds 3] [--sizes 10,20,40,80,160]

For each size, a synthetic spec (`synth.py`: 3-6 fields an operation, 8 tags) is
served twice by `autoui serve`, with `--layout tabs` and `--layout navigator`, and
opened in headless Chromium as `browser.py` does (same readiness test, fresh context
each time), round robin. Where the navigator starts to win is `TABS_LIMIT` in
autoui/layout.py. Results: benchmarks/results/layout.json.
"""

from __future__ import annotations

import argparse
from typing import Any

from browser import CHROMIUM, measure
from common import CHROMIUM_ARGS, autoui_serve, load_average, median, save, servers
from playwright.sync_api import sync_playwright
from synth import synthetic

LAYOUTS = ("tabs", "navigator")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="10,20,40,80,160")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    pages = [
        (f"{layout} {n}", autoui_serve(synthetic(n), "--layout", layout), "/")
        for n in sizes
        for layout in LAYOUTS
    ]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in pages}
    with servers(*pages) as started, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for round_ in range(-1, args.rounds):  # round -1 warms servers up
            for name in list(started) if round_ % 2 else list(started)[::-1]:
                result = measure(browser, "autoui", started[name].url)
                result["load_average"] = load_average()
                print(f"round {round_} {name}: {result}", flush=True)
                if round_ >= 0:
                    runs[name].append(result)
        browser.close()
    table = {
        n: {
            layout: {
                key: median([r[key] for r in runs[f"{layout} {n}"]])
                for key in ("usable_s", "switch_s", "html_wire", "heap_mb")
            }
            for layout in LAYOUTS
        }
        for n in sizes
    }
    save("layout", {"rounds": args.rounds, "median": table, "runs": runs})
    for n, row in table.items():
        print(n, {layout: row[layout]["usable_s"] for layout in LAYOUTS})


if __name__ == "__main__":
    main()
