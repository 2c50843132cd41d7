"""Which part of a reply is the answer, and how to show it.

A model API answers `{"response": "..."}`; the user wants the text, not the envelope.
The same rule is applied to the response schema when planning and, when the schema
says nothing (FastAPI's `dict` return type), to the actual JSON at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from autoui.ir import Api, MediaType, Operation
from autoui.mapper.output_kinds import KINDS, for_media_type
from autoui.mapper.output_kinds.answer import (
    PRIMARY_NAMES,
    pick_media,
    primary_name,
    success_response,
)
from autoui.mapper.output_kinds.audio import says_audio
from autoui.mapper.output_kinds.gallery import declares_pictures
from autoui.mapper.output_kinds.stream import STREAM_TYPES
from autoui.mapper.output_kinds.tensors import declares_tensors
from autoui.mapper.output_kinds.vector import declares_vectors
from autoui.mapper.plan import Output, OutputKind, is_json
from autoui.mapper.shapes import main_type, prepare

_SCALAR_TYPES = ("string", "integer", "number", "boolean", "null")


def plan_outputs(
    api: Api, operation: Operation, echoes: frozenset[str] = frozenset()
) -> list[Output]:
    """The primary output, then a `stream` output when the reply may also come as a token
    stream (`stream: true` on an OpenAI-style route); `echoes` are the request's field
    names (see primary_name)."""
    response = success_response(operation)
    media = pick_media(response.content) if response else None
    if media is None:
        return [
            Output(
                "auto",
                echoes=echoes,
                rule="no response schema: decided by the reply's Content-Type",
            )
        ]
    chat = is_chat(api, operation)
    outputs = [_primary_output(api, operation, media, echoes, chat)]
    assert response is not None
    streams = [name for name in response.content if name in STREAM_TYPES]
    if streams and outputs[0].component != "stream":
        outputs.append(Output("stream", media_type=streams[0], rule=f"also offers {streams[0]}"))
    if chat:
        outputs.append(Output("chat", rule="a `messages` list of {role, content}: a chat"))
    return outputs


def is_chat(api: Api, operation: Operation) -> bool:
    """A chat: a JSON body whose `messages` is a list of `{role, content}` objects (or of
    variants that have them, as in OpenAI's and TGI's specs), beside a `model` or a
    `stream` field (without them it more likely stores messages, as creating a thread
    does), and a reply that holds an assistant's message (`message.content`,
    `choices[].message.content` or `choices[].delta.content`): Ollama's /api/create
    takes `messages` to seed a model and TGI's /chat_tokenize answers tokens, neither is
    a conversation. Where one request and reply schema serve several operations
    (LocalAI's chat, completions, embeddings and images share them), the shapes cannot
    tell them apart, and only the operation that names itself a chat is one."""
    request = _request_ref(api, operation)
    if request is None or not _asks_with_messages(api, operation):
        return False
    if not _answers_with_a_message(api, operation):
        return False
    if request and any(
        other is not operation and _request_ref(api, other) == request for other in api.operations
    ):
        return _CHAT_WORD in f"{operation.path} {operation.summary}".lower()
    return True


_CHAT_WORD = "chat"


def _json_body(operation: Operation) -> MediaType | None:
    body = operation.body
    return next((m for n, m in body.content.items() if is_json(n)), None) if body else None


def _request_ref(api: Api, operation: Operation) -> str | None:
    """The `$ref` of the JSON body's schema ("" when it is written in place), or None
    without a JSON body."""
    media = _json_body(operation)
    if media is None:
        return None
    return api.schemas.ref_of(media.schema) or ""


def _asks_with_messages(api: Api, operation: Operation) -> bool:
    media = _json_body(operation)
    assert media is not None
    schema, _ = prepare(api.schemas, media.schema)
    properties = schema.get("properties") or {}
    messages = properties.get("messages")
    if messages is None or not ("model" in properties or "stream" in properties):
        return False
    messages, _ = prepare(api.schemas, messages)
    if main_type(messages) != "array" or not isinstance(messages.get("items"), Mapping):
        return False
    return {"role", "content"} <= _property_names(api, messages["items"])


def _answers_with_a_message(api: Api, operation: Operation) -> bool:
    """Whether a success reply (JSON, or a stream's events) holds an assistant message,
    or says nothing of its shape (FastAPI's `-> Any`), which is no evidence against."""
    response = success_response(operation)
    described = False
    for media in response.content.values() if response else ():
        schema, _ = prepare(api.schemas, media.schema)
        properties = schema.get("properties")
        if isinstance(properties, Mapping) and _message_field(api, properties, _STREAMED):
            return True
        described = described or _describes(schema)
    return not described


def _describes(schema: Mapping[str, Any]) -> bool:
    """A schema that gives a reply a shape: more than nothing, or than a stream's text."""
    kind = main_type(schema)
    return (bool(kind) and kind != "string") or "properties" in schema


def _property_names(api: Api, node: Any, depth: int = 0) -> set[str]:
    """The property names of an object schema and of its oneOf/anyOf/allOf variants."""
    schema, _ = prepare(api.schemas, node)
    properties = schema.get("properties")
    names = set(properties) if isinstance(properties, Mapping) else set()
    for key in ("oneOf", "anyOf", "allOf"):
        variants = schema.get(key)
        if depth < 3 and isinstance(variants, list):
            for variant in variants:
                names |= _property_names(api, variant, depth + 1)
    return names


def _primary_output(
    api: Api, operation: Operation, media: MediaType, echoes: frozenset[str], chat: bool = False
) -> Output:
    if media.name == "*/*" and _untyped_or_bytes(api, media):
        # Anything at all (TorchServe's predictions): the reply's Content-Type decides.
        return Output("auto", echoes=echoes, rule="media type */*: decided by the reply")
    if says_audio(operation, media.name, api.schemas, media.schema):
        return Output("audio", media_type=media.name, rule="the operation says audio")
    if not (is_json(media.name) or media.name == "*/*"):  # springfox's */* describes JSON
        return Output(
            for_media_type(media.name),
            media_type=media.name,
            rule=f"media type {media.name}",
        )
    planned = _model_output(api, operation, media) or _schema_output(api, media, echoes, chat)
    if planned.component in ("image", "audio") or planned.field in PRIMARY_NAMES:
        return planned  # one picture or sound, or a named answer (a job's `result`)
    if media.schema is None:
        return planned
    if declares_pictures(api.schemas, media.schema, operation):
        return Output("gallery", media_type=media.name, rule="pictures in the reply")
    return planned


def _untyped_or_bytes(api: Api, media: MediaType) -> bool:
    schema = prepare(api.schemas, media.schema)[0] if media.schema is not None else {}
    kind = main_type(schema)
    return not kind or (kind == "string" and schema.get("format") in ("binary", "byte"))


def _schema_output(
    api: Api, media: MediaType, echoes: frozenset[str], chat: bool = False
) -> Output:
    """By the reply schema's shape: its primary field, a table, labels, JSON or text."""
    schema, _ = prepare(api.schemas, media.schema)
    kind = main_type(schema)
    properties = schema.get("properties")
    if kind == "object" and isinstance(properties, Mapping) and properties:
        fields = {name: prepare(api.schemas, node)[0] for name, node in properties.items()}
        readable = {n: s for n, s in fields.items() if not s.get("writeOnly")}
        answer = _message_field(api, readable) if chat else None
        if answer is not None:
            return Output(
                "textbox", field=answer, media_type=media.name, echoes=echoes, rule="message"
            )
        name = primary_name({n: main_type(s) for n, s in readable.items()}, echoes)
        if name is not None:
            return Output(
                _field_component(api, name, readable[name]),
                field=name,
                media_type=media.name,
                echoes=echoes,
                rule="primary field",
            )
        return Output(
            "json", media_type=media.name, echoes=echoes, rule="object without a primary field"
        )
    if kind in ("string", "integer", "number", "boolean"):
        return Output("textbox", media_type=media.name, rule=f"JSON {kind}")
    view = _json_view(api, schema)
    if view is not None:
        return Output(view, media_type=media.name, echoes=echoes, rule=f"JSON {kind} as a {view}")
    if kind == "object" or kind == "array":
        return Output("json", media_type=media.name, rule=f"JSON {kind}")
    return Output("auto", media_type=media.name, echoes=echoes, rule="JSON of unknown shape")


def _model_output(api: Api, operation: Operation, media: MediaType) -> Output | None:
    """The kinds a model server answers with, decided by their own modules
    (`autoui.mapper.output_kinds`): tensors and vectors. (Pictures are looked for once the
    reply's shape is known: one picture field is the primary field's image.)"""
    if media.schema is None:
        return None
    if declares_tensors(api.schemas, media.schema):
        return Output("table", media_type=media.name, rule="inference tensors (`outputs`)")
    where = f"{operation.path} {operation.operation_id}"
    if declares_vectors(api.schemas, media.schema, where):
        return Output("vector", media_type=media.name, rule="embeddings")
    return None


_STREAMED = ("message", "delta")  # a streamed chunk's choices hold a `delta`


def _message_field(
    api: Api, properties: Mapping[str, Any], keys: tuple[str, ...] = ("message",)
) -> str | None:
    """An assistant message's text: `message.content` (Ollama's chat) or
    `choices.0.message.content` (OpenAI's; `delta` in a streamed chunk), where the
    reply's schema has one."""
    if "message" in properties and "content" in _property_names(api, properties["message"]):
        return "message.content"
    choices, _ = prepare(api.schemas, properties.get("choices", {}))
    if main_type(choices) == "array":
        item, _ = prepare(api.schemas, choices.get("items", {}))
        inner = item.get("properties")
        for key in keys:
            if isinstance(inner, Mapping) and "content" in _property_names(api, inner.get(key, {})):
                return f"choices.0.{key}.content"
    return None


def _json_view(api: Api, schema: Mapping[str, Any]) -> Literal["table", "label"] | None:
    """`table` for an array of flat objects, `label` for scores by label (an object of
    numbers only, or an array of `{label, score}` objects); else None."""
    kind = main_type(schema)
    extra = schema.get("additionalProperties")
    if kind == "object" and not schema.get("properties") and isinstance(extra, Mapping):
        return "label" if main_type(prepare(api.schemas, extra)[0]) == "number" else None
    if kind != "array" or not isinstance(schema.get("items"), (Mapping, bool)):
        return None
    items, _ = prepare(api.schemas, schema["items"])
    properties = items.get("properties")
    if main_type(items) != "object" or not isinstance(properties, Mapping) or not properties:
        return None
    types = {n: main_type(prepare(api.schemas, node)[0]) for n, node in properties.items()}
    if types.get("label") == "string" and types.get("score") == "number":
        return "label"
    return "table" if all(t in _SCALAR_TYPES for t in types.values()) else None


def _field_component(api: Api, name: str, schema: Mapping[str, Any]) -> OutputKind:
    """The kind whose field rule takes the answer field (a picture, a sound), else a table,
    labels or JSON for an object or a list, else text."""
    chosen = next((k.name for k in KINDS.values() if k.field_rule(name, schema)), None)
    if chosen is not None:
        return chosen
    if main_type(schema) in ("object", "array"):
        return _json_view(api, schema) or "json"
    return "textbox"
