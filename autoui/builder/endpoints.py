"""One named Gradio API endpoint per operation, for gradio_client and MCP.

The endpoint function gets a synthesised signature, one keyword per field (its
`api_param`), typed from the schema, so `Client(url).predict(prompt="hi",
api_name="/generate")` works and MCP tools get typed, described parameters. It returns
the primary value only and raises `gr.Error` with the one-line message on failure.

An operation whose reply may be a token stream gets a generator endpoint: it yields
the text so far each time more arrives, then the final value, so `Client.submit()`
iterates over the growing text while `predict()` returns the whole answer.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import gradio as gr
from gradio.block_function import BlockFunction
from gradio.blocks import BlocksConfig
from gradio.components import Component
from gradio.components.api_component import Api
from gradio.context import get_blocks_context
from gradio_client.utils import python_type_to_json_schema

from autoui.builder.mcp_tools import mark_tool
from autoui.builder.present import safe_markdown, write_temp
from autoui.mapper.calls import CheckFn, message
from autoui.mapper.kinds import kind_of
from autoui.mapper.naming import RAW_BODY_PARAM, REQUEST_PARAM
from autoui.mapper.output_kinds import KINDS as OUTPUT_KINDS
from autoui.mapper.output_kinds.base import Returns
from autoui.mapper.plan import FILE_ENCODINGS, Field, OperationPlan
from autoui.mapper.reply_data import Reply


class CallFn(Protocol):
    """`Dispatcher.call`: `session` is Gradio's session id, which selects credentials."""

    def __call__(
        self, plan: OperationPlan, values: Mapping[str, Any], session: str | None = None
    ) -> Reply: ...


class Live(Protocol):
    """A call in progress (`autoui.dispatcher.live.LiveCall`)."""

    def updates(self, tick: float | None = ...) -> Iterator[Reply]: ...

    def close(self) -> None: ...


class StartFn(Protocol):
    """`LiveCall(dispatcher, ...)`: begins a call for `session`, shown while it happens."""

    def __call__(
        self, plan: OperationPlan, values: Mapping[str, Any], session: str | None = None
    ) -> Live: ...


class Running:
    """One form's calls in progress, by session, so that Stop can close the session's call.

    The call's own handler then shows how it ended, as its last update. (With Gradio's
    `cancels`, Stop closed the handler instead and wrote "Stopped" itself, racing the
    handler's updates: under load a progress update came after it and replaced it.)
    """

    def __init__(self) -> None:
        self._calls: dict[str | None, Live] = {}
        self._lock = threading.Lock()

    def add(self, session: str | None, live: Live) -> Live:
        with self._lock:
            self._calls[session] = live
        return live

    def end(self, session: str | None, live: Live) -> None:
        live.close()
        with self._lock:
            if self._calls.get(session) is live:
                del self._calls[session]

    def stop(self, autoui_request: gr.Request) -> None:
        with self._lock:
            live = self._calls.get(session_of(autoui_request))
        if live is not None:
            live.close()


class _Finished:
    """A call made at once through a CallFn, for callers that have no live calls."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply

    def updates(self, tick: float | None = None) -> Iterator[Reply]:
        yield self.reply

    def close(self) -> None:
        pass


def starter(call: CallFn) -> StartFn:
    def start(plan: OperationPlan, values: Mapping[str, Any], session: str | None = None) -> Live:
        return _Finished(call(plan, values, session))

    return start


def session_of(request: Any) -> str | None:
    return getattr(request, "session_hash", None)


def own_session(request: Any) -> str | None:
    """The caller's session id, for endpoints that change a session's settings.

    Refused through MCP: Gradio's MCP server makes every client's calls through one
    gradio_client, one session, so what one agent set there would apply to all of them.
    """
    headers = getattr(request, "headers", None) or {}
    if headers.get("x-gradio-user") == "mcp":
        raise gr.Error(
            "not available through MCP: Gradio's MCP server calls tools through one session "
            "shared by all its clients; MCP calls use the start-up credentials (--auth)",
            print_exception=False,
        )
    return session_of(request)


def add_session_endpoint(fn: Callable[..., Any], api_name: str) -> None:
    """A named endpoint for gradio_client sessions that is not an MCP tool (Gradio's MCP
    server lists only functions whose `_mcp_type`, when set, is "tool")."""
    fn._mcp_type = "autoui-session"  # type: ignore[attr-defined]
    gr.api(fn, api_name=api_name)


def may_stream(plan: OperationPlan) -> bool:
    return any(output.component == "stream" for output in plan.outputs)


_RETURNS: dict[Returns, Any] = {"text": str, "file": gr.FileData, "any": Any}


def annotation(field: Field) -> Any:
    """The parameter's type for clients and MCP tools: a file, or what the field's kind
    says (choices become an enum)."""
    if field.encoding in FILE_ENCODINGS:
        return gr.FileData
    return kind_of(field).annotation(field)


def return_annotation(plan: OperationPlan) -> Any:
    """The type a client gets: what the planned output's kind returns (`auto`: anything)."""
    kind = OUTPUT_KINDS.get(plan.outputs[0].component) if plan.outputs else None
    return _RETURNS[kind.returns] if kind is not None else Any


def demanded(plan: OperationPlan) -> list[Field]:
    """The fields a caller must give: required ones that are sent whatever the selectors
    choose. A selector always has a choice (its default), so it is never demanded; a
    field of one media type or alternative (`xml_body` beside a JSON body, a field of a
    `oneOf` alternative) is needed only once the caller chooses it, which the check
    before sending enforces."""
    offered = {f.key: set(f.choices or []) for f in plan.fields if f.is_selector}
    return [
        f
        for f in plan.fields
        if f.required
        and not f.is_selector
        and all(offered.get(key, set()) <= set(labels) for key, labels in f.when)
    ]


def signature(plan: OperationPlan) -> inspect.Signature:
    required = demanded(plan)
    keys = {f.key for f in required}
    optional = [f for f in plan.fields if f.key not in keys]
    params = [
        inspect.Parameter(
            f.api_param,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=annotation(f),
            default=None if i >= len(required) else inspect.Parameter.empty,
        )
        for i, f in enumerate(required + optional)
    ]
    raw = inspect.Parameter(
        RAW_BODY_PARAM, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Any, default=None
    )
    return inspect.Signature([*params, raw], return_annotation=return_annotation(plan))


def description(plan: OperationPlan) -> str:
    """Summary and description: the API page's text and the MCP tool's description."""
    op = plan.operation
    lines = [op.summary or op.label]
    if op.description and op.description != op.summary:
        lines += ["", op.description.strip()]
    return safe_markdown("\n".join(lines))


def api_value(reply: Reply) -> Any:
    """The primary value for a client: text, JSON, or files for media (a list of them for
    a gallery). Tables and labels are given as the JSON they came as."""
    if isinstance(reply.primary, Path):  # a reply too big to hold, already on disk
        path = str(reply.primary)
        return gr.FileData(
            path=path, orig_name=os.path.basename(path), mime_type=reply.media_type or None
        )
    if isinstance(reply.primary, (bytes, bytearray)):
        return _file_data(bytes(reply.primary), reply.primary_type, reply.filename)
    if reply.kind == "gallery":
        return [_file_data(content, reply.primary_type) for content in reply.primary]
    return reply.primary


def _file_data(content: bytes, media_type: str, filename: str | None = None) -> gr.FileData:
    path = write_temp(content, media_type, filename)
    return gr.FileData(path=path, orig_name=os.path.basename(path), mime_type=media_type or None)


def with_request(sig: inspect.Signature) -> inspect.Signature:
    """`sig` with a leading `gr.Request` parameter, which Gradio fills and hides."""
    request = inspect.Parameter(
        REQUEST_PARAM, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request
    )
    return sig.replace(parameters=[request, *sig.parameters.values()])


def endpoint_function(
    plan: OperationPlan,
    call: CallFn,
    start: StartFn | None = None,
    check: CheckFn | None = None,
    sig: inspect.Signature | None = None,
) -> Callable[..., Any]:
    """The endpoint of `plan`; `sig` is `signature(plan)`, when the caller has it already."""
    sig = with_request(sig or signature(plan))

    def values_of(args: Any, kwargs: Any) -> tuple[dict[str, Any], str | None]:
        """The field values, checked against the schemas first (no way to skip that: the
        keywords are exactly the operation's fields, as MCP tools see them), and the
        caller's session."""
        bound = sig.bind(*args, **kwargs)
        request = bound.arguments.pop(REQUEST_PARAM)
        values = dict(bound.arguments)  # files are the dispatcher's to judge (`Uploads`)
        issues = check(plan, values) if check is not None else []
        if issues:
            raise gr.Error(message(issues), print_exception=False)
        return values, session_of(request)

    def result(reply: Reply) -> Any:
        if not reply.ok:
            raise gr.Error(reply.error or "the call failed", print_exception=False)
        return api_value(reply)

    def endpoint(*args: Any, **kwargs: Any) -> Any:
        return result(call(plan, *values_of(args, kwargs)))

    def streaming_endpoint(*args: Any, **kwargs: Any) -> Iterator[Any]:
        assert start is not None
        live = start(plan, *values_of(args, kwargs))
        try:
            for reply in live.updates(tick=None):
                yield result(reply) if reply.done else reply.primary
        finally:
            live.close()

    function: Callable[..., Any] = endpoint
    if start is not None and may_stream(plan):
        function = streaming_endpoint
    function.__signature__ = sig  # type: ignore[attr-defined]
    # Gradio reads the type hints only for the parameters it fills itself (gr.Request),
    # and evaluates all of them several times per endpoint as it is added (a third of a
    # large spec's endpoint build); the types clients see come from the `Api` components.
    function.__annotations__ = {REQUEST_PARAM: gr.Request}
    function.__name__ = plan.api_name
    mark_tool(function, plan)
    return function


def add_endpoint(
    plan: OperationPlan,
    call: CallFn,
    concurrency: int | None,
    start: StartFn | None = None,
    check: CheckFn | None = None,
) -> None:
    """`gr.api(endpoint_function(...))`, with the hidden components shared.

    `gr.api` makes a hidden `Api` component for each parameter and the result, which
    only carry the JSON schema of its type for the API description: 4,452 of them for
    GitHub's 771 operations, the most of the endpoints' build, config and per-session
    state. Endpoints here share one component per (schema, position) instead, as any
    two Gradio events may (the parameters' names come from the function), so a large
    spec has a few hundred.
    """
    sig = signature(plan)
    function = endpoint_function(plan, call, start, check, sig)
    root = get_blocks_context()
    assert root is not None, "add_endpoint outside a gr.Blocks"
    inputs = [_shared(root, p.annotation, i) for i, p in enumerate(sig.parameters.values())]
    outputs = [_shared(root, sig.return_annotation, 0)]
    events: _Events = root.__dict__.setdefault("_autoui_events", _Events())
    events.add(root, function, inputs, outputs, plan, concurrency)


class _Events:
    """A Blocks' endpoint events, made as copies of the first one.

    Every endpoint event is the same but for its function, components and names, and
    Gradio's `set_event_trigger` works out the rest again for each one (a third of
    Kubernetes' endpoint build): it inspects the function's signature several times and
    compares the name with every event's so far (1,000² steps). The second event is made
    by Gradio too and compared with its copy: if a Gradio release makes an event differ
    in more than what is set here, every event is made by Gradio.
    """

    def __init__(self) -> None:
        self.template: BlockFunction | None = None
        self.copies = False
        self.names: set[str] = set()  # of the root's events, when it had `next_id` events
        self.next_id = -1

    def add(
        self,
        root: BlocksConfig,
        function: Callable[..., Any],
        inputs: list[Component],
        outputs: list[Component],
        plan: OperationPlan,
        concurrency: int | None,
    ) -> None:
        if root.fn_id != self.next_id:  # events were added by others meanwhile
            self.names = {fn.api_name for fn in root.fns.values() if isinstance(fn.api_name, str)}
        if self.copies and plan.api_name not in self.names and self.template is not None:
            made = self._copy(self.template, root.fn_id, function, inputs, outputs, plan)
            root.fns[made._id] = made
            root.fn_id += 1
        else:
            made, _ = root.set_event_trigger(
                [],
                function,
                inputs,
                outputs,
                preprocess=False,
                postprocess=False,
                show_progress="hidden",
                api_name=plan.api_name,
                api_description=description(plan),
                concurrency_limit=concurrency,
                concurrency_id="autoui-calls",
                trigger_mode=None,
            )
            if self.template is None:
                self.template = made
            elif not self.copies:
                copied = self._copy(self.template, made._id, function, inputs, outputs, plan)
                self.copies = vars(copied) == vars(made)
        self.names.add(str(made.api_name))
        self.next_id = root.fn_id

    @staticmethod
    def _copy(
        template: BlockFunction,
        fn_id: int,
        function: Callable[..., Any],
        inputs: list[Component],
        outputs: list[Component],
        plan: OperationPlan,
    ) -> BlockFunction:
        made = copy.copy(template)
        made.fn = function
        made._id = fn_id
        made.name = function.__name__
        made.inputs, made.outputs = inputs, outputs
        made.api_name = plan.api_name
        made.api_description = description(plan)
        made.types_generator = inspect.isgeneratorfunction(function)
        names: list[str | None] = list(inspect.signature(function).parameters)
        made.input_parameter_names = names[1 : len(inputs) + 1]  # after the gr.Request
        made.targets, made.cancels = [], []
        return made


def _shared(root: BlocksConfig, kind: Any, index: int) -> Component:
    """The `Api` component of `root` for a value of type `kind` at position `index` (as
    `gr.api` makes it: no default value, labelled "1st", "2nd", ...)."""
    try:
        schema, text = _schema(kind)
    except TypeError:  # an unhashable type (an enum of objects): not cached
        schema, text = _schema.__wrapped__(kind)
    n = index + 1
    label = f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
    pool: dict[tuple[str, str], Component] = root.__dict__.setdefault("_autoui_api_pool", {})
    if (text, label) not in pool:
        pool[text, label] = Api(None, schema, label)
    return pool[text, label]


@functools.lru_cache(maxsize=4096)
def _schema(kind: Any) -> tuple[dict[str, Any], str]:
    """The JSON schema of a parameter's type, and as text (the pool's key): a large spec's
    endpoints have a few hundred types among some ten thousand parameters."""
    schema = python_type_to_json_schema(kind)
    return schema, json.dumps(schema, sort_keys=True, default=str)
