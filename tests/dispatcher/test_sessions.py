"""Credentials per session, through the real page server and real `gradio_client`s.

autoui is served for real in front of the loopback API of `support.secured`; each
`Client` is its own Gradio session and sets its credentials through `/autoui_authorize`,
exactly as a Python user would. The backend records every request, so the tests assert
that each call carried its own session's credentials and never another's.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from gradio_client import Client
from support.secured import secured_spec
from support.servers import serve_asgi, serve_gradio

import autoui
from autoui.serve import asgi_app

ALICE_KEY, BOB_KEY = "key-alice-7Qx", "key-bob-9Wz"
SHARED_BEARER = "bearer-bob-6Hn"


@pytest.fixture(scope="module", params=["tabs", "navigator"])
def ui(secured_backend: tuple[FastAPI, str], request: pytest.FixtureRequest) -> Iterator[str]:
    """The page for the secured API, in both layouts: a navigator page's session
    endpoints are at the root with its other API endpoints, where clients connect."""
    base = secured_backend[1]
    document = secured_spec(base)
    port = base.rsplit(":", 1)[1]
    document["servers"].append(
        {
            "url": "http://127.0.0.1:{port}",
            "description": "pick a port",
            "variables": {"port": {"default": port}},
        }
    )
    demo = autoui.build_app(document, auth={"Bearer": SHARED_BEARER}, layout=request.param)
    if request.param == "tabs":
        with serve_gradio(demo) as url:
            yield url
    else:
        with serve_asgi(asgi_app(demo)) as url:
            yield url


def client(url: str) -> Client:
    return Client(url, verbose=False)


def test_two_simultaneous_sessions_each_send_only_their_own_key(
    ui: str, secured_backend: tuple[FastAPI, str]
) -> None:
    alice, bob = client(ui), client(ui)
    assert alice.session_hash != bob.session_hash
    alice.predict(credentials={"KeyHeader": ALICE_KEY}, api_name="/autoui_authorize")
    bob.predict(credentials={"KeyHeader": BOB_KEY}, api_name="/autoui_authorize")
    before = len(secured_backend[0].state.seen)
    results: dict[str, list[Any]] = {"alice": [], "bob": []}

    def calls(name: str, who: Client) -> None:
        for _ in range(8):
            results[name].append(who.predict(api_name="/by_header"))

    threads = [
        threading.Thread(target=calls, args=("alice", alice)),
        threading.Thread(target=calls, args=("bob", bob)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"alice": [ALICE_KEY] * 8, "bob": [BOB_KEY] * 8}
    received = Counter(
        r["headers"].get("x-api-key") for r in secured_backend[0].state.seen[before:]
    )
    assert received == {ALICE_KEY: 8, BOB_KEY: 8}


def test_a_session_without_credentials_is_refused_by_the_api(ui: str) -> None:
    with pytest.raises(Exception, match=r"HTTP 401 Unauthorized: bad or missing X-API-Key "
                       r"\(this operation needs KeyHeader; set it under Authorize\)"):  # fmt: skip
        client(ui).predict(api_name="/by_header")


def test_startup_credentials_serve_every_session(
    ui: str, secured_backend: tuple[FastAPI, str]
) -> None:
    """The shared one reaches the API, and never a client (the API's echo is redacted)."""

    def sent() -> str:
        return str(secured_backend[0].state.seen[-1]["headers"]["authorization"])

    assert client(ui).predict(api_name="/by_bearer") == "<redacted>"
    assert sent() == f"Bearer {SHARED_BEARER}"
    own = client(ui)
    own.predict(credentials={"Bearer": "bearer-alice-2Kp"}, api_name="/autoui_authorize")
    assert own.predict(api_name="/by_bearer") == "bearer-alice-2Kp"
    assert client(ui).predict(api_name="/by_bearer") == "<redacted>"
    assert sent() == f"Bearer {SHARED_BEARER}"


def test_authorize_reports_each_scheme_and_logout_clears_them(ui: str) -> None:
    alice = client(ui)
    status = alice.predict(
        credentials={
            "KeyHeader": ALICE_KEY,
            "Basic": {"username": "alice", "password": "alice-pass-4Rt"},
        },
        api_name="/autoui_authorize",
    )
    assert status["KeyHeader"] == "set for this session"
    assert status["Basic"] == "set for this session"
    assert status["Bearer"] == "set at start-up, for every user"
    assert status["OAuth"] == "not set"
    assert alice.predict(api_name="/by_basic") == "alice"
    status = alice.predict(api_name="/autoui_logout")
    assert status["KeyHeader"] == "not set" and status["Bearer"].startswith("set at start-up")
    with pytest.raises(Exception, match="HTTP 401"):
        alice.predict(api_name="/by_basic")


def test_bad_credentials_are_one_clear_error(ui: str) -> None:
    alice = client(ui)
    with pytest.raises(Exception, match=r"Basic: expected 'username:password'"):
        alice.predict(credentials={"Basic": "no-colon-9Ha"}, api_name="/autoui_authorize")
    with pytest.raises(Exception, match=r"no security scheme 'Nope'"):
        alice.predict(credentials={"Nope": "x"}, api_name="/autoui_authorize")


def test_oauth_through_a_client_and_the_endpoints_refusal(
    ui: str, secured_backend: tuple[FastAPI, str]
) -> None:
    svc = client(ui)
    svc.predict(
        credentials={"OAuth": {"client_id": "svc-bob", "client_secret": "svc-bob-secret-5Lv"}},
        api_name="/autoui_authorize",
    )
    assert svc.predict(api_name="/by_oauth")["who"] == "svc-bob"
    base = secured_backend[1]
    with pytest.raises(Exception) as refused:
        client(ui).predict(credentials={"OAuth": "svc-bob:wrong-7Gt"}, api_name="/autoui_authorize")
    assert str(refused.value) == (
        f"OAuth: the token endpoint {base}/oauth/token refused: invalid_client: unknown client "
        "or wrong secret"
    )


def test_each_session_chooses_its_server_among_the_allowed_ones(
    ui: str, secured_backend: tuple[FastAPI, str]
) -> None:
    base = secured_backend[1]
    chooser = client(ui)
    template = "http://127.0.0.1:{port}"
    port = base.rsplit(":", 1)[1]
    assert (
        chooser.predict(server=template, variables={"port": port}, api_name="/autoui_server")
        == base
    )
    with pytest.raises(Exception, match=r"http://127\.0\.0\.1:1 is not one of the API's origins"):
        chooser.predict(server=template, variables={"port": "1"}, api_name="/autoui_server")
    with pytest.raises(
        Exception, match=r"'http://169\.254\.169\.254/' is not one of the API's servers"
    ):
        chooser.predict(server="http://169.254.169.254/", api_name="/autoui_server")
