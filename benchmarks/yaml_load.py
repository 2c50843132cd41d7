"""How long a large YAML spec takes to read: parsed by PyYAML (libyaml), read back from
autoui's cache of parsed documents, and, as the baseline, the same document as JSON.

Each round reads the document once each way, in a fresh process (a cold interpreter, as
`autoui serve` starts), round robin; medians of the rounds and the ratios to JSON.

    python benchmarks/yaml_load.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import SPECS, load_average, median, save

DOCUMENTS = {
    "openai": SPECS / "openai" / "openapi.yaml",
    "bunq": SPECS.parent / "apis-guru-2020" / "bunq.com" / "1.0" / "openapi.yaml",
}
# Timed inside the child, around `parse` only (interpreter start and imports excluded).
CHILD = """
import os, sys, time
from autoui.loader.parse import parse
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
parse(data, sys.argv[1])
print(time.perf_counter() - start)
"""


def timed(path: Path, cache: str) -> float:
    env = {"AUTOUI_CACHE_DIR": cache, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return float(out.stdout)


def measure(path: Path, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as work:
        as_json = Path(work) / (path.stem + ".json")
        import yaml

        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        as_json.write_text(json.dumps(document, default=str))
        cache = str(Path(work) / "cache")
        timed(path, cache)  # fills the cache
        runs: dict[str, list[float]] = {"yaml": [], "yaml_cached": [], "json": []}
        for _ in range(rounds):
            runs["yaml"].append(timed(path, ""))
            runs["yaml_cached"].append(timed(path, cache))
            runs["json"].append(timed(as_json, ""))
    medians = {name: median(values) for name, values in runs.items()}
    return {
        "bytes": path.stat().st_size,
        "seconds": medians,
        "runs": runs,
        "ratio_to_json": {
            name: round(value / medians["json"], 2) for name, value in medians.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    before = load_average()
    results = {}
    for name, path in DOCUMENTS.items():
        if not path.exists():
            raise SystemExit(f"{path}: not found (set AUTOUI_BIG_SPECS to the corpus's big/)")
        results[name] = measure(path, args.rounds)
        print(name, json.dumps(results[name]["seconds"]), results[name]["ratio_to_json"])
    save(
        "yaml_load",
        {"rounds": args.rounds, "documents": results, "load_average": [before, load_average()]},
    )


if __name__ == "__main__":
    main()
