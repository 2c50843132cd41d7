"""The fake model servers themselves: each accepts what its real server accepts, answers
in the shape its spec promises, and refuses what the real server refuses, with the real
message and status. Through `requests`, on loopback (tests/support/model_servers).

These are the ground the issue 15 end-to-end tests stand on: a fake that let through
what the real server refuses would let autoui pass for the wrong reasons.
"""

from __future__ import annotations

import base64
import io
import json
import wave
from typing import Any

import pytest
import requests
from openapi_schema_validator import OAS30Validator, OAS31Validator
from PIL import Image
from support.model_servers import Recorder, openai, specs, synth

Server = tuple[str, Recorder]


def fake(name: str) -> Any:
    return pytest.mark.parametrize("model_server", [name], indirect=True)


def conforms(
    document: dict[str, Any],
    path: str,
    method: str,
    status: str,
    body: Any,
    media: str = "application/json",
) -> None:
    """`body` matches the response schema the spec gives for (path, method, status)."""
    schema = document["paths"][path][method]["responses"][status]["content"][media]["schema"]
    validator = OAS31Validator if document.get("openapi", "").startswith("3.1") else OAS30Validator
    validator({**schema, "components": document.get("components", {})}).validate(body)


def sse_data(response: requests.Response) -> list[Any]:
    events = []
    for line in response.text.splitlines():
        if line.startswith("data:"):
            data = line[5:].strip()
            events.append(data if data == "[DONE]" else json.loads(data))
    return events


# --- TGI -------------------------------------------------------------------------------

TGI_REJECTS = [
    ({"top_p": 0}, "`top_p` must be > 0.0 and < 1.0"),
    ({"top_p": 1.0}, "`top_p` must be > 0.0 and < 1.0"),
    ({"typical_p": 0}, "`typical_p` must be > 0.0 and < 1.0"),
    ({"temperature": 0}, "`temperature` must be strictly positive"),
    ({"repetition_penalty": 0}, "`repetition_penalty` must be strictly positive"),
    ({"frequency_penalty": 3}, "`frequency_penalty` must be >= -2.0 and <= 2.0"),
    ({"top_k": 0}, "`top_k` must be strictly positive"),
    ({"max_new_tokens": 0}, "`max_new_tokens` must be strictly positive"),
    ({"stop": ["a", "b", "c", "d", "e"]}, "`stop` supports up to 4 stop sequences. Given: 5"),
    ({"best_of": 2}, "you must use sampling when `best_of` is > 1"),
    ({"best_of": 2, "do_sample": True, "seed": 1}, "`seed` must not be set when `best_of` > 1"),
    ({"top_n_tokens": 9}, "`top_n_tokens` must be >= 0 and <= 5. Given: 9"),
    ({"truncate": 0}, "`truncate` must be strictly positive and less than 1024. Given: 0"),
]


@fake("tgi")
def test_tgi_generates_from_the_prompt(model_server: Server) -> None:
    url, recorder = model_server
    document = requests.get(f"{url}/openapi.json").json()
    assert document["info"]["title"] == "Text Generation Inference"
    reply = requests.post(
        f"{url}/generate",
        json={"inputs": "Hello there", "parameters": {"top_p": 0.9, "details": True}},
    )
    assert reply.status_code == 200
    assert reply.json()["generated_text"] == "Echo: Hello there"
    conforms(document, "/generate", "post", "200", reply.json())
    assert recorder.last("/generate").json == {
        "inputs": "Hello there",
        "parameters": {"top_p": 0.9, "details": True},
    }
    info = requests.get(f"{url}/info").json()
    conforms(document, "/info", "get", "200", info)


@fake("tgi")
@pytest.mark.parametrize(("parameters", "message"), TGI_REJECTS)
def test_tgi_refuses_what_its_validation_refuses(
    model_server: Server, parameters: dict[str, Any], message: str
) -> None:
    url, _ = model_server
    reply = requests.post(f"{url}/generate", json={"inputs": "Hello", "parameters": parameters})
    assert reply.status_code == 422
    assert reply.json() == {
        "error": f"Input validation error: {message}",
        "error_type": "validation",
    }


@fake("tgi")
def test_tgi_streams_tokens_and_reports_errors_inside_the_stream(model_server: Server) -> None:
    url, _ = model_server
    reply = requests.post(f"{url}/generate_stream", json={"inputs": "one two"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith(
        "text/event-stream"
    )
    events = sse_data(reply)
    assert [e["token"]["text"] for e in events] == ["Echo:", " one", " two"]
    assert events[-1]["generated_text"] == "Echo: one two"
    refused = requests.post(
        f"{url}/generate_stream", json={"inputs": "x", "parameters": {"top_p": 0}}
    )
    assert refused.status_code == 200  # server.rs: the error is an event of the stream
    assert sse_data(refused) == [
        {
            "error": "Input validation error: `top_p` must be > 0.0 and < 1.0",
            "error_type": "validation",
        }
    ]


@fake("tgi")
def test_tgi_reads_bodies_as_serde_does(model_server: Server) -> None:
    url, _ = model_server
    missing = requests.post(f"{url}/generate", json={"parameters": {}})
    assert (missing.status_code, missing.headers["content-type"].split(";")[0]) == (
        422,
        "text/plain",
    )
    assert "missing field `inputs`" in missing.text
    null_flag = requests.post(
        f"{url}/generate", json={"inputs": "x", "parameters": {"details": None}}
    )
    assert (
        null_flag.status_code == 422
        and "parameters.details: invalid type: null, expected a boolean" in null_flag.text
    )
    wrong = requests.post(f"{url}/generate", json={"inputs": "x", "parameters": {"top_p": "0.5"}})
    assert (
        wrong.status_code == 422
        and 'parameters.top_p: invalid type: string "0.5", expected f32' in wrong.text
    )
    # Option fields take null, unknown fields are ignored (no deny_unknown_fields)
    assert (
        requests.post(
            f"{url}/generate",
            json={"inputs": "x", "parameters": {"top_p": None, "adapter_id": None}, "extra": 1},
        ).status_code
        == 200
    )


@fake("tgi")
def test_tgi_chat_streams_openai_chunks_and_validates_like_generate(model_server: Server) -> None:
    url, _ = model_server
    messages = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Turn 1: hi"},
        {"role": "user", "content": "again"},
    ]
    reply = requests.post(f"{url}/v1/chat/completions", json={"messages": messages, "stream": True})
    events = sse_data(reply)
    assert events[-1] == "[DONE]"
    assert "".join(e["choices"][0]["delta"]["content"] for e in events[:-1]) == "Turn 2: again"
    whole = requests.post(f"{url}/v1/chat/completions", json={"messages": messages}).json()
    assert whole["choices"][0]["message"]["content"] == "Turn 2: again"
    refused = requests.post(f"{url}/v1/chat/completions", json={"messages": messages, "top_p": 0})
    assert (
        refused.status_code == 422 and "`top_p` must be > 0.0 and < 1.0" in refused.json()["error"]
    )


# --- TEI -------------------------------------------------------------------------------


@fake("tei")
def test_tei_embeds_text_as_vectors(model_server: Server) -> None:
    url, _ = model_server
    document = requests.get(f"{url}/openapi.json").json()
    one = requests.post(f"{url}/embed", json={"inputs": "What is Deep Learning?"})
    assert one.status_code == 200
    assert one.json() == [synth.embedding("What is Deep Learning?")]
    conforms(document, "/embed", "post", "200", one.json())
    batch = requests.post(
        f"{url}/embed",
        json={"inputs": ["a", "b"], "prompt_name": "query", "truncation_direction": "Right"},
    )
    assert batch.json() == [synth.embedding("query: a"), synth.embedding("query: b")]
    ranks = requests.post(
        f"{url}/rerank",
        json={
            "query": "deep learning",
            "texts": ["cooking", "deep learning is"],
            "return_text": True,
        },
    ).json()
    assert ranks[0] == {"index": 1, "score": 1.0, "text": "deep learning is"}
    conforms(document, "/rerank", "post", "200", ranks)
    conforms(document, "/info", "get", "200", requests.get(f"{url}/info").json())


@fake("tei")
def test_tei_refuses_a_prompt_name_it_has_no_prompt_for(model_server: Server) -> None:
    url, _ = model_server
    reply = requests.post(f"{url}/embed", json={"inputs": "x", "prompt_name": "null"})
    assert reply.status_code == 422
    assert reply.json() == {
        "error": "Input validation error: `default-prompt-name` is set to `null` but it was "
        "not found in the Sentence Transformers prompts. "
        'Available prompts: ["query", "passage"]',
        "error_type": "Validation",
    }


@fake("tei")
@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"inputs": ["x"] * 33},
            422,
            {"error": "batch size 33 > maximum allowed batch size 32", "error_type": "Validation"},
        ),
        (
            {"inputs": "x", "dimensions": 0},
            422,
            {
                "error": "Input validation error: `dimensions` should be positive",
                "error_type": "Validation",
            },
        ),
    ],
)
def test_tei_refuses_bad_embed_requests(
    model_server: Server, body: dict[str, Any], status: int, message: dict[str, str]
) -> None:
    url, _ = model_server
    reply = requests.post(f"{url}/embed", json=body)
    assert (reply.status_code, reply.json()) == (status, message)


@fake("tei")
def test_tei_reads_bodies_as_serde_does(model_server: Server) -> None:
    url, _ = model_server
    shapeless = requests.post(f"{url}/embed", json={"inputs": {"text": "x"}})
    assert (
        shapeless.status_code == 422
        and "data did not match any variant of untagged enum Input" in shapeless.text
    )
    direction = requests.post(f"{url}/embed", json={"inputs": "x", "truncation_direction": "null"})
    assert direction.status_code == 422 and "unknown variant `null`" in direction.text
    assert requests.post(f"{url}/rerank", json={"query": "q"}).text.endswith(
        "missing field `texts`"
    )


# --- Ollama ----------------------------------------------------------------------------


@fake("ollama")
def test_ollama_chat_streams_ndjson_unless_told_not_to(model_server: Server) -> None:
    url, recorder = model_server
    document = requests.get(f"{url}/openapi.json").json()
    assert document["servers"] == [{"url": "/"}]
    messages = [{"role": "user", "content": "why is the sky blue?"}]
    streamed = requests.post(f"{url}/api/chat", json={"model": "llama3.2", "messages": messages})
    assert streamed.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in streamed.text.splitlines()]
    assert "".join(line["message"]["content"] for line in lines) == "Turn 1: why is the sky blue?"
    assert lines[-1]["done"] is True and lines[-1]["done_reason"] == "stop"
    whole = requests.post(
        f"{url}/api/chat", json={"model": "llama3.2", "messages": messages, "stream": False}
    )
    assert whole.json()["message"] == {
        "role": "assistant",
        "content": "Turn 1: why is the sky blue?",
    }
    conforms(document, "/api/chat", "post", "200", whole.json())
    assert recorder.last("/api/chat").json["stream"] is False


@fake("ollama")
def test_ollama_generates_embeds_and_lists_models(model_server: Server) -> None:
    url, _ = model_server
    generated = requests.post(
        f"{url}/api/generate", json={"model": "llama3.2", "prompt": "Hi you", "stream": False}
    ).json()
    assert generated["response"] == "Echo: Hi you"
    embedded = requests.post(
        f"{url}/api/embed", json={"model": "embeddinggemma", "input": ["a", "b"]}
    ).json()
    assert embedded["embeddings"] == [synth.embedding("a"), synth.embedding("b")]
    names = [m["name"] for m in requests.get(f"{url}/api/tags").json()["models"]]
    assert names == ["llama3.2:latest", "embeddinggemma:latest"]
    created = requests.post(
        f"{url}/api/create", json={"model": "mario", "from": "llama3.2", "stream": False}
    )
    assert created.json() == {"status": "success"}


@fake("ollama")
@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/api/chat", {"messages": [{"role": "user", "content": "hi"}]}, 400, "model is required"),
        ("/api/chat", {"model": "", "messages": []}, 400, "model is required"),
        ("/api/chat", {"model": "nope", "messages": []}, 404, "model 'nope' not found"),
        (
            "/api/chat",
            {"model": "llama3.2", "messages": [], "top_logprobs": 21},
            400,
            "top_logprobs must be between 0 and 20",
        ),
        ("/api/generate", {"prompt": "hi"}, 404, "model '' not found"),
        ("/api/embed", {"model": "embeddinggemma", "input": [1, 2]}, 400, "invalid input type"),
        ("/api/create", {"from": "llama3.2"}, 400, "invalid model name"),
        (
            "/api/chat",
            {"model": "llama3.2", "messages": [], "options": {"temperature": "hot"}},
            500,
            'option "temperature" must be of type float32',
        ),
    ],
)
def test_ollama_refuses_what_routes_go_refuses(
    model_server: Server, path: str, body: dict[str, Any], status: int, message: str
) -> None:
    url, _ = model_server
    reply = requests.post(f"{url}{path}", json=body)
    assert (reply.status_code, reply.json()) == (status, {"error": message})


@fake("ollama")
def test_ollama_refuses_an_empty_body(model_server: Server) -> None:
    url, _ = model_server
    reply = requests.post(f"{url}/api/chat", data=b"")
    assert (reply.status_code, reply.json()) == (400, {"error": "missing request body"})


# --- OpenAI ----------------------------------------------------------------------------


@fake("openai")
def test_openai_chat_answers_from_the_conversation(model_server: Server) -> None:
    url, recorder = model_server
    document = requests.get(f"{url}/openapi.json").json()
    assert document["servers"] == [{"url": "/v1"}]
    messages = [{"role": "system", "content": "brief"}, {"role": "user", "content": "Hello"}]
    whole = requests.post(
        f"{url}/v1/chat/completions", json={"model": "gpt-4o-mini", "messages": messages}
    )
    assert whole.status_code == 200
    assert whole.json()["choices"][0]["message"]["content"] == "Turn 1: Hello"
    streamed = requests.post(
        f"{url}/v1/chat/completions",
        json={"model": "gpt-4o-mini", "messages": messages, "stream": True},
    )
    events = sse_data(streamed)
    assert events[-1] == "[DONE]"
    assert (
        "".join(e["choices"][0]["delta"].get("content", "") for e in events[:-1]) == "Turn 1: Hello"
    )
    assert [m["id"] for m in requests.get(f"{url}/v1/models").json()["data"]][:2] == [
        "gpt-4o-mini",
        "o4-mini",
    ]
    assert recorder.last("/v1/chat/completions").json["stream"] is True


@fake("openai")
@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (
            {"messages": [{"role": "user", "content": "hi"}]},
            400,
            {"message": "you must provide a model parameter", "param": None, "code": None},
        ),
        (
            {"model": "gpt-9", "messages": [{"role": "user", "content": "hi"}]},
            404,
            {
                "message": "The model `gpt-9` does not exist or you do not have access to it.",
                "param": None,
                "code": "model_not_found",
            },
        ),
        (
            {"model": "gpt-4o-mini"},
            400,
            {
                "message": "Missing required parameter: 'messages'.",
                "param": "messages",
                "code": "missing_required_parameter",
            },
        ),
        (
            {"model": "gpt-4o-mini", "messages": [{"content": "hi"}]},
            400,
            {
                "message": "Missing required parameter: 'messages[0].role'.",
                "param": "messages[0].role",
                "code": "missing_required_parameter",
            },
        ),
        (
            {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "top_k": 3},
            400,
            {
                "message": "Unrecognized request argument supplied: top_k",
                "param": None,
                "code": None,
            },
        ),
        (
            {
                "model": "gpt-4o-mini",
                "messages": [{"role": "user", "content": "hi"}],
                "temperature": 3.0,
            },
            400,
            {
                "message": "3.0 is greater than the maximum of 2 - 'temperature'",
                "param": "temperature",
                "code": None,
            },
        ),
        (
            {
                "model": "gpt-4o-mini",
                "messages": [{"role": "user", "content": "hi"}],
                "reasoning_effort": "medium",
            },
            400,
            {
                "message": "Unrecognized request argument supplied: reasoning_effort",
                "param": None,
                "code": None,
            },
        ),
        (
            {
                "model": "gpt-4o-mini",
                "messages": [{"role": "user", "content": "hi"}],
                "parallel_tool_calls": True,
            },
            400,
            {
                "message": "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is "
                "only allowed when 'tools' are specified.",
                "param": "parallel_tool_calls",
                "code": None,
            },
        ),
        (
            {
                "model": "o4-mini",
                "messages": [{"role": "user", "content": "hi"}],
                "temperature": 0.1,
            },
            400,
            {
                "message": "Unsupported value: 'temperature' does not support 0.1 with this model. "
                "Only the default (1) value is supported.",
                "param": "temperature",
                "code": "unsupported_value",
            },
        ),
    ],
)
def test_openai_chat_refuses_what_openai_refuses(
    model_server: Server, body: dict[str, Any], status: int, error: dict[str, Any]
) -> None:
    url, _ = model_server
    reply = requests.post(f"{url}/v1/chat/completions", json=body)
    assert reply.status_code == status
    assert reply.json() == {"error": {**error, "type": "invalid_request_error"}}


@fake("openai")
def test_openai_images_are_pngs_of_the_requested_size(model_server: Server) -> None:
    url, _ = model_server
    one = requests.post(
        f"{url}/v1/images/generations",
        json={"prompt": "a red fox", "size": "256x256", "response_format": "b64_json"},
    ).json()
    assert len(one["data"]) == 1
    assert Image.open(io.BytesIO(base64.b64decode(one["data"][0]["b64_json"]))).size == (256, 256)
    several = requests.post(
        f"{url}/v1/images/generations", json={"prompt": "a fox", "n": 2, "size": "512x512"}
    ).json()
    fetched = [requests.get(item["url"]) for item in several["data"]]
    assert [Image.open(io.BytesIO(r.content)).size for r in fetched] == [(512, 512), (512, 512)]
    assert fetched[0].headers["content-type"] == "image/png"
    bad = requests.post(f"{url}/v1/images/generations", json={"prompt": "x", "size": "300x300"})
    assert (
        bad.status_code == 400
        and bad.json()["error"]["message"]
        == "Invalid value: '300x300'. Supported values are: '256x256', '512x512', and '1024x1024'."
    )
    assert (
        requests.post(f"{url}/v1/images/generations", json={"size": "256x256"}).json()["error"][
            "message"
        ]
        == "Missing required parameter: 'prompt'."
    )


@fake("openai")
def test_openai_image_edits_take_a_transparent_png(model_server: Server) -> None:
    url, recorder = model_server

    def picture(mode: str) -> bytes:
        out = io.BytesIO()
        Image.new(mode, (64, 64)).save(out, format="PNG")
        return out.getvalue()

    fields = {"prompt": "add a hat", "size": "256x256", "response_format": "b64_json"}
    edited = requests.post(
        f"{url}/v1/images/edits",
        data=fields,
        files={"image": ("cat.png", picture("RGBA"), "image/png")},
    )
    assert edited.status_code == 200
    assert Image.open(io.BytesIO(base64.b64decode(edited.json()["data"][0]["b64_json"]))).size == (
        256,
        256,
    )
    parts = recorder.last("/v1/images/edits").multipart()
    assert parts["prompt"] == b"add a hat" and parts["image"][0] == "cat.png"
    opaque = requests.post(
        f"{url}/v1/images/edits",
        data=fields,
        files={"image": ("cat.png", picture("RGB"), "image/png")},
    )
    assert (
        opaque.json()["error"]["message"]
        == "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB."
    )


@fake("openai")
def test_openai_speech_is_audio_whose_length_follows_the_text(model_server: Server) -> None:
    url, _ = model_server
    body = {"model": "tts-1", "voice": "alloy", "input": "Hello there, how are you today?"}
    mp3 = requests.post(f"{url}/v1/audio/speech", json=body)
    assert mp3.headers["content-type"] == "audio/mpeg" and mp3.content[:2] == b"\xff\xfb"
    wav = requests.post(f"{url}/v1/audio/speech", json={**body, "response_format": "wav"})
    assert wav.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(wav.content)) as audio:
        assert audio.getnframes() / audio.getframerate() == pytest.approx(
            synth.speech_seconds(body["input"]), abs=0.01
        )
    longer = requests.post(f"{url}/v1/audio/speech", json={**body, "input": body["input"] * 2})
    assert len(longer.content) > len(mp3.content)
    assert (
        requests.post(f"{url}/v1/audio/speech", json={"model": "tts-1", "input": "x"}).json()[
            "error"
        ]["message"]
        == "Missing required parameter: 'voice'."
    )


@fake("openai")
def test_openai_transcribes_an_upload_and_embeds_text(model_server: Server) -> None:
    url, _ = model_server
    heard = requests.post(
        f"{url}/v1/audio/transcriptions",
        data={"model": "whisper-1"},
        files={"file": ("hi.wav", synth.wav_tone(1.5), "audio/wav")},
    )
    assert heard.json()["text"] == "I heard 1.5 seconds of audio."
    no_model = requests.post(
        f"{url}/v1/audio/transcriptions",
        files={"file": ("hi.wav", synth.wav_tone(1.0), "audio/wav")},
    )
    assert no_model.json()["error"]["message"] == "you must provide a model parameter"
    vectors = requests.post(
        f"{url}/v1/embeddings", json={"model": "text-embedding-3-small", "input": "hello"}
    ).json()
    assert vectors["data"][0]["embedding"] == synth.embedding("hello")
    completion = requests.post(
        f"{url}/v1/completions", json={"model": "gpt-3.5-turbo-instruct", "prompt": "Say this"}
    ).json()
    assert completion["choices"][0]["text"] == "Echo: Say this"


@fake("localai")
def test_localai_speaks_the_protocol_but_ignores_fields_it_does_not_know(
    model_server: Server,
) -> None:
    url, _ = model_server
    document = requests.get(f"{url}/localai/swagger.json").json()
    assert document["swagger"] == "2.0" and document["host"] == url.removeprefix("http://")
    reply = requests.post(
        f"{url}/v1/images/generations",
        json={"prompt": "a fox", "size": "256x256", "response_format": "b64_json", "backend": "x"},
    )
    assert reply.status_code == 200
    chat = requests.post(
        f"{url}/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "hi"}], "mirostat": 2},
    )
    assert chat.json()["choices"][0]["message"]["content"] == "Turn 1: hi"


def test_the_fake_knows_the_fields_of_openai_s_chat_request() -> None:
    """The fake's list of fields OpenAI accepts is read from the spec, not written by hand."""
    specs.require_specs()
    fields = openai._known_fields("/chat/completions")
    assert {
        "model",
        "messages",
        "temperature",
        "top_p",
        "stream",
        "reasoning_effort",
        "parallel_tool_calls",
    } <= fields
    assert "top_k" not in fields


# --- Automatic1111 ---------------------------------------------------------------------


@fake("a1111")
def test_a1111_txt2img_answers_base64_pngs_of_the_requested_size(model_server: Server) -> None:
    url, _ = model_server
    document = requests.get(f"{url}/openapi.json").json()
    assert "/sdapi/v1/txt2img" in document["paths"]
    reply = requests.post(
        f"{url}/sdapi/v1/txt2img",
        json={"prompt": "a castle", "width": 64, "height": 48, "batch_size": 2},
    )
    assert reply.status_code == 200
    images = reply.json()["images"]
    assert [Image.open(io.BytesIO(base64.b64decode(i))).size for i in images] == [
        (64, 48),
        (64, 48),
    ]
    models = requests.get(f"{url}/sdapi/v1/sd-models").json()
    assert models[0]["model_name"] == "v1-5-pruned-emaonly"


@fake("a1111")
def test_a1111_refuses_like_the_webui(model_server: Server) -> None:
    url, _ = model_server
    sampler = requests.post(
        f"{url}/sdapi/v1/txt2img",
        json={"prompt": "x", "width": 64, "height": 64, "sampler_name": "nope"},
    )
    assert (sampler.status_code, sampler.json()) == (
        400,
        {
            "error": "HTTPException",
            "detail": "Sampler not found",
            "body": "",
            "errors": "400: Sampler not found",
        },
    )
    no_init = requests.post(f"{url}/sdapi/v1/img2img", json={"prompt": "x"})
    assert (no_init.status_code, no_init.json()["detail"]) == (404, "Init image not found")
    garbage = requests.post(
        f"{url}/sdapi/v1/img2img", json={"prompt": "x", "init_images": ["not an image"]}
    )
    assert (garbage.status_code, garbage.json()["detail"]) == (500, "Invalid encoded image")
    nulls = requests.post(f"{url}/sdapi/v1/txt2img", json={"prompt": "x", "width": None})
    assert nulls.status_code == 500 and nulls.json()["error"] == "TypeError"


@fake("a1111")
def test_a1111_img2img_uses_the_uploaded_pictures(model_server: Server) -> None:
    url, _ = model_server
    source = synth.b64(synth.png("source", 32, 32))
    reply = requests.post(
        f"{url}/sdapi/v1/img2img",
        json={"prompt": "x", "init_images": [source], "width": 64, "height": 64},
    )
    assert reply.status_code == 200
    assert json.loads(reply.json()["info"])["init_images"] == 1
    assert reply.json()["parameters"]["init_images"] is None  # include_init_images is off


# --- KServe V2 / MLServer --------------------------------------------------------------

IRIS = {
    "inputs": [
        {
            "name": "input-0",
            "shape": [2, 4],
            "datatype": "FP32",
            "data": [[1, 2, 3, 4], [1, 1, 1, 1]],
        }
    ]
}


@fake("kserve")
def test_v2_infers_with_tensors(model_server: Server) -> None:
    url, _ = model_server
    document = requests.get(f"{url}/v2/docs/dataplane.json").json()
    assert document["info"]["title"] == "Data Plane"
    assert requests.get(f"{url}/v2/models").json() == {"models": ["iris", "tiny-llm"]}
    reply = requests.post(f"{url}/v2/models/iris/infer", json=IRIS)
    assert reply.status_code == 200
    assert reply.json()["outputs"][0]["data"] == [1, 1]  # int(10) % 3, int(4) % 3
    # the spec's TensorData says `type: bytes`, which JSON Schema has not: checked by hand
    assert {"model_name", "outputs"} <= set(reply.json())


@fake("kserve")
def test_v2_refuses_bad_tensors_and_unknown_models(model_server: Server) -> None:
    url, _ = model_server
    unknown = requests.post(f"{url}/v2/models/nope/infer", json=IRIS)
    assert (unknown.status_code, unknown.json()) == (404, {"error": "Model nope not found"})
    bad_type = requests.post(
        f"{url}/v2/models/iris/infer", json={"inputs": [{**IRIS["inputs"][0], "datatype": "FLOAT"}]}
    )
    assert bad_type.status_code == 422 and bad_type.json()["detail"][0]["loc"] == [
        "inputs",
        0,
        "datatype",
    ]
    no_inputs = requests.post(f"{url}/v2/models/iris/infer", json={"id": "1"})
    assert no_inputs.status_code == 422
    shape = requests.post(
        f"{url}/v2/models/iris/infer", json={"inputs": [{**IRIS["inputs"][0], "shape": [3, 4]}]}
    )
    assert shape.status_code == 500


@fake("kserve")
def test_v2_streams_generated_text(model_server: Server) -> None:
    url, _ = model_server
    oip = requests.post(
        f"{url}/v2/models/tiny-llm/versions/1/generate_stream",
        json={"text_input": "tell me", "parameters": {"max_tokens": 5}},
    )
    assert [e["text_output"] for e in sse_data(oip)] == ["Echo:", " tell", " me"]
    refused = requests.post(
        f"{url}/v2/models/tiny-llm/generate", json={"text_input": "x", "parameters": {"top_p": 2}}
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "invalid value for parameter 'top_p': 2"},
    )
    tensors = {
        "inputs": [{"name": "text_input", "shape": [1], "datatype": "BYTES", "data": ["hi there"]}]
    }
    mlserver = requests.post(f"{url}/v2/models/tiny-llm/generate_stream", json=tensors)
    assert [e["outputs"][0]["data"][0] for e in sse_data(mlserver)] == ["Echo:", " hi", " there"]
    assert (
        requests.get(f"{url}/oip/generate_rest.json").json()["info"]["title"]
        == "Open Inference API for text generation"
    )


# --- TorchServe ------------------------------------------------------------------------


@fake("torchserve")
def test_torchserve_classifies_an_uploaded_picture(model_server: Server) -> None:
    url, recorder = model_server
    assert requests.get(f"{url}/openapi.json").json()["info"]["title"] == "TorchServe APIs"
    picture = io.BytesIO()
    Image.new("RGB", (16, 16), (250, 10, 10)).save(picture, format="PNG")
    reply = requests.post(f"{url}/predictions/resnet-18", data=picture.getvalue())
    assert reply.status_code == 200
    assert next(iter(reply.json())) == "red"
    assert recorder.last("/predictions/resnet-18").body == picture.getvalue()
    assert requests.get(f"{url}/models").json() == {
        "models": [{"modelName": "resnet-18", "modelUrl": "resnet-18.mar"}]
    }


@fake("torchserve")
def test_torchserve_refuses_like_its_frontend(model_server: Server) -> None:
    url, _ = model_server
    unknown = requests.post(f"{url}/predictions/nope", data=b"x")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"code": 404, "type": "ModelNotFoundException", "message": "Model not found: nope"},
    )
    garbage = requests.post(f"{url}/predictions/resnet-18", data=b"not a picture")
    assert (garbage.status_code, garbage.json()) == (
        503,
        {"code": 503, "type": "InternalServerException", "message": "Prediction failed"},
    )
