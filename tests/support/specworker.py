"""A process that builds UIs from hostile documents, one per line of its input, so that a
crash, a hang or runaway memory in autoui is caught by the parent instead of taking the
test run down with it.

Input lines are JSON: `{"text": <the document's text>, "name": "spec.yaml"}`. For each,
the worker writes the text to a file of that name, runs the whole pipeline on it
(`load_spec` with validation, the plan, the Gradio page and its config, which is what a
browser would receive) and prints one JSON line: `{"outcome": "built", "operations": N,
"notes": [...]}`, `{"outcome": "refused", "message": "cannot load ..."}` (a SpecError or
ConfigError: the one line a user sees), or `{"outcome": "crashed", "message":
traceback}`, and its peak memory so far. `start_worker()` runs it under an address-space
limit; `SpecWorker.run()` kills it when a document takes longer than its timeout.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

MEMORY_LIMIT = 3 * 1024**3  # address space; Gradio alone maps about 300 MB
TIMEOUT = 120.0


def _build(text: str, name: str, folder: Path, max_operations: int | None) -> dict[str, Any]:
    import autoui
    import autoui.app
    from autoui.errors import AutouiError

    if max_operations is not None:
        autoui.app.MAX_OPERATIONS = max_operations
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        api = autoui.load_spec(str(path), validate=True)
        demo = autoui.build_app(api, base_url="http://127.0.0.1:9")
        config = demo.get_config_file()
        json.dumps(config, default=str)
    except AutouiError as exc:
        return {"outcome": "refused", "message": str(exc)}
    header = next(
        (c["props"].get("value", "") for c in config["components"] if c.get("type") == "markdown"),
        "",
    )
    return {"outcome": "built", "operations": len(api.operations), "header": header}


def main() -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import autoui.app  # noqa: F401  (import Gradio once, before the first document)

    with tempfile.TemporaryDirectory(prefix="autoui-specs-") as tmp:
        for line in sys.stdin:
            request = json.loads(line)
            try:
                result = _build(
                    request["text"], request["name"], Path(tmp), request.get("max_operations")
                )
            except BaseException:  # anything else is a bug this worker exists to catch
                result = {"outcome": "crashed", "message": traceback.format_exc()[-3000:]}
            result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(json.dumps(result), flush=True)


class SpecWorker:
    """The worker as seen from a test: `run(text, name)` -> its result line, as a dict."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

        return subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            preexec_fn=limit,
            cwd=Path(__file__).resolve().parent,
        )

    def run(
        self,
        text: str,
        name: str = "spec.yaml",
        timeout: float = TIMEOUT,
        max_operations: int | None = None,
    ) -> dict[str, Any]:
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"text": text, "name": name, "max_operations": max_operations}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer: list[str] = []
        reader = _Reader(self.process.stdout, answer)
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            self.close()
            return {"outcome": "hung", "message": f"no result within {timeout:g} s"}
        if not answer or not answer[0]:
            code = self.process.wait()
            self.process = None
            return {"outcome": "died", "message": f"the worker exited with status {code}"}
        return json.loads(answer[0])  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class _Reader:
    """Reads one line in a thread, so that the caller can give up on it."""

    def __init__(self, stream: Any, into: list[str]) -> None:
        import threading

        self._thread = threading.Thread(target=lambda: into.append(stream.readline()))
        self._thread.daemon = True

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()


if __name__ == "__main__":
    main()
