"""What autoui's MCP tools say and send, on top of Gradio's MCP server (gradio/mcp.py).

Gradio (6.31) makes a tool of each API endpoint, but sends a JSON reply as Python's
`repr` (`"{'words': 3, 'shout': False}"`), with no `structuredContent` nor
`outputSchema`; it names a tool after its function (cut at 120 characters, where
Claude's and OpenAI's tool calling take 64), tells agents to use an
`upload_file_to_gradio` tool that autoui does not have, and refuses a file given as
plain base64. Gradio builds its server (`GradioMCPServer`) when an app is mounted or
launched and keeps it in `Blocks.mcp_server_obj`; `Blocks` here adapts the server as it
is set there, whichever route made it (`autoui serve`, `launch()`, `autoui.mount`):

- replies: JSON text, and for an operation whose reply is a JSON document,
  `structuredContent` (the reply, or `{"result": reply}` when it is not an object) and
  an `outputSchema` from the response schema. The schema names and describes the
  reply's fields without constraining them: MCP clients refuse a result that does not
  validate against it, and real APIs do not always return what their spec says;
- names: the plan's `mcp_name` (at most 64 characters, `autoui.mapper.naming`), and no
  tool for an operation the config keeps off MCP (`mcp: {exclude: true}`);
- metadata: a title and hints (read-only, destructive, idempotent) from the HTTP method,
  and the method, path, operationId and tags in the tool's `_meta`;
- files: the description says how to pass one; base64 is accepted beside `data:` URLs
  and URLs (which the dispatcher fetches only from the API's origins);
- parameters: each one's description from the plan, where Gradio parses the function's
  docstring (none is kept: Kubernetes' 1,123 would hold 3 MB, read only by a tool list);
- its loopback gradio_client waits longer for a large app's API description.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable
from typing import Any

from autoui.builder.file_inputs import Blocks as FileBlocks
from autoui.errors import ConfigError
from autoui.mapper.naming import RAW_BODY_PARAM
from autoui.mapper.output_kinds.answer import pick_media, success_response
from autoui.mapper.plan import OperationPlan, is_json
from autoui.mapper.shapes import main_type

FILE_HELP = (
    " Give a file as a data: URL (data:image/png;base64,...), as base64 text, or as an "
    "http(s) URL on the API's own origins."
)
FILE_FORMAT = "a file: a data: URL, base64 text, or an http(s) URL on the API's origins"
NOT_A_TOOL = "autoui-not-a-tool"  # an `_mcp_type` that Gradio's server lists nowhere
_DESCRIPTION_LENGTH = 200
_LISTS_KEPT = 16  # tool lists kept, one per selection of tools
_READ_ONLY = ("GET", "HEAD", "OPTIONS")
RAW_BODY_HELP = (
    "optional: a request body sent as it is, in place of the one the other arguments "
    "make (for a spec that leaves out the body the API takes): text (JSON when it parses "
    "as JSON, else plain text), or {content_type, text} or {content_type, file}"
)


class ToolInfo:
    """What an endpoint function carries for its MCP tool (`tool_info`). The output
    schema is made when a tool list first asks for it: for Kubernetes' 1,123 operations
    they are 2 MB, which a server that no MCP client lists keeps for nothing."""

    def __init__(self, plan: OperationPlan) -> None:
        op = plan.operation
        self._plan = plan
        self.name = plan.mcp_name
        self.title = plan.title
        self.method = op.method
        self.meta = {
            "method": op.method,
            "path": op.path,
            "operationId": op.operation_id,
            "tags": list(op.tags),
        }

    @functools.cached_property
    def _output(self) -> tuple[dict[str, Any] | None, bool]:
        return output_schema(self._plan)

    @property
    def output_schema(self) -> dict[str, Any] | None:
        return self._output[0]

    @property
    def wrapped(self) -> bool:
        return self._output[1]

    def parameters(self) -> dict[str, str]:
        """Each parameter's description, by its name."""
        described = {
            f.api_param: " ".join((f.info or f.label.removesuffix(" *")).split())
            for f in self._plan.fields
        }
        return {**described, RAW_BODY_PARAM: RAW_BODY_HELP}

    def annotations(self) -> dict[str, Any]:
        read_only = self.method in _READ_ONLY
        return {
            "title": self.title,
            "readOnlyHint": read_only,
            "destructiveHint": not read_only and self.method in ("DELETE", "PUT", "PATCH"),
            "idempotentHint": read_only or self.method in ("PUT", "DELETE"),
            "openWorldHint": True,
        }

    def structured(self, value: Any) -> dict[str, Any]:
        return value if isinstance(value, dict) and not self.wrapped else {"result": value}


def mark_tool(function: Callable[..., Any], plan: OperationPlan) -> None:
    """Gives the endpoint function of `plan` what its tool needs (or keeps it off MCP)."""
    function._autoui_tool = ToolInfo(plan)  # type: ignore[attr-defined]
    function._mcp_meta = function._autoui_tool.meta  # type: ignore[attr-defined]
    if plan.mcp_exclude:
        function._mcp_type = NOT_A_TOOL  # type: ignore[attr-defined]


def output_schema(plan: OperationPlan) -> tuple[dict[str, Any] | None, bool]:
    """The tool's output schema, and whether the result is wrapped as `{"result": ...}`;
    (None, False) unless the tool's result is the whole JSON reply."""
    primary = plan.outputs[0] if plan.outputs else None
    response = success_response(plan.operation)
    media = pick_media(response.content) if response else None
    if primary is None or primary.component != "json" or primary.field:
        return None, False
    if media is None or not is_json(media.name) or plan.schemas is None:
        return None, False
    schema = plan.schemas.resolve(media.schema) if media.schema is not None else {}
    if main_type(schema) != "object":
        result = _described(schema, response.description if response else "")
        return {"type": "object", "properties": {"result": result}, "required": ["result"]}, True
    properties = schema.get("properties")
    described = {
        str(name): _described(plan.schemas.resolve(node))
        for name, node in (properties.items() if isinstance(properties, dict) else ())
    }
    return {"type": "object", "properties": described}, False


def _described(schema: dict[str, Any], fallback: str = "") -> dict[str, Any]:
    """A field's description and type as text, with no constraint a reply could fail."""
    text = " ".join(str(schema.get("description") or schema.get("title") or fallback).split())
    if len(text) > _DESCRIPTION_LENGTH:
        text = text[: _DESCRIPTION_LENGTH - 1] + "…"
    kind = main_type(schema)
    if kind:
        text = f"{text} ({kind})" if text else kind
    return {"description": text} if text else {}


def check_mcp_server() -> None:
    """ConfigError, in one line, when Gradio's MCP server cannot start here.

    Gradio builds its MCP server as an app is mounted or launched, and when that fails
    (an `mcp` package whose API changed) it only notes why in `Blocks.mcp_error` and
    serves on: the MCP URL then answers 404. A server made for an empty Blocks fails
    the same way, before anything is served or announced."""
    from importlib.metadata import PackageNotFoundError, version

    import gradio as gr

    try:
        from gradio.mcp import GradioMCPServer

        GradioMCPServer(gr.Blocks(analytics_enabled=False))
    except Exception as exc:
        try:
            installed = f"mcp {version('mcp')}"
        except PackageNotFoundError:
            installed = "no mcp package"
        raise ConfigError(
            f"Gradio's MCP server cannot start with {installed} "
            f"({type(exc).__name__}: {str(exc)[:200]}); install the version Gradio "
            f"{gr.__version__} works with: pip install 'autoui[mcp]'"
        ) from None


class Blocks(FileBlocks):
    """A Blocks whose MCP server, when Gradio makes one, is adapted (module docstring)."""

    @property
    def mcp_server_obj(self) -> Any:
        return self.__dict__.get("_autoui_mcp_server")

    @mcp_server_obj.setter
    def mcp_server_obj(self, server: Any) -> None:
        if server is not None:
            adapt(server)
        self.__dict__["_autoui_mcp_server"] = server


def tool_info(server: Any, name: str) -> ToolInfo | None:
    endpoint = server.tool_to_endpoint.get(name)
    return _info_of(server, endpoint) if endpoint else None


def _info_of(server: Any, endpoint: str) -> ToolInfo | None:
    block_fn = server.get_block_fn_from_endpoint_name(endpoint)
    return getattr(getattr(block_fn, "fn", None), "_autoui_tool", None)


def adapt(server: Any) -> None:
    """Renames `server`'s tools and wraps its replies and its tool list."""
    import mcp.types as types

    server.get_block_fn_from_endpoint_name = _endpoint_lookup(server)
    server.get_fn_description = _described_parameters(server.get_fn_description)
    server.tool_to_endpoint = _tool_names(server)
    server._get_or_create_client = _patient_client(server)
    server._execute_tool_without_progress = _named_failures(server._execute_tool_without_progress)
    gradio_file_text = type(server)._file_data_tool_description.fget(server)
    server.postprocess_output_data = _json_text(server.postprocess_output_data)
    server.convert_strings_to_filedata = _base64_files(server.convert_strings_to_filedata)
    handlers = server.mcp_server.request_handlers
    list_tools, call_tool = handlers[types.ListToolsRequest], handlers[types.CallToolRequest]

    # The app's tools never change once it is served, and Gradio makes every tool's
    # schema again for each list (0.8 s for Kubernetes' 1,123 tools): a list is made
    # once per selection of tools (`?tools=`).
    lists: dict[tuple[str, ...] | None, Any] = {}

    async def listed(request: Any) -> Any:
        selected = server.get_selected_tools_from_request()
        key = None if selected is None else tuple(sorted(selected))
        if key in lists:
            return lists[key]
        result = await described_list(request)
        if len(lists) < _LISTS_KEPT:  # a client cannot grow it by naming selections
            lists[key] = result
        return result

    async def described_list(request: Any) -> Any:
        result = await list_tools(request)
        for tool in result.root.tools:
            tool.description = (tool.description or "").replace(gradio_file_text, FILE_HELP)
            tool.inputSchema = _describe_files(tool.inputSchema)
            info = tool_info(server, tool.name)
            if info is not None:
                tool.title = info.title
                tool.annotations = types.ToolAnnotations(**info.annotations())
                tool.outputSchema = info.output_schema
        return result

    async def called(request: Any) -> Any:
        result = await call_tool(request)
        reply = result.root
        info = tool_info(server, request.params.name)
        if info is None or info.output_schema is None or reply.isError or not reply.content:
            return result
        text = getattr(reply.content[0], "text", "")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        reply.structuredContent = info.structured(value)
        return result

    handlers[types.ListToolsRequest] = listed
    handlers[types.CallToolRequest] = called


# Seconds the MCP server's own gradio_client waits for the app's API description: for
# 1,000 endpoints on a busy machine it took over httpx's default 5 s, and every tool call
# failed with "timed out" until one got through.
CLIENT_TIMEOUT = 300.0


def _patient_client(server: Any) -> Callable[[], Any]:
    """Gradio's `_get_or_create_client` (the loopback gradio_client that queued tool
    calls go through), made with CLIENT_TIMEOUT for reading the API description."""
    from gradio import route_utils
    from gradio_client import Client

    def client() -> Any:
        if server._client_instance is None:
            request = server.mcp_server.request_context.request
            root_url = route_utils.get_root_url(
                request=request,
                route_path=server.get_route_path(request),
                root_path=server.root_path,
            )
            server._client_instance = Client(
                server.local_url or root_url,
                download_files=False,
                verbose=False,
                analytics_enabled=False,
                ssl_verify=False,
                _skip_components=False,
                headers={"x-gradio-user": "mcp"},
                httpx_kwargs={"timeout": CLIENT_TIMEOUT},
            )
        return server._client_instance

    return client


def _named_failures(execute: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Gradio's wait for a queued tool call, whose failure, when its exception has no
    text (httpx's timeouts), names at least the exception rather than being empty."""

    async def wait(job: Any) -> Any:
        try:
            return await execute(job)
        except Exception as exc:
            if str(exc):
                raise
            raise RuntimeError(f"the call failed: {type(exc).__name__}") from exc

    return wait


def _described_parameters(
    describe: Callable[[Any, str], tuple[str, dict[str, str]]],
) -> Callable[[Any, str], tuple[str, dict[str, str]]]:
    """Gradio's `get_fn_description` (the tool's description, which it takes from the
    endpoint's `api_description`), with the parameters' descriptions of the plan."""

    def description(block_fn: Any, tool_name: str) -> tuple[str, dict[str, str]]:
        text, parameters = describe(block_fn, tool_name)
        info = getattr(block_fn.fn, "_autoui_tool", None)
        return text, info.parameters() if info is not None else parameters

    return description


def _endpoint_lookup(server: Any) -> Callable[[str], Any]:
    """Gradio's `get_block_fn_from_endpoint_name`, by a dict: Gradio's looks through
    every function of the app, for each tool of a list (1,000² steps at 1,000 tools)."""
    by_name: dict[str, Any] = {}
    for fn in server.blocks.fns.values():
        if fn.api_name:
            by_name.setdefault(fn.api_name, fn)
    return lambda endpoint_name: by_name.get(endpoint_name.lstrip("/"))


def _tool_names(server: Any) -> dict[str, str]:
    """Gradio's tool-to-endpoint map with each operation's tool under its `mcp_name`."""
    names = {}
    for name, endpoint in server.tool_to_endpoint.items():
        info = _info_of(server, endpoint)
        names[info.name if info is not None else name] = endpoint
    return names


def _json_text(postprocess: Callable[[Any, str], list[Any]]) -> Callable[[Any, str], list[Any]]:
    """Gradio's output conversion, with JSON values sent as JSON text, not `repr`."""
    import mcp.types as types

    def convert(data: Any, root_url: str) -> list[Any]:
        content: list[Any] = []
        for output in data:
            if isinstance(output, (dict, list, int, float, bool)) and not _is_file(output):
                text = json.dumps(output, ensure_ascii=False)
                content.append(types.TextContent(type="text", text=text))
            elif output is None:
                content.append(types.TextContent(type="text", text="null"))
            else:
                content += postprocess([output], root_url)
        return content

    return convert


def _is_file(value: Any) -> bool:
    from gradio_client.utils import is_file_obj_with_meta

    return bool(is_file_obj_with_meta(value))


def _base64_files(convert: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Gradio's reading of file arguments, which takes `data:` URLs and http(s) URLs,
    with plain base64 text read as a `data:` URL of unknown type."""

    def read(value: Any, positions: Any) -> Any:
        def as_data_url(node: Any, path: list[Any]) -> Any:
            if isinstance(node, dict):
                return {k: as_data_url(v, [*path, k]) for k, v in node.items()}
            if isinstance(node, list):
                return [as_data_url(v, [*path, i]) for i, v in enumerate(node)]
            if isinstance(node, str) and path in positions:
                if node.startswith(("data:", "http://", "https://")):
                    return node
                if not _is_base64(node):
                    where = ".".join(map(str, path))
                    raise ValueError(f"{where}: {node[:40]!r} is not {FILE_FORMAT}")
                return f"data:application/octet-stream;base64,{node.strip()}"
            return node

        return convert(as_data_url(value, []), positions)

    return read


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _describe_files(schema: Any) -> Any:
    """`schema` where Gradio's `format` of a file argument ("a http or https url") says
    what autoui takes. A copy: Gradio's tool schemas share their parts with the API
    description that gradio_client reads."""
    if isinstance(schema, dict):
        described = {key: _describe_files(value) for key, value in schema.items()}
        if str(schema.get("format", "")).startswith("Gradio File Input"):
            described["format"] = FILE_FORMAT
        return described
    if isinstance(schema, list):
        return [_describe_files(value) for value in schema]
    return schema
