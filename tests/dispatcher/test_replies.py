"""Replies from a real model-like API (tests/support/media_api.py, on loopback): what the
dispatcher makes of them, how a live call shows a stream and stops it, and what
gradio_client gets from autoui's endpoint for each kind of reply.

The streaming routes record what went over the wire (chunks sent, whether the last one
was, whether the client hung up), and the gated ones wait for the test, so nothing here
depends on timing.
"""

from __future__ import annotations

import itertools
import re
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from gradio_client import Client
from support.echo import PDF_BYTES, recorder_app
from support.media_api import picture, wav_bytes
from support.servers import serve_asgi, serve_gradio

import autoui
from autoui.dispatcher import Dispatcher, Options, Reply
from autoui.dispatcher.curl import spec_secrets
from autoui.dispatcher.live import STOPPED, LiveCall
from autoui.mapper import OperationPlan, plan_api

BOUND = 20  # seconds: how long a test waits for something that must happen


@pytest.fixture(scope="module")
def plans(media_api: tuple[str, FastAPI]) -> dict[str, OperationPlan]:
    return {
        p.api_name: p for p in plan_api(autoui.load_spec(f"{media_api[0]}/openapi.json")).operations
    }


@pytest.fixture
def dispatcher(media_api: tuple[str, FastAPI]) -> Dispatcher:
    return Dispatcher(media_api[0], Options(timeout=BOUND))


def call(
    dispatcher: Dispatcher, plans: dict[str, OperationPlan], name: str, **values: Any
) -> Reply:
    return dispatcher.call(plans[name], values)


# Bytes, by their Content-Type


def test_png_wav_and_pdf(dispatcher, plans) -> None:
    reply = call(dispatcher, plans, "a_picture")
    assert (reply.kind, reply.primary, reply.primary_type) == (
        "image",
        picture((200, 30, 60)),
        "image/png",
    )
    reply = call(dispatcher, plans, "undeclared_picture")
    assert plans["undeclared_picture"].outputs[0].component == "auto"
    assert (reply.kind, reply.primary_type) == ("image", "image/png")
    reply = call(dispatcher, plans, "a_sound")
    assert (reply.kind, reply.primary) == ("audio", wav_bytes())
    reply = call(dispatcher, plans, "a_document")
    assert (reply.kind, reply.filename, reply.primary) == ("file", "summary 2024.pdf", PDF_BYTES)


def test_text_markdown_html_and_xml(dispatcher, plans) -> None:
    assert call(dispatcher, plans, "some_notes").kind == "markdown"
    page = call(dispatcher, plans, "a_page")
    assert (page.kind, page.primary.startswith("<h2>Report</h2>")) == ("html", True)
    feed = call(dispatcher, plans, "a_feed")
    assert (feed.kind, feed.primary) == (
        "textbox",
        '<?xml version="1.0"?><feed><title>t</title></feed>',
    )


# Inside JSON


def test_base64_pictures_and_sounds_in_json(dispatcher, plans) -> None:
    reply = call(dispatcher, plans, "b64_picture")
    assert (reply.kind, reply.primary) == ("image", picture((10, 20, 200)))
    reply = call(dispatcher, plans, "data_url")
    assert (reply.kind, reply.primary) == ("image", picture((250, 200, 0)))
    reply = call(dispatcher, plans, "b64_sound")
    assert (reply.kind, reply.primary) == ("audio", wav_bytes())
    reply = call(dispatcher, plans, "generations", n=3)
    assert reply.kind == "gallery"
    assert reply.primary == [picture((200, 0, 0)), picture((0, 200, 0)), picture((0, 0, 200))]


def test_an_image_url_on_the_apis_origin_is_fetched(dispatcher, plans, media_backend) -> None:
    before = len(media_backend.state.fetched)
    reply = call(dispatcher, plans, "image_url")
    assert (reply.ok, reply.kind, reply.primary) == (True, "image", picture((120, 0, 120)))
    assert media_backend.state.fetched[before:] == ["cat.png"]


def test_an_image_url_elsewhere_is_not_fetched(dispatcher, plans, media_api) -> None:
    other = recorder_app()
    with serve_asgi(other) as elsewhere:
        reply = call(dispatcher, plans, "image_url", elsewhere=f"{elsewhere}/cat.png")
        assert other.state.seen == []
        assert reply.ok and reply.kind == "table"  # the JSON as it came: url and prompt
        assert reply.notes == [
            f"not fetched: {elsewhere}/cat.png (only URLs on the API's origins are fetched; "
            "allow others with --media-origin)"
        ]
        allowed = Dispatcher(media_api[0], Options(media_origins=[elsewhere]))
        reply = allowed.call(plans["image_url"], {"elsewhere": f"{elsewhere}/cat.png"})
        assert [seen["path"] for seen in other.state.seen] == ["/cat.png"]
        assert reply.kind == "table" and "is not a picture" in reply.notes[0]


def test_tables_and_labels(dispatcher, plans) -> None:
    assert plans["detections"].outputs[0].component == "table"
    reply = call(dispatcher, plans, "detections")
    assert reply.kind == "table"
    assert reply.view == {
        "headers": ["label", "confidence", "box"],
        "data": [["cat", 0.91, "10,10,50,50"], ["dog", 0.42, "60,5,90,40"]],
    }
    reply = call(dispatcher, plans, "classify", text="great")
    assert (reply.kind, reply.view) == (
        "label",
        {"positive": 0.81, "neutral": 0.15, "negative": 0.04},
    )


# Errors


def test_a_422_names_the_form_fields(dispatcher, plans) -> None:
    reply = call(dispatcher, plans, "generate", prompt="LOUD", options_temperature=0)
    assert reply.status == 422
    assert reply.error == (
        "HTTP 422 Unprocessable Entity: prompt: Value error, the prompt must not be all "
        "capitals; options.temperature: Value error, use a small positive temperature instead of 0"
    )
    assert set(reply.field_errors) == {"prompt", "options_temperature"}


def test_problem_details(dispatcher, plans) -> None:
    reply = call(dispatcher, plans, "problem")
    assert reply.error == (
        "HTTP 403 Forbidden: You do not have enough credit. Your current balance is 30, "
        "but that costs 50."
    )


# Live calls: streams as they come, Stop, elapsed time


def test_a_stream_is_shown_before_it_ends(dispatcher, plans, media_backend) -> None:
    live = LiveCall(dispatcher, plans["stream_gated"], {})
    updates = live.updates(tick=None)
    first = next(updates)
    record = media_backend.state.streams[-1]
    assert (first.done, first.kind, first.primary) == (False, "stream", "First ")
    assert record.sent == 1 and not record.finished
    media_backend.state.gate.set()
    final = list(updates)[-1]
    assert (final.done, final.ok, final.primary) == (True, True, "First second third last.")
    assert record.finished


def test_stop_closes_the_connection(dispatcher, plans, media_backend) -> None:
    live = LiveCall(dispatcher, plans["stream_endless"], {})
    updates = live.updates(tick=None)
    assert next(updates).primary == "w0 "
    live.close()
    record = media_backend.state.streams[-1]
    assert record.disconnected.wait(BOUND), "the API never saw the client go away"
    assert not record.finished
    final = list(updates)[-1]
    assert (final.done, final.error, final.stopped) == (True, STOPPED, True)
    # What came before Stop stays readable: whole events only, never a half one.
    assert final.kind == "textbox" and re.fullmatch(r"(w\d+ )+", final.primary)


def test_ndjson_grows_piece_by_piece(dispatcher, plans) -> None:
    texts = [r.primary for r in LiveCall(dispatcher, plans["stream_ndjson"], {}).updates(None)]
    assert texts[-1] == "Hello from NDJSON"
    growing = texts[:-1]
    assert growing and all(b.startswith(a) for a, b in itertools.pairwise(growing))


def test_a_slow_reply_shows_elapsed_time_while_waiting(dispatcher, plans, media_backend) -> None:
    live = LiveCall(dispatcher, plans["wait"], {})
    updates = live.updates(tick=0.05)
    waiting = next(updates)
    assert (waiting.done, waiting.status, waiting.kind) == (False, None, "textbox")
    assert waiting.elapsed > 0
    media_backend.state.gate.set()
    final = list(updates)[-1]
    assert (final.done, final.primary) == (True, "done at last")


def test_the_request_is_kept_for_its_curl_command(media_api, plans) -> None:
    url = media_api[0]
    spec = autoui.load_spec(f"{url}/openapi.json")
    dispatcher = Dispatcher(
        url, Options(headers={"Authorization": "Bearer t0k"}), secrets=spec_secrets(spec)
    )
    reply = dispatcher.call(plans["generate"], {"prompt": "hi"})
    assert reply.request is not None
    assert (reply.request.method, reply.request.url) == ("POST", f"{url}/generate")
    assert ("Authorization", "Bearer t0k") in reply.request.headers
    assert reply.request.body == b'{"prompt": "hi"}'


# Through gradio_client


@pytest.fixture(scope="module")
def client(media_api: tuple[str, FastAPI]) -> Iterator[Client]:
    demo = autoui.build_app(f"{media_api[0]}/openapi.json", timeout=BOUND)
    with serve_gradio(demo) as url:
        yield Client(url, verbose=False)


def test_client_gets_files_for_media(client: Client) -> None:
    assert Path(client.predict(api_name="/a_picture")).read_bytes() == picture((200, 30, 60))
    sound = client.predict(api_name="/a_sound")
    with wave.open(sound) as wav:
        assert wav.getframerate() == 8000
    document = client.predict(api_name="/a_document")
    assert (Path(document).name, Path(document).read_bytes()) == ("summary 2024.pdf", PDF_BYTES)
    assert Path(client.predict(api_name="/b64_picture")).read_bytes() == picture((10, 20, 200))
    gallery = client.predict(n=2, api_name="/generations")
    assert [
        Path(item["image"] if isinstance(item, dict) else item).read_bytes() for item in gallery
    ] == [
        picture((200, 0, 0)),
        picture((0, 200, 0)),
    ]


def test_client_gets_json_for_tables_and_labels_and_text_for_text(client: Client) -> None:
    assert client.predict(api_name="/detections")[0] == {
        "label": "cat",
        "confidence": 0.91,
        "box": "10,10,50,50",
    }
    assert client.predict(text="fine", api_name="/classify") == {
        "positive": 0.81,
        "neutral": 0.15,
        "negative": 0.04,
    }
    assert client.predict(api_name="/some_notes").startswith("# Notes")


def test_client_predict_returns_a_streams_whole_text(client: Client) -> None:
    assert client.predict(count=4, api_name="/stream_words") == "Once upon a time "
    assert client.predict(api_name="/stream_ndjson") == "Hello from NDJSON"


def test_client_submit_iterates_over_the_growing_text(
    client: Client, media_backend: FastAPI
) -> None:
    job = client.submit(api_name="/stream_gated")
    seen = []
    for output in job:
        seen.append(output)
        if output == "First ":
            assert not media_backend.state.streams[-1].finished
            media_backend.state.gate.set()
    assert seen[0] == "First "
    assert seen[-1] == "First second third last."
    assert job.result() == "First second third last."


def test_client_chat_completion_plain_and_streamed(client: Client) -> None:
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]
    messages.append({"role": "user", "content": "again"})
    expected = "turn 2: you said 'again'"
    assert client.predict(messages=messages, api_name="/chat") == expected
    assert client.predict(messages=messages, stream=True, api_name="/chat") == expected


def test_client_errors_are_the_one_line_message(client: Client) -> None:
    with pytest.raises(Exception, match=r"HTTP 422 Unprocessable Entity: prompt: Value error"):
        client.predict(prompt="LOUD", api_name="/generate")
    with pytest.raises(Exception, match=r"HTTP 403 Forbidden: You do not have enough credit"):
        client.predict(api_name="/problem")


def test_the_chat_shows_the_message_before_its_request_goes(
    media_api: tuple[str, FastAPI], plans: dict[str, OperationPlan]
) -> None:
    """Drawn while the request was on its way, the message held the first token back
    (benchmarks/first_token.py); the page gets it first, then the call starts."""
    import gradio as gr

    from autoui.builder.chat import chat_view

    started: list[dict[str, Any]] = []

    def start(plan: OperationPlan, values: Any, session: str | None = None) -> LiveCall:
        started.append(dict(values))
        return LiveCall(Dispatcher(media_api[0]), plan, values, session)

    with gr.Blocks() as demo:
        chat_view(plans["chat"], start, None)
    respond = next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "respond")
    said = {"chat.history": [], "chat.text": "hello", "chat.system": "", "chat.stream": False}
    updates = respond(type("Request", (), {"session_hash": "s"})(), **said)
    first = next(updates)
    assert [m["content"] for m in next(v for v in first.values() if isinstance(v, list))] == [
        "hello",
        "",
    ]
    assert started == []  # nothing sent yet
    *_, last = updates
    assert len(started) == 1 and started[0]["messages"] == [{"role": "user", "content": "hello"}]
    assert any(isinstance(v, list) and len(v) == 2 and v[1]["content"] for v in last.values())
