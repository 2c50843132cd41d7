"""Writes the parts of the docs that are read off the project itself, so that they cannot
drift from it: the config reference (from `schemas/autoui-config.schema.json`), the
benchmark tables (from `benchmarks/results/`) and the imports between autoui's layers
(from `autoui/`, read with `ast`).

Each part stands in a page between `<!-- generated: NAME -->` and `<!-- end generated -->`;
the text around it is written by hand. `tests/test_docs.py` fails when a committed page
differs from what this script writes.

    python docs/gen_pages.py          # rewrite the generated parts of docs/*.md
    python docs/gen_pages.py --check  # list the pages that differ; exit 1 if any
"""

from __future__ import annotations

import ast
import json
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RESULTS = ROOT / "benchmarks" / "results"
PART = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def table(head: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    lines = [head, align or ["---"] * len(head), *rows]
    return "".join("| " + " | ".join(cells) + " |\n" for cells in lines)


def code(value: Any) -> str:
    return f"`{value}`"


# --- The config reference ---------------------------------------------------------


WORDS = {"string": ("text", "texts"), "number": ("number", "numbers"),
         "boolean": ("`true`/`false`", "booleans"), "object": ("mapping", "mappings"),
         "array": ("list", "lists"), "null": ("`null`", "`null`s")}  # fmt: skip


def _kind(node: dict[str, Any], defs: dict[str, Any], plural: bool = False) -> str:
    """What a key takes, in words."""
    if "enum" in node:
        return ", ".join(code(value) for value in node["enum"])
    if node.get("$ref"):
        return _kind({**defs[node["$ref"].rsplit("/", 1)[1]], **node, "$ref": None}, defs)
    types = node.get("type")
    if types is None:
        return "any value"
    if types == "array" and "items" in node:
        return "list of " + _kind(node["items"], defs, plural=True)
    words = [WORDS[kind][plural] for kind in ([types] if isinstance(types, str) else types)]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def _keys(
    node: dict[str, Any], defs: dict[str, Any], prefix: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every key of the format, depth first, with its schema: `operations.<operation>`
    stands for any key of `operations`, named after the `$defs` entry it takes."""
    if "$ref" in node and "properties" not in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    for name, child in node.get("properties", {}).items():
        if name == "$schema":
            continue
        yield prefix + name, child
        yield from _keys(child, defs, f"{prefix}{name}.")
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        kind = extra["$ref"].rsplit("/", 1)[1]
        key = f"{prefix}<{kind}>"
        yield key, defs[kind]
        yield from _keys(extra, defs, key + ".")


def config_reference() -> str:
    schema = json.loads((ROOT / "schemas" / "autoui-config.schema.json").read_text())
    defs = schema["$defs"]
    rows = [
        [code(key), _kind(node, defs), node.get("description", "").replace("|", "\\|")]
        for key, node in _keys(schema, defs, "")
    ]
    return table(["key", "value", "what it does"], rows)


# --- Benchmarks ---------------------------------------------------------------------


def _results(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESULTS / f"{name}.json").read_text())
    return data


def _machine(result: dict[str, Any]) -> str:
    m = result["machine"]
    return (
        f"Measured {result['when'][:10]} ({result['benchmark']}.py): {m['cores']} cores "
        f"({m['cpu']}), Python {m['python']}, Gradio {m['gradio']}.\n\n"
    )


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _met(value: float, limit: float) -> str:
    return "met" if value <= limit else "**gap**"


def targets() -> str:
    build, page, calls = _results("load_build"), _results("browser"), _results("calls")
    b, p, gr_load = build["median"], page["median"], build["gr.load_openapi"]
    ratio = page["ratios"]
    specs = [("github", "GitHub"), ("kubernetes", "Kubernetes"), ("demo", "demo")]
    big = specs[:2]

    def each(metric: Callable[[str], str], names: list[tuple[str, str]] = specs) -> str:
        return ", ".join(f"{label} {metric(key)}" for key, label in names)

    def worst(metric: Callable[[str], float], limit: float, names: list[tuple[str, str]]) -> str:
        return _met(max(metric(key) for key, _ in names), limit)

    def baseline_build(key: str) -> str:
        found = gr_load[key]
        if "error" in found:
            return f"`gr.load_openapi`: fails ({found['error'].split(':')[0]})"
        return f"`gr.load_openapi`: {_s(found['wall_s'])}, {found['peak_rss_mb']:.0f} MB"

    rows = []
    for key, owner, ops in (("github", "GitHub's", 771), ("kubernetes", "Kubernetes'", 1123)):
        wall = b[f"autoui {key}"]["wall_s"]
        target = f"load + build, {owner} spec ({ops:,} ops), after imports: ≤ 1.0 s"
        rows.append([target, f"**{_s(wall)}**", baseline_build(key), "—", _met(wall, 1.0)])
    stripe = b["autoui stripe"]
    rows.append([
        "(load + build, Stripe's spec, 417 ops)",
        f"{_s(stripe['wall_s'])}, {stripe['peak_rss_mb']:.0f} MB",
        baseline_build("stripe"),
        f"{stripe['wall_s'] / gr_load['stripe']['wall_s']:.3f}",
        "—",
    ])  # fmt: skip
    for key, label in big:
        usable, swagger = p[f"autoui {key}"]["usable_s"], p[f"swagger {key}"]["usable_s"]
        rows.append([
            f"page open → first form usable, {label}: no slower than Swagger UI",
            f"**{_s(usable)}**", f"Swagger UI: {_s(swagger)}",
            f"{ratio[key]['vs_swagger']:.2f}", _met(usable, swagger),
        ])  # fmt: skip
    empty = p["empty gradio"]
    for names, what in ((big, "GitHub / Kubernetes"), (specs[2:], "demo (10 ops, tabs)")):
        rows.append([
            f"page open, {what}: ≤ 1.2\N{MULTIPLICATION SIGN} an empty Gradio page",
            " / ".join(_s(p[f"autoui {key}"]["usable_s"]) for key, _ in names),
            f"empty Gradio page: {_s(empty['usable_s'])}"
            + "".join(f"; Swagger UI: {_s(p[f'swagger {key}']['usable_s'])}"
                      for key, _ in names if key == "demo"),
            " / ".join(f"{ratio[key]['vs_empty_gradio']:.1f}" for key, _ in names),
            worst(lambda key: ratio[key]["vs_empty_gradio"], 1.2, names),
        ])  # fmt: skip
    rows.append([
        "switch to another operation: ≤ 0.3 s",
        each(lambda key: _s(p[f"autoui {key}"]["switch_s"])),
        "Swagger UI opening an operation: "
        + " / ".join(_s(p[f"swagger {key}"]["switch_s"]) for key, _ in specs),
        " / ".join(f"{p[f'autoui {k}']['switch_s'] / p[f'swagger {k}']['switch_s']:.2f}"
                   for k, _ in specs),
        ", ".join(f"{label}: {_met(p[f'autoui {key}']['switch_s'], 0.3)}"
                  for key, label in specs),
    ])  # fmt: skip
    rows.append([
        "JS heap after GC: ≤ 50 MB",
        each(lambda key: f"{p[f'autoui {key}']['heap_mb']:.1f} MB"),
        "Swagger UI: " + " / ".join(f"{p[f'swagger {k}']['heap_mb']:.1f}" for k, _ in specs)
        + f" MB; empty Gradio {empty['heap_mb']:.1f} MB",
        " / ".join(f"{p[f'autoui {k}']['heap_mb'] / p[f'swagger {k}']['heap_mb']:.2f}"
                   for k, _ in specs),
        worst(lambda key: p[f"autoui {key}"]["heap_mb"], 50, specs),
    ])  # fmt: skip
    rows.append([
        "server RSS, once the API endpoints are built: ≤ 250 MB",
        each(lambda key: f"{p[f'autoui {key}']['server_rss_mb']:.0f} MB"),
        f"empty Gradio page: {empty['server_rss_mb']:.0f} MB",
        " / ".join(f"{p[f'autoui {k}']['server_rss_mb'] / empty['server_rss_mb']:.2f}"
                   for k, _ in specs),
        ", ".join(f"{label}: {_met(p[f'autoui {key}']['server_rss_mb'], 250)}"
                  for key, label in specs),
    ])  # fmt: skip
    rows.append([
        "page weight, HTML + config as sent (gzip): ≤ 100 KB",
        each(lambda key: f"{p[f'autoui {key}']['html_wire'] / 1000:.0f} KB "
                         f"({p[f'autoui {key}']['html_raw'] / 1000:.0f} KB raw)"),
        f"empty Gradio page: {empty['html_wire'] / 1000:.1f} KB",
        "—",
        worst(lambda key: p[f"autoui {key}"]["html_wire"] / 1000, 100, specs),
    ])  # fmt: skip
    over, burst = calls["overhead"], calls["concurrency"]
    rows.append([
        f"per-call overhead, {over['calls']} calls via gradio_client: ratio ≤ 1.05",
        f"{over['median_s']['autoui'] * 1000:.1f} ms",
        "hand-written `gr.api` handler with `requests`: "
        f"{over['median_s']['handwritten'] * 1000:.1f} ms",
        f"**{over['ratio']:.3f}**", _met(over["ratio"], 1.05),
    ])  # fmt: skip
    answered = burst["right_answers"]
    rounds = len(answered["autoui"])
    all_right = all(n == burst["calls_at_once"] for n in answered["autoui"])
    rows.append([
        f"{burst['calls_at_once']} calls at once, backend {burst['backend_seconds']} s: "
        "≤ 1.15\N{MULTIPLICATION SIGN}, none lost",
        f"{_s(burst['median_s']['autoui'])}, "
        f"{min(answered['autoui'])}/{burst['calls_at_once']} at worst in {rounds} rounds",
        f"hand-written handler tuned for concurrency: {_s(burst['median_s']['handwritten'])}, "
        f"{min(answered['handwritten'])}/{burst['calls_at_once']}",
        f"**{burst['ratio']:.2f}**",
        _met(burst["ratio"], 1.15) if all_right else "**gap** (calls lost)",
    ])  # fmt: skip
    head = ["target", "autoui", "baseline, same run", "ratio", "target met?"]
    runs = ", ".join(f"`{r['benchmark']}.py` {r['when'][:10]}" for r in (build, page, calls))
    return f"From {runs}.\n\n" + table(head, rows)


def layout() -> str:
    result = _results("layout")
    sizes = list(result["median"])
    cell = result["median"]
    rows = [
        [f"{kind}: page usable / switch"]
        + [f"{cell[n][kind]['usable_s']:.2f} / {cell[n][kind]['switch_s']:.2f} s" for n in sizes]
        for kind in ("tabs", "navigator")
    ]
    rows.append(
        ["tabs / navigator: page weight (gzip)"]
        + [
            f"{cell[n]['tabs']['html_wire'] / 1000:.0f} / "
            f"{cell[n]['navigator']['html_wire'] / 1000:.1f} KB"
            for n in sizes
        ]
    )
    return _machine(result) + table(["operations", *sizes], rows)


def corpus() -> str:
    summary = _results("corpus")["summary"]
    components = textwrap.fill(
        ", ".join(f"{name} {count}" for name, count in summary["components"].items()),
        width=88,
        initial_indent="fields by component: ",
    )
    return (
        "```\n"
        f"{summary['with_operations_complete']}/{summary['with_operations']} documents with "
        f"operations build completely; {summary['without_operations_handled']}/"
        f"{summary['without_operations']} without operations handled;\n"
        f"{summary['operations']} operations, {summary['fields']} fields "
        f"({summary['json_editor_fields']} as JSON editors); build time median "
        f"{summary['median_seconds']} s,\nmax {summary['max_seconds']} s ({summary['slowest']})\n"
        f"{components}\n"
        f"(wall time {summary['wall_seconds']} s; {summary['machine']})\n"
        "```\n"
    )


def corpus_largest() -> str:
    documents = _results("corpus")["documents"]
    by_operations = sorted(documents, key=lambda d: d.get("operations", 0), reverse=True)
    by_load = sorted(documents, key=lambda d: d.get("load_seconds", 0), reverse=True)
    chosen = {doc["path"]: doc for doc in by_operations[:5] + by_load[:2]}
    largest = sorted(chosen.values(), key=lambda d: d["operations"], reverse=True)
    rows = [
        [
            code(doc["path"]),
            f"{doc['operations']:,}",
            _s(doc["load_seconds"]),
            _s(doc["build_seconds"]),
            f"{doc['endpoints_seconds']:.1f} s",
            f"{doc['forms_seconds']:.1f} s",
        ]
        for doc in largest
    ]
    head = ["document", "operations", "load", "page", "endpoints", "all forms"]
    return table(head, rows, ["---"] + ["---:"] * 5)


def conformance_ci() -> str:
    result = _results("conformance-ci")
    s = result["summary"]
    rows = [
        [
            code(doc["path"]),
            str(doc["operations"]),
            str(sum(doc["counts"].values())),
            str(doc["counts"].get("accepted", 0)),
            str(len(doc["failures"])),
        ]
        for doc in result["documents"]
    ]
    failures = ", ".join(f"{who} {n}" for who, n in s["failures"].items())
    return (
        f"Prism {s['prism']}: {s['accepted']} of {s['requests']} requests accepted over "
        f"{s['operations']} operations of {s['documents']} documents; refusals by whose "
        f"doing: {failures} ({s['wall_seconds']} s).\n\n"
        + table(["document", "operations", "requests", "accepted", "refused"], rows)
    )


# --- Imports between the layers ---------------------------------------------------------

# Which layer may import which, as /work/shared/design.md's pipeline has it: loader ->
# IR -> mapper -> plan; builder and dispatcher siblings over the plan. Modules at the top
# (app, cli, serve, ...) wire the layers and may import any of them.
LAYERS = {
    "ir": {"schemas"},
    "schemas": set(),
    "errors": set(),
    "loader": {"ir", "schemas", "errors"},
    "config": {"loader", "errors"},
    "mapper": {"ir", "schemas", "config", "errors"},
    "dispatcher": {"ir", "schemas", "errors", "plan"},
    "builder": {"ir", "schemas", "errors", "plan", "layout"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "autoui").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[tuple[str, str], str]:
    """(importer, imported) -> how: `at run time`, `in a function` or `for types only`."""
    edges: dict[tuple[str, str], str] = {}

    def visit(module: str, path: Path, node: ast.AST, how: str) -> None:
        for child in ast.iter_child_nodes(node):
            now = how
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                now = "for types only"
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and how == "at run time":
                now = "in a function"
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = module.split(".")[: None if path.name == "__init__.py" else -1]
                stem = child.module or ""
                if child.level:
                    stem = ".".join(base[: len(base) - child.level + 1] + ([stem] if stem else []))
                names = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem
                         for a in child.names]  # fmt: skip
            for name in names:
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    old = edges.get((module, name))
                    rank = ["for types only", "in a function", "at run time"]
                    if old is None or rank.index(now) > rank.index(old):
                        edges[(module, name)] = now
            visit(module, path, child, now)

    for module, path in modules.items():
        visit(module, path, ast.parse(path.read_text()), "at run time")
    return edges


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[1:2] == ["mapper"] and parts[2:3] == ["plan"]:
        return "plan"
    return parts[1] if len(parts) > 1 else "autoui"


def layer_imports() -> str:
    modules = _modules()
    edges = _imports(modules)
    crossing: dict[tuple[str, str], list[str]] = {}
    for (a, b), how in sorted(edges.items()):
        la, lb = _layer(a), _layer(b)
        if la in LAYERS and lb not in LAYERS[la] | {la} and {la, lb} != {"mapper", "plan"}:
            where = f"{_short(a)} → {_short(b)}" + ("" if how == "at run time" else f" ({how})")
            crossing.setdefault((la, lb), []).append(where)
    rows = [[f"{a} → {b}", str(len(found)), ", ".join(found)] for (a, b), found in crossing.items()]
    cycles = [
        f"- {_short(a)} ↔ {_short(b)}: {_short(a)} imports {_short(b)} {how}, "
        f"{_short(b)} imports {_short(a)} {edges[(b, a)]}\n"
        for (a, b), how in sorted(edges.items())
        if a < b and (b, a) in edges and "__init__.py" not in (modules[a].name, modules[b].name)
    ]
    text = "Imports across layers that the pipeline does not allow:\n\n"
    text += table(["from → to", "imports", "where"], rows) if rows else "none.\n"
    text += "\nImport cycles between two modules:\n\n"
    return text + ("".join(cycles) if cycles else "none.\n")


def _short(module: str) -> str:
    return module.removeprefix("autoui.")


PARTS: dict[str, Callable[[], str]] = {
    "config-reference": config_reference,
    "targets": targets,
    "layout": layout,
    "corpus": corpus,
    "corpus-largest": corpus_largest,
    "conformance-ci": conformance_ci,
    "layer-imports": layer_imports,
}


def generated(page: str) -> str:
    """The page with each of its generated parts written afresh."""
    return PART.sub(lambda m: m[1] + PARTS[m[2]]() + m[4], page)


def main(argv: list[str]) -> int:
    stale = []
    for path in sorted(DOCS.glob("*.md")):
        old = path.read_text()
        new = generated(old)
        if new != old:
            stale.append(path.relative_to(ROOT))
            if "--check" not in argv:
                path.write_text(new)
    verb = "differ from what docs/gen_pages.py writes" if "--check" in argv else "rewritten"
    for path in stale:
        print(f"{path}: {verb}")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
