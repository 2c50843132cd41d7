"""Model servers' outputs and media inputs, rule by rule (issue 15): which reply schemas
are pictures, vectors, tensors or sounds, how a reply of each is read, which request
fields are picture or sound uploads, and, as much, what must NOT become one. (The same
rules against the fake model servers, in Chromium: tests/browser/test_model_servers_e2e.py.)"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import pytest
from support.echo import png_bytes
from support.media_api import wav_bytes

from autoui import load_spec
from autoui.dispatcher.reply import decode
from autoui.dispatcher.values import file_path
from autoui.mapper import OperationPlan, plan_api
from autoui.mapper.plan import Output
from autoui.mapper.reply_data import Reply

# --- helpers --------------------------------------------------------------------------


def _document(operation: Mapping[str, Any], path: str = "/run") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "servers": [{"url": "http://api"}],
        "paths": {path: {"post": dict(operation)}},
    }


def _plan(operation: Mapping[str, Any], path: str = "/run") -> OperationPlan:
    (plan,) = plan_api(load_spec(_document(operation, path), validate=False)).operations
    return plan


def _replying(schema: Mapping[str, Any], media_type: str = "application/json") -> dict[str, Any]:
    return {
        "responses": {"200": {"description": "ok", "content": {media_type: {"schema": schema}}}}
    }


def _output(schema: Mapping[str, Any], path: str = "/run", **operation: Any) -> Output:
    return _plan({**_replying(schema), **operation}, path).outputs[0]


def _decoded(body: Any, output: Output, media_type: str = "application/json") -> Reply:
    reply = Reply("POST", "http://api/run", status=200, reason="OK")
    reply.headers = {"Content-Type": media_type}
    reply.content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return decode(reply, output)


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


NUMBERS = {"type": "array", "items": {"type": "number"}}
STRINGS = {"type": "array", "items": {"type": "string"}}

# --- pictures -------------------------------------------------------------------------

OPENAI_IMAGES = {
    "type": "object",
    "properties": {
        "created": {"type": "integer"},
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "b64_json": {"type": "string"},
                    "url": {"type": "string"},
                    "revised_prompt": {"type": "string"},
                },
            },
        },
    },
}
A1111_IMAGES = {
    "type": "object",
    "properties": {
        "images": {**STRINGS, "description": "The generated image in base64 format."},
        "parameters": {"type": "object"},
        "info": {"type": "string"},
    },
}


@pytest.mark.parametrize("schema", [OPENAI_IMAGES, A1111_IMAGES])
def test_a_reply_that_declares_pictures_is_planned_as_pictures(schema: dict[str, Any]) -> None:
    assert _output(schema).component == "gallery"


@pytest.mark.parametrize(
    "schema",
    [
        # a profile picture's URL, deep inside a user
        {
            "type": "object",
            "properties": {
                "user": {"type": "object", "properties": {"picture": {"type": "string"}}}
            },
        },
        # Ollama's chat: `message.images` are the message's, the answer is its content
        {
            "type": "object",
            "properties": {
                "message": {
                    "type": "object",
                    "properties": {"content": {"type": "string"}, "images": STRINGS},
                }
            },
        },
        # picture names without base64 said anywhere: ids or URLs, not bytes
        {"type": "object", "properties": {"image": {"type": "string"}, "n": {"type": "integer"}}},
        {
            "type": "object",
            "properties": {
                "images": {"type": "array", "items": {"type": "string", "format": "uri"}}
            },
        },
        {"type": "object", "properties": {"image": {"type": "string", "enum": ["a", "b"]}}},
    ],
)
def test_what_is_not_a_reply_of_pictures(schema: dict[str, Any]) -> None:
    assert _output(schema).component != "gallery"


def test_one_generated_picture_is_one_image_and_several_a_gallery() -> None:
    planned = _output(OPENAI_IMAGES)
    one = _decoded({"created": 1, "data": [{"b64_json": _b64(png_bytes())}]}, planned)
    assert (one.kind, one.primary) == ("image", png_bytes())
    two = _decoded({"created": 1, "data": [{"b64_json": _b64(png_bytes())}] * 2}, planned)
    assert (two.kind, two.primary) == ("gallery", [png_bytes(), png_bytes()])
    a1111 = _decoded({"images": [_b64(png_bytes())], "info": "{}"}, _output(A1111_IMAGES))
    assert (a1111.kind, a1111.primary) == ("image", png_bytes())


# --- vectors --------------------------------------------------------------------------

OPENAI_EMBEDDINGS = {
    "type": "object",
    "properties": {
        "object": {"type": "string"},
        "model": {"type": "string"},
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"index": {"type": "integer"}, "embedding": NUMBERS},
            },
        },
    },
}
OLLAMA_EMBED = {
    "type": "object",
    "properties": {"model": {"type": "string"}, "embeddings": {"type": "array", "items": NUMBERS}},
}
TEI_EMBED = {"title": "EmbedResponse", "type": "array", "items": NUMBERS}


@pytest.mark.parametrize(
    ("schema", "path"),
    [(OPENAI_EMBEDDINGS, "/v1/embeddings"), (OLLAMA_EMBED, "/api/embed"), (TEI_EMBED, "/embed")],
)
def test_embeddings_are_planned_as_a_vector(schema: dict[str, Any], path: str) -> None:
    assert _output(schema, path).component == "vector"


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ({"type": "array", "items": NUMBERS}, "/matrix"),  # numbers, but nothing says embed
        ({"type": "object", "properties": {"scores": NUMBERS}}, "/rerank"),
        ({"type": "object", "properties": {"embedding": {"type": "string"}}}, "/embed"),  # base64
        ({"type": "object", "properties": {"shape": NUMBERS, "data": NUMBERS}}, "/infer"),
    ],
)
def test_what_is_not_a_vector(schema: dict[str, Any], path: str) -> None:
    assert _output(schema, path).component != "vector"


def test_one_vector_is_its_numbers_with_its_dimension() -> None:
    vector = [0.12345678, -0.5, 3e-05, 1.0]
    reply = _decoded(
        {"object": "list", "data": [{"index": 0, "embedding": vector}], "model": "m"},
        _output(OPENAI_EMBEDDINGS),
    )
    assert (reply.kind, reply.primary) == ("vector", vector)
    assert json.loads(reply.view) == vector  # every digit, as JSON to copy
    assert reply.label == "Vector · 4 dimensions"


def test_several_vectors_are_a_table_of_one_row_per_input() -> None:
    reply = _decoded([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], _output(TEI_EMBED, "/embed"))
    assert reply.kind == "table"
    assert reply.view["headers"] == ["input", "dimensions", "vector"]
    assert [row[:2] for row in reply.view["data"]] == [[0, 3], [1, 3]]
    assert json.loads(reply.view["data"][1][2]) == [0.4, 0.5, 0.6]


@pytest.mark.parametrize(
    "body",
    [
        [[1, 2], [3, 4]],  # a bare list of lists: only where the plan says embeddings
        {"scores": [0.1, 0.9]},
        {"embedding": "AAAAPwAAgD8="},  # encoding_format=base64
        {"embedding": [True, False]},
        {"embedding": [0.5]},  # one number is a score, not a vector
        {"data": [{"embedding": [0.1, 0.2]}, {"id": 3}]},
    ],
)
def test_what_is_not_read_as_vectors(body: Any) -> None:
    assert _decoded(body, Output("auto")).kind not in ("vector",)
    assert _decoded(body, Output("auto")).label == ""


def test_an_unplanned_reply_of_a_well_known_shape_is_a_vector() -> None:
    """FastAPI's `dict` replies declare nothing: Ollama's `embedding` is found by name."""
    reply = _decoded({"embedding": [0.1, 0.2, 0.3]}, Output("auto"))
    assert (reply.kind, reply.primary) == ("vector", [0.1, 0.2, 0.3])


# --- tensors --------------------------------------------------------------------------

TENSOR = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "shape": {"type": "array", "items": {"type": "integer"}},
        "datatype": {"type": "string"},
        "data": {},
    },
}
V2_RESPONSE = {
    "type": "object",
    "properties": {
        "model_name": {"type": "string"},
        "model_version": {"type": "string"},
        "outputs": {"type": "array", "items": TENSOR},
    },
}


def test_an_inference_reply_shows_its_output_tensors_not_the_model_version() -> None:
    planned = _output(V2_RESPONSE, "/v2/models/{model_name}/infer")
    assert planned.component == "table"
    reply = _decoded(
        {
            "model_name": "iris",
            "model_version": "1",
            "outputs": [{"name": "predict", "shape": [2, 1], "datatype": "INT64", "data": [1, 1]}],
        },
        planned,
    )
    assert reply.kind == "table"
    assert reply.view == {
        "headers": ["name", "shape", "datatype", "data"],
        "data": [["predict", "[2, 1]", "INT64", "[1, 1]"]],
    }
    assert reply.primary[0]["name"] == "predict"  # what a client gets: the tensors


@pytest.mark.parametrize(
    "body",
    [
        {"outputs": [{"name": "a", "data": [1]}]},  # no shape nor datatype: not a tensor
        {"outputs": ["a", "b"]},
        {"outputs": []},
    ],
)
def test_what_is_not_a_tensor(body: Any) -> None:
    assert _decoded(body, Output("auto")).label != "Output tensors"


def test_a_document_s_shell_style_path_variables_are_its_template_s() -> None:
    """The open inference protocol writes `/v2/models/${MODEL_NAME}/generate`."""
    document = _document(_replying({"type": "object"}), "/v2/models/${MODEL_NAME}/generate")
    api = load_spec(document, validate=False)
    (operation,) = api.operations
    assert operation.url_path == "/v2/models/{MODEL_NAME}/generate"
    assert [p.name for p in operation.parameters] == ["MODEL_NAME"]
    assert any("${MODEL_NAME}" in problem.message for problem in api.problems)


# --- sounds ---------------------------------------------------------------------------

BINARY = {"type": "string", "format": "binary"}


def _binary_reply(summary: str) -> str:
    """The planned output of an operation with this summary that answers octet-stream."""
    content = {"application/octet-stream": {"schema": BINARY}}
    responses = {"200": {"description": "OK", "content": content}}
    return _plan({"summary": summary, "responses": responses}).outputs[0].component


def test_a_binary_reply_that_the_operation_calls_audio_is_a_player() -> None:
    assert _binary_reply("Generates audio from the input text.") == "audio"


@pytest.mark.parametrize(
    "summary",
    ["Download the model weights", "Get the image or audio of a post", "Export a zip archive"],
)
def test_a_binary_reply_that_does_not_say_audio_is_a_file(summary: str) -> None:
    assert _binary_reply(summary) == "file"


@pytest.mark.parametrize(
    ("content", "planned", "kind"),
    [
        (wav_bytes(), "file", "audio"),  # bytes that are audio, whatever the plan
        (png_bytes(), "file", "image"),
        (b"\x00\x01raw pcm", "audio", "audio"),  # unknown bytes of a planned sound
        (b"\x00\x01raw", "file", "file"),  # unknown bytes, nothing planned: a file
        (b"%PDF-1.4 ...", "audio", "audio"),
    ],
)
def test_an_octet_stream_reply_is_shown_as_what_its_bytes_are(
    content: bytes, planned: str, kind: str
) -> None:
    output = Output(planned, media_type="application/octet-stream")
    assert _decoded(content, output, "application/octet-stream").kind == kind


# --- picture and sound inputs ---------------------------------------------------------


def _field(properties: Mapping[str, Any], name: str, media_type: str = "application/json") -> Any:
    plan = _plan(
        {
            "requestBody": {
                "content": {media_type: {"schema": {"type": "object", "properties": properties}}}
            },
            "responses": {"200": {"description": "ok"}},
        }
    )
    return next(f for f in plan.fields if f.name == name)


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("images", {**STRINGS, "description": "Base64-encoded images"}),  # Ollama
        ("init_images", {"type": "array", "items": {}, "title": "Init Images"}),  # A1111
        ("images", {"type": "array", "items": {"type": "string", "format": "byte"}}),
    ],
)
def test_a_list_of_base64_pictures_in_json_is_a_picture_upload(
    name: str, schema: dict[str, Any]
) -> None:
    field = _field({name: schema}, name)
    assert (field.component, field.encoding, field.value_type) == ("images", "base64", "array")


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("images", {"type": "array", "items": {"type": "string", "format": "uri"}}),
        (
            "images",
            {
                "type": "array",
                "items": {"type": "object", "properties": {"image_url": {"type": "string"}}},
            },
        ),
        ("images", {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}),
        ("image_ids", STRINGS),
        ("tags", STRINGS),
        ("images", {"type": "array", "items": {"type": "integer"}}),
    ],
)
def test_what_is_not_a_list_of_pictures(name: str, schema: dict[str, Any]) -> None:
    assert _field({name: schema}, name).component != "images"


def test_a_file_or_files_part_named_image_is_a_picture_upload_sent_as_a_file() -> None:
    """OpenAI's /images/edits: `image` is a binary string or an array of them."""
    image = {"anyOf": [BINARY, {"type": "array", "items": BINARY}], "description": "The image(s)"}
    field = _field({"image": image}, "image", "multipart/form-data")
    assert (field.component, field.encoding) == ("image", "file")


def test_a_text_or_known_names_part_is_a_dropdown_that_takes_any_text() -> None:
    """OpenAI's multipart `model`: any string, or one of the names it knows."""
    model = {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["whisper-1"]}]}
    picked = _field({"model": model}, "model", "multipart/form-data")
    assert (picked.component, picked.choices, picked.custom_values) == (
        "dropdown",
        ["whisper-1"],
        True,
    )
    mixed = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert _field({"model": mixed}, "model", "multipart/form-data").component != "textbox"


def test_a_file_the_description_calls_audio_records_from_the_microphone_too() -> None:
    audio = {**BINARY, "description": "The audio file object (not file name) to transcribe"}
    assert _field({"file": audio}, "file", "multipart/form-data").component == "audio"
    video = {**BINARY, "description": "A video file with its audio track"}
    assert _field({"file": video}, "file", "multipart/form-data").component == "file"
    plain = {**BINARY, "description": "The document to index"}
    assert _field({"file": plain}, "file", "multipart/form-data").component == "file"


def test_a_gallery_s_picture_is_read_from_its_path() -> None:
    assert file_path(("/tmp/up/a.png", None)) == "/tmp/up/a.png"
    assert file_path(("/tmp/up/a.png", "a caption")) == "/tmp/up/a.png"


def test_mlserver_s_type_bytes_is_read_as_a_string_so_requests_are_checked_and_sent() -> None:
    """MLServer's dataplane.yaml: `TensorData: oneOf [{type: array}, {type: bytes}]`."""
    from autoui.dispatcher.checks import check

    data = {"oneOf": [{"type": "array"}, {"type": "bytes"}]}
    plan = _plan(
        {
            "requestBody": {
                "content": {
                    "application/json": {"schema": {"type": "object", "properties": {"data": data}}}
                }
            },
            "responses": {"200": {"description": "ok"}},
        }
    )
    assert plan.field_by_param("data_variant").choices == ["list", "string"]
    assert check(plan, {"data_variant": "list", "data_list": "[[1, 2], [3, 4]]"}) == []
    assert check(plan, {"data_variant": "string", "data_string": "AAEC"}) == []


LOCALAI_SHARED = {
    "type": "object",
    "properties": {
        "choices": {"type": "array", "items": {"type": "object"}},
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"b64_json": {"type": "string"}, "url": {"type": "string"}},
            },
        },
    },
}


def test_one_response_shared_by_every_route_holds_pictures_where_the_path_says_image() -> None:
    """LocalAI answers chat, completions, embeddings, images and video with one schema."""
    assert _output(LOCALAI_SHARED, "/v1/images/generations").component == "gallery"
    assert _output(LOCALAI_SHARED, "/v1/chat/completions").component != "gallery"
    assert _output(LOCALAI_SHARED, "/video", summary="from an image").component != "gallery"
    assert _output(LOCALAI_SHARED, "/v1/embeddings").component == "vector"


def test_a_named_answer_beside_pictures_stays_the_answer() -> None:
    """LocalAI's agent job: `result` answers; its `images` are attachments."""
    job = {
        "type": "object",
        "properties": {
            "result": {"type": "string"},
            "images": {**STRINGS, "description": "URLs or base64-encoded data URIs"},
        },
    }
    assert (_output(job).component, _output(job).field) == ("textbox", "result")


def test_base64_audio_data_is_a_sound() -> None:
    """Mistral's speech: `{"audio_data": "<base64>"}`, "Base64 encoded audio data"."""
    speech = {
        "type": "object",
        "properties": {
            "audio_data": {"type": "string", "description": "Base64 encoded audio data"}
        },
    }
    assert _output(speech).component == "audio"
    plain = {"type": "object", "properties": {"audio_data": {"type": "string"}}}
    assert _output(plain).component != "audio"


def test_a_bare_string_reply_of_an_operation_that_says_audio_is_a_player() -> None:
    """LocalAI's Swagger 2.0 `/tts` declares a JSON `string`; it answers audio/wav."""
    said = _output({"type": "string"}, summary="Generates audio from the input text.")
    assert said.component == "audio"
    assert _output({"type": "string"}, summary="Tokenize the input text.").component == "textbox"


def test_a_reply_declared_any_media_type_is_decided_by_what_comes() -> None:
    """TorchServe declares `*/*`: a classification (JSON scores) is a label view."""
    operation = {"responses": {"200": {"description": "ok", "content": {"*/*": {"schema": {}}}}}}
    output = _plan(operation).outputs[0]
    assert output.component == "auto"
    scores = _decoded({"red": 0.91, "green": 0.06, "blue": 0.03}, output)
    assert (scores.kind, scores.view) == ("label", {"red": 0.91, "green": 0.06, "blue": 0.03})


def test_a_stored_record_with_its_vector_is_the_record_not_an_embedding_reply() -> None:
    record = {"id": "doc-1", "text": "the stored passage", "embedding": [0.1, 0.2, 0.3]}
    assert _decoded(record, Output("auto")).kind != "vector"
    ollama = {"model": "all-minilm", "embeddings": [[0.1, 0.2]], "total_duration": 14143917}
    assert _decoded(ollama, Output("auto")).kind == "vector"


@pytest.mark.parametrize(
    ("name", "schema", "component"),
    [
        ("inputs", {"oneOf": [{"type": "string"}, STRINGS]}, "texts"),
        # TEI: a text or its token ids, or a list of either
        (
            "inputs",
            {
                "oneOf": [
                    {
                        "oneOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "integer"}},
                        ]
                    },
                    {"type": "array", "items": STRINGS},
                ]
            },
            "texts",
        ),
        ("stop", {"oneOf": [{"type": "string"}, STRINGS]}, "texts"),  # OpenAI's stop too
        (
            "input",
            {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}]},
            "variant",
        ),
        ("input", {"oneOf": [STRINGS, {"type": "string"}]}, "variant"),  # the text is not first
    ],
)
def test_a_model_s_text_or_texts_input_is_one_text_box(
    name: str, schema: dict[str, Any], component: str
) -> None:
    plan = _plan(
        {
            "requestBody": {
                "content": {
                    "application/json": {"schema": {"type": "object", "properties": {name: schema}}}
                }
            },
            "responses": {"200": {"description": "ok"}},
        }
    )
    assert plan.fields[0].component == component


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("What is deep learning?", "What is deep learning?"),
        ('["first", "second"]', ["first", "second"]),
        ("[not json", "[not json"),
        ('  "quoted"', '  "quoted"'),
    ],
)
def test_a_text_box_of_texts_sends_a_list_only_when_given_one(typed: str, sent: Any) -> None:
    from autoui.dispatcher.values import wire_value

    plan = _plan(
        {
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"input": {"oneOf": [{"type": "string"}, STRINGS]}},
                        }
                    }
                }
            },
            "responses": {"200": {"description": "ok"}},
        }
    )
    assert wire_value(plan.fields[0], typed, lambda f, v: None) == sent


def test_a_reply_declared_any_media_type_with_a_json_schema_is_planned_by_it() -> None:
    """Springfox writes `*/*` for every JSON reply: its schema still says what comes."""
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}, "n": {"type": "integer"}},
    }
    content = {"*/*": {"schema": schema}}
    output = _plan({"responses": {"200": {"description": "ok", "content": content}}}).outputs[0]
    assert (output.component, output.field) == ("textbox", "answer")
    binary = {"*/*": {"schema": BINARY}}  # TorchServe
    assert (
        _plan({"responses": {"200": {"description": "ok", "content": binary}}}).outputs[0].component
        == "auto"
    )
