"""The intermediate representation of an API: one shape for Swagger 2.0 and OpenAPI 3.x.

Everything after the loader reads only these dataclasses. They hold no Gradio and no
HTTP, so the mapper and the dispatcher can be tested with a hand-written `Api`.

Schemas stay the document's own dicts (with their `$ref`s) and are read through
`Api.schemas.resolve()`, which follows references and normalises each node to
3.1-style JSON Schema on demand. Copying and normalising every schema up front would
cost seconds on a 4 MB spec and never terminate on a recursive one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from autoui.schemas import Schemas

Location = Literal["path", "query", "header", "cookie"]
# RFC 9110 section 5.1: a header's name is a token (5.6.2); so is a cookie's (RFC 6265 4.1.1).
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Headers the HTTP client sets from the request itself: the body's framing and the
# connection (RFC 9110 sections 7.2, 7.6.1, 8.6; RFC 9112 section 6.1). A value typed in
# would contradict them (`Content-Length: 0.0` before a body, and the server hangs up).
CLIENT_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "te", "trailer"}  # the body's framing
    | {"host", "connection", "keep-alive", "upgrade"}  # the connection
)
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class Problem:
    """Something wrong with the document that autoui worked around."""

    message: str
    where: str = ""  # a JSON pointer into the document, or "" for the whole document
    severity: Literal["error", "warning"] = "warning"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class ServerVariable:
    default: str
    enum: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Server:
    """A base URL; `url` is absolute once the loader has resolved it against the source."""

    url: str
    description: str = ""
    variables: dict[str, ServerVariable] = field(default_factory=dict)

    def expand(self, values: dict[str, str] | None = None) -> str:
        url = self.url
        for name, var in self.variables.items():
            url = url.replace("{" + name + "}", (values or {}).get(name, var.default))
        return url


@dataclass
class Example:
    name: str
    value: Any
    summary: str = ""


@dataclass
class Parameter:
    name: str
    location: Location
    schema: Any  # a JSON Schema node (dict or bool), possibly a {"$ref": ...}
    required: bool = False
    description: str = ""
    style: str = "form"
    explode: bool = True
    allow_reserved: bool = False
    deprecated: bool = False
    examples: list[Example] = field(default_factory=list)
    # A parameter described by `content` instead of `schema` is sent as that media type.
    media_type: str | None = None

    @property
    def name_problem(self) -> str:
        """Why the parameter cannot be sent under its name, or "" when it can: a header
        named `API Key` (with a space) would make a malformed request."""
        if self.location in ("header", "cookie") and not TOKEN.fullmatch(self.name):
            return (
                f"{self.location} parameter {self.name!r}: not a valid {self.location} name "
                "(RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~ only), so it cannot be sent"
            )
        if self.location == "header" and self.name.lower() in CLIENT_HEADERS:
            return (
                f"header parameter {self.name!r}: set by the HTTP client from the request "
                "itself, so it is not a field"
            )
        return ""


@dataclass
class Encoding:
    """Per-property encoding of a form or multipart body (OpenAPI 3 `encoding`)."""

    content_type: str | None = None
    style: str | None = None
    explode: bool | None = None
    allow_reserved: bool = False


@dataclass
class MediaType:
    name: str  # e.g. "application/json", lower case, without parameters
    schema: Any = None
    examples: list[Example] = field(default_factory=list)
    encoding: dict[str, Encoding] = field(default_factory=dict)

    @property
    def part_name(self) -> str:
        """The part a `multipart/form-data` body whose schema is not an object goes in
        (codat's binary string): OpenAPI names parts only by an object's properties, so
        the name its `encoding` gives when it gives one, else `file`, what an HTML file
        input and `curl -F file=@...` call an upload (`autoui.loader.lenient` warns)."""
        return next(iter(self.encoding)) if len(self.encoding) == 1 else "file"


@dataclass
class Body:
    content: dict[str, MediaType]  # in the document's order
    required: bool = False
    description: str = ""


@dataclass
class Response:
    status: str  # "200", "2XX" or "default"
    description: str = ""
    content: dict[str, MediaType] = field(default_factory=dict)


@dataclass
class SecurityScheme:
    name: str
    type: str  # apiKey | http | oauth2 | openIdConnect | mutualTLS
    description: str = ""
    location: str = ""  # apiKey: header | query | cookie
    param_name: str = ""  # apiKey: the header, query or cookie name
    scheme: str = ""  # http: basic | bearer | ...
    bearer_format: str = ""
    flows: dict[str, Any] = field(default_factory=dict)  # oauth2, as in OpenAPI 3
    openid_connect_url: str = ""


_SHELL_VARIABLE = re.compile(r"\$(\{[^{}]+\})")
# A variable with a regular expression, as web frameworks' routes write it: Pyramid's and
# Flask's `{api_ver:\d+}`, JAX-RS's `{type: [^-]+}`.
ROUTE_VARIABLE = re.compile(r"\{\s*([A-Za-z_][\w.-]*)\s*:[^{}]*\}")

# One alternative of a `security` list: every scheme in it applies together.
SecurityRequirement = dict[str, list[str]]


@dataclass
class Operation:
    method: str  # upper case
    path: str
    operation_id: str = ""
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    body: Body | None = None
    responses: list[Response] = field(default_factory=list)
    # None: the document's top-level `security` applies.
    security: list[SecurityRequirement] | None = None
    servers: list[Server] = field(default_factory=list)
    deprecated: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)
    pointer: str = ""  # JSON pointer of the operation object, for messages

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def url_path(self) -> str:
        """The part of the path key that goes into the URL: a `#...` that tells operations
        on one path apart (AWS's `/#X-Amz-Target=...`) is a fragment, never sent; a
        shell-style `${name}` (the open inference protocol's `${MODEL_NAME}`) is the path
        variable `{name}`, its `$` never sent; a route's `{name:regex}` is `{name}`
        (`autoui.loader.paths` reports both)."""
        path = _SHELL_VARIABLE.sub(r"\1", self.path.split("#", 1)[0])
        return ROUTE_VARIABLE.sub(r"{\1}", path)


@dataclass
class Tag:
    name: str
    description: str = ""


@dataclass
class Api:
    title: str
    version: str
    openapi_version: str  # "2.0", "3.0.3", "3.1.0", ...
    schemas: Schemas
    description: str = ""
    servers: list[Server] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)
    security_schemes: dict[str, SecurityScheme] = field(default_factory=dict)
    security: list[SecurityRequirement] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    source: str = ""
    problems: list[Problem] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)
    # 3.1 `webhooks`: requests the API makes to its users, so nothing to call; named so a
    # document that holds only webhooks can say so.
    webhooks: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.servers[0].expand() if self.servers else ""
