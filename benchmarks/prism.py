"""Stoplight Prism as an independent judge of requests: installed, started, listened to.

`prism mock` (`@stoplight/prism-cli`, PRISM_VERSION, from npm into `benchmarks/.cache/
prism`) serves a document as a validating mock: it checks each request against the
document (parameters in their styles, the body by its Content-Type, the security
requirements) and lists what it finds wrong in an `sl-violations` header
(prism-http-server `server.js`, `addViolationHeader`), or in the `validation` list of
its own 422 (prism-http `mocker/index.js`, `createUnprocessableEntityResponse`).

A `Recorder` stands between the client and Prism and keeps the exact bytes of each
request, which Prism's verdict alone does not show; `known_bug` names the Prism 5.16
bugs a failure shows, each with the place in Prism's source (`node_modules/@stoplight/
prism-http/dist/...`) and what the recorded request proves.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
PRISM_VERSION = "5.16.0"
PRISM_DIR = HERE / ".cache" / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
STARTUP_SECONDS = 1800  # Prism reads a 4 MB document in minutes on a busy machine
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
ACCEPTED, REJECTED = "accepted", "rejected"


def install() -> Path:
    """Prism's command, installed with npm into the cache folder unless it is there."""
    if PRISM_BIN.exists() and _installed_version() == PRISM_VERSION:
        return PRISM_BIN
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("conformance: npm is needed to install Prism (apt-get install npm)")
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    (PRISM_DIR / "package.json").write_text('{"private": true}\n')
    print(f"installing @stoplight/prism-cli@{PRISM_VERSION} into {PRISM_DIR}", flush=True)
    command = [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact"]
    subprocess.run([*command, f"@stoplight/prism-cli@{PRISM_VERSION}"], cwd=PRISM_DIR, check=True)
    return PRISM_BIN


def _installed_version() -> str:
    package = PRISM_DIR / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    with contextlib.suppress(OSError, ValueError):
        return str(json.loads(package.read_text())["version"])
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listens(pid: int, port: int) -> bool:
    """Whether process `pid` listens on `port` of 127.0.0.1. Prism takes minutes to start
    on a large document: by then another program may have taken the port it was given,
    and a mere connection would talk to that one (Linux's /proc)."""
    sockets = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                sockets.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
    with contextlib.suppress(OSError), open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            local, state, inode = (line.split()[i] for i in (1, 3, 9))
            if local == f"0100007F:{port:04X}" and state == "0A" and f"socket:[{inode}]" in sockets:
                return True
    return False


# Prism goes when the worker that started it goes, even killed at its time limit (Linux's
# parent-death signal, through util-linux; without it, a killed worker leaves Prism running).
_DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


def servable(spec: Path, folder: Path, operations: set[tuple[str, str]] | None = None) -> Path:
    """The document as Prism can read it offline, and quickly.

    Prism resolves every `$ref` member, even one inside an example value, which OpenAPI
    says is literal data: GitHub's SCIM examples hold `"$ref": "https://api.github.com/
    scim/..."`, which Prism downloads, and fails without a network. Prism gets a copy
    without the examples holding such a link; nothing it checks a request against changes.

    With `operations` (path key, lower-case method), the copy holds only those operations
    and what their requests reach by `$ref` (a sample of a large document): Prism reads
    all of a document before it listens, minutes of CPU for Stripe's or Kubernetes'. Their
    responses keep their status codes and lose what they hold: Prism judges a request by
    its parameters, body and security, never by the responses, and reading a response
    schema can take it hours. Its reader (`prism-http/dist/utils/operations.js`:
    `decycle(await new $RefParser().dereference(...))`) inlines every `$ref`, and
    `@stoplight/json`'s `decycle` writes a shared object out again at each place it is
    reached, stopping only at a cycle: Stripe's 437 schemas all reach each other through
    their expandable fields, so the sample of 20 operations (724 KB of JSON) unfolds into
    more than 20 million nodes, and Prism did not listen within 1800 s. Without the
    responses' contents that sample is 40 KB and reaches no schema. A document with a
    `$ref` to another file is served whole (the copy would lose its neighbours).
    """
    text = spec.read_text(encoding="utf-8", errors="replace")
    linked = re.search(r"""\$ref['"]?\s*:\s*['"]?https?://""", text)
    if not linked and operations is None:
        return spec
    document = json.loads(text) if spec.suffix == ".json" else yaml.load(text, yaml.CSafeLoader)
    if operations is not None and not _refers_to_files(document):
        document = _only(document, operations)
    elif not linked:
        return spec
    if linked:
        document = _without_linked_examples(document)
    copy = folder / f"{spec.stem}.json"
    copy.write_text(json.dumps(document), encoding="utf-8")
    return copy


def _refers_to_files(node: Any) -> bool:
    """Whether a `$ref` of the document names another file (not `#...`, not a URL)."""
    if isinstance(node, list):
        return any(_refers_to_files(item) for item in node)
    if not isinstance(node, dict):
        return False
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith(("#", "http://", "https://")):
        return True
    return any(_refers_to_files(value) for value in node.values())


_SECTIONS = ("definitions", "parameters", "responses")  # Swagger 2.0's reusable parts


def _only(document: dict[str, Any], operations: set[tuple[str, str]]) -> dict[str, Any]:
    """The document with only `operations`, and of its reusable parts only those they reach."""
    paths: dict[str, Any] = {}
    for key, item in (document.get("paths") or {}).items():
        if isinstance(item, dict) and any((key, m) in operations for m in item):
            paths[key] = {m: _requests_only(v) if m in _METHODS else v for m, v in item.items()
                          if (key, m) in operations or m not in _METHODS}  # fmt: skip
    reached = _reached(document, paths)
    if any(ref.startswith("#/paths/") for ref in reached):
        return document  # a part of another operation: served whole
    # The reusable part each reaches: #/components/schemas/Name, #/definitions/Name
    kept = {"/".join(r.split("/")[: 4 if r.startswith("#/components/") else 3]) for r in reached}

    def used(section: str, parts: Any) -> Any:
        if not isinstance(parts, dict):
            return parts
        return {name: part for name, part in parts.items()
                if f"{section}/{name.replace('~', '~0').replace('/', '~1')}" in kept}  # fmt: skip

    out = {**document, "paths": paths}
    for section in _SECTIONS:
        if section in document:
            out[section] = used(f"#/{section}", document[section])
    if isinstance(document.get("components"), dict):
        out["components"] = {
            kind: parts if kind == "securitySchemes" else used(f"#/components/{kind}", parts)
            for kind, parts in document["components"].items()
        }
    return out


def _requests_only(operation: Any) -> Any:
    """The operation with each response its status code and description only (see
    `servable`)."""
    if not isinstance(operation, dict) or not isinstance(operation.get("responses"), dict):
        return operation
    responses = {code: {"description": "a response"} for code in operation["responses"]}
    return {**operation, "responses": responses}


def _reached(document: dict[str, Any], paths: dict[str, Any]) -> set[str]:
    """The local `$ref`s reached from `paths` and all else but the reusable parts (3.1's
    webhooks too), through the parts they name."""
    reached: set[str] = set()
    pending: list[Any] = [paths]
    pending += [v for k, v in document.items() if k not in ("paths", "components", *_SECTIONS)]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and ref not in reached:
                reached.add(ref)
                pending.append(_at(document, ref))
            pending.extend(v for k, v in node.items() if k != "$ref")
    return reached


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _at(document: Any, ref: str) -> Any:
    node = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _without_linked_examples(node: Any) -> Any:
    """`node` without the example values that hold a linked `$ref`. A map of named
    examples (a media type's, or `components/examples`) keeps each name, which other
    `$ref`s may point at, as an empty Example Object."""
    if isinstance(node, list):
        return [_without_linked_examples(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "examples" and isinstance(value, dict):
            out[key] = {name: {} if _links(v) else _without_linked_examples(v)
                        for name, v in value.items()}  # fmt: skip
        elif not (key in ("example", "examples") and _links(value)):
            out[key] = _without_linked_examples(value)
    return out


def _links(node: Any) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        return (isinstance(ref, str) and ref.startswith(("http://", "https://"))) or any(
            _links(v) for v in node.values()
        )
    return isinstance(node, list) and any(_links(v) for v in node)


class PrismFailed(Exception):
    """Prism could not serve the document at all."""


class Prism:
    """`prism mock` on one document, on a free loopback port; started again if it dies."""

    def __init__(self, spec: Path, log: Path, wait: bool = True) -> None:
        """Started; with `wait=False`, `ready()` waits until it listens (Prism takes a
        while to read a document: the caller can do other work meanwhile)."""
        self.spec, self.log_path = spec, log
        self.restarts = -1
        self.launch()
        if wait:
            self.ready()

    def start(self) -> None:
        self.launch()
        self.ready()

    def launch(self) -> None:
        self.port = free_port()
        self.restarts += 1
        self.logged = self.log_path.stat().st_size if self.log_path.exists() else 0
        command = [str(PRISM_BIN), "mock", str(self.spec), "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [*_DIE_WITH_PARENT, *command, "--host", "127.0.0.1", "--verboseLevel", "error"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def ready(self, tries: int = 3) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not listens(self.proc.pid, self.port):
            if self.proc.poll() is not None:
                said = self.log_since(self.logged)
                if "EADDRINUSE" in said and tries > 1:  # another program took the port
                    self.restarts -= 1
                    self.launch()
                    return self.ready(tries - 1)
                raise PrismFailed(f"Prism exited ({self.proc.returncode}): {_gist(said)}")
            if time.monotonic() > deadline:
                self.stop()
                raise PrismFailed(f"Prism did not listen within {STARTUP_SECONDS} s")
            time.sleep(0.2)

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    def restart_if_dead(self, crashed: bool) -> None:
        """Start again after a crash (after a request it could not answer, wait for it)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10 if crashed else 0)
        if self.proc.poll() is not None:
            self.start()

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def _gist(log: str) -> str:
    """What Prism said when it exited: its error lines (yargs prints the usage around
    them), else the end of its log."""
    errors = [line.strip() for line in log.splitlines() if "rror" in line and "--" not in line]
    return " / ".join(errors)[-1500:] if errors else log[-1500:].strip()


@dataclass
class Exchange:
    """One request as the client sent it, and Prism's reply."""

    method: str
    target: str  # the request target: path and query, as sent
    headers: list[tuple[str, str]]
    body: bytes
    status: int = 0
    reply_headers: dict[str, str] = field(default_factory=dict)
    reply: bytes = b""
    error: str = ""  # Prism did not answer (it died)

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name), "")


class Recorder:
    """A loopback HTTP server that passes every request on to Prism unchanged, and keeps it."""

    def __init__(self, prism: Prism) -> None:
        self.prism = prism
        self.exchanges: list[Exchange] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                exchange = Exchange(self.command, self.path, list(self.headers.items()), body)
                recorder.exchanges.append(exchange)
                recorder.forward(exchange)
                self.send_response_only(exchange.status or 502)
                for name, value in exchange.reply_headers.items():
                    if name not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(exchange.reply)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up waiting (its timeout)
                    self.wfile.write(exchange.reply)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one
            do_HEAD = do_OPTIONS = do_TRACE = handle_one

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, exchange: Exchange) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.prism.port, timeout=120)
        try:
            connection.putrequest(
                exchange.method, exchange.target, skip_host=True, skip_accept_encoding=True
            )
            for name, value in exchange.headers:
                connection.putheader(name, value)
            connection.endheaders(exchange.body or None)
            response = connection.getresponse()
            exchange.status = response.status
            exchange.reply_headers = {k.lower(): v for k, v in response.getheaders()}
            exchange.reply = response.read()
        except OSError as exc:
            exchange.error = f"{type(exc).__name__}: {exc}"
            exchange.reply = b"Prism did not answer"
        finally:
            connection.close()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


Violation = dict[str, Any]  # code, location (["body", "name"]), message


def verdict(exchange: Exchange, log: str) -> tuple[str, list[Violation]]:
    """Prism's verdict on one request: accepted, or rejected with the errors it found.

    Warnings are not refusals, nor is a violated security requirement (code 401: the
    run gives credentials, and checks what it can of them elsewhere). When Prism fails
    to make its mock reply (a 500: "Cannot find serializer", "too complex to generate"),
    no verdict is in the reply; its log has it, since it logs each violation of a request
    it refuses as an error of its VALIDATOR (`mocker/index.js`, `createInvalidInputResponse`).
    """
    if exchange.error:
        return REJECTED, [{"code": "crashed", "location": [], "message": exchange.error}]
    found: list[Violation] = []
    header = exchange.reply_headers.get("sl-violations", "")
    with contextlib.suppress(ValueError):
        found = [v for v in json.loads(header) if v.get("location", [""])[0] == "request"]
    if not found and exchange.status == 500:
        found = [
            {"code": "logged", "location": [], "message": line.split("VALIDATOR", 1)[1][-300:]}
            for line in log.splitlines()
            if "VALIDATOR" in line and "Violation: response" not in line
        ]
    elif not found and exchange.status >= 400:
        with contextlib.suppress(ValueError):
            problem = json.loads(exchange.reply)
            kind = str(problem.get("type", "")) if isinstance(problem, dict) else ""
            if "stoplight.io/prism/errors" in kind:
                found = list(problem.get("validation") or []) or [
                    {"code": kind.rsplit("#", 1)[-1], "message": str(problem.get("detail"))}
                ]
    errors = [
        {"code": v.get("code"), "location": _place(v.get("location")), "message": v.get("message")}
        for v in found
        if v.get("severity", "Error") == "Error" and str(v.get("code")) != "401"
    ]
    return (REJECTED if errors else ACCEPTED), errors


def _place(location: Any) -> list[Any]:
    """Where a violation is, the same whether the header said it (`["request", "body",
    "name"]`) or a 422's body (`["body", "name"]`)."""
    place = list(location) if isinstance(location, list) else []
    return place[1:] if place[:1] == ["request"] else place


_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_RANGE = re.compile(rf"{_TOKEN}/{_TOKEN}\s*(;|$)")

# Header parameters OpenAPI 3 says to ignore (Parameter Object, `name`).
_IGNORED_HEADERS = ("accept", "content-type", "authorization")


def known_bug(path: str, parameters: Any, errors: list[Violation], sent: Exchange | None) -> str:
    """The known Prism 5.16 bug that explains the failure, or "".

    `path` is the operation's path key, `parameters` its IR parameters.
    """
    codes = {str(e.get("code")) for e in errors}
    messages = " ".join(str(e.get("message")) for e in errors)
    if "crashed" in codes:
        if any(p.location == "path" and "array" in json.dumps(p.schema) for p in parameters):
            # validator/deserializers/style/simple.js calls `value.split` on the array that
            # uri-template-lite made of a path value holding a comma
            return "crashes on an array in the path"
        if sent and not all(
            _MEDIA_RANGE.match(r.strip()) for r in sent.header("accept").split(",")
        ):
            # mocker/negotiator/InternalHelpers.js, findBestHttpContentByMediaType: the
            # content-type package's parse throws on it, uncaught, and the process ends
            return "crashes on an Accept header that is not a media type"
        return "crashed"
    mixed = [s for s in path.split("/") if "{" in s and not re.fullmatch(r"\{[^{}]+\}", s)]
    if mixed and ("NO_PATH_MATCHED_ERROR" in codes or any(_where(e)[0] == "path" for e in errors)):
        # router/matchPath.js takes a segment with a parameter for one parameter
        return "mis-routes a path segment of several parts ({a}{b}, {id}.json)"
    media = sent.header("content-type") if sent else ""
    if sent and media.startswith(FORMS):
        repeated = _repeated_names(sent)
        if repeated and all(_where(e) in {("body", n) for n in repeated} for e in errors):
            # validator/validators/body.js, splitUriParams and parseMultipartFormDataParams
            # keep one value per name (`result[key] = ...`)
            return "keeps only the last of repeated form keys"
        if media.startswith("multipart/") and "Reserved characters used" in messages:
            # body.js, validateAgainstReservedCharacters: the urlencoded rule (allowReserved)
            # applied to multipart parts, whose text is not percent-encoded
            return "applies the urlencoded reserved-character rule to multipart parts"
    if "Cannot deserialize JSON object array in form data" in messages:
        # validator/validators/body.js, deserializeFormBody: an array of objects in a form
        # body must be JSON text, even where its encoding is deepObject (`a[0][b]=x`,
        # Stripe's), whose deserializer already made it objects
        return "reads an array of objects in a form body only as JSON text"
    if errors and all(_where(e) in {("header", h) for h in _IGNORED_HEADERS} for e in errors):
        # validator/validators/headers.js checks each header parameter, these included
        return "checks an Accept, Content-Type or Authorization parameter, which OpenAPI ignores"
    if "Body parameter is required" in messages and sent and _falsy_json(sent.body):
        # validator/index.js, checkRequiredBodyIsProvided: `!body` takes "", 0, false for none
        return 'takes a falsy JSON body ("", 0, false) for no body'
    return ""


def _bad_accept(accept: str) -> bool:
    """Whether an Accept header was sent and one of its ranges is not a media type."""
    return bool(accept) and not all(_MEDIA_RANGE.match(r.strip()) for r in accept.split(","))


def _where(error: Violation) -> tuple[str, str]:
    """(`body`, `name`) of a violation at `["body", "name", ...]`; header names in lower case."""
    place = [str(p) for p in error["location"]] + ["", ""]
    return place[0], place[1].lower() if place[0] == "header" else place[1]


def _repeated_names(sent: Exchange) -> set[str]:
    if sent.header("content-type").startswith("multipart/"):
        names = re.findall(rb'Content-Disposition: form-data; name="([^"]+)"', sent.body)
    else:
        names = [pair.split(b"=", 1)[0] for pair in sent.body.split(b"&")]
    counted = Counter(n.decode("utf-8", "replace") for n in names)
    return {name for name, count in counted.items() if count > 1}


def _falsy_json(body: bytes) -> bool:
    try:
        return bool(body) and not json.loads(body)
    except ValueError:
        return False
