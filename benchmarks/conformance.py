"""Are autoui's requests what the spec says? Stoplight Prism judges, over the corpus.

    python benchmarks/conformance.py [SPECS_DIR] [--subset ci] [--only TEXT] [--jobs N]
                                     [--resume] [--one-request-above N] [--timeout S]

For each document of SPECS_DIR (default `../shared/specs`, listed by its `INDEX.tsv`):

1. Prism serves it as a validating mock (`benchmarks/prism.py`: npm install of the pinned
   version into `benchmarks/.cache/prism` on first use), behind a recorder that keeps the
   exact bytes of each request.
2. autoui builds the app (`build_app`, a credential for every security scheme, every call
   to the recorder) and serves it as `autoui serve` does (`asgi_app`).
3. For every operation, hypothesis-jsonschema draws requests its schemas allow
   (`benchmarks/generate.py`): one with only what is required, and a richer one. Each is
   given to the operation's API endpoint with gradio_client, keyword by keyword, as a
   client of autoui gives it: the endpoint's check and the dispatcher are the code a
   Send in the page runs (the page's handler differs only in reading the widgets, which
   the browser tests cover), and through gradio_client the signature, Gradio's
   serialisation and file uploads are exercised too.
4. Prism's verdict is read from the recorded reply (`prism.verdict`).

A request Prism refuses (or one autoui refuses to send) is classified:

- `prism`: a known Prism 5.16 bug (`prism.known_bug`: a crash on an array in the path,
  a path segment of several parts mis-routed, only the last of repeated form keys kept,
  and a few more, each shown by the recorded request);
- `spec`: the document's own mistake (`spec_mistake`), for which no request is right;
- `design`: autoui's documented rule that an empty optional field is not sent;
- `autoui`: everything else.

Values the generator cannot draw (a schema it cannot satisfy, over GENERATE_SECONDS of
CPU) are counted apart as `not_generated`, and so are values only Python's regular
expressions allow (`ECMA_WHITESPACE`). The whole corpus takes hours: each document's
result is written as it finishes, one file a document under
`benchmarks/results/conformance/` (its path with `/` as `__`), so that `--resume` skips
the documents already there and `--only` reruns a few; `--one-request-above N` sends one
request per operation (the richer) for documents of more than N operations, and the file
says so. `--subset ci` writes `conformance-ci.json` instead. The summary of the run goes
to stdout; the exit status is 1 when there is a failure of autoui's among the documents
run.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import prism
from common import in_workers
from generate import Inliner, Request, TimeLimit, requests_for, time_limit
from prism import FORMS

HERE = Path(__file__).resolve().parent
DEFAULT_SPECS = HERE.parent.parent / "shared" / "specs"
RESULTS = HERE / "results"
# The CI subset: small documents that between them hold shapes this run found autoui
# getting wrong (a media range, bodies in JSON or XML), and forms, files, booleans and
# Swagger 2.0; quick enough for every push.
CI_SUBSET = (
    "apis-guru-2020/randommer.io/v1/openapi.yaml",  # application/*+json beside JSON
    "apis-guru-2017-json/slideroom.com/v2.json",  # JSON or XML bodies, optional booleans
    "apis-guru-2020/openstf.io/2.3.0/swagger.yaml",
    "apis-guru-2020/elmah.io/v3/swagger.yaml",
    "apis-guru-2017-json/appveyor.com/0.20170106.0.json",  # Swagger 2.0 forms and files
    "oai-examples/v3.0/petstore-expanded.yaml",
)
GENERATE_SECONDS = 20  # CPU seconds per operation
CALL_SECONDS = 60
BATCH = 30  # documents per pool of workers: a served app leaves memory behind
BLAMES = ("autoui", "design", "spec", "prism")
EMPTIED = "an empty optional field is not sent (autoui's rule), and its object needs it"


# --- one document ------------------------------------------------------------------------


def check_document(
    path: str, specs: str, per_operation: int = 2, at_most: int | None = None
) -> dict[str, Any]:
    """Every operation of one document, through autoui's API and Prism: `per_operation`
    requests each (2: only what is required, and a richer one; 1: the richer). With
    `at_most`, a document of more operations has that many checked, evenly spaced in
    its order (every k-th), and its result says how many it has."""
    import gradio_client
    import uvicorn

    import autoui
    from autoui.app import build_app
    from autoui.mapper import plan_api
    from autoui.serve import asgi_app

    started = time.perf_counter()
    result: dict[str, Any] = {"path": path, "operations": 0}
    result["requests_per_operation"] = per_operation
    try:
        api = autoui.load_spec(str(Path(specs) / path))
    except Exception as exc:
        return {**result, "error": f"autoui cannot load it: {exc}"[:300]}
    result["operations_in_document"] = len(api.operations)
    if not api.operations:  # nothing to send (Prism refuses to serve such a document)
        return {**result, "counts": {}, "failures": [], "seconds": 0.0}
    for op in api.operations:
        op.servers = []  # every call goes to the mock
    work = Path(tempfile.mkdtemp(prefix="autoui-conformance-"))
    operations = plan_api(api).operations
    checked = sample(operations, at_most)
    some = {(op.operation.path, op.operation.method.lower()) for op in checked}
    served = prism.servable(Path(specs) / path, work, some if checked != operations else None)
    # Prism reads the document while autoui builds the app and its client connects.
    judge = prism.Prism(served, work / "prism.log", wait=False)
    recorder = prism.Recorder(judge)
    counts: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    spent: Counter[str] = Counter()  # seconds: building and starting, generating values
    server = None
    try:
        demo = build_app(
            api, base_url=recorder.url, retries=0, timeout=CALL_SECONDS, auth=credentials(api)
        )
        listener = socket.create_server(("127.0.0.1", 0))  # bound here: no other takes it
        port = listener.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(asgi_app(demo), log_level="error"))
        threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        # A navigator page builds its endpoints' Blocks on the first request: longer than
        # httpx's 5-second default for the largest documents on a busy machine.
        client = gradio_client.Client(
            f"http://127.0.0.1:{port}",
            verbose=False,
            download_files=False,
            httpx_kwargs={"timeout": 1800},
        )
        inline = Inliner(api.schemas.document)
        valid = validator(inline, api.schemas.dialect)
        try:
            judge.ready()
        except prism.PrismFailed as exc:
            return {**result, "error": str(exc)[:500], "prism_failed": True}
        spent["start"] = time.perf_counter() - started
        for index, op in enumerate(checked):
            result["operations"] += 1
            try:
                drawing = time.perf_counter()
                with time_limit(GENERATE_SECONDS):
                    generated = requests_for(op, inline)[-per_operation:]
                spent["generate"] += time.perf_counter() - drawing
            except (Exception, TimeLimit) as exc:  # a schema it cannot satisfy, or slow
                counts["not_generated"] += 1
                failures.append(
                    {
                        "operation": op.operation.label,
                        "blame": "not_generated",
                        "error": f"{type(exc).__name__}: {exc}"[:300],
                    }
                )
                continue
            for number, request in enumerate(generated):
                folder = work / f"{index}-{number}"  # an api_name can pass NAME_MAX
                folder.mkdir()
                given = arguments(op, request, valid, folder)
                blame, failure = send(client, judge, recorder, op, given)
                counts[blame] += 1
                if failure:
                    failures.append(failure)
    except Exception as exc:  # autoui failed to build or serve the app
        counts["autoui"] += 1
        failures.append(
            {"operation": "(the app)", "blame": "autoui", "error": f"{type(exc).__name__}: {exc}"}
        )
    finally:
        if server is not None:
            server.should_exit = True
        recorder.close()
        judge.stop()
        shutil.rmtree(work, ignore_errors=True)
    return {
        **result,
        "counts": dict(counts),
        "prism_restarts": judge.restarts,
        "failures": failures,
        "spent": {k: round(v, 1) for k, v in spent.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }


def sample(items: list[Any], at_most: int | None) -> list[Any]:
    """`at_most` of the items, evenly spaced (all of them when there are no more)."""
    if at_most is None or len(items) <= at_most:
        return items
    return [items[i * len(items) // at_most] for i in range(at_most)]


def send(
    client: Any, judge: prism.Prism, recorder: prism.Recorder, op: Any, given: dict[str, Any]
) -> tuple[str, dict[str, Any] | None]:
    """Call the operation's endpoint; ("accepted", None) or (blame, what failed)."""
    before, logged = len(recorder.exchanges), judge.log_size()
    error = ""
    try:
        client.predict(api_name=f"/{op.api_name}", **given)
    except Exception as exc:  # gr.Error: the reply was an error, or autoui refused
        error = str(exc)[:600]
    sent = recorder.exchanges[before:]
    log = judge.log_since(logged)
    judge.restart_if_dead(any(e.error for e in sent))
    last = sent[-1] if sent else None
    if last is None:
        errors: list[prism.Violation] = [{"code": "not-sent", "location": [], "message": error}]
    else:
        outcome, errors = prism.verdict(last, log)
        if outcome == prism.ACCEPTED:
            return prism.ACCEPTED, None
    blame, reason = classify(op, given, errors, last, error)
    failure: dict[str, Any] = {"operation": op.operation.label, "blame": blame}
    if reason:
        failure["reason"] = reason
    if error:
        failure["error"] = error
    if last is not None:
        failure["sent"] = {
            "target": last.target[:300],
            "content_type": last.header("content-type"),
            "body": last.body[:300].decode("utf-8", "replace"),
            "status": last.status,
        }
    failure["prism"] = errors[:5]
    failure["given"] = json.dumps(given, default=str)[:400]
    return blame, failure


def arguments(
    plan: Any, request: Request, valid: Callable[[Any, Any], bool], folder: Path
) -> dict[str, Any]:
    """The keyword arguments a gradio_client caller gives for `request`: each field's value
    where the request has one, files uploaded, each selector set to the alternative the
    value is an instance of (the first it is valid for)."""
    from gradio_client import handle_file

    from autoui.mapper.plan import FILE_ENCODINGS, MEDIA_SELECTOR, MISSING, holds, value_at

    given: dict[str, Any] = {}
    chosen: dict[str, str] = {}
    for f in plan.fields:
        if f.is_selector:
            choice = str(f.default)
            value = value_at(request.body, f.body_path) if f.key != MEDIA_SELECTOR else MISSING
            if value is not MISSING and holds(f.when, chosen):
                fits = [v.label for v in f.variants or [] if valid(v.schema, value)]
                choice = given[f.api_param] = fits[0] if fits else choice
            chosen[f.key] = choice
            continue
        if not holds(f.when, chosen):
            continue
        if f.location != "body":
            value = request.parameters.get(f"{f.location} {f.name}", MISSING)
        elif f.body_path:
            value = value_at(request.body, f.body_path)
        else:
            value = request.body
        if value is MISSING:
            continue
        if f.encoding in FILE_ENCODINGS:
            items = value if f.value_type == "array" and isinstance(value, list) else [value]
            files = []
            for i, item in enumerate(items):
                # A document (Kubernetes' `*/*` bodies) is uploaded as a JSON file, as a
                # user would; anything else as the bytes of its text.
                document = not isinstance(item, str)
                upload = folder / f"{f.api_param}-{i}.{'json' if document else 'bin'}"
                text = json.dumps(item) if document else item
                upload.write_bytes(text.encode("utf-8") or b"\0")
                files.append(handle_file(str(upload)))
            given[f.api_param] = files if f.value_type == "array" else files[0]
        elif f.encoding == "json" and (isinstance(value, str) or value is None):
            # A JSON editor's text: None from a client means "not given", JSON's null
            # is the text `null`.
            given[f.api_param] = json.dumps(value)
        else:
            given[f.api_param] = value
    return given


def credentials(api: Any) -> dict[str, Any]:
    """A credential for every security scheme autoui can fill: Prism answers a request
    without them 401 and checks nothing else of it."""
    from autoui.dispatcher.credentials import parse_secret
    from autoui.errors import AuthProblem

    found: dict[str, Any] = {}
    for name, scheme in api.security_schemes.items():
        if scheme.type in ("oauth2", "openIdConnect"):
            value: Any = {"access_token": "conformance-token"}
        else:  # RFC 7617's user:password for basic, a key or token for the rest
            value = "conformance:secret" if scheme.scheme == "basic" else "conformance-key"
        with contextlib.suppress(AuthProblem):
            if parse_secret(scheme, value) is not None:
                found[name] = value
    return found


def validator(inline: Inliner, dialect: str) -> Callable[[Any, Any], bool]:
    """Whether a value is valid for a schema node of the document, by jsonschema."""
    from jsonschema import Draft4Validator, Draft202012Validator

    cls = Draft202012Validator if dialect == "3.1" else Draft4Validator

    def valid(schema: Any, value: Any) -> bool:
        try:
            return bool(cls(inline(schema)).is_valid(value))
        except Exception:  # a schema jsonschema cannot read: not this alternative
            return False

    return valid


# --- whose failure -------------------------------------------------------------------------


def classify(
    op: Any,
    given: Mapping[str, Any],
    errors: list[prism.Violation],
    sent: prism.Exchange | None,
    error: str,
) -> tuple[str, str]:
    """(blame, reason): see the module's doc."""
    if sent is None and emptied(op, given, error):
        return "design", EMPTIED
    routed = any(
        e.get("code") == "NO_PATH_MATCHED_ERROR" or e["location"][:1] == ["path"] for e in errors
    )
    if "${" in op.operation.path and routed:
        # autoui reads `${name}` as `{name}` (its warning says so); taken literally, the
        # segment is `$` and a value, which Prism mis-routes besides (a segment of two parts)
        return "spec", "a shell-style ${name} in a path key"
    from autoui.ir import ROUTE_VARIABLE

    if ROUTE_VARIABLE.search(op.operation.path) and routed:
        # autoui reads `{name:regex}` as `{name}` (its warning says so); Prism takes the
        # whole for a parameter's name, and mis-routes the segment
        return "spec", "a regular expression in a path variable ({name:regex})"
    if sent is not None:
        reason = prism.known_bug(op.operation.path, op.operation.parameters, errors, sent)
        if reason:
            return "prism", reason
    document = op.schemas.document if op.schemas is not None else {}
    typed = all(e.get("code") == "type" and e["location"][:1] == ["body"] for e in errors)
    if (
        errors
        and typed
        and {_where(e) for e in errors} <= csv_by_default(document, op.operation.pointer)
    ):
        # http-spec's oas2/transformers/params.js, buildEncoding: no encoding for a
        # formData array without collectionFormat, so Prism reads the form style
        # (repeated keys), not 2.0's default csv that autoui sends (`a,b,c`)
        return "prism", "reads a 2.0 form array without collectionFormat as repeated keys"
    if sent is not None and ecma_whitespace(errors, sent):
        return "not_generated", ECMA_WHITESPACE
    reason = spec_mistake(op, errors, sent)
    return ("spec", reason) if reason else ("autoui", "")


# Python's `\s` matches \x1c to \x1f, ECMA-262's (OpenAPI's regex dialect) does not; the
# generator draws with Python's `re`, so such a value is not one the schema allows.
ECMA_WHITESPACE = "a value that only Python's \\s lets through a pattern (\\x1c to \\x1f)"
_PYTHON_ONLY_SPACE = re.compile("[\x1c-\x1f]")


def ecma_whitespace(errors: list[prism.Violation], sent: prism.Exchange) -> bool:
    """Whether Prism refused only patterns with `\\s` for characters only Python's
    `\\s` matches, in a request that carries such a character."""
    text = urllib.parse.unquote(sent.target) + sent.body.decode("utf-8", "replace")
    return (
        bool(errors)
        and bool(_PYTHON_ONLY_SPACE.search(text))
        and all(e.get("code") == "pattern" and "\\s" in str(e.get("message")) for e in errors)
    )


# The check's message for each value it misses, as `label: a value is required`.
_REQUIRED = re.compile(r"(?:^|; |: )([^:;]+): a value is required")


def undeclared_required(op: Any, refused: str) -> bool:
    """Whether autoui's check refused the body only for names its schema requires but does
    not declare among its properties (box's `template_key` beside the property
    `templateKey`): the form has no field for them, and no request both matches the schema
    and says what the author meant."""
    labels = _REQUIRED.findall(refused)
    if not labels or op.operation.body is None or op.schemas is None:
        return False
    for media in op.operation.body.content.values():
        schema = op.schemas.resolve(media.schema)
        declared = schema.get("properties") or {}
        if all(name in (schema.get("required") or []) and name not in declared for name in labels):
            return True
    return False


def emptied(op: Any, given: Mapping[str, Any], error: str) -> bool:
    """Whether autoui refused the request for a property given as "" or []: an empty
    optional field means "not given" (the README's rule), and the property is required
    once its optional object is sent."""
    labels = _REQUIRED.findall(error)
    return bool(labels) and all(
        any(
            f.label.removesuffix(" *") == label and given.get(f.api_param) in ("", [])
            for f in op.fields
        )
        for label in labels
    )


def spec_mistake(op: Any, errors: list[prism.Violation], sent: prism.Exchange | None) -> str:
    """The document's own mistake that explains the failure, or ""."""
    path = op.operation.path
    if "#" in path or "?" in path:
        # Prism routes the path key as it is written; no request path can match it
        return "a '#' or '?' inside a path key"
    document = op.schemas.document if op.schemas is not None else {}
    if any(e["location"][:1] == ["path"] for e in errors) and unplaced(document, op.operation):
        # Prism requires it in the path, where the path key has no place for it
        return "a path parameter its path key does not hold"
    refused = " ".join(str(e.get("message")) for e in errors if e.get("code") == "not-sent")
    if undeclared_required(op, refused):
        return "required names a property the schema does not declare"
    if "cannot serialise" in refused and "styles define only" in refused:
        # OpenAPI's styles write primitives, arrays of them and flat objects: autoui says so
        return "a parameter whose schema allows values its style cannot write"
    if any(
        e.get("code") == "format" and 'format "int' in str(e.get("message")) for e in errors
    ) or (
        "is not an integer" in refused and integer_formatted_number(document, op.operation.pointer)
    ):
        # `type: number, format: int64`: what the type allows, the format refuses (Prism)
        # and autoui, reading it as an integer, does not send
        return "a number whose format is an integer's (int32, int64)"
    multipart = op.operation.body.content.get(FORMS[1]) if op.operation.body else None
    if multipart is not None and any(e["location"] == ["body"] for e in errors):
        from autoui.loader.lenient import unnamed_part_kind

        if unnamed_part_kind(op.schemas, multipart.schema):
            # a multipart body is named parts: Prism reads it as an object, which the
            # schema (codat's binary string) refuses whatever is sent; autoui sends one part
            return "a multipart/form-data body whose schema is not an object"
    encoded = {f.body_path for f in op.fields if f.encoding in ("base64", "data_url")}
    if errors and all(
        e.get("code") == "pattern"
        and tuple(map(str, e["location"][1:])) in encoded
        and not any(_matches(str(e.get("message")), text) for text in ("QQ==", "QUE=", "QUFB"))
        for e in errors
    ):
        # a pattern on the base64 text of a file that no base64 text matches (Adyen's
        # `^.{1,1}$`: base64 comes in groups of four characters)
        return "a pattern on a base64 string that no encoded file can match"
    if any(e.get("code") == 401 or "security" in str(e.get("message", "")) for e in errors) and any(
        p.location == "header" and p.name.lower() == "authorization"
        for p in op.operation.parameters
    ):
        # The form's Authorization parameter (filled by the user, so it wins) replaces the
        # credential of the security scheme beside it (zenoti.com): two ways to say one header.
        return "an Authorization header parameter beside a security scheme"
    return media_type_mistake(op, errors, sent, document)


def media_type_mistake(
    op: Any,
    errors: list[prism.Violation],
    sent: prism.Exchange | None,
    document: Mapping[str, Any],
) -> str:
    """The document's own mistake about the body's media type that explains the failure,
    or ""."""
    raw = raw_operation(document, op.operation.pointer)
    own = raw.get("consumes")
    consumes = own if isinstance(own, list) else document.get("consumes")
    refused_type = any(e.get("code") in (415, "INVALID_CONTENT_TYPE") for e in errors)
    if document.get("swagger") and not consumes and refused_type:
        # autoui sends the body as JSON, Swagger 2.0's default; Prism takes "no media type"
        return "a Swagger 2.0 body without consumes (or with consumes: [])"
    in_form = [p for p in raw.get("parameters") or []
               if isinstance(p, Mapping) and p.get("in") == "formData"]  # fmt: skip
    if document.get("swagger") and in_form and refused_type and not set(consumes) & set(FORMS):
        # 2.0 says formData needs a form media type in consumes; gitlab's list only JSON,
        # so Prism has no media type to read the form autoui sends
        return "Swagger 2.0 formData with consumes that lists no form media type"
    sent_type = sent.header("content-type").split(";")[0].strip() if sent is not None else ""
    if (
        errors
        and sent_type
        and not (sent_type.endswith("json") or sent_type in FORMS or sent_type.startswith("text/"))
        and all(e.get("code") == "type" and e["location"] == ["body"] for e in errors)
    ):
        # An object schema under application/octet-stream or image/png (YouTube's
        # captions, banners): bytes are not an object; Prism reads them as one and refuses
        return "an object schema for a body of bytes (application/octet-stream, images)"
    return ""


def _matches(message: str, text: str) -> bool:
    """Whether the pattern Prism quotes (`must match pattern "..."`) matches `text`."""
    found = re.search(r'must match pattern "(.*)"', message)
    try:
        return found is None or re.search(found.group(1), text) is not None
    except re.error:
        return True


def _where(error: prism.Violation) -> str:
    return ".".join(map(str, error["location"][1:]))


def csv_by_default(document: Mapping[str, Any], pointer: str) -> set[str]:
    """The names of a 2.0 operation's formData arrays that have no collectionFormat."""
    if not document.get("swagger"):
        return set()
    item = raw_operation(document, pointer.rsplit("/", 1)[0])
    found = set()
    for holder in (item, raw_operation(document, pointer)):
        for param in holder.get("parameters") or []:
            if isinstance(param, Mapping) and isinstance(param.get("$ref"), str):
                param = raw_operation(document, param["$ref"])
            if (
                isinstance(param, Mapping)
                and param.get("in") == "formData"
                and param.get("type") == "array"
                and "collectionFormat" not in param
            ):
                found.add(str(param.get("name")))
    return found


def unplaced(document: Mapping[str, Any], operation: Any) -> list[str]:
    """The path parameters of the raw operation (and its path item) whose names its path
    key does not hold as `{name}`."""
    item = operation.pointer.rsplit("/", 1)[0]
    found = []
    for holder in (raw_operation(document, item), raw_operation(document, operation.pointer)):
        for param in holder.get("parameters") or []:
            if isinstance(param, Mapping) and isinstance(param.get("$ref"), str):
                param = raw_operation(document, param["$ref"])
            if not isinstance(param, Mapping) or param.get("in") != "path":
                continue
            if "{" + str(param.get("name")) + "}" not in operation.path:
                found.append(str(param.get("name")))
    return found


def integer_formatted_number(document: Mapping[str, Any], pointer: str) -> bool:
    """Whether the raw operation or its path item's parameters (their `$ref`s followed)
    hold `type: number` with an integer's format."""
    seen: set[str] = set()
    item = raw_operation(document, pointer.rsplit("/", 1)[0])
    pending: list[Any] = [raw_operation(document, pointer), item.get("parameters")]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, Mapping):
            if node.get("type") == "number" and node.get("format") in ("int32", "int64"):
                return True
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
                seen.add(ref)
                pending.append(raw_operation(document, ref))
            pending.extend(node.values())
    return False


def raw_operation(document: Mapping[str, Any], pointer: str) -> Mapping[str, Any]:
    """The operation object as the document has it, at its JSON pointer."""
    node: Any = document
    for part in pointer.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


# --- the run -------------------------------------------------------------------------------


def _init_worker() -> None:
    import logging
    import warnings

    logging.getLogger("autoui").setLevel(logging.CRITICAL)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    warnings.simplefilter("ignore")


def _import_once() -> None:
    """The heavy imports, in the process that forks the workers (Linux's default start
    method): each pool of workers would otherwise import Gradio and hypothesis again,
    seconds of CPU a worker on a busy machine."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio_client  # noqa: F401
    import hypothesis_jsonschema  # noqa: F401
    import jsonschema  # noqa: F401
    import uvicorn  # noqa: F401

    import autoui.app
    import autoui.serve  # noqa: F401


def documents(
    specs: Path, subset: str | None, only: list[str] | None, smallest_first: bool = False
) -> list[dict[str, str]]:
    with (specs / "INDEX.tsv").open(newline="", encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle, delimiter="\t")
            if r["openapi_or_swagger_version"] != "fragment"
        ]
    if subset == "ci":
        rows = [r for r in rows if r["relative_path"] in CI_SUBSET]
    if only:
        rows = [r for r in rows if any(text in r["relative_path"] for text in only)]
    rows.sort(key=lambda r: -int(r.get("size_bytes") or 0))  # the long ones overlap the rest
    return rows[::-1] if smallest_first else rows


def run(
    specs: Path,
    rows: list[dict[str, str]],
    jobs: int,
    timeout: float,
    save: Callable[[dict[str, Any]], None],
    one_request_above: int | None = None,
    at_most: int | None = None,
) -> list[dict[str, Any]]:
    """Every document in a worker process, with a time limit; each result is saved as
    its document finishes."""
    results: list[dict[str, Any]] = []
    calls = []
    for row in rows:
        operations = int(row.get("number_of_operations") or 0)
        few = one_request_above is not None and operations > one_request_above
        per_operation = 1 if few else 2
        task = (row["relative_path"], str(specs), per_operation, at_most)
        calls.append((row["relative_path"], task))
    for path, outcome in in_workers(
        check_document, calls, jobs=jobs, timeout=timeout, initializer=_init_worker, batch=BATCH
    ):
        results.append({"path": path, **outcome})
        print_line(results[-1])
        save(results[-1])
    return results


def result_file(folder: Path, path: str) -> Path:
    """One document's result file: its path with `/` as `__`."""
    return folder / (path.replace("/", "__") + ".json")


def read_results(folder: Path) -> list[dict[str, Any]]:
    """Every document's result saved in `folder`, by path."""
    found = [json.loads(f.read_text(encoding="utf-8")) for f in folder.glob("*.json")]
    return sorted(found, key=lambda r: r["path"])


def print_line(r: Mapping[str, Any]) -> None:
    counts = " ".join(f"{k}={v}" for k, v in sorted(r.get("counts", {}).items()))
    print(f"{r.get('seconds', '-')!s:>7}s {r.get('operations', 0):>5} ops  {counts}  {r['path']}")
    if r.get("error"):
        print(f"         {r['error'][:300]}")
    for failure in [f for f in r.get("failures", []) if f["blame"] == "autoui"][:3]:
        what = json.dumps(failure.get("prism"))[:240]
        print(f"         autoui: {failure['operation']}: {what} {failure.get('error', '')[:160]}")
    sys.stdout.flush()


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    total: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for r in results:
        total.update(r.get("counts", {}))
        for f in r.get("failures", []):
            if f["blame"] in ("prism", "spec", "design"):
                reasons[f"{f['blame']}: {f['reason']}"] += 1
    sent = total[prism.ACCEPTED] + sum(total[b] for b in BLAMES)
    judged = total[prism.ACCEPTED] + total["autoui"]
    return {
        "prism": prism.PRISM_VERSION,
        "documents": len(results),
        "documents_prism_cannot_serve": sum(1 for r in results if r.get("prism_failed")),
        "documents_failed": sum(1 for r in results if r.get("error") and not r.get("prism_failed")),
        "operations": sum(r.get("operations", 0) for r in results),
        "requests": sent,
        "accepted": total[prism.ACCEPTED],
        "failures": {b: total[b] for b in BLAMES},
        "not_generated": total["not_generated"],
        "accepted_share": round(total[prism.ACCEPTED] / sent, 4) if sent else None,
        "accepted_share_of_autoui_and_accepted": round(total[prism.ACCEPTED] / judged, 4)
        if judged
        else None,
        "reasons": dict(reasons.most_common()),
    }


def write_results(out: Path, results: list[dict[str, Any]], summary: Any = None) -> None:
    """The summary, then one line per document: small diffs when a run is committed."""
    ordered = sorted(results, key=lambda r: r["path"])
    lines = ",\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in ordered)
    head = json.dumps(summary or summarise(results), indent=1)
    out.write_text(f'{{"summary": {head},\n"documents": [\n{lines}\n]}}\n', encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="?", default=str(DEFAULT_SPECS))
    parser.add_argument("--subset", choices=["ci"], help="the small fixed subset CI runs")
    parser.add_argument(
        "--only", action="append", help="documents whose path contains this text (repeatable)"
    )
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=5400.0, help="seconds per document")
    parser.add_argument("--resume", action="store_true", help="skip documents with a result")
    parser.add_argument(
        "--one-request-above",
        type=int,
        metavar="N",
        help="one request per operation for documents of more than N operations (0: all)",
    )
    parser.add_argument(
        "--max-operations",
        type=int,
        metavar="N",
        help="check N operations of a document of more, evenly spaced (a sample)",
    )
    parser.add_argument(
        "--smallest-first",
        action="store_true",
        help="the smallest documents first (a second run beside one going largest first)",
    )
    parser.add_argument("--out", help="results folder (default benchmarks/results/conformance)")
    args = parser.parse_args(argv)
    specs = Path(args.specs)
    if not (specs / "INDEX.tsv").is_file():
        print(f"conformance: no INDEX.tsv in {specs}", file=sys.stderr)
        return 2
    prism.install()
    _import_once()
    rows = documents(specs, args.subset, args.only, args.smallest_first)
    started = time.perf_counter()
    if args.subset:
        out = Path(args.out) if args.out else RESULTS / "conformance-ci.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        done: list[dict[str, Any]] = []

        def save(result: dict[str, Any]) -> None:
            done.append(result)
            write_results(out, done)

    else:
        folder = Path(args.out) if args.out else RESULTS / "conformance"
        folder.mkdir(parents=True, exist_ok=True)
        if args.resume:
            rows = [r for r in rows if not result_file(folder, r["relative_path"]).exists()]

        def save(result: dict[str, Any]) -> None:
            text = json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False)
            result_file(folder, result["path"]).write_text(text + "\n", encoding="utf-8")

    results = run(
        specs, rows, args.jobs, args.timeout, save, args.one_request_above, args.max_operations
    )
    summary = summarise(results)
    summary["wall_seconds"] = round(time.perf_counter() - started, 1)
    if args.subset:
        write_results(out, results, summary)
    print(json.dumps(summary, indent=1))
    return 1 if summary["failures"]["autoui"] else 0


if __name__ == "__main__":
    sys.exit(main())
