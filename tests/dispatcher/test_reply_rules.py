"""The decoding rules on their own: how a stream's bytes become text, which JSON values
are pictures, tables or scores, what a reply of each media type is shown as, how an
error names the form's field, what the curl command says, and what HTML and Markdown
may keep. (The same rules against real servers: tests/dispatcher/test_replies.py.)"""

from __future__ import annotations

import base64
import itertools
import json
import shlex
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.echo import PDF_BYTES, png_bytes
from support.media_api import wav_bytes

import autoui
from autoui.builder.messages import markdown
from autoui.builder.present import safe_html, safe_markdown
from autoui.dispatcher.curl import Part, Secrets, SentRequest, curl_command, spec_secrets
from autoui.dispatcher.media import decode_base64, media_in_json, media_in_string, sniff
from autoui.dispatcher.reply import decode
from autoui.dispatcher.streams import EventReader, TextStream
from autoui.mapper import plan_api
from autoui.mapper.output_kinds.image_urls import declared_image_urls
from autoui.mapper.output_kinds.label import label_scores
from autoui.mapper.output_kinds.table import table_rows
from autoui.mapper.plan import Output
from autoui.mapper.reply_data import Reply

# Streams


def _text(chunks: list[bytes], media_type: str) -> str:
    reader, stream = EventReader(media_type), TextStream()
    for chunk in chunks:
        for event in reader.feed(chunk):
            stream.add(event)
    for event in reader.close():
        stream.add(event)
    return stream.text


OPENAI_SSE = (
    'data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\r\n\r\n'
    'data: {"choices":[{"delta":{"content":"Grüß"}}]}\r\n\r\n'
    ": keep-alive comment\r\n\r\n"
    'data: {"choices":[{"delta":{"content":" dich ☃"}}]}\r\n\r\n'
    'data: {"choices":[]}\r\n\r\n'
    "data: [DONE]\r\n\r\n"
).encode()


@given(cuts=st.lists(st.integers(min_value=0, max_value=len(OPENAI_SSE)), max_size=12))
def test_a_stream_cut_anywhere_gives_the_same_text(cuts: list[int]) -> None:
    """Chunks may end inside a UTF-8 character or between CR and LF."""
    bounds = [0, *sorted(cuts), len(OPENAI_SSE)]
    chunks = [OPENAI_SSE[a:b] for a, b in itertools.pairwise(bounds)]
    assert _text(chunks, "text/event-stream") == "Grüß dich ☃"


def test_sse_accepts_cr_alone_as_a_line_end() -> None:
    chunks = [b'data: {"response": "a"}\r', b'\rdata: {"response": "b"}\r\r']
    assert _text(chunks, "text/event-stream") == "ab"


def test_sse_multi_line_data_of_unknown_shape_is_shown_as_it_came() -> None:
    body = b"event: note\ndata: first line\ndata: second line\n\ndata: more\n\n"
    assert _text([body], "text/event-stream") == "first line\nsecond line\nmore"


def test_ndjson_of_ollama_tgi_and_json_seq() -> None:
    ollama = b'{"response":"Hel","done":false}\n{"response":"lo","done":false}\n{"done":true}'
    assert _text([ollama], "application/x-ndjson") == "Hello"
    tgi = b'{"token":{"text":"to"}}\n\n{"token":{"text":"ken"}}\n'
    assert _text([tgi], "application/jsonl") == "token"
    seq = b'\x1e{"message":{"content":"a"}}\n\x1e{"message":{"content":"b"}}\n'
    assert _text([seq], "application/json-seq") == "ab"


@pytest.mark.parametrize(
    ("body", "media_type", "text"),
    [
        pytest.param(
            b'data: {"response": "Hel"}\n\ndata: {"response": "lo wor',
            "text/event-stream",
            "Hel",
            id="sse-half-event",
        ),
        pytest.param(
            b'data: {"response": "Hel"}\n\ndata: {"response": "lo"}',
            "text/event-stream",
            "Hello",
            id="sse-whole-last-line",
        ),
        pytest.param(
            b'{"response": "Hel"}\n{"response": "lo wor', "application/x-ndjson", "Hel", id="ndjson"
        ),
    ],
)
def test_a_cut_stream_shows_no_half_event(body: bytes, media_type: str, text: str) -> None:
    """A stream that ends inside an event (a broken connection) shows the events that
    came whole; the half one is neither shown raw nor decoded."""
    assert _text([body], media_type) == text


def test_open_inference_protocol_text_output_is_the_growing_text() -> None:
    # generate_rest.yaml's GenerateStreamResponse: one `text_output` piece per event.
    events = [
        {"model_name": "m", "model_version": "1", "text_output": piece}
        for piece in ("Echo:", " tell", " me")
    ]
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events).encode()
    assert _text([body[:30], body[30:]], "text/event-stream") == "Echo: tell me"


def test_done_marks_the_end_of_an_openai_stream() -> None:
    stream = TextStream()
    for event in EventReader("text/event-stream").feed(b"data: [DONE]\n\n"):
        stream.add(event)
    assert stream.done


# Media inside JSON


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (png_bytes(), "image/png"),
        (wav_bytes(), "audio/wav"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 60, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 60, "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 60, "image/webp"),
        (b"OggS" + b"\x00" * 60, "audio/ogg"),
        (b"ID3\x04" + b"\x00" * 60, "audio/mpeg"),
        (b"\x00\x00\x00\x20ftypisom" + b"\x00" * 60, "video/mp4"),
        (b"Hello, this is plain text and not a picture at all." * 2, None),
        (b"RIFF\x00\x00\x00\x00AVI LIST" + b"\x00" * 60, None),
    ],
)
def test_sniffing_by_magic_numbers(content: bytes, media_type: str | None) -> None:
    assert sniff(content) == media_type
    found = media_in_string(_b64(content))
    assert (found.media_type if found else None) == media_type


def test_base64_in_either_alphabet_and_data_urls() -> None:
    content = png_bytes((7, 7))
    urlsafe = base64.urlsafe_b64encode(content).decode().rstrip("=")
    assert decode_base64(urlsafe) == content
    assert decode_base64("data:image/png;base64," + _b64(content)) == content
    assert decode_base64("not base64 at all!") is None
    found = media_in_string("data:image/png;base64," + _b64(content))
    assert found is not None and (found.kind, found.content) == ("image", content)


def test_a_declared_picture_is_taken_even_when_its_bytes_are_unknown() -> None:
    odd = _b64(b"\x00\x01 some raw pixels" * 4)
    assert media_in_string(odd) is None
    found = media_in_string(odd, declared="image")
    assert found is not None and found.media_type == "image/*"


def test_short_or_textual_strings_are_not_media() -> None:
    assert media_in_string("aGVsbG8=") is None  # "hello"
    assert media_in_string("The quick brown fox " * 10) is None


def test_media_found_by_field_name_in_openai_and_stable_diffusion_shapes() -> None:
    red, blue = png_bytes(color=(255, 0, 0)), png_bytes(color=(0, 0, 255))
    openai = {"created": 1, "data": [{"b64_json": _b64(red)}, {"b64_json": _b64(blue)}]}
    assert [m.content for m in media_in_json(openai)] == [red, blue]
    sd = {"images": [_b64(red)], "info": '{"seed": 3}', "parameters": {}}
    assert [m.content for m in media_in_json(sd)] == [red]
    # A base64 picture under a name that says nothing is not looked for inside JSON.
    assert media_in_json({"result": {"blob": _b64(red)}}) == []


def _declared(schema: dict[str, Any] | None, data: Any) -> list[str]:
    """The picture URLs in `data` that a GET's 200 response `schema` declares."""
    content = {"application/json": {"schema": schema}} if schema is not None else {}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": content}}}}},
        "components": {"schemas": {"Image": IMAGE_SCHEMA}},
    }
    api = autoui.load_spec(document)
    return declared_image_urls(api.schemas, api.operations[0], data, limit=8)


# OpenAI's `Image` (openai/openai-openapi, openapi.yaml: components.schemas.Image).
IMAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "b64_json": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "revised_prompt": {"type": "string"},
    },
}
URL = "https://api.example/img/1.png"


@pytest.mark.parametrize(
    ("schema", "data"),
    [
        (  # OpenAI's /images/generations: `url` beside the bytes' `b64_json`
            {
                "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Image"}}
                }
            },
            {"created": 1, "data": [{"url": URL, "revised_prompt": "a cat"}]},
        ),
        (  # a `url` inside a property that names pictures
            {"properties": {"images": {"items": {"properties": {"url": {"type": "string"}}}}}},
            {"images": [{"url": URL}]},
        ),
        (  # a property named for a picture's URL
            {"properties": {"thumbnailUrl": {"type": "string", "format": "uri"}}},
            {"thumbnailUrl": URL},
        ),
        ({"properties": {"images": {"items": {"type": "string"}}}}, {"images": [URL]}),
        (  # a URL whose content is declared a picture
            {"properties": {"link": {"type": "string", "contentMediaType": "image/png"}}},
            {"link": URL},
        ),
    ],
)
def test_a_url_the_schema_declares_a_picture_is_fetched(schema: dict[str, Any], data: Any) -> None:
    assert _declared(schema, data) == [URL]


@pytest.mark.parametrize(
    ("schema", "data"),
    [
        (None, {"data": [{"url": URL}]}),  # no schema: nothing is declared
        ({"type": "object"}, {"image_url": URL}),  # FastAPI's `dict`: no properties
        (  # httpbin's /get: `url` is the request's own URL
            {"properties": {"url": {"type": "string"}, "args": {"type": "object"}}},
            {"url": URL, "args": {}},
        ),
        ({"properties": {"next_url": {"type": "string", "format": "uri"}}}, {"next_url": URL}),
        (  # a picture-named field that is a number, or a URL of another kind
            {"properties": {"image": {"type": "integer"}, "url": {"format": "uri"}}},
            {"image": 3, "url": URL},
        ),
        (  # bytes declared: the string is the picture, not its address
            {"properties": {"png": {"contentMediaType": "image/png", "contentEncoding": "base64"}}},
            {"png": URL},
        ),
    ],
)
def test_a_url_the_schema_does_not_declare_a_picture_is_not(schema: Any, data: Any) -> None:
    assert _declared(schema, data) == []


# Tables and labels


def test_tables_are_lists_of_flat_objects() -> None:
    rows = [{"label": "cat", "box": "1,2"}, {"label": "dog", "extra": None}]
    assert table_rows(rows) == rows
    assert table_rows({"word": "the", "followers": rows}, echoes={"word"}) == rows
    assert table_rows([{"nested": {"a": 1}}]) is None
    assert table_rows([]) is None
    assert table_rows([1, 2, 3]) is None
    assert table_rows({"a": rows, "b": rows}) is None


def test_labels_are_scores_by_label() -> None:
    assert label_scores({"cat": 0.9, "dog": 0.1}) == {"cat": 0.9, "dog": 0.1}
    hugging_face = [[{"label": "POSITIVE", "score": 0.98}, {"label": "NEGATIVE", "score": 0.02}]]
    assert label_scores(hugging_face) == {"POSITIVE": 0.98, "NEGATIVE": 0.02}
    assert label_scores({"width": 640, "height": 480}) is None  # not scores
    assert label_scores({"only": 0.5}) is None
    assert label_scores({"ok": True, "no": False}) is None


# What a reply of each media type is shown as


def _reply(media_type: str, content: bytes, **headers: str) -> Reply:
    reply = Reply("GET", "http://api/x", status=200, reason="OK")
    reply.headers = {"Content-Type": media_type, **headers}
    reply.content = content
    return decode(reply, Output("auto"))


@pytest.mark.parametrize(
    ("media_type", "content", "kind"),
    [
        ("image/png", png_bytes(), "image"),
        ("audio/wav", wav_bytes(), "audio"),
        ("video/mp4", b"\x00\x00\x00\x20ftypisom", "video"),
        ("application/pdf", PDF_BYTES, "file"),
        ("application/zip", b"PK\x03\x04", "file"),
        ("application/octet-stream", b"\x00\x01", "file"),
        ("text/plain; charset=utf-8", "héllo".encode(), "textbox"),
        ("text/markdown", b"# Title", "markdown"),
        ("text/html", b"<p>hi</p>", "html"),
        ("application/xml", b"<a/>", "textbox"),
        ("application/atom+xml", b"<feed/>", "textbox"),
        ("text/event-stream", b'data: {"response": "hi"}\n\n', "textbox"),
        ("application/x-ndjson", b'{"response": "hi"}\n', "textbox"),
    ],
)
def test_the_kind_of_a_reply_follows_its_content_type(
    media_type: str, content: bytes, kind: str
) -> None:
    reply = _reply(media_type, content)
    assert (reply.ok, reply.kind) == (True, kind)


def test_a_download_is_named_by_content_disposition_and_typed() -> None:
    reply = _reply(
        "application/pdf", PDF_BYTES, **{"Content-Disposition": 'attachment; filename="a/b.pdf"'}
    )
    assert (reply.filename, reply.primary, reply.primary_type) == (
        "a_b.pdf",
        PDF_BYTES,
        "application/pdf",
    )


def test_an_unknown_charset_is_read_as_utf8() -> None:
    reply = _reply("text/plain; charset=klingon", "ok ☃".encode())
    assert reply.primary == "ok ☃"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"image": _b64(png_bytes()), "seed": 1}, "image"),
        ({"result": "data:image/png;base64," + _b64(png_bytes())}, "image"),
        ({"audio": _b64(wav_bytes()), "duration": 0.2}, "audio"),
        ({"data": [{"b64_json": _b64(png_bytes())}] * 2}, "gallery"),
        ([{"label": "cat", "confidence": 0.9}], "table"),
        ({"positive": 0.7, "negative": 0.3}, "label"),
        ({"response": "text", "tokens": 3}, "textbox"),
        (
            {"choices": [{"message": {"content": "the answer"}}], "system_fingerprint": "fp"},
            "textbox",
        ),
        ({"a": {"b": 1}, "c": [1, 2]}, "json"),
    ],
)
def test_json_replies_are_shown_as_what_they_hold(body: Any, kind: str) -> None:
    reply = _reply("application/json", json.dumps(body).encode())
    assert (reply.ok, reply.kind) == (True, kind)


def test_an_openai_answer_wins_over_a_schema_guess() -> None:
    """OpenAI's schema makes `system_fingerprint` the only string field; the answer is
    `choices[0].message.content` all the same."""
    reply = Reply("POST", "http://api/x", status=200, reason="OK")
    reply.headers = {"Content-Type": "application/json"}
    body = {"choices": [{"message": {"content": "hello"}}], "system_fingerprint": "fp_1"}
    reply.content = json.dumps(body).encode()
    decode(reply, Output("textbox", field="system_fingerprint", media_type="application/json"))
    assert reply.primary == "hello"


def test_a_field_chosen_in_a_config_file_wins_over_the_openai_answer() -> None:
    reply = Reply("POST", "http://api/x", status=200, reason="OK")
    reply.headers = {"Content-Type": "application/json"}
    body = {"choices": [{"message": {"content": "hello"}}], "system_fingerprint": "fp_1"}
    reply.content = json.dumps(body).encode()
    chosen = Output("textbox", field="system_fingerprint", rule="config: autoui.yaml:3")
    assert decode(reply, chosen).primary == "fp_1"


def test_media_that_a_gallery_cannot_show_is_named_in_a_note() -> None:
    body = {"audio": [_b64(wav_bytes()), _b64(wav_bytes())]}
    reply = _reply("application/json", json.dumps(body).encode())
    assert (reply.kind, reply.primary, reply.notes) == (
        "audio",
        wav_bytes(),
        ["1 more media item(s) in the raw reply"],
    )


# Errors named as the form names its fields

ERROR_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items/{item_id}": {
            "post": {
                "operationId": "make",
                "parameters": [
                    {
                        "name": "item_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["prompt"],
                                "properties": {
                                    "prompt": {"type": "string"},
                                    "options": {
                                        "type": "object",
                                        "properties": {"temperature": {"type": "number"}},
                                    },
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                },
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "OK"}},
            }
        }
    },
}


def _error(status: int, body: Any, media_type: str = "application/json") -> Reply:
    plan = plan_api(autoui.load_spec(ERROR_SPEC)).operations[0]
    reply = Reply("POST", "http://api/items/1", status=status, reason="Unprocessable Entity")
    reply.headers = {"Content-Type": media_type}
    reply.content = json.dumps(body).encode()
    return decode(reply, plan.outputs[0], plan.fields)


def test_fastapi_validation_errors_name_the_form_labels() -> None:
    reply = _error(
        422,
        {
            "detail": [
                {"loc": ["body", "prompt"], "msg": "Field required", "type": "missing"},
                {"loc": ["body", "options", "temperature"], "msg": "must be > 0"},
                {"loc": ["path", "item_id"], "msg": "not an integer"},
                {"loc": ["header", "x-trace"], "msg": "too long"},
                {"loc": ["body", "tags", 2], "msg": "too short"},
                {"loc": ["body", "unknown"], "msg": "extra field"},
            ]
        },
    )
    assert reply.error == (
        "HTTP 422 Unprocessable Entity: prompt: Field required; options.temperature: must be > 0; "
        "item_id (path): not an integer; X-Trace (header): too long; tags.2: too short; "
        "unknown: extra field"
    )
    assert reply.field_errors == {
        "prompt": "Field required",
        "options_temperature": "must be > 0",
        "item_id": "not an integer",
        "x_trace": "too long",
        "tags": "too short",
    }


def test_rfc7807_problem_details() -> None:
    body = {
        "type": "about:blank",
        "title": "Your request parameters didn't validate.",
        "invalid-params": [{"name": "prompt", "reason": "must not be empty"}],
    }
    reply = _error(400, body, "application/problem+json")
    assert reply.error == (
        "HTTP 400 Unprocessable Entity: Your request parameters didn't validate.; "
        "prompt: must not be empty"
    )
    assert reply.field_errors == {"prompt": "must not be empty"}
    reply = _error(403, {"title": "Out of credit", "detail": "Balance is 30."})
    assert reply.error == "HTTP 403 Unprocessable Entity: Out of credit: Balance is 30."


# The curl command


def _sent(**changes: Any) -> SentRequest:
    base: dict[str, Any] = {
        "method": "POST",
        "url": "https://api.example/v1/chat?api_key=k3y&q=a%20b",
        "headers": [
            ("User-Agent", "python-requests/2.34.2"),
            ("Authorization", "Bearer t0ken"),
            ("X-API-Key", "s3cret"),
            ("X-Team", "blue"),
            ("Content-Type", "application/json"),
            ("Content-Length", "99"),
        ],
        "body": json.dumps({"prompt": "it's", "login": {"password": "hunter2"}}).encode(),
        "secrets": Secrets(
            headers=frozenset({"authorization", "x-api-key"}),
            query=frozenset({"api_key"}),
            body=frozenset({("login", "password")}),
        ),
    }
    return SentRequest(**{**base, **changes})


def test_curl_redacts_credentials_unless_revealed() -> None:
    command = curl_command(_sent())
    words = shlex.split(command.replace("\\\n", " "))
    assert words[:4] == [
        "curl",
        "-X",
        "POST",
        "https://api.example/v1/chat?api_key=<redacted>&q=a%20b",
    ]
    assert words[4:6] == ["-H", "Authorization: <redacted>"]
    assert "X-API-Key: <redacted>" in words and "X-Team: blue" in words
    assert not any(w.startswith(("User-Agent", "Content-Length")) for w in words)
    body = json.loads(words[words.index("--data-raw") + 1])
    assert body == {"prompt": "it's", "login": {"password": "<redacted>"}}
    for secret in ("t0ken", "s3cret", "k3y", "hunter2"):
        assert secret not in command
    revealed = curl_command(_sent(), reveal=True)
    for secret in ("Bearer t0ken", "s3cret", "api_key=k3y", "hunter2"):
        assert secret in revealed


def test_reveal_shows_what_the_user_typed_and_never_a_startup_credential() -> None:
    """`withheld` holds the operator's values (`--auth`, `--header`): here the API key."""
    sent = _sent(withheld=("s3cret",))
    revealed = curl_command(sent, reveal=True)
    assert "Authorization: Bearer t0ken" in revealed and "hunter2" in revealed
    assert "X-API-Key: <redacted>" in revealed and "s3cret" not in revealed


def test_a_masked_path_value_is_redacted_where_the_template_puts_it() -> None:
    masked = Secrets(path=frozenset({"passwd"}))
    url = "https://api.example/v1/basic-auth/ada/ada%2Fpw?x=ada"
    sent = _sent(url=url, secrets=masked, template="/basic-auth/{user}/{passwd}")
    assert sent.shown_url() == "https://api.example/v1/basic-auth/ada/<redacted>?x=ada"
    assert sent.shown_url(reveal=True) == url
    # A template the URL does not end with (a redirect's) leaves the URL as it is.
    assert _sent(url=url, secrets=masked, template="/other/{passwd}").shown_url() == url


def test_curl_for_multipart_and_file_bodies() -> None:
    parts = [
        Part("title", value="Über 'quoted'"),
        Part("meta", value='{"a": "x;y"}', media_type="application/json"),
        Part("file", filename='my "cat".png', media_type="image/png"),
    ]
    command = curl_command(_sent(parts=parts, body=b"--boundary..."))
    words = shlex.split(command.replace("\\\n", " "))
    assert "Content-Type: application/json" not in words  # curl sets the boundary itself
    assert words[-6:] == [
        "--form-string",
        "title=Über 'quoted'",
        "-F",
        'meta="{\\"a\\": \\"x;y\\"}";type=application/json',
        "-F",
        'file=@"my \\"cat\\".png";type=image/png',
    ]
    assert curl_command(_sent(body=b"\x89PNG", body_file="cat.png")).endswith(
        "--data-binary @cat.png"
    )


def test_secrets_named_by_the_spec() -> None:
    api = autoui.load_spec(
        {
            **ERROR_SPEC,
            "components": {
                "securitySchemes": {
                    "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                    "q": {"type": "apiKey", "in": "query", "name": "token"},
                    "bearer": {"type": "http", "scheme": "bearer"},
                }
            },
        }
    )
    secrets = spec_secrets(api, headers=["X-Org"])
    assert secrets.headers == {"authorization", "proxy-authorization", "cookie", "x-key", "x-org"}
    assert secrets.query == {"token"}


# What HTML and Markdown may keep


def test_html_keeps_formatting_and_drops_what_runs_or_loads() -> None:
    page = (
        '<h2 onclick="x()">Report</h2><p>All <b>good</b>.</p><script>alert(1)</script>'
        '<img src="http://10.0.0.1/a.png" onerror="x()"><a href="javascript:alert(1)">j</a>'
        '<a href="https://example.com">ok</a><style>p{}</style><iframe src="/x"></iframe>'
    )
    assert safe_html(page) == (
        "<h2>Report</h2><p>All <b>good</b>.</p>"
        '<a rel="noopener noreferrer">j</a>'
        '<a href="https://example.com" rel="noopener noreferrer">ok</a>'
    )


def test_markdown_images_become_links() -> None:
    text = '# T\n\n![tracker](http://127.0.0.1:9/p.png) and <img src="http://10.1.1.1/x">'
    safe = safe_markdown(text)
    assert "![" not in safe and "<img" not in safe.lower()
    assert "[tracker](http://127.0.0.1:9/p.png)" in safe


# Messages in status lines


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        pytest.param(
            "cannot reach the API at http://127.0.0.1:7998: connection refused. Is it running?",
            r"cannot reach the API at <http://127.0.0.1:7998>: connection refused\. Is it running?",
            id="url-then-colon",
        ),
        pytest.param(
            "no answer from https://x.org/a_b?c=1&d=2 within 2 s (raise it with --timeout)",
            r"no answer from <https://x.org/a_b?c=1&d=2> within 2 s \(raise it with `--timeout`\)",
            id="url-and-option",
        ),
        pytest.param(
            "HTTP 422: *name* <b>must</b> be `snake_case`, e.g. a_b",
            r"HTTP 422: \*name\* \<b\>must\</b\> be `snake_case`, e\.g\. a\_b",
            id="markup-escaped-code-kept",
        ),
    ],
)
def test_a_message_shows_as_written_with_links_and_code(message: str, shown: str) -> None:
    assert markdown(message) == shown
