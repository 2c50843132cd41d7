"""Requests go only where they belong: the API's origins, chosen at start-up.

Attempts to send a request (and the credentials on it) elsewhere — an absolute URL or
`../` in a path parameter, a line break in a header, a server variable or a redirect
pointing at another port, a spec from a public URL naming a private address — are each
refused or neutralised, with the message the user sees, while a second loopback server
(`recorder_app`) proves that nothing reached it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from support.echo import echo_app, recorder_app
from support.servers import serve_asgi

import autoui
from autoui.dispatcher import Dispatcher
from autoui.dispatcher.auth import Authenticator
from autoui.dispatcher.origins import (
    Origins,
    ServerChoice,
    is_private_host,
    origin,
    server_origins,
)
from autoui.dispatcher.sessions import SessionStore
from autoui.errors import OriginError
from autoui.ir import Server, ServerVariable
from autoui.mapper import OperationPlan, plan_api

SECRET = "key-never-leaves-9Jd"


@pytest.fixture(scope="module")
def echo() -> Iterator[tuple[str, FastAPI]]:
    app = echo_app()
    with serve_asgi(app) as url:
        yield url, app


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[tuple[str, FastAPI]]:
    app = recorder_app()
    with serve_asgi(app) as url:
        yield url, app


def spec(base: str, servers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "servers": servers or [{"url": base}],
        "security": [{"Key": []}],
        "components": {
            "securitySchemes": {"Key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
        },
        "paths": {
            "/echo/items/{item}": get("item", param("item", "path", required=True)),
            "/echo/search": get("search", param("next", "query"), param("X-Trace", "header")),
            "/redirect-away": get("away", param("to", "query", required=True)),
        },
    }


def param(name: str, where: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": {"type": "string"}}


def get(operation_id: str, *parameters: dict[str, Any]) -> dict[str, Any]:
    ok = {"200": {"description": "ok"}}
    return {"get": {"operationId": operation_id, "parameters": list(parameters), "responses": ok}}


class Setup:
    def __init__(self, document: dict[str, Any], **choice: Any) -> None:
        api = autoui.load_spec(document)
        self.plans: dict[str, OperationPlan] = {p.api_name: p for p in plan_api(api).operations}
        self.servers = ServerChoice.create(api.servers, api.operations, **choice)
        base = self.servers.expand(0)
        auth = Authenticator(api, SessionStore(), base_url=base)
        auth.authorize("tab", {"Key": SECRET})
        self.dispatcher = Dispatcher(base, servers=self.servers, auth=auth)

    def call(self, name: str, **values: Any) -> Any:
        return self.dispatcher.call(self.plans[name], values, "tab")


@pytest.fixture
def setup(echo: tuple[str, FastAPI]) -> Setup:
    return Setup(spec(echo[0]))


def received(app: FastAPI) -> list[dict[str, Any]]:
    return app.state.seen  # type: ignore[no-any-return]


# --- field values cannot change the host


@pytest.mark.parametrize(
    "value",
    ["{other}/steal", "//{host}/steal", "../../{host}/x", "@{host}", "x#@{host}/", "x?@{host}"],
)
def test_a_path_value_naming_another_host_stays_in_its_segment(
    setup: Setup, echo: tuple[str, FastAPI], elsewhere: tuple[str, FastAPI], value: str
) -> None:
    other = elsewhere[0]
    text = value.format(other=other, host=other.split("://")[1])
    before = len(received(elsewhere[1]))
    reply = setup.call("item", item=text)
    assert reply.ok, reply.error
    assert reply.url.startswith(f"{echo[0]}/echo/items/")
    assert reply.data["path"] == f"/echo/items/{text}"  # one segment, decoded by the server
    assert "/" not in reply.data["raw_path"].removeprefix("/echo/items/")
    assert len(received(elsewhere[1])) == before


def test_a_query_value_with_a_url_is_just_a_value(
    setup: Setup, elsewhere: tuple[str, FastAPI]
) -> None:
    reply = setup.call("search", next=f"{elsewhere[0]}/steal&admin=1")
    assert reply.data["query"] == [["next", f"{elsewhere[0]}/steal&admin=1"]]
    assert received(elsewhere[1]) == []


def test_a_header_value_with_a_line_break_is_refused(
    setup: Setup, echo: tuple[str, FastAPI]
) -> None:
    before = len(received(echo[1]))
    reply = setup.call("search", x_trace="a\r\nHost: evil.example")
    assert reply.error == (
        "X-Trace (header): value contains the control character '\\r', which HTTP headers "
        "cannot carry"
    )
    assert len(received(echo[1])) == before


# --- redirects


def test_a_redirect_to_another_port_is_shown_not_followed(
    setup: Setup, echo: tuple[str, FastAPI], elsewhere: tuple[str, FastAPI]
) -> None:
    reply = setup.call("away", to=f"{elsewhere[0]}/steal")
    assert reply.error == (
        f"HTTP 302: the API redirected to {elsewhere[0]}/steal, outside {echo[0]}; not followed"
    )
    assert received(elsewhere[1]) == []


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"])
def test_a_redirect_to_a_private_address_is_not_followed(setup: Setup, target: str) -> None:
    reply = setup.call("away", to=target)
    assert reply.status == 302
    assert reply.error.endswith(
        f"redirected to {target}, outside {setup.dispatcher.base_url}; not followed"
    )


# --- servers and their variables


def test_a_free_text_host_variable_cannot_point_elsewhere(
    echo: tuple[str, FastAPI], elsewhere: tuple[str, FastAPI]
) -> None:
    host, port = echo[0].split("://")[1].split(":")
    setup = Setup(
        spec(
            echo[0],
            [
                {
                    "url": "http://{host}:{port}",
                    "variables": {"host": {"default": host}, "port": {"default": port}},
                }
            ],
        )
    )
    other_port = elsewhere[0].rsplit(":", 1)[1]
    with pytest.raises(OriginError) as refused:
        setup.dispatcher.choose_server("tab", 0, {"port": other_port})
    assert str(refused.value) == (
        f"http://127.0.0.1:{other_port} is not one of the API's origins; not sent (the "
        f"operator can allow it with --allow-origin http://127.0.0.1:{other_port})"
    )
    with pytest.raises(OriginError, match=r"'host': '169\.254\.169\.254/x' is not a host name"):
        setup.dispatcher.choose_server("tab", 0, {"host": "169.254.169.254/x"})
    with pytest.raises(OriginError, match=r"'host': 'a@169\.254\.169\.254' is not a host name"):
        setup.dispatcher.choose_server("tab", 0, {"host": "a@169.254.169.254"})
    assert setup.call("item", item="x").ok  # still the default server
    assert received(elsewhere[1]) == []


def test_allow_origin_lets_a_host_variable_reach_another_port(
    echo: tuple[str, FastAPI], elsewhere: tuple[str, FastAPI]
) -> None:
    port = echo[0].rsplit(":", 1)[1]
    document = spec(
        echo[0],
        [{"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": port}}}],
    )
    setup = Setup(document, allow=[elsewhere[0]])
    other_port = elsewhere[0].rsplit(":", 1)[1]
    assert setup.dispatcher.choose_server("tab", 0, {"port": other_port}) == elsewhere[0]
    before = len(received(elsewhere[1]))
    assert setup.call("item", item="x").ok
    assert len(received(elsewhere[1])) == before + 1
    assert setup.dispatcher.server_of("another-tab") == echo[0]  # a choice per session


def test_enum_variables_take_only_their_values() -> None:
    server = Server(
        "https://{region}.api.example.com/{version}",
        variables={
            "region": ServerVariable("eu", ["eu", "us"]),
            "version": ServerVariable("v1"),
        },
    )
    assert server_origins(server) == {"https://eu.api.example.com", "https://us.api.example.com"}
    choice = ServerChoice.create([server])
    assert choice.expand(0, {"region": "us", "version": "v2"}) == "https://us.api.example.com/v2"
    with pytest.raises(
        OriginError, match=r"^server variable 'region': 'evil' is not one of eu, us$"
    ):
        choice.expand(0, {"region": "evil"})
    with pytest.raises(
        OriginError, match=r"'version': 'v1\?x=1' holds characters a URL path cannot"
    ):
        choice.expand(0, {"version": "v1?x=1"})


def test_base_url_pins_the_server() -> None:
    servers = [Server("https://prod.example.com"), Server("https://staging.example.com")]
    choice = ServerChoice.create(servers, base_url="http://127.0.0.1:8000")
    assert [s.url for s in choice.servers] == ["http://127.0.0.1:8000"]
    assert choice.pinned
    assert not choice.origins.allows("https://prod.example.com/x")


def test_a_public_spec_may_not_name_a_private_server() -> None:
    servers = [
        Server("https://api.example.com"),
        Server("http://169.254.169.254/latest"),
        Server("http://localhost:9000"),
    ]
    choice = ServerChoice.create(servers, spec_source="https://specs.example.com/openapi.json")
    assert [s.url for s in choice.servers] == ["https://api.example.com"]
    assert choice.problems == [
        "the server http://169.254.169.254/latest is a private address named by a spec from "
        "a public URL; left out (allow it with --allow-origin http://169.254.169.254)",
        "the server http://localhost:9000 is a private address named by a spec from a public "
        "URL; left out (allow it with --allow-origin http://localhost:9000)",
    ]
    allowed = ServerChoice.create(
        servers,
        spec_source="https://specs.example.com/openapi.json",
        allow=["http://localhost:9000"],
    )
    assert [s.url for s in allowed.servers] == [
        "https://api.example.com",
        "http://localhost:9000",
    ]
    local = ServerChoice.create(servers, spec_source="http://127.0.0.1:5000/openapi.json")
    assert len(local.servers) == 3  # a spec from this machine may name this machine


def test_a_server_whose_url_parsers_read_differently_is_left_out() -> None:
    """`2130706433` is 127.0.0.1 to the resolver, and a name to the private-address check."""
    servers = [Server("https://api.example.com"), Server("http://2130706433/v1")]
    choice = ServerChoice.create(servers, spec_source="https://specs.example.com/openapi.json")
    assert [s.url for s in choice.servers] == ["https://api.example.com"]
    assert choice.problems == [
        "the server http://2130706433/v1 is left out: 'http://2130706433/v1': write the "
        "IPv4 address '2130706433' as four decimal numbers (a.b.c.d); not sent"
    ]


# --- origins


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/x?y", "http://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("https://example.com:8443/", "https://example.com:8443"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        ("http://[0:0:0:0:0:0:0:1]:8000/", "http://[::1]:8000"),
        ("http://[::FFFF:127.0.0.1]/", "http://[::ffff:7f00:1]"),
        ("http://api.example.com./", "http://api.example.com."),  # not api.example.com
        ("http://api:0080/#@evil.example/", "http://api"),
        ("http://api/x?@evil.example/", "http://api"),
    ],
)
def test_origins_are_canonical(url: str, expected: str) -> None:
    assert origin(url) == expected


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "/relative", "file:///etc/passwd", "http://h:x/", "http:///x"]
)
def test_only_absolute_http_urls_have_an_origin(url: str) -> None:
    with pytest.raises(OriginError):
        origin(url)


# URLs that WHATWG parsers (browsers), urllib.parse and urllib3 (which sends) read as
# different hosts, or as a host other than the text shows: refused, whatever origins are
# allowed, because the host judged must be the host reached. (WHATWG URL Standard, host
# parsing; urllib3's `parse_url` ends the host at a backslash, urllib.parse does not.)
@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://evil.example\\@api.example/x", "backslash"),
        ("http://api.example\\@evil.example/x", "backslash"),
        ("http://evil.example\\.api.example/", "backslash"),
        ("http://user:pw@api.example/", "user information"),
        ("http://api.example@evil.example/", "user information"),
        ("http://api.ex\tample/", "control character"),
        ("http://api.example\n.evil.example/", "control character"),
        ("http://api.example /", "space"),
        ("http://127.0.0.1%2e/", "not a host name"),
        ("http://api%2Eexample/", "not a host name"),
        ("http://2130706433/", "four decimal numbers"),
        ("http://0177.0.0.1/", "four decimal numbers"),
        ("http://0x7f.0.0.1/", "four decimal numbers"),
        ("http://127.1/", "four decimal numbers"),
        ("http://127.0.0.1./", "four decimal numbers"),
        ("http://0/", "four decimal numbers"),
        ("http://[fe80::1%25eth0]/", "different hosts"),
        ("http://\u0430pi.example/", "xn-- form"),  # a Cyrillic a
    ],
)
def test_urls_parsers_read_differently_are_refused(url: str, why: str) -> None:
    with pytest.raises(OriginError, match=why):
        origin(url)
    origins = Origins()
    origins.add("http://api.example")
    origins.add("http://evil.example")
    origins.add("http://127.0.0.1")
    assert not origins.allows(url)


def test_origin_patterns_match_one_label() -> None:
    origins = Origins()
    origins.add("https://*.example.com")
    assert origins.allows("https://eu.example.com/v1")
    assert not origins.allows("https://a.b.example.com/")
    assert not origins.allows("https://example.com/")
    assert not origins.allows("http://eu.example.com/")
    assert not origins.allows("https://eu.example.com:8443/")
    assert not origins.allows("https://evilexample.com/")
    for bad in [
        "https://*",
        "https://*.com",
        "https://a.*.example.com",
        "https://*.example.com/path",
    ]:
        with pytest.raises(OriginError, match="a pattern may only start the host"):
            Origins().add(bad)


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.1", True),
        ("169.254.169.254", True),
        ("[::1]", True),
        ("[fe80::1]", True),
        ("0.0.0.0", True),
        ("localhost", True),
        ("api.localhost", True),
        ("localhost.", True),
        ("[::ffff:169.254.169.254]", True),
        ("8.8.8.8", False),
        ("api.example.com", False),
    ],
)
def test_private_hosts(host: str, private: bool) -> None:
    assert is_private_host(host) is private
