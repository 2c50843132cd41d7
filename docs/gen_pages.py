"""Writes the parts of the docs that are read off the project itself, so that they cannot
drift from it: the config reference (from `schemas/autoui-config.schema.json`), the
benchmark tables (from `benchmarks/results/`) and the imports between autoui's layers
(from `autoui/`, read with `ast`).

Each part stands in a page between `<!-- generated: NAME -->` and `<!-- end generated -->`;
the text around it is written by hand. `tests/test_docs.py` fails when a committed page
differs from what this script writes.

    python docs/gen_pages.py          # rewrite the generated parts of docs/*.md
    python docs/gen_pages.py --check  # list the pages that differ; exit 1 if any

One file of three independent parts (about 400 lines), so that it runs as a script with
no package of its own and mkdocs never has to import it.
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
    pages = {"github": "GitHub", "kubernetes": "Kubernetes", "demo": "demo"}
    big = ["github", "kubernetes"]

    def baseline_build(key: str) -> str:
        found = gr_load[key]
        if "error" in found:
            return f"`gr.load_openapi`: fails ({found['error'].split(':')[0]})"
        return f"`gr.load_openapi`: {_s(found['wall_s'])}, {found['peak_rss_mb']:.0f} MB"

    def page_row(
        target: str,
        metric: str,
        shown: Callable[[float], str],
        baseline: str,
        limit: float,
        keys: list[str],
        judged: list[str] | None = None,
        by_ratio: bool = False,
        raw: str = "",
    ) -> list[str]:
        """A browser figure on each page: autoui's, its baseline's (Swagger UI on the same
        spec, or the empty Gradio page), their ratio, and whether the target is met."""
        ours = {key: p[f"autoui {key}"][metric] for key in keys}
        if baseline == "swagger":
            theirs = {key: p[f"swagger {key}"][metric] for key in keys}
            named = "Swagger UI: " + " / ".join(shown(value) for value in theirs.values())
            if metric in p["empty gradio"]:
                named += f"; empty Gradio page: {shown(p['empty gradio'][metric])}"
        else:
            theirs = {key: p["empty gradio"][metric] for key in keys}
            named = f"empty Gradio page: {shown(p['empty gradio'][metric])}"
        ratios = {key: ours[key] / theirs[key] for key in keys}
        judge = ratios if by_ratio else ours
        return [
            target,
            ", ".join(
                f"{pages[key]} {shown(ours[key])}"
                + (f" ({shown(p[f'autoui {key}'][raw])} raw)" if raw else "")
                for key in keys
            ),
            named,
            " / ".join(f"{ratios[key]:.2f}" for key in keys),
            ", ".join(f"{pages[key]}: {_met(judge[key], limit)}" for key in judged or keys),
        ]

    rows = []
    for key, owner, ops in (("github", "GitHub's", 771), ("kubernetes", "Kubernetes'", 1123)):
        wall = b[f"autoui {key}"]["wall_s"]
        target = f"load + build, {owner} spec ({ops:,} ops), after imports: ≤ 1.0 s"
        rows.append([target, f"**{_s(wall)}**", baseline_build(key), "—", _met(wall, 1.0)])
    stripe = b["autoui stripe"]
    stripe_ratio = f"{stripe['wall_s'] / gr_load['stripe']['wall_s']:.3f}"
    stripe_figures = f"{_s(stripe['wall_s'])}, {stripe['peak_rss_mb']:.0f} MB"
    rows.append(["(load + build, Stripe's spec, 417 ops)", stripe_figures,
                 baseline_build("stripe"), stripe_ratio, "—"])  # fmt: skip
    times = "\N{MULTIPLICATION SIGN}"
    rows += [
        page_row("page open → first form usable, GitHub and Kubernetes: no slower than "
                 "Swagger UI (the demo's for comparison)", "usable_s", _s, "swagger", 1.0,
                 [*big, "demo"], judged=big, by_ratio=True),
        page_row(f"page open: ≤ 1.2{times} an empty Gradio page", "usable_s", _s, "empty", 1.2,
                 list(pages), by_ratio=True),
        page_row("switch to another operation: ≤ 0.3 s (Swagger UI: opening an operation)",
                 "switch_s", _s, "swagger", 0.3, list(pages)),
        page_row("JS heap after GC: ≤ 50 MB", "heap_mb", lambda mb: f"{mb:.1f} MB", "swagger",
                 50, list(pages)),
        page_row("server RSS, once the API endpoints are built: ≤ 250 MB", "server_rss_mb",
                 lambda mb: f"{mb:.0f} MB", "empty", 250, list(pages)),
        page_row("page weight, HTML + config as sent (gzip): ≤ 100 KB", "html_wire",
                 lambda size: f"{size / 1000:.0f} KB", "empty", 100_000, list(pages),
                 raw="html_raw"),
    ]  # fmt: skip
    over, burst = calls["overhead"], calls["concurrency"]
    rows.append([
        f"per-call overhead, {over['calls']} calls via gradio_client: ratio ≤ 1.05",
        f"{over['median_s']['autoui'] * 1000:.1f} ms",
        "hand-written `gr.api` handler with `requests`: "
        f"{over['median_s']['handwritten'] * 1000:.1f} ms",
        f"**{over['ratio']:.3f}**", _met(over["ratio"], 1.05),
    ])  # fmt: skip
    answered, at_once = burst["right_answers"], burst["calls_at_once"]
    all_right = all(n == at_once for n in answered["autoui"])
    rows.append([
        f"{at_once} calls at once, backend {burst['backend_seconds']} s: ≤ 1.15{times}, none lost",
        f"{_s(burst['median_s']['autoui'])}, {min(answered['autoui'])}/{at_once} at worst "
        f"in {len(answered['autoui'])} rounds",
        f"hand-written handler tuned for concurrency: {_s(burst['median_s']['handwritten'])}, "
        f"{min(answered['handwritten'])}/{at_once}",
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


def _conformance_documents() -> list[dict[str, Any]]:
    folder = RESULTS / "conformance"
    found = [json.loads(f.read_text()) for f in sorted(folder.glob("*.json"))]
    return sorted(found, key=lambda doc: doc["path"])


CONFORMANCE_COLUMNS = ("accepted", "autoui", "spec", "prism", "design", "not_generated")


def conformance_corpus() -> str:
    """The corpus-wide figure, by family of documents (the first folder of the path)."""
    docs = _conformance_documents()
    families: dict[str, dict[str, int]] = {}
    for doc in docs:
        row = families.setdefault(doc["path"].split("/")[0], dict.fromkeys(
            ("documents", "one_request", "operations", "in_documents", "prism_cannot_serve",
             "not_run", *CONFORMANCE_COLUMNS), 0))  # fmt: skip
        row["documents"] += 1
        row["operations"] += doc.get("operations", 0)
        row["in_documents"] += doc.get("operations_in_document", doc.get("operations", 0))
        row["one_request"] += doc.get("requests_per_operation") == 1
        row["prism_cannot_serve"] += bool(doc.get("prism_failed"))
        row["not_run"] += bool(doc.get("error")) and not doc.get("prism_failed")
        for column in CONFORMANCE_COLUMNS:
            row[column] += doc.get("counts", {}).get(column, 0)
    total = {k: sum(f[k] for f in families.values()) for k in next(iter(families.values()))}
    rows = []
    for name, f in [*sorted(families.items()), ("**all**", total)]:
        requests = sum(f[c] for c in CONFORMANCE_COLUMNS[:5])
        share = f"{100 * f['accepted'] / requests:.1f}%" if requests else "-"
        rows.append([name if name.startswith("*") else code(name), str(f["documents"]),
                     str(f["one_request"]), str(f["prism_cannot_serve"]), str(f["not_run"]),
                     f"{f['operations']} of {f['in_documents']}", str(requests),
                     f"{f['accepted']} ({share})",
                     *(str(f[c]) for c in CONFORMANCE_COLUMNS[1:])])  # fmt: skip
    head = ["family", "documents", "1 request an operation", "Prism cannot serve", "no result",
            "operations checked", "requests", "accepted", "autoui", "spec", "prism", "design",
            "not generated"]  # fmt: skip
    return table(head, rows, ["---"] + ["---:"] * (len(head) - 1))


def conformance_reasons() -> str:
    """Every refusal not of autoui's, by its reason: how many requests, in how many documents;
    and the documents Prism cannot serve."""
    requests: dict[tuple[str, str], int] = {}
    documents: dict[tuple[str, str], set[str]] = {}
    for doc in _conformance_documents():
        if doc.get("prism_failed"):
            key = ("prism", "cannot serve the document: " + _prism_failure(doc["error"]))
            requests[key] = requests.get(key, 0)
            documents.setdefault(key, set()).add(doc["path"])
        for failure in doc.get("failures", []):
            if failure["blame"] in ("spec", "prism", "design"):
                key = (failure["blame"], failure["reason"])
                requests[key] = requests.get(key, 0) + 1
                documents.setdefault(key, set()).add(doc["path"])
    order = {"spec": 0, "design": 1, "prism": 2}
    keys = sorted(requests, key=lambda k: (order[k[0]], -requests[k], k[1]))
    rows = [[who, reason, str(requests[(who, reason)]), str(len(documents[(who, reason)]))]
            for who, reason in keys]  # fmt: skip
    return table(["whose", "reason", "requests", "documents"], rows, ["---", "---", "---:", "---:"])


def _prism_failure(error: str) -> str:
    """The gist of why Prism could not start: its last error line, or the time limit."""
    lines = [line.strip() for line in error.splitlines() if "rror" in line]
    return (lines[-1] if lines else error.splitlines()[0])[:160]


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
    "conformance-corpus": conformance_corpus,
    "conformance-reasons": conformance_reasons,
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
