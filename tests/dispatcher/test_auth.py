"""Credentials against a real loopback API that checks them (`support.secured`).

Each test sets credentials for a session the way the page and `/autoui_authorize` do
(`Authenticator.authorize`), calls through the real `Dispatcher`, and asserts what the
backend received and what the user is told. Nothing about the backend is mocked; the
only stand-in is the clock the token cache reads, so that "an hour later" needs no wait.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from support.echo import recorder_app
from support.secured import secured_app, secured_spec
from support.servers import free_port, serve_asgi

import autoui
from autoui.builder.present import raw_text
from autoui.dispatcher import Dispatcher
from autoui.dispatcher.auth import Authenticator
from autoui.dispatcher.credentials import parse_secret, startup_secrets
from autoui.dispatcher.curl import curl_command
from autoui.dispatcher.options import Options
from autoui.dispatcher.origins import Origins, ServerChoice
from autoui.dispatcher.sessions import SessionStore
from autoui.errors import AuthProblem, ConfigError
from autoui.ir import Api, SecurityScheme, Server
from autoui.mapper import OperationPlan, plan_api

ALICE_KEY, BOB_KEY = "key-alice-7Qx", "key-bob-9Wz"
ALICE_CLIENT = "svc-alice:svc-alice-secret-1Mq"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def backend() -> Iterator[tuple[FastAPI, str]]:
    app = secured_app(expires_in=600)
    with serve_asgi(app) as base:
        yield app, base


class Setup:
    def __init__(self, base: str, startup: dict[str, Any] | None = None, **dispatch: Any) -> None:
        self.api: Api = autoui.load_spec(secured_spec(base))
        self.plans: dict[str, OperationPlan] = {
            p.api_name: p for p in plan_api(self.api).operations
        }
        self.clock = Clock()
        self.auth = Authenticator(
            self.api,
            SessionStore(clock=self.clock),
            startup=startup_secrets(self.api, startup),
            base_url=base,
            clock=self.clock,
        )
        self.dispatcher = Dispatcher(base, auth=self.auth, **dispatch)

    def call(self, name: str, session: str | None = "tab-1", **values: Any) -> Any:
        return self.dispatcher.call(self.plans[name], values, session)


@pytest.fixture
def setup(backend: tuple[FastAPI, str]) -> Setup:
    return Setup(backend[1])


def who(reply: Any) -> Any:
    assert reply.ok, reply.error
    return reply.data["who"]


# --- each kind of scheme, as the backend receives it


def test_api_key_in_a_header(setup: Setup, backend: tuple[FastAPI, str]) -> None:
    setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY})
    assert who(setup.call("by_header")) == ALICE_KEY
    assert backend[0].state.seen[-1]["headers"]["x-api-key"] == ALICE_KEY


def test_api_key_in_the_query_is_redacted_in_the_url_shown(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    setup.auth.authorize("tab-1", {"KeyQuery": BOB_KEY})
    reply = setup.call("by_query")
    assert who(reply) == BOB_KEY
    assert backend[0].state.seen[-1]["query"] == {"api_key": BOB_KEY}
    assert reply.url == f"{backend[1]}/whoami/query?api_key=<redacted>"
    shown = json.loads(raw_text(reply))["request"]
    assert shown == f"GET {backend[1]}/whoami/query?api_key=<redacted>"


def test_api_key_in_a_cookie(setup: Setup, backend: tuple[FastAPI, str]) -> None:
    setup.auth.authorize("tab-1", {"KeyCookie": ALICE_KEY})
    assert who(setup.call("by_cookie")) == ALICE_KEY
    assert backend[0].state.seen[-1]["cookies"] == {"session_id": ALICE_KEY}


def test_http_basic(setup: Setup) -> None:
    setup.auth.authorize("tab-1", {"Basic": "alice:alice-pass-4Rt"})
    assert who(setup.call("by_basic")) == "alice"
    setup.auth.authorize("tab-1", {"Basic": {"username": "bob", "password": "bob-pass-8Yu"}})
    assert who(setup.call("by_basic")) == "bob"


def test_http_bearer(setup: Setup, backend: tuple[FastAPI, str]) -> None:
    setup.auth.authorize("tab-1", {"Bearer": "bearer-bob-6Hn"})
    assert who(setup.call("by_bearer")) == "bearer-bob-6Hn"
    assert backend[0].state.seen[-1]["headers"]["authorization"] == "Bearer bearer-bob-6Hn"


def test_all_schemes_of_an_alternative_apply_together(setup: Setup) -> None:
    setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY})
    refused = setup.call("both")
    assert refused.status == 401
    assert refused.error.endswith(
        "(this operation needs KeyHeader + Bearer; set it under Authorize)"
    )
    setup.auth.authorize("tab-1", {"Bearer": "bearer-alice-2Kp"})
    assert who(setup.call("both")) == f"{ALICE_KEY}+bearer-alice-2Kp"


def test_the_first_alternative_the_session_can_satisfy_is_used(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    setup.auth.authorize("tab-1", {"Bearer": "bearer-alice-2Kp"})
    assert who(setup.call("either")) == "bearer-alice-2Kp"
    setup.auth.authorize("tab-1", {"Basic": "bob:bob-pass-8Yu"})
    assert who(setup.call("either")) == "bob"  # Basic comes first in the spec
    assert backend[0].state.seen[-1]["headers"]["authorization"].startswith("Basic ")


def test_no_credentials_go_where_none_are_needed(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY, "Bearer": "bearer-alice-2Kp"})
    assert setup.call("public").ok
    headers = backend[0].state.seen[-1]["headers"]
    assert "x-api-key" not in headers and "authorization" not in headers


def test_optional_security_sends_credentials_when_there_are_some(setup: Setup) -> None:
    assert who(setup.call("optional")) == "anonymous"
    setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY})
    assert who(setup.call("optional")) == ALICE_KEY


def test_a_form_value_for_the_same_header_wins(setup: Setup, tmp_path: Any) -> None:
    spec = secured_spec(setup.dispatcher.base_url)
    spec["paths"]["/whoami/header"]["get"]["parameters"] = [
        {"name": "X-API-Key", "in": "header", "schema": {"type": "string"}}
    ]
    api = autoui.load_spec(spec)
    plan = next(p for p in plan_api(api).operations if p.api_name == "by_header")
    auth = Authenticator(api, SessionStore(), base_url=setup.dispatcher.base_url)
    auth.authorize("tab-1", {"KeyHeader": ALICE_KEY})
    dispatcher = Dispatcher(setup.dispatcher.base_url, auth=auth)
    assert who(dispatcher.call(plan, {"x_api_key": BOB_KEY}, "tab-1")) == BOB_KEY
    assert who(dispatcher.call(plan, {}, "tab-1")) == ALICE_KEY


# --- missing and unusable credentials


def test_missing_credentials_give_the_apis_refusal_and_what_is_needed(setup: Setup) -> None:
    reply = setup.call("by_basic")
    assert reply.status == 401
    assert reply.error == (
        "HTTP 401 Unauthorized: bad or missing username and password "
        "(this operation needs Basic; set it under Authorize)"
    )


@pytest.mark.parametrize("evil", ["key\r\nX-Admin: 1", "key\nSet-Cookie: a=b", "key\x00"])
def test_a_line_break_in_a_key_is_refused_without_echoing_it(
    setup: Setup, backend: tuple[FastAPI, str], evil: str
) -> None:
    setup.auth.authorize("tab-1", {"KeyHeader": evil})
    before = len(backend[0].state.seen)
    reply = setup.call("by_header")
    assert reply.error == (
        "KeyHeader: the credential holds a line break, a control character or text an "
        "HTTP header cannot carry"
    )
    assert len(backend[0].state.seen) == before  # nothing was sent


def test_unknown_scheme_and_bad_shapes_are_refused_naming_the_scheme(setup: Setup) -> None:
    with pytest.raises(AuthProblem, match=r"no security scheme 'Nope' \(the API has: KeyHeader"):
        setup.auth.authorize("tab-1", {"Nope": "x"})
    with pytest.raises(AuthProblem, match=r"^Basic: expected 'username:password'$"):
        setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY, "Basic": "no-colon-secret"})
    assert setup.auth.status("tab-1")["KeyHeader"] == "not set"  # nothing changed
    with pytest.raises(AuthProblem, match="a username cannot hold ':'"):
        setup.auth.authorize("tab-1", {"Basic": {"username": "a:b", "password": "p"}})
    with pytest.raises(AuthProblem, match="unknown field 'pasword'"):
        setup.auth.authorize("tab-1", {"Basic": {"username": "a", "pasword": "p"}})


def test_an_empty_value_clears_a_scheme(setup: Setup) -> None:
    setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY})
    assert setup.auth.status("tab-1")["KeyHeader"] == "set for this session"
    setup.auth.authorize("tab-1", {"KeyHeader": ""})
    assert setup.auth.status("tab-1")["KeyHeader"] == "not set"
    assert setup.call("by_header").status == 401


# --- sessions and start-up credentials


def test_each_session_sends_only_its_own_credentials(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    setup.auth.authorize("alice-tab", {"KeyHeader": ALICE_KEY})
    setup.auth.authorize("bob-tab", {"KeyHeader": BOB_KEY})
    assert who(setup.call("by_header", "alice-tab")) == ALICE_KEY
    assert who(setup.call("by_header", "bob-tab")) == BOB_KEY
    assert setup.call("by_header", "someone-else").status == 401
    assert setup.call("by_header", None).status == 401
    assert "x-api-key" not in backend[0].state.seen[-1]["headers"]


def test_startup_credentials_serve_every_session_and_a_sessions_own_wins(
    backend: tuple[FastAPI, str],
) -> None:
    setup = Setup(backend[1], startup={"KeyHeader": ALICE_KEY})

    def sent() -> str:
        """The key the backend received last."""
        return str(backend[0].state.seen[-1]["headers"].get("x-api-key"))

    # The API echoes the key it got; a start-up one is never shown to the page user.
    assert who(setup.call("by_header", "any-tab")) == "<redacted>"
    assert sent() == ALICE_KEY
    assert setup.auth.status("any-tab")["KeyHeader"] == "set at start-up, for every user"
    setup.auth.authorize("bob-tab", {"KeyHeader": BOB_KEY})
    assert who(setup.call("by_header", "bob-tab")) == BOB_KEY == sent()
    assert who(setup.call("by_header", "any-tab")) == "<redacted>"
    assert sent() == ALICE_KEY
    setup.auth.authorize("bob-tab", {"KeyHeader": None})  # log out: back to the shared one
    setup.call("by_header", "bob-tab")
    assert sent() == ALICE_KEY


def test_sessions_are_bounded_in_number(backend: tuple[FastAPI, str]) -> None:
    api = autoui.load_spec(secured_spec(backend[1]))
    auth = Authenticator(api, SessionStore(max_sessions=3), base_url=backend[1])
    for tab in ("a", "b", "c", "d"):
        auth.authorize(tab, {"KeyHeader": ALICE_KEY})
    assert len(auth.sessions) == 3
    assert auth.status("a")["KeyHeader"] == "not set"  # the least recently used went
    assert auth.status("d")["KeyHeader"] == "set for this session"


def test_a_session_idle_longer_than_the_ttl_is_forgotten(setup: Setup) -> None:
    setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY})
    setup.clock.now += 3000
    assert who(setup.call("by_header")) == ALICE_KEY  # used: the idle timer restarts
    setup.clock.now += 3601
    assert setup.call("by_header").status == 401
    assert len(setup.auth.sessions) == 0


def test_startup_credentials_are_checked_at_start(backend: tuple[FastAPI, str]) -> None:
    api = autoui.load_spec(secured_spec(backend[1]))
    with pytest.raises(ConfigError, match=r"--auth Nope: the API has no security scheme 'Nope'"):
        startup_secrets(api, {"Nope": "x"})
    with pytest.raises(ConfigError, match=r"^AUTOUI_AUTH_BASIC: Basic: expected 'username:pass"):
        startup_secrets(api, {}, {"AUTOUI_AUTH_BASIC": "secret-without-colon"})
    found = startup_secrets(
        api,
        {"Bearer": "from-the-flag"},
        {"AUTOUI_AUTH_BEARER": "from-env", "AUTOUI_AUTH_KEYQUERY": BOB_KEY, "HOME": "/root"},
    )
    assert found["Bearer"].value == "from-the-flag"
    assert found["KeyQuery"].value == BOB_KEY


def test_an_environment_variable_for_no_scheme_is_reported(
    backend: tuple[FastAPI, str], caplog: pytest.LogCaptureFixture
) -> None:
    api = autoui.load_spec(secured_spec(backend[1]))
    with caplog.at_level(logging.WARNING, logger="autoui"):
        assert startup_secrets(api, {}, {"AUTOUI_AUTH_KEYHEDER": "typo-secret"}) == {}
    assert "AUTOUI_AUTH_KEYHEDER matches no security scheme of this API" in caplog.text
    assert "typo-secret" not in caplog.text


def test_the_call_options_never_show_their_credentials() -> None:
    """The options `build_app` and `autoui serve` pass down hold the start-up credentials
    and headers; a log line or traceback that prints them shows neither."""
    options = Options(
        headers={"X-Api-Key": "hdr-s3cret-1"},
        auth={"Bearer": "flag-s3cret-2"},
        auth_env={"AUTOUI_AUTH_BEARER": "env-s3cret-3"},
        timeout=7.0,
    )
    shown = repr(options)
    assert "timeout=7.0" in shown
    assert not any(f"s3cret-{n}" in shown for n in (1, 2, 3)), shown


# --- OAuth 2 and OpenID Connect


def test_client_credentials_token_is_fetched_once_and_reused(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    app = backend[0]
    status = setup.auth.authorize("tab-1", {"OAuth": ALICE_CLIENT})
    assert status["OAuth"] == "set for this session"
    assert app.state.token_requests == [
        {
            "grant_type": "client_credentials",
            "client": "svc-alice",
            "client_in_body": False,
            "scope": "read",
        }
    ]
    first, second = setup.call("by_oauth"), setup.call("by_oauth")
    assert who(first) == "svc-alice"
    assert first.data["token"] == second.data["token"]
    assert len(app.state.token_requests) == 1


def test_an_expired_token_is_refreshed_with_its_refresh_token(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    app = backend[0]
    setup.auth.authorize("tab-1", {"OAuth": ALICE_CLIENT})
    first = setup.call("by_oauth").data["token"]
    setup.clock.now += 600  # expires_in was 600 s
    second = setup.call("by_oauth")
    assert who(second) == "svc-alice"
    assert second.data["token"] != first
    assert [r["grant_type"] for r in app.state.token_requests] == [
        "client_credentials",
        "refresh_token",
    ]


def test_a_refused_refresh_asks_for_a_new_token(setup: Setup, backend: tuple[FastAPI, str]) -> None:
    app = backend[0]
    setup.auth.authorize("tab-1", {"OAuth": ALICE_CLIENT})
    app.state.refresh.clear()  # the server forgot every refresh token
    setup.clock.now += 601
    assert who(setup.call("by_oauth")) == "svc-alice"
    assert [r["grant_type"] for r in app.state.token_requests] == [
        "client_credentials",
        "refresh_token",
        "client_credentials",
    ]


def test_the_token_endpoints_refusal_is_shown_and_nothing_else_is_sent(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    status = setup.auth.authorize("tab-1", {"OAuth": "svc-alice:wrong-secret-3Fd"})
    expected = (
        f"OAuth: the token endpoint {backend[1]}/oauth/token refused: invalid_client: "
        "unknown client or wrong secret"
    )
    assert status["OAuth"] == expected
    assert "OAuth" not in setup.auth.available("tab-1")  # the page shows it not authorized
    reply = setup.call("by_oauth")
    assert reply.error == expected
    assert not any(r["path"] == "/whoami/oauth" for r in backend[0].state.seen)
    assert "wrong-secret-3Fd" not in reply.error


def test_good_credentials_after_a_refusal_clear_it(setup: Setup) -> None:
    setup.auth.authorize("tab-1", {"OAuth": "svc-alice:wrong-secret-3Fd"})
    status = setup.auth.authorize("tab-1", {"OAuth": ALICE_CLIENT})
    assert status["OAuth"] == "set for this session"
    assert "OAuth" in setup.auth.available("tab-1")


def test_password_flow_with_scopes_chosen_by_the_user(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    setup.auth.authorize(
        "tab-1",
        {"OAuth": {"username": "bob", "password": "bob-pass-8Yu", "scopes": ["read", "write"]}},
    )
    assert who(setup.call("by_oauth")) == "bob"
    assert backend[0].state.token_requests[-1]["grant_type"] == "password"
    assert backend[0].state.token_requests[-1]["scope"] == "read write"


def test_a_wrong_password_is_the_token_endpoints_message(setup: Setup) -> None:
    status = setup.auth.authorize("tab-1", {"OAuth": {"username": "bob", "password": "nope"}})
    assert status["OAuth"].endswith("refused: invalid_grant: wrong username or password")


def test_a_pasted_access_token_is_sent_as_is(setup: Setup, backend: tuple[FastAPI, str]) -> None:
    backend[0].state.tokens["at-handmade"] = "carol"
    setup.auth.authorize("tab-1", {"OAuth": {"access_token": "at-handmade"}})
    assert who(setup.call("by_oauth")) == "carol"
    assert backend[0].state.token_requests == []


def test_client_credentials_go_in_the_body_when_basic_is_refused() -> None:
    app = secured_app(clients_in_body_only=True)
    with serve_asgi(app) as base:
        setup = Setup(base)
        setup.auth.authorize("tab-1", {"OAuth": ALICE_CLIENT})
        assert who(setup.call("by_oauth")) == "svc-alice"
    assert [r["client_in_body"] for r in app.state.token_requests] == [False, True]


def test_openid_connect_discovery_then_the_password_grant(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    setup.auth.authorize("tab-1", {"OpenId": {"username": "alice", "password": "alice-pass-4Rt"}})
    assert who(setup.call("by_oidc")) == "alice"
    paths = [r["path"] for r in backend[0].state.seen]
    assert paths[:2] == ["/.well-known/openid-configuration", "/oauth/token"]


def test_a_flow_the_scheme_does_not_offer_is_explained() -> None:
    scheme = SecurityScheme(
        "Implicit", "oauth2", flows={"implicit": {"authorizationUrl": "https://x/auth"}}
    )
    api = Api("t", "1", "3.1.0", schemas=None, security_schemes={"Implicit": scheme})  # type: ignore[arg-type]
    auth = Authenticator(api, SessionStore(), base_url="http://127.0.0.1:1")
    status = auth.authorize("tab-1", {"Implicit": "client:secret"})
    assert status["Implicit"] == (
        "Implicit: a client id and secret need the OAuth 2 clientCredentials flow, which "
        "this scheme does not offer (it offers: implicit); paste an access_token instead"
    )


def test_schemes_autoui_cannot_use_say_so() -> None:
    digest = SecurityScheme("Digest", "http", scheme="digest")
    with pytest.raises(AuthProblem, match=r"^Digest: digest: not supported by autoui$"):
        parse_secret(digest, "user:pw")
    assert parse_secret(digest, "") is None


def test_secrets_never_show_in_a_repr() -> None:
    secret = parse_secret(
        SecurityScheme("K", "apiKey", location="header", param_name="X"), "s3cr3t"
    )
    assert "s3cr3t" not in repr(secret)


# --- secrets in messages, logs and redirects


def test_secrets_are_not_in_logs_or_errors_when_the_api_is_down(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    setup = Setup(dead)
    setup.auth.authorize("tab-1", {"KeyQuery": BOB_KEY, "KeyHeader": ALICE_KEY})
    with caplog.at_level(logging.DEBUG):
        reply = setup.call("by_query")
        setup.call("by_header")
    assert reply.error == f"cannot reach the API at {dead}: connection refused. Is it running?"
    assert BOB_KEY not in caplog.text and ALICE_KEY not in caplog.text
    assert "api_key=<redacted>" in caplog.text


def test_a_redirect_to_another_port_is_not_followed_and_carries_nothing(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    other = recorder_app()
    with serve_asgi(other) as elsewhere:
        setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY})
        reply = setup.call("away", to=f"{elsewhere}/steal")
    assert reply.status == 302
    assert reply.error == (
        f"HTTP 302: the API redirected to {elsewhere}/steal, outside {backend[1]}; not followed"
    )
    assert other.state.seen == []


def test_a_redirect_to_an_allowed_origin_drops_the_credentials(
    backend: tuple[FastAPI, str],
) -> None:
    other = recorder_app()
    with serve_asgi(other) as elsewhere:
        base = backend[1]
        origins = Origins({f"{base}", elsewhere})
        choice = ServerChoice([Server(base)], origins, pinned=True)
        setup = Setup(base, servers=choice)
        setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY, "Basic": "bob:bob-pass-8Yu"})
        setup.auth.authorize("tab-1", {"header:X-Team-Key": "team-key-5Rt"})  # undeclared
        reply = setup.call("away", to=f"{elsewhere}/landing")
    assert reply.ok, reply.error
    [seen] = other.state.seen
    assert seen["path"] == "/landing"
    assert "x-api-key" not in seen["headers"] and "authorization" not in seen["headers"]
    assert "x-team-key" not in seen["headers"]


def test_the_curl_command_redacts_the_sessions_credentials_unless_revealed(
    setup: Setup, backend: tuple[FastAPI, str]
) -> None:
    setup.auth.authorize("tab-1", {"KeyHeader": ALICE_KEY, "Bearer": "bearer-alice-2Kp"})
    reply = setup.call("both")
    assert reply.ok, reply.error
    assert reply.request is not None
    shown = curl_command(reply.request)
    assert "-H 'X-API-Key: <redacted>'" in shown
    assert "-H 'Authorization: <redacted>'" in shown
    assert ALICE_KEY not in shown and "bearer-alice-2Kp" not in shown
    revealed = curl_command(reply.request, reveal=True)
    assert f"-H 'X-API-Key: {ALICE_KEY}'" in revealed
    assert "-H 'Authorization: Bearer bearer-alice-2Kp'" in revealed
    setup.auth.authorize("tab-1", {"KeyQuery": BOB_KEY})
    assert "api_key=<redacted>" in curl_command(setup.call("by_query").request)  # type: ignore[arg-type]


# --- credentials the spec does not declare


def test_undeclared_credentials_go_with_every_call_and_stay_secret() -> None:
    """httpbin declares no security, yet `/basic-auth/...` wants Basic: `--auth
    basic=user:pass` (start-up) and the Authorize panel (a session) add what it forgot."""
    from support.echo import echo_app

    paths = {
        "/echo/a": {"get": {"operationId": "a", "responses": {"200": {"description": "OK"}}}},
        "/echo/b": {"post": {"operationId": "b", "responses": {"200": {"description": "OK"}}}},
    }
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    backend = echo_app()
    with serve_asgi(backend) as base:
        api = autoui.load_spec({**document, "servers": [{"url": base}]})
        plans = {p.api_name: p for p in plan_api(api).operations}
        startup = startup_secrets(api, {"basic": "user:pw-startup-1Xy"})
        auth = Authenticator(api, SessionStore(), startup=startup, base_url=base)
        auth.authorize("tab-1", {"header:X-Team-Key": "team-9Zq", "query:token": "tq-7Pw"})
        dispatcher = Dispatcher(base, auth=auth)
        replies = [dispatcher.call(plans[name], {}, "tab-1") for name in ("a", "b")]
        other_tab = dispatcher.call(plans["a"], {}, "tab-2")
    basic = "Basic " + base64.b64encode(b"user:pw-startup-1Xy").decode()
    for reply, seen in zip(replies, backend.state.seen[:2], strict=True):
        assert reply.ok, reply.error
        assert seen["headers"]["authorization"] == basic
        assert reply.data["headers"]["authorization"] == "<redacted>"  # the operator's
        assert reply.data["headers"]["x-team-key"] == "team-9Zq"
        assert reply.data["query"] == [["token", "tq-7Pw"]]
        assert reply.request is not None
        shown = curl_command(reply.request)
        assert "team-9Zq" not in shown and "tq-7Pw" not in shown and "pw-startup" not in shown
        assert "X-Team-Key: <redacted>" in shown and "token=<redacted>" in shown
    assert "x-team-key" not in other_tab.data["headers"]  # the other tab's own are its own
    assert backend.state.seen[2]["headers"]["authorization"] == basic  # start-up: for all
    assert auth.status("tab-1") == {
        "basic": "set at start-up, for every user (not declared by the spec)",
        "header:X-Team-Key": "set for this session (not declared by the spec)",
        "query:token": "set for this session (not declared by the spec)",
    }


@pytest.mark.parametrize("name", ["Nope", "header:", "header:two words", "digest"])
def test_a_name_that_describes_no_credential_is_refused(name: str) -> None:
    api = autoui.load_spec(
        {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    )
    with pytest.raises(ConfigError, match=rf"^--auth {re.escape(name)}: the API has no security"):
        startup_secrets(api, {name: "x"})
    with pytest.raises(AuthProblem, match="one it does not declare is named basic, bearer"):
        Authenticator(api, SessionStore()).authorize("tab-1", {name: "x"})
