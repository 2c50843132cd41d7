"""Writes the parts of the docs that are read off the project itself, so that they cannot
drift from it: the config reference (from `schemas/autoui-config.schema.json`), the
benchmark tables (from `benchmarks/results/`) and the imports between autoui's layers
(from `autoui/`, read with `ast`).

Each part stands in a page between `<!-- generated: NAME -->` and `<!-- end generated -->`;
the text around it is written by hand. `tests/project/test_docs.py` fails when a committed page
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
    served = _results("load_build_serve")  # the first calls, with the server's CPU time
    b, p = {**build["median"], **served["median"]}, page["median"]
    specs = {"github": "GitHub", "kubernetes": "Kubernetes", "stripe": "Stripe", "openai": "OpenAI"}
    times = "\N{MULTIPLICATION SIGN}"
    empty, floor = p["empty gradio"], p.get("floor gradio")

    def row(
        target: str, cell: Callable[[str], str], met: Callable[[str], bool], browser: bool = False
    ) -> list[str]:
        """Each spec's figure and verdict; a browser figure only for the specs the browser
        run measured (on a loaded machine it may measure some only)."""
        keys = [key for key in specs if not browser or "usable_s" in p.get(f"autoui {key}", {})]
        judged = ", ".join(f"{specs[key]}: {'met' if met(key) else '**gap**'}" for key in keys)
        cells = [cell(key) if key in keys else "not measured in this run" for key in specs]
        return [target, *cells, judged]

    def page_of(key: str) -> tuple[dict[str, Any], dict[str, Any]]:
        return p[f"autoui {key}"], p.get(f"swagger {key}", {})

    def usable(key: str) -> str:
        ours, swagger = page_of(key)
        versus = (
            f"{ours['usable_s'] / swagger['usable_s']:.2f}{times} Swagger UI "
            f"({_s(swagger['usable_s'])})"
            if "usable_s" in swagger
            else "Swagger UI left out of this run"
        )
        text = (
            f"**{_s(ours['usable_s'])}**: {versus}, "
            f"{ours['usable_s'] / empty['usable_s']:.2f}{times} the empty page"
        )
        if floor:
            text += f", {ours['usable_s'] / floor['usable_s']:.2f}{times} the floor page"
        return text

    def switch(key: str) -> str:
        ours, swagger = page_of(key)
        theirs = _s(swagger["switch_s"]) if "switch_s" in swagger else "—"
        return f"**{_s(ours['switch_s'])}** (Swagger UI {theirs})"

    def first_call(key: str) -> str:
        ours, floor = b[f"serve {key}"], b["serve empty gradio"]
        ratio = ours["answered_after_accept_s"] / floor["answered_after_accept_s"]
        return (
            f"**{_s(ours['answered_after_accept_s'])}** after accepting (server CPU "
            f"{_s(ours['answered_after_accept_cpu_s'])}), {ratio:.1f}{times} the empty page; "
            f"{_s(ours['answered_s'])} from process start (CPU {_s(ours['answered_cpu_s'])})"
        )

    def with_endpoints(key: str) -> float:
        """Load + build, then every endpoint built (as `autoui serve` builds them)."""
        return b[f"library {key}"]["wall_s"] + b[f"autoui {key}"]["endpoints_wall_s"]

    def load_build(key: str) -> str:
        lib, built = b[f"library {key}"], b[f"autoui {key}"]
        return (
            f"**{_s(with_endpoints(key))}** with every endpoint: {_s(lib['wall_s'])} "
            f"(CPU {_s(lib['cpu_s'])}) + building the endpoints {_s(built['endpoints_wall_s'])} "
            f"(CPU {_s(built['endpoints_cpu_s'])}); `launch()`, which builds them and starts "
            f"Gradio's server: {_s(lib['launch_wall_s'])}"
        )

    def rss(key: str) -> str:
        return f"{b[f'serve {key}']['server_rss_mb']:.0f} MB"

    def heap(key: str) -> str:
        ours, swagger = page_of(key)
        theirs = f"{swagger['heap_mb']:.1f} MB" if "heap_mb" in swagger else "—"
        return f"{ours['heap_mb']:.1f} MB (Swagger UI {theirs})"

    def weight(key: str) -> str:
        ours = page_of(key)[0]
        return f"{ours['html_wire'] / 1000:.0f} KB ({ours['html_raw'] / 1000:.0f} KB raw)"

    served_empty = b["serve empty gradio"]
    rows = [
        row(
            f"page open → first form usable: ≤ Swagger UI and ≤ 1.2{times} the empty Gradio "
            f"page ({_s(empty['usable_s'])})"
            + (
                f"; the floor page, a Markdown and a Dropdown more: {_s(floor['usable_s'])}, "
                f"{floor['usable_s'] / empty['usable_s']:.2f}{times} the empty page"
                if floor
                else ""
            ),
            usable,
            lambda k: (
                page_of(k)[0]["usable_s"]
                <= min(page_of(k)[1].get("usable_s", float("inf")), 1.2 * empty["usable_s"])
            ),
            browser=True,
        ),
        row(
            "another operation's form: ≤ 0.3 s (Swagger UI: opening an operation)",
            switch,
            lambda k: page_of(k)[0]["switch_s"] <= 0.3,
            browser=True,
        ),
        row(
            "first gradio_client call answered: ≤ 1 s after the server accepts connections "
            f"(empty Gradio page: {_s(served_empty['answered_after_accept_s'])}, CPU "
            f"{_s(served_empty['answered_after_accept_cpu_s'])}; "
            f"{_s(served_empty['answered_s'])} from process start, CPU "
            f"{_s(served_empty['answered_cpu_s'])})",
            first_call,
            lambda k: b[f"serve {k}"]["answered_after_accept_s"] <= 1.0,
        ),
        row(
            "`load_spec` + `build_app`, after imports: ≤ 1.0 s with every endpoint callable "
            "(wall and CPU time)",
            load_build,
            lambda k: with_endpoints(k) <= 1.0,
        ),
        row(
            "server RSS after the first call (every endpoint and MCP tool built): Kubernetes "
            f"≤ 250 MB (empty Gradio page: {served_empty['server_rss_mb']:.0f} MB)",
            rss,
            lambda k: k != "kubernetes" or b[f"serve {k}"]["server_rss_mb"] <= 250,
        ),
        row("JS heap after GC: ≤ 50 MB", heap, lambda k: page_of(k)[0]["heap_mb"] <= 50, True),
        row(
            "page weight, HTML + config as sent (gzip): ≤ 100 KB",
            weight,
            lambda k: page_of(k)[0]["html_wire"] <= 100_000,
            browser=True,
        ),
    ]
    over, burst = calls["overhead"], calls["concurrency"]
    answered, at_once = burst["right_answers"], burst["calls_at_once"]
    all_right = all(n == at_once for n in answered["autoui"])
    calls_rows = [
        [
            f"per-call overhead, {over['calls']} calls via gradio_client: ratio ≤ 1.05",
            f"{over['median_s']['autoui'] * 1000:.1f} ms",
            "hand-written `gr.api` handler with `requests`: "
            f"{over['median_s']['handwritten'] * 1000:.1f} ms",
            f"**{over['ratio']:.3f}**",
            _met(over["ratio"], 1.05),
        ],
        [
            f"{at_once} calls at once, backend {burst['backend_seconds']} s: ≤ 1.15{times}, "
            "none lost",
            f"{_s(burst['median_s']['autoui'])}, {min(answered['autoui'])}/{at_once} at worst "
            f"in {len(answered['autoui'])} rounds",
            f"hand-written handler tuned for concurrency: "
            f"{_s(burst['median_s']['handwritten'])}, {min(answered['handwritten'])}/{at_once}",
            f"**{burst['ratio']:.2f}**",
            _met(burst["ratio"], 1.15) if all_right else "**gap** (calls lost)",
        ],
    ]
    head = ["target", *specs.values(), "target met?"]
    runs = (
        f"`load_build.py` {build['when'][:10]}, `load_build.py --only serve --label _serve` "
        f"{served['when'][:10]}, `browser.py` {page['when'][:10]}"
    )
    loads = [r["load_average"] for result in (build, served, page)
             for rs in result["runs"].values() for r in rs if "load_average" in r]  # fmt: skip
    return (
        f"From {runs} (one run each; load average {min(loads):.0f} to {max(loads):.0f} "
        "while they ran):\n\n"
        + table(head, rows)
        + f"\n\nCalls (`calls.py` {calls['when'][:10]}):\n\n"
        + table(["target", "autoui", "baseline, same run", "ratio", "target met?"], calls_rows)
    )


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


def first_token() -> str:
    result = _results("first_token")
    ours, theirs, ratios = (
        result["median"]["autoui"],
        result["median"]["handwritten"],
        result["ratios"],
    )
    target = result["target_ms"]

    def shown(figures: dict[str, Any]) -> str:
        return f"{figures['median']:.1f} ms (p90 {figures['p90']:.1f} ms)"

    rows = [
        [
            f"first token visible after the server sent it: ≤ {target:.0f} ms",
            f"**{shown(ours['first_token_ms'])}**",
            shown(theirs["first_token_ms"]),
            f"{ratios['first_token_ms']:.2f}",
            _met(ours["first_token_ms"]["median"], target),
        ],
        [
            "each later token",
            shown(ours["per_token_ms"]),
            shown(theirs["per_token_ms"]),
            f"{ratios['per_token_ms']:.2f}",
            "—",
        ],
        [
            "the app server's CPU time per message (all threads)",
            f"{ours['server_cpu_ms_per_message']:.0f} ms",
            f"{theirs['server_cpu_ms_per_message']:.0f} ms",
            f"{ours['server_cpu_ms_per_message'] / theirs['server_cpu_ms_per_message']:.2f}",
            "—",
        ],
    ]
    load = result["load_average"]
    head = ["target (median over messages)", "autoui", "hand-written `gr.ChatInterface`, same run",
            "ratio", "target met?"]  # fmt: skip
    return (
        _machine(result)
        + f"{ours['messages']} messages per app of {result['tokens_per_message']} tokens, "
        f"{result['rounds']} rounds; load average {load['min']:.1f} to {load['max']:.1f}.\n\n"
        + table(head, rows)
    )


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


def _apart(seconds: float | None) -> str:
    """A navigator page's endpoints or forms built apart; a page of tabs has none."""
    return "—" if seconds is None else f"{seconds:.1f} s"


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
            _apart(doc["endpoints_seconds"]),
            _apart(doc["forms_seconds"]),
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
    "plan": {"ir", "schemas", "errors"},
    "dispatcher": {"ir", "schemas", "errors", "plan"},
    "builder": {"ir", "schemas", "errors", "plan", "layout"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "autoui").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imported(module: str, path: Path, node: ast.AST, modules: dict[str, Path]) -> list[str]:
    """The modules an import statement names (an `autoui` module's submodule when it
    names one), or [] for any other node."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = module.split(".")[: None if path.name == "__init__.py" else -1]
    stem = node.module or ""
    if node.level:
        stem = ".".join(base[: len(base) - node.level + 1] + ([stem] if stem else []))
    return [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem for a in node.names]


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
            for name in _imported(module, path, child, modules):
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


# The mapper's modules both siblings read: the plan's data, the input and output kinds it
# names, the names and schema shapes it carries, what a call sent and got back, what the
# page asks of the dispatcher, and what the security schemes say. Plain data and functions
# over it, without Gradio or HTTP (tests/project/test_layers.py checks that).
PLAN_MODULES = (
    "plan",
    "kinds",
    "output_kinds",
    "naming",
    "shapes",
    "sent",
    "reply_data",
    "calls",
    "security",
)


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[1:2] == ["mapper"] and parts[2:3] and parts[2] in PLAN_MODULES:
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
    "first-token": first_token,
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
